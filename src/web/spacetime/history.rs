//! The diagram's view of the past: any stretch of the run, however long ago.
//!
//! The live trace keeps only its recent events (a ring), and a run taken back
//! in time keeps only those since the snapshot it was rebuilt from. For a
//! window older than that, the diagram replays the branch from the snapshot
//! before it (deterministic: the very same events) into a separate run, a few
//! milliseconds per frame so the page stays responsive, and draws from that.
//! A stretch reaches well beyond the window on both sides, and the next one is
//! rebuilt ahead while the current one is still shown, so panning is smooth.

use super::super::host::Host;
use super::{data, SpaceTime};
use crate::sim::{Micros, Sim, Workload};

/// Events replayed per slice while rebuilding (a slice is checked against
/// the frame's time budget).
const SLICE: u64 = 4_000;

/// About how many events a stretch holds: well within the page's trace ring
/// (131,072), which its replay fills.
const STRETCH_EVENTS: f64 = 80_000.0;

/// A stretch of the run's past, replayed from a snapshot.
pub(super) struct History {
    /// The run (`Host::run`) it belongs to.
    run: u64,
    /// What it was rebuilt for: every event from `from` to `to`.
    from: Micros,
    to: Micros,
    sim: Sim<Workload>,
}

impl History {
    fn ready(&self) -> bool {
        self.sim.now() >= self.to
    }

    /// Whether it was rebuilt for a stretch holding `need..t1` (when ready,
    /// it holds it, unless the stretch has more events than the ring: then
    /// the diagram says the oldest are not kept at this zoom).
    fn aimed_at(&self, run: u64, need: Micros, t1: Micros) -> bool {
        self.run == run && self.from <= need && self.to >= t1
    }

    /// Whether, ready, it holds every event of `need..t1`.
    fn holds(&self, run: u64, need: Micros, t1: Micros) -> bool {
        self.run == run && self.ready() && self.sim.trace().kept_from() <= need && self.to >= t1
    }

    fn shows(&self, run: u64, need: Micros, t1: Micros) -> bool {
        self.ready() && (self.holds(run, need, t1) || self.aimed_at(run, need, t1))
    }
}

impl SpaceTime {
    /// The earliest instant whose events window (`t0`, ...) needs: a message
    /// crossing into it was sent at most one flight earlier.
    fn need(host: &Host, t0: Micros) -> Micros {
        t0.saturating_sub(data::longest_flight(&host.sim) + 1)
    }

    /// Whether the live trace lacks events the window starting at `t0` needs.
    pub(super) fn needs_history(&self, host: &Host, t0: Micros) -> bool {
        Self::need(host, t0) < host.sim.trace().kept_from()
    }

    /// Where the events of window (`t0`, `t1`) are read from: the live run
    /// when its trace still holds them, else the stretch rebuilt for them.
    pub(super) fn source<'a>(
        &'a self,
        host: &'a Host,
        t0: Micros,
        t1: Micros,
    ) -> &'a Sim<Workload> {
        if !self.needs_history(host, t0) {
            return &host.sim;
        }
        let (need, t1) = (Self::need(host, t0), t1.min(host.sim.now()));
        match &self.history {
            Some(h) if h.shows(host.run, need, t1) => &h.sim,
            _ => &host.sim,
        }
    }

    /// Whether the window's events are still being rebuilt (the diagram
    /// greys what it lacks and says so).
    pub(super) fn rebuilding(&self, host: &Host, t0: Micros, t1: Micros) -> bool {
        self.needs_history(host, t0) && std::ptr::eq(self.source(host, t0, t1), &host.sim)
    }

    /// Keeps older history at hand for the window: when the live trace does
    /// not reach back to it, replays the stretch around it for about
    /// `budget_ms`; while a stretch is shown, rebuilds the next one (a window
    /// further on each side) ahead of the pan. Returns whether there is work
    /// left (call again next frame) and whether the diagram should repaint
    /// (it shows progress, or a new stretch).
    pub fn rebuild_history(&mut self, host: &Host, budget_ms: f64) -> (bool, bool) {
        let run = host.run;
        if self.history.as_ref().is_some_and(|h| h.run != run) {
            self.history = None; // a new run: free the old one's
        }
        if self.next.as_ref().is_some_and(|h| h.run != run) {
            self.next = None;
        }
        let now = host.sim.now();
        let (t0, t1) = self.window(now);
        if !self.needs_history(host, t0) {
            self.next = None;
            return (false, false);
        }
        let (need, t1) = (Self::need(host, t0), t1.min(now));
        let shown = self
            .history
            .as_ref()
            .is_some_and(|h| h.shows(run, need, t1));
        // What to have next: this window, or (while it is shown) what a pan
        // either way reaches in half a stretch, so the next one is ready
        // before the pan gets there.
        let rate = live_rate(&host.sim).max(1e-9);
        let stretch = (STRETCH_EVENTS / rate) as Micros;
        let ahead = self.span.max(stretch / 2);
        let (want_from, want_to) = if shown {
            (need.saturating_sub(ahead), (t1 + ahead).min(now))
        } else {
            (need, t1)
        };
        let covered = |h: &Option<History>| {
            h.as_ref()
                .is_some_and(|h| h.aimed_at(run, want_from, want_to))
        };
        if covered(&self.history) {
            self.next = None;
            return (false, false);
        }
        if !covered(&self.next) {
            // A stretch of about STRETCH_EVENTS around what is wanted.
            let extra = stretch
                .saturating_sub(want_to - want_from)
                .max(2 * self.span)
                / 2;
            let from = want_from.saturating_sub(extra);
            self.next = Some(History {
                run,
                from,
                to: want_to.saturating_add(extra).min(now),
                sim: host.timeline.resume_before(from),
            });
        }
        let Some(next) = self.next.as_mut() else {
            return (false, false);
        };
        let start = super::super::now_ms();
        while !next.ready() && super::super::now_ms() - start < budget_ms {
            next.sim.run_until_limited(next.to, SLICE);
        }
        if next.ready() {
            self.history = self.next.take();
            return (true, true); // and look again: the next stretch may be due
        }
        (true, !shown)
    }
}

/// Events per µs in the live trace's ring (its recent past).
fn live_rate(sim: &Sim<Workload>) -> f64 {
    let mut recent = sim.trace().recent();
    let n = recent.len();
    match (recent.next(), recent.next_back()) {
        (Some(a), Some(b)) if b.time > a.time => n as f64 / (b.time - a.time) as f64,
        _ => 0.0,
    }
}
