//! The plan: commands to apply later, at an instant of true time (a
//! scenario's script) or after an exact number of events (a replay), and
//! the messages of those the run refused.

use super::*;

impl<P: Protocol> Sim<P> {
    /// Adds commands to apply later, each at its instant (see [`Planned`]). Timed
    /// ones already past apply at the next step. Equal instants keep the given order.
    pub fn plan(&mut self, items: impl IntoIterator<Item = Planned>) {
        for p in items {
            match p {
                Planned::Exact(rc) => {
                    let i = self
                        .plan_exact
                        .partition_point(|q| q.after_events <= rc.after_events);
                    self.plan_exact.insert(i, rc);
                }
                Planned::At(at, cmd) => {
                    let i = self.plan_timed.partition_point(|q| q.0 <= at);
                    self.plan_timed.insert(i, (at, cmd));
                }
            }
        }
    }

    /// The planned commands not applied yet (exact ones first).
    pub fn planned(&self) -> impl Iterator<Item = Planned> + '_ {
        self.plan_exact.iter().cloned().map(Planned::Exact).chain(
            self.plan_timed
                .iter()
                .map(|(at, c)| Planned::At(*at, c.clone())),
        )
    }

    /// Drops every planned command not applied yet.
    pub fn clear_plan(&mut self) {
        self.plan_exact.clear();
        self.plan_timed.clear();
    }

    /// Takes the messages of planned commands refused since the last call.
    pub fn take_plan_refusals(&mut self) -> Vec<String> {
        std::mem::take(&mut self.plan_refused)
    }

    /// Applies the next planned command if it is due before time may pass
    /// `horizon` (an exact one whose event count has been reached, a timed one
    /// at or before it). One at a time: a command may queue events that must
    /// run before the next command's time. Returns whether one was taken.
    #[inline]
    pub(super) fn apply_next_due(&mut self, horizon: Micros) -> bool {
        if self.plan_exact.is_empty() && self.plan_timed.is_empty() {
            return false;
        }
        self.apply_next_due_slow(horizon)
    }

    #[cold]
    fn apply_next_due_slow(&mut self, horizon: Micros) -> bool {
        if let Some(rc) = self.plan_exact.front() {
            if rc.after_events <= self.stats.events && rc.at <= horizon.max(self.now) {
                let rc = self.plan_exact.pop_front().expect("front");
                self.now = self.now.max(rc.at);
                self.apply_planned(rc.cmd, Source::Replay);
                return true;
            }
        }
        if let Some(&(at, _)) = self.plan_timed.front() {
            if at <= horizon {
                let (at, cmd) = self.plan_timed.pop_front().expect("front");
                self.now = self.now.max(at);
                self.apply_planned(cmd, Source::Script);
                return true;
            }
        }
        false
    }

    fn apply_planned(&mut self, cmd: Command, source: Source) {
        let what = cmd.to_string();
        match self.apply(cmd) {
            Ok(()) => {
                if let Some(last) = self.sources.last_mut() {
                    *last = source;
                }
            }
            Err(e) => self.plan_refused.push(format!(
                "skipped \"{what}\" at {:.3} s: {e}",
                self.now as f64 / 1e6
            )),
        }
    }
}
