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

/// What an observer remembers about one peer's heartbeats.
#[derive(Clone, Debug, PartialEq)]
pub struct PeerHistory {
    /// Local time of the last heartbeat (or of the start of monitoring).
    pub last: i64,
    intervals: VecDeque<f64>,
    sum: f64,
    sum_sq: f64,
    /// Whether the observer currently suspects the peer.
    pub suspected: bool,
    /// Whether a heartbeat arrived yet (the first one only starts the clock, as in Akka).
    pub heard: bool,
}

impl PeerHistory {
    /// Bytes held, heap included (the snapshot budget).
    pub fn approx_bytes(&self) -> usize {
        std::mem::size_of::<Self>() + self.intervals.capacity() * std::mem::size_of::<f64>()
    }

    /// Starts monitoring at local time `now`, seeded as Akka does with two
    /// intervals around the first estimate (standard deviation = estimate / 4).
    pub fn new(now: i64, kind: &DetectorKind) -> Self {
        let mut h = PeerHistory {
            last: now,
            intervals: VecDeque::new(),
            sum: 0.0,
            sum_sq: 0.0,
            suspected: false,
            heard: false,
        };
        if let DetectorKind::PhiAccrual { first_estimate, .. } = kind {
            let m = *first_estimate as f64;
            h.push(m - m / 4.0, usize::MAX);
            h.push(m + m / 4.0, usize::MAX);
        }
        h
    }

    fn push(&mut self, x: f64, window: usize) {
        self.intervals.push_back(x);
        self.sum += x;
        self.sum_sq += x * x;
        while self.intervals.len() > window.max(1) {
            let old = self.intervals.pop_front().expect("non-empty");
            self.sum -= old;
            self.sum_sq -= old * old;
        }
    }

    /// A heartbeat arrived at local time `now`.
    pub fn heartbeat(&mut self, now: i64, kind: &DetectorKind) {
        if let DetectorKind::PhiAccrual { window, .. } = kind {
            if self.heard {
                self.push((now - self.last).max(0) as f64, *window as usize);
            }
        }
        self.heard = true;
        self.last = now;
    }

    /// Mean and standard deviation of the inter-arrival times (µs).
    pub fn stats(&self) -> (f64, f64) {
        let n = self.intervals.len().max(1) as f64;
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
    const A: f64 = 0.070566;
    const B: f64 = 1.5976;
    let q = libm::pow(10.0, -threshold);
    let guess = if q < 0.49 {
        let k = libm::log((1.0 - q) / q);
        let mut y = (k / B).min(libm::cbrt(k / A));
        for _ in 0..8 {
            y -= (A * y * y * y + B * y - k) / (3.0 * A * y * y + B);
        }
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
