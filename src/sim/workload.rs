//! The workloads the page can run, as one protocol type, so the app holds a
//! single `Sim<Workload>` whichever the student picks.

use super::heartbeat::{HbMsg, HbState, Heartbeat};
use super::kv::{Kv, KvMsg, KvState};
use super::node::{Ctx, Effect, Out, Payload, Protocol, TimerTag};
use super::raft::{LogEntry, Raft, RaftMsg, RaftState};
use super::rpc::{Rpc, RpcMsg, RpcState};
use super::swim::{Swim, SwimMsg, SwimState};
use super::{Micros, NodeId};
use std::fmt;

/// Which workload runs.
#[derive(Clone, Debug, PartialEq)]
pub enum Workload {
    /// All-to-all heartbeats.
    Heartbeat(Heartbeat),
    /// Clients and a server, for delivery semantics.
    Rpc(Rpc),
    /// Raft consensus.
    Raft(Raft),
    /// A key-value service with clients, for the three pillars.
    Kv(Kv),
    /// SWIM: failure detection by random probes and gossip.
    Swim(Swim),
}

/// A message of either workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnyMsg {
    Hb(HbMsg),
    Rpc(RpcMsg),
    Raft(RaftMsg),
    Kv(KvMsg),
    Swim(SwimMsg),
}

/// A node state of either workload.
#[derive(Clone, Debug, PartialEq)]
pub enum AnyState {
    Hb(HbState),
    Rpc(RpcState),
    Raft(RaftState),
    /// Boxed: a service node's state is several times the others'.
    Kv(Box<KvState>),
    Swim(SwimState),
}

impl fmt::Display for AnyMsg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnyMsg::Hb(m) => m.fmt(f),
            AnyMsg::Rpc(m) => m.fmt(f),
            AnyMsg::Raft(m) => m.fmt(f),
            AnyMsg::Kv(m) => m.fmt(f),
            AnyMsg::Swim(m) => m.fmt(f),
        }
    }
}

impl Payload for AnyMsg {
    fn kind(&self) -> &'static str {
        match self {
            AnyMsg::Hb(m) => m.kind(),
            AnyMsg::Rpc(m) => m.kind(),
            AnyMsg::Raft(m) => m.kind(),
            AnyMsg::Kv(m) => m.kind(),
            AnyMsg::Swim(m) => m.kind(),
        }
    }
    fn digest(&self) -> u64 {
        match self {
            AnyMsg::Hb(m) => m.digest(),
            AnyMsg::Rpc(m) => m.digest(),
            AnyMsg::Raft(m) => m.digest(),
            AnyMsg::Kv(m) => m.digest(),
            AnyMsg::Swim(m) => m.digest(),
        }
    }
}

/// Runs `f` with an inner `Out` and moves its effects, wrapped, into `out`.
fn wrapped<M: Clone, R>(
    out: &mut Out<AnyMsg>,
    wrap: fn(M) -> AnyMsg,
    f: impl FnOnce(&mut Out<M>) -> R,
) -> R {
    let mut inner = Out::default();
    let r = f(&mut inner);
    for e in inner.effects.drain(..) {
        out.effects.push(match e {
            Effect::Send { to, msg } => Effect::Send { to, msg: wrap(msg) },
            Effect::Broadcast { msg } => Effect::Broadcast { msg: wrap(msg) },
            Effect::SetTimer { tag, after } => Effect::SetTimer { tag, after },
            Effect::CancelTimer { tag } => Effect::CancelTimer { tag },
            Effect::Note(n) => Effect::Note(n),
        });
    }
    r
}

impl Protocol for Workload {
    type State = AnyState;
    type Msg = AnyMsg;

    fn init(&self, ctx: &Ctx, out: &mut Out<AnyMsg>) -> AnyState {
        match self {
            Workload::Heartbeat(p) => AnyState::Hb(wrapped(out, AnyMsg::Hb, |o| p.init(ctx, o))),
            Workload::Rpc(p) => AnyState::Rpc(wrapped(out, AnyMsg::Rpc, |o| p.init(ctx, o))),
            Workload::Raft(p) => AnyState::Raft(wrapped(out, AnyMsg::Raft, |o| p.init(ctx, o))),
            Workload::Kv(p) => AnyState::Kv(Box::new(wrapped(out, AnyMsg::Kv, |o| p.init(ctx, o)))),
            Workload::Swim(p) => AnyState::Swim(wrapped(out, AnyMsg::Swim, |o| p.init(ctx, o))),
        }
    }

    fn on_msg(
        &self,
        state: &mut AnyState,
        ctx: &Ctx,
        from: NodeId,
        msg: &AnyMsg,
        out: &mut Out<AnyMsg>,
    ) {
        match (self, state, msg) {
            (Workload::Heartbeat(p), AnyState::Hb(s), AnyMsg::Hb(m)) => {
                wrapped(out, AnyMsg::Hb, |o| p.on_msg(s, ctx, from, m, o))
            }
            (Workload::Rpc(p), AnyState::Rpc(s), AnyMsg::Rpc(m)) => {
                wrapped(out, AnyMsg::Rpc, |o| p.on_msg(s, ctx, from, m, o))
            }
            (Workload::Raft(p), AnyState::Raft(s), AnyMsg::Raft(m)) => {
                wrapped(out, AnyMsg::Raft, |o| p.on_msg(s, ctx, from, m, o))
            }
            (Workload::Kv(p), AnyState::Kv(s), AnyMsg::Kv(m)) => {
                wrapped(out, AnyMsg::Kv, |o| p.on_msg(s, ctx, from, m, o))
            }
            (Workload::Swim(p), AnyState::Swim(s), AnyMsg::Swim(m)) => {
                wrapped(out, AnyMsg::Swim, |o| p.on_msg(s, ctx, from, m, o))
            }
            _ => {}
        }
    }

    fn on_timer(&self, state: &mut AnyState, ctx: &Ctx, tag: TimerTag, out: &mut Out<AnyMsg>) {
        match (self, state) {
            (Workload::Heartbeat(p), AnyState::Hb(s)) => {
                wrapped(out, AnyMsg::Hb, |o| p.on_timer(s, ctx, tag, o))
            }
            (Workload::Rpc(p), AnyState::Rpc(s)) => {
                wrapped(out, AnyMsg::Rpc, |o| p.on_timer(s, ctx, tag, o))
            }
            (Workload::Raft(p), AnyState::Raft(s)) => {
                wrapped(out, AnyMsg::Raft, |o| p.on_timer(s, ctx, tag, o))
            }
            (Workload::Kv(p), AnyState::Kv(s)) => {
                wrapped(out, AnyMsg::Kv, |o| p.on_timer(s, ctx, tag, o))
            }
            (Workload::Swim(p), AnyState::Swim(s)) => {
                wrapped(out, AnyMsg::Swim, |o| p.on_timer(s, ctx, tag, o))
            }
            _ => {}
        }
    }

    fn on_failure_notice(
        &self,
        state: &mut AnyState,
        ctx: &Ctx,
        failed: NodeId,
        out: &mut Out<AnyMsg>,
    ) {
        match (self, state) {
            (Workload::Heartbeat(p), AnyState::Hb(s)) => {
                wrapped(out, AnyMsg::Hb, |o| p.on_failure_notice(s, ctx, failed, o))
            }
            (Workload::Rpc(p), AnyState::Rpc(s)) => {
                wrapped(out, AnyMsg::Rpc, |o| p.on_failure_notice(s, ctx, failed, o))
            }
            (Workload::Raft(p), AnyState::Raft(s)) => wrapped(out, AnyMsg::Raft, |o| {
                p.on_failure_notice(s, ctx, failed, o)
            }),
            (Workload::Kv(p), AnyState::Kv(s)) => {
                wrapped(out, AnyMsg::Kv, |o| p.on_failure_notice(s, ctx, failed, o))
            }
            (Workload::Swim(p), AnyState::Swim(s)) => wrapped(out, AnyMsg::Swim, |o| {
                p.on_failure_notice(s, ctx, failed, o)
            }),
            _ => {}
        }
    }

    fn persisted(&self, state: &AnyState) -> Option<AnyState> {
        match (self, state) {
            (Workload::Heartbeat(p), AnyState::Hb(s)) => p.persisted(s).map(AnyState::Hb),
            (Workload::Rpc(p), AnyState::Rpc(s)) => p.persisted(s).map(AnyState::Rpc),
            (Workload::Raft(p), AnyState::Raft(s)) => p.persisted(s).map(AnyState::Raft),
            (Workload::Kv(p), AnyState::Kv(s)) => p.persisted(s).map(|s| AnyState::Kv(Box::new(s))),
            (Workload::Swim(p), AnyState::Swim(s)) => p.persisted(s).map(AnyState::Swim),
            _ => None,
        }
    }

    fn recover(&self, ctx: &Ctx, stable: Option<AnyState>, out: &mut Out<AnyMsg>) -> AnyState {
        match self {
            Workload::Heartbeat(p) => {
                let st = match stable {
                    Some(AnyState::Hb(s)) => Some(s),
                    _ => None,
                };
                AnyState::Hb(wrapped(out, AnyMsg::Hb, |o| p.recover(ctx, st, o)))
            }
            Workload::Rpc(p) => {
                let st = match stable {
                    Some(AnyState::Rpc(s)) => Some(s),
                    _ => None,
                };
                AnyState::Rpc(wrapped(out, AnyMsg::Rpc, |o| p.recover(ctx, st, o)))
            }
            Workload::Raft(p) => {
                let st = match stable {
                    Some(AnyState::Raft(s)) => Some(s),
                    _ => None,
                };
                AnyState::Raft(wrapped(out, AnyMsg::Raft, |o| p.recover(ctx, st, o)))
            }
            Workload::Kv(p) => {
                let st = match stable {
                    Some(AnyState::Kv(s)) => Some(*s),
                    _ => None,
                };
                AnyState::Kv(Box::new(wrapped(out, AnyMsg::Kv, |o| {
                    p.recover(ctx, st, o)
                })))
            }
            Workload::Swim(p) => {
                let st = match stable {
                    Some(AnyState::Swim(s)) => Some(s),
                    _ => None,
                };
                AnyState::Swim(wrapped(out, AnyMsg::Swim, |o| p.recover(ctx, st, o)))
            }
        }
    }

    fn corrupt(&self, msg: &AnyMsg, noise: u64) -> AnyMsg {
        match (self, msg) {
            (Workload::Heartbeat(p), AnyMsg::Hb(m)) => AnyMsg::Hb(p.corrupt(m, noise)),
            (Workload::Rpc(p), AnyMsg::Rpc(m)) => AnyMsg::Rpc(p.corrupt(m, noise)),
            (Workload::Raft(p), AnyMsg::Raft(m)) => AnyMsg::Raft(p.corrupt(m, noise)),
            (Workload::Kv(p), AnyMsg::Kv(m)) => AnyMsg::Kv(p.corrupt(m, noise)),
            (Workload::Swim(p), AnyMsg::Swim(m)) => AnyMsg::Swim(p.corrupt(m, noise)),
            (_, m) => *m,
        }
    }

    fn equivocate(&self, msg: &AnyMsg, to: NodeId) -> AnyMsg {
        match (self, msg) {
            (Workload::Heartbeat(p), AnyMsg::Hb(m)) => AnyMsg::Hb(p.equivocate(m, to)),
            (Workload::Rpc(p), AnyMsg::Rpc(m)) => AnyMsg::Rpc(p.equivocate(m, to)),
            (Workload::Raft(p), AnyMsg::Raft(m)) => AnyMsg::Raft(p.equivocate(m, to)),
            (Workload::Kv(p), AnyMsg::Kv(m)) => AnyMsg::Kv(p.equivocate(m, to)),
            (Workload::Swim(p), AnyMsg::Swim(m)) => AnyMsg::Swim(p.equivocate(m, to)),
            (_, m) => *m,
        }
    }

    fn delivery_mode(&self) -> Option<super::DeliveryMode> {
        match self {
            Workload::Heartbeat(p) => p.delivery_mode(),
            Workload::Rpc(p) => p.delivery_mode(),
            Workload::Raft(p) => p.delivery_mode(),
            Workload::Kv(p) => p.delivery_mode(),
            Workload::Swim(p) => p.delivery_mode(),
        }
    }

    fn reconfigure(&mut self, change: &dyn std::any::Any) -> Result<(), String> {
        match self {
            Workload::Heartbeat(p) => p.reconfigure(change),
            Workload::Rpc(p) => p.reconfigure(change),
            Workload::Raft(p) => p.reconfigure(change),
            Workload::Kv(p) => p.reconfigure(change),
            Workload::Swim(p) => p.reconfigure(change),
        }
    }

    fn is_work(&self, msg: &AnyMsg) -> bool {
        match (self, msg) {
            (Workload::Heartbeat(p), AnyMsg::Hb(m)) => p.is_work(m),
            (Workload::Rpc(p), AnyMsg::Rpc(m)) => p.is_work(m),
            (Workload::Raft(p), AnyMsg::Raft(m)) => p.is_work(m),
            (Workload::Kv(p), AnyMsg::Kv(m)) => p.is_work(m),
            (Workload::Swim(p), AnyMsg::Swim(m)) => p.is_work(m),
            _ => false,
        }
    }

    fn adversary_delay(
        &self,
        receiver: &AnyState,
        from: NodeId,
        msg: &AnyMsg,
        local_now: i64,
    ) -> Option<Micros> {
        match (self, receiver, msg) {
            (Workload::Heartbeat(p), AnyState::Hb(s), AnyMsg::Hb(m)) => {
                p.adversary_delay(s, from, m, local_now)
            }
            (Workload::Raft(p), AnyState::Raft(s), AnyMsg::Raft(m)) => {
                p.adversary_delay(s, from, m, local_now)
            }
            _ => None,
        }
    }

    fn approx_bytes(&self, state: &AnyState, older: Option<&AnyState>) -> usize {
        match (self, state, older) {
            (Workload::Heartbeat(p), AnyState::Hb(s), Some(AnyState::Hb(o))) => {
                p.approx_bytes(s, Some(o))
            }
            (Workload::Heartbeat(p), AnyState::Hb(s), _) => p.approx_bytes(s, None),
            (Workload::Rpc(p), AnyState::Rpc(s), Some(AnyState::Rpc(o))) => {
                p.approx_bytes(s, Some(o))
            }
            (Workload::Rpc(p), AnyState::Rpc(s), _) => p.approx_bytes(s, None),
            (Workload::Raft(p), AnyState::Raft(s), Some(AnyState::Raft(o))) => {
                p.approx_bytes(s, Some(o))
            }
            (Workload::Raft(p), AnyState::Raft(s), _) => p.approx_bytes(s, None),
            (Workload::Kv(p), AnyState::Kv(s), Some(AnyState::Kv(o))) => p.approx_bytes(s, Some(o)),
            (Workload::Kv(p), AnyState::Kv(s), _) => p.approx_bytes(s, None),
            (Workload::Swim(p), AnyState::Swim(s), _) => p.approx_bytes(s, None),
            _ => std::mem::size_of::<AnyState>(),
        }
    }

    fn describe(&self, state: &AnyState, ctx: &Ctx) -> Vec<(String, String)> {
        match (self, state) {
            (Workload::Heartbeat(p), AnyState::Hb(s)) => p.describe(s, ctx),
            (Workload::Rpc(p), AnyState::Rpc(s)) => p.describe(s, ctx),
            (Workload::Raft(p), AnyState::Raft(s)) => p.describe(s, ctx),
            (Workload::Kv(p), AnyState::Kv(s)) => p.describe(s, ctx),
            (Workload::Swim(p), AnyState::Swim(s)) => p.describe(s, ctx),
            _ => Vec::new(),
        }
    }

    fn timer_name(&self, tag: TimerTag) -> &'static str {
        match self {
            Workload::Heartbeat(p) => p.timer_name(tag),
            Workload::Rpc(p) => p.timer_name(tag),
            Workload::Raft(p) => p.timer_name(tag),
            Workload::Kv(p) => p.timer_name(tag),
            Workload::Swim(p) => p.timer_name(tag),
        }
    }

    fn log_of<'a>(&self, state: &'a AnyState) -> Option<&'a [LogEntry]> {
        match (self, state) {
            (Workload::Raft(p), AnyState::Raft(s)) => p.log_of(s),
            _ => None,
        }
    }
}
