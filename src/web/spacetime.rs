//! The space-time diagram: one lane per node, time flowing left to right, an
//! arrow per message from its send to its receipt (lost ones end in ✕,
//! omitted ones in ⊘, duplicates dashed, those still in flight open-ended at
//! the cursor), marks for crashes, restarts, suspicions and trust, and the
//! current instant as a cursor. Painted imperatively from the trace's recent
//! events, only the visible window; it follows the run unless panned.

use super::draw::{shape_of, Palette, Shape};
use super::host::{Host, Selection};
use crate::sim::{
    AnyMsg, Command, DropReason, Flight, Micros, NodeId, Note, Stamp, TraceEvent, TraceKind,
};
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d as Ctx2d, HtmlCanvasElement};
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
        }
    }
}

/// A message as the diagram draws it, from its send record.
struct Arrow<'a> {
    ev: &'a TraceEvent<AnyMsg>,
    id: u64,
    from: u32,
    to: u32,
    msg: &'a AnyMsg,
    depart: Micros,
    arrive: Micros,
    dup: bool,
    deviant: bool,
    /// Where it died, if it did: time and why.
    died: Option<(Micros, DropReason)>,
    /// The logical clocks of its receipt, if it was received (and they are kept).
    recv: Option<Stamp>,
}

/// How an event relates to the picked one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rel {
    Past,
    Future,
    Concurrent,
    Same,
}

fn relation(pick: &Stamp, other: &Stamp) -> Option<Rel> {
    if pick == other {
        return Some(Rel::Same);
    }
    Some(if other.before(pick)? {
        Rel::Past
    } else if pick.before(other)? {
        Rel::Future
    } else {
        Rel::Concurrent
    })
}

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
        let dpr = web_sys::window()
            .map(|w| w.device_pixel_ratio())
            .unwrap_or(1.0)
            .clamp(1.0, 3.0);
        if (w, h, dpr) != self.size && w > 0.0 && h > 0.0 {
            self.size = (w, h, dpr);
            c.set_width((w * dpr) as u32);
            c.set_height((h * dpr) as u32);
            return true;
        }
        false
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

    /// Ends a drag; returns whether the pointer moved (else it was a click).
    pub fn drag_end(&mut self, x: f64) -> bool {
        self.drag.take().is_some_and(|(x0, _)| (x - x0).abs() > 3.0)
    }

    /// The sends whose arrows cross the window, with how each ended.
    fn arrows<'a>(host: &'a Host, t0: Micros, t1: Micros) -> Vec<Arrow<'a>> {
        let mut died: BTreeMap<u64, (Micros, DropReason)> = BTreeMap::new();
        let mut recv: BTreeMap<(u64, Micros), Stamp> = BTreeMap::new();
        let mut out = Vec::new();
        // A message crossing the window was sent at most one flight before it.
        let net = &host.sim.network().config;
        let longest = net.latency.bounds().1
            + if net.spikes == crate::sim::Spikes::NONE {
                0
            } else {
                8_000_000
            };
        for e in host.sim.trace().recent_from(t0.saturating_sub(longest + 1)) {
            if e.time > t1 {
                break;
            }
            match &e.kind {
                TraceKind::Send {
                    id,
                    from,
                    to,
                    msg,
                    depart,
                    arrive,
                    dup,
                    deviant,
                    lost,
                } => {
                    let end = lost.map_or(*arrive, |(t, _)| t);
                    if end < t0 {
                        continue;
                    }
                    out.push(Arrow {
                        ev: e,
                        id: *id,
                        from: from.0,
                        to: to.0,
                        msg,
                        depart: *depart,
                        arrive: *arrive,
                        dup: *dup,
                        deviant: *deviant,
                        died: *lost,
                        recv: None,
                    });
                }
                TraceKind::Deliver { id, .. } => {
                    if let Some(st) = &e.stamp {
                        recv.insert((*id, e.time), st.clone());
                    }
                }
                TraceKind::Drop { id, reason, .. }
                    if !matches!(
                        reason,
                        DropReason::Loss | DropReason::Partition | DropReason::SendOmission
                    ) =>
                {
                    died.insert(*id, (e.time, *reason));
                }
                _ => {}
            }
        }
        for a in &mut out {
            if a.died.is_none() {
                if let Some(d) = died.get(&a.id) {
                    a.died = Some(*d);
                }
            }
            if a.died.is_none() {
                a.recv = recv.remove(&(a.id, a.arrive));
            }
        }
        out
    }

    /// Paints the diagram of `host`'s run.
    pub fn paint(&self, host: &Host, pal: &Palette) {
        let Some(canvas) = self.canvas.cast::<HtmlCanvasElement>() else {
            return;
        };
        let Ok(Some(c)) = canvas.get_context("2d") else {
            return;
        };
        let Ok(c) = c.dyn_into::<Ctx2d>() else { return };
        let (w, h, dpr) = self.size;
        if w <= 0.0 {
            return;
        }
        let _ = c.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        c.set_fill_style_str(pal.bg);
        c.fill_rect(0.0, 0.0, w, h);
        let n = host.settings.nodes;
        let now = host.sim.now();
        let (t0, t1) = self.window(now);
        let lane = self.lane_h(n);
        // Time axis: ticks at 1, 2 or 5 × 10^k µs, about 100 px apart.
        let per_px = self.span as f64 / (w - LEFT - RIGHT).max(1.0);
        let raw = per_px * 100.0;
        let mag = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|m| m * mag)
            .find(|s| *s >= raw)
            .unwrap_or(raw)
            .max(1.0) as u64;
        c.set_font("10px ui-monospace, monospace");
        c.set_text_align("center");
        c.set_fill_style_str(pal.label);
        c.set_stroke_style_str(pal.ring);
        c.set_line_width(1.0);
        c.begin_path();
        let mut t = t0.div_ceil(step) * step;
        while t <= t1 {
            let x = self.x(t, t0).round() + 0.5;
            c.move_to(x, TOP - 4.0);
            c.line_to(x, h - BOTTOM);
            let label = if step >= 1_000_000 {
                format!("{}s", t / 1_000_000)
            } else if step >= 1_000 {
                format!("{:.3}s", t as f64 / 1e6)
                    .trim_end_matches('0')
                    .to_string()
            } else {
                format!("{:.6}s", t as f64 / 1e6)
            };
            let _ = c.fill_text(&label, x, 12.0);
            t += step;
        }
        c.stroke();
        // Lanes, with names; a down node's lane is dashed from its crash.
        c.set_text_align("right");
        c.set_font(if lane >= 12.0 {
            "11px system-ui, sans-serif"
        } else {
            "9px system-ui, sans-serif"
        });
        let sel = host.selected_node();
        let down = Self::down_spans(host, t0, t1);
        for i in 0..n {
            let y = self.y(i, n).round() + 0.5;
            c.set_stroke_style_str(if sel == Some(i) { pal.select } else { pal.edge });
            c.set_line_width(if sel == Some(i) { 2.0 } else { 1.0 });
            c.begin_path();
            c.move_to(LEFT, y);
            c.line_to(w - RIGHT, y);
            c.stroke();
            if lane >= 7.0 || i % ((8.0 / lane).ceil() as u32).max(1) == 0 {
                c.set_fill_style_str(if sel == Some(i) {
                    pal.select
                } else {
                    pal.label
                });
                let _ = c.fill_text(&format!("n{i}"), LEFT - 6.0, y + 3.5);
            }
        }
        // While a node is down its lane is a thick dashed grey line.
        let _ = c.set_line_dash(&dash(&[3.0, 4.0]));
        c.set_stroke_style_str(pal.down);
        c.set_line_width(3.0);
        c.begin_path();
        for (i, a, b) in &down {
            let y = self.y(*i, n).round() + 0.5;
            c.move_to(self.x(*a, t0), y);
            c.line_to(self.x(*b, t0), y);
        }
        c.stroke();
        let _ = c.set_line_dash(&dash(&[]));
        // Everything in time is drawn inside the plot area.
        c.save();
        c.begin_path();
        c.rect(
            LEFT,
            TOP - 8.0,
            w - LEFT - RIGHT + 4.0,
            h - TOP - BOTTOM + 8.0,
        );
        c.clip();
        // Messages: one stroke per colour; heads when lanes are roomy. Past
        // the budget, the oldest in the window are left out (greyed).
        let mut arrows = Self::arrows(host, t0, t1);
        if arrows.len() > ARROW_BUDGET {
            let cut = arrows.len() - ARROW_BUDGET;
            let from = arrows[cut].ev.time;
            arrows.drain(..cut);
            let x = self.x(from, t0);
            c.set_fill_style_str(pal.ring);
            c.fill_rect(LEFT, TOP, (x - LEFT).max(0.0), h - TOP - BOTTOM);
            c.set_fill_style_str(pal.label);
            c.set_text_align("left");
            let _ = c.fill_text(
                &format!("{cut} older messages not drawn: zoom in"),
                LEFT + 6.0,
                TOP + 12.0,
            );
        }
        let heads = lane >= 14.0 && arrows.len() <= 3000;
        let selected = match &host.selection {
            Selection::Message(f) => Some(f.id),
            _ => None,
        };
        type Pick = fn(&Arrow) -> bool;
        let groups: [(&str, Pick); 4] = [
            (pal.ping, |a| shape_of(a.msg) == Shape::Circle && !a.dup),
            (pal.pong, |a| shape_of(a.msg) == Shape::Diamond && !a.dup),
            (pal.retry, |a| shape_of(a.msg) == Shape::Triangle && !a.dup),
            (pal.dup, |a| a.dup),
        ];
        c.set_line_width(if arrows.len() > 2000 { 0.6 } else { 1.2 });
        let mut ends: Vec<(f64, f64, Option<DropReason>, bool)> = Vec::new();
        for (colour, pick) in groups {
            c.set_stroke_style_str(colour);
            c.set_fill_style_str(colour);
            let dashed = colour == pal.dup;
            if dashed {
                let _ = c.set_line_dash(&dash(&[4.0, 3.0]));
            }
            c.begin_path();
            for a in arrows.iter().filter(|a| pick(a)) {
                let (x0, y0) = (self.x(a.ev.time, t0), self.y(a.from, n));
                let (tend, how) = match a.died {
                    Some((t, r)) => (t, Some(r)),
                    None => (a.arrive, None),
                };
                let open = tend > now;
                let tend = tend.min(now);
                let span = (a.arrive.max(a.depart + 1) - a.depart) as f64;
                let f = ((tend.saturating_sub(a.depart)) as f64 / span).clamp(0.0, 1.0);
                let (yt, yf) = (self.y(a.to, n), y0);
                let (x1, y1) = (self.x(tend, t0), yf + (yt - yf) * f);
                c.move_to(x0, y0);
                c.line_to(x1, y1);
                if how.is_some() || open || heads {
                    ends.push((x1, y1, if open { None } else { how }, open));
                }
                if heads && how.is_none() && !open {
                    let ang = (y1 - y0).atan2(x1 - x0);
                    for da in [2.6f64, -2.6] {
                        c.move_to(x1, y1);
                        c.line_to(x1 + 6.0 * (ang + da).cos(), y1 + 6.0 * (ang + da).sin());
                    }
                }
            }
            c.stroke();
            if dashed {
                let _ = c.set_line_dash(&dash(&[]));
            }
        }
        // Deviating (Byzantine) messages get a dark outline on top.
        c.set_stroke_style_str(pal.byz);
        c.set_line_width(2.4);
        c.begin_path();
        for a in arrows.iter().filter(|a| a.deviant) {
            let y0 = self.y(a.from, n);
            c.move_to(self.x(a.ev.time, t0), y0);
            let t = a.arrive.min(now);
            c.line_to(self.x(t, t0), self.y(a.to, n));
        }
        c.stroke();
        // Ends: ✕ lost, ⊘ omitted, grey ✕ at a crashed receiver, ○ in flight
        // (one path per kind; the open ends only while they can be told apart).
        c.set_line_width(1.6);
        let crowded = arrows.len() > 1500;
        type End = (f64, f64, Option<DropReason>, bool);
        type EndPick = fn(&End) -> bool;
        let kinds: [(&str, EndPick, u8); 4] = [
            (pal.label, |e| e.3, 0),
            (
                pal.omit,
                |e| {
                    !e.3 && matches!(
                        e.2,
                        Some(DropReason::SendOmission | DropReason::ReceiveOmission)
                    )
                },
                1,
            ),
            (
                pal.down,
                |e| !e.3 && e.2 == Some(DropReason::ReceiverDown),
                2,
            ),
            (
                pal.lost,
                |e| !e.3 && matches!(e.2, Some(DropReason::Loss | DropReason::Partition)),
                2,
            ),
        ];
        for (colour, pick, shape) in kinds {
            if shape == 0 && crowded {
                continue;
            }
            c.set_stroke_style_str(colour);
            c.begin_path();
            for (x, y, _, _) in ends.iter().filter(|e| pick(e)) {
                match shape {
                    0 => {
                        c.move_to(x + 3.0, *y);
                        let _ = c.arc(*x, *y, 3.0, 0.0, std::f64::consts::TAU);
                    }
                    1 => {
                        c.move_to(x + 4.0, *y);
                        let _ = c.arc(*x, *y, 4.0, 0.0, std::f64::consts::TAU);
                        c.move_to(x - 3.0, y + 3.0);
                        c.line_to(x + 3.0, y - 3.0);
                    }
                    _ => {
                        c.move_to(x - 3.5, y - 3.5);
                        c.line_to(x + 3.5, y + 3.5);
                        c.move_to(x + 3.5, y - 3.5);
                        c.line_to(x - 3.5, y + 3.5);
                    }
                }
            }
            c.stroke();
        }
        // The selected message, thick.
        if let Some(a) = selected.and_then(|id| arrows.iter().find(|a| a.id == id)) {
            c.set_stroke_style_str(pal.select);
            c.set_line_width(3.0);
            c.begin_path();
            c.move_to(self.x(a.ev.time, t0), self.y(a.from, n));
            let t = a.died.map_or(a.arrive, |(t, _)| t).min(now);
            let f = (t.saturating_sub(a.depart) as f64
                / (a.arrive.max(a.depart + 1) - a.depart) as f64)
                .clamp(0.0, 1.0);
            let (yf, yt) = (self.y(a.from, n), self.y(a.to, n));
            c.line_to(self.x(t, t0), yf + (yt - yf) * f);
            c.stroke();
        }
        self.paint_marks(&c, host, t0, t1, pal);
        self.paint_events(&c, host, &arrows, t0, pal);
        c.restore();
        // The current instant: the same cursor as the timeline's.
        if now >= t0 && now <= t1 {
            let x = self.x(now, t0).round() + 0.5;
            c.set_stroke_style_str(pal.select);
            c.set_line_width(1.5);
            c.begin_path();
            c.move_to(x, TOP - 6.0);
            c.line_to(x, h - BOTTOM);
            c.stroke();
        }
    }

    /// The send and receive events of the arrows shown: (x, y, stamp, words).
    fn events<'a>(
        &self,
        host: &Host,
        arrows: &'a [Arrow<'a>],
        t0: Micros,
    ) -> Vec<(f64, f64, &'a Stamp, u32, Micros, String)> {
        let n = host.settings.nodes;
        let now = host.sim.now();
        let mut out = Vec::new();
        for a in arrows {
            if let Some(st) = &a.ev.stamp {
                if !a.dup {
                    out.push((
                        self.x(a.ev.time, t0),
                        self.y(a.from, n),
                        st,
                        a.from,
                        a.ev.time,
                        format!("n{} sends m{}", a.from, a.id),
                    ));
                }
            }
            if let (Some(st), true) = (&a.recv, a.arrive <= now) {
                out.push((
                    self.x(a.arrive, t0),
                    self.y(a.to, n),
                    st,
                    a.to,
                    a.arrive,
                    format!("n{} receives m{}", a.to, a.id),
                ));
            }
        }
        out
    }

    /// With logical clocks: Lamport numbers beside events (when there is
    /// room) and, with an event picked, its causal past (filled, purple), its
    /// future (filled, orange) and the events concurrent with it (hollow).
    fn paint_events(&self, c: &Ctx2d, host: &Host, arrows: &[Arrow], t0: Micros, pal: &Palette) {
        let evs = self.events(host, arrows, t0);
        if evs.is_empty() {
            return;
        }
        let lane = self.lane_h(host.settings.nodes);
        if lane >= 14.0 && evs.len() <= 300 {
            c.set_font("9px ui-monospace, monospace");
            c.set_text_align("left");
            c.set_fill_style_str(pal.label);
            for (x, y, st, ..) in &evs {
                let _ = c.fill_text(&st.lamport.to_string(), x + 3.0, y + 10.0);
            }
        }
        let Some(pick) = &host.event else { return };
        for (want, colour, filled) in [
            (Rel::Past, pal.select, true),
            (Rel::Future, pal.dup, true),
            (Rel::Concurrent, pal.label, false),
        ] {
            c.begin_path();
            for (x, y, st, ..) in &evs {
                if relation(&pick.stamp, st) == Some(want) {
                    c.move_to(x + 4.0, *y);
                    let _ = c.arc(*x, *y, 4.0, 0.0, std::f64::consts::TAU);
                }
            }
            if filled {
                c.set_fill_style_str(colour);
                c.fill();
            } else {
                c.set_stroke_style_str(colour);
                c.set_line_width(1.5);
                c.stroke();
            }
        }
        // The picked event itself: a ring.
        let n = host.settings.nodes;
        if pick.time >= t0 {
            c.set_stroke_style_str(pal.select);
            c.set_line_width(2.5);
            c.begin_path();
            let (x, y) = (self.x(pick.time, t0), self.y(pick.node, n));
            let _ = c.arc(x, y, 7.0, 0.0, std::f64::consts::TAU);
            c.stroke();
        }
    }

    /// Where a receive event in the middle of the view is ("x,y"), for tests.
    fn event_probe(&self, host: &Host) -> String {
        let (t0, t1) = self.window(host.sim.now());
        let arrows = Self::arrows(host, t0, t1);
        let evs = self.events(host, &arrows, t0);
        evs.get(evs.len() / 2)
            .map(|(x, y, ..)| format!("{x:.1},{y:.1}"))
            .unwrap_or_default()
    }

    /// How many events in view are in the picked event's past, future, or
    /// concurrent with it (None without vector clocks).
    pub fn causal_counts(&self, host: &Host) -> Option<(usize, usize, usize)> {
        let pick = host.event.as_ref()?;
        pick.stamp.vector.as_ref()?;
        let (t0, t1) = self.window(host.sim.now());
        let arrows = Self::arrows(host, t0, t1);
        let (mut p, mut f, mut c) = (0, 0, 0);
        for (.., st, _, _, _) in self.events(host, &arrows, t0) {
            match relation(&pick.stamp, st)? {
                Rel::Past => p += 1,
                Rel::Future => f += 1,
                Rel::Concurrent => c += 1,
                Rel::Same => {}
            }
        }
        Some((p, f, c))
    }

    /// When each node was down within the window: (node, from, to), from the
    /// crashes and restarts in the trace and the nodes' state now.
    fn down_spans(host: &Host, t0: Micros, t1: Micros) -> Vec<(u32, Micros, Micros)> {
        let now = host.sim.now().min(t1);
        let n = host.settings.nodes as usize;
        // Per node: when it went down (if it is down at the point scanned).
        let mut since: Vec<Option<Micros>> = vec![None; n];
        let mut first_event: Vec<bool> = vec![true; n];
        let mut spans = Vec::new();
        for e in host.sim.trace().recent_from(t0) {
            if e.time > t1 {
                break;
            }
            let (node, up) = match &e.kind {
                TraceKind::Command(Command::Crash(v) | Command::FailStop(v)) => (v.0, false),
                TraceKind::Command(Command::CrashRecover { node, .. }) => (node.0, false),
                TraceKind::Command(Command::Recover(v)) => (v.0, true),
                TraceKind::Restart { node, .. } => (node.0, true),
                _ => continue,
            };
            let i = node as usize;
            if i >= n {
                continue;
            }
            if up {
                // Coming up with no crash seen in the window: down since before it.
                let from = since[i].take().or(first_event[i].then_some(t0));
                if let Some(a) = from {
                    spans.push((node, a, e.time));
                }
            } else if since[i].is_none() {
                since[i] = Some(e.time);
            }
            first_event[i] = false;
        }
        for (i, node) in host.sim.nodes().iter().enumerate() {
            if node.is_up() {
                continue;
            }
            let from = since[i].or(first_event[i].then(|| node.crashed_at.unwrap_or(0).max(t0)));
            if let Some(a) = from {
                spans.push((i as u32, a.max(t0), now));
            }
        }
        spans
    }

    /// Crashes (✕), restarts (↻), fail-stop notices, suspicions (?) and trust (✓).
    fn paint_marks(&self, c: &Ctx2d, host: &Host, t0: Micros, t1: Micros, pal: &Palette) {
        let n = host.settings.nodes;
        c.set_text_align("center");
        c.set_font("bold 11px system-ui, sans-serif");
        for e in host.sim.trace().recent_from(t0) {
            if e.time > t1 {
                break;
            }
            let (node, text, colour) = match &e.kind {
                TraceKind::Command(Command::Crash(v) | Command::FailStop(v)) => {
                    (v.0, "✕", pal.down_ink)
                }
                TraceKind::Command(Command::CrashRecover { node, .. }) => {
                    (node.0, "✕", pal.down_ink)
                }
                TraceKind::Command(Command::Recover(v)) => (v.0, "↻", pal.restart),
                TraceKind::Restart { node, .. } => (node.0, "↻", pal.restart),
                TraceKind::Notice { to, .. } => (to.0, "!", pal.notice),
                TraceKind::Note {
                    note: Note::Suspect { observer, .. },
                    ..
                } => (*observer, "?", pal.lost),
                TraceKind::Note {
                    note: Note::Trust { observer, .. },
                    ..
                } => (*observer, "✓", pal.pong),
                _ => continue,
            };
            if node >= n {
                continue;
            }
            c.set_fill_style_str(colour);
            let _ = c.fill_text(text, self.x(e.time, t0), self.y(node, n) - 3.0);
        }
    }

    /// What is under the pointer: a message arrow, a lane, or the time axis.
    pub fn hit(&self, host: &Host, x: f64, y: f64) -> Option<Hit> {
        let now = host.sim.now();
        let (t0, t1) = self.window(now);
        if y < TOP {
            return Some(Hit::Time(self.time_at(x, t0).min(now)));
        }
        let n = host.settings.nodes;
        let mut best: Option<(f64, &Arrow)> = None;
        let arrows = Self::arrows(host, t0, t1);
        let picked = self
            .events(host, &arrows, t0)
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
        for a in &arrows {
            let (x0, y0) = (self.x(a.ev.time, t0), self.y(a.from, n));
            let t = a.died.map_or(a.arrive, |(t, _)| t).min(now);
            let f = (t.saturating_sub(a.depart) as f64
                / (a.arrive.max(a.depart + 1) - a.depart) as f64)
                .clamp(0.0, 1.0);
            let (yt, yf) = (self.y(a.to, n), y0);
            let (x1, y1) = (self.x(t, t0), yf + (yt - yf) * f);
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

    /// How many arrows the window shows, and where the latest delivered one
    /// is ("x,y,id" at its middle), for the canvas's label and tests.
    pub fn arrow_count(&self, host: &Host) -> (usize, String) {
        let now = host.sim.now();
        let (t0, t1) = self.window(now);
        let n = host.settings.nodes;
        let arrows = Self::arrows(host, t0, t1);
        // The middle of a recent delivered arrow that a click there selects
        // (not crossed there by another one).
        let probe = arrows
            .iter()
            .rev()
            .filter(|a| a.died.is_none() && a.arrive <= now)
            .take(20)
            .find_map(|a| {
                let (x0, y0) = (self.x(a.ev.time, t0), self.y(a.from, n));
                let (x1, y1) = (self.x(a.arrive, t0), self.y(a.to, n));
                let (x, y) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
                match self.hit(host, x, y) {
                    Some(Hit::Message(f)) if f.id == a.id && f.dup == a.dup => {
                        Some(format!("{x:.1},{y:.1},{}", a.id))
                    }
                    _ => None,
                }
            })
            .unwrap_or_default();
        (arrows.len(), probe)
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

fn dash(v: &[f64]) -> wasm_bindgen::JsValue {
    let a = js_sys::Array::new();
    for x in v {
        a.push(&wasm_bindgen::JsValue::from_f64(*x));
    }
    a.into()
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
        let (arrows, probe) = self.arrow_count(host);
        let causal = self.causal_counts(host);
        let label = format!(
            "Space-time diagram: {} lanes, {} message arrows from {:.3} s to {:.3} s{}{}. Drag or use the arrow keys to pan, the wheel or up and down to zoom, F to follow the run.",
            host.settings.nodes,
            arrows,
            t0 as f64 / 1e6,
            t1 as f64 / 1e6,
            if self.end.is_none() { ", following the run" } else { "" },
            causal.map_or(String::new(), |(p, f, c)| format!(
                "; picked event: {p} events in its causal past, {f} in its future, {c} concurrent"
            ))
        );
        let event_probe = self.event_probe(host);
        html! {
            <section class="spacetime" aria-label="Space-time diagram">
                <canvas ref={self.canvas.clone()} class="spacetime-canvas" data-testid="spacetime" tabindex="0"
                    role="img" aria-label={label} data-arrows={arrows.to_string()} data-probe={probe} data-event-probe={event_probe} data-lanes={host.settings.nodes.to_string()}
                    onmousedown={on.down.clone()} onmousemove={on.moved.clone()} onmouseup={on.up.clone()}
                    onmouseleave={on.leave.clone()} onkeydown={on.key.clone()}></canvas>
                <p class="st-hint" aria-hidden="true">
                    { if self.end.is_none() { "following the run · " } else { "panned · F to follow · " } }
                    { "drag to pan · wheel to zoom · click an arrow or a lane to select it, the time axis to go there" }
                </p>
            </section>
        }
    }
}
