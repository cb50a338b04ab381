//! The frame loop: advances the run by each frame's wall time × speed, decides
//! whether the picture needs painting, and when to wake up next.
//!
//! Pacing: animating a canvas costs CPU per painted frame, whatever it draws,
//! so we paint only when something appeared or vanished, or when the fastest
//! moving thing has moved `PAINT_STEP_PX`; between paints we sleep on a timer
//! rather than on animation frames. Paused with nothing fading, we sleep until
//! the user does something. With reduced motion, a few still pictures a second.
//! Out of sight (a hidden tab, or an embed scrolled out of view) nothing runs
//! at all: the run resumes where it was when the page is seen again.

use super::host::Host;
use super::narrate::Narrator;
use super::picture::Picture;
use super::spacetime::SpaceTime;
use gloo_render::{request_animation_frame, AnimationFrame};
use gloo_timers::callback::Timeout;
use yew::Callback;

/// Paint again once the fastest moving thing has moved this many CSS pixels.
const PAINT_STEP_PX: f64 = 1.5;
/// In a sparse scene (dots animated by the compositor), the canvas is
/// painted when a timer arc has shrunk this many CSS pixels, when an event
/// changed what it shows (`draw::scene_key`), at most every
/// `SPARSE_PAINT_MS`, and for the nodes' clocks every `PANEL_MS` while
/// playing. (Timer arcs as compositor animations, rotating half rings, were
/// tried: the main thread saved little and the compositor's software
/// rasterizing of the rotated layers cost about 40 ms/s more; BENCHMARKS.md.)
/// The next step is due `TIMER_STEP_PX` after each wake-up, not after the
/// last paint, so events between paints put steps off (they come 5 to 12 px
/// apart) and many paints fall on a frame drawn for the dots anyway: even
/// steps measured 2 to 8 ms/s more main thread at 5 nodes (BENCHMARKS.md).
const TIMER_STEP_PX: f64 = 5.0;
const SPARSE_PAINT_MS: f64 = 80.0;
/// ... but when the flights' elements changed (the browser draws a frame for
/// them anyway), paint in that frame if the last paint is this old: one
/// frame instead of two.
const SPARSE_MERGE_MS: f64 = 30.0;
/// With more dots than this in flight, paint at most every other display
/// frame (30 fps at 60 Hz): painting thousands of dots costs Chromium more
/// than simulating them, and 30 steady frames a second look smoother than 60
/// with long ones (measured: 300 nodes with phi, 7,000 dots: p95 50 ms
/// painting every frame, 16.8 ms painting every other; aiming at 40 a
/// second saturated the thread and gave fewer).
const CROWDED_DOTS: u32 = 4_000;
const CROWDED_PAINT_MS: f64 = 21.0;
/// With reduced motion, paint at most this often (wall ms).
const CALM_PAINT_MS: f64 = 250.0;
/// Wall ms a frame may spend advancing the run. Events cost from 0.2 µs (a
/// heartbeat) to over 1 µs (a heartbeat into 299 phi windows), so the
/// budget is time, checked every `FRAME_CHUNK` events.
const FRAME_WORK_MS: f64 = 8.0;
const FRAME_CHUNK: u64 = 2_000;
/// Panels refresh at most this often while running (wall ms).
const PANEL_MS: f64 = 250.0;
/// Wall ms per frame spent rebuilding the diagram's older history.
const HISTORY_MS: f64 = 10.0;

#[derive(Default)]
pub struct FrameLoop {
    /// Fractional simulated microseconds carried between frames.
    carry_us: f64,
    last_frame: Option<f64>,
    /// When the canvas was last painted (wall ms) and the event count then.
    last_paint_ms: f64,
    events_at_paint: u64,
    /// Sparse scenes: what the canvas showed at its last paint (`draw::scene_key`).
    scene_at_paint: u64,
    /// Simulated time at the last paint (the clocks show it).
    now_at_paint: u64,
    last_panel_ms: f64,
    frame: Option<AnimationFrame>,
    /// Sleeping until the next paint is due (instead of spinning on animation frames).
    wake: Option<Timeout>,
    /// Simulation events per wall second, smoothed, and the count last seen:
    /// the compositor path pays per event (elements added and removed), the
    /// canvas per frame, so busy scenes stay on the canvas.
    event_rate: f64,
    events_seen: u64,
    /// The size observer's generation last measured at.
    sizes_seen: Option<u64>,
    /// Woken by timers alone, not animation frames (sparse scenes: nothing
    /// on the canvas moves between its paints, so a wake-up that changes
    /// nothing visible costs the browser no frame).
    timer_driven: bool,
}

impl FrameLoop {
    /// Forget the last frame's time (after a pause or a new run), so the next
    /// frame does not advance the run by the time spent away.
    pub fn restart_clock(&mut self) {
        self.last_frame = None;
    }

    /// A new run: no fractional time carried over.
    pub fn new_run(&mut self) {
        self.carry_us = 0.0;
        self.last_frame = None;
        self.events_seen = 0;
    }

    /// One frame at wall time `ts` (ms). `sizes` is the size observer's
    /// generation (None: no observer, measure every frame). Returns whether
    /// the panels should re-render, and in how many wall ms the next frame is
    /// due (None: sleep until the user acts).
    #[allow(clippy::too_many_arguments)]
    pub fn tick(
        &mut self,
        ts: f64,
        sizes: Option<u64>,
        host: &mut Host,
        picture: &mut Picture,
        diagram: &mut SpaceTime,
        narrator: &mut Narrator,
    ) -> (bool, Option<f64>) {
        self.frame = None;
        if host.unseen {
            // Out of sight: sleep until seen again, then go on from here.
            self.last_frame = None;
            return (false, None);
        }
        // Clamped so a long stall (a hidden tab) does not jump the run ahead.
        let dt = self.last_frame.map_or(0.0, |l| (ts - l).clamp(0.0, 1000.0));
        self.last_frame = Some(ts);
        let show = host.page.view;
        // Reading an element's size forces styles to be recomputed mid-frame:
        // only after the observer saw a change.
        let measure = sizes.is_none() || sizes != self.sizes_seen;
        self.sizes_seen = sizes;
        let ring_resized = measure && show.ring() && picture.measure(host.nodes());
        let diagram_resized = measure && show.spacetime() && diagram.measure();
        let resized = ring_resized || diagram_resized;
        if resized {
            host.dirty = true;
        }
        if host.playing {
            self.carry_us += dt * 1000.0 * host.speed;
            let whole = self.carry_us.floor();
            self.carry_us -= whole;
            let before = host.sim.now();
            // Bounded work per frame: at high speed on a big cluster the run falls
            // behind wall-clock time instead of freezing the page (the run itself is
            // unchanged; it just advances more slowly).
            let target = before + whole as u64;
            let start = super::now_ms();
            // Crowded, the paint needs more of the frame.
            let work_ms = if host.sim.in_flight() > CROWDED_DOTS {
                FRAME_WORK_MS * 0.8
            } else {
                FRAME_WORK_MS
            };
            let reached = loop {
                if host.advance_to(target, FRAME_CHUNK) {
                    break true;
                }
                if !host.playing {
                    // A lesson's step reached its outcome: the run waits there.
                    break true;
                }
                if super::now_ms() - start >= work_ms {
                    break false;
                }
            };
            if dt > 0.0 {
                let inst = (host.sim.now() - before) as f64 / (dt * 1000.0);
                host.effective_speed = 0.8 * host.effective_speed + 0.2 * inst;
            }
            host.lagging = !reached;
            host.after_advance();
        }
        // Older history for a diagram panned past what the live trace keeps:
        // rebuilt a few ms per frame, so the page stays responsive.
        let (rebuilding, repaint) = if show.spacetime() {
            diagram.rebuild_history(host, HISTORY_MS)
        } else {
            (false, false)
        };
        if repaint {
            host.dirty = true;
        }
        picture.collect_fades(host, ts);
        narrator.hear(&host.sim);
        // A lesson's step moved on (its condition held, its time ran out).
        let lesson_moved = match host.announce.take() {
            Some(a) => {
                narrator.say(a);
                true
            }
            None => false,
        };
        let observer = host.selected_node();
        host.chart.sample(&host.sim, observer);
        // Sparse scenes: the dots are compositor-animated elements, re-timed
        // at each event; the canvas paints the rest.
        let events = host.sim.stats().events;
        if dt > 0.0 {
            let inst = events.saturating_sub(self.events_seen) as f64 * 1000.0 / dt;
            let k = (dt / 1000.0).min(1.0);
            self.event_rate += (inst - self.event_rate) * k;
        }
        self.events_seen = events;
        // Hysteresis: in below 25 events a second, out above 40.
        let quiet = self.event_rate < if picture.flights.active { 40.0 } else { 25.0 };
        let sparse = show.ring() && quiet && picture.sparse(host);
        if ring_resized || (!sparse && picture.flights.active) {
            picture.flights.clear();
            host.dirty = true;
        }
        let mut layer_changed = false;
        if sparse {
            let rate = if host.playing { host.speed } else { 0.0 };
            if !picture.flights.active {
                host.dirty = true; // the canvas, without its dots
            }
            if host.dirty || picture.flights.stale(host.sim.stats().events, rate) {
                layer_changed = picture.sync_flights(host);
            }
        }
        self.timer_driven = sparse && !show.spacetime();
        let fading = picture.fading(ts);
        let speed = if host.playing { host.speed } else { 0.0 };
        let mut v = if show.ring() {
            picture.motion_px_per_ms(host, speed)
        } else {
            0.0
        };
        if show.spacetime() && diagram.end.is_none() {
            // Following the run: the diagram scrolls with simulated time.
            v = v.max(diagram.px_per_us() * speed * 1000.0);
        }
        let spoke = narrator.speak(ts);
        // With the dots on the compositor, what moves on the canvas is the
        // timer arcs: stepped a few pixels at a time, they are a countdown
        // that costs a paint a few times a second rather than every frame.
        let step_px = if sparse { TIMER_STEP_PX } else { PAINT_STEP_PX };
        // Sparse: an event repaints the canvas only if it changed what the
        // canvas shows (most events only send or deliver a message: a dot
        // on the compositor); the nodes' clocks move on at the panels' pace
        // while playing (at once, a step at a time).
        let scene = sparse.then(|| picture.scene_key(host));
        let sim_changed = match scene {
            Some(k) => {
                k != self.scene_at_paint
                    || (host.sim.now() != self.now_at_paint
                        && (!host.playing || ts - self.last_paint_ms >= PANEL_MS - 1.0))
            }
            None => host.sim.stats().events != self.events_at_paint,
        };
        // Reduced motion: a few still pictures a second, except right after a user action.
        let calm = picture.reduced_motion && !host.dirty && ts - self.last_paint_ms < CALM_PAINT_MS;
        let crowded = host.sim.in_flight() > CROWDED_DOTS;
        let calm =
            calm || (crowded && !host.dirty && ts - self.last_paint_ms < CROWDED_PAINT_MS - 1.0);
        // Sparse: what an event changes on the canvas (an arc re-armed, a
        // drop's cross) waits for the next of at most 12 paints a second;
        // the dots, on the compositor, are re-timed at every event regardless.
        let sparse_gap = if layer_changed {
            SPARSE_MERGE_MS
        } else {
            SPARSE_PAINT_MS
        };
        let calm = calm || (sparse && !host.dirty && ts - self.last_paint_ms < sparse_gap - 1.0);
        let mut painted = false;
        if !calm
            && (host.dirty || sim_changed || fading || (ts - self.last_paint_ms) * v >= step_px)
        {
            if show.ring() {
                picture.paint(host, ts);
            }
            if show.spacetime() {
                diagram.paint(host, picture.palette());
            }
            host.dirty = false;
            self.last_paint_ms = ts;
            self.events_at_paint = host.sim.stats().events;
            self.scene_at_paint = scene.unwrap_or_default();
            self.now_at_paint = host.sim.now();
            painted = true;
        }
        // Sparse: the panels too ride on a frame the browser draws anyway,
        // when they are at least half due.
        let ride = sparse && (painted || layer_changed) && ts - self.last_panel_ms > PANEL_MS / 2.0;
        let panels = resized
            || spoke
            || repaint
            || lesson_moved
            || (host.playing && (ride || ts - self.last_panel_ms > PANEL_MS));
        if panels {
            self.last_panel_ms = ts;
        }
        let mut next: Option<f64> = None;
        let mut soon = |d: f64| next = Some(next.map_or(d, |n: f64| n.min(d)));
        if fading {
            soon(33.0);
        }
        if sparse && (fading || scene != Some(self.scene_at_paint)) {
            // A paint held back by the sparse pacing: when it is due.
            soon((SPARSE_PAINT_MS - (ts - self.last_paint_ms)).max(0.0));
        }
        if sparse && host.playing {
            // The clocks' next step.
            soon((PANEL_MS - (ts - self.last_paint_ms)).max(0.0));
        }
        if rebuilding {
            soon(0.0);
        }
        if let Some(d) = narrator.due_in(ts) {
            soon(d);
        }
        if host.playing {
            soon(PANEL_MS);
            if v > 0.0 {
                soon(step_px / v);
            }
            if let Some(t) = host.sim.next_event_time() {
                soon(t.saturating_sub(host.sim.now()) as f64 / (host.speed * 1000.0));
            }
        }
        if picture.reduced_motion {
            next = next.map(|d| d.max(CALM_PAINT_MS - (ts - self.last_paint_ms)));
        } else if crowded {
            next = next.map(|d| d.max(CROWDED_PAINT_MS - (ts - self.last_paint_ms)));
        }
        if next.is_none() {
            // Nothing will change until the user acts: sleep.
            self.last_frame = None;
        }
        (panels, next)
    }

    /// Asks for the next frame `next` ms from now: an animation frame when due
    /// within about a frame, else a timer that then asks for one.
    pub fn schedule(&mut self, next: Option<f64>, frame: &Callback<f64>, wake: &Callback<()>) {
        match next {
            Some(d) if self.timer_driven => {
                // At (not before) the next event: the wake-up is the frame.
                let wake = wake.clone();
                self.wake = Some(Timeout::new(d.max(0.0).ceil() as u32, move || {
                    wake.emit(())
                }));
            }
            Some(d) if d <= 12.0 => self.request(frame),
            Some(d) => {
                let wake = wake.clone();
                self.wake = Some(Timeout::new((d - 8.0).max(1.0) as u32, move || {
                    wake.emit(())
                }));
            }
            None => {}
        }
    }

    /// Whether a wake-up should run the frame at once rather than ask for
    /// an animation frame.
    pub fn timer_driven(&self) -> bool {
        self.timer_driven && self.frame.is_none()
    }

    /// Makes sure a frame is coming (after any user action).
    pub fn kick(&mut self, frame: &Callback<f64>) {
        if self.frame.is_none() {
            self.request(frame);
        }
    }

    fn request(&mut self, frame: &Callback<f64>) {
        self.wake = None;
        let frame = frame.clone();
        self.frame = Some(request_animation_frame(move |ts| frame.emit(ts)));
    }
}
