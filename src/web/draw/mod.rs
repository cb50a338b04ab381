//! The animated layer, painted imperatively on a canvas once per animation frame.
//!
//! Nothing here holds simulation state: it reads a snapshot (`&Sim`) and the
//! geometry, and paints. Message dots are batched into one path per kind, so
//! hundreds of messages cost a handful of canvas calls plus one `arc` each;
//! in crowded scenes (thousands) the dots, the timer arcs and the node discs
//! are set as pixels and drawn as one image (`Crowd`).

use crate::layout::{along, flight_pos, Pt, RingLayout};
use crate::raster::{rgb, DotRaster, Sprite};
use crate::sim::heartbeat::FD_TIMER_BASE;
use crate::sim::{DownKind, Micros, Sim, Workload};
use std::f64::consts::PI;
use wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d as Ctx2d;

mod shapes;
mod style;

use shapes::{circles, cross_path, dash, diamond_path, octagon_path, star_path, triangle_path};
pub use shapes::{drop_point, lane, node_name, node_status, queue_gap, shape_of, Shape};
pub use style::*;

/// Crowded scenes' timer arcs, dots and node discs, set as pixels
/// (`crate::raster` says why) and handed to the canvas as one image: the
/// buffer, a spare canvas it is put on, that canvas's image data, and the
/// discs and arcs drawn once by the canvas (all kept from paint to paint).
#[derive(Default)]
pub struct Crowd {
    raster: DotRaster,
    spare: Option<(web_sys::HtmlCanvasElement, Ctx2d)>,
    image: Option<(web_sys::ImageData, js_sys::Uint8ClampedArray)>,
    sprites: Option<Sprites>,
}

/// Steps of a timer's arc as sprites: at 300 nodes an arc is ~40 device
/// pixels round, so a step is under a pixel of its length.
const ARC_STEPS: usize = 48;

/// A node's disc and its timer arc at each step, drawn by the canvas once.
struct Sprites {
    /// What they were drawn for: disc and arc radius, line width, pixel
    /// ratio (as bits), and the two colours.
    key: ([u64; 4], &'static str, &'static str),
    /// Side of each (square) sprite, device pixels; centred on the node.
    side: u32,
    disc: Sprite,
    /// `arcs[k]`: (k + 1) / ARC_STEPS of a turn, clockwise from the top.
    arcs: Vec<Sprite>,
}

impl Sprites {
    fn draw(key: ([u64; 4], &'static str, &'static str)) -> Option<Sprites> {
        let [nr, tr, lw, dpr] = key.0.map(f64::from_bits);
        let side = ((tr + lw) * 2.0 * dpr).ceil() as u32 + 2;
        let doc = web_sys::window()?.document()?;
        let sheet = doc
            .create_element("canvas")
            .ok()?
            .dyn_into::<web_sys::HtmlCanvasElement>()
            .ok()?;
        let cells = ARC_STEPS as u32 + 1;
        sheet.set_width(side * cells);
        sheet.set_height(side);
        let c = sheet.get_context("2d").ok()??.dyn_into::<Ctx2d>().ok()?;
        let mid = side as f64 / 2.0;
        c.set_fill_style_str(key.1);
        c.begin_path();
        let _ = c.arc(mid, mid, nr * dpr, 0.0, 2.0 * PI);
        c.fill();
        c.set_stroke_style_str(key.2);
        c.set_line_width(lw * dpr);
        for k in 1..cells {
            let x = (k * side) as f64 + mid;
            let start = -PI / 2.0;
            c.begin_path();
            c.move_to(x + tr * dpr * start.cos(), mid + tr * dpr * start.sin());
            let turn = k as f64 / ARC_STEPS as f64;
            let _ = c.arc(x, mid, tr * dpr, start, start + 2.0 * PI * turn);
            c.stroke();
        }
        let data = c
            .get_image_data(0.0, 0.0, (side * cells) as f64, side as f64)
            .ok()?
            .data()
            .0;
        let cut = |k: u32| Sprite::cut(&data, side * cells, k * side, 0, side, side);
        Some(Sprites {
            key,
            side,
            disc: cut(0),
            arcs: (1..cells).map(cut).collect(),
        })
    }
}

/// More nodes than this: the scene is crowded (small pixel-aligned dots).
pub const CROWDED: usize = 60;
/// A crowded scene's timer arcs' width (CSS px).
const CROWDED_TIMER_W: f64 = 2.0;

impl Crowd {
    /// Starts a paint: the buffer covers the ring's box (device pixels),
    /// and the sprites are drawn if the sizes or colours changed.
    fn begin(&mut self, layout: &RingLayout, dpr: f64, pal: &Palette) {
        let (nr, tr) = (layout.node_r, layout.node_r + 3.5);
        let key = (
            [nr, tr, CROWDED_TIMER_W, dpr].map(f64::to_bits),
            pal.node,
            pal.timer,
        );
        if self.sprites.as_ref().is_none_or(|s| s.key != key) {
            self.sprites = Sprites::draw(key);
        }
        let (mut lo, mut hi) = (layout.center, layout.center);
        for p in &layout.pos {
            lo = Pt {
                x: lo.x.min(p.x),
                y: lo.y.min(p.y),
            };
            hi = Pt {
                x: hi.x.max(p.x),
                y: hi.y.max(p.y),
            };
        }
        // A dot is never further out than its sender or receiver, an arc
        // than its node's timer ring: a margin for their size.
        let m = (tr + CROWDED_TIMER_W + 2.0).max(8.0);
        let x0 = ((lo.x - m) * dpr).floor().max(0.0);
        let y0 = ((lo.y - m) * dpr).floor().max(0.0);
        let w = ((hi.x + m) * dpr).ceil() - x0;
        let h = ((hi.y + m) * dpr).ceil() - y0;
        self.raster
            .reset(x0 as i32, y0 as i32, w.max(1.0) as u32, h.max(1.0) as u32);
    }

    /// Whether the sprites are drawn (if the canvas could not draw them, the
    /// discs and arcs are painted on the canvas as in smaller scenes).
    fn ready(&self) -> bool {
        self.sprites.is_some()
    }

    /// The sprite `pick` chooses laid centred on `p` (CSS pixels).
    fn stamp(&mut self, dpr: f64, p: Pt, pick: impl Fn(&Sprites) -> &Sprite) {
        if let Some(s) = &self.sprites {
            let half = s.side as f64 / 2.0;
            let (x, y) = ((p.x * dpr - half).round(), (p.y * dpr - half).round());
            self.raster.blend(pick(s), x as i32, y as i32);
        }
    }

    /// A rectangle in CSS pixels (whole ones: the crowded dots are aligned).
    fn rect(&mut self, dpr: f64, x: f64, y: f64, w: f64, h: f64, colour: [u8; 3]) {
        let d = |v: f64| (v * dpr).round() as i32;
        self.raster
            .fill_rect(d(x), d(y), d(x + w) - d(x), d(y + h) - d(y), colour);
    }

    /// Draws the buffer onto `c` where the dots belong in the painting order.
    fn finish(&mut self, c: &Ctx2d) {
        let (x0, y0, w, h) = self.raster.bounds();
        let fresh =
            |canvas: &web_sys::HtmlCanvasElement| canvas.width() != w || canvas.height() != h;
        if self.spare.as_ref().is_none_or(|(s, _)| fresh(s)) {
            self.image = None;
            self.spare = None;
            let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
                return;
            };
            let Some(canvas) = doc
                .create_element("canvas")
                .ok()
                .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok())
            else {
                return;
            };
            canvas.set_width(w);
            canvas.set_height(h);
            let Some(ctx) = canvas
                .get_context("2d")
                .ok()
                .flatten()
                .and_then(|c| c.dyn_into::<Ctx2d>().ok())
            else {
                return;
            };
            self.spare = Some((canvas, ctx));
        }
        if self.image.is_none() {
            let Ok(image) = web_sys::ImageData::new_with_sw(w, h) else {
                return;
            };
            let Some(data) = js_sys::Reflect::get(&image, &"data".into())
                .ok()
                .and_then(|d| d.dyn_into::<js_sys::Uint8ClampedArray>().ok())
            else {
                return;
            };
            self.image = Some((image, data));
        }
        let (Some((canvas, ctx)), Some((image, data))) = (&self.spare, &self.image) else {
            return;
        };
        data.copy_from(self.raster.bytes());
        let _ = ctx.put_image_data(image, 0.0, 0.0);
        c.save();
        let _ = c.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
        let _ = c.draw_image_with_html_canvas_element(canvas, x0 as f64, y0 as f64);
        c.restore();
    }
}

/// Paints one frame. `cut_pairs` is the UI's cached list of cut undirected
/// links; `dpr` the canvas's device pixels per CSS pixel (its transform).
#[allow(clippy::too_many_arguments)]
pub fn paint(
    c: &Ctx2d,
    crowd: &mut Crowd,
    dpr: f64,
    w: f64,
    h: f64,
    sim: &Sim<Workload>,
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
    let star = matches!(sim.protocol(), Workload::Rpc(_));
    if star || n <= 16 {
        // Clients talk only to the server: draw the links that carry traffic.
        c.set_stroke_style_str(pal.edge);
        c.begin_path();
        for a in 0..n {
            for b in (a + 1)..n {
                if star && a != 0 {
                    break;
                }
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
    // Attackers on links: a badge a third of the way from the sender, with
    // a letter for what it does (D drop, M modify, I inject).
    let attacks = sim.network().attacks();
    if !attacks.is_empty() && n <= 64 {
        c.set_font("bold 11px system-ui, sans-serif");
        c.set_text_align("center");
        c.set_text_baseline("middle");
        for (f, t, m) in attacks {
            let (pa, pb) = (layout.pos[f.0 as usize], layout.pos[t.0 as usize]);
            c.set_stroke_style_str(pal.byz);
            c.set_line_width(2.0);
            let _ = c.set_line_dash(&dash(&[2.0, 3.0]));
            c.begin_path();
            c.move_to(pa.x, pa.y);
            c.line_to(pb.x, pb.y);
            c.stroke();
            let _ = c.set_line_dash(&dash(&[]));
            let p = along(pa, pb, 0.33, 0.0);
            c.set_fill_style_str(pal.byz);
            c.begin_path();
            // A diamond: a shape, not only a colour.
            c.move_to(p.x, p.y - 10.0);
            c.line_to(p.x + 10.0, p.y);
            c.line_to(p.x, p.y + 10.0);
            c.line_to(p.x - 10.0, p.y);
            c.close_path();
            c.fill();
            c.set_fill_style_str(pal.on_badge);
            let letter = match m {
                crate::sim::Attack::Drop => "D",
                crate::sim::Attack::Modify => "M",
                crate::sim::Attack::Inject => "I",
            };
            let _ = c.fill_text(letter, p.x, p.y + 0.5);
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

    // Crowded: the timer arcs, the dots and the plain node discs are set as
    // pixels (in this order) and drawn as one image before the crashed and
    // Byzantine nodes; drops and outlines go under that image.
    let crowded = n > CROWDED && hl.dots;
    if crowded {
        crowd.begin(layout, dpr, pal);
    }
    let sprites = crowded && crowd.ready();

    // Timers: an arc around the node that shrinks until the timer fires.
    let tr = layout.node_r + 3.5;
    c.set_stroke_style_str(pal.timer);
    c.set_line_width(if n > CROWDED { CROWDED_TIMER_W } else { 3.0 });
    c.begin_path();
    for (i, node) in sim.nodes().iter().enumerate() {
        // The detector's per-peer deadlines are shown by the suspicion gauges instead.
        for t in node.timers.iter().filter(|t| t.tag < FD_TIMER_BASE) {
            let total = t.fire_at.saturating_sub(t.set_at).max(1) as f64;
            let left = t.fire_at.saturating_sub(now) as f64 / total;
            if left <= 0.0 {
                continue;
            }
            let p = layout.pos[i];
            if sprites {
                let k = ((left.min(1.0) * ARC_STEPS as f64).ceil() as usize).clamp(1, ARC_STEPS);
                crowd.stamp(dpr, p, |s| &s.arcs[k - 1]);
                continue;
            }
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
    let mut deviant: Vec<Pt> = Vec::new();
    for (shape, colour) in [
        (Shape::Circle, pal.ping),
        (Shape::Triangle, pal.retry),
        (Shape::Diamond, pal.pong),
    ] {
        c.set_fill_style_str(colour);
        c.begin_path();
        let bytes = rgb(colour);
        for f in sim.flights().filter(|_| hl.dots) {
            if shape_of(&f.msg) != shape {
                continue;
            }
            if f.lost.is_some_and(|(t, _)| t <= now) {
                continue;
            }
            let p = flight_pos(layout, f, now, lane, gap);
            if crowded {
                // Crowded: pixel-aligned rectangles, set as pixels. Still three
                // shapes (square, bar, plus), not only three colours.
                let (x, y) = (p.x.round(), p.y.round());
                match shape {
                    Shape::Diamond => {
                        crowd.rect(dpr, x - 3.0, y - 1.0, 6.0, 2.0, bytes);
                        crowd.rect(dpr, x - 1.0, y - 3.0, 2.0, 6.0, bytes);
                    }
                    Shape::Triangle => crowd.rect(dpr, x - 3.0, y - 1.0, 6.0, 3.0, bytes),
                    Shape::Circle => crowd.rect(dpr, x - 2.0, y - 2.0, 4.0, 4.0, bytes),
                }
            } else {
                match shape {
                    Shape::Diamond => diamond_path(c, p, r * 1.15),
                    Shape::Triangle => triangle_path(c, p, r * 1.35),
                    Shape::Circle => {
                        c.move_to(p.x + r, p.y);
                        let _ = c.arc(p.x, p.y, r, 0.0, 2.0 * PI);
                    }
                }
            }
            if f.dup {
                dups.push(p);
            }
            if f.deviant {
                deviant.push(p);
            }
            if hl.message == Some(f.id) {
                selected = Some(p);
            }
        }
        if !crowded {
            c.fill();
        }
    }
    if !deviant.is_empty() {
        // Messages a Byzantine node deviated with: a thick dark outline and a dot.
        // (Their receivers cannot tell; the picture tells the student.)
        c.set_stroke_style_str(pal.byz);
        c.set_line_width(2.0);
        circles(c, &deviant, r + 1.5);
        c.stroke();
        c.set_fill_style_str(pal.on_badge);
        circles(c, &deviant, 1.5);
        c.fill();
    }
    if !dups.is_empty() {
        // Duplicates wear an outer ring.
        c.set_stroke_style_str(pal.dup);
        c.set_line_width(1.8);
        circles(c, &dups, r + 3.0);
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
            for kind in [
                FadeKind::Network,
                FadeKind::Down,
                FadeKind::Omission,
                FadeKind::Notice,
            ] {
                let mut any = false;
                c.begin_path();
                for f in fades {
                    let age = (now_ms - f.start_ms) / FADE_MS;
                    if age < lo || age >= hi || f.kind != kind {
                        continue;
                    }
                    let s = r + 2.0 + 3.0 * age;
                    match kind {
                        FadeKind::Notice => {
                            let rr = layout.node_r + 6.0 + 14.0 * age;
                            c.move_to(f.at.x + rr, f.at.y);
                            let _ = c.arc(f.at.x, f.at.y, rr, 0.0, 2.0 * PI);
                        }
                        FadeKind::Omission => {
                            c.move_to(f.at.x + s, f.at.y);
                            let _ = c.arc(f.at.x, f.at.y, s, 0.0, 2.0 * PI);
                            c.move_to(f.at.x - s * 0.7, f.at.y + s * 0.7);
                            c.line_to(f.at.x + s * 0.7, f.at.y - s * 0.7);
                        }
                        _ if n > CROWDED => {
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
                        }
                        _ => cross_path(c, f.at, s),
                    }
                    any = true;
                }
                if any {
                    c.set_global_alpha(alpha);
                    let colour = match kind {
                        FadeKind::Network => pal.lost,
                        FadeKind::Down => pal.down,
                        FadeKind::Omission => pal.omit,
                        FadeKind::Notice => pal.notice,
                    };
                    if n > CROWDED && matches!(kind, FadeKind::Network | FadeKind::Down) {
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

    // Nodes on top, so messages emerge from under them. Each failure type has
    // its own shape, not only its own colour.
    let nr = layout.node_r;
    if crowded && !sprites {
        // The dots (and not the discs) are in the image: it goes under them.
        crowd.finish(c);
    }
    c.set_line_width(1.5);
    c.set_fill_style_str(pal.node);
    c.begin_path();
    for (i, node) in sim.nodes().iter().enumerate() {
        if node.is_up() && node.behaviour.byzantine.is_none() {
            let p = layout.pos[i];
            if sprites {
                crowd.stamp(dpr, p, |s| &s.disc);
                continue;
            }
            c.move_to(p.x + nr, p.y);
            let _ = c.arc(p.x, p.y, nr, 0.0, 2.0 * PI);
        }
    }
    c.fill();
    if sprites {
        crowd.finish(c);
    }
    for (i, node) in sim.nodes().iter().enumerate() {
        let p = layout.pos[i];
        if node.is_up() {
            if node.behaviour.byzantine.is_some() {
                // Byzantine: a spiky star.
                c.set_fill_style_str(pal.byz);
                c.begin_path();
                star_path(c, p, nr * 1.15, nr * 0.78, 10);
                c.fill();
            }
            if node.behaviour.send_omission > 0.0 || node.behaviour.recv_omission > 0.0 {
                // Omission: a dotted ring.
                c.set_stroke_style_str(pal.omit);
                c.set_line_width(2.5);
                let _ = c.set_line_dash(&dash(&[2.0, 4.0]));
                c.begin_path();
                let _ = c.arc(p.x, p.y, nr + 8.0, 0.0, 2.0 * PI);
                c.stroke();
                let _ = c.set_line_dash(&dash(&[]));
            }
            continue;
        }
        c.set_fill_style_str(pal.down_fill);
        match node.down {
            Some(DownKind::FailStop) => {
                // Fail-stop: an octagon (a stop sign), solid outline.
                c.set_stroke_style_str(pal.down_ink);
                c.set_line_width(2.5);
                c.begin_path();
                octagon_path(c, p, nr);
                c.fill();
                c.stroke();
                c.set_fill_style_str(pal.down_ink);
                c.fill_rect(p.x - nr * 0.45, p.y - nr * 0.12, nr * 0.9, nr * 0.24);
            }
            _ => {
                // Crash: grey disc, dashed outline, a cross.
                c.set_stroke_style_str(pal.down);
                let _ = c.set_line_dash(&dash(&[3.0, 3.0]));
                c.set_line_width(2.0);
                c.begin_path();
                let _ = c.arc(p.x, p.y, nr, 0.0, 2.0 * PI);
                c.fill();
                c.stroke();
                let _ = c.set_line_dash(&dash(&[]));
                c.set_stroke_style_str(pal.down_ink);
                c.begin_path();
                cross_path(c, p, nr * 0.5);
                c.stroke();
            }
        }
        if let (Some(at), Some(since)) = (node.recover_at, node.crashed_at) {
            // Crash-recovery: an arc that fills up until the restart.
            let frac =
                (now.saturating_sub(since)) as f64 / (at.saturating_sub(since)).max(1) as f64;
            c.set_stroke_style_str(pal.restart);
            c.set_line_width(3.0);
            c.begin_path();
            let _ = c.arc(
                p.x,
                p.y,
                nr + 4.0,
                -PI / 2.0,
                -PI / 2.0 + 2.0 * PI * frac.min(1.0),
            );
            c.stroke();
        }
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
            let name = node_name(sim, i);
            if node.is_up() {
                c.set_fill_style_str(pal.node_text);
                let _ = c.fill_text(&name, p.x, p.y);
            } else {
                c.set_fill_style_str(pal.down_ink);
                let _ = c.fill_text(&name, p.x, p.y + nr + 14.0);
            }
        }
        // Each node's own clock: they disagree, because there is no global clock.
        if n <= 12 {
            c.set_font("11px ui-monospace, Menlo, Consolas, monospace");
            c.set_fill_style_str(pal.label);
            for (i, node) in sim.nodes().iter().enumerate() {
                let p = layout.pos[i];
                if node.is_up() {
                    let local = node.clock.local_at(now) as f64 / 1e6;
                    let _ = c.fill_text(&format!("local {local:.3}s"), p.x, p.y + nr + 14.0);
                }
                if let Some(status) = node_status(node, now) {
                    let _ = c.fill_text(&status, p.x, p.y + nr + 27.0);
                }
            }
            raft_marks(c, sim, layout, nr, pal);
        }
        // Queues matter at every size the nodes have room for.
        kv_marks(c, sim, layout, nr, pal);
    } else if n <= 300 {
        // Crowded ring: label every tenth node outside the ring.
        c.set_font("11px system-ui, sans-serif");
        c.set_text_align("center");
        c.set_text_baseline("middle");
        c.set_fill_style_str(pal.label);
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

    // Suspicion gauges: how much the selected node suspects each other node.
    if let (Some(obs), Workload::Heartbeat(hb)) = (hl.node, sim.protocol()) {
        if let (Some(kind), Some(crate::sim::AnyState::Hb(st))) = (
            hb.detector,
            sim.nodes().get(obs as usize).and_then(|s| s.state.as_ref()),
        ) {
            let local = sim.nodes()[obs as usize].clock.local_at(now);
            let thr = crate::sim::PeerHistory::threshold(&kind);
            let gr = nr + (if n <= 16 { 13.0 } else { 5.0 });
            for (j, h) in st.fd.iter().enumerate() {
                if j as u32 == obs {
                    continue;
                }
                let p = layout.pos[j];
                let frac = (h.level(local, &kind) / (1.5 * thr)).clamp(0.0, 1.0);
                let top = -PI / 2.0;
                c.set_line_width(if n <= 16 { 5.0 } else { 2.5 });
                c.set_stroke_style_str(pal.track);
                c.begin_path();
                let _ = c.arc(p.x, p.y, gr, 0.0, 2.0 * PI);
                c.stroke();
                c.set_stroke_style_str(if h.suspected { pal.lost } else { pal.notice });
                c.begin_path();
                let _ = c.arc(p.x, p.y, gr, top, top + 2.0 * PI * frac);
                c.stroke();
                // The threshold: a tick at two thirds of the ring.
                let a = top + 2.0 * PI / 1.5;
                c.set_stroke_style_str(pal.tick);
                c.set_line_width(2.0);
                c.begin_path();
                c.move_to(p.x + (gr - 5.0) * a.cos(), p.y + (gr - 5.0) * a.sin());
                c.line_to(p.x + (gr + 5.0) * a.cos(), p.y + (gr + 5.0) * a.sin());
                c.stroke();
                if h.suspected {
                    // Suspected: a "?" badge, not only a colour.
                    c.set_fill_style_str(pal.lost);
                    c.begin_path();
                    let (bx, by) = (p.x + gr * 0.75, p.y - gr * 0.75);
                    let _ = c.arc(bx, by, 8.0, 0.0, 2.0 * PI);
                    c.fill();
                    c.set_fill_style_str(pal.on_badge);
                    c.set_font("bold 12px system-ui, sans-serif");
                    c.set_text_align("center");
                    c.set_text_baseline("middle");
                    let _ = c.fill_text("?", bx, by + 0.5);
                }
            }
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

/// A fingerprint of what `paint` (and the lesson's spotlight over it) draws
/// apart from what moves by itself: the dots (animated by the compositor in
/// sparse scenes), the arcs' shrinking and filling (painted as they move,
/// see `FrameLoop`) and the nodes' clocks (which change every instant). In
/// a sparse scene the canvas is painted at an event only when this changed;
/// the clocks follow at the panels' pace. It must cover everything else
/// `paint` reads: node states and failures, timers set or re-armed, Raft and
/// key-value marks, attacks, the selected node's suspicion gauges (to 1/200
/// of a turn) and the spotlight.
pub fn scene_key(
    sim: &Sim<Workload>,
    observer: Option<u32>,
    spot: Option<&crate::lesson::Spot>,
) -> u64 {
    use crate::lesson::Spot;
    use crate::sim::{AnyState, Digest, Place};
    let mut d = Digest::default();
    let mut mix = |w: u64| d.mix(w);
    let now = sim.now();
    for node in sim.nodes() {
        // A timer set or re-armed: its arc starts again (full).
        for t in node.timers.iter().filter(|t| t.tag < FD_TIMER_BASE) {
            mix(t.set_at);
            mix(t.fire_at);
        }
        let b = node.behaviour;
        mix(node.down.map_or(0, |k| 1 + k as u64));
        mix(node.recover_at.unwrap_or(u64::MAX));
        mix(b.byzantine.map_or(0, |m| 1 + m as u64));
        mix(u64::from(b.send_omission > 0.0 || b.recv_omission > 0.0));
        match node.state.as_ref() {
            Some(AnyState::Raft(st)) => {
                mix(st.role as u64);
                mix(st.term);
                mix(st.log.len() as u64);
                mix(st.commit);
                for e in &st.log[st.log.len().saturating_sub(10)..] {
                    mix(e.term);
                }
            }
            Some(AnyState::Kv(st)) => {
                let (kind, a, b) = match st.place {
                    Place::Client => (0, 0, 0),
                    Place::Server { shard } => (1, shard, 0),
                    Place::Balancer => (2, 0, 0),
                    Place::Worker { w } => (3, w, 0),
                    Place::Store => (4, 0, 0),
                    Place::Replica { shard, rank } => (5, shard, rank),
                };
                mix(kind);
                mix(u64::from(a) << 32 | u64::from(b));
                mix(st.primary.map_or(u64::MAX, u64::from));
                mix(st.epoch);
                mix(st.queue.len() as u64);
                mix(u64::from(st.busy.is_some()));
            }
            _ => {}
        }
    }
    for (f, t, m) in sim.network().attacks() {
        mix(u64::from(f.0) << 32 | u64::from(t.0));
        mix(*m as u64);
    }
    if let (Some(obs), Workload::Heartbeat(hb)) = (observer, sim.protocol()) {
        if let (Some(kind), Some(AnyState::Hb(st))) = (
            hb.detector,
            sim.nodes().get(obs as usize).and_then(|s| s.state.as_ref()),
        ) {
            let local = sim.nodes()[obs as usize].clock.local_at(now);
            let thr = crate::sim::PeerHistory::threshold(&kind);
            for p in &st.fd {
                let frac = (p.level(local, &kind) / (1.5 * thr)).clamp(0.0, 1.0);
                mix((frac * 200.0) as u64);
                mix(u64::from(p.suspected));
            }
        }
    }
    match spot {
        None => mix(0),
        Some(Spot::Nodes(ns)) => ns.iter().for_each(|&n| mix(1 + u64::from(n))),
        Some(Spot::Link(a, b)) => mix(u64::from(*a) << 32 | u64::from(*b) | 1 << 63),
        Some(Spot::Panel(_)) => mix(u64::MAX),
    }
    d.value()
}

/// The key-value service: beside each server its queue (one cell per
/// request waiting or in service, up to 12, then a count), and over it what
/// it is: ★ for a primary (with its epoch), the keys a shard owns.
fn kv_marks(c: &Ctx2d, sim: &Sim<Workload>, layout: &RingLayout, nr: f64, pal: &Palette) {
    use crate::sim::{AnyState, Layout, Place};
    let Workload::Kv(kv) = sim.protocol() else {
        return;
    };
    const CELLS: u32 = 12;
    c.set_font("11px system-ui, sans-serif");
    c.set_text_align("left");
    for (i, node) in sim.nodes().iter().enumerate() {
        let Some(AnyState::Kv(st)) = node.state.as_ref() else {
            continue;
        };
        if matches!(st.place, Place::Client | Place::Balancer) {
            continue;
        }
        let p = layout.pos[i];
        let tag = match st.place {
            Place::Replica { rank, .. } if st.primary == Some(rank) => {
                format!("★ primary e{}", st.epoch)
            }
            Place::Replica { .. } => "backup".to_string(),
            Place::Server { shard } if kv.layout == Layout::Sharded => {
                let (lo, hi) = kv.key_range(shard);
                format!("k{lo}–{}", hi.saturating_sub(1))
            }
            _ => String::new(),
        };
        if !tag.is_empty() {
            c.set_fill_style_str(pal.label);
            let _ = c.fill_text(&tag, p.x + nr * 0.8, p.y - nr * 0.9);
        }
        // The queue: a line of cells from the node towards the ring's
        // centre (where there is room at every size), the one in service
        // first, in another colour.
        let len = (st.queue.len() + usize::from(st.busy.is_some())) as u32;
        let (dx, dy) = (layout.center.x - p.x, layout.center.y - p.y);
        let d = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ux, uy) = (dx / d, dy / d);
        let s = 5.0;
        let at = |k: f64| {
            (
                p.x + ux * (nr + 5.0 + k * 6.5),
                p.y + uy * (nr + 5.0 + k * 6.5),
            )
        };
        for k in 0..len.min(CELLS) {
            c.set_fill_style_str(if k == 0 { "#0e7490" } else { "#f59e0b" });
            let (x, y) = at(f64::from(k));
            c.fill_rect(x - s / 2.0, y - s / 2.0, s, s);
        }
        if len > CELLS {
            c.set_fill_style_str(pal.label);
            c.set_text_align("center");
            let (x, y) = at(f64::from(CELLS) + 1.5);
            let _ = c.fill_text(&format!("+{}", len - CELLS), x, y + 4.0);
            c.set_text_align("left");
        }
    }
    c.set_text_align("center");
}

/// Raft, as RaftScope draws it: each up node's role and term above it (★ for
/// the leader, ? for a candidate), and under it its latest log entries, one
/// cell per entry coloured by term, committed ones solid.
fn raft_marks(c: &Ctx2d, sim: &Sim<Workload>, layout: &RingLayout, nr: f64, pal: &Palette) {
    use crate::sim::{AnyState, Role};
    if !matches!(sim.protocol(), Workload::Raft(_)) {
        return;
    }
    const CELLS: usize = 10;
    for (i, node) in sim.nodes().iter().enumerate() {
        let Some(AnyState::Raft(st)) = node.state.as_ref() else {
            continue;
        };
        let p = layout.pos[i];
        let (mark, word) = match st.role {
            Role::Leader => ("★ ", "leader"),
            Role::Candidate => ("? ", "candidate"),
            Role::Follower => ("", "follower"),
        };
        c.set_font(if st.role == Role::Leader {
            "700 11px system-ui, sans-serif"
        } else {
            "11px system-ui, sans-serif"
        });
        c.set_fill_style_str(pal.label);
        if layout.ring_r < 200.0 {
            // A small ring: a short tag at the node's shoulder, so labels of
            // neighbouring nodes do not run into each other.
            c.set_text_align("left");
            let _ = c.fill_text(
                &format!("{mark}t{}", st.term),
                p.x + nr * 0.8,
                p.y - nr * 0.9,
            );
            c.set_text_align("center");
        } else {
            let _ = c.fill_text(
                &format!("{mark}{word} · term {}", st.term),
                p.x,
                p.y - nr - 12.0,
            );
        }
        let from = st.log.len().saturating_sub(CELLS);
        let w = 7.0;
        let x0 = p.x - (CELLS as f64 * w) / 2.0;
        let y = p.y + nr + 34.0;
        for (k, e) in st.log[from..].iter().enumerate() {
            let committed = (from + k + 1) as u64 <= st.commit;
            let hue = (e.term * 67 + 200) % 360;
            c.set_fill_style_str(&format!(
                "hsl({hue} 65% {}%)",
                if committed { 45 } else { 82 }
            ));
            c.fill_rect(x0 + k as f64 * w, y, w - 1.0, 9.0);
        }
        c.set_stroke_style_str(pal.ring);
        c.set_line_width(1.0);
        c.stroke_rect(x0 - 0.5, y - 0.5, CELLS as f64 * w, 10.0);
    }
}
