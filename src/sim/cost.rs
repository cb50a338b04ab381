//! What failure detection costs as the cluster grows: the same network and
//! period, all-to-all heartbeats against SWIM, for several sizes, counting
//! the messages sent per simulated second. Run in slices of a bounded
//! number of events, like the service's sweep, so the page stays responsive.

use super::ClockConfig;
use super::{Heartbeat, Micros, NetConfig, Sim, SimConfig, Swim, Workload};

/// The sizes compared.
pub const COST_SIZES: [u32; 5] = [10, 20, 40, 80, 160];

/// One size's cost, messages per second, each way.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CostPoint {
    pub n: u32,
    pub all_to_all: f64,
    pub swim: f64,
}

/// A cost comparison in progress.
pub struct CostSweep {
    period: Micros,
    net: NetConfig,
    seed: u64,
    /// Simulated time each run lasts.
    pub run_for: Micros,
    /// Runs done: size index × 2 + (0: all-to-all, 1: SWIM).
    done: usize,
    current: Option<Sim<Workload>>,
    rates: Vec<f64>,
}

impl CostSweep {
    pub fn new(period: Micros, net: NetConfig, seed: u64, run_for: Micros) -> Self {
        CostSweep {
            period,
            net,
            seed,
            run_for,
            done: 0,
            current: None,
            rates: Vec::new(),
        }
    }

    fn runs() -> usize {
        COST_SIZES.len() * 2
    }

    pub fn finished(&self) -> bool {
        self.done == Self::runs()
    }

    /// Done so far, from 0 to 1.
    pub fn progress(&self) -> f64 {
        let part = self
            .current
            .as_ref()
            .map_or(0.0, |s| s.now() as f64 / self.run_for.max(1) as f64);
        (self.done as f64 + part.min(1.0)) / Self::runs() as f64
    }

    fn start(&self) -> Sim<Workload> {
        let n = COST_SIZES[self.done / 2];
        let workload = if self.done % 2 == 0 {
            Workload::Heartbeat(Heartbeat {
                interval: self.period,
                detector: None,
            })
        } else {
            Workload::Swim(Swim::with_period(self.period))
        };
        let config = SimConfig {
            nodes: n,
            seed: self.seed,
            net: self.net,
            clocks: ClockConfig::default(),
            trace_ring: 64,
            trace_all: false,
        };
        Sim::new(config, workload)
    }

    /// Processes up to about `events` more events; returns whether done.
    pub fn step(&mut self, events: u64) -> bool {
        let mut left = events;
        while left > 0 && !self.finished() {
            let sim = match self.current.as_mut() {
                Some(s) => s,
                None => self.current.insert(self.start()),
            };
            let before = sim.stats().events;
            let reached = sim.run_until_limited(self.run_for, left);
            left = left.saturating_sub((sim.stats().events - before).max(1));
            if reached {
                self.rates
                    .push(sim.stats().sent as f64 / (self.run_for as f64 / 1e6));
                self.current = None;
                self.done += 1;
            }
        }
        self.finished()
    }

    /// The sizes measured so far (both detectors).
    pub fn points(&self) -> Vec<CostPoint> {
        self.rates
            .chunks_exact(2)
            .zip(COST_SIZES)
            .map(|(r, n)| CostPoint {
                n,
                all_to_all: r[0],
                swim: r[1],
            })
            .collect()
    }
}
