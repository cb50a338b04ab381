//! Going back in time natively: the page's settings run for 600 simulated
//! seconds with the page's timeline, then 40 seeks to random instants (seed 7).
//! Reports the snapshots' real memory (a counting allocator: bytes the
//! timeline holds beyond the live run) and seek times.
//! Run with `cargo bench --bench seek [-- QUERY]`.

use distsim::params::{parse_query, Settings};
use distsim::sim::{SimRng, Timeline, SNAPSHOT_BUDGET, SNAPSHOT_EVERY};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Ordering::Relaxed);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        LIVE.fetch_add(new, Ordering::Relaxed);
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        System.realloc(p, l, new)
    }
}

#[global_allocator]
static A: Counting = Counting;

fn main() {
    let query = std::env::args()
        .skip(1)
        .find(|a| a.contains('='))
        .unwrap_or_else(|| {
            "nodes=100&seed=1&latency=uniform&lat_min=100&lat_max=200&detector=phi".into()
        });
    let seconds: u64 = std::env::var("SEEK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    let mut settings = Settings::default();
    let errors = settings.apply_pairs(&parse_query(&query));
    assert!(errors.is_empty(), "{errors:?}");
    let mut sim = settings.sim();
    let mut tl = Timeline::new(&sim, SNAPSHOT_EVERY, SNAPSHOT_BUDGET);
    let end = seconds * 1_000_000;
    let t0 = Instant::now();
    let mut t = 0;
    while t < end {
        t = (t + 100_000).min(end);
        sim.run_until(t);
        tl.observe(&sim);
    }
    let run_s = t0.elapsed().as_secs_f64();
    let with = LIVE.load(Ordering::Relaxed);
    let (snaps, estimate) = tl.memory();
    let every = tl.every();
    let mut rng = SimRng::new(7);
    let mut times: Vec<f64> = (0..40)
        .map(|_| {
            let target = rng.range_inclusive(0, end);
            let s0 = Instant::now();
            let sought = tl.seek_time(target);
            let ms = s0.elapsed().as_secs_f64() * 1e3;
            assert_eq!(sought.now(), target);
            ms
        })
        .collect();
    times.sort_by(f64::total_cmp);
    drop(tl);
    let without = LIVE.load(Ordering::Relaxed);
    println!(
        "seek {query}: {} events in {run_s:.1} s; {snaps} snapshots every {every} events, {:.1} MB held (estimate {:.1} MB); seek median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        sim.stats().events,
        (with - without) as f64 / 1e6,
        estimate as f64 / 1e6,
        times[20],
        times[38],
        times[39]
    );
}
