//! Geometry and words the picture shares with the rest of the page (lanes,
//! queue gaps, where a drop died, a node's name and status) and the small
//! canvas paths every mark is made of.

use crate::layout::{along, Pt, RingLayout};
use crate::sim::{AnyMsg, ByzMode, Micros, NodeId, Payload, Sim, Workload};
use std::f64::consts::PI;
use wasm_bindgen::JsValue;
use web_sys::CanvasRenderingContext2d as Ctx2d;

/// Microseconds between departures on a congested link (0: unlimited bandwidth).
pub fn queue_gap(sim: &Sim<Workload>) -> Micros {
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

/// A node's name on the picture: the server of the client/server workload says so.
pub fn node_name(sim: &Sim<Workload>, i: usize) -> String {
    match sim.protocol() {
        Workload::Rpc(_) if i == 0 => "server".to_string(),
        Workload::Rpc(_) => format!("c{i}"),
        Workload::Heartbeat(_) | Workload::Raft(_) | Workload::Swim(_) => format!("n{i}"),
        Workload::Kv(kv) => kv_name(kv, i as u32),
    }
}

/// A service node's short name: LB, store, w0, s1 (a shard's server),
/// 1.2 (shard 1's replica of rank 2), c7 (a client).
fn kv_name(kv: &crate::sim::Kv, i: u32) -> String {
    use crate::sim::Place;
    match kv.place(i) {
        Place::Client => format!("c{i}"),
        Place::Server { .. } if kv.layout == crate::sim::Layout::Single => "server".into(),
        Place::Server { shard } if kv.layout == crate::sim::Layout::Quorum => {
            format!("{shard}.{}", i % kv.copies())
        }
        Place::Server { shard } => format!("s{shard}"),
        Place::Balancer => "LB".into(),
        Place::Store => "store".into(),
        Place::Worker { w } => format!("w{w}"),
        Place::Replica { shard, rank } => format!("{shard}.{rank}"),
    }
}

/// A short word on what is wrong with a node, if anything (also used by the inspector).
pub fn node_status<S>(node: &crate::sim::NodeSlot<S>, now: Micros) -> Option<String> {
    node_status_in(node, now, false)
}

/// [`node_status`], `terse` on a small ring, where a long status under the
/// top node runs into its neighbours: a crashed node that will restart says
/// only when (its disc's cross says that it crashed).
pub fn node_status_in<S>(
    node: &crate::sim::NodeSlot<S>,
    now: Micros,
    terse: bool,
) -> Option<String> {
    if let Some(kind) = node.down {
        return Some(match node.recover_at {
            Some(at) => format!(
                "{}restarts in {:.1}s",
                if terse { "" } else { "crashed, " },
                at.saturating_sub(now) as f64 / 1e6
            ),
            None => kind.label().to_string(),
        });
    }
    let b = node.behaviour;
    let mut parts = Vec::new();
    if let Some(m) = b.byzantine {
        parts.push(match m {
            ByzMode::Corrupt => "byzantine: corrupts",
            ByzMode::Equivocate => "byzantine: equivocates",
            ByzMode::Replay => "byzantine: replays",
            ByzMode::Lie => "byzantine: lies",
        });
    }
    if b.send_omission > 0.0 || b.recv_omission > 0.0 {
        parts.push("omits");
    }
    (!parts.is_empty()).then(|| parts.join(", "))
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

pub(super) fn dash(v: &[f64]) -> JsValue {
    let a = js_sys::Array::new();
    for x in v {
        a.push(&JsValue::from_f64(*x));
    }
    a.into()
}

pub(super) fn cross_path(c: &Ctx2d, p: Pt, s: f64) {
    c.move_to(p.x - s, p.y - s);
    c.line_to(p.x + s, p.y + s);
    c.move_to(p.x + s, p.y - s);
    c.line_to(p.x - s, p.y + s);
}

/// The three message shapes: first sends (ping, request), retransmissions, answers (pong, reply).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Circle,
    Triangle,
    Diamond,
}

/// How a message is drawn, from its kind (Raft: a vote request is a
/// triangle, answers are diamonds, AppendEntries circles; the key-value
/// service: requests circles, answers diamonds, replication and heartbeats
/// triangles).
pub fn shape_of(m: &AnyMsg) -> Shape {
    match m.kind() {
        "pong" | "reply" | "vote" | "append-reply" | "stored" | "ack" | "answers" => Shape::Diamond,
        "retry" | "request-vote" | "replicate" | "beat" | "join" | "redirect" | "ping-req" => {
            Shape::Triangle
        }
        _ => Shape::Circle,
    }
}

/// Starts a path of circles of radius `rad` around each point (one subpath each,
/// so a single stroke or fill draws them all).
pub(super) fn circles(c: &Ctx2d, pts: &[Pt], rad: f64) {
    c.begin_path();
    for p in pts {
        c.move_to(p.x + rad, p.y);
        let _ = c.arc(p.x, p.y, rad, 0.0, 2.0 * PI);
    }
}

pub(super) fn triangle_path(c: &Ctx2d, p: Pt, s: f64) {
    c.move_to(p.x, p.y - s);
    c.line_to(p.x + s * 0.9, p.y + s * 0.65);
    c.line_to(p.x - s * 0.9, p.y + s * 0.65);
}

pub(super) fn star_path(c: &Ctx2d, p: Pt, outer: f64, inner: f64, points: u32) {
    for k in 0..(2 * points) {
        let a = -PI / 2.0 + PI * k as f64 / points as f64;
        let rr = if k % 2 == 0 { outer } else { inner };
        let (x, y) = (p.x + rr * a.cos(), p.y + rr * a.sin());
        if k == 0 {
            c.move_to(x, y);
        } else {
            c.line_to(x, y);
        }
    }
}

pub(super) fn octagon_path(c: &Ctx2d, p: Pt, s: f64) {
    for k in 0..8 {
        let a = PI / 8.0 + PI * k as f64 / 4.0;
        let (x, y) = (p.x + s * a.cos(), p.y + s * a.sin());
        if k == 0 {
            c.move_to(x, y);
        } else {
            c.line_to(x, y);
        }
    }
    c.close_path(); // one subpath: cheap, and the stroke needs its last edge
}

pub(super) fn diamond_path(c: &Ctx2d, p: Pt, s: f64) {
    c.move_to(p.x, p.y - s);
    c.line_to(p.x + s, p.y);
    c.line_to(p.x, p.y + s);
    c.line_to(p.x - s, p.y);
    // No close_path: `fill` closes subpaths itself, and Skia's closePath on a path
    // with thousands of subpaths was the single most expensive call per frame.
}
