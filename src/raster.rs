//! Crowded scenes' message dots, node discs and timer arcs as pixels.
//!
//! With thousands of messages in flight the canvas's own rasterizer (Skia,
//! in software here) spends more on the picture than the core spends
//! simulating it: measured at 300 nodes with 7,000 in flight, one path of
//! 7,000 pixel-aligned rectangles cost ~5.7 ms of every 12.5 ms commit, the
//! 600 small discs and arcs ~5 ms more. The dots there are small
//! axis-aligned rectangles on whole device pixels, so they are cheap to set
//! here, byte by byte; a disc or an arc is the same few hundred pixels each
//! time, so the canvas draws it once (an arc at each of 48 steps) and it is
//! laid here as a sprite. The whole is handed to the canvas as one image
//! (`putImageData` onto a spare canvas, `drawImage` in the painting order).
//! The dots are the same pixels as the canvas's; a sprite may sit up to half
//! a device pixel from where the canvas would have drawn its disc.
//!
//! Plain Rust (no browser types) so it is tested natively; the page's side
//! is in `web::draw`.

/// An RGBA buffer (the byte order of `ImageData`) covering a box of the
/// canvas in device pixels, transparent until something is drawn.
#[derive(Debug, Default, Clone)]
pub struct DotRaster {
    x0: i32,
    y0: i32,
    w: u32,
    h: u32,
    px: Vec<u8>,
}

impl DotRaster {
    /// Covers `w` × `h` device pixels from (`x0`, `y0`), all transparent
    /// (keeps its allocation from paint to paint).
    pub fn reset(&mut self, x0: i32, y0: i32, w: u32, h: u32) {
        self.x0 = x0;
        self.y0 = y0;
        self.w = w;
        self.h = h;
        let len = w as usize * h as usize * 4;
        self.px.clear();
        self.px.resize(len, 0);
    }

    /// Where the box is on the canvas, and its size (device pixels).
    pub fn bounds(&self) -> (i32, i32, u32, u32) {
        (self.x0, self.y0, self.w, self.h)
    }

    /// The pixels, row by row, RGBA.
    pub fn bytes(&self) -> &[u8] {
        &self.px
    }

    /// Fills the rectangle of device pixels from (`x`, `y`) (canvas
    /// coordinates), `w` × `h`, with an opaque colour; what falls outside
    /// the box is cut off.
    pub fn fill_rect(&mut self, x: i32, y: i32, w: i32, h: i32, rgb: [u8; 3]) {
        let (bw, bh) = (self.w as i32, self.h as i32);
        let (lx, ly) = (x - self.x0, y - self.y0);
        let (x1, y1) = (lx.max(0), ly.max(0));
        let (x2, y2) = ((lx + w).min(bw), (ly + h).min(bh));
        if x1 >= x2 || y1 >= y2 {
            return;
        }
        let px = [rgb[0], rgb[1], rgb[2], 255];
        for row in y1..y2 {
            let start = (row as usize * self.w as usize + x1 as usize) * 4;
            let end = (row as usize * self.w as usize + x2 as usize) * 4;
            for p in self.px[start..end].chunks_exact_mut(4) {
                p.copy_from_slice(&px);
            }
        }
    }

    /// Lays `s` over the buffer (source over) with its top-left corner at
    /// (`x`, `y`) in canvas coordinates; what falls outside is cut off.
    pub fn blend(&mut self, s: &Sprite, x: i32, y: i32) {
        let (lx, ly) = (x - self.x0, y - self.y0);
        let (bw, bh) = (self.w as i32, self.h as i32);
        for sy in 0..s.h as i32 {
            let row = ly + sy;
            if row < 0 || row >= bh {
                continue;
            }
            for sx in 0..s.w as i32 {
                let col = lx + sx;
                if col < 0 || col >= bw {
                    continue;
                }
                let si = ((sy * s.w as i32 + sx) * 4) as usize;
                let src = &s.px[si..si + 4];
                let sa = u32::from(src[3]);
                if sa == 0 {
                    continue;
                }
                let di = ((row * bw + col) * 4) as usize;
                let dst = &mut self.px[di..di + 4];
                if sa == 255 {
                    dst.copy_from_slice(src);
                    continue;
                }
                // Both colours are straight (not premultiplied), as in ImageData.
                let da = u32::from(dst[3]);
                let under = da * (255 - sa); // the destination's share, ×255
                let out = sa * 255 + under; // the result's alpha, ×255
                for c in 0..3 {
                    let v = u32::from(src[c]) * sa * 255 + u32::from(dst[c]) * under;
                    dst[c] = ((v + out / 2) / out) as u8;
                }
                dst[3] = ((out + 127) / 255) as u8;
            }
        }
    }

    /// The colour at (`x`, `y`) in canvas coordinates (transparent outside).
    #[cfg(test)]
    fn pixel(&self, x: i32, y: i32) -> [u8; 4] {
        let (lx, ly) = (x - self.x0, y - self.y0);
        if lx < 0 || ly < 0 || lx >= self.w as i32 || ly >= self.h as i32 {
            return [0; 4];
        }
        let i = (ly as usize * self.w as usize + lx as usize) * 4;
        [self.px[i], self.px[i + 1], self.px[i + 2], self.px[i + 3]]
    }
}

/// A small picture to lay over a `DotRaster` many times (a node's disc, a
/// timer's arc), drawn once by the canvas itself and read back, so it is
/// anti-aliased exactly as the canvas would draw it.
#[derive(Debug, Default, Clone)]
pub struct Sprite {
    pub w: u32,
    pub h: u32,
    /// Straight RGBA, row by row (`getImageData`'s form).
    pub px: Vec<u8>,
}

impl Sprite {
    /// The `w` × `h` sprite at (`x`, `y`) of an RGBA sheet `sheet_w` wide
    /// (transparent where the sheet is short).
    pub fn cut(sheet: &[u8], sheet_w: u32, x: u32, y: u32, w: u32, h: u32) -> Sprite {
        let mut px = vec![0; w as usize * h as usize * 4];
        // Pixels of a row that lie on the sheet (never wrap into the next row).
        let n = w.min(sheet_w.saturating_sub(x)) as usize * 4;
        for row in 0..h {
            let from = ((y + row) as usize * sheet_w as usize + x as usize) * 4;
            let to = (row * w * 4) as usize;
            if let Some(src) = sheet.get(from..from + n) {
                px[to..to + n].copy_from_slice(src);
            }
        }
        Sprite { w, h, px }
    }
}

/// A `#rrggbb` colour as bytes (the palette's form); anything else is black,
/// so a mistyped palette entry shows rather than breaks the picture.
pub fn rgb(hex: &str) -> [u8; 3] {
    let h = hex.strip_prefix('#').unwrap_or("");
    let byte = |i: usize| h.get(i..i + 2).and_then(|s| u8::from_str_radix(s, 16).ok());
    match (h.len(), byte(0), byte(2), byte(4)) {
        (6, Some(r), Some(g), Some(b)) => [r, g, b],
        _ => [0, 0, 0],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rectangle_sets_exactly_its_pixels() {
        let mut r = DotRaster::default();
        r.reset(10, 20, 30, 40);
        r.fill_rect(12, 25, 4, 2, [1, 2, 3]);
        let mut set = 0;
        for y in 20..60 {
            for x in 10..40 {
                let inside = (12..16).contains(&x) && (25..27).contains(&y);
                assert_eq!(
                    r.pixel(x, y),
                    if inside { [1, 2, 3, 255] } else { [0; 4] },
                    "at {x},{y}"
                );
                set += u32::from(inside);
            }
        }
        assert_eq!(set, 8);
    }

    #[test]
    fn rectangles_over_the_edge_are_cut_off_not_wrapped() {
        let mut r = DotRaster::default();
        r.reset(0, 0, 8, 8);
        // Over the right edge: must not spill into the next row's start.
        r.fill_rect(6, 2, 4, 1, [9, 9, 9]);
        assert_eq!(r.pixel(7, 2), [9, 9, 9, 255]);
        assert_eq!(r.pixel(0, 3), [0; 4]);
        // Wholly outside, or with no area: nothing, and no panic.
        r.fill_rect(-20, -20, 4, 4, [9, 9, 9]);
        r.fill_rect(100, 3, 4, 4, [9, 9, 9]);
        r.fill_rect(3, 3, 0, 4, [9, 9, 9]);
        r.fill_rect(-2, -2, 3, 3, [5, 5, 5]);
        assert_eq!(r.pixel(0, 0), [5, 5, 5, 255]);
        assert_eq!(r.bytes().iter().filter(|&&b| b == 5).count(), 3);
    }

    #[test]
    fn reset_clears_and_moves_the_box() {
        let mut r = DotRaster::default();
        r.reset(0, 0, 4, 4);
        r.fill_rect(0, 0, 4, 4, [1, 1, 1]);
        r.reset(100, 100, 4, 4);
        assert!(r.bytes().iter().all(|&b| b == 0));
        assert_eq!(r.bytes().len(), 64);
        r.fill_rect(101, 101, 1, 1, [7, 7, 7]);
        assert_eq!(r.pixel(101, 101), [7, 7, 7, 255]);
        assert_eq!(r.bounds(), (100, 100, 4, 4));
    }

    #[test]
    fn sprites_lay_over_with_source_over_and_are_cut_off_at_the_edge() {
        let mut r = DotRaster::default();
        r.reset(0, 0, 4, 4);
        r.fill_rect(0, 0, 4, 4, [0, 0, 200]);
        let s = Sprite {
            w: 2,
            h: 2,
            // Opaque red, half-transparent white, transparent, a quarter green.
            px: vec![
                255, 0, 0, 255, 255, 255, 255, 128, 9, 9, 9, 0, 0, 255, 0, 64,
            ],
        };
        r.blend(&s, 1, 1);
        assert_eq!(r.pixel(1, 1), [255, 0, 0, 255]);
        // Half white over opaque blue: about half way.
        let p = r.pixel(2, 1);
        assert!(
            p[3] == 255 && (127..=129).contains(&p[0]) && (227..=229).contains(&p[2]),
            "{p:?}"
        );
        assert_eq!(r.pixel(1, 2), [0, 0, 200, 255], "transparent leaves it");
        let q = r.pixel(2, 2);
        assert!(
            q[3] == 255 && (63..=65).contains(&q[1]) && (149..=151).contains(&q[2]),
            "{q:?}"
        );
        // Over a transparent pixel a sprite's pixel is itself.
        r.reset(0, 0, 4, 4);
        r.blend(&s, 0, 0);
        assert_eq!(r.pixel(1, 0), [255, 255, 255, 128]);
        assert_eq!(r.pixel(1, 1), [0, 255, 0, 64]);
        // Over the edges: no panic, only the inside changes.
        r.reset(0, 0, 4, 4);
        r.blend(&s, -1, -1);
        r.blend(&s, 3, 3);
        r.blend(&s, 40, -40);
        assert_eq!(r.pixel(0, 0), [0, 255, 0, 64]);
        assert_eq!(r.pixel(3, 3), [255, 0, 0, 255]);
        // Two pixels, each with two non-zero bytes.
        assert_eq!(r.bytes().iter().filter(|&&b| b != 0).count(), 4);
    }

    #[test]
    fn sprites_cut_from_a_sheet() {
        // A 3 × 2 sheet whose pixels are numbered.
        let sheet: Vec<u8> = (0..6u8).flat_map(|i| [i, i, i, 255]).collect();
        let s = Sprite::cut(&sheet, 3, 1, 0, 2, 2);
        assert_eq!(
            s.px.chunks(4).map(|p| p[0]).collect::<Vec<_>>(),
            vec![1, 2, 4, 5]
        );
        // Past the sheet's right edge and end: transparent (no wrapping into
        // the next row), no panic.
        let t = Sprite::cut(&sheet, 3, 2, 0, 2, 3);
        assert_eq!(
            t.px.chunks(4).map(|p| (p[0], p[3])).collect::<Vec<_>>(),
            vec![(2, 255), (0, 0), (5, 255), (0, 0), (0, 0), (0, 0)]
        );
    }

    #[test]
    fn palette_colours_parse() {
        assert_eq!(rgb("#2563eb"), [0x25, 0x63, 0xeb]);
        assert_eq!(rgb("#FFFFFF"), [255, 255, 255]);
        assert_eq!(rgb("red"), [0, 0, 0]);
        assert_eq!(rgb("#12345"), [0, 0, 0]);
        assert_eq!(rgb("#12é456"), [0, 0, 0]);
    }
}
