//! The animated layer, painted imperatively on a canvas once per animation frame.
//!
//! Nothing here holds simulation state: it reads a snapshot (`&Sim`) and the
//! geometry, and paints. Message dots are batched into one path per kind, so
//! hundreds of messages cost a handful of canvas calls plus one `arc` each;
//! in crowded scenes (thousands) the dots, the timer arcs and the node discs
//! are set as pixels and drawn as one image (`Crowd`).

use crate::layout::{along, flight_pos, Pt, RingLayout, LINE_1, LINE_2, WORDS_MAX};
use crate::raster::rgb;
use crate::sim::heartbeat::FD_TIMER_BASE;
use crate::sim::{DownKind, Micros, Sim, Workload};
use std::f64::consts::PI;
use web_sys::CanvasRenderingContext2d as Ctx2d;

mod crowd;
mod key;
mod marks;
mod shapes;
mod style;

use crowd::CROWDED_TIMER_W;
pub use crowd::{Crowd, CROWDED};
pub use key::scene_key;
use marks::{kv_marks, raft_marks};

use shapes::{circles, cross_path, dash, diamond_path, octagon_path, star_path, triangle_path};
pub use shapes::{
    drop_point, lane, node_name, node_status, node_status_in, queue_gap, shape_of, Shape,
};
pub use style::*;

/// Paints one frame, layer by layer from the bottom: links, timer arcs,
/// messages, drop marks, nodes, labels, suspicion gauges, selection.
/// `cut_pairs` is the UI's cached list of cut undirected links; `dpr` the
/// canvas's device pixels per CSS pixel (its transform).
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
    let n = layout.pos.len();
    let s = Scene {
        c,
        sim,
        layout,
        pal,
        n,
        now: sim.now(),
        nr: layout.node_r,
        // Small clusters get bigger dots.
        r: if n <= 16 {
            5.5
        } else if n <= 60 {
            3.5
        } else {
            2.2
        },
    };
    c.set_fill_style_str(pal.bg);
    c.fill_rect(0.0, 0.0, w, h);
    s.links();
    s.cuts(cut_pairs);
    s.attacks();
    s.hover(hl.hover_link);
    // Crowded: the timer arcs, the dots and the plain node discs are set as
    // pixels (in this order) and drawn as one image before the crashed and
    // Byzantine nodes; drops and outlines go under that image.
    let crowded = n > CROWDED && hl.dots;
    if crowded {
        crowd.begin(layout, dpr, pal);
    }
    let sprites = crowded && crowd.ready();
    s.timers(crowd, dpr, sprites);
    let selected = s.messages(crowd, dpr, crowded, hl);
    s.drops(fades, now_ms);
    // Nodes on top, so messages emerge from under them.
    if crowded && !sprites {
        // The dots (and not the discs) are in the image: it goes under them.
        crowd.finish(c);
    }
    s.nodes(crowd, dpr, sprites);
    if let Some(obs) = hl.node {
        s.gauges(obs);
    }
    s.selection(hl.node, selected);
    // Words last: a clock crosses the bottom of a suspicion gauge's ring.
    s.labels();
}

/// What every layer of a frame reads.
#[derive(Clone, Copy)]
struct Scene<'a> {
    c: &'a Ctx2d,
    sim: &'a Sim<Workload>,
    layout: &'a RingLayout,
    pal: &'a Palette,
    n: usize,
    now: Micros,
    /// The nodes' and the message dots' radius.
    nr: f64,
    r: f64,
}

impl Scene<'_> {
    /// The ring itself, and for small clusters every link.
    fn links(&self) {
        let Scene {
            c,
            sim,
            layout,
            pal,
            n,
            ..
        } = *self;
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
    }

    /// Cut links: dashed red with a gap marker in the middle.
    fn cuts(&self, cut_pairs: &[(u32, u32)]) {
        let Scene {
            c, layout, pal, n, ..
        } = *self;
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
    }

    /// Attackers on links: a badge a third of the way from the sender, with
    /// a letter for what it does (D drop, M modify, I inject).
    fn attacks(&self) {
        let Scene {
            c,
            sim,
            layout,
            pal,
            n,
            ..
        } = *self;
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
    }

    /// The link under the pointer.
    fn hover(&self, link: Option<(u32, u32)>) {
        let Scene { c, layout, pal, .. } = *self;
        if let Some((a, b)) = link {
            c.set_stroke_style_str(pal.select);
            c.set_line_width(3.0);
            c.set_global_alpha(0.5);
            c.begin_path();
            c.move_to(layout.pos[a as usize].x, layout.pos[a as usize].y);
            c.line_to(layout.pos[b as usize].x, layout.pos[b as usize].y);
            c.stroke();
            c.set_global_alpha(1.0);
        }
    }

    /// Timers: an arc around the node that shrinks until the timer fires
    /// (set as pixels when `sprites`).
    fn timers(&self, crowd: &mut Crowd, dpr: f64, sprites: bool) {
        let Scene {
            c,
            sim,
            layout,
            pal,
            n,
            now,
            ..
        } = *self;
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
                    crowd.arc(dpr, p, left);
                    continue;
                }
                let start = -PI / 2.0;
                c.move_to(p.x + tr * start.cos(), p.y + tr * start.sin());
                let _ = c.arc(p.x, p.y, tr, start, start + 2.0 * PI * left.min(1.0));
            }
        }
        c.stroke();
    }

    /// Messages in flight (set as pixels when `crowded`); returns where the
    /// selected one is.
    fn messages(&self, crowd: &mut Crowd, dpr: f64, crowded: bool, hl: Highlight) -> Option<Pt> {
        let Scene {
            c,
            sim,
            layout,
            pal,
            n,
            now,
            r,
            ..
        } = *self;
        // Batched by shape.
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

        selected
    }

    /// Dropped messages: a cross that fades where the message died (red: the
    /// network lost it or a cut blocked it; grey: its receiver was down). Fades
    /// are batched in a few opacity bands, so hundreds of drops cost a few calls.
    fn drops(&self, fades: &[Fade], now_ms: f64) {
        let Scene {
            c,
            layout,
            pal,
            n,
            r,
            ..
        } = *self;
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
    }

    /// The nodes (plain discs set as pixels when `sprites`).
    fn nodes(&self, crowd: &mut Crowd, dpr: f64, sprites: bool) {
        let Scene {
            c,
            sim,
            layout,
            pal,
            now,
            nr,
            ..
        } = *self;
        // Each failure type has its own shape, not only its own colour.
        c.set_line_width(1.5);
        c.set_fill_style_str(pal.node);
        c.begin_path();
        for (i, node) in sim.nodes().iter().enumerate() {
            if node.is_up() && node.behaviour.byzantine.is_none() {
                let p = layout.pos[i];
                if sprites {
                    crowd.disc(dpr, p);
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
    }

    /// Names, each node's own clock and marks, when there is room.
    fn labels(&self) {
        let Scene {
            c,
            sim,
            layout,
            pal,
            n,
            now,
            nr,
            ..
        } = *self;
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
                    let _ = c.fill_text(&name, p.x, p.y + nr + LINE_1);
                }
            }
            // Each node's own clock: they disagree, because there is no global clock.
            if n <= WORDS_MAX as usize {
                // Where neighbours' words would run into each other: terse
                // statuses, and Raft's roles as tags at the nodes' shoulders.
                let terse = !layout.words_fit();
                c.set_font("11px ui-monospace, Menlo, Consolas, monospace");
                c.set_fill_style_str(pal.label);
                for (i, node) in sim.nodes().iter().enumerate() {
                    let p = layout.pos[i];
                    if node.is_up() {
                        let local = node.clock.local_at(now) as f64 / 1e6;
                        let _ = c.fill_text(&format!("local {local:.3}s"), p.x, p.y + nr + LINE_1);
                    }
                    if let Some(status) = node_status_in(node, now, terse) {
                        let _ = c.fill_text(&status, p.x, p.y + nr + LINE_2);
                    }
                }
                raft_marks(c, sim, layout, nr, pal, terse);
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
    }

    /// Suspicion gauges: how much node `obs` suspects each other node.
    fn gauges(&self, obs: u32) {
        let Scene {
            c,
            sim,
            layout,
            pal,
            n,
            now,
            nr,
            ..
        } = *self;
        // How much the observer suspects each other node.
        if let Workload::Heartbeat(hb) = sim.protocol() {
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
    }

    /// The selected node and message.
    fn selection(&self, node: Option<u32>, selected: Option<Pt>) {
        let Scene {
            c,
            layout,
            pal,
            nr,
            r,
            ..
        } = *self;
        c.set_stroke_style_str(pal.select);
        c.set_line_width(3.0);
        if let Some(i) = node {
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
}
