//! The diagram's data: the message arrows and events that cross a window,
//! read from the trace's recent events; down spans; causal relations.

use super::super::host::Host;
use super::SpaceTime;
use crate::sim::{
    AnyMsg, Command, DropReason, Micros, Protocol, Sim, Stamp, TimerTag, TraceEvent, TraceKind,
    Workload,
};
use std::collections::BTreeMap;

/// A message as the diagram draws it, from its send record.
pub(super) struct Arrow<'a> {
    pub(super) ev: &'a TraceEvent<AnyMsg>,
    pub(super) id: u64,
    pub(super) from: u32,
    pub(super) to: u32,
    pub(super) msg: &'a AnyMsg,
    pub(super) depart: Micros,
    pub(super) arrive: Micros,
    pub(super) dup: bool,
    pub(super) deviant: bool,
    /// Where it died, if it did: time and why.
    pub(super) died: Option<(Micros, DropReason)>,
    /// The logical clocks of its receipt, if it was received (and they are kept).
    pub(super) recv: Option<Stamp>,
}

/// A timer firing, as the diagram draws it: a local event of its node.
pub(super) struct Tick<'a> {
    pub(super) ev: &'a TraceEvent<AnyMsg>,
    pub(super) node: u32,
    pub(super) tag: TimerTag,
}

/// What crosses the window, from one pass over the trace: message arrows
/// and timer firings.
pub(super) struct Shown<'a> {
    pub(super) arrows: Vec<Arrow<'a>>,
    pub(super) ticks: Vec<Tick<'a>>,
    /// The run they were read from: the live one, or older history rebuilt.
    pub(super) src: &'a Sim<Workload>,
}

/// How long before a window its arrows' sends are looked for: the longest
/// a message can be in flight, or with delay spikes (which have no bound)
/// 10 s more, which covers 19 spiked messages in 20 (the rest show from
/// their send and as ✕-less ends, not as lines across later windows).
pub(super) fn longest_flight(sim: &Sim<Workload>) -> Micros {
    let net = &sim.network().config;
    net.latency.bounds().1
        + if net.spikes == crate::sim::Spikes::NONE {
            0
        } else {
            10_000_000
        }
}

/// Most timer firings drawn (and pickable) per window: beyond, the latest.
const TICK_BUDGET: usize = 4000;

/// How an event relates to the picked one.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Rel {
    Past,
    Future,
    Concurrent,
    Same,
}

pub(super) fn relation(pick: &Stamp, other: &Stamp) -> Option<Rel> {
    if pick == other {
        return Some(Rel::Same);
    }
    Some(if other.before(pick)? {
        Rel::Past
    } else if pick.before(other)? {
        Rel::Future
    } else {
        Rel::Concurrent
    })
}

/// Whether arrow `a` was received "before" it was sent, by the clocks of
/// its two nodes: the receiver's local time at receipt is earlier than the
/// sender's local time at the send. Physical clocks can disagree with
/// causality; logical clocks cannot.
pub(super) fn backwards(host: &Host, shown: &Shown, a: &Arrow) -> bool {
    let nodes = shown.src.nodes();
    a.died.is_none()
        && a.arrive <= host.sim.now()
        && nodes[a.to as usize].clock.local_at(a.arrive)
            < nodes[a.from as usize].clock.local_at(a.ev.time)
}

impl SpaceTime {
    /// Where arrow `a` is drawn now: from its send to where it is (its
    /// receipt, its death, or in flight at `now`), as (x0, y0, x1, y1).
    pub(super) fn segment(
        &self,
        a: &Arrow,
        t0: Micros,
        n: u32,
        now: Micros,
    ) -> (f64, f64, f64, f64) {
        let (x0, y0) = (self.x(a.ev.time, t0), self.y(a.from, n));
        let t = a.died.map_or(a.arrive, |(t, _)| t).min(now);
        let f = (t.saturating_sub(a.depart) as f64
            / (a.arrive.max(a.depart + 1) - a.depart) as f64)
            .clamp(0.0, 1.0);
        let yt = self.y(a.to, n);
        (x0, y0, self.x(t, t0), y0 + (yt - y0) * f)
    }

    /// The sends whose arrows cross the window, with how each ended, and
    /// the timers that fired in it.
    pub(super) fn shown<'a>(&'a self, host: &'a Host, t0: Micros, t1: Micros) -> Shown<'a> {
        let src = self.source(host, t0, t1);
        let mut ticks = Vec::new();
        let mut died: BTreeMap<u64, (Micros, DropReason)> = BTreeMap::new();
        let mut recv: BTreeMap<(u64, Micros), Stamp> = BTreeMap::new();
        let mut out = Vec::new();
        // A message crossing the window was sent at most one flight before it.
        let longest = longest_flight(src);
        for e in src.trace().recent_from(t0.saturating_sub(longest + 1)) {
            if e.time > t1 {
                break;
            }
            match &e.kind {
                TraceKind::Send {
                    id,
                    from,
                    to,
                    msg,
                    depart,
                    arrive,
                    dup,
                    deviant,
                    lost,
                } => {
                    let end = lost.map_or(*arrive, |(t, _)| t);
                    if end < t0 {
                        continue;
                    }
                    out.push(Arrow {
                        ev: e,
                        id: *id,
                        from: from.0,
                        to: to.0,
                        msg,
                        depart: *depart,
                        arrive: *arrive,
                        dup: *dup,
                        deviant: *deviant,
                        died: *lost,
                        recv: None,
                    });
                }
                TraceKind::TimerFire { node, tag } if e.time >= t0 => {
                    ticks.push(Tick {
                        ev: e,
                        node: node.0,
                        tag: *tag,
                    });
                }
                TraceKind::Deliver { id, .. } => {
                    if let Some(st) = &e.stamp {
                        recv.insert((*id, e.time), st.clone());
                    }
                }
                TraceKind::Drop { id, reason, .. }
                    if !matches!(
                        reason,
                        DropReason::Loss | DropReason::Partition | DropReason::SendOmission
                    ) =>
                {
                    died.insert(*id, (e.time, *reason));
                }
                _ => {}
            }
        }
        for a in &mut out {
            if a.died.is_none() {
                if let Some(d) = died.get(&a.id) {
                    a.died = Some(*d);
                }
            }
            if a.died.is_none() {
                a.recv = recv.remove(&(a.id, a.arrive));
            }
        }
        if ticks.len() > TICK_BUDGET {
            ticks.drain(..ticks.len() - TICK_BUDGET);
        }
        Shown {
            arrows: out,
            ticks,
            src,
        }
    }

    /// The events with logical clocks in the window: the sends and receipts
    /// of the arrows shown and the timer firings, as (x, y, stamp, node,
    /// time, words).
    pub(super) fn events<'a>(
        &self,
        host: &Host,
        shown: &'a Shown<'a>,
        t0: Micros,
    ) -> Vec<(f64, f64, &'a Stamp, u32, Micros, String)> {
        let n = host.nodes();
        let now = host.sim.now();
        let mut out = Vec::new();
        // One event: where it is drawn, its clocks, its node, when, in words.
        let mut at = |st: &'a Stamp, node: u32, time: Micros, what: String| {
            out.push((self.x(time, t0), self.y(node, n), st, node, time, what))
        };
        for t in &shown.ticks {
            if let Some(st) = &t.ev.stamp {
                let name = host.sim.protocol().timer_name(t.tag);
                at(
                    st,
                    t.node,
                    t.ev.time,
                    format!("n{}'s {name} timer fires", t.node),
                );
            }
        }
        for a in &shown.arrows {
            if let (Some(st), false) = (&a.ev.stamp, a.dup) {
                at(
                    st,
                    a.from,
                    a.ev.time,
                    format!("n{} sends m{}", a.from, a.id),
                );
            }
            if let (Some(st), true) = (&a.recv, a.arrive <= now) {
                at(st, a.to, a.arrive, format!("n{} receives m{}", a.to, a.id));
            }
        }
        out
    }

    /// Where a receive event in the middle of the view is ("x,y"), for tests.
    pub(super) fn event_probe(&self, host: &Host, shown: &Shown, t0: Micros) -> String {
        let evs = self.events(host, shown, t0);
        evs.get(evs.len() / 2)
            .map(|(x, y, ..)| format!("{x:.1},{y:.1}"))
            .unwrap_or_default()
    }

    /// How many events in view are in the picked event's past, future, or
    /// concurrent with it (None without vector clocks).
    pub(super) fn causal_counts(
        &self,
        host: &Host,
        shown: &Shown,
        t0: Micros,
    ) -> Option<(usize, usize, usize)> {
        let pick = host.event.as_ref()?;
        pick.stamp.vector.as_ref()?;
        let (mut p, mut f, mut c) = (0, 0, 0);
        for (.., st, _, _, _) in self.events(host, shown, t0) {
            match relation(&pick.stamp, st)? {
                Rel::Past => p += 1,
                Rel::Future => f += 1,
                Rel::Concurrent => c += 1,
                Rel::Same => {}
            }
        }
        Some((p, f, c))
    }

    /// When each node was down within the window: (node, from, to), from the
    /// crashes and restarts in the trace and the nodes' state now.
    pub(super) fn down_spans(
        src: &Sim<Workload>,
        t0: Micros,
        t1: Micros,
    ) -> Vec<(u32, Micros, Micros)> {
        let now = src.now().min(t1);
        let n = src.nodes().len();
        // Per node: when it went down (if it is down at the point scanned).
        let mut since: Vec<Option<Micros>> = vec![None; n];
        let mut first_event: Vec<bool> = vec![true; n];
        let mut spans = Vec::new();
        for e in src.trace().recent_from(t0) {
            if e.time > t1 {
                break;
            }
            let (node, up) = match &e.kind {
                TraceKind::Command(Command::Crash(v) | Command::FailStop(v)) => (v.0, false),
                TraceKind::Command(Command::CrashRecover { node, .. }) => (node.0, false),
                TraceKind::Command(Command::Recover(v)) => (v.0, true),
                TraceKind::Restart { node, .. } => (node.0, true),
                _ => continue,
            };
            let i = node as usize;
            if i >= n {
                continue;
            }
            if up {
                // Coming up with no crash seen in the window: down since before it.
                let from = since[i].take().or(first_event[i].then_some(t0));
                if let Some(a) = from {
                    spans.push((node, a, e.time));
                }
            } else if since[i].is_none() {
                since[i] = Some(e.time);
            }
            first_event[i] = false;
        }
        for (i, node) in src.nodes().iter().enumerate() {
            if node.is_up() {
                continue;
            }
            let from = since[i].or(first_event[i].then(|| node.crashed_at.unwrap_or(0).max(t0)));
            if let Some(a) = from.filter(|a| *a < now) {
                spans.push((i as u32, a.max(t0), now));
            }
        }
        spans
    }
}
