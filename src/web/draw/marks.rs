//! The workloads' own marks beside the nodes: the key-value service's
//! queues and roles, Raft's roles, terms and logs.

use super::style::Palette;
use crate::layout::{RingLayout, LOG_ROW, ROLE_LINE};
use crate::sim::{Sim, Workload};
use web_sys::CanvasRenderingContext2d as Ctx2d;

/// The key-value service: beside each server its queue (one cell per
/// request waiting or in service, up to 12, then a count), and over it what
/// it is: ★ for a primary (with its epoch), the keys a shard owns.
pub(super) fn kv_marks(
    c: &Ctx2d,
    sim: &Sim<Workload>,
    layout: &RingLayout,
    nr: f64,
    pal: &Palette,
) {
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
/// cell per entry coloured by term, committed ones solid. `short`: roles as
/// tags at the nodes' shoulders ([`RingLayout::words_fit`]).
pub(super) fn raft_marks(
    c: &Ctx2d,
    sim: &Sim<Workload>,
    layout: &RingLayout,
    nr: f64,
    pal: &Palette,
    short: bool,
) {
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
        if short {
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
                p.y - nr - ROLE_LINE,
            );
        }
        let from = st.log.len().saturating_sub(CELLS);
        let w = 7.0;
        let x0 = p.x - (CELLS as f64 * w) / 2.0;
        let y = p.y + nr + LOG_ROW;
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
