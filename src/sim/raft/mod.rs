//! Raft (Ongaro and Ousterhout, 2014): leader election and a replicated log,
//! with the failure detector the user picked as the election trigger, and
//! breakable variants for teaching.
//!
//! A follower watches its leader's AppendEntries as heartbeats through a
//! [`PeerHistory`]: when the detector suspects the leader (a fixed timeout,
//! or phi accrual), the follower waits a random extra delay (so that two
//! followers rarely stand at once) and stands for election. So the
//! detector's mistakes in an asynchronous network cause needless elections,
//! and its settings decide how fast a crashed leader is replaced.
//!
//! An AppendEntries carries at most one entry (messages stay small and
//! `Copy`, and each arrow in the picture is one entry); a leader keeps up to
//! [`WINDOW`] of them in flight to a lagging follower, and a refusal says
//! where the follower's log may still match (its length, or the start of the
//! conflicting term), so a log far behind catches up in a few round trips.
//!
//! The handlers report what a monitor needs as [`Note`]s: a node elected,
//! an entry written into a log (with its predecessor's term), an index
//! committed by a leader, an entry applied. [`RaftMonitor`] checks the four
//! safety properties of the paper (figure 3) from them.

use super::delivery::Note;
use super::detector::{DetectorKind, PeerHistory};
use super::node::{Ctx, Out, Protocol, TimerTag};
use super::rng::SimRng;
use super::{Micros, NodeId};

/// Ways to break Raft, each a toggle, for the safety monitors to catch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RaftBugs {
    /// A node may grant a second vote in the same term (to a later candidate).
    pub vote_twice: bool,
    /// A leader counts an entry committed as soon as one follower has it.
    pub commit_without_majority: bool,
    /// The term and the vote are not kept on stable storage (the log is).
    pub forget_term: bool,
    /// Votes are granted without checking the candidate's log is up to date.
    pub skip_log_check: bool,
}

/// The Raft workload's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Raft {
    /// Leader heartbeat (empty AppendEntries) interval, local µs.
    pub heartbeat: Micros,
    /// Without a detector: a follower stands after a random timeout in
    /// `[election, 2 × election)`. With one: the random extra delay after
    /// the detector suspects the leader is in `[0, election)`.
    pub election: Micros,
    /// The failure detector watching the leader, if any.
    pub detector: Option<DetectorKind>,
    /// A leader appends a client command this often (local µs); 0: never.
    pub submit_every: Micros,
    /// Breakable variants.
    pub bugs: RaftBugs,
}

impl Default for Raft {
    fn default() -> Self {
        // The random part of the election timeout spans several round
        // trips of the default network (40-160 ms each way): candidates
        // rarely collide, so split votes are rare and short.
        Raft {
            heartbeat: 100_000,
            election: 600_000,
            detector: Some(DetectorKind::FixedTimeout { timeout: 400_000 }),
            submit_every: 400_000,
            bugs: RaftBugs::default(),
        }
    }
}

/// A node's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Follower,
    Candidate,
    Leader,
}

/// One node's Raft state.
#[derive(Clone, Debug, PartialEq)]
pub struct RaftState {
    pub role: Role,
    /// Persistent (stable storage): the current term, the vote, the log.
    pub term: u64,
    pub voted_for: Option<u32>,
    pub log: Vec<LogEntry>,
    /// Entries known committed (a count: indices 1..=commit).
    pub commit: u64,
    /// Entries applied to the state machine.
    pub applied: u64,
    /// The leader this node follows in its term, if known.
    pub leader: Option<u32>,
    /// Votes received as a candidate (one flag per node).
    pub votes: Vec<bool>,
    /// As leader: the next index to send to each node, the index up to
    /// which each is known to match, and the highest index sent to each.
    pub next_index: Vec<u64>,
    pub match_index: Vec<u64>,
    pub sent: Vec<u64>,
    /// The detector's memory of the leader's heartbeats (with a detector).
    pub watch: Option<PeerHistory>,
    /// Commands this node appended as leader (its client's sequence).
    pub submitted: u64,
    /// When (local µs) its election timer fires, as last armed: what the
    /// adversarial network times its holds to.
    pub election_at: i64,
}

impl RaftState {
    /// The term of the entry at `index` (0 for index 0, or past the end).
    pub fn term_at(&self, index: u64) -> u64 {
        if index == 0 {
            0
        } else {
            self.log.get(index as usize - 1).map_or(0, |e| e.term)
        }
    }

    fn last(&self) -> (u64, u64) {
        let i = self.log.len() as u64;
        (i, self.term_at(i))
    }
}

/// The election timer: a follower or candidate stands when it fires.
pub const ELECTION_TIMER: TimerTag = 1;
/// The leader's heartbeat.
pub const HEARTBEAT_TIMER: TimerTag = 2;
/// The built-in client: a leader appends a command.
pub const CLIENT_TIMER: TimerTag = 3;

/// Entries a leader keeps in flight to one follower.
pub const WINDOW: u64 = 8;

impl Raft {
    /// A random delay in `[0, span)`: a hash of who asks, in which term, at
    /// which local instant (handlers have no random source of their own;
    /// this is as deterministic as the run).
    fn jitter(ctx: &Ctx, term: u64, span: Micros) -> Micros {
        let seed = (ctx.id.0 as u64) << 48 ^ term << 24 ^ ctx.local_now as u64;
        SimRng::new(seed).range_inclusive(0, span.max(1) - 1)
    }

    /// (Re)arms the election timer: after the detector would suspect the
    /// leader plus a random delay, or a random timeout without a detector.
    fn arm_election(&self, st: &mut RaftState, ctx: &Ctx, out: &mut Out<RaftMsg>) {
        let extra = Self::jitter(ctx, st.term, self.election);
        let after = match (&self.detector, &st.watch) {
            (Some(kind), Some(h)) if st.leader.is_some() => h.suspect_after(kind) + extra,
            _ => self.election + extra,
        }
        .max(1);
        st.election_at = ctx.local_now.saturating_add(after as i64);
        out.set_timer(ELECTION_TIMER, after);
    }

    /// Whether the detector suspects the leader now (always, without one or
    /// without a leader).
    fn suspects_leader(&self, st: &RaftState, ctx: &Ctx) -> bool {
        match (&self.detector, &st.watch, st.leader) {
            (Some(kind), Some(h), Some(_)) => {
                h.level(ctx.local_now, kind) >= PeerHistory::threshold(kind)
            }
            _ => true,
        }
    }

    /// A higher term seen: back to follower in it, no vote yet (a deposed
    /// leader stops its heartbeat and watches for elections again).
    fn adopt_term(&self, st: &mut RaftState, ctx: &Ctx, term: u64, out: &mut Out<RaftMsg>) {
        if term > st.term {
            st.term = term;
            st.voted_for = None;
            st.leader = None;
            if st.role == Role::Leader {
                out.cancel_timer(HEARTBEAT_TIMER);
                st.role = Role::Follower;
                self.arm_election(st, ctx, out);
            }
            st.role = Role::Follower;
        }
    }

    fn stand(&self, st: &mut RaftState, ctx: &Ctx, out: &mut Out<RaftMsg>) {
        st.term += 1;
        out.note(Note::Stood { term: st.term });
        st.role = Role::Candidate;
        st.voted_for = Some(ctx.id.0);
        st.leader = None;
        st.votes = vec![false; ctx.n as usize];
        st.votes[ctx.id.0 as usize] = true;
        let (last_index, last_term) = st.last();
        out.broadcast(RaftMsg::RequestVote {
            term: st.term,
            last_index,
            last_term,
        });
        self.arm_election(st, ctx, out);
        if ctx.n == 1 {
            self.lead(st, ctx, out);
        }
    }

    fn lead(&self, st: &mut RaftState, ctx: &Ctx, out: &mut Out<RaftMsg>) {
        st.role = Role::Leader;
        st.leader = Some(ctx.id.0);
        let len = st.log.len() as u64;
        st.next_index = vec![len + 1; ctx.n as usize];
        st.match_index = vec![0; ctx.n as usize];
        st.sent = vec![len; ctx.n as usize];
        st.match_index[ctx.id.0 as usize] = len;
        out.cancel_timer(ELECTION_TIMER);
        out.note(Note::Elected {
            term: st.term,
            log_len: len,
        });
        self.heartbeat_all(st, ctx, out);
        out.set_timer(HEARTBEAT_TIMER, self.heartbeat);
    }

    /// The AppendEntries for `peer` carrying entry `index` (if the log has it).
    fn append_at(&self, st: &RaftState, index: u64) -> RaftMsg {
        let prev_index = index.max(1) - 1;
        RaftMsg::Append {
            term: st.term,
            prev_index,
            prev_term: st.term_at(prev_index),
            entry: st.log.get(prev_index as usize).copied(),
            commit: st.commit,
        }
    }

    fn heartbeat_all(&self, st: &mut RaftState, ctx: &Ctx, out: &mut Out<RaftMsg>) {
        for p in (0..ctx.n).filter(|&p| p != ctx.id.0) {
            let next = st.next_index[p as usize];
            out.send(NodeId(p), self.append_at(st, next));
            if next <= st.log.len() as u64 {
                st.sent[p as usize] = st.sent[p as usize].max(next);
            }
        }
    }

    /// Sends `peer` the entries after those in flight, up to [`WINDOW`]
    /// beyond what it is known to hold.
    fn fill_window(&self, st: &mut RaftState, peer: u32, out: &mut Out<RaftMsg>) {
        let p = peer as usize;
        let upto = (st.match_index[p] + WINDOW).min(st.log.len() as u64);
        let from = st.sent[p].max(st.next_index[p] - 1) + 1;
        for index in from..=upto {
            out.send(NodeId(peer), self.append_at(st, index));
            st.sent[p] = index;
        }
    }

    /// Applies committed entries, in order.
    fn apply(&self, st: &mut RaftState, out: &mut Out<RaftMsg>) {
        while st.applied < st.commit.min(st.log.len() as u64) {
            st.applied += 1;
            let e = st.log[st.applied as usize - 1];
            out.note(Note::Executed {
                index: st.applied,
                term: e.term,
                cmd: e.cmd,
            });
        }
    }

    /// The leader's commit index after a reply: the largest index of its
    /// own term stored on a majority (with the bug: on any one follower).
    fn advance_commit(&self, st: &mut RaftState, ctx: &Ctx, out: &mut Out<RaftMsg>) {
        let n = ctx.n as usize;
        let need = if self.bugs.commit_without_majority {
            2.min(n)
        } else {
            n / 2 + 1
        };
        let mut best = st.commit;
        for idx in (st.commit + 1)..=(st.log.len() as u64) {
            let holders = st.match_index.iter().filter(|&&m| m >= idx).count();
            if holders >= need && st.term_at(idx) == st.term {
                best = idx;
            }
        }
        if best > st.commit {
            for idx in st.commit + 1..=best {
                let e = st.log[idx as usize - 1];
                out.note(Note::Committed {
                    index: idx,
                    term: e.term,
                    cmd: e.cmd,
                });
            }
            st.commit = best;
            self.apply(st, out);
        }
    }

    fn on_append(
        &self,
        st: &mut RaftState,
        ctx: &Ctx,
        from: NodeId,
        msg: &RaftMsg,
        out: &mut Out<RaftMsg>,
    ) {
        let RaftMsg::Append {
            term,
            prev_index,
            prev_term,
            entry,
            commit,
        } = *msg
        else {
            return;
        };
        if term < st.term {
            out.send(
                from,
                RaftMsg::AppendReply {
                    term: st.term,
                    success: false,
                    match_index: 0,
                },
            );
            return;
        }
        self.adopt_term(st, ctx, term, out);
        if st.role == Role::Candidate {
            st.role = Role::Follower;
        }
        if st.leader != Some(from.0) {
            st.leader = Some(from.0);
            // A new leader: the detector starts afresh on its heartbeats.
            st.watch = self
                .detector
                .as_ref()
                .map(|k| PeerHistory::new(ctx.local_now, k));
        }
        if let (Some(kind), Some(h)) = (&self.detector, st.watch.as_mut()) {
            h.heartbeat(ctx.local_now, kind);
        }
        self.arm_election(st, ctx, out);
        let len = st.log.len() as u64;
        let ok = prev_index <= len && st.term_at(prev_index) == prev_term;
        if !ok {
            // Where the logs may still match: our end, or before the
            // conflicting term's first entry (the leader skips a whole term).
            let hint = if prev_index > len {
                len
            } else {
                let t = st.term_at(prev_index);
                st.log.iter().position(|e| e.term == t).unwrap_or(0) as u64
            };
            out.send(
                from,
                RaftMsg::AppendReply {
                    term: st.term,
                    success: false,
                    match_index: hint,
                },
            );
            return;
        }
        let mut last_new = prev_index;
        if let Some(e) = entry {
            let idx = prev_index + 1;
            if st.term_at(idx) != e.term || idx > st.log.len() as u64 {
                // A conflicting entry and all after it go; then this one.
                st.log.truncate(prev_index as usize);
                st.log.push(e);
                out.note(Note::Logged {
                    index: idx,
                    term: e.term,
                    prev_term,
                    cmd: e.cmd,
                });
            }
            last_new = idx;
        }
        if commit > st.commit {
            st.commit = commit.min(last_new).max(st.commit);
            self.apply(st, out);
        }
        out.send(
            from,
            RaftMsg::AppendReply {
                term: st.term,
                success: true,
                match_index: last_new,
            },
        );
    }
}

impl Protocol for Raft {
    type State = RaftState;
    type Msg = RaftMsg;

    fn init(&self, ctx: &Ctx, out: &mut Out<RaftMsg>) -> RaftState {
        let n = ctx.n as usize;
        let mut st = RaftState {
            role: Role::Follower,
            term: 0,
            voted_for: None,
            log: Vec::new(),
            commit: 0,
            applied: 0,
            leader: None,
            votes: vec![false; n],
            next_index: vec![1; n],
            match_index: vec![0; n],
            sent: vec![0; n],
            watch: None,
            submitted: 0,
            election_at: 0,
        };
        self.arm_election(&mut st, ctx, out);
        if self.submit_every > 0 {
            out.set_timer(CLIENT_TIMER, self.submit_every);
        }
        st
    }

    fn on_msg(
        &self,
        st: &mut RaftState,
        ctx: &Ctx,
        from: NodeId,
        msg: &RaftMsg,
        out: &mut Out<RaftMsg>,
    ) {
        match *msg {
            RaftMsg::RequestVote {
                term,
                last_index,
                last_term,
            } => {
                self.adopt_term(st, ctx, term, out);
                let (my_index, my_term) = st.last();
                let up_to_date = self.bugs.skip_log_check
                    || last_term > my_term
                    || (last_term == my_term && last_index >= my_index);
                let free = st.voted_for.is_none()
                    || st.voted_for == Some(from.0)
                    || (self.bugs.vote_twice && st.role != Role::Leader);
                let granted = term == st.term && free && up_to_date && st.role != Role::Leader;
                if granted {
                    st.voted_for = Some(from.0);
                    self.arm_election(st, ctx, out);
                }
                out.send(
                    from,
                    RaftMsg::Vote {
                        term: st.term,
                        granted,
                    },
                );
            }
            RaftMsg::Vote { term, granted } => {
                self.adopt_term(st, ctx, term, out);
                if st.role == Role::Candidate && term == st.term && granted {
                    if let Some(v) = st.votes.get_mut(from.0 as usize) {
                        *v = true;
                    }
                    let yes = st.votes.iter().filter(|v| **v).count();
                    if yes > ctx.n as usize / 2 {
                        self.lead(st, ctx, out);
                    }
                }
            }
            RaftMsg::Append { .. } => self.on_append(st, ctx, from, msg, out),
            RaftMsg::AppendReply {
                term,
                success,
                match_index,
            } => {
                self.adopt_term(st, ctx, term, out);
                if st.role != Role::Leader || term != st.term {
                    return;
                }
                let p = from.0 as usize;
                if success {
                    st.match_index[p] = st.match_index[p].max(match_index);
                    st.next_index[p] = st.next_index[p].max(st.match_index[p] + 1);
                    st.sent[p] = st.sent[p].max(st.match_index[p]);
                    self.advance_commit(st, ctx, out);
                    self.fill_window(st, from.0, out);
                } else if match_index + 1 < st.next_index[p] {
                    // Back to where the logs may match, and resend from there.
                    st.next_index[p] = (match_index + 1).max(st.match_index[p] + 1).max(1);
                    st.sent[p] = st.next_index[p] - 1;
                    let next = st.next_index[p];
                    out.send(from, self.append_at(st, next));
                    if next <= st.log.len() as u64 {
                        st.sent[p] = next;
                    }
                }
            }
        }
    }

    fn on_timer(&self, st: &mut RaftState, ctx: &Ctx, tag: TimerTag, out: &mut Out<RaftMsg>) {
        match tag {
            ELECTION_TIMER if st.role != Role::Leader => {
                if self.suspects_leader(st, ctx) {
                    self.stand(st, ctx, out);
                } else {
                    self.arm_election(st, ctx, out);
                }
            }
            HEARTBEAT_TIMER if st.role == Role::Leader => {
                self.heartbeat_all(st, ctx, out);
                out.set_timer(HEARTBEAT_TIMER, self.heartbeat);
            }
            CLIENT_TIMER => {
                if st.role == Role::Leader {
                    st.submitted += 1;
                    let e = LogEntry {
                        term: st.term,
                        cmd: (ctx.id.0 as u64) << 40 | st.submitted,
                    };
                    let index = st.log.len() as u64 + 1;
                    out.note(Note::Submitted {
                        index,
                        term: e.term,
                        cmd: e.cmd,
                    });
                    out.note(Note::Logged {
                        index,
                        term: e.term,
                        prev_term: st.term_at(index - 1),
                        cmd: e.cmd,
                    });
                    st.log.push(e);
                    st.match_index[ctx.id.0 as usize] = index;
                    // Send it to the followers with room in their window.
                    for p in (0..ctx.n).filter(|&p| p != ctx.id.0) {
                        self.fill_window(st, p, out);
                    }
                    if ctx.n == 1 {
                        self.advance_commit(st, ctx, out);
                    }
                }
                out.set_timer(CLIENT_TIMER, self.submit_every);
            }
            _ => {}
        }
    }

    /// Raft keeps its term, its vote and its log on stable storage (with the
    /// `forget_term` bug, only the log).
    fn persisted(&self, st: &RaftState) -> Option<RaftState> {
        let mut kept = st.clone();
        if self.bugs.forget_term {
            kept.term = 0;
            kept.voted_for = None;
        }
        Some(kept)
    }

    fn recover(&self, ctx: &Ctx, stable: Option<RaftState>, out: &mut Out<RaftMsg>) -> RaftState {
        let mut st = self.init(ctx, out);
        if let Some(s) = stable {
            st.term = s.term;
            st.voted_for = s.voted_for;
            st.log = s.log;
            // The commit index is volatile: relearned from the leader. What
            // was applied is in the state machine, rebuilt from the log.
            st.commit = 0;
            st.applied = 0;
        }
        st
    }

    /// The adversarial network holds a leader's AppendEntries to a follower,
    /// and a vote to a candidate, until just after the receiver's election
    /// timer fires: followers keep standing, candidates never gather their
    /// votes in time. No leader is ever elected (liveness stalls, as FLP
    /// says an adversary can make it), and safety still holds.
    fn adversary_delay(
        &self,
        receiver: &RaftState,
        _from: NodeId,
        msg: &RaftMsg,
        local_now: i64,
    ) -> Option<Micros> {
        let held = match msg {
            RaftMsg::Append { .. } => receiver.role != Role::Leader,
            RaftMsg::Vote { .. } => receiver.role == Role::Candidate,
            _ => false,
        };
        held.then(|| (receiver.election_at - local_now).max(0) as Micros)
    }

    fn log_of<'a>(&self, state: &'a RaftState) -> Option<&'a [LogEntry]> {
        Some(&state.log)
    }

    /// A lying node grants every vote and garbles the commands it sends.
    fn corrupt(&self, msg: &RaftMsg, noise: u64) -> RaftMsg {
        match *msg {
            RaftMsg::Vote { term, .. } => RaftMsg::Vote {
                term,
                granted: true,
            },
            m => with_command(m, |c| c ^ (noise | 1)),
        }
    }

    /// An equivocating leader tells each follower a different command for
    /// the same entry.
    fn equivocate(&self, msg: &RaftMsg, to: NodeId) -> RaftMsg {
        with_command(*msg, |c| c ^ ((to.0 as u64 + 1) << 20))
    }

    fn approx_bytes(&self, st: &RaftState, _older: Option<&RaftState>) -> usize {
        std::mem::size_of::<RaftState>()
            + st.log.capacity() * std::mem::size_of::<LogEntry>()
            + (st.votes.capacity() + 24 * st.next_index.capacity())
    }

    fn timer_name(&self, tag: TimerTag) -> &'static str {
        match tag {
            ELECTION_TIMER => "election",
            HEARTBEAT_TIMER => "heartbeat",
            CLIENT_TIMER => "client",
            _ => "timer",
        }
    }

    fn describe(&self, st: &RaftState, _ctx: &Ctx) -> Vec<(String, String)> {
        vec![
            (
                "Role".into(),
                match st.role {
                    Role::Follower => "follower",
                    Role::Candidate => "candidate",
                    Role::Leader => "leader",
                }
                .into(),
            ),
            ("Term".into(), st.term.to_string()),
            (
                "Voted for".into(),
                st.voted_for.map_or("nobody".into(), |v| format!("n{v}")),
            ),
            (
                "Log".into(),
                format!("{} entries, {} committed", st.log.len(), st.commit),
            ),
        ]
    }
}

/// `msg` with the command of the entry it carries, if any, changed by `f`
/// (what a Byzantine node tampers with).
fn with_command(msg: RaftMsg, f: impl Fn(u64) -> u64) -> RaftMsg {
    match msg {
        RaftMsg::Append {
            entry: Some(e),
            term,
            prev_index,
            prev_term,
            commit,
        } => RaftMsg::Append {
            entry: Some(LogEntry { cmd: f(e.cmd), ..e }),
            term,
            prev_index,
            prev_term,
            commit,
        },
        m => m,
    }
}

mod monitor;
mod msg;
pub use monitor::{Liveness, RaftMonitor, Safety, SafetyViolation};
pub use msg::{LogEntry, RaftMsg};
