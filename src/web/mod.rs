//! The browser side: the Yew app, the canvas painter, the panic overlay, and
//! a few functions exported to JavaScript for benchmarks and tests.

mod address;
mod app;
mod draw;
mod flights;
mod form;
mod frame;
mod host;
mod intent;
mod keys;
mod lesson;
mod links;
mod narrate;
mod nodes;
mod pair_chart;
mod panels;
mod picture;
mod share;
mod spacetime;

use std::cell::Cell;
use wasm_bindgen::prelude::*;

thread_local! {
    static SEED: Cell<u64> = const { Cell::new(0) };
    static PAINTS: Cell<u32> = const { Cell::new(0) };
    static FIRST_PAINT_MS: Cell<f64> = const { Cell::new(0.0) };
}

pub(crate) fn count_paint() {
    PAINTS.with(|p| {
        if p.get() == 0 {
            FIRST_PAINT_MS.with(|f| f.set(now_ms()));
        }
        p.set(p.get().wrapping_add(1))
    });
}

/// When the picture was first painted, in ms since the page's navigation
/// began (`performance.now()`'s origin); 0 before it is (benchmarks).
#[wasm_bindgen]
pub fn first_paint_ms() -> f64 {
    FIRST_PAINT_MS.with(|f| f.get())
}

/// How many times the canvas has been painted since the page loaded (benchmarks).
#[wasm_bindgen]
pub fn paint_count() -> u32 {
    PAINTS.with(|p| p.get())
}

/// Wall time in ms (the page's clock; never read by the simulator).
/// The `Performance` object is looked up once: the frame loop reads the
/// clock every 2,000 events, and each lookup crosses into JavaScript twice.
pub(crate) fn now_ms() -> f64 {
    thread_local! {
        static PERF: Option<web_sys::Performance> = web_sys::window().and_then(|w| w.performance());
    }
    PERF.with(|p| p.as_ref().map_or(0.0, |p| p.now()))
}

/// Runs `step` (which does a bounded amount of work and says whether it
/// is finished) for one slice of about 12 wall ms, so that work too long
/// for one frame (a sweep) leaves the browser most of each frame. Returns
/// whether the work is finished; if not, the caller schedules another slice.
pub(crate) fn work_slice(mut step: impl FnMut() -> bool) -> bool {
    let start = now_ms();
    let mut done = false;
    while !done && now_ms() - start < 12.0 {
        done = step();
    }
    done
}

/// Remembers the seed of the current run, so a panic report can name it.
pub(crate) fn set_panic_seed(seed: u64) {
    SEED.with(|s| s.set(seed));
}

/// Mounts the app and installs the panic overlay.
pub fn start() {
    // Through yew, which would otherwise install its own console-only hook over ours.
    yew::set_custom_panic_hook(Box::new(|info| {
        let seed = SEED.with(|s| s.get());
        let text = format!("{info}");
        web_sys::console::error_1(&format!("distsim panicked (seed {seed}): {text}").into());
        show_panic_overlay(seed, &text);
    }));
    yew::Renderer::<app::App>::new().render();
}

/// A full-page overlay with the seed and the message. Built with `textContent`,
/// never HTML, so nothing in the message can inject markup.
fn show_panic_overlay(seed: u64, text: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else { return };
    let Ok(div) = doc.create_element("div") else {
        return;
    };
    div.set_id("panic-overlay");
    let _ = div.set_attribute("role", "alertdialog");
    let _ = div.set_attribute("aria-label", "The simulator stopped");
    let title = doc.create_element("h2").ok();
    if let Some(t) = &title {
        t.set_text_content(Some("The simulator hit a bug and stopped."));
        let _ = div.append_child(t);
    }
    if let Ok(p) = doc.create_element("p") {
        p.set_text_content(Some(&format!("Seed {seed}. Reload the page to start again; reporting the seed and what you did lets us replay it exactly.")));
        let _ = div.append_child(&p);
    }
    if let Ok(pre) = doc.create_element("pre") {
        pre.set_text_content(Some(text));
        let _ = div.append_child(&pre);
    }
    let _ = body.append_child(&div);
}

/// Runs the core benchmark workload for `events` events and returns events per
/// second, timed with `performance.now()` (BENCHMARKS.md).
#[wasm_bindgen]
pub fn bench_core(events: u32) -> f64 {
    let perf = web_sys::window().and_then(|w| w.performance());
    let now = || perf.as_ref().map(|p| p.now()).unwrap_or(0.0);
    let mut sim = crate::sim::bench_workload();
    let t0 = now();
    let done = sim.run_events(events as u64);
    let ms = (now() - t0).max(1e-3);
    done as f64 / ms * 1000.0
}

/// The digest of the reference run, as 16 hex digits (compared with the native value).
#[wasm_bindgen]
pub fn reference_digest_hex() -> String {
    format!("{:016x}", crate::sim::reference_run().digest())
}

/// Triggers a panic on purpose, to test the overlay end to end.
#[wasm_bindgen]
pub fn debug_panic() {
    panic!("deliberate panic for testing the overlay");
}

/// Going back in time, measured (BENCHMARKS.md): runs the page's settings from
/// `query` for `seconds` of simulated time in 100 ms slices (as frames do),
/// with the page's timeline, then seeks to `seeks` random instants. Returns
/// JSON: events, snapshots, their bytes, and seek times in ms.
#[wasm_bindgen]
pub fn bench_seek(query: &str, seconds: f64, seeks: u32) -> String {
    let perf = web_sys::window().and_then(|w| w.performance());
    let now = || perf.as_ref().map(|p| p.now()).unwrap_or(0.0);
    let mut settings = crate::params::Settings::default();
    let errors = settings.apply_pairs(&crate::params::parse_query(query));
    if !errors.is_empty() {
        return format!("{{\"error\": {:?}}}", errors.join("; "));
    }
    let mut sim = host::new_sim(&settings);
    let mut tl = crate::sim::Timeline::new(&sim, host::SNAPSHOT_EVERY, host::SNAPSHOT_BUDGET);
    let end = (seconds * 1e6) as u64;
    let t0 = now();
    let mut t = 0;
    while t < end {
        t = (t + 100_000).min(end);
        sim.run_until(t);
        tl.observe(&sim);
    }
    let run_ms = now() - t0;
    let mut rng = crate::sim::SimRng::new(7);
    let mut times: Vec<f64> = (0..seeks)
        .map(|_| {
            let target = rng.range_inclusive(0, end);
            let s0 = now();
            let sought = tl.seek_time(target);
            let ms = now() - s0;
            assert_eq!(sought.now(), target);
            ms
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let (snaps, bytes) = tl.memory();
    format!(
        "{{\"events\": {}, \"run_ms\": {:.0}, \"snapshots\": {snaps}, \"snapshot_mb\": {:.1}, \"every\": {}, \"seek_ms_median\": {:.1}, \"seek_ms_p95\": {:.1}, \"seek_ms_max\": {:.1}}}",
        sim.stats().events,
        run_ms,
        bytes as f64 / 1e6,
        tl.every(),
        times[times.len() / 2],
        times[(times.len() * 95 / 100).min(times.len() - 1)],
        times[times.len() - 1]
    )
}
