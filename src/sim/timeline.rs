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
use super::qos::FirstSuspicion;
use super::world::{Planned, RecordedCommand, Sim, Source};
use super::Micros;

/// A snapshot: a run's state and how many of the branch's actions it had applied.
struct Snap<P: Protocol> {
    sim: Sim<P>,
    applied: usize,
    /// About how many bytes it holds that the snapshot before it does not
    /// share (detectors' sample logs are shared, see `PeerHistory`).
    bytes: usize,
}

/// Snapshots of one run and the actions of its current branch.
pub struct Timeline<P: Protocol> {
    actions: Vec<RecordedCommand>,
    snaps: Vec<Snap<P>>,
    /// Events between taking two snapshots.
    every: u64,
    /// Memory the snapshots may take, roughly (bytes).
    budget: usize,
    /// The furthest point reached on this branch: (events, time).
    horizon: (u64, Micros),
    /// The first suspicions of each episode up to the horizon (moments to
    /// jump to, also ahead of a run taken back in time).
    firsts: Vec<FirstSuspicion>,
}

/// The page's timeline: events between taking two snapshots. Seeking replays
/// at most this many until the budget is reached; then the gaps widen evenly.
pub const SNAPSHOT_EVERY: u64 = 150_000;
/// The page's timeline: memory its snapshots may take, about (bytes).
pub const SNAPSHOT_BUDGET: usize = 256 << 20;

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
        let snap = sim.snapshot();
        let first = Snap {
            bytes: snap.approx_bytes(None),
            sim: snap,
            applied: sim.actions_applied(),
        };
        Timeline {
            actions,
            snaps: vec![first],
            every: every.max(1),
            budget,
            horizon: (sim.stats().events, sim.now()),
            firsts: sim.detector_metrics().first_suspicions().0.to_vec(),
        }
    }

    /// The first suspicion of each suspicion episode on this branch, up to
    /// its furthest point (a run taken back in time has only those before it).
    pub fn first_suspicions(&self) -> &[FirstSuspicion] {
        &self.firsts
    }

    /// Every action of this branch, applied or still ahead.
    pub fn actions(&self) -> &[RecordedCommand] {
        &self.actions
    }

    /// The furthest point reached on this branch: (events, time).
    pub fn horizon(&self) -> (u64, Micros) {
        self.horizon
    }

    /// The widest gap between two snapshots now (events): the most a seek
    /// replays, give or take the events of one instant.
    pub fn every(&self) -> u64 {
        self.snaps
            .windows(2)
            .map(|w| w[1].sim.stats().events - w[0].sim.stats().events)
            .max()
            .unwrap_or(0)
            .max(self.every)
    }

    /// Snapshots held, and about how many bytes they take.
    pub fn memory(&self) -> (usize, usize) {
        (self.snaps.len(), self.total_bytes())
    }

    fn total_bytes(&self) -> usize {
        self.snaps.iter().map(|s| s.bytes).sum()
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
        // On one branch a run's list is always a prefix of the furthest one's.
        let (firsts, _) = sim.detector_metrics().first_suspicions();
        if firsts.len() > self.firsts.len() {
            self.firsts.extend_from_slice(&firsts[self.firsts.len()..]);
        }
        let last = self.snaps.last().map(|s| &s.sim);
        if here.0 >= last.map_or(0, |s| s.stats().events) + self.every {
            let snap = sim.snapshot();
            let bytes = snap.approx_bytes(last);
            self.snaps.push(Snap {
                sim: snap,
                applied,
                bytes,
            });
            self.thin();
        }
    }

    /// While the snapshots take more than the budget, drops the one (never
    /// the first or the last) whose neighbours are closest in events: the
    /// gaps widen evenly as the run grows, so the longest replay a seek needs
    /// grows about as the run's length over the snapshots the budget holds.
    fn thin(&mut self) {
        while self.snaps.len() > MIN_SNAPS && self.total_bytes() > self.budget {
            let events = |i: usize| self.snaps[i].sim.stats().events;
            let Some(i) =
                (1..self.snaps.len() - 1).min_by_key(|&i| (events(i + 1) - events(i - 1), i))
            else {
                return;
            };
            self.snaps.remove(i);
            let bytes = self.snaps[i].sim.approx_bytes(Some(&self.snaps[i - 1].sim));
            self.snaps[i].bytes = bytes;
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

    /// The run at the latest snapshot at or before true time `t`, with the
    /// branch's later actions planned: run it forward to replay the branch
    /// from there (the space-time diagram rebuilds older history this way).
    pub fn resume_before(&self, t: Micros) -> Sim<P> {
        self.resume(u64::MAX, t)
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
            let snap = sim.snapshot();
            self.snaps.push(Snap {
                bytes: snap.approx_bytes(None),
                sim: snap,
                applied,
            });
        }
        self.horizon = here;
        self.firsts = sim.detector_metrics().first_suspicions().0.to_vec();
        dropped
    }

    /// Whether `sim` is behind the furthest point of this branch (it went
    /// back in time): acting now would fork.
    pub fn is_behind(&self, sim: &Sim<P>) -> bool {
        (sim.stats().events, sim.now()) < self.horizon || sim.actions_applied() < self.actions.len()
    }
}
