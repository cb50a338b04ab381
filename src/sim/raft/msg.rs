//! Raft's log entries and messages (the paper's RPCs; replies are messages
//! of their own). An AppendEntries carries at most one entry, so messages
//! stay `Copy`.

use crate::sim::node::Payload;
use crate::sim::rng::SimRng;
use std::fmt;

/// One log entry: the term it was created in and the client command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogEntry {
    pub term: u64,
    pub cmd: u64,
}

/// Raft's messages (the paper's RPCs; replies are messages of their own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RaftMsg {
    RequestVote {
        term: u64,
        last_index: u64,
        last_term: u64,
    },
    Vote {
        term: u64,
        granted: bool,
    },
    /// `entry`, if any, goes at index `prev_index + 1` (indices from 1).
    Append {
        term: u64,
        prev_index: u64,
        prev_term: u64,
        entry: Option<LogEntry>,
        commit: u64,
    },
    AppendReply {
        term: u64,
        success: bool,
        /// On success, the index up to which the follower's log matches.
        match_index: u64,
    },
}

impl fmt::Display for RaftMsg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            RaftMsg::RequestVote { term, .. } => write!(f, "vote for me in term {term}?"),
            RaftMsg::Vote { term, granted } => {
                write!(f, "{} (term {term})", if granted { "yes" } else { "no" })
            }
            RaftMsg::Append {
                term,
                prev_index,
                entry: Some(e),
                ..
            } => write!(
                f,
                "append #{} (term {}) in term {term}",
                prev_index + 1,
                e.term
            ),
            RaftMsg::Append { term, .. } => write!(f, "heartbeat, term {term}"),
            RaftMsg::AppendReply {
                success,
                match_index,
                ..
            } => {
                if success {
                    write!(f, "ok up to #{match_index}")
                } else {
                    f.write_str("log mismatch")
                }
            }
        }
    }
}

impl Payload for RaftMsg {
    fn kind(&self) -> &'static str {
        match self {
            RaftMsg::RequestVote { .. } => "request-vote",
            RaftMsg::Vote { .. } => "vote",
            RaftMsg::Append { entry: Some(_), .. } => "append",
            RaftMsg::Append { .. } => "heartbeat",
            RaftMsg::AppendReply { .. } => "append-reply",
        }
    }
    fn digest(&self) -> u64 {
        let mut r = SimRng::new(match *self {
            RaftMsg::RequestVote {
                term,
                last_index,
                last_term,
            } => 1 ^ term << 8 ^ last_index << 24 ^ last_term << 40,
            RaftMsg::Vote { term, granted } => 2 ^ term << 8 ^ (granted as u64) << 60,
            RaftMsg::Append {
                term,
                prev_index,
                prev_term,
                entry,
                commit,
            } => {
                3 ^ term << 8
                    ^ prev_index << 20
                    ^ prev_term << 32
                    ^ commit << 44
                    ^ entry.map_or(0, |e| e.cmd.rotate_left(7) ^ e.term << 52)
            }
            RaftMsg::AppendReply {
                term,
                success,
                match_index,
            } => 4 ^ term << 8 ^ match_index << 24 ^ (success as u64) << 60,
        });
        r.next_u64()
    }
}
