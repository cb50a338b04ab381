//! A key-value service, for the three pillars: performance, scalability and
//! availability, measured while you break things.
//!
//! Clients issue gets and puts on random keys at a chosen total rate (open
//! loop: a client does not wait for one reply before the next request, so
//! the offered load can exceed what the service can do). Every server
//! takes `service` µs per request, one at a time, and queues the rest: its
//! queue is what makes latency explode past the knee.
//!
//! The service's shape is a [`Layout`]:
//! - `Single`: one stateful server (node 0), the baseline.
//! - `Stateless`: a load balancer (node 0) spreads requests over workers
//!   that keep nothing; the data is on a store node (node 1). Crash a
//!   worker and no data is lost; the balancer stops using it once its
//!   failure detector suspects it.
//! - `Sharded`: S servers, each owning a range of the keys; clients send
//!   each key to its shard. Capacity grows with S; each key lives once.
//! - `Replicated`: each shard on R replicas, primary-backup. The primary
//!   serves and replicates every write to the backups before replying; a
//!   backup takes over when its failure detector suspects the primary (the
//!   next rank after it does). A wrong suspicion makes two primaries.
//! - `Quorum`: each shard on R replicas, no primary; a client writes to all
//!   and waits for W acknowledgements, reads from all and waits for R'
//!   answers, keeping the newest version. R' + W > R: every read sees the
//!   last acknowledged write; otherwise reads can be stale.
//!
//! Clients report what they issued and what came back as [`Note`]s; the
//! simulator's [`KvMetrics`] turns them into throughput, latency,
//! availability and stale reads, outside any node (so a crash cannot make
//! the metrics forget).

mod client;
mod metrics;
mod msg;
mod replica;
mod server;
mod state;
pub mod sweep;

use server::reply;

pub use metrics::{KvMark, KvMetrics, KvWindow, MarkKind, NodeLoad, WINDOW};
pub use msg::{KvMsg, KvOp};
pub use state::*;

use super::delivery::Note;
use super::detector::{DetectorKind, PeerHistory};
use super::node::{Ctx, Out, Protocol, TimerTag};
use super::rng::SimRng;
use super::{Micros, NodeId};
use std::collections::{BTreeMap, VecDeque};

/// The shape of the service.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Layout {
    /// One stateful server.
    #[default]
    Single,
    /// A load balancer, stateless workers and a store.
    Stateless,
    /// Keys range-split over shards, each on one server.
    Sharded,
    /// Shards on replicas, primary-backup with failover.
    Replicated,
    /// Shards on replicas, quorum reads and writes.
    Quorum,
}

impl Layout {
    /// Every layout, for menus.
    pub const ALL: [Layout; 5] = [
        Layout::Single,
        Layout::Stateless,
        Layout::Sharded,
        Layout::Replicated,
        Layout::Quorum,
    ];

    /// The URL value.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Single => "single",
            Layout::Stateless => "stateless",
            Layout::Sharded => "sharded",
            Layout::Replicated => "replicated",
            Layout::Quorum => "quorum",
        }
    }

    /// Parses [`Layout::name`].
    pub fn from_name(s: &str) -> Option<Layout> {
        Layout::ALL.into_iter().find(|l| l.name() == s)
    }
}

/// How the load balancer picks a worker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Balance {
    /// The next worker in turn.
    #[default]
    RoundRobin,
    /// The worker with the fewest requests outstanding.
    LeastOutstanding,
}

/// The key-value workload's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Kv {
    pub layout: Layout,
    /// Workers (stateless) or shards (sharded, replicated, quorum).
    pub servers: u32,
    /// Replicas per shard (replicated, quorum).
    pub replicas: u32,
    /// Quorum: answers a read waits for.
    pub read_quorum: u32,
    /// Quorum: acknowledgements a write waits for.
    pub write_quorum: u32,
    pub balance: Balance,
    /// Service time per request at a server, local µs. The store of the
    /// stateless layout takes a quarter of it (a lookup, not the work).
    pub service: Micros,
    /// One node that serves `slowdown` times slower (a straggler).
    pub slow: Option<(u32, u32)>,
    /// Offered load: requests per simulated second, all clients together.
    pub load: u32,
    /// Keys `0..keys`.
    pub keys: u32,
    /// Percent of requests that are gets.
    pub reads: u32,
    /// A request not answered within this (client-local µs) is unavailable.
    pub deadline: Micros,
    /// Heartbeats of workers and primaries, local µs.
    pub interval: Micros,
    /// The failure detector behind the balancer and failover.
    pub detector: DetectorKind,
    /// Requests a client puts in one message to a server, and answers a
    /// server puts in one message back (1: no batching; one server or
    /// shards only).
    pub batch: u32,
    /// How long a client holds a batch that is not full (local µs).
    pub linger: Micros,
}

impl Default for Kv {
    fn default() -> Self {
        Kv {
            layout: Layout::Single,
            servers: 1,
            replicas: 3,
            read_quorum: 2,
            write_quorum: 2,
            balance: Balance::RoundRobin,
            service: 5_000,
            slow: None,
            load: 100,
            keys: 64,
            reads: 50,
            deadline: 1_000_000,
            interval: 100_000,
            detector: DetectorKind::FixedTimeout { timeout: 400_000 },
            batch: 1,
            linger: 5_000,
        }
    }
}

/// What a node is in the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Client,
    /// A stateful server owning `shard` (single, sharded, quorum replica).
    Server {
        shard: u32,
    },
    Balancer,
    /// Stateless worker number `w`.
    Worker {
        w: u32,
    },
    Store,
    /// Replica of `shard` with `rank` (replicated).
    Replica {
        shard: u32,
        rank: u32,
    },
}

impl Kv {
    /// Nodes the service itself takes (the rest are clients).
    pub fn service_nodes(&self) -> u32 {
        match self.layout {
            Layout::Single => 1,
            Layout::Stateless => 2 + self.servers,
            Layout::Sharded => self.servers,
            Layout::Replicated | Layout::Quorum => self.servers * self.replicas,
        }
    }

    /// Shards the keys are split over.
    pub fn shards(&self) -> u32 {
        match self.layout {
            Layout::Single | Layout::Stateless => 1,
            _ => self.servers.max(1),
        }
    }

    /// Replicas of each shard.
    pub fn copies(&self) -> u32 {
        match self.layout {
            Layout::Replicated | Layout::Quorum => self.replicas.max(1),
            _ => 1,
        }
    }

    /// Whether clients batch their requests: asked for, and a layout where
    /// a key's server answers from its own data (one server, shards).
    pub fn batching(&self) -> bool {
        self.batch > 1 && matches!(self.layout, Layout::Single | Layout::Sharded)
    }

    /// Client `client`'s request number `req`: its key and whether it is a
    /// write, a function of the two alone (so a batch names its requests
    /// by number and the server knows what they ask).
    pub fn request(&self, client: u32, req: u64) -> (u32, bool) {
        let mut rng = SimRng::new(
            u64::from(client).wrapping_mul(0x9E37_79B9_7F4A_7C15)
                ^ req.wrapping_mul(0xC2B2_AE3D_27D4_EB4F),
        );
        let key = rng.range_inclusive(0, u64::from(self.keys.max(1)) - 1) as u32;
        let write = !rng.chance(f64::from(self.reads.min(100)) / 100.0);
        (key, write)
    }

    /// What node `i` is.
    pub fn place(&self, i: u32) -> Place {
        if i >= self.service_nodes() {
            return Place::Client;
        }
        match self.layout {
            Layout::Single | Layout::Sharded => Place::Server { shard: i },
            Layout::Stateless => match i {
                0 => Place::Balancer,
                1 => Place::Store,
                w => Place::Worker { w: w - 2 },
            },
            Layout::Quorum => Place::Server {
                shard: i / self.copies(),
            },
            Layout::Replicated => Place::Replica {
                shard: i / self.copies(),
                rank: i % self.copies(),
            },
        }
    }

    /// The shard owning `key` (keys are range-split, so each shard holds a
    /// contiguous range, shown beside it).
    pub fn shard_of(&self, key: u32) -> u32 {
        (u64::from(key) * u64::from(self.shards()) / u64::from(self.keys.max(1))) as u32
    }

    /// The keys shard `s` owns, as `lo..hi`.
    pub fn key_range(&self, s: u32) -> (u32, u32) {
        let k = u64::from(self.keys.max(1));
        let sh = u64::from(self.shards());
        let lo = (u64::from(s) * k).div_ceil(sh) as u32;
        let hi = ((u64::from(s) + 1) * k).div_ceil(sh) as u32;
        (lo, hi)
    }

    fn replica(&self, shard: u32, rank: u32) -> u32 {
        shard * self.copies() + rank
    }

    /// How long node `i` takes per request.
    pub fn service_time(&self, i: u32) -> Micros {
        let base = match self.place(i) {
            Place::Store => self.service / 4,
            _ => self.service,
        };
        match self.slow {
            Some((node, factor)) if node == i => base * u64::from(factor.max(1)),
            _ => base,
        }
        .max(1)
    }

    /// How long a primary waits for a backup's acknowledgement before it
    /// counts the backup as failed: the detector's timeout, or three
    /// heartbeats with phi accrual.
    pub fn ack_timeout(&self) -> Micros {
        match self.detector {
            DetectorKind::FixedTimeout { timeout } => timeout,
            DetectorKind::PhiAccrual { .. } => 3 * self.interval,
        }
    }

    /// Mean time between one client's requests, local µs.
    fn mean_gap(&self, ctx: &Ctx) -> f64 {
        let clients = ctx.n.saturating_sub(self.service_nodes()).max(1);
        f64::from(clients) * 1e6 / f64::from(self.load.max(1))
    }

    /// A fresh random source for draw number `st.draws` of node `ctx.id`
    /// (handlers have no random source of their own; this is as
    /// deterministic as the run).
    fn rng(ctx: &Ctx, st: &mut KvState) -> SimRng {
        st.draws += 1;
        SimRng::new((u64::from(ctx.id.0) << 40) ^ st.draws.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    fn fresh(&self, ctx: &Ctx) -> KvState {
        KvState {
            place: self.place(ctx.id.0),
            data: BTreeMap::new(),
            queue: VecDeque::new(),
            busy: None,
            served: 0,
            shed: 0,
            next_req: 0,
            draws: 0,
            pending: BTreeMap::new(),
            believed: Vec::new(),
            announced: Vec::new(),
            last_version: 0,
            outstanding: Vec::new(),
            turn: 0,
            watches: Vec::new(),
            jobs: BTreeMap::new(),
            next_token: 0,
            epoch: 0,
            primary: None,
            watch: None,
            in_sync: 0,
            acks: BTreeMap::new(),
            outbox: Vec::new(),
            lingering: false,
            gathering: BTreeMap::new(),
        }
    }

    fn start(&self, st: &mut KvState, ctx: &Ctx, out: &mut Out<KvMsg>, first: bool) {
        match st.place {
            Place::Client => {
                st.believed = vec![0; self.shards() as usize];
                st.announced = vec![0; self.shards() as usize];
                self.arm_issue(st, ctx, out);
                out.set_timer(SWEEP_TIMER, (self.deadline / 4).max(1_000));
            }
            Place::Balancer => {
                st.outstanding = vec![0; self.servers as usize];
                st.watches = (0..self.servers)
                    .map(|_| PeerHistory::new(ctx.local_now, &self.detector))
                    .collect();
            }
            Place::Worker { .. } => self.beat(st, ctx, out),
            Place::Replica { shard, rank } => {
                if first && rank == 0 {
                    st.epoch = 1;
                    self.promote_as(st, ctx, shard, 1, out);
                } else if first {
                    st.epoch = 1;
                    self.follow(st, ctx, 0, out);
                } else {
                    // Back from a crash: a backup that knows no primary yet.
                    for r in 0..self.copies() {
                        if r != rank {
                            out.send(NodeId(self.replica(shard, r)), KvMsg::Join);
                        }
                    }
                    st.watch = Some(PeerHistory::new(ctx.local_now, &self.detector));
                    out.set_timer(CHECK_TIMER, self.detector_after(st));
                }
            }
            Place::Server { .. } | Place::Store => {}
        }
    }
}

impl Protocol for Kv {
    type State = KvState;
    type Msg = KvMsg;

    fn init(&self, ctx: &Ctx, out: &mut Out<KvMsg>) -> KvState {
        let mut st = self.fresh(ctx);
        self.start(&mut st, ctx, out, true);
        st
    }

    fn on_msg(&self, st: &mut KvState, ctx: &Ctx, from: NodeId, msg: &KvMsg, out: &mut Out<KvMsg>) {
        let from = from.0;
        match (*msg, st.place) {
            (
                KvMsg::Req {
                    client,
                    req,
                    key,
                    op,
                },
                Place::Balancer,
            ) => {
                if let Some(w) = self.pick_worker(st, ctx) {
                    st.outstanding[w as usize] += 1;
                    out.send(
                        NodeId(w + 2),
                        KvMsg::Req {
                            client,
                            req,
                            key,
                            op,
                        },
                    );
                }
                // No worker up: the request is dropped; the client times out.
            }
            (
                KvMsg::Req {
                    client,
                    req,
                    key,
                    op,
                },
                Place::Replica { rank, .. },
            ) if st.primary != Some(rank) => {
                if let Some(p) = st.primary {
                    let Place::Replica { shard, .. } = st.place else {
                        unreachable!()
                    };
                    out.send(
                        NodeId(from),
                        KvMsg::Redirect {
                            req,
                            primary: self.replica(shard, p),
                        },
                    );
                }
                let _ = (client, key, op);
            }
            (
                KvMsg::Req {
                    client,
                    req,
                    key,
                    op,
                },
                Place::Server { .. } | Place::Worker { .. } | Place::Replica { .. },
            ) => {
                self.enqueue(
                    st,
                    ctx,
                    Job {
                        from,
                        client,
                        req,
                        key,
                        op,
                        arrived: ctx.local_now,
                        batch: 0,
                    },
                    out,
                );
            }
            (
                KvMsg::Batch {
                    client,
                    first,
                    mask,
                },
                Place::Server { .. },
            ) => self.batch_arrived(st, ctx, from, client, first, mask, out),
            (
                KvMsg::Answers {
                    first,
                    mask,
                    counters,
                    ..
                },
                Place::Client,
            ) => {
                let mut k = 0;
                for i in 0..64 {
                    if mask & 1 << i != 0 {
                        let c = counters[k];
                        k += 1;
                        if c != u32::MAX {
                            // Never written: version 0.
                            let version = if c == 0 {
                                0
                            } else {
                                u64::from(c) << 12 | u64::from(from & 0xFFF)
                            };
                            self.on_answer(st, ctx, from, first + i, version, out);
                        }
                    }
                }
            }
            (KvMsg::Store { token, key, op }, Place::Store) => {
                self.enqueue(
                    st,
                    ctx,
                    Job {
                        from,
                        client: u32::MAX,
                        req: token,
                        key,
                        op,
                        arrived: ctx.local_now,
                        batch: 0,
                    },
                    out,
                );
            }
            (KvMsg::Stored { token, version }, Place::Worker { .. }) => {
                if let Some(job) = st.jobs.remove(&token) {
                    out.send(NodeId(job.from), reply(job, version));
                }
            }
            (
                KvMsg::Resp {
                    client,
                    req,
                    version,
                },
                Place::Balancer,
            ) => {
                // A worker's answer: pass it on.
                let w = from.wrapping_sub(2) as usize;
                if let Some(o) = st.outstanding.get_mut(w) {
                    *o = o.saturating_sub(1);
                }
                self.heard_worker(st, ctx, from);
                out.send(
                    NodeId(client),
                    KvMsg::Resp {
                        client,
                        req,
                        version,
                    },
                );
            }
            (KvMsg::Resp { req, version, .. }, Place::Client) => {
                self.on_answer(st, ctx, from, req, version, out);
            }
            (KvMsg::Redirect { req, primary }, Place::Client) => {
                if let Some(p) = st.pending.get(&req).copied() {
                    let s = self.shard_of(p.key) as usize;
                    if let Some(b) = st.believed.get_mut(s) {
                        *b = primary % self.copies();
                    }
                    self.send_request(st, ctx.id.0, req, p.key, p.op, out);
                }
            }
            (KvMsg::Beat { .. }, Place::Balancer) => self.heard_worker(st, ctx, from),
            (KvMsg::Beat { epoch }, Place::Client) => {
                // A new primary's announcement.
                let s = (from / self.copies()) as usize;
                if st.announced.get(s).is_some_and(|&e| epoch > e) {
                    st.announced[s] = epoch;
                    st.believed[s] = from % self.copies();
                }
            }
            (KvMsg::Beat { epoch }, Place::Replica { .. }) => {
                self.heard_primary(st, ctx, from, epoch, out);
            }
            (
                KvMsg::Replicate {
                    epoch,
                    token,
                    key,
                    version,
                    value,
                },
                Place::Replica { .. },
            ) => self.replicated(st, ctx, from, epoch, token, (key, version, value), out),
            (KvMsg::Ack { token }, Place::Replica { .. }) => self.acked(st, from, token, out),
            (KvMsg::Join, Place::Replica { shard, rank }) if st.primary == Some(rank) => {
                let r = from % self.copies();
                st.in_sync |= 1 << r;
                out.send(NodeId(from), KvMsg::Beat { epoch: st.epoch });
                self.sync(st, shard, r, out);
            }
            _ => {}
        }
    }

    fn on_timer(&self, st: &mut KvState, ctx: &Ctx, tag: TimerTag, out: &mut Out<KvMsg>) {
        match tag {
            ISSUE_TIMER => {
                self.issue(st, ctx, out);
                self.arm_issue(st, ctx, out);
            }
            SWEEP_TIMER => self.sweep(st, ctx, out),
            SERVE_TIMER => self.finish(st, ctx, out),
            BEAT_TIMER => self.beat(st, ctx, out),
            CHECK_TIMER => self.check(st, ctx, out),
            ACK_TIMER => self.ack_deadline(st, ctx, out),
            LINGER_TIMER => {
                st.lingering = false;
                self.flush_all(st, ctx, out);
            }
            _ => {}
        }
    }

    /// A stateful node's data is what stable storage keeps.
    fn persisted(&self, st: &KvState) -> Option<KvState> {
        let mut keep = st.clone();
        keep.queue.clear();
        keep.busy = None;
        keep.pending.clear();
        keep.jobs.clear();
        keep.acks.clear();
        keep.outbox.clear();
        keep.gathering.clear();
        Some(keep)
    }

    fn recover(&self, ctx: &Ctx, stable: Option<KvState>, out: &mut Out<KvMsg>) -> KvState {
        let mut st = self.fresh(ctx);
        if let Some(s) = stable {
            st.data = s.data;
            st.epoch = s.epoch;
            st.next_req = s.next_req;
            st.draws = s.draws;
            st.last_version = s.last_version;
        }
        self.start(&mut st, ctx, out, false);
        if let Place::Replica { .. } = st.place {
            st.epoch = st.epoch.max(1);
        }
        st
    }

    fn is_work(&self, msg: &KvMsg) -> bool {
        matches!(
            msg,
            KvMsg::Req { .. } | KvMsg::Store { .. } | KvMsg::Replicate { .. }
        )
    }

    fn approx_bytes(&self, st: &KvState, _older: Option<&KvState>) -> usize {
        std::mem::size_of::<KvState>()
            + st.data.len() * 40
            + st.queue.capacity() * std::mem::size_of::<Job>()
            + st.pending.len() * (std::mem::size_of::<Pending>() + 24)
            + st.jobs.len() * (std::mem::size_of::<Job>() + 24)
            + st.acks.len() * (std::mem::size_of::<Waiting>() + 24)
            + st.watches.len() * std::mem::size_of::<PeerHistory>() * 2
            + st.outstanding.len() * 4
            + st.outbox.capacity() * 24
            + st.gathering.len() * (std::mem::size_of::<Gather>() + 40)
            + st.believed.len() * 4
    }

    fn describe(&self, st: &KvState, _ctx: &Ctx) -> Vec<(String, String)> {
        let mut rows = vec![("role".to_string(), place_name(self, st))];
        match st.place {
            Place::Client => {
                rows.push(("requests issued".into(), st.next_req.to_string()));
                rows.push(("awaiting answers".into(), st.pending.len().to_string()));
            }
            Place::Balancer => {
                let o: Vec<String> = st.outstanding.iter().map(u32::to_string).collect();
                rows.push(("outstanding per worker".into(), o.join(" ")));
            }
            _ => {
                rows.push((
                    "queue".into(),
                    (st.queue.len() + usize::from(st.busy.is_some())).to_string(),
                ));
                rows.push(("served".into(), st.served.to_string()));
                rows.push(("dropped past the deadline".into(), st.shed.to_string()));
                if !matches!(st.place, Place::Worker { .. }) {
                    rows.push(("keys held".into(), st.data.len().to_string()));
                }
                if let Place::Replica { .. } = st.place {
                    rows.push(("epoch".into(), st.epoch.to_string()));
                    rows.push(("writes awaiting backups".into(), st.acks.len().to_string()));
                }
            }
        }
        rows
    }

    fn timer_name(&self, tag: TimerTag) -> &'static str {
        match tag {
            ISSUE_TIMER => "next request",
            SWEEP_TIMER => "deadline check",
            SERVE_TIMER => "request served",
            BEAT_TIMER => "heartbeat",
            CHECK_TIMER => "primary check",
            ACK_TIMER => "backup ack timeout",
            _ => "timer",
        }
    }
}

/// A node's role in words, e.g. "primary of shard 1 (epoch 2)".
pub fn place_name(kv: &Kv, st: &KvState) -> String {
    match st.place {
        Place::Client => "client".into(),
        Place::Server { shard } if kv.layout == Layout::Quorum => {
            format!("replica of shard {}", shard)
        }
        Place::Server { shard } if kv.shards() > 1 => {
            let (lo, hi) = kv.key_range(shard);
            format!(
                "server of shard {shard} (keys {lo}–{})",
                hi.saturating_sub(1)
            )
        }
        Place::Server { .. } => "server".into(),
        Place::Balancer => "load balancer".into(),
        Place::Store => "store (the data)".into(),
        Place::Worker { w } => format!("stateless worker {w}"),
        Place::Replica { shard, rank } => {
            if st.primary == Some(rank) {
                format!("primary of shard {shard} (epoch {})", st.epoch)
            } else {
                format!("backup of shard {shard}")
            }
        }
    }
}
