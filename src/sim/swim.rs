//! SWIM (Das, Gupta and Motivala, 2002): failure detection whose cost grows
//! with n, not n². Every period each node pings one member, in a shuffled
//! round-robin order; without an ack within `ack_timeout` it asks `k`
//! others to ping the target for it (indirect probes, so one lossy link
//! does not condemn a live node); still no ack by the end of the period,
//! and it *suspects* the target. Suspicions, refutations and confirmations
//! spread by gossip, piggybacked on the pings and acks themselves: each
//! update rides on a few messages (λ log n). A suspected node that hears of
//! it refutes with a higher incarnation; a suspicion not refuted within
//! `suspect_periods` periods is confirmed: the member is taken for dead.
//!
//! Each node reports `Note::Suspect` / `Note::Trust` as its own view
//! changes, so the detector's quality of service is measured exactly as
//! for the all-to-all detectors. Messages per period: about 2n (a ping and
//! an ack each), plus 4 per indirect probe, against n(n−1) pings and as
//! many pongs all-to-all.

use super::delivery::Note;
use super::node::{Ctx, Out, Payload, Protocol, TimerTag};
use super::rng::SimRng;
use super::{Micros, NodeId};
use std::fmt;

/// A member's status in one node's view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Alive = 0,
    Suspect = 1,
    Dead = 2,
}

/// A gossiped update: `member` is `status` as of `incarnation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Update {
    pub member: u32,
    pub incarnation: u32,
    pub status: Status,
}

/// Updates one message carries at most.
pub const PIGGYBACK: usize = 3;

/// What a SWIM message is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SwimKind {
    /// "Are you alive?", for `origin` (itself, or a node that asked the
    /// sender to probe indirectly).
    Ping,
    /// "Yes", to `origin`'s probe number `seq`.
    Ack,
    /// "Please ping `target` for me."
    PingReq,
}

/// A SWIM message with its piggybacked updates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SwimMsg {
    pub kind: SwimKind,
    /// The probing node's probe number.
    pub seq: u32,
    /// Who probes.
    pub origin: u32,
    /// Who is probed.
    pub target: u32,
    pub updates: [Option<Update>; PIGGYBACK],
}

impl fmt::Display for SwimMsg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            SwimKind::Ping if self.origin == u32::MAX => write!(f, "Ping #{}", self.seq),
            SwimKind::Ping => write!(f, "Ping #{} for n{}", self.seq, self.origin),
            SwimKind::Ack => write!(f, "Ack #{} (n{} is alive)", self.seq, self.target),
            SwimKind::PingReq => write!(f, "Ping-req #{}: probe n{}", self.seq, self.target),
        }?;
        for u in self.updates.iter().flatten() {
            let s = match u.status {
                Status::Alive => "alive",
                Status::Suspect => "suspect",
                Status::Dead => "dead",
            };
            write!(f, " · n{} {s} ({})", u.member, u.incarnation)?;
        }
        Ok(())
    }
}

impl Payload for SwimMsg {
    fn kind(&self) -> &'static str {
        match self.kind {
            SwimKind::Ping => "ping",
            SwimKind::Ack => "pong",
            SwimKind::PingReq => "ping-req",
        }
    }
    fn digest(&self) -> u64 {
        let mut d = (self.kind as u64) << 62
            ^ u64::from(self.seq) << 32
            ^ u64::from(self.origin) << 16
            ^ u64::from(self.target);
        for u in self.updates.iter().flatten() {
            d = d.rotate_left(21)
                ^ (u64::from(u.member) << 34 | u64::from(u.incarnation) << 2 | u.status as u64);
        }
        d
    }
}

/// SWIM's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Swim {
    /// Protocol period: one probe per node per period (local µs).
    pub period: Micros,
    /// How long to wait for a direct ack before probing indirectly.
    pub ack_timeout: Micros,
    /// Members asked to probe indirectly.
    pub k: u32,
    /// Periods a suspicion waits for a refutation before it is confirmed.
    pub suspect_periods: u32,
}

impl Swim {
    /// SWIM with a period of `period`: acks expected within a third of it,
    /// three indirect probers, suspicions confirmed after 5 periods.
    pub fn with_period(period: Micros) -> Self {
        Swim {
            period,
            ack_timeout: (period / 3).max(1),
            k: 3,
            suspect_periods: 5,
        }
    }
}

/// What a node knows of one member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    pub status: Status,
    pub incarnation: u32,
}

/// One node's SWIM state.
#[derive(Clone, Debug, PartialEq)]
pub struct SwimState {
    /// This node's incarnation (raised to refute a suspicion).
    pub incarnation: u32,
    pub members: Vec<Member>,
    /// The probe order (a shuffled list of the others) and where we are in it.
    pub order: Vec<u32>,
    pub next: usize,
    /// This period's probe: its number, its target, whether it was answered.
    pub seq: u32,
    pub probing: Option<u32>,
    pub acked: bool,
    /// Indirect probes we make for others: (target, origin, origin's seq).
    pub relays: Vec<(u32, u32, u32)>,
    /// Updates to gossip, with how many more messages each rides on.
    pub gossip: Vec<(Update, u32)>,
    /// Random draws made.
    pub draws: u64,
    /// Pings sent (direct and indirect), acks received.
    pub pings: u64,
    pub acks: u64,
}

/// Starts a period: probe the next member.
pub const PERIOD_TIMER: TimerTag = 1;
/// The direct ack did not come: probe indirectly.
pub const ACK_TIMER: TimerTag = 2;
/// Timer tags from here up confirm a suspicion of one member each.
pub const SUSPECT_TIMER_BASE: TimerTag = 100;

impl Swim {
    fn rng(ctx: &Ctx, st: &mut SwimState) -> SimRng {
        st.draws += 1;
        SimRng::new(
            (u64::from(ctx.id.0) << 40) ^ st.draws.wrapping_mul(0xD1B5_4A32_D192_ED03) ^ 0x5157,
        )
    }

    /// Times each update is gossiped: 3 ⌈log₂(n + 1)⌉, as in SWIM's analysis.
    fn retransmits(n: u32) -> u32 {
        3 * (32 - n.leading_zeros())
    }

    fn reshuffle(ctx: &Ctx, st: &mut SwimState) {
        let me = ctx.id.0;
        st.order = (0..ctx.n).filter(|&m| m != me).collect();
        let mut rng = Self::rng(ctx, st);
        for i in (1..st.order.len()).rev() {
            let j = rng.range_inclusive(0, i as u64) as usize;
            st.order.swap(i, j);
        }
        st.next = 0;
    }

    fn spread(st: &mut SwimState, ctx: &Ctx, u: Update) {
        st.gossip.retain(|(g, _)| g.member != u.member);
        st.gossip.push((u, Self::retransmits(ctx.n)));
    }

    /// A message of `kind` carrying the updates gossiped least so far.
    fn msg(st: &mut SwimState, kind: SwimKind, seq: u32, origin: u32, target: u32) -> SwimMsg {
        let mut updates = [None; PIGGYBACK];
        // The freshest first: highest remaining count.
        st.gossip
            .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.member.cmp(&b.0.member)));
        for (slot, g) in updates.iter_mut().zip(st.gossip.iter_mut()) {
            *slot = Some(g.0);
            g.1 -= 1;
        }
        st.gossip.retain(|g| g.1 > 0);
        SwimMsg {
            kind,
            seq,
            origin,
            target,
            updates,
        }
    }

    /// Folds a gossiped update into this node's view.
    fn learn(&self, st: &mut SwimState, ctx: &Ctx, u: Update, out: &mut Out<SwimMsg>) {
        let me = ctx.id.0;
        if u.member == me {
            if u.status != Status::Alive && u.incarnation >= st.incarnation {
                // Refute: I am alive, in a newer incarnation.
                st.incarnation = u.incarnation + 1;
                let alive = Update {
                    member: me,
                    incarnation: st.incarnation,
                    status: Status::Alive,
                };
                Self::spread(st, ctx, alive);
            }
            return;
        }
        let Some(m) = st.members.get(u.member as usize).copied() else {
            return;
        };
        let newer = match u.status {
            Status::Alive => u.incarnation > m.incarnation,
            Status::Suspect => {
                m.status == Status::Alive && u.incarnation >= m.incarnation
                    || u.incarnation > m.incarnation && m.status != Status::Dead
            }
            Status::Dead => m.status != Status::Dead,
        };
        if !newer {
            return;
        }
        self.set(st, ctx, u, out);
        Self::spread(st, ctx, u);
    }

    /// Takes `u` as this node's view of the member, reporting a change of
    /// suspicion.
    fn set(&self, st: &mut SwimState, ctx: &Ctx, u: Update, out: &mut Out<SwimMsg>) {
        let i = u.member as usize;
        let was = st.members[i].status;
        st.members[i] = Member {
            status: u.status,
            incarnation: u.incarnation,
        };
        let (observer, target) = (ctx.id.0, u.member);
        match (was, u.status) {
            (Status::Alive, Status::Suspect | Status::Dead) => {
                out.note(Note::Suspect { observer, target })
            }
            (Status::Suspect | Status::Dead, Status::Alive) => {
                out.note(Note::Trust { observer, target })
            }
            _ => {}
        }
        match u.status {
            Status::Suspect => out.set_timer(
                SUSPECT_TIMER_BASE + u.member,
                self.period * u64::from(self.suspect_periods),
            ),
            _ => out.cancel_timer(SUSPECT_TIMER_BASE + u.member),
        }
    }

    fn period_start(&self, st: &mut SwimState, ctx: &Ctx, out: &mut Out<SwimMsg>) {
        // Last period's probe unanswered: suspect its target.
        if let Some(t) = st.probing.take() {
            if !st.acked && st.members[t as usize].status == Status::Alive {
                let u = Update {
                    member: t,
                    incarnation: st.members[t as usize].incarnation,
                    status: Status::Suspect,
                };
                self.set(st, ctx, u, out);
                Self::spread(st, ctx, u);
            }
        }
        out.set_timer(PERIOD_TIMER, self.period);
        // The next member that is not known dead, in the shuffled order.
        for _ in 0..st.order.len() {
            if st.next >= st.order.len() {
                Self::reshuffle(ctx, st);
            }
            let t = st.order[st.next];
            st.next += 1;
            if st.members[t as usize].status != Status::Dead {
                st.seq += 1;
                st.probing = Some(t);
                st.acked = false;
                st.pings += 1;
                let m = Self::msg(st, SwimKind::Ping, st.seq, ctx.id.0, t);
                out.send(NodeId(t), m);
                out.set_timer(ACK_TIMER, self.ack_timeout);
                return;
            }
        }
    }

    fn indirect(&self, st: &mut SwimState, ctx: &Ctx, out: &mut Out<SwimMsg>) {
        let (Some(t), false) = (st.probing, st.acked) else {
            return;
        };
        let me = ctx.id.0;
        let mut helpers: Vec<u32> = (0..ctx.n)
            .filter(|&m| m != me && m != t && st.members[m as usize].status == Status::Alive)
            .collect();
        let mut rng = Self::rng(ctx, st);
        for i in (1..helpers.len()).rev() {
            let j = rng.range_inclusive(0, i as u64) as usize;
            helpers.swap(i, j);
        }
        for h in helpers.into_iter().take(self.k as usize) {
            let m = Self::msg(st, SwimKind::PingReq, st.seq, me, t);
            out.send(NodeId(h), m);
        }
    }

    fn start(&self, ctx: &Ctx, incarnation: u32, out: &mut Out<SwimMsg>) -> SwimState {
        let mut st = SwimState {
            incarnation,
            members: vec![
                Member {
                    status: Status::Alive,
                    incarnation: 0,
                };
                ctx.n as usize
            ],
            order: Vec::new(),
            next: 0,
            seq: 0,
            probing: None,
            acked: false,
            relays: Vec::new(),
            gossip: Vec::new(),
            draws: 0,
            pings: 0,
            acks: 0,
        };
        Self::reshuffle(ctx, &mut st);
        // Stagger first periods around the ring.
        let phase = self.period * u64::from(ctx.id.0) / u64::from(ctx.n.max(1));
        out.set_timer(PERIOD_TIMER, phase.max(1));
        st
    }
}

impl Protocol for Swim {
    type State = SwimState;
    type Msg = SwimMsg;

    fn init(&self, ctx: &Ctx, out: &mut Out<SwimMsg>) -> SwimState {
        self.start(ctx, 0, out)
    }

    fn on_msg(
        &self,
        st: &mut SwimState,
        ctx: &Ctx,
        from: NodeId,
        msg: &SwimMsg,
        out: &mut Out<SwimMsg>,
    ) {
        for u in msg.updates.iter().flatten() {
            self.learn(st, ctx, *u, out);
        }
        let me = ctx.id.0;
        match msg.kind {
            SwimKind::Ping => {
                let a = Self::msg(st, SwimKind::Ack, msg.seq, msg.origin, me);
                out.send(from, a);
            }
            SwimKind::PingReq => {
                st.relays.push((msg.target, msg.origin, msg.seq));
                if st.relays.len() > 64 {
                    st.relays.remove(0);
                }
                st.pings += 1;
                let p = Self::msg(st, SwimKind::Ping, msg.seq, msg.origin, msg.target);
                out.send(NodeId(msg.target), p);
            }
            SwimKind::Ack if msg.origin == me => {
                if st.probing == Some(msg.target) && msg.seq == st.seq {
                    st.acked = true;
                    st.acks += 1;
                    out.cancel_timer(ACK_TIMER);
                }
            }
            SwimKind::Ack => {
                // An indirect probe answered: pass it on to who asked.
                if let Some(k) = st
                    .relays
                    .iter()
                    .position(|&(t, o, s)| t == msg.target && o == msg.origin && s == msg.seq)
                {
                    st.relays.swap_remove(k);
                    let a = Self::msg(st, SwimKind::Ack, msg.seq, msg.origin, msg.target);
                    out.send(NodeId(msg.origin), a);
                }
            }
        }
    }

    fn on_timer(&self, st: &mut SwimState, ctx: &Ctx, tag: TimerTag, out: &mut Out<SwimMsg>) {
        match tag {
            PERIOD_TIMER => self.period_start(st, ctx, out),
            ACK_TIMER => self.indirect(st, ctx, out),
            t if t >= SUSPECT_TIMER_BASE => {
                let m = t - SUSPECT_TIMER_BASE;
                if let Some(x) = st.members.get(m as usize).copied() {
                    if x.status == Status::Suspect {
                        let u = Update {
                            member: m,
                            incarnation: x.incarnation,
                            status: Status::Dead,
                        };
                        self.set(st, ctx, u, out);
                        Self::spread(st, ctx, u);
                    }
                }
            }
            _ => {}
        }
    }

    /// The incarnation is on stable storage.
    fn persisted(&self, st: &SwimState) -> Option<SwimState> {
        Some(st.clone())
    }

    /// Back after a crash: a fresh view, announced alive in an incarnation
    /// newer than any the others can hold of it (its last one plus a
    /// margin, kept on stable storage; or from its clock without).
    fn recover(&self, ctx: &Ctx, stable: Option<SwimState>, out: &mut Out<SwimMsg>) -> SwimState {
        let inc = match &stable {
            Some(s) => s.incarnation + 1_000,
            None => (ctx.local_now.max(0) / 1_000) as u32,
        };
        let mut st = self.start(ctx, inc, out);
        let me = ctx.id.0;
        let alive = Update {
            member: me,
            incarnation: inc,
            status: Status::Alive,
        };
        Self::spread(&mut st, ctx, alive);
        st
    }

    fn approx_bytes(&self, st: &SwimState, _older: Option<&SwimState>) -> usize {
        std::mem::size_of::<SwimState>()
            + st.members.capacity() * std::mem::size_of::<Member>()
            + st.order.capacity() * 4
            + st.relays.capacity() * 12
            + st.gossip.capacity() * std::mem::size_of::<(Update, u32)>()
    }

    fn describe(&self, st: &SwimState, _ctx: &Ctx) -> Vec<(String, String)> {
        let list = |s: Status| {
            let v: Vec<String> = st
                .members
                .iter()
                .enumerate()
                .filter(|(_, m)| m.status == s)
                .map(|(i, _)| format!("n{i}"))
                .collect();
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(" ")
            }
        };
        vec![
            ("Incarnation".to_string(), st.incarnation.to_string()),
            (
                "Probing".to_string(),
                st.probing.map_or("–".into(), |t| {
                    format!("n{t}{}", if st.acked { " (acked)" } else { "" })
                }),
            ),
            ("Suspects".to_string(), list(Status::Suspect)),
            ("Takes for dead".to_string(), list(Status::Dead)),
            ("Updates to gossip".to_string(), st.gossip.len().to_string()),
            ("Pings sent".to_string(), st.pings.to_string()),
        ]
    }

    fn timer_name(&self, tag: TimerTag) -> &'static str {
        match tag {
            PERIOD_TIMER => "protocol period",
            ACK_TIMER => "ack timeout",
            t if t >= SUSPECT_TIMER_BASE => "suspicion confirmation",
            _ => "timer",
        }
    }
}
