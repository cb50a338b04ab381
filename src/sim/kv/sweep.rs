//! A sweep: the same service run for several sizes (or offered loads), each
//! for a fixed simulated time, without drawing, to plot throughput and
//! latency against the size: the scalability curve, or the load curve with
//! its knee. Deterministic (each point is a run of its own seed and
//! settings), and done in slices of a bounded number of events, so the page
//! can spread it over frames and stay responsive.

use super::{Kv, KvMetrics, Layout};
use crate::sim::{Micros, Sim, SimConfig};

/// What a sweep varies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepAxis {
    /// Servers: workers (stateless) or shards (the other layouts).
    Servers,
    /// The offered load, as fractions of the shape's capacity.
    Load,
}

/// One point's figures, measured after a warm-up of a fifth of the run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SweepPoint {
    /// Servers, or requests per second offered.
    pub x: u32,
    /// Requests answered per second.
    pub throughput: f64,
    /// Latency percentiles over the measured windows' answers (µs): the
    /// median of the windows' p50s and the worst window's p99.
    pub p50: Micros,
    pub p99: Micros,
    /// Answered in time / resolved.
    pub availability: f64,
    /// Messages per answered request.
    pub msgs_per_request: f64,
}

/// The servers a size sweep tries.
pub const SIZES: [u32; 5] = [1, 2, 4, 8, 16];
/// The loads a load sweep tries, in percent of the capacity.
pub const LOADS: [u32; 8] = [20, 40, 60, 80, 90, 100, 110, 130];

/// A sweep in progress.
pub struct Sweep {
    pub axis: SweepAxis,
    base: Kv,
    config: SimConfig,
    clients: u32,
    /// Simulated time each point runs.
    pub run_for: Micros,
    xs: Vec<u32>,
    current: Option<Sim<Kv>>,
    /// Points done, in order.
    pub points: Vec<SweepPoint>,
}

impl Kv {
    /// Requests per second the shape can serve at most: its servers'
    /// (shards' primaries, workers') service rates added up. A quorum
    /// replica serves every request of its shard, so a shard still serves
    /// as one server.
    pub fn capacity(&self) -> f64 {
        let per = 1e6 / self.service.max(1) as f64;
        match self.layout {
            Layout::Single => per,
            _ => per * f64::from(self.servers.max(1)),
        }
    }
}

impl Sweep {
    /// A sweep of `base` (with `clients` client nodes) along `axis`, each
    /// point for `run_for` of simulated time on `config`'s network and seed.
    pub fn new(
        axis: SweepAxis,
        base: Kv,
        config: SimConfig,
        clients: u32,
        run_for: Micros,
    ) -> Self {
        let xs = match axis {
            SweepAxis::Servers => SIZES.to_vec(),
            SweepAxis::Load => {
                let cap = base.capacity();
                LOADS
                    .iter()
                    .map(|p| ((cap * f64::from(*p) / 100.0).round() as u32).max(1))
                    .collect()
            }
        };
        Sweep {
            axis,
            base,
            config: SimConfig {
                trace_ring: 64,
                trace_all: false,
                ..config
            },
            clients: clients.max(1),
            run_for,
            xs,
            current: None,
            points: Vec::new(),
        }
    }

    /// The values along the axis.
    pub fn xs(&self) -> &[u32] {
        &self.xs
    }

    /// Whether every point is done.
    pub fn done(&self) -> bool {
        self.points.len() == self.xs.len()
    }

    /// Done so far, from 0 to 1.
    pub fn progress(&self) -> f64 {
        let part = self
            .current
            .as_ref()
            .map_or(0.0, |s| s.now() as f64 / self.run_for.max(1) as f64);
        (self.points.len() as f64 + part.min(1.0)) / self.xs.len().max(1) as f64
    }

    fn start(&self, x: u32) -> Sim<Kv> {
        let mut kv = self.base.clone();
        match self.axis {
            // One server swept in size is the same service sharded.
            SweepAxis::Servers if kv.layout == Layout::Single => {
                kv.layout = Layout::Sharded;
                kv.servers = x;
            }
            SweepAxis::Servers => kv.servers = x,
            SweepAxis::Load => kv.load = x,
        }
        let config = SimConfig {
            nodes: kv.service_nodes() + self.clients,
            ..self.config.clone()
        };
        Sim::new(config, kv)
    }

    /// Processes up to `events` more events; returns whether the sweep is done.
    pub fn step(&mut self, events: u64) -> bool {
        let mut left = events;
        while left > 0 && !self.done() {
            let x = self.xs[self.points.len()];
            let sim = match self.current.as_mut() {
                Some(s) => s,
                None => self.current.insert(self.start(x)),
            };
            let before = sim.stats().events;
            let reached = sim.run_until_limited(self.run_for, left);
            left = left.saturating_sub((sim.stats().events - before).max(1));
            if reached {
                let point = measure(x, sim.service(), self.run_for);
                self.points.push(point);
                self.current = None;
            }
        }
        self.done()
    }
}

/// A point's figures from its run's metrics, skipping the first fifth.
fn measure(x: u32, m: &KvMetrics, run_for: Micros) -> SweepPoint {
    let from = run_for / 5;
    let w = m.between(from, run_for);
    let mut p50s: Vec<Micros> = w.iter().filter(|w| w.done > 0).map(|w| w.p50).collect();
    p50s.sort_unstable();
    let (ok, all) = w.iter().fold((0u64, 0u64), |(o, a), w| {
        (o + u64::from(w.ok), a + u64::from(w.ok + w.expired))
    });
    SweepPoint {
        x,
        throughput: m.throughput(from, run_for),
        p50: p50s.get(p50s.len() / 2).copied().unwrap_or(0),
        p99: w.iter().map(|w| w.p99).max().unwrap_or(0),
        availability: if all == 0 {
            1.0
        } else {
            ok as f64 / all as f64
        },
        msgs_per_request: m.msgs_per_request(from, run_for).unwrap_or(0.0),
    }
}
