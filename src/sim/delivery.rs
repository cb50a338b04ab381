//! Delivery semantics, measured: what clients asked for, what the server did,
//! and whether the mode's guarantee held.
//!
//! Nodes report what they did as [`Note`]s (effects, like sends). The simulator
//! records every note in the trace and folds it into [`DeliveryMetrics`], an
//! observer that outlives crashes: a server that forgets its de-duplication table
//! cannot make the metrics forget that it already applied a request.

use super::{Micros, NodeId};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The three delivery modes a student can switch between.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeliveryMode {
    /// Send once, never retry: a lost request or reply is simply lost.
    AtMostOnce,
    /// Retry on an acknowledgement timeout until a reply comes: duplicates reach the server.
    AtLeastOnce,
    /// At-least-once delivery plus de-duplication at the server: each effect once.
    ExactlyOnce,
}

impl DeliveryMode {
    /// Every mode, for menus.
    pub const ALL: [DeliveryMode; 3] = [
        DeliveryMode::AtMostOnce,
        DeliveryMode::AtLeastOnce,
        DeliveryMode::ExactlyOnce,
    ];

    /// Short name used by the UI and the URL.
    pub fn name(self) -> &'static str {
        match self {
            DeliveryMode::AtMostOnce => "at-most-once",
            DeliveryMode::AtLeastOnce => "at-least-once",
            DeliveryMode::ExactlyOnce => "exactly-once",
        }
    }

    /// Parses [`DeliveryMode::name`].
    pub fn from_name(s: &str) -> Option<DeliveryMode> {
        DeliveryMode::ALL.into_iter().find(|m| m.name() == s)
    }

    /// What the mode promises, as the badge says it.
    pub fn guarantee(self) -> &'static str {
        match self {
            DeliveryMode::AtMostOnce => "every effect applied at most once",
            DeliveryMode::AtLeastOnce => "every effect applied at least once",
            DeliveryMode::ExactlyOnce => "every effect applied exactly once",
        }
    }
}

impl fmt::Display for DeliveryMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Identifies one logical request: which client, and its sequence number there.
pub type ReqKey = (u32, u64);

/// What a node reports having done. Recorded in the trace and digested.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Note {
    /// A client issued a new request.
    Issued { client: u32, req: u64 },
    /// A client sent a request again after a timeout (`attempt` counts from 1 for the first send).
    Retransmit { client: u32, req: u64, attempt: u32 },
    /// The server took delivery of a request (possibly a duplicate).
    Received { client: u32, req: u64 },
    /// The server applied the request's effect.
    Applied { client: u32, req: u64 },
    /// The server recognised a duplicate and did not apply it again.
    Suppressed { client: u32, req: u64 },
    /// The client got a reply.
    Completed { client: u32, req: u64 },
    /// The client stopped retrying (retry limit reached).
    GaveUp { client: u32, req: u64 },
    /// A failure detector started suspecting `target`.
    Suspect { observer: u32, target: u32 },
    /// A failure detector stopped suspecting `target`.
    Trust { observer: u32, target: u32 },
    /// Raft: this node was elected leader of `term`, with `log_len` entries.
    Elected { term: u64, log_len: u64 },
    /// Raft: this node stands for election in `term`.
    Stood { term: u64 },
    /// Raft: this leader took a client command as entry `index` of `term`.
    Submitted { index: u64, term: u64, cmd: u64 },
    /// Raft: this node wrote entry `index` of `term` (after one of
    /// `prev_term`) into its log.
    Logged {
        index: u64,
        term: u64,
        prev_term: u64,
        cmd: u64,
    },
    /// Raft: this leader counted entries up to `index` committed.
    Committed { index: u64, term: u64, cmd: u64 },
    /// Raft: this node applied entry `index` to its state machine.
    Executed { index: u64, term: u64, cmd: u64 },
    /// Key-value service: a client issued a get (or a put) of `key`.
    KvIssued {
        client: u32,
        req: u64,
        key: u32,
        write: bool,
    },
    /// Key-value service: a client got its answer: the version it read or
    /// wrote; `late` if after the deadline (it counts as done, not as
    /// available).
    KvReplied {
        client: u32,
        req: u64,
        version: u64,
        late: bool,
    },
    /// Key-value service: a request missed its deadline (unavailable).
    KvExpired { client: u32, req: u64 },
    /// Key-value service: this server now holds `len` requests (queued plus
    /// the one being served).
    KvQueue { len: u32 },
    /// Key-value service: this replica became (`on`) or stopped being the
    /// primary of `shard` in `epoch`.
    KvPrimary { shard: u32, epoch: u64, on: bool },
}

impl Note {
    /// Words for the trace digest.
    pub fn words(&self) -> [u64; 3] {
        let (k, c, r, a): (u64, u64, u64, u64) = match *self {
            Note::Issued { client, req } => (1, client.into(), req, 0),
            Note::Retransmit {
                client,
                req,
                attempt,
            } => (2, client.into(), req, attempt.into()),
            Note::Received { client, req } => (3, client.into(), req, 0),
            Note::Applied { client, req } => (4, client.into(), req, 0),
            Note::Suppressed { client, req } => (5, client.into(), req, 0),
            Note::Completed { client, req } => (6, client.into(), req, 0),
            Note::GaveUp { client, req } => (7, client.into(), req, 0),
            Note::Suspect { observer, target } => (8, observer.into(), target.into(), 0),
            Note::Trust { observer, target } => (9, observer.into(), target.into(), 0),
            Note::Elected { term, log_len } => (10, term, log_len, 0),
            Note::Stood { term } => (14, term, 0, 0),
            Note::Submitted { index, term, cmd } => (15, term, cmd, index),
            Note::Logged {
                index,
                term,
                prev_term,
                cmd,
            } => (11, term, cmd ^ prev_term.rotate_left(32), index),
            Note::Committed { index, term, cmd } => (12, term, cmd, index),
            Note::Executed { index, term, cmd } => (13, term, cmd, index),
            Note::KvIssued {
                client,
                req,
                key,
                write,
            } => (
                16,
                client.into(),
                req,
                u64::from(key) << 1 | u64::from(write),
            ),
            Note::KvReplied {
                client,
                req,
                version,
                late,
            } => (
                17,
                client.into(),
                req ^ version.rotate_left(32),
                late.into(),
            ),
            Note::KvExpired { client, req } => (18, client.into(), req, 0),
            Note::KvQueue { len } => (19, len.into(), 0, 0),
            Note::KvPrimary { shard, epoch, on } => (20, shard.into(), epoch, on.into()),
        };
        [k | a << 8, c, r]
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Note::Issued { client, req } => write!(f, "issues request c{client}#{req}"),
            Note::Retransmit {
                client,
                req,
                attempt,
            } => write!(f, "retransmits c{client}#{req} (attempt {attempt})"),
            Note::Received { client, req } => write!(f, "receives c{client}#{req}"),
            Note::Applied { client, req } => write!(f, "APPLIES c{client}#{req}"),
            Note::Suppressed { client, req } => write!(f, "suppresses duplicate c{client}#{req}"),
            Note::Completed { client, req } => write!(f, "gets the reply to c{client}#{req}"),
            Note::GaveUp { client, req } => write!(f, "gives up on c{client}#{req}"),
            Note::Suspect { target, .. } => write!(f, "SUSPECTS n{target}"),
            Note::Trust { target, .. } => write!(f, "trusts n{target} again"),
            Note::Elected { term, .. } => write!(f, "is ELECTED leader of term {term}"),
            Note::Stood { term } => write!(f, "stands for election in term {term}"),
            Note::Submitted { index, term, .. } => {
                write!(f, "takes a client command as #{index} (term {term})")
            }
            Note::Logged { index, term, .. } => write!(f, "writes entry #{index} (term {term})"),
            Note::Committed { index, .. } => write!(f, "COMMITS #{index}"),
            Note::Executed { index, cmd, .. } => {
                write!(f, "applies #{index} (command {:x})", cmd)
            }
            Note::KvIssued {
                client,
                req,
                key,
                write,
            } => {
                let op = if write { "put" } else { "get" };
                write!(f, "issues c{client}#{req}: {op} k{key}")
            }
            Note::KvReplied {
                client, req, late, ..
            } => {
                let late = if late { " (late)" } else { "" };
                write!(f, "gets the answer to c{client}#{req}{late}")
            }
            Note::KvExpired { client, req } => {
                write!(f, "gives up on c{client}#{req}: past its deadline")
            }
            Note::KvQueue { len } => write!(f, "holds {len} requests"),
            Note::KvPrimary { shard, epoch, on } => {
                if on {
                    write!(f, "becomes PRIMARY of shard {shard} (epoch {epoch})")
                } else {
                    write!(f, "steps down as primary of shard {shard}")
                }
            }
        }
    }
}

/// The first event that broke the mode's guarantee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Index of the note in the trace.
    pub trace_index: u64,
    /// Queue events processed when it happened (to replay the run up to it).
    pub after_events: u64,
    /// When.
    pub time: Micros,
    /// What happened, in words.
    pub what: String,
}

/// Counters over a run, computed from notes as they happen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeliveryMetrics {
    /// The mode whose guarantee is being checked (set by the workload).
    pub mode: Option<DeliveryMode>,
    /// Requests issued by clients.
    pub issued: u64,
    /// Retransmissions after timeouts.
    pub retransmissions: u64,
    /// Request messages the server took delivery of (duplicates included).
    pub delivered: u64,
    /// Of those, copies of a request it had already received.
    pub duplicates_delivered: u64,
    /// Duplicates the server recognised and did not apply.
    pub duplicates_suppressed: u64,
    /// Replies that reached their client.
    pub completed: u64,
    /// Requests a client gave up on.
    pub gave_up: u64,
    /// How many times each request's effect was applied (absent: never).
    pub applied: BTreeMap<ReqKey, u32>,
    received: BTreeSet<ReqKey>,
    /// The request whose effect was most recently applied for the first
    /// time: with the idempotent register, the value `x` should hold
    /// (last writer wins, in the order the server first applied them).
    pub last_fresh: Option<ReqKey>,
    /// Duplicates applied after a newer request's first application: with
    /// the register, a late duplicate overwriting a newer value.
    pub stale_overwrites: u64,
    /// The latest such duplicate (what `x` was set back to).
    pub last_stale: Option<ReqKey>,
    /// First applications of a request issued before one already applied:
    /// concurrent writers whose writes land in another order than issued.
    pub reordered_writes: u64,
    /// Each request's place in the order of issue (from 0).
    issue_order: BTreeMap<ReqKey, u64>,
    max_applied_issue: Option<u64>,
    /// Number of guarantee violations.
    pub violations: u64,
    /// The first of them.
    pub first_violation: Option<Violation>,
}

impl DeliveryMetrics {
    /// Empty counters that check `mode`'s guarantee.
    pub fn checking(mode: Option<DeliveryMode>) -> Self {
        DeliveryMetrics {
            mode,
            ..DeliveryMetrics::default()
        }
    }

    /// Folds one note in. `at` is (trace index, events processed, time).
    pub fn observe(&mut self, node: NodeId, note: &Note, at: (u64, u64, Micros)) {
        let mut broke: Option<String> = None;
        match *note {
            Note::Issued { client, req } => {
                self.issue_order.insert((client, req), self.issued);
                self.issued += 1;
            }
            Note::Retransmit { .. } => self.retransmissions += 1,
            Note::Received { client, req } => {
                self.delivered += 1;
                if !self.received.insert((client, req)) {
                    self.duplicates_delivered += 1;
                }
            }
            Note::Applied { client, req } => {
                let n = self.applied.entry((client, req)).or_insert(0);
                *n += 1;
                if *n == 1 {
                    self.last_fresh = Some((client, req));
                    if let Some(&k) = self.issue_order.get(&(client, req)) {
                        if self.max_applied_issue.is_some_and(|m| k < m) {
                            self.reordered_writes += 1;
                        }
                        self.max_applied_issue =
                            Some(self.max_applied_issue.map_or(k, |m| m.max(k)));
                    }
                } else if self.last_fresh.is_some_and(|(_, r)| r != req) {
                    // A value other than the newest write's (values are per
                    // request number, whichever client wrote it).
                    self.stale_overwrites += 1;
                    self.last_stale = Some((client, req));
                }
                if *n == 2
                    && matches!(
                        self.mode,
                        Some(DeliveryMode::AtMostOnce | DeliveryMode::ExactlyOnce)
                    )
                {
                    broke = Some(format!(
                        "{node} applied request c{client}#{req} a second time"
                    ));
                }
            }
            Note::Suppressed { .. } => self.duplicates_suppressed += 1,
            Note::Completed { .. } => self.completed += 1,
            Note::Suspect { .. }
            | Note::Trust { .. }
            | Note::Elected { .. }
            | Note::Stood { .. }
            | Note::Submitted { .. }
            | Note::Logged { .. }
            | Note::Committed { .. }
            | Note::Executed { .. }
            | Note::KvIssued { .. }
            | Note::KvReplied { .. }
            | Note::KvExpired { .. }
            | Note::KvQueue { .. }
            | Note::KvPrimary { .. } => {}
            Note::GaveUp { client, req } => {
                self.gave_up += 1;
                let never = !self.applied.contains_key(&(client, req));
                if never
                    && matches!(
                        self.mode,
                        Some(DeliveryMode::AtLeastOnce | DeliveryMode::ExactlyOnce)
                    )
                {
                    broke = Some(format!(
                        "c{client} gave up on request #{req}, which was never applied"
                    ));
                }
            }
        }
        if let Some(what) = broke {
            self.violations += 1;
            if self.first_violation.is_none() {
                self.first_violation = Some(Violation {
                    trace_index: at.0,
                    after_events: at.1,
                    time: at.2,
                    what,
                });
            }
        }
    }

    /// The register value the last first-applied write set (`x = req + 1`,
    /// as the idempotent workload writes), if any was applied.
    pub fn expected_x(&self) -> Option<i64> {
        self.last_fresh.map(|(_, req)| req as i64 + 1)
    }

    /// Requests applied 0, 1, and more than once, among those issued.
    pub fn applied_histogram(&self) -> [u64; 3] {
        let once = self.applied.values().filter(|&&n| n == 1).count() as u64;
        let more = self.applied.values().filter(|&&n| n > 1).count() as u64;
        [self.issued.saturating_sub(once + more), once, more]
    }
}
