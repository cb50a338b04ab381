//! Geometry of the picture: where nodes sit and where a message is at a given
//! instant. Pure functions of the snapshot and the canvas size, so the drawing
//! code stays thin and this part is tested natively.

use crate::sim::{Flight, Micros};

/// A point in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pt {
    /// Horizontal, from the left.
    pub x: f64,
    /// Vertical, from the top.
    pub y: f64,
}

/// A ring of at most this many nodes has words beside its discs: each
/// node's clock and status, a Raft node's role, term and log.
pub const WORDS_MAX: u32 = 12;
/// Under a disc's edge, where those words go (CSS px): the middle of the
/// first line (a clock, or a down node's name), of the second (a status),
/// and the top of a Raft log's row of cells, 10 px tall.
pub const LINE_1: f64 = 14.0;
/// Over a disc's edge, the middle of a Raft node's role line.
pub const ROLE_LINE: f64 = 12.0;
pub const LINE_2: f64 = 27.0;
pub const LOG_ROW: f64 = 34.0;
/// The room they need over a disc (a Raft role's line, half a line's height
/// over its middle, and a few pixels to spare) and under it (down to the
/// log's cells).
const WORDS_ABOVE: f64 = ROLE_LINE + 10.0;
const WORDS_BELOW: f64 = LOG_ROW + 12.0;
/// The room kept around a disc of a larger ring.
const MARGIN: f64 = 22.0;

/// Node positions on a ring that fills a `w` x `h` stage.
#[derive(Clone, Debug, PartialEq)]
pub struct RingLayout {
    /// Centre of each node, by node id.
    pub pos: Vec<Pt>,
    /// Radius of a node's disc.
    pub node_r: f64,
    /// Radius of the ring.
    pub ring_r: f64,
    /// Centre of the ring.
    pub center: Pt,
}

impl RingLayout {
    /// Lays `n` nodes on a ring, node 0 at the top, clockwise. Node discs shrink
    /// as the ring gets crowded, but never below a clickable size. A small
    /// ring keeps room over its top node and under its lowest for their
    /// words (an even ring has a node at the very bottom, an odd one two
    /// nodes a little higher), and is centred on what it draws.
    pub fn new(n: u32, w: f64, h: f64) -> Self {
        use std::f64::consts::{FRAC_PI_2, PI};
        let n_f = n.max(1) as f64;
        let angle = |i: u32| -FRAC_PI_2 + 2.0 * PI * i as f64 / n_f;
        let half = (w.min(h) / 2.0).max(40.0);
        // Spacing between neighbours on the ring limits the disc size.
        let provisional_ring = half * 0.78;
        let spacing = 2.0 * PI * provisional_ring / n_f;
        let node_r = (spacing * 0.36).clamp(5.0, (half * 0.11).clamp(14.0, 30.0));
        let (above, below) = if n <= WORDS_MAX {
            (WORDS_ABOVE, WORDS_BELOW)
        } else {
            (MARGIN, MARGIN)
        };
        // How far under the centre the lowest node is, in ring radii.
        let low = (0..n).map(|i| angle(i).sin()).fold(-1.0, f64::max);
        let room = h - 2.0 * node_r - above - below;
        let mut ring_r = half - node_r - MARGIN;
        if low > -1.0 {
            ring_r = ring_r.min(room / (1.0 + low));
        }
        let ring_r = ring_r.max(node_r * 2.0);
        // What the ring draws spans from its top node's words to its lowest
        // node's: centred in the stage.
        let top = above + node_r + ring_r;
        let span = top + ring_r * low + node_r + below;
        let center = Pt {
            x: w / 2.0,
            y: if n <= 1 {
                h / 2.0
            } else {
                top + (h - span) / 2.0
            },
        };
        let pos = (0..n)
            .map(|i| Pt {
                x: center.x + ring_r * angle(i).cos(),
                y: center.y + ring_r * angle(i).sin(),
            })
            .collect();
        RingLayout {
            pos,
            node_r,
            ring_r,
            center,
        }
    }

    /// Whether the words around the nodes fit at full length: a Raft node's
    /// role over it ("follower · term 1", about 100 px wide, rather than a tag
    /// at its shoulder, "t1") and a crashed node's status under it ("crashed,
    /// restarts in 3.8s", about 165 px, rather than "restarts in 3.8s"). The
    /// top node's neighbour's role must clear the top node's status (and role)
    /// either beside it or under it: fine on a large ring, not on a small one
    /// or a crowded one.
    pub fn words_fit(&self) -> bool {
        let n = self.pos.len();
        if n < 2 {
            return true;
        }
        let a = 2.0 * std::f64::consts::PI / n as f64;
        let (across, down) = (self.ring_r * a.sin(), self.ring_r * (1.0 - a.cos()));
        // Half a role's width plus half a status's, and a few pixels between.
        let apart = across >= 50.0 + 83.0 + 4.0;
        // Under the top disc down to its status line's bottom; over the
        // neighbour's disc up to its role line's top.
        let clear = down >= (self.node_r + LINE_2 + 6.0) + (self.node_r + ROLE_LINE + 6.0);
        apart || clear
    }

    /// The node whose disc contains `p` (with a little slack for small discs).
    pub fn node_at(&self, p: Pt) -> Option<u32> {
        let slack = self.node_r.max(8.0);
        self.pos
            .iter()
            .enumerate()
            .map(|(i, q)| (i as u32, dist2(p, *q)))
            .filter(|(_, d)| *d <= slack * slack)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }

    /// The undirected link `(a, b)` (a < b) whose segment passes within `tol` of `p`,
    /// outside the node discs. Scans all pairs: call it on a click, never per frame.
    pub fn link_at(&self, p: Pt, tol: f64) -> Option<(u32, u32)> {
        let n = self.pos.len() as u32;
        let mut best: Option<(f64, (u32, u32))> = None;
        for a in 0..n {
            for b in (a + 1)..n {
                let (pa, pb) = (self.pos[a as usize], self.pos[b as usize]);
                if dist2(p, pa) < self.node_r * self.node_r
                    || dist2(p, pb) < self.node_r * self.node_r
                {
                    continue;
                }
                let d = seg_dist(p, pa, pb);
                if d <= tol && best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, (a, b)));
                }
            }
        }
        best.map(|(_, l)| l)
    }
}

/// Squared distance.
pub fn dist2(a: Pt, b: Pt) -> f64 {
    (a.x - b.x).powi(2) + (a.y - b.y).powi(2)
}

/// Distance from `p` to the segment `a`-`b`.
pub fn seg_dist(p: Pt, a: Pt, b: Pt) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    };
    dist2(
        p,
        Pt {
            x: a.x + t * dx,
            y: a.y + t * dy,
        },
    )
    .sqrt()
}

/// How far along its edge (0 at the sender, 1 at the receiver) a message is at `now`.
/// Interpolated from its departure and arrival times, never from frame counts, so
/// the picture is the same whatever the frame rate. Before departure (queued at a
/// congested sender) it is 0; a lost message stops where it was lost.
pub fn progress<M>(f: &Flight<M>, now: Micros) -> f64 {
    if now <= f.depart || f.arrive <= f.depart {
        return 0.0;
    }
    let end = f.lost.map_or(f.arrive, |(t, _)| t);
    let t = now.min(end);
    (t - f.depart) as f64 / (f.arrive - f.depart) as f64
}

/// Where message `f` is drawn at `now`: along its edge by [`progress`], or, while it
/// waits in a congested sender's queue, on the edge just outside the sender, one
/// `QUEUE_STEP_PX` further out per message ahead of it (`gap`: µs between
/// departures on a link, from its bandwidth), so a queue is visible as a line.
pub fn flight_pos<M>(
    layout: &RingLayout,
    f: &Flight<M>,
    now: Micros,
    lane: f64,
    gap: Micros,
) -> Pt {
    let (a, b) = (layout.pos[f.from.0 as usize], layout.pos[f.to.0 as usize]);
    if now < f.depart && gap > 0 {
        let len = dist2(a, b).sqrt().max(1.0);
        let ahead = ((f.depart - now) as f64 / gap as f64).min(12.0);
        let d = layout.node_r + 6.0 + QUEUE_STEP_PX * ahead;
        return along(a, b, (d / len).min(0.5), lane);
    }
    along(a, b, progress(f, now), lane)
}

/// Spacing of queued messages outside their sender, CSS px.
pub const QUEUE_STEP_PX: f64 = 5.0;

/// Point at fraction `t` of the way from `a` to `b`, nudged sideways by `lane`
/// pixels so that the two directions of a link do not draw on top of each other.
pub fn along(a: Pt, b: Pt, t: f64, lane: f64) -> Pt {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (nx, ny) = (-dy / len, dx / len);
    Pt {
        x: a.x + dx * t + nx * lane,
        y: a.y + dy * t + ny * lane,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{DropReason, NodeId};

    fn flight(depart: Micros, arrive: Micros, lost: Option<Micros>) -> Flight<()> {
        Flight {
            id: 0,
            from: NodeId(0),
            to: NodeId(1),
            sent_at: 0,
            depart,
            arrive,
            lost: lost.map(|t| (t, DropReason::Loss)),
            dup: false,
            deviant: false,
            msg: (),
            entry: 0,
            stamp: None,
        }
    }

    #[test]
    fn progress_is_interpolated_from_times() {
        let f = flight(100, 300, None);
        assert_eq!(progress(&f, 50), 0.0);
        assert_eq!(progress(&f, 100), 0.0);
        assert_eq!(progress(&f, 200), 0.5);
        assert_eq!(progress(&f, 300), 1.0);
        let lost = flight(100, 300, Some(150));
        assert_eq!(
            progress(&lost, 290),
            0.25,
            "a lost message stops where it was lost"
        );
    }

    #[test]
    fn queued_messages_line_up_outside_the_sender() {
        let l = RingLayout::new(2, 400.0, 400.0);
        let gap = 100;
        let first = flight(1_000, 2_000, None);
        let second = flight(1_100, 2_100, None);
        let (p1, p2) = (
            flight_pos(&l, &first, 900, 0.0, gap),
            flight_pos(&l, &second, 900, 0.0, gap),
        );
        let d1 = dist2(p1, l.pos[0]).sqrt();
        let d2 = dist2(p2, l.pos[0]).sqrt();
        assert!(d1 > l.node_r, "outside the sender's disc: {d1}");
        assert!(
            (d2 - d1 - QUEUE_STEP_PX).abs() < 1e-9,
            "one step further per message ahead: {d1} {d2}"
        );
        // Once departed, the usual interpolation.
        assert_eq!(
            flight_pos(&l, &first, 1_500, 0.0, gap),
            along(l.pos[0], l.pos[1], 0.5, 0.0)
        );
    }

    #[test]
    fn a_small_rings_words_stay_on_the_stage() {
        // The stage sizes of a laptop's page (the legend's room taken off), a
        // wide one, and an embed. Even rings have a node at the very bottom.
        for (w, h) in [(910.0, 518.0), (1400.0, 700.0), (800.0, 330.0)] {
            for n in 2..=WORDS_MAX {
                let l = RingLayout::new(n, w, h);
                let top = l.pos.iter().map(|p| p.y).fold(f64::MAX, f64::min);
                let low = l.pos.iter().map(|p| p.y).fold(f64::MIN, f64::max);
                let (over, under) = (top - l.node_r - WORDS_ABOVE, low + l.node_r + WORDS_BELOW);
                assert!(
                    over >= -1e-9,
                    "{w}x{h}, n {n}: a role {over} px over the top"
                );
                assert!(
                    under <= h + 1e-9,
                    "{w}x{h}, n {n}: a log down to {under} of {h}"
                );
                assert!(
                    (over - (h - under)).abs() < 1e-6,
                    "{w}x{h}, n {n}: centred ({over} over, {} under)",
                    h - under
                );
            }
        }
        // A laptop's page has room for Raft's roles in words at 5 to 8 nodes,
        // not at 12; a small embed does not at 5.
        for n in [5, 6, 7, 8] {
            assert!(RingLayout::new(n, 910.0, 518.0).words_fit(), "n {n}");
        }
        assert!(!RingLayout::new(12, 910.0, 518.0).words_fit());
        assert!(!RingLayout::new(5, 640.0, 260.0).words_fit());
        assert!(RingLayout::new(2, 640.0, 260.0).words_fit());
        // A 300-node ring is not changed by words it does not draw.
        let l = RingLayout::new(300, 910.0, 518.0);
        assert_eq!(l.ring_r, 259.0 - l.node_r - MARGIN);
    }

    #[test]
    fn ring_positions_and_hit_tests() {
        for n in [1u32, 2, 5, 100, 300] {
            let l = RingLayout::new(n, 800.0, 600.0);
            assert_eq!(l.pos.len(), n as usize);
            for (i, p) in l.pos.iter().enumerate() {
                assert!(
                    p.x >= 0.0 && p.x <= 800.0 && p.y >= 0.0 && p.y <= 600.0,
                    "n {n}: {p:?}"
                );
                assert_eq!(l.node_at(*p), Some(i as u32), "n {n}");
            }
        }
        let l = RingLayout::new(4, 400.0, 400.0);
        // Node 0 is at the top, node 2 at the bottom: the centre lies on link 0-2.
        assert!(matches!(
            l.link_at(l.center, 3.0),
            Some((0, 2)) | Some((1, 3))
        ));
        let mid01 = along(l.pos[0], l.pos[1], 0.5, 0.0);
        assert_eq!(l.link_at(mid01, 3.0), Some((0, 1)));
        assert_eq!(l.link_at(Pt { x: 1.0, y: 1.0 }, 3.0), None);
    }
}
