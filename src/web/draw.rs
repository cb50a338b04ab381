//! The animated layer, painted imperatively on a canvas once per animation frame.
//!
//! Nothing here holds simulation state: it reads a snapshot (`&Sim`) and the
//! geometry, and paints. Message dots are batched into one path per kind, so
//! thousands of messages cost a handful of canvas calls plus one `arc`/`rect`
//! each.

use crate::layout::{along, flight_pos, Pt, RingLayout};
use crate::sim::{DropReason, HbMsg, Heartbeat, Micros, NodeId, Sim};
use std::f64::consts::PI;
use wasm_bindgen::JsValue;
use web_sys::CanvasRenderingContext2d as Ctx2d;

/// Colours of the picture. Each meaning also has a shape, so colour is never the only signal.
pub struct Palette {
    pub bg: &'static str,
    pub edge: &'static str,
    pub ring: &'static str,
    pub node: &'static str,
    pub node_text: &'static str,
    pub down: &'static str,
    pub ping: &'static str,
    pub pong: &'static str,
    pub dup: &'static str,
    pub lost: &'static str,
    pub timer: &'static str,
    pub cut: &'static str,
    pub select: &'static str,
}

/// The light palette (WCAG AA contrast for text on `bg`).
pub const LIGHT: Palette = Palette {
    bg: "#fbfcfe",
    edge: "rgba(71, 85, 105, 0.16)",
    ring: "rgba(71, 85, 105, 0.10)",
    node: "#1e3a8a",
    node_text: "#ffffff",
    down: "#9ca3af",
    ping: "#2563eb",
    pong: "#047857",
    dup: "#c2410c",
    lost: "#dc2626",
    timer: "#d97706",
    cut: "#dc2626",
    select: "#7c3aed",
};

/// A dropped message fading out where it died (UI-side, in wall-clock time).
#[derive(Clone, Copy, Debug)]
pub struct Fade {
    /// Where it died.
    pub at: Pt,
    /// Wall-clock time (ms) it died on screen.
    pub start_ms: f64,
    /// Why.
    pub reason: DropReason,
}

/// How long a drop stays visible, wall-clock milliseconds.
pub const FADE_MS: f64 = 900.0;

/// What is selected, for highlighting.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Highlight {
    pub node: Option<u32>,
    pub message: Option<u64>,
    pub hover_link: Option<(u32, u32)>,
}

/// Paints one frame. `cut_pairs` is the UI's cached list of cut undirected links.
#[allow(clippy::too_many_arguments)]
pub fn paint(
    c: &Ctx2d,
    w: f64,
    h: f64,
    sim: &Sim<Heartbeat>,
    layout: &RingLayout,
    cut_pairs: &[(u32, u32)],
    fades: &[Fade],
    now_ms: f64,
    hl: Highlight,
    pal: &Palette,
) {
    let now: Micros = sim.now();
    let n = layout.pos.len();
    c.set_fill_style_str(pal.bg);
    c.fill_rect(0.0, 0.0, w, h);

    // The ring itself, and for small clusters every link.
    c.set_line_width(1.0);
    if n <= 16 {
        c.set_stroke_style_str(pal.edge);
        c.begin_path();
        for a in 0..n {
            for b in (a + 1)..n {
                c.move_to(layout.pos[a].x, layout.pos[a].y);
                c.line_to(layout.pos[b].x, layout.pos[b].y);
            }
        }
        c.stroke();
    } else {
        c.set_stroke_style_str(pal.ring);
        c.begin_path();
        let _ = c.arc(
            layout.center.x,
            layout.center.y,
            layout.ring_r,
            0.0,
            2.0 * PI,
        );
        c.stroke();
    }

    // Cut links: dashed red with a gap marker in the middle.
    if !cut_pairs.is_empty() {
        c.set_stroke_style_str(pal.cut);
        c.set_line_width(if n <= 16 { 2.0 } else { 1.0 });
        c.set_global_alpha(if cut_pairs.len() > 200 { 0.25 } else { 0.8 });
        let _ = c.set_line_dash(&dash(&[6.0, 5.0]));
        c.begin_path();
        for &(a, b) in cut_pairs {
            let (pa, pb) = (layout.pos[a as usize], layout.pos[b as usize]);
            c.move_to(pa.x, pa.y);
            c.line_to(pb.x, pb.y);
        }
        c.stroke();
        let _ = c.set_line_dash(&dash(&[]));
        c.set_global_alpha(1.0);
        if cut_pairs.len() <= 40 {
            // A bold "X" at each cut's midpoint: a shape, not only a colour.
            c.set_line_width(2.5);
            c.begin_path();
            for &(a, b) in cut_pairs {
                let m = along(layout.pos[a as usize], layout.pos[b as usize], 0.5, 0.0);
                cross_path(c, m, 5.0);
            }
            c.stroke();
        }
    }
    if let Some((a, b)) = hl.hover_link {
        c.set_stroke_style_str(pal.select);
        c.set_line_width(3.0);
        c.set_global_alpha(0.5);
        c.begin_path();
        c.move_to(layout.pos[a as usize].x, layout.pos[a as usize].y);
        c.line_to(layout.pos[b as usize].x, layout.pos[b as usize].y);
        c.stroke();
        c.set_global_alpha(1.0);
    }

    // Timers: an arc around the node that shrinks until the timer fires.
    let tr = layout.node_r + 3.5;
    c.set_stroke_style_str(pal.timer);
    c.set_line_width(if n > 60 { 2.0 } else { 3.0 });
    c.begin_path();
    for (i, node) in sim.nodes().iter().enumerate() {
        for t in &node.timers {
            let total = t.fire_at.saturating_sub(t.set_at).max(1) as f64;
            let left = t.fire_at.saturating_sub(now) as f64 / total;
            if left <= 0.0 {
                continue;
            }
            let p = layout.pos[i];
            let start = -PI / 2.0;
            c.move_to(p.x + tr * start.cos(), p.y + tr * start.sin());
            let _ = c.arc(p.x, p.y, tr, start, start + 2.0 * PI * left.min(1.0));
        }
    }
    c.stroke();

    // Messages, batched by shape. Small clusters get bigger dots.
    let r = if n <= 16 {
        5.5
    } else if n <= 60 {
        3.5
    } else {
        2.2
    };
    let lane = lane(n);
    let gap = queue_gap(sim);
    let mut selected: Option<Pt> = None;
    let mut dups: Vec<Pt> = Vec::new();
    for (kind_pong, colour) in [(false, pal.ping), (true, pal.pong)] {
        c.set_fill_style_str(colour);
        c.begin_path();
        for f in sim.flights() {
            if matches!(f.msg, HbMsg::Pong { .. }) != kind_pong {
                continue;
            }
            if f.lost.is_some_and(|(t, _)| t <= now) {
                continue;
            }
            let p = flight_pos(layout, f, now, lane, gap);
            if n > 60 {
                // Crowded: pixel-aligned rectangles rasterize fastest. Pings are
                // squares, pongs are plus signs: still two shapes, not two colours.
                let (x, y) = (p.x.round(), p.y.round());
                if kind_pong {
                    c.rect(x - 3.0, y - 1.0, 6.0, 2.0);
                    c.rect(x - 1.0, y - 3.0, 2.0, 6.0);
                } else {
                    c.rect(x - 2.0, y - 2.0, 4.0, 4.0);
                }
            } else if kind_pong {
                diamond_path(c, p, r * 1.15);
            } else {
                c.move_to(p.x + r, p.y);
                let _ = c.arc(p.x, p.y, r, 0.0, 2.0 * PI);
            }
            if f.dup {
                dups.push(p);
            }
            if hl.message == Some(f.id) {
                selected = Some(p);
            }
        }
        c.fill();
    }
    if !dups.is_empty() {
        // Duplicates wear an outer ring.
        c.set_stroke_style_str(pal.dup);
        c.set_line_width(1.8);
        c.begin_path();
        for p in &dups {
            c.move_to(p.x + r + 3.0, p.y);
            let _ = c.arc(p.x, p.y, r + 3.0, 0.0, 2.0 * PI);
        }
        c.stroke();
    }

    // Dropped messages: a cross that fades where the message died (red: the
    // network lost it or a cut blocked it; grey: its receiver was down). Fades
    // are batched in a few opacity bands, so hundreds of drops cost a few calls.
    if !fades.is_empty() {
        const BANDS: usize = 6;
        c.set_line_width(2.2);
        for band in 0..BANDS {
            let (lo, hi) = (band as f64 / BANDS as f64, (band + 1) as f64 / BANDS as f64);
            let alpha = 1.0 - (lo + hi) / 2.0;
            for down in [false, true] {
                let mut any = false;
                c.begin_path();
                for f in fades {
                    let age = (now_ms - f.start_ms) / FADE_MS;
                    if age < lo || age >= hi || (f.reason == DropReason::ReceiverDown) != down {
                        continue;
                    }
                    if n > 60 {
                        // Crowded: an "x" of five pixel-aligned squares (cheap to rasterize).
                        let (x, y) = (f.at.x.round(), f.at.y.round());
                        for (dx, dy) in [
                            (0.0, 0.0),
                            (-3.0, -3.0),
                            (3.0, -3.0),
                            (-3.0, 3.0),
                            (3.0, 3.0),
                        ] {
                            c.rect(x + dx - 1.0, y + dy - 1.0, 2.0, 2.0);
                        }
                    } else {
                        cross_path(c, f.at, r + 2.0 + 3.0 * age);
                    }
                    any = true;
                }
                if any {
                    c.set_global_alpha(alpha);
                    let colour = if down { pal.down } else { pal.lost };
                    if n > 60 {
                        c.set_fill_style_str(colour);
                        c.fill();
                    } else {
                        c.set_stroke_style_str(colour);
                        c.stroke();
                    }
                }
            }
        }
        c.set_global_alpha(1.0);
    }

    // Nodes on top, so messages emerge from under them.
    let nr = layout.node_r;
    c.set_line_width(1.5);
    c.set_fill_style_str(pal.node);
    c.begin_path();
    for (i, node) in sim.nodes().iter().enumerate() {
        if node.is_up() {
            let p = layout.pos[i];
            c.move_to(p.x + nr, p.y);
            let _ = c.arc(p.x, p.y, nr, 0.0, 2.0 * PI);
        }
    }
    c.fill();
    // Crashed nodes: grey, dashed outline and a cross.
    let down: Vec<usize> = sim
        .nodes()
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_up())
        .map(|(i, _)| i)
        .collect();
    if !down.is_empty() {
        c.set_fill_style_str("#e5e7eb");
        c.set_stroke_style_str(pal.down);
        let _ = c.set_line_dash(&dash(&[3.0, 3.0]));
        c.set_line_width(2.0);
        for &i in &down {
            let p = layout.pos[i];
            c.begin_path();
            let _ = c.arc(p.x, p.y, nr, 0.0, 2.0 * PI);
            c.fill();
            c.stroke();
        }
        let _ = c.set_line_dash(&dash(&[]));
        c.set_stroke_style_str("#4b5563");
        c.set_line_width(2.0);
        c.begin_path();
        for &i in &down {
            cross_path(c, layout.pos[i], nr * 0.5);
        }
        c.stroke();
    }
    // Labels when there is room.
    if nr >= 11.0 {
        c.set_font(&format!(
            "600 {}px system-ui, sans-serif",
            (nr * 0.62).clamp(9.0, 15.0).round()
        ));
        c.set_text_align("center");
        c.set_text_baseline("middle");
        for (i, node) in sim.nodes().iter().enumerate() {
            let p = layout.pos[i];
            if node.is_up() {
                c.set_fill_style_str(pal.node_text);
                let _ = c.fill_text(&format!("n{i}"), p.x, p.y);
            } else {
                c.set_fill_style_str("#374151");
                let _ = c.fill_text(&format!("n{i} crashed"), p.x, p.y + nr + 14.0);
            }
        }
        // Each node's own clock: they disagree, because there is no global clock.
        if n <= 12 {
            c.set_font("11px ui-monospace, Menlo, Consolas, monospace");
            c.set_fill_style_str("#475569");
            for (i, node) in sim.nodes().iter().enumerate() {
                if node.is_up() {
                    let p = layout.pos[i];
                    let local = node.clock.local_at(now) as f64 / 1e6;
                    let _ = c.fill_text(&format!("local {local:.3}s"), p.x, p.y + nr + 14.0);
                }
            }
        }
    } else if n <= 300 {
        // Crowded ring: label every tenth node outside the ring.
        c.set_font("11px system-ui, sans-serif");
        c.set_text_align("center");
        c.set_text_baseline("middle");
        c.set_fill_style_str("#334155");
        for i in (0..n).step_by(10) {
            let p = along(
                layout.center,
                layout.pos[i],
                1.0 + (nr + 12.0) / layout.ring_r.max(1.0),
                0.0,
            );
            let _ = c.fill_text(&format!("n{i}"), p.x, p.y);
        }
    }

    // Selection.
    c.set_stroke_style_str(pal.select);
    c.set_line_width(3.0);
    if let Some(i) = hl.node {
        if let Some(p) = layout.pos.get(i as usize) {
            c.begin_path();
            let _ = c.arc(p.x, p.y, nr + 8.0, 0.0, 2.0 * PI);
            c.stroke();
        }
    }
    if let Some(p) = selected {
        c.begin_path();
        let _ = c.arc(p.x, p.y, r + 6.0, 0.0, 2.0 * PI);
        c.stroke();
    }
}

/// Microseconds between departures on a congested link (0: unlimited bandwidth).
pub fn queue_gap(sim: &Sim<Heartbeat>) -> Micros {
    sim.network()
        .config
        .bandwidth
        .map_or(0, |b| 1_000_000 / b.max(1) as u64)
}

/// Lane offset of the two directions of a link, CSS px.
pub fn lane(n: usize) -> f64 {
    if n <= 16 {
        4.0
    } else {
        0.0
    }
}

/// Where a dropped message died on screen.
pub fn drop_point(
    layout: &RingLayout,
    from: NodeId,
    to: NodeId,
    depart: Micros,
    arrive: Micros,
    at: Micros,
) -> Pt {
    let frac = if arrive > depart {
        (at.saturating_sub(depart)) as f64 / (arrive - depart) as f64
    } else {
        1.0
    };
    let lane = lane(layout.pos.len());
    along(
        layout.pos[from.0 as usize],
        layout.pos[to.0 as usize],
        frac.clamp(0.0, 1.0),
        lane,
    )
}

fn dash(v: &[f64]) -> JsValue {
    let a = js_sys::Array::new();
    for x in v {
        a.push(&JsValue::from_f64(*x));
    }
    a.into()
}

fn cross_path(c: &Ctx2d, p: Pt, s: f64) {
    c.move_to(p.x - s, p.y - s);
    c.line_to(p.x + s, p.y + s);
    c.move_to(p.x + s, p.y - s);
    c.line_to(p.x - s, p.y + s);
}

fn diamond_path(c: &Ctx2d, p: Pt, s: f64) {
    c.move_to(p.x, p.y - s);
    c.line_to(p.x + s, p.y);
    c.line_to(p.x, p.y + s);
    c.line_to(p.x - s, p.y);
    // No close_path: `fill` closes subpaths itself, and Skia's closePath on a path
    // with thousands of subpaths was the single most expensive call per frame.
}
