//! The simulator proper: the event queue, the nodes, the messages in flight.

use super::clock::LocalClock;
use super::delivery::{DeliveryMetrics, Note};
use super::fault::{Attack, Behaviour, ByzMode, DownKind, REPLAY_LOG};
use super::kv::KvMetrics;
use super::net::{DropReason, NetConfig, Network};
use super::node::{Ctx, Effect, Out, Protocol, TimerTag};
use super::qos::DetectorMetrics;
use super::raft::RaftMonitor;
use super::rng::SimRng;
use super::trace::{Stamp, Trace, TraceKind};
use super::{Command, Micros, NodeId, Tamper};
use std::collections::{BinaryHeap, VecDeque};

mod commands;
mod history;
mod lifecycle;
mod logical;
mod plan;
mod queue;
mod send;
mod types;

use queue::*;
pub use types::*;

use logical::Logical;

/// How long after the receiver's suspicion deadline the adversary delivers a
/// heartbeat (µs of true time).
const ADVERSARY_MARGIN: Micros = 20_000;

/// The simulator: the mutable host the UI sends commands to and reads snapshots from.
pub struct Sim<P: Protocol> {
    config: SimConfig,
    protocol: P,
    rng: SimRng,
    now: Micros,
    seq: u64,
    queue: BinaryHeap<Entry>,
    nodes: Vec<NodeSlot<P::State>>,
    net: Network,
    flights: Slab<Flight<P::Msg>>,
    next_msg: u64,
    trace: Trace<P::Msg>,
    commands: Vec<RecordedCommand>,
    stats: Stats,
    out: Out<P::Msg>,
    metrics: DeliveryMetrics,
    fd_metrics: DetectorMetrics,
    /// Raft's safety and liveness monitor (idle for other workloads).
    consensus: RaftMonitor,
    /// The key-value service's figures (idle for other workloads).
    service: KvMetrics,
    /// Recent sends of each replaying Byzantine node (empty for everyone else).
    replay_log: Vec<VecDeque<(u32, P::Msg)>>,
    /// Planned commands not yet applied: exact ones in event order, timed ones in time order.
    plan_exact: VecDeque<RecordedCommand>,
    plan_timed: VecDeque<(Micros, Command)>,
    /// Planned commands the simulator refused when their time came, with why.
    plan_refused: Vec<String>,
    /// Where each recorded command came from (parallel to `commands`).
    sources: Vec<Source>,
    /// Logical clocks, when kept.
    logical: Option<Logical>,
    /// The logical clocks of the send being made (shared by its copies).
    send_stamp: Option<Stamp>,
    /// While sending across an attacked link: the copy is dropped mid-way,
    /// or it is a forgery (not its sender's deviation).
    attack_drop: bool,
    forging: bool,
}

impl<P: Protocol> Sim<P> {
    /// A new run at time 0: clocks drawn from the seed, every node started.
    pub fn new(config: SimConfig, protocol: P) -> Self {
        let checked = protocol.delivery_mode();
        let mut rng = SimRng::new(config.seed);
        let n = config.nodes;
        let max_drift = config.clocks.max_drift_ppm.min(500_000) as i64;
        let max_off = config.clocks.max_offset_us.min(i64::MAX as u64 / 4) as i64;
        let nodes = (0..n)
            .map(|_| {
                let offset_us = rng.symmetric(max_off);
                let drift_ppm = rng.symmetric(max_drift) as i32;
                NodeSlot {
                    state: None,
                    clock: LocalClock {
                        offset_us,
                        drift_ppm,
                    },
                    timers: Vec::new(),
                    sent: 0,
                    received: 0,
                    crashed_at: None,
                    down: None,
                    recover_at: None,
                    stable: None,
                    behaviour: Behaviour::default(),
                    deviant_sent: 0,
                    omitted: 0,
                    incarnation: 0,
                }
            })
            .collect();
        let mut sim = Sim {
            net: Network::new(n, config.net),
            trace: Trace::new(config.trace_ring, config.trace_all),
            config,
            protocol,
            rng,
            now: 0,
            seq: 0,
            queue: BinaryHeap::new(),
            nodes,
            flights: Slab::new(),
            next_msg: 0,
            commands: Vec::new(),
            stats: Stats::default(),
            out: Out::default(),
            replay_log: (0..n).map(|_| VecDeque::new()).collect(),
            plan_exact: VecDeque::new(),
            plan_timed: VecDeque::new(),
            plan_refused: Vec::new(),
            sources: Vec::new(),
            logical: None,
            send_stamp: None,
            attack_drop: false,
            forging: false,
            metrics: DeliveryMetrics::checking(checked),
            fd_metrics: DetectorMetrics::new(n),
            consensus: RaftMonitor::default(),
            service: KvMetrics::default(),
        };
        for i in 0..n {
            sim.start_node(i);
        }
        sim
    }

    /// Rebuilds a run from its configuration and recorded commands, up to time `until`.
    pub fn replay(
        config: SimConfig,
        protocol: P,
        commands: &[RecordedCommand],
        until: Micros,
    ) -> Self {
        let mut sim = Sim::new(config, protocol);
        sim.plan(commands.iter().cloned().map(Planned::Exact));
        sim.run_until(until);
        sim
    }

    /// Brings the run to a point recorded earlier: `events` events processed and
    /// time `at` (planned commands due by then applied). This is how a copied
    /// link opens at the moment it was copied.
    pub fn run_to_point(&mut self, events: u64, at: Micros) {
        self.step_until_events(events);
        while self.apply_next_due(at) {}
        self.now = self.now.max(at);
    }

    /// The message copy queue entry `e` delivers or drops, taken out of the
    /// network at its time; None if the entry is stale (the copy was changed
    /// by hand and has a newer entry).
    fn take_flight(&mut self, e: Entry) -> Option<Flight<P::Msg>> {
        let slot = e.what.low();
        if self.flights.get(slot).is_none_or(|f| f.entry != e.seq) {
            return None;
        }
        self.now = e.time;
        let f = self.flights.remove(slot);
        self.net.release(f.from, f.to);
        Some(f)
    }

    /// Processes events until `events` have been processed in all (or until idle).
    fn step_until_events(&mut self, events: u64) {
        while self.stats.events < events {
            if self.step() == StepOutcome::Idle {
                break;
            }
        }
    }

    #[inline]
    fn push(&mut self, time: Micros, what: What) {
        self.seq += 1;
        self.queue.push(Entry {
            time,
            seq: self.seq,
            what,
        });
    }

    /// Processes exactly one event (skipping cancelled timers, which are not events),
    /// advancing time to it.
    pub fn step(&mut self) -> StepOutcome {
        loop {
            let next = match self.queue.peek() {
                Some(e) => e.time,
                None => {
                    // Nothing queued: a planned command is the only thing left.
                    if self.apply_next_due(Micros::MAX) {
                        continue;
                    }
                    return StepOutcome::Idle;
                }
            };
            if self.apply_next_due(next) {
                continue;
            }
            let Some(e) = self.queue.pop() else { continue };
            if self.handle(e) {
                self.stats.events += 1;
                return StepOutcome::Processed(e.time);
            }
        }
    }

    /// Processes every event due at or before `t`, then sets the time to `t`.
    /// Running to `T` in many small calls gives the same run as one call.
    pub fn run_until(&mut self, t: Micros) {
        self.run_until_limited(t, u64::MAX);
    }

    /// Like [`Sim::run_until`], but stops after `max_events` events. Returns true if
    /// it reached `t`; otherwise time stays at the last processed event, and a later
    /// call carries on exactly where this one stopped. This is how the UI keeps a
    /// frame's work bounded at high speeds without changing the run.
    pub fn run_until_limited(&mut self, t: Micros, max_events: u64) -> bool {
        let limit = self.stats.events.saturating_add(max_events);
        loop {
            while let Some(next) = self.queue.peek().map(|e| e.time) {
                if next > t {
                    break;
                }
                if self.stats.events >= limit {
                    return false;
                }
                if self.apply_next_due(next) {
                    continue;
                }
                let Some(e) = self.queue.pop() else { continue };
                if self.handle(e) {
                    self.stats.events += 1;
                }
            }
            // A planned command due by `t` may queue events due by `t`: go on with them.
            if !self.apply_next_due(t) {
                break;
            }
        }
        self.now = self.now.max(t);
        true
    }

    /// Processes `n` events (or until idle). For benchmarks.
    pub fn run_events(&mut self, n: u64) -> u64 {
        self.step_until_events(self.stats.events + n);
        self.stats.events
    }

    /// Handles one queue entry; false if it was a stale (cancelled) timer.
    fn handle(&mut self, e: Entry) -> bool {
        debug_assert!(e.time >= self.now, "time never goes backwards");
        match e.what.kind() {
            KIND_TIMER => {
                let (node, tag) = (e.what.low(), e.what.tag());
                let slot = &mut self.nodes[node as usize];
                // An entry that no longer carries its timer is stale (the
                // timer was cancelled, re-armed earlier, or its node crashed).
                let Ok(pos) = slot.timers.binary_search_by_key(&tag, |t| t.tag) else {
                    return false;
                };
                let t = slot.timers[pos];
                if t.queued.1 != e.seq {
                    return false;
                }
                if t.seq != e.seq {
                    // Re-armed to a later time: queue it there, as if queued then.
                    slot.timers[pos].queued = (t.fire_at, t.seq);
                    self.queue.push(Entry {
                        time: t.fire_at,
                        seq: t.seq,
                        what: e.what,
                    });
                    return false;
                }
                slot.timers.remove(pos);
                self.now = e.time;
                self.stats.timers_fired += 1;
                let stamp = self.tick(node);
                self.trace.stamp_next(stamp);
                self.trace.record(
                    self.now,
                    TraceKind::TimerFire {
                        node: NodeId(node),
                        tag,
                    },
                );
                let ctx = self.ctx(node);
                let mut out = std::mem::take(&mut self.out);
                if let Some(state) = self.nodes[node as usize].state.as_mut() {
                    self.protocol.on_timer(state, &ctx, tag, &mut out);
                }
                self.carry_out(node, &mut out);
                self.out = out;
                true
            }
            KIND_LOST => {
                let Some(f) = self.take_flight(e) else {
                    return false;
                };
                let reason = f.lost.map(|(_, r)| r).unwrap_or(DropReason::Loss);
                match reason {
                    DropReason::Partition => self.stats.blocked += 1,
                    _ => self.stats.lost += 1,
                }
                self.record_drop(f, reason);
                true
            }
            KIND_ARRIVE => {
                let Some(f) = self.take_flight(e) else {
                    return false;
                };
                let to = f.to.0;
                let b = self.nodes[to as usize].behaviour;
                let reason = if self.net.is_cut(f.from, f.to) {
                    Some(DropReason::Partition)
                } else if !self.nodes[to as usize].is_up() {
                    Some(DropReason::ReceiverDown)
                } else if b.recv_omission > 0.0 && self.rng.chance(b.recv_omission) {
                    Some(DropReason::ReceiveOmission)
                } else {
                    None
                };
                if let Some(reason) = reason {
                    match reason {
                        DropReason::Partition => self.stats.blocked += 1,
                        DropReason::ReceiveOmission => {
                            self.stats.omitted += 1;
                            self.nodes[to as usize].omitted += 1;
                        }
                        _ => self.stats.to_down += 1,
                    }
                    self.record_drop(f, reason);
                    return true;
                }
                self.stats.delivered += 1;
                self.nodes[to as usize].received += 1;
                // A lying node takes delivery but silently skips the work it is asked to do.
                let ignore = b.byzantine == Some(ByzMode::Lie) && self.protocol.is_work(&f.msg);
                let ctx = self.ctx(to);
                let mut out = std::mem::take(&mut self.out);
                if ignore {
                    self.stats.ignored += 1;
                } else if let Some(state) = self.nodes[to as usize].state.as_mut() {
                    self.protocol.on_msg(state, &ctx, f.from, &f.msg, &mut out);
                }
                let stamp = self.merge(to, f.stamp.as_ref());
                self.trace.stamp_next(stamp);
                self.trace.record(
                    self.now,
                    TraceKind::Deliver {
                        id: f.id,
                        from: f.from,
                        to: f.to,
                        msg: f.msg,
                    },
                );
                self.carry_out(to, &mut out);
                self.out = out;
                true
            }
            _ => {
                let node = e.what.low();
                match e.what.control() {
                    CONTROL_RESTART => {
                        // Only the restart still scheduled counts (a manual recovery may have come first).
                        let slot = &self.nodes[node as usize];
                        if slot.is_up() || slot.recover_at != Some(e.time) {
                            return false;
                        }
                        self.now = e.time;
                        self.start_node(node);
                        true
                    }
                    _ => {
                        let failed = e.what.failed();
                        if !self.nodes[node as usize].is_up() {
                            return false;
                        }
                        self.now = e.time;
                        self.stats.notices += 1;
                        self.trace.record(
                            self.now,
                            TraceKind::Notice {
                                to: NodeId(node),
                                failed: NodeId(failed),
                            },
                        );
                        let ctx = self.ctx(node);
                        let mut out = std::mem::take(&mut self.out);
                        if let Some(state) = self.nodes[node as usize].state.as_mut() {
                            self.protocol
                                .on_failure_notice(state, &ctx, NodeId(failed), &mut out);
                        }
                        self.carry_out(node, &mut out);
                        self.out = out;
                        true
                    }
                }
            }
        }
    }

    /// Records that message copy `f` did not arrive.
    fn record_drop(&mut self, f: Flight<P::Msg>, reason: DropReason) {
        let kind = TraceKind::Drop {
            id: f.id,
            from: f.from,
            to: f.to,
            msg: f.msg,
            reason,
            depart: f.depart,
            arrive: f.arrive,
        };
        self.trace.record(self.now, kind);
    }

    // ---- Snapshot accessors: what the UI reads. ----

    /// Current true simulated time.
    pub fn now(&self) -> Micros {
        self.now
    }
    /// Time of the next pending event, if any.
    pub fn next_event_time(&self) -> Option<Micros> {
        self.queue.peek().map(|e| e.time)
    }
    /// The configuration the run started with.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }
    /// The protocol.
    pub fn protocol(&self) -> &P {
        &self.protocol
    }
    /// All nodes.
    pub fn nodes(&self) -> &[NodeSlot<P::State>] {
        &self.nodes
    }
    /// The context node `id` would see now (its local clock reading).
    pub fn node_ctx(&self, id: NodeId) -> Ctx {
        self.ctx(id.0)
    }
    /// The network (configuration and link states).
    pub fn network(&self) -> &Network {
        &self.net
    }
    /// Message copies in flight (including ones queued at their sender).
    pub fn flights(&self) -> impl Iterator<Item = &Flight<P::Msg>> {
        self.flights.slots.iter().filter_map(|s| s.as_ref())
    }
    /// Number of message copies in flight.
    pub fn in_flight(&self) -> u32 {
        self.flights.len
    }
    /// Slot-addressed access for hit testing (`slot` from [`Sim::flight_slots`]).
    pub fn flight(&self, slot: u32) -> Option<&Flight<P::Msg>> {
        self.flights.get(slot)
    }
    /// Flights with their slot numbers.
    pub fn flight_slots(&self) -> impl Iterator<Item = (u32, &Flight<P::Msg>)> {
        self.flights
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_ref().map(|f| (i as u32, f)))
    }
    /// Delivery-semantics counters, from the nodes' notes.
    pub fn metrics(&self) -> &DeliveryMetrics {
        &self.metrics
    }
    /// The key-value service's figures, from the nodes' notes.
    pub fn service(&self) -> &KvMetrics {
        &self.service
    }

    /// Raft's safety and liveness monitor, from the nodes' notes.
    pub fn consensus(&self) -> &RaftMonitor {
        &self.consensus
    }
    /// Failure-detector quality of service, from suspicion notes and true states.
    pub fn detector_metrics(&self) -> &DetectorMetrics {
        &self.fd_metrics
    }
    /// Counters.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
    /// The trace.
    pub fn trace(&self) -> &Trace<P::Msg> {
        &self.trace
    }
    /// The stable digest of everything that happened so far.
    pub fn digest(&self) -> u64 {
        self.trace.digest()
    }
    /// Every command applied so far, with its instant.
    /// Where each of [`Sim::commands`] came from.
    pub fn command_sources(&self) -> &[Source] {
        &self.sources
    }

    pub fn commands(&self) -> &[RecordedCommand] {
        &self.commands
    }
}

/// Checks a network configuration, with a message naming the bad field.
pub fn validate_net(c: &NetConfig) -> Result<(), String> {
    let prob = |name: &str, p: f64| {
        if p.is_finite() && (0.0..=1.0).contains(&p) {
            Ok(())
        } else {
            Err(format!("{name} must be a probability between 0 and 1"))
        }
    };
    prob("loss", c.loss)?;
    prob("duplication", c.duplicate)?;
    let (lo, hi) = c.latency.bounds();
    if lo > hi {
        return Err("latency minimum must not exceed the maximum".to_string());
    }
    if hi > 3_600_000_000 {
        return Err("latency must be at most one hour".to_string());
    }
    if let super::LatencyModel::Exponential { min, mean, max } = c.latency {
        if mean < min || mean > max {
            return Err("exponential latency needs min ≤ mean ≤ max".to_string());
        }
    }
    prob("spike probability", c.spikes.prob)?;
    if c.spikes.scale > 3_600_000_000 {
        return Err("the spike delays' scale must be at most one hour".to_string());
    }
    if !(0.5..=10.0).contains(&c.spikes.shape) {
        return Err("the spike delays' tail shape must be between 0.5 and 10".to_string());
    }
    if let Some(b) = c.bandwidth {
        if b == 0 || b > 1_000_000 {
            return Err(
                "bandwidth must be between 1 and 1,000,000 messages per second".to_string(),
            );
        }
    }
    Ok(())
}
