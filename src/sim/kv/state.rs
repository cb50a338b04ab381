//! A service node's state, whatever its place (client, server, balancer,
//! worker, store or replica: the fields its place uses, the others empty),
//! what it holds (requests queued, awaited, replicated, batched) and the
//! protocol's timers and limits.

use super::{KvOp, Place};
use crate::sim::detector::PeerHistory;
use crate::sim::node::TimerTag;
use crate::sim::Micros;
use std::collections::{BTreeMap, VecDeque};

/// A request waiting at (or being served by) a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    /// Whom to answer.
    pub from: u32,
    pub client: u32,
    /// The client's request number, or the worker's token at the store.
    pub req: u64,
    pub key: u32,
    pub op: KvOp,
    /// When it arrived (local µs).
    pub arrived: i64,
    /// The first request number of the batch it came in (0: alone).
    pub batch: u64,
}

/// A client's request awaiting its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pending {
    pub key: u32,
    pub op: KvOp,
    /// Local time it was issued.
    pub issued: i64,
    /// Quorum: replicas (by rank) that answered, and the newest version seen.
    pub answered: u64,
    pub best: u64,
    /// Past its deadline (reported unavailable); kept a while so that a
    /// late answer still counts as done.
    pub expired: bool,
}

/// A replicated write the primary waits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub client: u32,
    pub req: u64,
    pub version: u64,
    /// Backups (by rank) not yet acknowledged.
    pub waiting: u64,
    /// Local time after which the missing backups count as failed.
    pub deadline: i64,
}

/// One node's state (the fields its place uses; the others stay empty).
#[derive(Clone, Debug, PartialEq)]
pub struct KvState {
    pub place: Place,
    /// Key → (version, value): a server's, store's or replica's data.
    pub data: BTreeMap<u32, (u64, u64)>,
    pub queue: VecDeque<Job>,
    pub busy: Option<Job>,
    /// Requests served, and dropped unserved because they had waited past
    /// the clients' deadline (nobody waits for their answer any more).
    pub served: u64,
    pub shed: u64,
    /// Client: requests issued, random draws made, requests awaiting answers,
    /// the rank believed primary per shard, the last version written.
    pub next_req: u64,
    pub draws: u64,
    pub pending: BTreeMap<u64, Pending>,
    pub believed: Vec<u32>,
    /// The newest epoch a primary announced, per shard.
    pub announced: Vec<u64>,
    pub last_version: u64,
    /// Balancer: outstanding requests per worker, the turn, detectors.
    pub outstanding: Vec<u32>,
    pub turn: u32,
    pub watches: Vec<PeerHistory>,
    /// Worker: store jobs awaiting the store (token → job).
    pub jobs: BTreeMap<u64, Job>,
    pub next_token: u64,
    /// Client: batches not yet sent (destination, first request, mask),
    /// and whether the linger timer is armed. Server: answers being
    /// gathered per batch ((client, first) → (bits left, mask, counters)).
    pub outbox: Vec<(u32, u64, u64)>,
    pub lingering: bool,
    pub gathering: BTreeMap<(u32, u64), Gather>,
    /// Replica: the highest epoch seen, the primary's rank if known, the
    /// detector watching it, backups in sync (by rank), writes awaiting acks.
    pub epoch: u64,
    pub primary: Option<u32>,
    pub watch: Option<PeerHistory>,
    pub in_sync: u64,
    pub acks: BTreeMap<u64, Waiting>,
}

/// A batch's answers being gathered by a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gather {
    /// Its requests not yet answered (bits of the batch's mask).
    pub left: u64,
    pub mask: u64,
    pub counters: [u32; MAX_BATCH as usize],
}

/// Largest batch.
pub const MAX_BATCH: u32 = 8;

/// A client issues its next request.
pub const ISSUE_TIMER: TimerTag = 1;
/// A client gives up on requests past their deadline.
pub const SWEEP_TIMER: TimerTag = 2;
/// A server finishes the request it is serving.
pub const SERVE_TIMER: TimerTag = 3;
/// A worker's or primary's heartbeat.
pub const BEAT_TIMER: TimerTag = 4;
/// A backup checks whether it suspects the primary.
pub const CHECK_TIMER: TimerTag = 5;
/// A primary stops waiting for backups that did not acknowledge.
pub const ACK_TIMER: TimerTag = 6;
/// A client sends the batches it holds.
pub const LINGER_TIMER: TimerTag = 7;

/// A client forgets a request this long after its deadline (a later
/// answer is not counted at all).
pub const FORGET_AFTER: Micros = 30_000_000;

/// Largest replica count (ranks are bits of a `u64`).
pub const MAX_REPLICAS: u32 = 9;
