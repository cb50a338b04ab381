//! Crowded scenes' message dots as pixels.
//!
//! With thousands of messages in flight the canvas's own rasterizer (Skia,
//! in software here) spends more on the dots than the core spends simulating
//! them: measured at 300 nodes with 7,000 in flight, one path of 7,000
//! pixel-aligned rectangles cost ~5.7 ms of every 12.5 ms commit. The dots
//! there are small axis-aligned rectangles on whole device pixels, so they
//! are cheap to set here, byte by byte, and hand to the canvas as one image
//! (`putImageData` onto a spare canvas, `drawImage` in the painting order):
//! the same pixels, a fraction of the cost.
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

    /// The colour at (`x`, `y`) in canvas coordinates (transparent outside).
    pub fn pixel(&self, x: i32, y: i32) -> [u8; 4] {
        let (lx, ly) = (x - self.x0, y - self.y0);
        if lx < 0 || ly < 0 || lx >= self.w as i32 || ly >= self.h as i32 {
            return [0; 4];
        }
        let i = (ly as usize * self.w as usize + lx as usize) * 4;
        [self.px[i], self.px[i + 1], self.px[i + 2], self.px[i + 3]]
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
    fn palette_colours_parse() {
        assert_eq!(rgb("#2563eb"), [0x25, 0x63, 0xeb]);
        assert_eq!(rgb("#FFFFFF"), [255, 255, 255]);
        assert_eq!(rgb("red"), [0, 0, 0]);
        assert_eq!(rgb("#12345"), [0, 0, 0]);
        assert_eq!(rgb("#12é456"), [0, 0, 0]);
    }
}
