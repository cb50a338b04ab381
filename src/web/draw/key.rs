//! What the canvas shows that does not move by itself, as one number: the
//! frame loop repaints a sparse scene at an event only when it changed.

use crate::sim::heartbeat::FD_TIMER_BASE;
use crate::sim::{Sim, Workload};

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
