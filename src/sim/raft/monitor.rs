//! Raft's monitors: the four safety properties of the paper (figure 3),
//! checked from the nodes' notes and a new leader's log, and two liveness
//! properties, which a finite run can only hold, not yet hold, or stall.

use super::LogEntry;
use crate::sim::delivery::Note;
use crate::sim::Micros;
use std::collections::BTreeMap;

/// A safety property of Raft (the paper's figure 3), as the monitor names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Safety {
    /// At most one leader is elected in a term.
    ElectionSafety,
    /// Two logs with an entry of the same index and term hold the same
    /// entries up to it.
    LogMatching,
    /// An entry committed in a term is in the log of every leader of a
    /// later term.
    LeaderCompleteness,
    /// No two nodes apply different commands at the same index.
    StateMachineSafety,
}

impl Safety {
    /// The property's name, for students.
    pub fn name(self) -> &'static str {
        match self {
            Safety::ElectionSafety => "election safety",
            Safety::LogMatching => "log matching",
            Safety::LeaderCompleteness => "leader completeness",
            Safety::StateMachineSafety => "state-machine safety",
        }
    }

    pub const ALL: [Safety; 4] = [
        Safety::ElectionSafety,
        Safety::LogMatching,
        Safety::LeaderCompleteness,
        Safety::StateMachineSafety,
    ];
}

/// The first violation of a property: when and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SafetyViolation {
    /// Events processed before the one that broke it.
    pub after_events: u64,
    pub at: Micros,
    pub what: String,
}

/// Checks Raft's safety properties from the nodes' notes (and, for leader
/// completeness, the new leader's log). An observer: it never feeds back.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RaftMonitor {
    /// Who was elected in each term.
    leaders: BTreeMap<u64, u32>,
    /// Every (index, term) written into some log: its command and its
    /// predecessor's term. Log matching holds exactly when no two writes
    /// of the same (index, term) disagree on these (by induction on index).
    written: BTreeMap<(u64, u64), (u64, u64)>,
    /// Entries committed by a leader: index → (term, command).
    committed: BTreeMap<u64, (u64, u64)>,
    /// Commands applied: index → command.
    applied: BTreeMap<u64, u64>,
    /// The first violation of each property.
    pub first: BTreeMap<Safety, SafetyViolation>,
    /// Leaders elected so far.
    pub elections: u64,
    /// Highest index applied by some node.
    pub applied_max: u64,
    /// The latest leader and its term.
    pub leader: Option<u32>,
    pub leader_term: u64,
    /// Since when no leader has been known to lead the latest term (a node
    /// stood in a later term, or the leader went down); `None`: one leads.
    pub leaderless_since: Option<Micros>,
    /// How long the last election took, from the first candidate.
    pub last_election_took: Option<Micros>,
    /// Since when a submitted command waits for any commit.
    pub pending_since: Option<Micros>,
    pub last_commit_at: Option<Micros>,
}

/// A liveness property's state in a finite run: it can be satisfied, or not
/// yet, but never violated (there is always a later time it could still
/// happen); "stalled" says how long it has been waiting beyond its bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Liveness {
    /// It happened (in this long).
    Held(Micros),
    /// Waiting, within its bound, for this long.
    NotYet(Micros),
    /// Waiting past its bound, for this long.
    Stalled(Micros),
}

impl RaftMonitor {
    /// The node `node` went down at `at`: if it led, the cluster is
    /// leaderless from now.
    pub fn down(&mut self, node: u32, at: Micros) {
        if self.leader == Some(node) && self.leaderless_since.is_none() {
            self.leaderless_since = Some(at);
            self.leader = None;
        }
    }

    /// "A leader is elected within `bound` after the last one was lost."
    pub fn leader_liveness(&self, now: Micros, bound: Micros) -> Liveness {
        match self.leaderless_since {
            None => Liveness::Held(self.last_election_took.unwrap_or(0)),
            Some(t) if now - t < bound => Liveness::NotYet(now - t),
            Some(t) => Liveness::Stalled(now - t),
        }
    }

    /// "A submitted command commits within `bound`."
    pub fn commit_liveness(&self, now: Micros, bound: Micros) -> Liveness {
        match self.pending_since {
            None => Liveness::Held(0),
            Some(t) if now - t < bound => Liveness::NotYet(now - t),
            Some(t) => Liveness::Stalled(now - t),
        }
    }
}

impl RaftMonitor {
    /// Feeds one note of `node`, whose log right after making it is `log`,
    /// at `(after_events, at)`.
    pub fn observe(
        &mut self,
        node: u32,
        note: &Note,
        log: Option<&[LogEntry]>,
        after_events: u64,
        at: Micros,
    ) {
        let mut broke = |p: Safety, what: String| {
            self.first.entry(p).or_insert(SafetyViolation {
                after_events,
                at,
                what,
            });
        };
        match *note {
            Note::Stood { term } if term > self.leader_term && self.leaderless_since.is_none() => {
                self.leaderless_since = Some(at);
            }
            Note::Submitted { .. } => {
                self.pending_since.get_or_insert(at);
            }
            Note::Elected { term, .. } => {
                self.elections += 1;
                if term >= self.leader_term {
                    self.leader = Some(node);
                    self.leader_term = term;
                    if let Some(since) = self.leaderless_since.take() {
                        self.last_election_took = Some(at - since);
                    }
                }
                if let Some(&other) = self.leaders.get(&term) {
                    if other != node {
                        broke(
                            Safety::ElectionSafety,
                            format!("n{node} and n{other} were both elected leader in term {term}"),
                        );
                    }
                } else {
                    self.leaders.insert(term, node);
                }
                if let Some(log) = log {
                    for (&idx, &(t, cmd)) in self.committed.range(..) {
                        if t >= term {
                            continue;
                        }
                        let have = log.get(idx as usize - 1);
                        if have.is_none_or(|e| e.term != t || e.cmd != cmd) {
                            broke(
                                Safety::LeaderCompleteness,
                                format!("n{node}, leader of term {term}, lacks entry #{idx} committed in term {t}"),
                            );
                            break;
                        }
                    }
                }
            }
            Note::Logged {
                index,
                term,
                prev_term,
                cmd,
            } => match self.written.get(&(index, term)) {
                Some(&(c, pt)) if (c, pt) != (cmd, prev_term) => broke(
                    Safety::LogMatching,
                    format!("n{node}'s entry #{index} of term {term} differs from another log's, or what precedes it does"),
                ),
                Some(_) => {}
                None => {
                    self.written.insert((index, term), (cmd, prev_term));
                }
            },
            Note::Committed { index, term, cmd } => {
                self.committed.entry(index).or_insert((term, cmd));
                self.pending_since = None;
                self.last_commit_at = Some(at);
            }
            Note::Executed { index, cmd, .. } => {
                self.applied_max = self.applied_max.max(index);
                match self.applied.get(&index) {
                    Some(&c) if c != cmd => broke(
                        Safety::StateMachineSafety,
                        format!("n{node} applied a different command at #{index} than another node"),
                    ),
                    Some(_) => {}
                    None => {
                        self.applied.insert(index, cmd);
                    }
                }
            }
            _ => {}
        }
    }

    /// Whether every safety property held so far.
    pub fn safe(&self) -> bool {
        self.first.is_empty()
    }
}
