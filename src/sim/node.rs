//! Nodes are state machines whose handlers return effects as data.
//!
//! A handler never sends or sleeps itself: it pushes [`Effect`]s into an [`Out`]
//! buffer and the simulator carries them out (the Stateright actor style). That is
//! what lets the same protocol run under the deterministic simulator, be tested
//! without a browser, and be drawn: every send and timer is visible to the core.

use super::delivery::{DeliveryMode, Note};
use super::{Micros, NodeId};
use std::any::Any;
use std::fmt;

/// Identifies a node's timer. Setting a timer with a tag that is already pending
/// replaces it; protocols use one tag per purpose (e.g. "heartbeat").
pub type TimerTag = u32;

/// Something a handler asks the simulator to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect<M> {
    /// Send `msg` to one node.
    Send { to: NodeId, msg: M },
    /// Send `msg` to every other node (one message per peer, each with its own fate).
    Broadcast { msg: M },
    /// Fire `tag` after `after` microseconds of this node's *local* clock.
    SetTimer { tag: TimerTag, after: Micros },
    /// Forget a pending timer.
    CancelTimer { tag: TimerTag },
    /// Report what the node did, for the trace and the delivery metrics.
    Note(Note),
}

/// The buffer a handler writes its effects into. Reused between events, so a
/// step allocates nothing once warmed up.
#[derive(Debug)]
pub struct Out<M> {
    pub(crate) effects: Vec<Effect<M>>,
}

impl<M> Default for Out<M> {
    fn default() -> Self {
        Out {
            effects: Vec::new(),
        }
    }
}

impl<M> Out<M> {
    /// Sends `msg` to `to`.
    pub fn send(&mut self, to: NodeId, msg: M) {
        self.effects.push(Effect::Send { to, msg });
    }
    /// Sends `msg` to every other node.
    pub fn broadcast(&mut self, msg: M) {
        self.effects.push(Effect::Broadcast { msg });
    }
    /// Sets (or resets) timer `tag` to fire after `after` local microseconds.
    pub fn set_timer(&mut self, tag: TimerTag, after: Micros) {
        self.effects.push(Effect::SetTimer { tag, after });
    }
    /// Reports what the node did (see [`Note`]).
    pub fn note(&mut self, note: Note) {
        self.effects.push(Effect::Note(note));
    }
    /// Cancels timer `tag` if pending.
    pub fn cancel_timer(&mut self, tag: TimerTag) {
        self.effects.push(Effect::CancelTimer { tag });
    }
    /// The effects pushed so far (for tests of a protocol in isolation).
    pub fn effects(&self) -> &[Effect<M>] {
        &self.effects
    }
}

/// What a handler may know: who it is, how many nodes exist and its *local* clock.
/// Deliberately no true time: nodes cannot read a global clock.
#[derive(Clone, Copy, Debug)]
pub struct Ctx {
    /// This node.
    pub id: NodeId,
    /// Number of nodes in the cluster.
    pub n: u32,
    /// This node's local clock reading, in microseconds.
    pub local_now: i64,
}

/// A message payload the core can hash into the trace digest and show to a student.
pub trait Payload: Clone + fmt::Debug + fmt::Display {
    /// Short name of the message type, e.g. "ping".
    fn kind(&self) -> &'static str;
    /// A stable 64-bit summary of the content, for the trace digest.
    fn digest(&self) -> u64;
}

/// A distributed protocol: the behaviour every node runs.
pub trait Protocol: Clone {
    /// One node's state.
    type State: Clone + fmt::Debug;
    /// The messages nodes exchange.
    type Msg: Payload;

    /// State of a node when it starts (or restarts after a crash), plus its first effects.
    fn init(&self, ctx: &Ctx, out: &mut Out<Self::Msg>) -> Self::State;
    /// Handles a message from `from`.
    fn on_msg(
        &self,
        state: &mut Self::State,
        ctx: &Ctx,
        from: NodeId,
        msg: &Self::Msg,
        out: &mut Out<Self::Msg>,
    );
    /// Handles a timer that fired.
    fn on_timer(&self, state: &mut Self::State, ctx: &Ctx, tag: TimerTag, out: &mut Out<Self::Msg>);
    /// Called when the simulator reliably tells this node that `failed` has
    /// fail-stopped. Default: ignore it.
    fn on_failure_notice(
        &self,
        _state: &mut Self::State,
        _ctx: &Ctx,
        _failed: NodeId,
        _out: &mut Out<Self::Msg>,
    ) {
    }
    /// What of `state` is on stable storage and survives a crash (default: nothing).
    fn persisted(&self, _state: &Self::State) -> Option<Self::State> {
        None
    }
    /// Restarts a node after it went down; `stable` is what [`Protocol::persisted`]
    /// kept, if the node had stable storage. Default: start afresh.
    fn recover(
        &self,
        ctx: &Ctx,
        _stable: Option<Self::State>,
        out: &mut Out<Self::Msg>,
    ) -> Self::State {
        self.init(ctx, out)
    }
    /// The payload a Byzantine node sends instead of `msg` when it corrupts
    /// (`noise`: random bits to corrupt with). Default: unchanged.
    fn corrupt(&self, msg: &Self::Msg, _noise: u64) -> Self::Msg {
        msg.clone()
    }
    /// The payload an equivocating node sends to `to` instead of `msg`, so that
    /// different peers hear different values. Default: unchanged.
    fn equivocate(&self, msg: &Self::Msg, _to: NodeId) -> Self::Msg {
        msg.clone()
    }
    /// Whether handling `msg` is work that a lying node skips while still looking
    /// healthy. Default: nothing is.
    fn is_work(&self, _msg: &Self::Msg) -> bool {
        false
    }
    /// The delivery mode whose guarantee the metrics check (default: none).
    fn delivery_mode(&self) -> Option<DeliveryMode> {
        None
    }
    /// Changes the protocol's own settings at run time (a recorded command).
    /// `change` is whatever settings type the protocol defines (the client/server
    /// workload takes an `RpcConfig`); the trait knows no protocol's settings, so
    /// a new protocol adds its own without touching this file. A protocol refuses
    /// a type it does not know, and invalid values, with a message.
    fn reconfigure(&mut self, _change: &dyn Any) -> Result<(), String> {
        Err("this workload has no such settings".to_string())
    }
    /// For the adversarial network (`NetConfig::adversary`): how long, in the
    /// receiver's local time from `local_now`, until the receiver would
    /// suspect `from`, if `msg` is a heartbeat it watches. The network then
    /// holds the message until just after. Default: not a heartbeat.
    fn adversary_delay(
        &self,
        _receiver: &Self::State,
        _from: NodeId,
        _msg: &Self::Msg,
        _local_now: i64,
    ) -> Option<Micros> {
        None
    }
    /// About how many bytes `state` holds, heap included, that `older` (the
    /// same node's state in an earlier snapshot, if any) does not share, so
    /// that snapshots for going back in time stay within a memory budget.
    /// Default: its size.
    fn approx_bytes(&self, _state: &Self::State, _older: Option<&Self::State>) -> usize {
        std::mem::size_of::<Self::State>()
    }
    /// The node's replicated log, if the protocol keeps one (Raft): the
    /// consensus monitor checks a new leader's log against what was
    /// committed. Default: none.
    fn log_of<'a>(&self, _state: &'a Self::State) -> Option<&'a [super::raft::LogEntry]> {
        None
    }
    /// The node's state as label/value rows for the inspector.
    fn describe(&self, state: &Self::State, ctx: &Ctx) -> Vec<(String, String)>;
    /// Name of a timer tag for the inspector.
    fn timer_name(&self, tag: TimerTag) -> &'static str;
}
