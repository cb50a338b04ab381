//! What going back in time and hands on messages need from the simulator:
//! snapshots, the branch's actions, plan surgery, a message in flight by
//! its number, and the state's size for the snapshot budget.

use super::*;

impl<P: Protocol> Sim<P> {
    /// Takes the planned exact commands (recorded ones waiting to be replayed)
    /// out of the plan, leaving the scenario's timed script. Going back in time
    /// and acting forks the run: these are the later actions it drops.
    pub fn take_planned_exact(&mut self) -> Vec<RecordedCommand> {
        self.plan_exact.drain(..).collect()
    }

    /// How many recorded commands did not come from the scenario's script:
    /// on one branch of a run these are always a prefix of the same list of
    /// actions (see `Timeline`).
    pub fn actions_applied(&self) -> usize {
        self.sources
            .iter()
            .filter(|s| **s != Source::Script)
            .count()
    }

    /// This simulator's state as a snapshot to resume from: everything but the
    /// trace's kept events (the digest and count stay) and the recorded
    /// commands still to replay (a `Timeline` plans those itself).
    pub fn snapshot(&self) -> Self {
        Sim {
            config: self.config.clone(),
            protocol: self.protocol.clone(),
            rng: self.rng.clone(),
            now: self.now,
            seq: self.seq,
            queue: self.queue.clone(),
            nodes: self.nodes.clone(),
            net: self.net.clone(),
            flights: self.flights.clone(),
            next_msg: self.next_msg,
            trace: self.trace.without_events(),
            commands: self.commands.clone(),
            stats: self.stats,
            out: Out::default(),
            metrics: self.metrics.clone(),
            fd_metrics: self.fd_metrics.clone(),
            consensus: self.consensus.clone(),
            service: self.service.clone(),
            replay_log: self.replay_log.clone(),
            plan_exact: VecDeque::new(),
            plan_timed: self.plan_timed.clone(),
            plan_refused: Vec::new(),
            sources: self.sources.clone(),
            logical: self.logical.clone(),
            send_stamp: None,
            attack_drop: false,
            forging: false,
        }
    }

    /// The slab slot of message copy (`id`, `dup`) if it is in flight and not
    /// already doomed. O(messages in flight): a user action, not a step.
    pub(super) fn flight_slot(&self, id: u64, dup: bool) -> Option<u32> {
        let now = self.now;
        self.flights
            .slots
            .iter()
            .position(|f| {
                f.as_ref().is_some_and(|f| {
                    f.id == id && f.dup == dup && f.lost.is_none() && f.arrive > now
                })
            })
            .map(|i| i as u32)
    }

    /// A rough size in bytes of what this simulator's state holds that
    /// `older` (an earlier snapshot of the same run, if any) does not share:
    /// the snapshot budget.
    pub fn approx_bytes(&self, older: Option<&Sim<P>>) -> usize {
        use std::mem::size_of;
        let n = self.nodes.len();
        let states: usize = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, nd)| {
                let before = older
                    .and_then(|o| o.nodes.get(i))
                    .and_then(|o| o.state.as_ref());
                size_of::<NodeSlot<P::State>>()
                    + nd.timers.len() * size_of::<PendingTimer>()
                    + nd.state
                        .as_ref()
                        .map_or(0, |st| self.protocol.approx_bytes(st, before))
            })
            .sum();
        states
            + self.queue.len() * size_of::<Entry>()
            + self.flights.slots.len() * size_of::<Option<Flight<P::Msg>>>()
            + n * n * std::mem::size_of::<crate::sim::net::LinkState>()
            + self.fd_metrics.approx_bytes(older.map(|o| &o.fd_metrics))
            + self.service.approx_bytes()
            + self.commands.len() * size_of::<RecordedCommand>()
    }
}
