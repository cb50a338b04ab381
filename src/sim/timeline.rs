//! Going back in time: snapshots of a run and the actions of its branch, so
//! that any earlier instant can be rebuilt exactly and fast.
//!
//! A run is its setup plus its actions (every recorded command that is not a
//! step of the scenario's script), each at its exact instant. On one branch of
//! a run, the actions any replay has applied are always a prefix of one list,
//! [`Timeline::actions`]; so a snapshot only needs to remember how long that
//! prefix was. Seeking takes the latest snapshot at or before the target,
//! plans the actions after its prefix, and runs forward: the result is the
//! same run, event for event (determinism), and costs at most the replay of
//! the events between two snapshots.
//!
//! Acting in the past forks the run: [`Timeline::fork`] drops the later
//! actions and the snapshots after the instant; the new action then extends
//! the branch.

use super::node::Protocol;
use super::world::{Planned, RecordedCommand, Sim, Source};
use super::Micros;

/// A snapshot: a run's state and how many of the branch's actions it had applied.
struct Snap<P: Protocol> {
    sim: Sim<P>,
    applied: usize,
}

/// Snapshots of one run and the actions of its current branch.
pub struct Timeline<P: Protocol> {
    actions: Vec<RecordedCommand>,
    snaps: Vec<Snap<P>>,
    /// Events between two snapshots; doubles when the budget is reached.
    every: u64,
    /// Memory the snapshots may take, roughly (bytes).
    budget: usize,
    /// Size of the last snapshot (bytes), for the budget.
    snap_bytes: usize,
    /// The furthest point reached on this branch: (events, time).
    horizon: (u64, Micros),
}

/// Fewest snapshots kept, whatever their size.
const MIN_SNAPS: usize = 4;

impl<P: Protocol> Timeline<P> {
    /// A timeline for `sim`, a run at its start (with its plan: a scenario's
    /// script and any recorded actions to replay). A snapshot is taken every
    /// `every` events, within about `budget` bytes of snapshots.
    pub fn new(sim: &Sim<P>, every: u64, budget: usize) -> Self {
        let actions: Vec<RecordedCommand> = sim
            .planned()
            .filter_map(|p| match p {
                Planned::Exact(rc) => Some(rc),
                Planned::At(..) => None,
            })
            .collect();
        let first = Snap {
            sim: sim.snapshot(),
            applied: sim.actions_applied(),
        };
        Timeline {
            actions,
            snap_bytes: first.sim.approx_bytes(),
            snaps: vec![first],
            every: every.max(1),
            budget,
            horizon: (sim.stats().events, sim.now()),
        }
    }

    /// Every action of this branch, applied or still ahead.
    pub fn actions(&self) -> &[RecordedCommand] {
        &self.actions
    }

    /// The furthest point reached on this branch: (events, time).
    pub fn horizon(&self) -> (u64, Micros) {
        self.horizon
    }

    /// Events between two snapshots now.
    pub fn every(&self) -> u64 {
        self.every
    }

    /// Snapshots held, and about how many bytes they take.
    pub fn memory(&self) -> (usize, usize) {
        (self.snaps.len(), self.snaps.len() * self.snap_bytes)
    }

    /// Keeps up with the live run: new actions extend the branch, the horizon
    /// moves, and a snapshot is taken when `every` events have passed since
    /// the last one. Call after the run advanced or a command was applied.
    pub fn observe(&mut self, sim: &Sim<P>) {
        let applied = sim.actions_applied();
        if applied > self.actions.len() {
            let new: Vec<RecordedCommand> = sim
                .commands()
                .iter()
                .zip(sim.command_sources())
                .filter(|(_, s)| **s != Source::Script)
                .map(|(c, _)| c.clone())
                .skip(self.actions.len())
                .collect();
            self.actions.extend(new);
        }
        let here = (sim.stats().events, sim.now());
        if here > self.horizon {
            self.horizon = here;
        }
        let last = self.snaps.last().map_or(0, |s| s.sim.stats().events);
        if here.0 >= last + self.every {
            let snap = Snap {
                sim: sim.snapshot(),
                applied,
            };
            self.snap_bytes = snap.sim.approx_bytes();
            self.snaps.push(snap);
            self.thin();
        }
    }

    /// Halves the snapshots (keeping the first) and doubles the interval
    /// while they take more than the budget.
    fn thin(&mut self) {
        while self.snaps.len() > MIN_SNAPS && self.snaps.len() * self.snap_bytes > self.budget {
            let mut i = 0;
            self.snaps.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.every *= 2;
        }
    }

    /// The latest snapshot at or before (events, time), resumed with the
    /// branch's later actions planned.
    fn resume(&self, events: u64, at: Micros) -> Sim<P> {
        let snap = self
            .snaps
            .iter()
            .rev()
            .find(|s| s.sim.stats().events <= events && s.sim.now() <= at)
            .unwrap_or(&self.snaps[0]);
        let mut sim = snap.sim.snapshot();
        sim.plan(
            self.actions[snap.applied.min(self.actions.len())..]
                .iter()
                .cloned()
                .map(Planned::Exact),
        );
        sim
    }

    /// The run right after its `events`-th event (and with the actions due by
    /// time `at` applied), rebuilt exactly. Later actions stay planned, so
    /// playing on replays the branch.
    pub fn seek_events(&self, events: u64, at: Micros) -> Sim<P> {
        let mut sim = self.resume(events, at);
        sim.run_to_point(events, at);
        sim
    }

    /// The run at true time `t`: every event up to `t` processed.
    pub fn seek_time(&self, t: Micros) -> Sim<P> {
        let mut sim = self.resume(u64::MAX, t);
        sim.run_until(t);
        sim
    }

    /// `sim`, an earlier point of this branch, becomes where the branch goes
    /// on from: the actions it has not applied are dropped (from the branch
    /// and from its plan), and so are the snapshots after it. Returns how many
    /// actions were dropped.
    pub fn fork(&mut self, sim: &mut Sim<P>) -> usize {
        let applied = sim.actions_applied();
        sim.take_planned_exact();
        let dropped = self.actions.len().saturating_sub(applied);
        self.actions.truncate(applied);
        let here = (sim.stats().events, sim.now());
        self.snaps
            .retain(|s| s.applied <= applied && (s.sim.stats().events, s.sim.now()) <= here);
        if self.snaps.is_empty() {
            self.snaps.push(Snap {
                sim: sim.snapshot(),
                applied,
            });
        }
        self.horizon = here;
        dropped
    }

    /// Whether `sim` is behind the furthest point of this branch (it went
    /// back in time): acting now would fork.
    pub fn is_behind(&self, sim: &Sim<P>) -> bool {
        (sim.stats().events, sim.now()) < self.horizon || sim.actions_applied() < self.actions.len()
    }
}
