//! Crowded scenes' picture as pixels: the buffer (`crate::raster`), the
//! sprites the canvas draws once, and handing the whole to the canvas as one
//! image in its place in the painting order. `paint` decides what goes in.

use super::style::Palette;
use crate::layout::{Pt, RingLayout};
use crate::raster::{DotRaster, Sprite};
use std::f64::consts::PI;
use wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d as Ctx2d;

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
pub(super) const CROWDED_TIMER_W: f64 = 2.0;

impl Crowd {
    /// Starts a paint: the buffer covers the ring's box (device pixels),
    /// and the sprites are drawn if the sizes or colours changed.
    pub(super) fn begin(&mut self, layout: &RingLayout, dpr: f64, pal: &Palette) {
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
    pub(super) fn ready(&self) -> bool {
        self.sprites.is_some()
    }

    /// A node's disc centred on `p` (CSS pixels).
    pub(super) fn disc(&mut self, dpr: f64, p: Pt) {
        self.stamp(dpr, p, |s| &s.disc);
    }

    /// A node's timer arc centred on `p` with `left` of it (0 to 1) to run,
    /// to the nearest step up (a timer still running shows some arc).
    pub(super) fn arc(&mut self, dpr: f64, p: Pt, left: f64) {
        let k = ((left.min(1.0) * ARC_STEPS as f64).ceil() as usize).clamp(1, ARC_STEPS);
        self.stamp(dpr, p, |s| &s.arcs[k - 1]);
    }

    fn stamp(&mut self, dpr: f64, p: Pt, pick: impl Fn(&Sprites) -> &Sprite) {
        if let Some(s) = &self.sprites {
            let half = s.side as f64 / 2.0;
            let (x, y) = ((p.x * dpr - half).round(), (p.y * dpr - half).round());
            self.raster.blend(pick(s), x as i32, y as i32);
        }
    }

    /// A rectangle in CSS pixels (whole ones: the crowded dots are aligned).
    pub(super) fn rect(&mut self, dpr: f64, x: f64, y: f64, w: f64, h: f64, colour: [u8; 3]) {
        let d = |v: f64| (v * dpr).round() as i32;
        self.raster
            .fill_rect(d(x), d(y), d(x + w) - d(x), d(y + h) - d(y), colour);
    }

    /// Draws the buffer onto `c` where the dots belong in the painting order.
    pub(super) fn finish(&mut self, c: &Ctx2d) {
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
