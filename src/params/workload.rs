//! Which workload runs, and the Raft workload's own settings (its breakable
//! variants by their URL names).

use crate::sim::RaftBugs;

/// Which workload runs (URL key `workload`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WorkloadKind {
    /// All-to-all heartbeats, with a failure detector if asked.
    #[default]
    Heartbeat,
    /// Clients and a server, for delivery semantics.
    Rpc,
    /// Raft consensus.
    Raft,
}

impl WorkloadKind {
    /// The URL value.
    pub fn name(self) -> &'static str {
        match self {
            WorkloadKind::Heartbeat => "heartbeat",
            WorkloadKind::Rpc => "rpc",
            WorkloadKind::Raft => "raft",
        }
    }
}

/// The Raft workload's own settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RaftSettings {
    /// The random part of the election timeout, ms (URL `jitter`).
    pub jitter_ms: f64,
    /// A leader appends a client command this often, ms; 0: never (URL `submit`).
    pub submit_ms: f64,
    /// Breakable variants (URL `bugs`, a comma-separated list).
    pub bugs: RaftBugs,
}

impl Default for RaftSettings {
    fn default() -> Self {
        RaftSettings {
            jitter_ms: 600.0,
            submit_ms: 400.0,
            bugs: RaftBugs::default(),
        }
    }
}

/// The breakable variants' URL names, in order.
pub const RAFT_BUGS: [&str; 4] = [
    "vote-twice",
    "commit-early",
    "forget-term",
    "skip-log-check",
];

pub(super) fn bug_flag<'a>(b: &'a mut RaftBugs, name: &str) -> Option<&'a mut bool> {
    match name {
        "vote-twice" => Some(&mut b.vote_twice),
        "commit-early" => Some(&mut b.commit_without_majority),
        "forget-term" => Some(&mut b.forget_term),
        "skip-log-check" => Some(&mut b.skip_log_check),
        _ => None,
    }
}

/// Whether breakable variant `name` (one of [`RAFT_BUGS`]) is on.
pub fn has_bug(b: &RaftBugs, name: &str) -> bool {
    let mut b = *b;
    bug_flag(&mut b, name).is_some_and(|f| *f)
}

/// `b` with variant `name` set to `on`.
pub fn with_bug(mut b: RaftBugs, name: &str, on: bool) -> RaftBugs {
    if let Some(f) = bug_flag(&mut b, name) {
        *f = on;
    }
    b
}
