//! The failure taxonomy: how a node can go wrong.
//!
//! A node is either *down* (it halted: fail-stop or crash) or *up*, and while up
//! it may *misbehave*: omit some sends or receives, or deviate from the protocol
//! (Byzantine). Every change is a recorded command, so a faulty run replays
//! exactly.

use std::fmt;

/// How a down node went down. The difference is what the others learn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DownKind {
    /// Crash-stop: it halts silently; nobody is told. Others can only suspect it.
    Crash,
    /// Fail-stop: it halts and every other node is reliably notified, so the
    /// failure is detectable with certainty (the model that makes consensus easy).
    FailStop,
}

impl DownKind {
    /// Short label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            DownKind::Crash => "crashed",
            DownKind::FailStop => "fail-stopped",
        }
    }
}

/// Ways a Byzantine node deviates. Its victims cannot tell: they only see what
/// they receive. The trace marks each deviating message for the student.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ByzMode {
    /// Corrupts the payload of everything it sends.
    Corrupt,
    /// Tells different peers different values.
    Equivocate,
    /// Replays old messages it sent before, alongside its real ones.
    Replay,
    /// Claims to be healthy (keeps answering heartbeats) but silently drops the
    /// work it is asked to do.
    Lie,
}

impl ByzMode {
    /// Every mode, for menus.
    pub const ALL: [ByzMode; 4] = [
        ByzMode::Corrupt,
        ByzMode::Equivocate,
        ByzMode::Replay,
        ByzMode::Lie,
    ];

    /// Short name used by the UI and the URL.
    pub fn name(self) -> &'static str {
        match self {
            ByzMode::Corrupt => "corrupt",
            ByzMode::Equivocate => "equivocate",
            ByzMode::Replay => "replay",
            ByzMode::Lie => "lie",
        }
    }

    /// Parses [`ByzMode::name`].
    pub fn from_name(s: &str) -> Option<ByzMode> {
        ByzMode::ALL.into_iter().find(|m| m.name() == s)
    }
}

impl fmt::Display for ByzMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What an attacker sitting on a link does to the messages that cross it.
/// Unlike a Byzantine node, both ends are correct: the *network* is hostile
/// (the fallacy "the network is secure"). The receiver cannot tell a changed
/// or forged message from a genuine one, as nothing is signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Attack {
    /// Drops every message on the link (silently, mid-way).
    Drop,
    /// Changes every message's content on its way.
    Modify,
    /// Lets the genuine message through and forges a second one after it,
    /// as if from the same sender, with content of its own.
    Inject,
}

impl Attack {
    pub const ALL: [Attack; 3] = [Attack::Drop, Attack::Modify, Attack::Inject];

    /// Short name used by the UI, scripts and the URL.
    pub fn name(self) -> &'static str {
        match self {
            Attack::Drop => "drop",
            Attack::Modify => "modify",
            Attack::Inject => "inject",
        }
    }

    /// Parses [`Attack::name`].
    pub fn from_name(s: &str) -> Option<Attack> {
        Attack::ALL.into_iter().find(|m| m.name() == s)
    }
}

impl fmt::Display for Attack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How an up node misbehaves. The default is a correct node.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Behaviour {
    /// Probability that the node fails to send a message (it never leaves).
    pub send_omission: f64,
    /// Probability that the node fails to receive a message that reached it.
    pub recv_omission: f64,
    /// Deviation from the protocol, if any.
    pub byzantine: Option<ByzMode>,
}

impl Behaviour {
    /// Whether the node behaves correctly.
    pub fn is_correct(&self) -> bool {
        self.send_omission == 0.0 && self.recv_omission == 0.0 && self.byzantine.is_none()
    }
}

/// How many recent sends a replaying node remembers.
pub const REPLAY_LOG: usize = 16;
