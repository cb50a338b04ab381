//! The trace: every event of a run, folded into a stable digest.
//!
//! The digest is the user-visible proof of determinism: same seed and same
//! commands give the same digest natively and in the browser. The full list of
//! events is kept only when asked for (tests, export); the UI keeps a bounded
//! ring of recent events for its log.

use super::delivery::Note;
use super::net::DropReason;
use super::node::{Payload, TimerTag};
use super::{Command, Micros, NodeId};
use std::collections::VecDeque;
use std::fmt;

/// What happened.
#[derive(Clone, Debug, PartialEq)]
pub enum TraceKind<M> {
    /// `from` sent `msg` to `to`; the network decided it departs at `depart`
    /// and arrives at `arrive` (unless `lost`). `deviant`: a Byzantine sender
    /// deviated from the protocol with it.
    Send {
        id: u64,
        from: NodeId,
        to: NodeId,
        msg: M,
        depart: Micros,
        arrive: Micros,
        dup: bool,
        deviant: bool,
        lost: Option<(Micros, DropReason)>,
    },
    /// Message `id` reached `to`, which handled it.
    Deliver {
        id: u64,
        from: NodeId,
        to: NodeId,
        msg: M,
    },
    /// Message `id` did not reach `to`. `depart`/`arrive` are its envelope's times,
    /// so a viewer can tell how far it got.
    Drop {
        id: u64,
        from: NodeId,
        to: NodeId,
        msg: M,
        reason: DropReason,
        depart: Micros,
        arrive: Micros,
    },
    /// `node` set timer `tag` to fire at true time `fire_at`.
    TimerSet {
        node: NodeId,
        tag: TimerTag,
        fire_at: Micros,
    },
    /// `node`'s timer `tag` fired.
    TimerFire { node: NodeId, tag: TimerTag },
    /// A user action took effect.
    Command(Command),
    /// `to` was reliably told that `failed` fail-stopped.
    Notice { to: NodeId, failed: NodeId },
    /// `node` restarted after going down, from stable storage or from nothing.
    Restart { node: NodeId, from_stable: bool },
    /// `node` reported what it did (delivery-semantics bookkeeping).
    Note { node: NodeId, note: Note },
}

/// Logical clock readings of one event (when the run keeps logical clocks):
/// the Lamport timestamp, and the vector clock if asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub lamport: u64,
    /// One entry per node; shared between a message and its trace records.
    pub vector: Option<std::rc::Rc<[u32]>>,
}

impl Stamp {
    /// Whether this event happened before `other` by their vector clocks
    /// (V(e) ≤ V(f) entry by entry, and not equal). None without vectors.
    pub fn before(&self, other: &Stamp) -> Option<bool> {
        let (a, b) = (self.vector.as_ref()?, other.vector.as_ref()?);
        Some(a.iter().zip(b.iter()).all(|(x, y)| x <= y) && a != b)
    }
}

/// One entry of the trace.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceEvent<M> {
    /// Position in the whole trace (0-based), stable across replays.
    pub index: u64,
    /// True simulated time.
    pub time: Micros,
    /// What happened.
    pub kind: TraceKind<M>,
    /// Logical clocks of sends, receipts and timer firings, when kept. Not in
    /// the digest: they follow from the run.
    pub stamp: Option<Stamp>,
}

impl<M: Payload> fmt::Display for TraceEvent<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:>9.3}s  ", self.time as f64 / 1e6)?;
        match &self.kind {
            TraceKind::Send {
                id,
                from,
                to,
                msg,
                dup,
                deviant,
                lost,
                ..
            } => {
                write!(
                    f,
                    "{from} → {to} send {msg} (m{id}{}{})",
                    if *dup { ", duplicate" } else { "" },
                    if *deviant { ", DEVIANT" } else { "" }
                )?;
                if let Some((_, r)) = lost {
                    write!(f, " — will be {}", r.label())?;
                }
                Ok(())
            }
            TraceKind::Deliver { id, from, to, msg } => {
                write!(f, "{from} → {to} deliver {msg} (m{id})")
            }
            TraceKind::Drop {
                id,
                from,
                to,
                msg,
                reason,
                ..
            } => write!(f, "{from} → {to} DROP {msg} (m{id}): {}", reason.label()),
            TraceKind::TimerSet { node, tag, fire_at } => write!(
                f,
                "{node} set timer {tag} for {:.3}s",
                *fire_at as f64 / 1e6
            ),
            TraceKind::TimerFire { node, tag } => write!(f, "{node} timer {tag} fired"),
            TraceKind::Command(c) => write!(f, "USER: {c}"),
            TraceKind::Notice { to, failed } => {
                write!(f, "{to} is told: {failed} has failed (fail-stop)")
            }
            TraceKind::Note { node, note } => write!(f, "{node} {note}"),
            TraceKind::Restart { node, from_stable } => write!(
                f,
                "{node} restarts {}",
                if *from_stable {
                    "from stable storage"
                } else {
                    "with empty state"
                }
            ),
        }
    }
}

/// A 64-bit running hash of the trace. Cheap enough to run on every event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Digest(u64);

impl Default for Digest {
    fn default() -> Self {
        Digest(0xcbf2_9ce4_8422_2325)
    }
}

impl Digest {
    /// Folds one word in.
    #[inline]
    pub fn mix(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    /// Folds four words in with one step of the serial chain: the words are
    /// combined by independent multiplies first, which the CPU runs in parallel.
    #[inline]
    pub fn mix4(&mut self, a: u64, b: u64, c: u64, d: u64) {
        const K1: u64 = 0xA076_1D64_78BD_642F;
        const K2: u64 = 0xE703_7ED1_A0B4_28DB;
        const K3: u64 = 0x8EBC_6AF0_9C88_C6E3;
        let w = a
            ^ b.wrapping_mul(K1).rotate_left(17)
            ^ c.wrapping_mul(K2).rotate_left(31)
            ^ d.wrapping_mul(K3).rotate_left(47);
        self.mix(w);
    }
    /// The current value.
    pub fn value(&self) -> u64 {
        self.0
    }
}

/// Where events go.
#[derive(Clone, Debug)]
pub struct Trace<M> {
    digest: Digest,
    total: u64,
    ring: VecDeque<TraceEvent<M>>,
    ring_cap: usize,
    full: Option<Vec<TraceEvent<M>>>,
    /// The logical clocks of the next event recorded.
    next_stamp: Option<Stamp>,
}

impl<M: Payload> Trace<M> {
    /// A trace keeping the last `ring_cap` events, and all of them when `keep_all`.
    pub fn new(ring_cap: u32, keep_all: bool) -> Self {
        Trace {
            digest: Digest::default(),
            total: 0,
            ring: VecDeque::with_capacity(ring_cap as usize),
            ring_cap: ring_cap as usize,
            full: keep_all.then(Vec::new),
            next_stamp: None,
        }
    }

    /// Appends one event.
    #[inline]
    pub(crate) fn record(&mut self, time: Micros, kind: TraceKind<M>) {
        let d = &mut self.digest;
        let pair = |a: &NodeId, b: &NodeId| ((a.0 as u64) << 32) | b.0 as u64;
        match &kind {
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
                let (lt, lr) = lost.map_or((0, 0), |(t, r)| (t, r as u64 + 1));
                d.mix4(
                    1 | (*dup as u64) << 8 | lr << 16 | (*deviant as u64) << 24,
                    time,
                    *id,
                    pair(from, to),
                );
                d.mix4(msg.digest(), *depart, *arrive, lt);
            }
            TraceKind::Deliver { id, from, to, msg } => {
                d.mix4(2 ^ time.rotate_left(8), *id, pair(from, to), msg.digest())
            }
            TraceKind::Drop {
                id,
                from,
                to,
                msg,
                reason,
                ..
            } => {
                // depart/arrive were already folded in with the Send.
                d.mix4(3 | (*reason as u64) << 8, time, *id, pair(from, to));
                d.mix(msg.digest());
            }
            TraceKind::TimerSet { node, tag, fire_at } => {
                d.mix4(4, time, ((node.0 as u64) << 32) | *tag as u64, *fire_at)
            }
            TraceKind::TimerFire { node, tag } => {
                d.mix4(5, time, ((node.0 as u64) << 32) | *tag as u64, 0)
            }
            TraceKind::Command(c) => {
                d.mix4(6, time, 0, 0);
                c.digest_into(d);
            }
            TraceKind::Notice { to, failed } => d.mix4(7, time, pair(to, failed), 0),
            TraceKind::Restart { node, from_stable } => {
                d.mix4(8, time, node.0 as u64, *from_stable as u64)
            }
            TraceKind::Note { node, note } => {
                let [a, b, c] = note.words();
                d.mix4(9 ^ time.rotate_left(8), (node.0 as u64) << 32 | a, b, c);
            }
        }
        let stamp = self.next_stamp.take();
        if self.ring_cap > 0 || self.full.is_some() {
            let ev = TraceEvent {
                index: self.total,
                time,
                kind,
                stamp,
            };
            if let Some(full) = &mut self.full {
                full.push(ev.clone());
            }
            if self.ring_cap > 0 {
                if self.ring.len() == self.ring_cap {
                    self.ring.pop_front();
                }
                self.ring.push_back(ev);
            }
        }
        self.total += 1;
    }

    /// The same trace with no events kept (digest, count and settings stay):
    /// what a snapshot carries.
    pub fn without_events(&self) -> Self {
        Trace {
            digest: self.digest,
            total: self.total,
            ring: VecDeque::with_capacity(self.ring_cap.min(1024)),
            ring_cap: self.ring_cap,
            full: self.full.as_ref().map(|_| Vec::new()),
            next_stamp: None,
        }
    }

    /// Stamps the next event recorded with these logical clocks.
    pub(crate) fn stamp_next(&mut self, s: Option<Stamp>) {
        self.next_stamp = s;
    }

    /// The digest of everything so far.
    pub fn digest(&self) -> u64 {
        self.digest.value()
    }
    /// The earliest true time from which the ring holds every event (its
    /// older ones were dropped, or the run resumed from a snapshot): views
    /// of older times must rebuild them (see `Timeline::resume_before`).
    pub fn kept_from(&self) -> Micros {
        if self.ring.len() as u64 == self.total {
            0
        } else {
            // Others at the first kept instant may be gone: from the next µs.
            self.ring.front().map_or(Micros::MAX, |e| e.time + 1)
        }
    }
    /// Number of events recorded so far.
    pub fn len(&self) -> u64 {
        self.total
    }
    /// Whether nothing happened yet.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
    /// The most recent events, oldest first.
    pub fn recent(&self) -> impl DoubleEndedIterator<Item = &TraceEvent<M>> + ExactSizeIterator {
        self.ring.iter()
    }
    /// Recent events at or after true time `t` (those still in the ring),
    /// found by binary search: the ring is in time order.
    pub fn recent_from(&self, t: Micros) -> impl Iterator<Item = &TraceEvent<M>> {
        let skip = self.ring.partition_point(|e| e.time < t);
        self.ring.range(skip..)
    }
    /// Recent events with `index >= from` (those still in the ring).
    pub fn since(&self, from: u64) -> impl Iterator<Item = &TraceEvent<M>> {
        let first = self.ring.front().map(|e| e.index).unwrap_or(self.total);
        let skip = from.saturating_sub(first) as usize;
        self.ring.iter().skip(skip)
    }
    /// Every event, if the trace was created with `keep_all`.
    pub fn all(&self) -> Option<&[TraceEvent<M>]> {
        self.full.as_deref()
    }
}
