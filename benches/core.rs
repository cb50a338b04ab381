//! Core throughput: events per second on a 50-node all-to-all heartbeat workload.
//! Run with `cargo bench --bench core`. No wall clock enters the simulator; only
//! this harness reads one, around whole runs.

use distsim::sim::{Heartbeat, NetConfig, Sim, SimConfig};
use std::time::Instant;

/// The benchmark workload; the browser measurement (`bench_core` in the page) uses the same.
fn workload() -> Sim<Heartbeat> {
    distsim::sim::bench_workload()
}

fn main() {
    let events: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5_000_000);
    let _ = (NetConfig::default(), SimConfig::default());
    // Warm up once, then take the median of 5 runs.
    let mut warm = workload();
    warm.run_events(events / 10);
    let mut rates = Vec::new();
    for _ in 0..5 {
        let mut sim = workload();
        let t = Instant::now();
        let done = sim.run_events(events);
        let secs = t.elapsed().as_secs_f64();
        rates.push(done as f64 / secs);
        std::hint::black_box(sim.digest());
    }
    rates.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!("core/heartbeat-50-all-to-all: {events} events per run, median {:.2} M events/s (min {:.2}, max {:.2})", rates[2] / 1e6, rates[0] / 1e6, rates[4] / 1e6);
}
