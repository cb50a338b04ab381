//! What a run is made of, as the rest of the program sees it: the
//! configuration, a node's slot, a message in flight, the counters, a
//! recorded or planned command, and what one step did.

use super::*;

/// How far nodes' clocks may be from true time. Each node draws its own offset
/// and drift uniformly within these bounds from the seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockConfig {
    /// Largest absolute offset, microseconds.
    pub max_offset_us: u64,
    /// Largest absolute drift, parts per million (kept below 500,000).
    pub max_drift_ppm: u32,
}

impl Default for ClockConfig {
    fn default() -> Self {
        ClockConfig {
            max_offset_us: 50_000,
            max_drift_ppm: 200,
        }
    }
}

/// Everything that fixes a run, together with the recorded commands.
#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    /// Number of nodes.
    pub nodes: u32,
    /// The seed of the one RNG.
    pub seed: u64,
    /// The network at time 0.
    pub net: NetConfig,
    /// Clock offsets and drifts.
    pub clocks: ClockConfig,
    /// How many recent trace events to keep for display (0: none).
    pub trace_ring: u32,
    /// Keep every trace event (tests, export). Costs memory.
    pub trace_all: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            nodes: 5,
            seed: 1,
            net: NetConfig::default(),
            clocks: ClockConfig::default(),
            trace_ring: 256,
            trace_all: false,
        }
    }
}

/// A timer waiting to fire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PendingTimer {
    /// The protocol's name for it.
    pub tag: TimerTag,
    /// True time it was set.
    pub set_at: Micros,
    /// True time it fires.
    pub fire_at: Micros,
    /// Sequence number it fires with: events at the same instant run in
    /// sequence order, as if it had been queued when it was set.
    pub(super) seq: u64,
    /// The queue entry that carries it, (time, seq). Re-arming a timer to a
    /// later time does not queue a new entry: the carrier, when it comes up,
    /// queues the timer at `(fire_at, seq)` instead. The run is the same as
    /// queueing at every re-arm (the carrier always comes first), but the
    /// queue holds one entry per timer, not one per re-arm: a detector
    /// re-arms one timer per peer per heartbeat.
    pub(super) queued: (Micros, u64),
}

/// One node as the simulator holds it.
#[derive(Clone, Debug)]
pub struct NodeSlot<S> {
    /// Protocol state; `None` while crashed (crash-stop loses volatile state).
    pub state: Option<S>,
    /// Its clock.
    pub clock: LocalClock,
    /// Pending timers (few per node; a small vector beats a map).
    pub timers: Vec<PendingTimer>,
    /// Messages it sent (each copy to each peer counts once).
    pub sent: u64,
    /// Messages it received and handled.
    pub received: u64,
    /// When it went down, if it is down.
    pub crashed_at: Option<Micros>,
    /// How it went down, if it is down.
    pub down: Option<DownKind>,
    /// When a crash-recovery will restart it, if scheduled.
    pub recover_at: Option<Micros>,
    /// What survived on stable storage, kept while down (crash-recovery with stable storage).
    pub stable: Option<S>,
    /// How it misbehaves while up.
    pub behaviour: Behaviour,
    /// Messages it sent that deviated from the protocol (Byzantine).
    pub deviant_sent: u64,
    /// Messages it failed to send or to receive (omission).
    pub omitted: u64,
    /// How many times it has (re)started.
    pub incarnation: u32,
}

impl<S> NodeSlot<S> {
    /// Whether the node is running.
    pub fn is_up(&self) -> bool {
        self.state.is_some()
    }
}

/// A message copy on its way, with everything needed to draw it: positions are
/// interpolated from `depart` and `arrive` (or `lost_at`), never from frame counts.
#[derive(Clone, Debug, PartialEq)]
pub struct Flight<M> {
    /// Message id (a duplicate shares it with the original).
    pub id: u64,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// When the sender sent it.
    pub sent_at: Micros,
    /// When it left the sender (after bandwidth queueing).
    pub depart: Micros,
    /// When it reaches the receiver, unless lost.
    pub arrive: Micros,
    /// Where (in time) and why it is lost, if it is.
    pub lost: Option<(Micros, DropReason)>,
    /// Whether this copy is a network duplicate.
    pub dup: bool,
    /// Whether a Byzantine sender deviated from the protocol with it. Only the
    /// trace and the inspector know; the receiver cannot tell.
    pub deviant: bool,
    /// The payload.
    pub msg: M,
    /// Sequence number of the queue entry that will deliver or drop it; an
    /// entry with another number is stale (the copy was changed by hand).
    pub entry: u64,
    /// The sender's logical clocks at the send, carried with the message
    /// (when the run keeps logical clocks).
    pub stamp: Option<Stamp>,
}

/// Counters for the stats panel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Queue events processed (deliveries, drops, timer firings).
    pub events: u64,
    /// Message copies sent (duplicates included).
    pub sent: u64,
    /// Copies delivered to a live node.
    pub delivered: u64,
    /// Copies lost at random.
    pub lost: u64,
    /// Copies blocked by a cut link.
    pub blocked: u64,
    /// Copies that reached a crashed node.
    pub to_down: u64,
    /// Duplicates created by the network.
    pub duplicated: u64,
    /// Messages a faulty node failed to send or to receive (omission).
    pub omitted: u64,
    /// Messages a lying node received and silently ignored.
    pub ignored: u64,
    /// Fail-stop notifications delivered.
    pub notices: u64,
    /// Timers that fired.
    pub timers_fired: u64,
    /// Messages an attacker on a link dropped, changed or forged.
    pub attacked: u64,
}

/// How long after a fail-stop the others are told (a perfect, fast channel).
pub const NOTICE_DELAY: Micros = 1_000;

/// A command with the exact instant it took effect: after `after_events` queue
/// events and at time `at`. Replaying both reproduces the run exactly, even for
/// commands given between two events at the same time.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedCommand {
    /// Simulated time at which it was applied.
    pub at: Micros,
    /// Number of queue events processed before it.
    pub after_events: u64,
    /// The command.
    pub cmd: Command,
}

/// A command planned ahead: a scenario's script step ("crash n3 at 2 s") or a
/// recorded command being replayed. The simulator applies it itself, at its
/// instant, so a planned run is the same however the caller slices time.
#[derive(Clone, Debug, PartialEq)]
pub enum Planned {
    /// At simulated time `at`: after every event before `at`, before any at or after it.
    At(Micros, Command),
    /// Exactly where it was recorded: after `after_events` events, at time `at`.
    Exact(RecordedCommand),
}

/// Where a recorded command came from: the user now, a scenario's timed
/// script, or the replay of an earlier recording. Exports keep a script as a
/// script and everything else as recorded commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    User,
    Script,
    Replay,
}

/// What one [`Sim::step`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepOutcome {
    /// One event was processed at this time.
    Processed(Micros),
    /// Nothing left to do.
    Idle,
}
