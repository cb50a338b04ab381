//! Local clocks: there is no global clock.
//!
//! Every node reads its own clock, which is off from true simulated time by a
//! fixed offset and runs fast or slow by a drift rate. Nodes only ever see their
//! local reading and set timers in local time; the simulator converts to true
//! time. The inspector shows both, so students see two nodes disagree on "now".

use super::Micros;

/// One node's clock: `local(t) = t + offset + floor(t * drift_ppm / 1e6)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct LocalClock {
    /// Constant offset from true time, in microseconds (may be negative).
    pub offset_us: i64,
    /// Drift in parts per million: +100 means the clock gains 100 µs per true second.
    pub drift_ppm: i32,
}

const PPM: i128 = 1_000_000;

impl LocalClock {
    /// The local reading at true time `t`.
    #[inline]
    pub fn local_at(&self, t: Micros) -> i64 {
        // Fast path in i64 (division by a constant compiles to a multiply): exact while
        // |t * drift| < 2^63, i.e. for runs shorter than about 200 simulated days.
        if t < (1 << 43) {
            let t = t as i64;
            return t + self.offset_us + (t * self.drift_ppm as i64).div_euclid(PPM as i64);
        }
        let t = t as i128;
        let drift = (t * self.drift_ppm as i128).div_euclid(PPM);
        (t + self.offset_us as i128 + drift) as i64
    }

    /// True time that must pass for this clock to advance by `local_delay`.
    ///
    /// Rounded up, so a timer never fires before its local deadline. Drift is kept
    /// well above -1e6 ppm by configuration, so the divisor is positive.
    pub fn true_delay(&self, local_delay: Micros) -> Micros {
        let rate = PPM + self.drift_ppm as i128; // local µs per true second (x1e6)
        let d = local_delay as i128 * PPM;
        ((d + rate - 1) / rate) as Micros
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ideal_clock_is_identity() {
        let c = LocalClock::default();
        assert_eq!(c.local_at(123_456), 123_456);
        assert_eq!(c.true_delay(1_000_000), 1_000_000);
    }

    #[test]
    fn offset_and_drift_arithmetic() {
        let c = LocalClock {
            offset_us: -5_000,
            drift_ppm: 200,
        };
        // After 10 true seconds a +200 ppm clock has gained 2 ms, and started 5 ms behind.
        assert_eq!(c.local_at(10_000_000), 10_000_000 - 5_000 + 2_000);
        let slow = LocalClock {
            offset_us: 0,
            drift_ppm: -500,
        };
        assert_eq!(slow.local_at(2_000_000), 2_000_000 - 1_000);
        // Negative local readings are allowed (a clock that started behind).
        assert_eq!(
            LocalClock {
                offset_us: -10,
                drift_ppm: 0
            }
            .local_at(3),
            -7
        );
    }

    #[test]
    fn timers_in_local_time_never_fire_early_nor_late() {
        for drift in [-900_000, -50_000, -1, 0, 1, 77, 50_000, 300_000] {
            for offset in [-1_000_000i64, 0, 12_345] {
                let c = LocalClock {
                    offset_us: offset,
                    drift_ppm: drift,
                };
                for start in [0u64, 1, 999_999, 123_456_789] {
                    for d in [1u64, 10, 1_000, 1_000_000, 7_777_777] {
                        let td = c.true_delay(d);
                        let elapsed = c.local_at(start + td) - c.local_at(start);
                        assert!(
                            elapsed >= d as i64,
                            "drift {drift} offset {offset} start {start} d {d}: {elapsed}"
                        );
                        // One true microsecond less would not have been enough (up to floor rounding of 1 µs).
                        let before = c.local_at(start + td - 1) - c.local_at(start);
                        assert!(
                            before <= d as i64 + 1,
                            "drift {drift} start {start} d {d}: fired late ({before})"
                        );
                    }
                }
            }
        }
    }
}
