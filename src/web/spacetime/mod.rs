//! The space-time diagram: one lane per node, time flowing left to right, an
//! arrow per message from its send to its receipt (lost ones end in ✕,
//! omitted ones in ⊘, duplicates dashed, those still in flight open-ended at
//! the cursor), marks for crashes, restarts, suspicions and trust, and the
//! current instant as a cursor. Painted imperatively from the trace's recent
//! events, only the visible window; it follows the run unless panned.

use super::host::Host;
use crate::sim::{AnyMsg, Flight, Micros, NodeId};
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

const LEFT: f64 = 44.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 22.0;
const BOTTOM: f64 = 8.0;
/// Narrowest and widest windows (µs of simulated time across the diagram).
pub const SPAN_RANGE: (u64, u64) = (5_000, 600_000_000);

/// What a click on the diagram hit.
pub enum Hit {
    /// A send or a receipt, when the run keeps logical clocks.
    Event(Box<super::host::EventPick>),
    Message(Box<Flight<AnyMsg>>),
    Node(u32),
    /// The time axis at this instant.
    Time(Micros),
}

pub struct SpaceTime {
    pub canvas: NodeRef,
    size: (f64, f64, f64),
    /// Simulated µs across the lanes.
    pub span: u64,
    /// The window's right edge when panned; `None` follows the run.
    pub end: Option<Micros>,
    /// A drag in progress: pointer x and the window's end when it started.
    drag: Option<(f64, Micros)>,
    /// The user zoomed: keep their span for new runs.
    zoomed: bool,
    /// Older history rebuilt for a window the live trace no longer holds:
    /// the stretch shown, and the next one being rebuilt.
    history: Option<History>,
    next: Option<History>,
}

/// Most arrows drawn per frame: beyond, the oldest in the window are left
/// out (and the diagram says so), so a big cluster still animates smoothly.
const ARROW_BUDGET: usize = 2500;

impl Default for SpaceTime {
    fn default() -> Self {
        SpaceTime {
            canvas: NodeRef::default(),
            size: (0.0, 0.0, 1.0),
            span: 4_000_000,
            end: None,
            drag: None,
            zoomed: false,
            history: None,
            next: None,
        }
    }
}

mod data;
mod history;
mod paint;

use history::History;

use data::{Arrow, Shown};

impl SpaceTime {
    /// The window shown: (start, end) in true µs.
    pub fn window(&self, now: Micros) -> (Micros, Micros) {
        let end = self.end.unwrap_or(now).max(self.span.min(now.max(1)));
        let end = end.max(self.span);
        (end - self.span, end)
    }

    /// Keeps the canvas the size of its box. Returns whether it changed.
    pub fn measure(&mut self) -> bool {
        let Some(c) = self.canvas.cast::<HtmlCanvasElement>() else {
            return false;
        };
        let (w, h) = (c.client_width() as f64, c.client_height() as f64);
        super::picture::fit_canvas(Some(c), w, h, &mut self.size)
    }

    /// CSS pixels per simulated µs at this zoom.
    pub fn px_per_us(&self) -> f64 {
        (self.size.0 - LEFT - RIGHT).max(0.0) / self.span.max(1) as f64
    }

    fn x(&self, t: Micros, t0: Micros) -> f64 {
        let w = self.size.0 - LEFT - RIGHT;
        LEFT + (t as f64 - t0 as f64) / self.span as f64 * w
    }

    fn time_at(&self, x: f64, t0: Micros) -> Micros {
        let w = (self.size.0 - LEFT - RIGHT).max(1.0);
        (t0 as f64 + (x - LEFT) / w * self.span as f64).max(0.0) as Micros
    }

    fn lane_h(&self, n: u32) -> f64 {
        (self.size.1 - TOP - BOTTOM) / n.max(1) as f64
    }

    fn y(&self, node: u32, n: u32) -> f64 {
        TOP + (node as f64 + 0.5) * self.lane_h(n)
    }

    /// A new run of `n` nodes: unless the user zoomed, a window that shows a
    /// few thousand messages (all-to-all traffic grows as n²).
    pub fn fit(&mut self, n: u32) {
        self.end = None;
        if !self.zoomed {
            let n2 = (n.max(1) as u64).pow(2);
            self.span = (4_000_000 * 400 / n2.max(400)).max(200_000);
        }
    }

    /// Zooms by `factor` around the instant under pointer x.
    pub fn zoom(&mut self, factor: f64, x: Option<f64>, now: Micros) {
        self.zoomed = true;
        let (t0, t1) = self.window(now);
        let pivot = x.map_or(t1, |x| self.time_at(x, t0));
        let span = ((self.span as f64 * factor) as u64).clamp(SPAN_RANGE.0, SPAN_RANGE.1);
        if self.end.is_some() || x.is_some() && pivot < t1 {
            let right = t1 - pivot;
            let new_right = (right as f64 * span as f64 / self.span as f64) as u64;
            self.end = Some((pivot + new_right).min(now));
        }
        self.span = span;
        if self.end.is_some_and(|e| e >= now) {
            self.end = None;
        }
    }

    /// Pans by `fraction` of the window (negative: back in time).
    pub fn pan(&mut self, fraction: f64, now: Micros) {
        let (_, t1) = self.window(now);
        let shift = self.span as f64 * fraction;
        let e = (t1 as f64 + shift).max(self.span as f64) as Micros;
        self.end = (e < now).then_some(e);
    }

    pub fn drag_start(&mut self, x: f64, now: Micros) {
        self.drag = Some((x, self.window(now).1));
    }

    /// Returns whether a drag moved the window.
    pub fn drag_to(&mut self, x: f64, now: Micros) -> bool {
        let Some((x0, e0)) = self.drag else {
            return false;
        };
        let w = (self.size.0 - LEFT - RIGHT).max(1.0);
        let dt = (x0 - x) / w * self.span as f64;
        let e = (e0 as f64 + dt).max(self.span as f64) as Micros;
        self.end = (e < now).then_some(e);
        true
    }

    /// A pointer released at (x, y): the end of a drag, or a click that picks
    /// an event, selects a message or a node, or goes to an instant. Returns
    /// whether the panels should render.
    pub fn click(&mut self, host: &mut Host, x: f64, y: f64) -> bool {
        if self.drag_end(x) {
            return false;
        }
        match self.hit(host, x, y) {
            Some(Hit::Event(e)) => host.event = (host.event.as_ref() != Some(&e)).then_some(*e),
            Some(Hit::Message(f)) => host.selection = super::host::Selection::Message(f),
            Some(Hit::Node(i)) => host.selection = super::host::Selection::Node(i),
            Some(Hit::Time(t)) => host.seek_time(t),
            None => host.selection = super::host::Selection::None,
        }
        host.dirty = true;
        true
    }

    /// A key pressed on the focused diagram: arrows pan (left, right) and
    /// zoom (up, down; also + and −), F follows the run. Returns whether used.
    pub fn key(&mut self, key: &str, now: Micros) -> bool {
        match key {
            "ArrowLeft" => self.pan(-0.2, now),
            "ArrowRight" => self.pan(0.2, now),
            "ArrowUp" | "+" | "=" => self.zoom(0.7, None, now),
            "ArrowDown" | "-" | "_" => self.zoom(1.0 / 0.7, None, now),
            "f" | "F" => self.end = None,
            _ => return false,
        }
        true
    }

    /// Ends a drag; returns whether the pointer moved (else it was a click).
    pub fn drag_end(&mut self, x: f64) -> bool {
        self.drag.take().is_some_and(|(x0, _)| (x - x0).abs() > 3.0)
    }
}

impl SpaceTime {
    /// What is under the pointer: a message arrow, a lane, or the time axis.
    pub fn hit(&self, host: &Host, x: f64, y: f64) -> Option<Hit> {
        let (t0, t1) = self.window(host.sim.now());
        self.hit_in(host, &self.shown(host, t0, t1), t0, x, y)
    }

    /// [`SpaceTime::hit`] among what `shown`, the window's (starting at `t0`), holds.
    fn hit_in(&self, host: &Host, shown: &Shown, t0: Micros, x: f64, y: f64) -> Option<Hit> {
        let now = host.sim.now();
        if y < TOP {
            return Some(Hit::Time(self.time_at(x, t0).min(now)));
        }
        let n = host.nodes();
        let mut best: Option<(f64, &Arrow)> = None;
        let picked = self
            .events(host, shown, t0)
            .into_iter()
            .map(|(ex, ey, st, node, time, what)| ((ex - x).hypot(ey - y), st, node, time, what))
            .filter(|e| e.0 <= 6.0)
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, st, node, time, what)) = picked {
            return Some(Hit::Event(Box::new(super::host::EventPick {
                node,
                time,
                stamp: st.clone(),
                what,
            })));
        }
        for a in &shown.arrows {
            let (x0, y0, x1, y1) = self.segment(a, t0, n, now);
            let d = seg_dist(x, y, x0, y0, x1, y1);
            if d <= 5.0 && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, a));
            }
        }
        if let Some((_, a)) = best {
            return Some(Hit::Message(Box::new(Flight {
                id: a.id,
                from: NodeId(a.from),
                to: NodeId(a.to),
                sent_at: a.ev.time,
                depart: a.depart,
                arrive: a.arrive,
                lost: a.died,
                dup: a.dup,
                deviant: a.deviant,
                msg: *a.msg,
                entry: 0,
                stamp: None,
            })));
        }
        let lane = ((y - TOP) / self.lane_h(n)).floor();
        (lane >= 0.0 && (lane as u32) < n).then_some(Hit::Node(lane as u32))
    }

    /// Where the latest delivered arrow that a click selects is ("x,y,id" at
    /// its middle), for tests.
    fn probe(&self, host: &Host, shown: &Shown, t0: Micros) -> String {
        let now = host.sim.now();
        let n = host.nodes();
        // The middle of a recent delivered arrow that a click there selects
        // (not crossed there by another one).
        shown
            .arrows
            .iter()
            .rev()
            .filter(|a| a.died.is_none() && a.arrive <= now)
            .take(20)
            .find_map(|a| {
                let (x0, y0) = (self.x(a.ev.time, t0), self.y(a.from, n));
                let (x1, y1) = (self.x(a.arrive, t0), self.y(a.to, n));
                let (x, y) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
                match self.hit_in(host, shown, t0, x, y) {
                    Some(Hit::Message(f)) if f.id == a.id && f.dup == a.dup => {
                        Some(format!("{x:.1},{y:.1},{}", a.id))
                    }
                    _ => None,
                }
            })
            .unwrap_or_default()
    }
}

fn seg_dist(px: f64, py: f64, x0: f64, y0: f64, x1: f64, y1: f64) -> f64 {
    let (dx, dy) = (x1 - x0, y1 - y0);
    let l2 = dx * dx + dy * dy;
    let t = if l2 == 0.0 {
        0.0
    } else {
        (((px - x0) * dx + (py - y0) * dy) / l2).clamp(0.0, 1.0)
    };
    let (qx, qy) = (x0 + t * dx, y0 + t * dy);
    ((px - qx).powi(2) + (py - qy).powi(2)).sqrt()
}

/// What the diagram reports to the `App`.
pub struct DiagramCallbacks {
    pub down: Callback<MouseEvent>,
    pub moved: Callback<MouseEvent>,
    pub up: Callback<MouseEvent>,
    pub leave: Callback<MouseEvent>,
    pub key: Callback<KeyboardEvent>,
}

impl SpaceTime {
    /// The diagram's section: the canvas (focusable, named with what it
    /// shows) and a one-line hint.
    pub fn view(&self, host: &Host, on: &DiagramCallbacks) -> Html {
        let now = host.sim.now();
        let (t0, t1) = self.window(now);
        // One pass over the window's trace serves the label and the probes
        // (this renders a few times a second, not per frame).
        let shown = self.shown(host, t0, t1);
        let arrows = shown.arrows.len();
        let probe = self.probe(host, &shown, t0);
        let causal = self.causal_counts(host, &shown, t0);
        let back = shown
            .arrows
            .iter()
            .filter(|a| data::backwards(host, &shown, a))
            .count();
        let label = format!(
            "Space-time diagram: {} lanes, {} message arrows from {:.3} s to {:.3} s{}{}{}. Drag or use the arrow keys to pan, the wheel or up and down to zoom, F to follow the run.",
            host.nodes(),
            arrows,
            t0 as f64 / 1e6,
            t1 as f64 / 1e6,
            if self.end.is_none() { ", following the run" } else { "" },
            if back > 0 {
                format!("; {back} received before they were sent, by their nodes' own clocks (marked «)")
            } else {
                String::new()
            },
            causal.map_or(String::new(), |(p, f, c)| format!(
                "; picked event: {p} events in its causal past, {f} in its future, {c} concurrent"
            ))
        );
        let event_probe = self.event_probe(host, &shown, t0);
        let history = if !self.needs_history(host, t0) {
            "live"
        } else if self.rebuilding(host, t0, t1) {
            "rebuilding"
        } else {
            "rebuilt"
        };
        // Where a timer firing in the middle of the view is, for tests.
        let n = host.nodes();
        let tick_probe = shown
            .ticks
            .get(shown.ticks.len() / 2)
            .map(|t| format!("{:.1},{:.1}", self.x(t.ev.time, t0), self.y(t.node, n)))
            .unwrap_or_default();
        html! {
            <section class="spacetime" aria-label="Space-time diagram">
                <canvas ref={self.canvas.clone()} class="spacetime-canvas" data-testid="spacetime" tabindex="0"
                    role="img" aria-label={label} data-arrows={arrows.to_string()} data-backwards={back.to_string()} data-probe={probe} data-event-probe={event_probe} data-tick-probe={tick_probe} data-history={history} data-lanes={host.nodes().to_string()}
                    onmousedown={on.down.clone()} onmousemove={on.moved.clone()} onmouseup={on.up.clone()}
                    onmouseleave={on.leave.clone()} onkeydown={on.key.clone()}></canvas>
                <p class="st-hint" aria-hidden="true">
                    { if self.end.is_none() { "following the run · " } else { "panned · F to follow · " } }
                    { "drag to pan · wheel to zoom · click an arrow or a lane to select it, the time axis to go there · ◷ a timer fired · « received before it was sent, by the nodes' own clocks" }
                </p>
            </section>
        }
    }
}
