//! A client/server workload for delivery semantics.
//!
//! Node 0 is the server; every other node is a client that issues requests at a
//! steady rate. A request either adds to a balance (not idempotent: applying it
//! twice is wrong) or sets a register (idempotent: applying it twice is harmless).
//! The [`DeliveryMode`] decides what clients do about silence (nothing, or
//! retransmit with exponential backoff) and whether the server de-duplicates.
//! Clients and server report what they do as notes; see `delivery.rs`.

use super::delivery::{DeliveryMode, Note};
use super::node::{Ctx, Out, Payload, Protocol, TimerTag};
use super::{Micros, NodeId};
use std::collections::{BTreeMap, VecDeque};
use std::fmt;

/// The operation a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Add to the balance: not idempotent.
    Add(i64),
    /// Set the register: idempotent.
    Set(i64),
}

/// Messages of the workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RpcMsg {
    /// Client `client` asks for request `req` (send number `attempt`, from 1).
    Request {
        client: u32,
        req: u64,
        op: Op,
        attempt: u32,
    },
    /// The server's answer to `req` of `client`.
    Reply {
        client: u32,
        req: u64,
        result: i64,
        attempt: u32,
    },
}

impl fmt::Display for RpcMsg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            RpcMsg::Request {
                client,
                req,
                op,
                attempt,
            } => {
                let op = match op {
                    Op::Add(d) => format!("add {d}"),
                    Op::Set(v) => format!("set x={v}"),
                };
                write!(f, "Request c{client}#{req} {op}")?;
                if attempt > 1 {
                    write!(f, " (retry {})", attempt - 1)?;
                }
                Ok(())
            }
            RpcMsg::Reply {
                client,
                req,
                result,
                ..
            } => write!(f, "Reply c{client}#{req} = {result}"),
        }
    }
}

impl Payload for RpcMsg {
    fn kind(&self) -> &'static str {
        match self {
            RpcMsg::Request { attempt: 1, .. } => "request",
            RpcMsg::Request { .. } => "retry",
            RpcMsg::Reply { .. } => "reply",
        }
    }
    fn digest(&self) -> u64 {
        match *self {
            RpcMsg::Request {
                client,
                req,
                op,
                attempt,
            } => {
                let o = match op {
                    Op::Add(d) => d as u64,
                    Op::Set(v) => (v as u64) ^ (1 << 63),
                };
                (client as u64) ^ req.rotate_left(20) ^ o.rotate_left(40) ^ (attempt as u64) << 56
            }
            RpcMsg::Reply {
                client,
                req,
                result,
                attempt,
            } => {
                !((client as u64)
                    ^ req.rotate_left(20)
                    ^ (result as u64).rotate_left(40)
                    ^ (attempt as u64) << 56)
            }
        }
    }
}

/// The workload's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct RpcConfig {
    /// What clients and server do about loss and duplicates.
    pub mode: DeliveryMode,
    /// `Set` (idempotent) instead of `Add` (not).
    pub idempotent: bool,
    /// Each client issues a request this often (local µs).
    pub request_every: Micros,
    /// First acknowledgement timeout (local µs).
    pub timeout: Micros,
    /// Each retry waits this many times longer than the previous one...
    pub backoff: u32,
    /// ...up to this much (local µs).
    pub max_backoff: Micros,
    /// Give up after this many sends of one request (`None`: never).
    pub retry_limit: Option<u32>,
    /// How long the server remembers a request in its de-duplication table (local µs).
    pub retention: Micros,
    /// Stop after this many requests per client (`None`: never stop).
    pub max_requests: Option<u64>,
}

impl Default for RpcConfig {
    fn default() -> Self {
        RpcConfig {
            mode: DeliveryMode::AtLeastOnce,
            idempotent: false,
            request_every: 1_500_000,
            timeout: 400_000,
            backoff: 2,
            max_backoff: 3_200_000,
            retry_limit: None,
            retention: 30_000_000,
            max_requests: None,
        }
    }
}

/// Checks delivery settings, with a message naming the bad one.
pub fn validate_rpc(c: &RpcConfig) -> Result<(), String> {
    let hour = 3_600_000_000;
    if c.request_every == 0 || c.request_every > hour {
        return Err("request interval must be between 1 µs and one hour".to_string());
    }
    if c.timeout == 0 || c.timeout > hour || c.max_backoff > hour {
        return Err("timeouts must be between 1 µs and one hour".to_string());
    }
    if c.backoff == 0 || c.backoff > 16 {
        return Err("backoff factor must be between 1 and 16".to_string());
    }
    if c.retry_limit == Some(0) {
        return Err("retry limit must be at least 1 send (or none)".to_string());
    }
    if c.retention > 24 * hour {
        return Err("retention window must be at most a day".to_string());
    }
    Ok(())
}

/// Amount each `Add` request adds.
pub const ADD_AMOUNT: i64 = 10;

/// A request a client is waiting on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pending {
    /// Sends so far.
    pub attempt: u32,
    /// Local time at which to retransmit (or give up).
    pub deadline: i64,
    /// Current timeout (grows by the backoff factor).
    pub wait: Micros,
}

/// A client's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientState {
    /// Number of the next request.
    pub next_req: u64,
    /// Requests awaiting a reply.
    pub outstanding: BTreeMap<u64, Pending>,
    /// Replies received.
    pub completed: u64,
    /// Requests abandoned.
    pub gave_up: u64,
    /// The last result the server sent back.
    pub last_result: Option<i64>,
}

/// The server's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerState {
    /// The non-idempotent account.
    pub balance: i64,
    /// The idempotent register.
    pub x: i64,
    /// De-duplication table: request → (local time stored, result sent).
    pub table: BTreeMap<(u32, u64), (i64, i64)>,
    /// Table entries in the order they were stored, for expiry.
    order: VecDeque<(i64, (u32, u64))>,
    /// Effects applied.
    pub applied: u64,
    /// Duplicates suppressed.
    pub suppressed: u64,
}

/// A node of the workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RpcState {
    /// Node 0.
    Server(ServerState),
    /// Every other node.
    Client(ClientState),
}

/// Timer that issues the next request.
pub const ISSUE_TIMER: TimerTag = 1;
/// Timer at the earliest retransmission deadline.
pub const RETRY_TIMER: TimerTag = 2;
/// The server.
pub const SERVER: NodeId = NodeId(0);

/// The client/server workload.
#[derive(Clone, Debug, PartialEq)]
pub struct Rpc {
    /// Its settings.
    pub config: RpcConfig,
}

impl Rpc {
    fn retries(&self) -> bool {
        self.config.mode != DeliveryMode::AtMostOnce
    }

    fn arm_retry(&self, c: &ClientState, ctx: &Ctx, out: &mut Out<RpcMsg>) {
        if let Some(next) = c
            .outstanding
            .values()
            .map(|p| p.deadline)
            .filter(|&d| d < i64::MAX)
            .min()
        {
            out.set_timer(RETRY_TIMER, (next - ctx.local_now).max(1) as Micros);
        }
    }

    /// The operation request `req` asks for (the same on every retransmission).
    fn op_for(&self, req: u64) -> Op {
        if self.config.idempotent {
            Op::Set(req as i64 + 1)
        } else {
            Op::Add(ADD_AMOUNT)
        }
    }

    fn issue(&self, c: &mut ClientState, ctx: &Ctx, out: &mut Out<RpcMsg>) {
        let req = c.next_req;
        c.next_req += 1;
        let op = self.op_for(req);
        out.note(Note::Issued {
            client: ctx.id.0,
            req,
        });
        out.send(
            SERVER,
            RpcMsg::Request {
                client: ctx.id.0,
                req,
                op,
                attempt: 1,
            },
        );
        // At-most-once never retransmits: its deadline never comes.
        let wait = self.config.timeout.max(1);
        let deadline = if self.retries() {
            ctx.local_now + wait as i64
        } else {
            i64::MAX
        };
        c.outstanding.insert(
            req,
            Pending {
                attempt: 1,
                deadline,
                wait,
            },
        );
        if self.retries() {
            self.arm_retry(c, ctx, out);
        }
    }

    /// The server handles a request: `(client, req, op, attempt)`.
    fn serve(
        &self,
        s: &mut ServerState,
        ctx: &Ctx,
        request: (u32, u64, Op, u32),
        out: &mut Out<RpcMsg>,
    ) {
        let (client, req, op, attempt) = request;
        out.note(Note::Received { client, req });
        // Forget what is older than the retention window.
        while let Some(&(at, key)) = s.order.front() {
            if ctx.local_now - at <= self.config.retention as i64 {
                break;
            }
            s.order.pop_front();
            if s.table.get(&key).is_some_and(|e| e.0 == at) {
                s.table.remove(&key);
            }
        }
        let dedup = self.config.mode == DeliveryMode::ExactlyOnce;
        let result = match s.table.get(&(client, req)) {
            Some(&(_, result)) if dedup => {
                s.suppressed += 1;
                out.note(Note::Suppressed { client, req });
                result
            }
            _ => {
                let result = match op {
                    Op::Add(d) => {
                        s.balance += d;
                        s.balance
                    }
                    Op::Set(v) => {
                        s.x = v;
                        s.x
                    }
                };
                s.applied += 1;
                out.note(Note::Applied { client, req });
                if dedup {
                    s.table.insert((client, req), (ctx.local_now, result));
                    s.order.push_back((ctx.local_now, (client, req)));
                }
                result
            }
        };
        out.send(
            NodeId(client),
            RpcMsg::Reply {
                client,
                req,
                result,
                attempt,
            },
        );
    }
}

impl Protocol for Rpc {
    type State = RpcState;
    type Msg = RpcMsg;

    fn init(&self, ctx: &Ctx, out: &mut Out<RpcMsg>) -> RpcState {
        if ctx.id == SERVER {
            return RpcState::Server(ServerState::default());
        }
        // Stagger clients so their requests do not all leave at once.
        let phase = self.config.request_every * ctx.id.0 as u64 / ctx.n.max(1) as u64;
        out.set_timer(ISSUE_TIMER, phase.max(1));
        RpcState::Client(ClientState::default())
    }

    fn on_msg(
        &self,
        state: &mut RpcState,
        ctx: &Ctx,
        _from: NodeId,
        msg: &RpcMsg,
        out: &mut Out<RpcMsg>,
    ) {
        match (state, *msg) {
            (
                RpcState::Server(s),
                RpcMsg::Request {
                    client,
                    req,
                    op,
                    attempt,
                },
            ) => self.serve(s, ctx, (client, req, op, attempt), out),
            (
                RpcState::Client(c),
                RpcMsg::Reply {
                    client,
                    req,
                    result,
                    ..
                },
            ) if client == ctx.id.0 => {
                // Only the first reply completes a request; later copies are
                // ignored. (Not a match guard: a guard may not remove.)
                #[allow(clippy::collapsible_match)]
                if c.outstanding.remove(&req).is_some() {
                    c.completed += 1;
                    c.last_result = Some(result);
                    out.note(Note::Completed { client, req });
                }
            }
            _ => {}
        }
    }

    fn on_timer(&self, state: &mut RpcState, ctx: &Ctx, tag: TimerTag, out: &mut Out<RpcMsg>) {
        let RpcState::Client(c) = state else { return };
        match tag {
            ISSUE_TIMER if self.config.max_requests.is_none_or(|m| c.next_req < m) => {
                self.issue(c, ctx, out);
                out.set_timer(ISSUE_TIMER, self.config.request_every.max(1));
            }
            RETRY_TIMER => {
                let due: Vec<u64> = c
                    .outstanding
                    .iter()
                    .filter(|(_, p)| p.deadline <= ctx.local_now)
                    .map(|(r, _)| *r)
                    .collect();
                for req in due {
                    let p = c
                        .outstanding
                        .get_mut(&req)
                        .expect("due request is outstanding");
                    if self.config.retry_limit.is_some_and(|l| p.attempt >= l) {
                        c.outstanding.remove(&req);
                        c.gave_up += 1;
                        out.note(Note::GaveUp {
                            client: ctx.id.0,
                            req,
                        });
                        continue;
                    }
                    p.attempt += 1;
                    p.wait = (p.wait.saturating_mul(self.config.backoff.max(1) as u64))
                        .min(self.config.max_backoff.max(1));
                    p.deadline = ctx.local_now + p.wait as i64;
                    let attempt = p.attempt;
                    let op = self.op_for(req);
                    out.note(Note::Retransmit {
                        client: ctx.id.0,
                        req,
                        attempt,
                    });
                    out.send(
                        SERVER,
                        RpcMsg::Request {
                            client: ctx.id.0,
                            req,
                            op,
                            attempt,
                        },
                    );
                }
                self.arm_retry(c, ctx, out);
            }
            _ => {}
        }
    }

    /// The server keeps its account, register and table on stable storage; a
    /// client keeps its request counter (so it never reuses a request number).
    fn persisted(&self, state: &RpcState) -> Option<RpcState> {
        Some(match state {
            RpcState::Server(s) => RpcState::Server(s.clone()),
            RpcState::Client(c) => RpcState::Client(ClientState {
                next_req: c.next_req,
                ..ClientState::default()
            }),
        })
    }

    fn recover(&self, ctx: &Ctx, stable: Option<RpcState>, out: &mut Out<RpcMsg>) -> RpcState {
        let fresh = self.init(ctx, out);
        match (stable, fresh) {
            (Some(RpcState::Server(s)), RpcState::Server(_)) => RpcState::Server(s),
            (Some(RpcState::Client(c)), RpcState::Client(f)) => RpcState::Client(ClientState {
                next_req: c.next_req,
                ..f
            }),
            (_, fresh) => fresh,
        }
    }

    fn corrupt(&self, msg: &RpcMsg, noise: u64) -> RpcMsg {
        match *msg {
            RpcMsg::Request {
                client,
                req,
                attempt,
                ..
            } => RpcMsg::Request {
                client,
                req,
                op: Op::Add((noise % 1000) as i64 + 11),
                attempt,
            },
            RpcMsg::Reply {
                client,
                req,
                attempt,
                ..
            } => RpcMsg::Reply {
                client,
                req,
                result: (noise % 100_000) as i64,
                attempt,
            },
        }
    }

    fn equivocate(&self, msg: &RpcMsg, to: NodeId) -> RpcMsg {
        match *msg {
            RpcMsg::Reply {
                client,
                req,
                result,
                attempt,
            } => RpcMsg::Reply {
                client,
                req,
                result: result + 1000 * to.0 as i64,
                attempt,
            },
            m => m,
        }
    }

    fn delivery_mode(&self) -> Option<DeliveryMode> {
        Some(self.config.mode)
    }

    fn reconfigure(&mut self, change: &dyn std::any::Any) -> Result<(), String> {
        let Some(config) = change.downcast_ref::<RpcConfig>() else {
            return Err("the client/server workload takes delivery settings only".to_string());
        };
        validate_rpc(config)?;
        self.config = config.clone();
        Ok(())
    }

    fn is_work(&self, msg: &RpcMsg) -> bool {
        matches!(msg, RpcMsg::Request { .. })
    }

    fn approx_bytes(&self, state: &RpcState, _older: Option<&RpcState>) -> usize {
        // BTreeMap entries cost about their size plus a share of a node.
        std::mem::size_of::<RpcState>()
            + match state {
                RpcState::Client(c) => c.outstanding.len() * 64,
                RpcState::Server(s) => s.table.len() * 64 + s.order.len() * 32,
            }
    }

    fn describe(&self, state: &RpcState, _ctx: &Ctx) -> Vec<(String, String)> {
        match state {
            RpcState::Server(s) => {
                let mut rows = vec![
                    ("Role".to_string(), "server".to_string()),
                    ("Balance".to_string(), s.balance.to_string()),
                    ("Register x".to_string(), s.x.to_string()),
                    ("Effects applied".to_string(), s.applied.to_string()),
                    (
                        "Duplicates suppressed".to_string(),
                        s.suppressed.to_string(),
                    ),
                    (
                        "De-dup table".to_string(),
                        format!(
                            "{} entries (kept {:.1} s)",
                            s.table.len(),
                            self.config.retention as f64 / 1e6
                        ),
                    ),
                ];
                for ((c, r), (_, res)) in s.table.iter().rev().take(5) {
                    rows.push((format!("  c{c}#{r}"), format!("→ {res}")));
                }
                rows
            }
            RpcState::Client(c) => {
                let mut rows = vec![
                    ("Role".to_string(), "client".to_string()),
                    ("Requests issued".to_string(), c.next_req.to_string()),
                    ("Replies".to_string(), c.completed.to_string()),
                    ("Gave up".to_string(), c.gave_up.to_string()),
                ];
                let waiting: Vec<_> = c.outstanding.iter().collect();
                rows.push((
                    "Waiting for".to_string(),
                    format!("{} request(s)", waiting.len()),
                ));
                for (r, p) in waiting.into_iter().take(4) {
                    rows.push((
                        format!("  #{r}"),
                        format!(
                            "sent {}×, next timeout {:.2} s",
                            p.attempt,
                            p.wait as f64 / 1e6
                        ),
                    ));
                }
                rows
            }
        }
    }

    fn timer_name(&self, tag: TimerTag) -> &'static str {
        match tag {
            ISSUE_TIMER => "next request",
            RETRY_TIMER => "ack timeout (retransmit)",
            _ => "timer",
        }
    }
}
