//! The first protocol: every node pings every other node periodically and
//! answers pings with pongs, remembering when (by its own clock) it last heard
//! from each peer. It is the raw material of failure detection.

use super::delivery::Note;
use super::detector::{DetectorKind, PeerHistory};
use super::node::{Ctx, Out, Payload, Protocol, TimerTag};
use super::{Micros, NodeId};
use std::fmt;

/// Heartbeat messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HbMsg {
    /// "I am alive", round `seq` of the sender.
    Ping { seq: u64 },
    /// Answer to `Ping { seq }`.
    Pong { seq: u64 },
}

impl fmt::Display for HbMsg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HbMsg::Ping { seq } => write!(f, "Ping #{seq}"),
            HbMsg::Pong { seq } => write!(f, "Pong #{seq}"),
        }
    }
}

impl Payload for HbMsg {
    fn kind(&self) -> &'static str {
        match self {
            HbMsg::Ping { .. } => "ping",
            HbMsg::Pong { .. } => "pong",
        }
    }
    fn digest(&self) -> u64 {
        match *self {
            HbMsg::Ping { seq } => seq << 1,
            HbMsg::Pong { seq } => (seq << 1) | 1,
        }
    }
}

/// Per-node state of the heartbeat protocol.
#[derive(Clone, Debug, PartialEq)]
pub struct HbState {
    /// Rounds started (pings broadcast).
    pub round: u64,
    /// Local time at which we last heard anything from each peer (`None`: never).
    pub last_heard: Vec<Option<i64>>,
    /// Pongs received.
    pub pongs: u64,
    /// The failure detector's memory of each peer (empty without a detector).
    pub fd: Vec<PeerHistory>,
}

/// Timer tag of the periodic heartbeat.
pub const HEARTBEAT_TIMER: TimerTag = 0;

/// Timer tags from here up watch one peer each: tag `FD_TIMER_BASE + peer`.
pub const FD_TIMER_BASE: TimerTag = 100;

/// All-to-all ping/pong with a fixed period (in local time), optionally with a
/// failure detector fed by the pings each node receives.
#[derive(Clone, Debug, PartialEq)]
pub struct Heartbeat {
    /// Period between rounds, local microseconds.
    pub interval: Micros,
    /// The failure detector every node runs, if any.
    pub detector: Option<DetectorKind>,
}

impl Heartbeat {
    /// Arms the timer that fires when `peer` would become suspected.
    fn watch(&self, st: &HbState, peer: usize, out: &mut Out<HbMsg>) {
        if let (Some(kind), Some(h)) = (&self.detector, st.fd.get(peer)) {
            out.set_timer(FD_TIMER_BASE + peer as TimerTag, h.suspect_after(kind));
        }
    }

    fn start_detector(&self, ctx: &Ctx, st: &mut HbState, out: &mut Out<HbMsg>) {
        if let Some(kind) = &self.detector {
            st.fd = (0..ctx.n)
                .map(|_| PeerHistory::new(ctx.local_now, kind))
                .collect();
            for peer in (0..ctx.n as usize).filter(|&p| p != ctx.id.0 as usize) {
                self.watch(st, peer, out);
            }
        }
    }
}

impl Protocol for Heartbeat {
    type State = HbState;
    type Msg = HbMsg;

    fn init(&self, ctx: &Ctx, out: &mut Out<HbMsg>) -> HbState {
        // Stagger first rounds around the ring, so the picture shows a wave rather than a flash.
        let phase = self.interval * ctx.id.0 as u64 / ctx.n.max(1) as u64;
        out.set_timer(HEARTBEAT_TIMER, phase.max(1));
        let mut st = HbState {
            round: 0,
            last_heard: vec![None; ctx.n as usize],
            pongs: 0,
            fd: Vec::new(),
        };
        self.start_detector(ctx, &mut st, out);
        st
    }

    fn on_msg(
        &self,
        state: &mut HbState,
        ctx: &Ctx,
        from: NodeId,
        msg: &HbMsg,
        out: &mut Out<HbMsg>,
    ) {
        if let Some(slot) = state.last_heard.get_mut(from.0 as usize) {
            *slot = Some(ctx.local_now);
        }
        match *msg {
            HbMsg::Ping { seq } => {
                out.send(from, HbMsg::Pong { seq });
                // A ping is the peer's heartbeat: it feeds the detector.
                if let (Some(kind), Some(h)) = (&self.detector, state.fd.get_mut(from.0 as usize)) {
                    h.heartbeat(ctx.local_now, kind);
                    if h.suspected {
                        h.suspected = false;
                        out.note(Note::Trust {
                            observer: ctx.id.0,
                            target: from.0,
                        });
                    }
                    self.watch(state, from.0 as usize, out);
                }
            }
            HbMsg::Pong { .. } => state.pongs += 1,
        }
    }

    fn on_timer(&self, state: &mut HbState, ctx: &Ctx, tag: TimerTag, out: &mut Out<HbMsg>) {
        if tag == HEARTBEAT_TIMER {
            out.broadcast(HbMsg::Ping { seq: state.round });
            state.round += 1;
            out.set_timer(HEARTBEAT_TIMER, self.interval);
        } else if tag >= FD_TIMER_BASE {
            let peer = (tag - FD_TIMER_BASE) as usize;
            if let (Some(kind), Some(h)) = (&self.detector, state.fd.get_mut(peer)) {
                if !h.suspected && h.level(ctx.local_now, kind) >= PeerHistory::threshold(kind) {
                    h.suspected = true;
                    out.note(Note::Suspect {
                        observer: ctx.id.0,
                        target: peer as u32,
                    });
                }
            }
        }
    }

    /// The round counter is on stable storage, so a restarted node never reuses
    /// a sequence number; whom it heard from, and when, is volatile.
    fn persisted(&self, state: &HbState) -> Option<HbState> {
        Some(HbState {
            round: state.round,
            last_heard: vec![None; state.last_heard.len()],
            pongs: 0,
            fd: Vec::new(),
        })
    }

    fn recover(&self, ctx: &Ctx, stable: Option<HbState>, out: &mut Out<HbMsg>) -> HbState {
        let fresh = self.init(ctx, out);
        match stable {
            Some(s) => HbState {
                round: s.round,
                ..fresh
            },
            None => fresh,
        }
    }

    fn corrupt(&self, msg: &HbMsg, noise: u64) -> HbMsg {
        // A garbled sequence number (never equal to the real one).
        let garble = |seq: u64| seq ^ ((noise & 0xFFFF) | 1) << 20;
        match *msg {
            HbMsg::Ping { seq } => HbMsg::Ping { seq: garble(seq) },
            HbMsg::Pong { seq } => HbMsg::Pong { seq: garble(seq) },
        }
    }

    fn equivocate(&self, msg: &HbMsg, to: NodeId) -> HbMsg {
        // Each peer hears a different round number.
        match *msg {
            HbMsg::Ping { seq } => HbMsg::Ping {
                seq: seq + 1000 * (to.0 as u64 + 1),
            },
            HbMsg::Pong { seq } => HbMsg::Pong {
                seq: seq + 1000 * (to.0 as u64 + 1),
            },
        }
    }

    fn adversary_delay(
        &self,
        receiver: &HbState,
        from: NodeId,
        msg: &HbMsg,
        local_now: i64,
    ) -> Option<Micros> {
        let HbMsg::Ping { .. } = msg else { return None };
        let kind = self.detector.as_ref()?;
        let h = receiver.fd.get(from.0 as usize)?;
        let deadline = h.last + h.suspect_after(kind) as i64;
        Some((deadline - local_now).max(0) as Micros)
    }

    fn approx_bytes(&self, state: &HbState, older: Option<&HbState>) -> usize {
        let histories = match &self.detector {
            Some(kind) => state
                .fd
                .iter()
                .enumerate()
                .map(|(i, h)| h.approx_bytes(older.and_then(|o| o.fd.get(i)), kind))
                .sum::<usize>(),
            None => 0,
        };
        std::mem::size_of::<HbState>()
            + state.last_heard.capacity() * std::mem::size_of::<Option<i64>>()
            + histories
    }

    fn describe(&self, state: &HbState, ctx: &Ctx) -> Vec<(String, String)> {
        let mut rows = vec![
            ("Heartbeat rounds".to_string(), state.round.to_string()),
            ("Pongs received".to_string(), state.pongs.to_string()),
        ];
        // Peers we have not heard from for the longest time: the seed of suspicion.
        let mut silent: Vec<(i64, u32)> = state
            .last_heard
            .iter()
            .enumerate()
            .filter(|(i, _)| *i as u32 != ctx.id.0)
            .map(|(i, h)| (h.map(|t| ctx.local_now - t).unwrap_or(i64::MAX), i as u32))
            .collect();
        silent.sort_unstable_by(|a, b| b.cmp(a));
        for (age, peer) in silent.into_iter().take(4) {
            let v = if age == i64::MAX {
                "never".to_string()
            } else {
                format!("{:.2} s ago", age as f64 / 1e6)
            };
            rows.push((format!("Last heard from n{peer}"), v));
        }
        rows
    }

    fn timer_name(&self, tag: TimerTag) -> &'static str {
        if tag == HEARTBEAT_TIMER {
            "heartbeat"
        } else if tag >= FD_TIMER_BASE {
            "suspicion deadline"
        } else {
            "timer"
        }
    }
}
