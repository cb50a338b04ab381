//! Painting the diagram: axis, lanes, down spans, arrows and their ends,
//! marks, logical clocks and the cursor, on its canvas.

use super::super::draw::{shape_of, Palette, Shape};
use super::super::host::{Host, Selection};
use super::data::{backwards, relation, Arrow, Rel, Shown};
use super::{SpaceTime, ARROW_BUDGET, BOTTOM, LEFT, RIGHT, TOP};
use crate::sim::{Command, DropReason, Micros, Note, TraceKind};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d as Ctx2d, HtmlCanvasElement};

impl SpaceTime {
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
        let n = host.nodes();
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
        let mut shown = self.shown(host, t0, t1);
        let down = Self::down_spans(shown.src, t0, t1);
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
            // Its own clock's reading at the cursor, under its name (no global clock).
            if lane >= 30.0 {
                let local = host.sim.nodes()[i as usize].clock.local_at(now);
                c.set_font("9px ui-monospace, monospace");
                c.set_fill_style_str(pal.label);
                let _ = c.fill_text(&format!("{:.3}", local as f64 / 1e6), LEFT - 4.0, y + 14.0);
                c.set_font(if lane >= 12.0 {
                    "11px system-ui, sans-serif"
                } else {
                    "9px system-ui, sans-serif"
                });
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
        if shown.arrows.len() > ARROW_BUDGET {
            let cut = shown.arrows.len() - ARROW_BUDGET;
            let from = shown.arrows[cut].ev.time;
            shown.arrows.drain(..cut);
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
        // The part of the window whose events are not at hand (greyed): being
        // rebuilt from a snapshot, or too many to keep at this zoom.
        let kept = shown.src.trace().kept_from();
        if kept > t0 {
            let x = self.x(kept.min(t1), t0);
            c.set_fill_style_str(pal.ring);
            c.fill_rect(LEFT, TOP, (x - LEFT).max(0.0), h - TOP - BOTTOM);
            c.set_fill_style_str(pal.label);
            c.set_text_align("left");
            let _ = c.fill_text(
                if self.rebuilding(host, t0, t1) {
                    "rebuilding this part of the run from a snapshot…"
                } else {
                    "older events not kept at this zoom: zoom in"
                },
                LEFT + 6.0,
                TOP + 26.0,
            );
        }
        let arrows = &shown.arrows;
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
            let (x0, y0, x1, y1) = self.segment(a, t0, n, now);
            c.move_to(x0, y0);
            c.line_to(x1, y1);
            c.stroke();
        }
        self.paint_marks(&c, host, &shown, t0, t1, pal);
        self.paint_ticks(&c, host, &shown, t0, pal);
        self.paint_events(&c, host, &shown, t0, pal);
        // Received "before" it was sent, by the two nodes' own clocks: «.
        if arrows.len() <= 1500 {
            c.set_fill_style_str(pal.omit);
            c.set_font("bold 13px system-ui, sans-serif");
            c.set_text_align("center");
            for a in arrows.iter().filter(|a| backwards(host, &shown, a)) {
                let _ = c.fill_text(
                    "«",
                    self.x(a.arrive, t0) - 8.0,
                    self.y(a.to, host.nodes()) + 4.0,
                );
            }
        }
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

    /// With logical clocks: Lamport numbers beside events (when there is
    /// room) and, with an event picked, its causal past (filled, purple), its
    /// future (filled, orange) and the events concurrent with it (hollow).
    pub(super) fn paint_events(
        &self,
        c: &Ctx2d,
        host: &Host,
        shown: &Shown,
        t0: Micros,
        pal: &Palette,
    ) {
        let evs = self.events(host, shown, t0);
        if evs.is_empty() {
            return;
        }
        let lane = self.lane_h(host.nodes());
        if lane >= 14.0 && evs.len() <= 300 {
            c.set_font("9px ui-monospace, monospace");
            c.set_text_align("left");
            c.set_fill_style_str(pal.label);
            for (x, y, st, _, _, what) in &evs {
                // A timer firing is often at the instant of the sends it
                // makes: its number goes above the lane, theirs below.
                let dy = if what.ends_with("timer fires") {
                    -5.0
                } else {
                    10.0
                };
                let _ = c.fill_text(&st.lamport.to_string(), x + 3.0, y + dy);
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
        let n = host.nodes();
        if pick.time >= t0 {
            c.set_stroke_style_str(pal.select);
            c.set_line_width(2.5);
            c.begin_path();
            let (x, y) = (self.x(pick.time, t0), self.y(pick.node, n));
            let _ = c.arc(x, y, 7.0, 0.0, std::f64::consts::TAU);
            c.stroke();
        }
    }

    /// Timer firings: a small clock face on the lane (a local event: with
    /// logical clocks it ticks them, and it can be picked like a send).
    pub(super) fn paint_ticks(
        &self,
        c: &Ctx2d,
        host: &Host,
        shown: &Shown,
        t0: Micros,
        pal: &Palette,
    ) {
        let n = host.nodes();
        let r = (self.lane_h(n) * 0.3).clamp(1.5, 3.5);
        c.set_stroke_style_str(pal.label);
        c.set_line_width(1.0);
        c.begin_path();
        for t in &shown.ticks {
            let (x, y) = (self.x(t.ev.time, t0), self.y(t.node, n));
            c.move_to(x + r, y);
            let _ = c.arc(x, y, r, 0.0, std::f64::consts::TAU);
            if r >= 3.0 {
                // Clock hands.
                c.move_to(x, y - r + 1.0);
                c.line_to(x, y);
                c.line_to(x + r - 1.0, y);
            }
        }
        c.stroke();
    }

    /// Crashes (✕), restarts (↻), fail-stop notices, suspicions (?) and trust (✓).
    pub(super) fn paint_marks(
        &self,
        c: &Ctx2d,
        host: &Host,
        shown: &Shown,
        t0: Micros,
        t1: Micros,
        pal: &Palette,
    ) {
        let n = host.nodes();
        c.set_text_align("center");
        c.set_font("bold 11px system-ui, sans-serif");
        for e in shown.src.trace().recent_from(t0) {
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
}

fn dash(v: &[f64]) -> wasm_bindgen::JsValue {
    let a = js_sys::Array::new();
    for x in v {
        a.push(&wasm_bindgen::JsValue::from_f64(*x));
    }
    a.into()
}
