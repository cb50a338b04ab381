//! Quality of service of failure detectors (Chen, Toueg and Aguilera, 2002),
//! measured live from the detectors' suspect/trust notes and the true up/down
//! state of every node, which only the simulator knows.
//!
//! Per (observer, target) pair while both are up: a *mistake* is a transition to
//! suspicion of a target that is up; its *duration* lasts until the next trust;
//! the *recurrence time* is the time between two mistakes on the same pair; the
//! *query accuracy probability* is the fraction of time the output is "trust".
//! For each crash, the *detection time* is how long until every correct node
//! suspects the crashed node for good.

use super::{Micros, NodeId};
use std::sync::Arc;

/// One crash and how it was detected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detection {
    /// The crashed node.
    pub target: NodeId,
    /// When it went down.
    pub crashed_at: Micros,
    /// When each observer last started suspecting it (None: not suspecting).
    by: Vec<Option<Micros>>,
    /// Whether it came back up (then the detection is closed).
    pub recovered: bool,
}

impl Detection {
    /// Time until every node in `correct` suspected it, if they all do.
    pub fn detection_time(&self, correct: &[bool]) -> Option<Micros> {
        let mut worst = 0;
        for (p, ok) in correct.iter().enumerate() {
            if !ok || p as u32 == self.target.0 {
                continue;
            }
            worst = worst.max(
                self.by
                    .get(p)
                    .copied()
                    .flatten()?
                    .saturating_sub(self.crashed_at),
            );
        }
        Some(worst)
    }
}

/// A node that nobody suspected became suspected: the first suspicion of
/// an episode (a detection of a crash, or the start of a mistake). These are
/// the moments the timeline offers to jump to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirstSuspicion {
    /// Events processed before the one that raised it.
    pub after_events: u64,
    /// When.
    pub at: Micros,
    /// The first observer to suspect it.
    pub observer: NodeId,
    /// The suspected node.
    pub target: NodeId,
    /// Whether the target was up (then the suspicion is a mistake).
    pub target_up: bool,
}

/// Most first suspicions remembered: a run that makes more (a detector
/// tuned far too tight) keeps the first ones and counts the rest.
pub const FIRST_SUSPICIONS_KEPT: usize = 500;

/// Running QoS counters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DetectorMetrics {
    n: usize,
    up: Vec<bool>,
    // The n² tables are shared with the run's snapshots (going back in time)
    // until they change: they change only when a suspicion does.
    suspect: Arc<Vec<bool>>,
    mistake_since: Arc<Vec<Option<Micros>>>,
    last_mistake: Arc<Vec<Option<Micros>>>,
    /// False suspicions so far.
    pub mistakes: u64,
    /// Sum and count of completed mistake durations (µs).
    pub mistake_time: (u128, u64),
    /// Sum and count of mistake recurrence intervals (µs).
    pub recurrence: (u128, u64),
    observed_pairs: u64,
    trusted_pairs: u64,
    /// Pairs (up observer, down target) where the observer does not suspect the
    /// target: completeness holds exactly when this is zero.
    unsuspected_down: u64,
    last_update: Micros,
    observed_time: u128,
    trusted_time: u128,
    /// Every crash so far, in order.
    pub detections: Vec<Detection>,
    /// How many up observers suspect each node now (a first suspicion is
    /// one that raises this from zero).
    suspectors: Vec<u32>,
    /// The first suspicions of each episode, in order (at most
    /// [`FIRST_SUSPICIONS_KEPT`]), and how many more there were.
    firsts: Vec<FirstSuspicion>,
    firsts_dropped: u64,
}

impl DetectorMetrics {
    /// Metrics for `n` nodes, all up at time 0.
    pub fn new(n: u32) -> Self {
        let n = n as usize;
        let pairs = (n * n.saturating_sub(1)) as u64;
        DetectorMetrics {
            n,
            up: vec![true; n],
            suspectors: vec![0; n],
            suspect: Arc::new(vec![false; n * n]),
            mistake_since: Arc::new(vec![None; n * n]),
            last_mistake: Arc::new(vec![None; n * n]),
            observed_pairs: pairs,
            trusted_pairs: pairs,
            ..DetectorMetrics::default()
        }
    }

    fn advance(&mut self, now: Micros) {
        let dt = now.saturating_sub(self.last_update) as u128;
        self.observed_time += dt * self.observed_pairs as u128;
        self.trusted_time += dt * self.trusted_pairs as u128;
        self.last_update = now;
    }

    fn observed(&self, p: usize, q: usize) -> bool {
        p != q && self.up[p] && self.up[q]
    }

    /// `observer` started or stopped suspecting `target` at `now`.
    /// `after_events`: events processed before the one that made the note.
    pub fn suspicion(
        &mut self,
        observer: u32,
        target: u32,
        suspected: bool,
        now: Micros,
        after_events: u64,
    ) {
        let (p, q) = (observer as usize, target as usize);
        if p >= self.n || q >= self.n || p == q {
            return;
        }
        self.advance(now);
        let i = p * self.n + q;
        if self.suspect[i] == suspected {
            return;
        }
        Arc::make_mut(&mut self.suspect)[i] = suspected;
        if !self.up[p] {
            // (A down node makes no notes; its flags no longer count.)
        } else if suspected {
            self.suspectors[q] += 1;
            if self.suspectors[q] == 1 {
                if self.firsts.len() < FIRST_SUSPICIONS_KEPT {
                    self.firsts.push(FirstSuspicion {
                        after_events,
                        at: now,
                        observer: NodeId(observer),
                        target: NodeId(target),
                        target_up: self.up[q],
                    });
                } else {
                    self.firsts_dropped += 1;
                }
            }
        } else {
            self.suspectors[q] -= 1;
        }
        if self.up[p] && !self.up[q] {
            if suspected {
                self.unsuspected_down -= 1;
            } else {
                self.unsuspected_down += 1;
            }
        }
        if self.observed(p, q) {
            if suspected {
                self.trusted_pairs -= 1;
                self.mistakes += 1;
                Arc::make_mut(&mut self.mistake_since)[i] = Some(now);
                if let Some(prev) = self.last_mistake[i] {
                    self.recurrence.0 += (now - prev) as u128;
                    self.recurrence.1 += 1;
                }
                Arc::make_mut(&mut self.last_mistake)[i] = Some(now);
            } else {
                self.trusted_pairs += 1;
                if let Some(s) = Arc::make_mut(&mut self.mistake_since)[i].take() {
                    self.mistake_time.0 += (now - s) as u128;
                    self.mistake_time.1 += 1;
                }
            }
        }
        for d in self
            .detections
            .iter_mut()
            .filter(|d| d.target.0 as usize == q && !d.recovered)
        {
            d.by[p] = if suspected { Some(now) } else { None };
        }
    }

    /// `node` went down (crash or fail-stop) or came back up at `now`.
    pub fn set_up(&mut self, node: u32, up: bool, now: Micros) {
        let x = node as usize;
        if x >= self.n || self.up[x] == up {
            return;
        }
        self.advance(now);
        if up {
            // A restarted observer starts afresh: it suspects nobody. (Reset
            // before counting its pairs as trusted, or the count drifts.)
            let row = x * self.n..(x + 1) * self.n;
            if self.suspect[row.clone()].contains(&true) {
                Arc::make_mut(&mut self.suspect)[row].fill(false);
            }
        } else {
            // A down observer suspects nobody any more, as far as episodes go.
            for (q, s) in self.suspect[x * self.n..(x + 1) * self.n]
                .iter()
                .enumerate()
            {
                self.suspectors[q] -= *s as u32;
            }
        }
        // Pairs between x and a down node stop (or start) counting for completeness.
        for y in (0..self.n).filter(|&y| y != x) {
            if self.up[y] {
                // (y, x): an up observer of a target that goes down (or comes back).
                let unsuspected = !self.suspect[y * self.n + x] as u64;
                if up {
                    self.unsuspected_down -= unsuspected;
                } else {
                    self.unsuspected_down += unsuspected;
                }
            } else {
                // (x, y): x observes a down target while x is up.
                let unsuspected = !self.suspect[x * self.n + y] as u64;
                if up {
                    self.unsuspected_down += unsuspected;
                } else {
                    self.unsuspected_down -= unsuspected;
                }
            }
        }
        // Pairs involving x stop (or start) counting for accuracy.
        for y in 0..self.n {
            for (p, q) in [(x, y), (y, x)] {
                if p == q || !self.up[y] {
                    continue;
                }
                let i = p * self.n + q;
                if up {
                    self.observed_pairs += 1;
                    self.trusted_pairs += !self.suspect[i] as u64;
                } else {
                    self.observed_pairs -= 1;
                    self.trusted_pairs -= !self.suspect[i] as u64;
                    if self.mistake_since[i].is_some() {
                        Arc::make_mut(&mut self.mistake_since)[i] = None;
                    }
                }
            }
        }
        self.up[x] = up;
        if up {
            for d in self.detections.iter_mut().filter(|d| d.target.0 == node) {
                d.recovered = true;
            }
        } else {
            let by = (0..self.n)
                .map(|p| self.suspect[p * self.n + x].then_some(now))
                .collect();
            self.detections.push(Detection {
                target: NodeId(node),
                crashed_at: now,
                by,
                recovered: false,
            });
        }
    }

    /// Query accuracy probability so far (1.0 before anything is observed).
    pub fn query_accuracy(&self, now: Micros) -> f64 {
        let dt = now.saturating_sub(self.last_update) as u128;
        let obs = self.observed_time + dt * self.observed_pairs as u128;
        let tr = self.trusted_time + dt * self.trusted_pairs as u128;
        if obs == 0 {
            1.0
        } else {
            tr as f64 / obs as f64
        }
    }

    /// Average mistake duration and recurrence time, in µs.
    pub fn averages(&self) -> (Option<f64>, Option<f64>) {
        let avg = |(s, c): (u128, u64)| (c > 0).then(|| s as f64 / c as f64);
        (avg(self.mistake_time), avg(self.recurrence))
    }

    /// Whether every down node is suspected by every up node now (completeness).
    /// O(1): a running count, so panels may ask every render.
    pub fn complete(&self) -> bool {
        self.unsuspected_down == 0
    }

    /// Whether no up node is suspected by an up node now (accuracy, at this instant).
    /// O(1): every observed pair is trusted.
    pub fn accurate_now(&self) -> bool {
        self.trusted_pairs == self.observed_pairs
    }

    /// `complete()` and `accurate_now()` recomputed from scratch over all pairs,
    /// to check the running counts against (tests).
    pub fn recount(&self) -> (bool, bool) {
        let complete = (0..self.n).filter(|&q| !self.up[q]).all(|q| {
            (0..self.n)
                .filter(|&p| self.up[p])
                .all(|p| self.suspect[p * self.n + q])
        });
        let accurate = (0..self.n).filter(|&q| self.up[q]).all(|q| {
            (0..self.n)
                .filter(|&p| p != q && self.up[p])
                .all(|p| !self.suspect[p * self.n + q])
        });
        (complete, accurate)
    }

    /// Bytes held that `older` (the metrics of an earlier snapshot of the
    /// same run) does not share: the snapshot budget.
    pub fn approx_bytes(&self, older: Option<&DetectorMetrics>) -> usize {
        fn table<T>(t: &Arc<Vec<T>>, o: Option<&Arc<Vec<T>>>) -> usize {
            if o.is_some_and(|o| Arc::ptr_eq(o, t)) {
                0
            } else {
                t.capacity() * std::mem::size_of::<T>()
            }
        }
        std::mem::size_of::<Self>()
            + self.up.capacity()
            + self.suspectors.capacity() * 4
            + self.firsts.capacity() * std::mem::size_of::<FirstSuspicion>()
            + table(&self.suspect, older.map(|o| &o.suspect))
            + table(&self.mistake_since, older.map(|o| &o.mistake_since))
            + table(&self.last_mistake, older.map(|o| &o.last_mistake))
            + self
                .detections
                .iter()
                .map(|d| std::mem::size_of::<Detection>() + d.by.capacity() * 16)
                .sum::<usize>()
    }

    /// The first suspicion of each episode so far, in order, and how many
    /// more there were beyond those kept.
    pub fn first_suspicions(&self) -> (&[FirstSuspicion], u64) {
        (&self.firsts, self.firsts_dropped)
    }

    /// Which nodes are up.
    pub fn up(&self) -> &[bool] {
        &self.up
    }

    /// Whether `observer` suspects `target` now.
    pub fn suspects(&self, observer: u32, target: u32) -> bool {
        let (p, q) = (observer as usize, target as usize);
        p < self.n && q < self.n && self.suspect[p * self.n + q]
    }
}
