//! Heartbeat failure detectors: how suspicious an observer is of each peer.
//!
//! Two detectors, selectable: a fixed timeout (suspect when no heartbeat arrived
//! within it) and the phi accrual detector of Hayashibara et al. (2004), with the
//! parameters and the normal-CDF approximation of Akka's implementation. Both
//! work on the observer's *local* clock: a detector never sees true time.
//!
//! The CDF approximation (Akka's, from Bowling et al.): for y = (t - mean) / sd,
//! F(y) ≈ 1 / (1 + exp(-y (1.5976 + 0.070566 y²))), so
//! phi = -log10(1 - F(y)), computed in the numerically stable form Akka uses.

use super::Micros;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// Which detector a node runs, with its parameters (local µs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DetectorKind {
    /// Suspect a peer when nothing arrived from it for `timeout`.
    FixedTimeout { timeout: Micros },
    /// Phi accrual: suspect when phi exceeds `threshold`.
    PhiAccrual {
        /// Suspicion threshold (Akka: 8).
        threshold: f64,
        /// Inter-arrival times kept (Akka: 1000).
        window: u32,
        /// Floor of the standard deviation (Akka: 100 ms).
        min_std: Micros,
        /// Added to the mean: pauses tolerated (Akka: 3 s).
        pause: Micros,
        /// Assumed inter-arrival time before any data (Akka: 1 s).
        first_estimate: Micros,
    },
}

impl DetectorKind {
    /// Akka's defaults.
    pub const AKKA: DetectorKind = DetectorKind::PhiAccrual {
        threshold: 8.0,
        window: 1000,
        min_std: 100_000,
        pause: 3_000_000,
        first_estimate: 1_000_000,
    };

    /// Short name for the UI.
    pub fn name(&self) -> &'static str {
        match self {
            DetectorKind::FixedTimeout { .. } => "fixed timeout",
            DetectorKind::PhiAccrual { .. } => "phi accrual",
        }
    }
}

/// The most samples one log holds: four windows, so that moving to a fresh
/// log (copying the window) happens once per three windows' worth of
/// heartbeats (a 10-minute run at the page's 100-node window, 200, needs
/// none). A log grows as it fills; the budget counts it full.
fn log_cap(kind: &DetectorKind) -> usize {
    match kind {
        DetectorKind::PhiAccrual { window, .. } => (*window as usize).max(1) * 4,
        DetectorKind::FixedTimeout { .. } => 0,
    }
}

/// Akka's approximation of -log10(1 - F(t)) for a normal distribution with
/// the given mean and standard deviation (all in the same unit).
pub fn phi(elapsed: f64, mean: f64, std: f64) -> f64 {
    let y = (elapsed - mean) / std;
    let e = libm::exp(-y * (1.5976 + 0.070566 * y * y));
    let p = if elapsed > mean {
        -libm::log10(e / (1.0 + e))
    } else {
        -libm::log10(1.0 - 1.0 / (1.0 + e))
    };
    // Rounding can make it a hair below zero far before the mean; phi is never negative.
    p.max(0.0) + 0.0 // and never a negative zero on screen
}

/// One window's inter-arrival samples (whole µs), kept in a log that
/// snapshots of the run share: the samples are `log[start..end]`.
///
/// A log is only ever appended to; a copy of the run (a snapshot for going
/// back in time) shares it and remembers its own `end`. So taking a snapshot
/// copies no samples, and snapshots a few seconds apart share nearly all of
/// theirs (at 100 nodes the windows were 14 MB a snapshot, see BENCHMARKS.md).
/// When another copy has already appended past our `end` (a run resumed from
/// an earlier snapshot) or the log is full, the window moves to a fresh log.
/// The mutex is never contended (a log is used by one run at a time); it
/// lets the runs sharing a log stay `Send`.
#[derive(Clone, Debug)]
struct Samples {
    log: Arc<Mutex<Vec<u32>>>,
    start: u32,
    end: u32,
}

/// Samples at or above this are kept exactly beside the log (a heartbeat gap
/// of 71 minutes and more); the log holds this marker in their place.
const BIG: u32 = u32::MAX;

impl Samples {
    fn new() -> Self {
        Samples {
            log: Arc::new(Mutex::new(Vec::new())),
            start: 0,
            end: 0,
        }
    }

    fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<u32>> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Appends `x`; a log holds at most `cap` samples.
    fn push(&mut self, x: u32, cap: usize) {
        let mut log = self.lock();
        if log.len() == self.end as usize && log.len() < cap {
            if log.len() == log.capacity() {
                // Grow as a Vec would, but never past the cap (the budget counts it).
                let len = log.len();
                log.reserve_exact((len * 2).max(4).min(cap) - len);
            }
            log.push(x);
            drop(log);
            self.end += 1;
            return;
        }
        let mut fresh = Vec::with_capacity(
            (self.len() + 1)
                .next_power_of_two()
                .min(cap.max(self.len() + 1)),
        );
        fresh.extend_from_slice(&log[self.start as usize..self.end as usize]);
        fresh.push(x);
        drop(log);
        self.end = fresh.len() as u32;
        self.start = 0;
        self.log = Arc::new(Mutex::new(fresh));
    }

    /// Removes and returns the oldest sample. Only called when non-empty.
    fn pop(&mut self) -> u32 {
        let x = self.lock()[self.start as usize];
        self.start += 1;
        x
    }

    /// The samples, oldest first.
    fn to_vec(&self) -> Vec<u32> {
        self.lock()[self.start as usize..self.end as usize].to_vec()
    }
}

/// What an observer remembers about one peer's heartbeats.
#[derive(Clone, Debug)]
pub struct PeerHistory {
    /// Local time of the last heartbeat (or of the start of monitoring).
    pub last: i64,
    /// Akka's two seed samples still at the front of the window (0 to 2).
    seeds: u8,
    /// The observed inter-arrival times, after the seeds.
    samples: Samples,
    /// Samples of [`BIG`] or more, in order, exactly.
    /// (Boxed: almost always absent, and n² histories are in every snapshot.)
    #[allow(clippy::box_collection)] // the point: 8 bytes, not 32, when absent
    big: Option<Box<VecDeque<f64>>>,
    sum: f64,
    sum_sq: f64,
    /// Whether the observer currently suspects the peer.
    pub suspected: bool,
    /// Whether a heartbeat arrived yet (the first one only starts the clock, as in Akka).
    pub heard: bool,
}

/// The seed samples around Akka's first estimate (standard deviation = estimate / 4).
fn seeds(kind: &DetectorKind) -> [f64; 2] {
    match kind {
        DetectorKind::PhiAccrual { first_estimate, .. } => {
            let m = *first_estimate as f64;
            [m - m / 4.0, m + m / 4.0]
        }
        DetectorKind::FixedTimeout { .. } => [0.0; 2],
    }
}

impl PartialEq for PeerHistory {
    fn eq(&self, o: &Self) -> bool {
        self.last == o.last
            && self.seeds == o.seeds
            && self.samples.to_vec() == o.samples.to_vec()
            && self.big == o.big
            && self.sum.to_bits() == o.sum.to_bits()
            && self.sum_sq.to_bits() == o.sum_sq.to_bits()
            && self.suspected == o.suspected
            && self.heard == o.heard
    }
}

impl PeerHistory {
    /// Bytes held that `older` (the same peer's history in an earlier
    /// snapshot) does not share, heap included: the snapshot budget. A log
    /// is counted whole, at its most, by the first snapshot that holds it.
    pub fn approx_bytes(&self, older: Option<&PeerHistory>, kind: &DetectorKind) -> usize {
        let shared = older.is_some_and(|o| Arc::ptr_eq(&o.samples.log, &self.samples.log));
        std::mem::size_of::<Self>()
            + self
                .big
                .as_ref()
                .map_or(0, |b| 32 + b.capacity() * std::mem::size_of::<f64>())
            + if shared {
                0
            } else {
                log_cap(kind) * std::mem::size_of::<u32>()
            }
    }

    /// Starts monitoring at local time `now`, seeded as Akka does with two
    /// intervals around the first estimate (standard deviation = estimate / 4).
    pub fn new(now: i64, kind: &DetectorKind) -> Self {
        let mut h = PeerHistory {
            last: now,
            seeds: 0,
            samples: Samples::new(),
            big: None,
            sum: 0.0,
            sum_sq: 0.0,
            suspected: false,
            heard: false,
        };
        if let DetectorKind::PhiAccrual { .. } = kind {
            for x in seeds(kind) {
                h.sum += x;
                h.sum_sq += x * x;
            }
            h.seeds = 2;
        }
        h
    }

    /// Samples in the window.
    fn len(&self) -> usize {
        self.seeds as usize + self.samples.len()
    }

    /// The samples in the window, oldest first (seeds included).
    pub fn window(&self, kind: &DetectorKind) -> Vec<f64> {
        let s = seeds(kind);
        let mut big = self.big.iter().flat_map(|b| b.iter());
        s[2 - self.seeds as usize..]
            .iter()
            .copied()
            .chain(self.samples.to_vec().into_iter().map(|x| {
                if x == BIG {
                    *big.next().expect("a big sample for each marker")
                } else {
                    x as f64
                }
            }))
            .collect()
    }

    /// Adds an interval of `x` µs, keeping the `window` latest.
    fn push(&mut self, x: u64, kind: &DetectorKind, window: usize) {
        let xf = x as f64;
        if x >= BIG as u64 {
            self.big.get_or_insert_with(Default::default).push_back(xf);
            self.samples.push(BIG, log_cap(kind));
        } else {
            self.samples.push(x as u32, log_cap(kind));
        }
        self.sum += xf;
        self.sum_sq += xf * xf;
        while self.len() > window.max(1) {
            let old = if self.seeds > 0 {
                let s = seeds(kind)[2 - self.seeds as usize];
                self.seeds -= 1;
                s
            } else {
                match self.samples.pop() {
                    BIG => {
                        let big = self.big.as_mut().expect("a big sample for each marker");
                        let x = big.pop_front().expect("a big sample for each marker");
                        if big.is_empty() {
                            self.big = None;
                        }
                        x
                    }
                    x => x as f64,
                }
            };
            self.sum -= old;
            self.sum_sq -= old * old;
        }
    }

    /// A heartbeat arrived at local time `now`.
    pub fn heartbeat(&mut self, now: i64, kind: &DetectorKind) {
        if let DetectorKind::PhiAccrual { window, .. } = kind {
            if self.heard {
                self.push((now - self.last).max(0) as u64, kind, *window as usize);
            }
        }
        self.heard = true;
        self.last = now;
    }

    /// Mean and standard deviation of the inter-arrival times (µs).
    pub fn stats(&self) -> (f64, f64) {
        let n = self.len().max(1) as f64;
        let mean = self.sum / n;
        let var = (self.sum_sq / n - mean * mean).max(0.0);
        (mean, libm::sqrt(var))
    }

    /// The suspicion level at local time `now`: phi for phi accrual, and for a
    /// fixed timeout the elapsed time as a fraction of it (1 = the threshold).
    pub fn level(&self, now: i64, kind: &DetectorKind) -> f64 {
        let elapsed = (now - self.last).max(0) as f64;
        match *kind {
            DetectorKind::FixedTimeout { timeout } => elapsed / timeout.max(1) as f64,
            DetectorKind::PhiAccrual { min_std, pause, .. } => {
                let (mean, std) = self.stats();
                phi(elapsed, mean + pause as f64, std.max(min_std as f64))
            }
        }
    }

    /// The level at which the detector suspects.
    pub fn threshold(kind: &DetectorKind) -> f64 {
        match *kind {
            DetectorKind::FixedTimeout { .. } => 1.0,
            DetectorKind::PhiAccrual { threshold, .. } => threshold,
        }
    }

    /// How long after the last heartbeat the level reaches the threshold (local µs):
    /// the smallest whole µs at which it does. Called on every heartbeat, so
    /// for phi it is solved in closed form (see [`phi_crossing`]).
    pub fn suspect_after(&self, kind: &DetectorKind) -> Micros {
        match *kind {
            DetectorKind::FixedTimeout { timeout } => timeout.max(1),
            DetectorKind::PhiAccrual {
                threshold,
                min_std,
                pause,
                ..
            } => {
                let (mean, std) = self.stats();
                phi_crossing(mean + pause as f64, std.max(min_std as f64), threshold)
            }
        }
    }
}

/// The root y of the cubic for `threshold` (see [`phi_crossing`]), or None
/// when the threshold is crossed before the mean. It depends on the
/// threshold alone, and every heartbeat asks for it: the last answer is
/// remembered (a pure function's memo: it cannot change a run).
fn crossing_y(threshold: f64) -> Option<f64> {
    use std::cell::Cell;
    thread_local! {
        static LAST: Cell<(u64, Option<f64>)> = const { Cell::new((u64::MAX, None)) };
    }
    let (key, y) = LAST.with(Cell::get);
    if key == threshold.to_bits() {
        return y;
    }
    const A: f64 = 0.070566;
    const B: f64 = 1.5976;
    let q = libm::pow(10.0, -threshold);
    let y = (q < 0.49).then(|| {
        let k = libm::log((1.0 - q) / q);
        let mut y = (k / B).min(libm::cbrt(k / A));
        for _ in 0..8 {
            y -= (A * y * y * y + B * y - k) / (3.0 * A * y * y + B);
        }
        y
    });
    LAST.with(|c| c.set((threshold.to_bits(), y)));
    y
}

/// The smallest whole µs `t ≥ 1` with `phi(t, m, s) ≥ threshold`.
///
/// Past the mean, phi = −log10(e/(1+e)) with e = exp(−y(1.5976 + 0.070566 y²))
/// and y = (t − m)/s; so phi = θ exactly when y solves
/// 0.070566 y³ + 1.5976 y = ln((1 − q)/q), q = 10^−θ, a cubic increasing in y.
/// Newton's method from above converges to it in a few steps (the cubic is
/// convex for y > 0); a final check of phi itself at neighbouring whole µs
/// makes the answer the same as a search would give, whatever the rounding.
/// (It was a 64-step bisection, two thirds of the run time with phi on.)
pub fn phi_crossing(m: f64, s: f64, threshold: f64) -> Micros {
    let guess = if let Some(y) = crossing_y(threshold) {
        m + y * s
    } else {
        // Thresholds this low are crossed before the mean: search.
        let (mut lo, mut hi) = (0.0f64, m + 100.0 * s);
        for _ in 0..64 {
            let mid = (lo + hi) / 2.0;
            if phi(mid, m, s) >= threshold {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi
    };
    let mut t = (libm::ceil(guess.clamp(1.0, 1e15)) as Micros).max(1);
    for _ in 0..64 {
        if phi(t as f64, m, s) >= threshold {
            break;
        }
        t += 1;
    }
    for _ in 0..64 {
        if t > 1 && phi((t - 1) as f64, m, s) >= threshold {
            t -= 1;
        } else {
            break;
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::{DetectorKind, PeerHistory};
    use crate::sim::SimRng;

    /// The old representation, a plain window of f64 samples with Akka's two
    /// seeds, as the model: shared logs must give the same window and sums.
    struct Model {
        w: std::collections::VecDeque<f64>,
        sum: f64,
        sum_sq: f64,
    }

    impl Model {
        fn push(&mut self, x: f64, window: usize) {
            self.w.push_back(x);
            self.sum += x;
            self.sum_sq += x * x;
            while self.w.len() > window {
                let o = self.w.pop_front().unwrap();
                self.sum -= o;
                self.sum_sq -= o * o;
            }
        }
    }

    #[test]
    fn shared_sample_logs_behave_as_a_plain_window_across_copies() {
        for seed in 0..40u64 {
            let mut rng = SimRng::new(seed);
            let window = rng.range_inclusive(1, 12) as u32;
            let kind = DetectorKind::PhiAccrual {
                threshold: 8.0,
                window,
                min_std: 100_000,
                pause: 0,
                first_estimate: 1_000_000,
            };
            let mut model = Model {
                w: Default::default(),
                sum: 0.0,
                sum_sq: 0.0,
            };
            for x in [750_000.0, 1_250_000.0] {
                model.push(x, usize::MAX);
            }
            // Copies taken along the way, each with its model: a copy pushed
            // to later must fork away from the others, never disturb them.
            let mut h = PeerHistory::new(0, &kind);
            let mut copies: Vec<(PeerHistory, Vec<f64>, i64)> = Vec::new();
            let mut now = 0i64;
            for step in 0..300 {
                // Mostly ordinary gaps, sometimes one too big for a u32 log entry.
                let gap = if rng.chance(0.03) {
                    u32::MAX as i64 + rng.range_inclusive(0, 3) as i64
                } else {
                    rng.range_inclusive(0, 3_000_000) as i64
                };
                now += gap;
                let first = !h.heard;
                h.heartbeat(now, &kind);
                if !first {
                    model.push(gap as f64, window as usize);
                }
                assert_eq!(
                    h.window(&kind),
                    Vec::from(model.w.clone()),
                    "seed {seed} step {step}"
                );
                let (m, _) = h.stats();
                let want = model.sum / model.w.len() as f64;
                assert!(
                    (m - want).abs() <= 1e-6 * want.abs().max(1.0),
                    "seed {seed} step {step}: mean {m} vs {want}"
                );
                if rng.chance(0.1) {
                    copies.push((h.clone(), h.window(&kind), now));
                }
                // Resume an old copy now and then: it forks its own log.
                if rng.chance(0.05) && !copies.is_empty() {
                    let i = rng.range_inclusive(0, copies.len() as u64 - 1) as usize;
                    let (mut c, before, t) = copies[i].clone();
                    c.heartbeat(t + 1_000_000, &kind);
                    let mut expect = before.clone();
                    expect.push(1_000_000.0);
                    while expect.len() > window as usize {
                        expect.remove(0);
                    }
                    assert_eq!(
                        c.window(&kind),
                        expect,
                        "seed {seed} step {step}: resumed copy"
                    );
                }
            }
            for (c, w, _) in &copies {
                assert_eq!(
                    &c.window(&kind),
                    w,
                    "seed {seed}: a copy changed after it was taken"
                );
            }
        }
    }

    /// The first whole µs at which phi reaches the threshold, by search.
    fn crossing_by_search(m: f64, s: f64, threshold: f64) -> Micros {
        let (mut lo, mut hi) = (0u64, 1u64);
        while super::phi(hi as f64, m, s) < threshold {
            hi *= 2;
        }
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if super::phi(mid as f64, m, s) >= threshold {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        hi.max(1)
    }

    #[test]
    fn closed_form_crossing_equals_a_search_to_the_microsecond() {
        let mut rng = crate::sim::SimRng::new(42);
        for i in 0..20_000 {
            let m = 1_000.0 + rng.next_f64() * 5_000_000.0;
            let s = 1_000.0 + rng.next_f64() * 2_000_000.0;
            let thr = 0.1 + rng.next_f64() * 49.9;
            let a = super::phi_crossing(m, s, thr);
            let b = crossing_by_search(m, s, thr);
            assert_eq!(a, b, "case {i} (seed 42): m {m} s {s} threshold {thr}");
        }
    }

    use super::*;

    #[test]
    fn phi_is_monotonic_and_half_at_the_mean() {
        // At the mean, F = 1/2: phi = log10(2).
        assert!((phi(5.0, 5.0, 1.0) - libm::log10(2.0)).abs() < 1e-12);
        let mut last = 0.0;
        for i in 0..200 {
            let p = phi(i as f64 * 0.1, 5.0, 1.0);
            assert!(p >= last, "phi must not decrease: {p} < {last} at {i}");
            last = p;
        }
    }
}
