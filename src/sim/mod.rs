//! The simulator core: pure, deterministic, plain Rust.
//!
//! Nothing in this module reads a clock, touches the OS's entropy, or knows about
//! the browser: it is driven by [`Sim::step`] / [`Sim::run_until`] and read by
//! whoever wants to draw it. Time is an integer number of microseconds; events are
//! ordered by `(time, sequence number)`; all randomness comes from one [`SimRng`].

pub mod clock;
pub mod cost;
pub mod delivery;
pub mod detector;
pub mod fault;
pub mod heartbeat;
pub mod kv;
pub mod net;
pub mod node;
pub mod qos;
pub mod raft;
pub mod rng;
pub mod rpc;
pub mod swim;
pub mod timeline;
pub mod trace;
pub mod workload;
mod world;

pub use clock::LocalClock;
pub use delivery::{DeliveryMetrics, DeliveryMode, Note, Violation};
pub use detector::{DetectorKind, PeerHistory};
pub use fault::{Attack, Behaviour, ByzMode, DownKind};
pub use heartbeat::{HbMsg, HbState, Heartbeat};
pub use kv::{Balance, Kv, KvMetrics, KvMsg, KvOp, KvState, KvWindow, Layout, Place};
pub use net::{DropReason, Fate, LatencyModel, NetConfig, Network, Spikes, SystemModel};
pub use node::{Ctx, Effect, Out, Payload, Protocol, TimerTag};
pub use qos::{Detection, DetectorMetrics, FirstSuspicion, FIRST_SUSPICIONS_KEPT};
pub use raft::{
    Liveness, LogEntry, Raft, RaftBugs, RaftMonitor, RaftMsg, RaftState, Role, Safety,
    SafetyViolation,
};
pub use rng::SimRng;
pub use rpc::{Op, Rpc, RpcConfig, RpcMsg, RpcState};
pub use swim::{Swim, SwimMsg, SwimState};
pub use timeline::{Timeline, SNAPSHOT_BUDGET, SNAPSHOT_EVERY};
pub use trace::{Digest, Stamp, Trace, TraceEvent, TraceKind};
pub use workload::{AnyMsg, AnyState, Workload};
pub use world::{
    ClockConfig, Flight, NodeSlot, PendingTimer, Planned, RecordedCommand, Sim, SimConfig, Source,
    Stats, StepOutcome, NOTICE_DELAY,
};

use std::fmt;

/// Simulated time in microseconds. Integer, so runs are exact and portable.
pub type Micros = u64;

/// A node's identity: its index in the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}", self.0)
    }
}

/// A user action. Applied at a simulated instant and recorded, so that the same
/// seed plus the same commands replays the same run exactly.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Crash-stop the node, silently: it halts, loses its state and its timers;
    /// messages to it are dropped; nobody is told.
    Crash(NodeId),
    /// Fail-stop: the node halts and every other node is reliably notified.
    FailStop(NodeId),
    /// Crash now and restart after `after` µs, from what the protocol persisted
    /// if `stable` (stable storage), else from nothing.
    CrashRecover {
        node: NodeId,
        after: Micros,
        stable: bool,
    },
    /// Restart a down node now (from its stable storage, if it kept any).
    Recover(NodeId),
    /// Make the node omit sends and receives with these probabilities (0: correct).
    SetOmission { node: NodeId, send: f64, recv: f64 },
    /// Make the node deviate from the protocol (`None`: correct again).
    SetByzantine { node: NodeId, mode: Option<ByzMode> },
    /// Change the client/server workload's delivery settings from now on.
    SetRpc(RpcConfig),
    /// Cut both directions of the link between two nodes.
    CutLink(NodeId, NodeId),
    /// Heal both directions of the link between two nodes.
    HealLink(NodeId, NodeId),
    /// Split the cluster: cut every link between `group` and the rest.
    Partition(Vec<NodeId>),
    /// Heal every link.
    HealAll,
    /// Change the network's behaviour from now on.
    SetNetwork(NetConfig),
    /// A hand on one message copy in flight, as DSLabs lets you deliver or
    /// drop any message: drop it, delay its arrival, or duplicate it. `id` and
    /// `dup` name the copy (a network duplicate shares its original's id).
    Tamper { id: u64, dup: bool, action: Tamper },
    /// Put an attacker on the link `from` → `to` (one direction), or take it
    /// off (`None`): a hostile network between two correct nodes.
    Attack {
        from: NodeId,
        to: NodeId,
        mode: Option<Attack>,
    },
}

/// What a [`Command::Tamper`] does to a message copy in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tamper {
    /// It never arrives (marked as dropped by hand).
    Drop,
    /// It arrives this much later.
    Delay(Micros),
    /// A second copy arrives at the same time (a duplicate).
    Duplicate,
}

impl Command {
    fn digest_into(&self, d: &mut Digest) {
        match self {
            Command::Crash(n) => {
                d.mix(1);
                d.mix(n.0 as u64)
            }
            Command::Recover(n) => {
                d.mix(2);
                d.mix(n.0 as u64)
            }
            Command::FailStop(n) => {
                d.mix(8);
                d.mix(n.0 as u64)
            }
            Command::CrashRecover {
                node,
                after,
                stable,
            } => {
                d.mix4(9, node.0 as u64, *after, *stable as u64);
            }
            Command::SetOmission { node, send, recv } => {
                d.mix4(10, node.0 as u64, send.to_bits(), recv.to_bits());
            }
            Command::SetByzantine { node, mode } => {
                d.mix4(11, node.0 as u64, mode.map_or(0, |m| m as u64 + 1), 0);
            }
            Command::SetRpc(c) => {
                d.mix4(
                    12,
                    c.mode as u64 | (c.idempotent as u64) << 8 | (c.backoff as u64) << 16,
                    c.request_every,
                    c.timeout,
                );
                d.mix4(
                    c.max_backoff,
                    c.retry_limit.map_or(0, |l| l as u64 + 1),
                    c.retention,
                    c.max_requests.map_or(0, |m| m + 1),
                );
            }
            Command::CutLink(a, b) => {
                d.mix(3);
                d.mix(((a.0 as u64) << 32) | b.0 as u64)
            }
            Command::HealLink(a, b) => {
                d.mix(4);
                d.mix(((a.0 as u64) << 32) | b.0 as u64)
            }
            Command::Partition(g) => {
                d.mix(5);
                d.mix(g.len() as u64);
                for n in g {
                    d.mix(n.0 as u64);
                }
            }
            Command::HealAll => d.mix(6),
            Command::Attack { from, to, mode } => {
                d.mix4(
                    16,
                    from.0 as u64,
                    to.0 as u64,
                    mode.map_or(0, |m| m as u64 + 1),
                );
            }
            Command::Tamper { id, dup, action } => {
                let (kind, delay) = match action {
                    Tamper::Drop => (0, 0),
                    Tamper::Delay(d) => (1, *d),
                    Tamper::Duplicate => (2, 0),
                };
                d.mix4(14, *id, *dup as u64 | kind << 8, delay);
            }
            Command::SetNetwork(c) => {
                d.mix(7);
                let (kind, a, b, m) = match c.latency {
                    LatencyModel::Constant { mean } => (0, mean, mean, mean),
                    LatencyModel::Uniform { min, max } => (1, min, max, 0),
                    LatencyModel::Exponential { min, mean, max } => (2, min, max, mean),
                };
                for w in [
                    kind,
                    a,
                    b,
                    m,
                    c.loss.to_bits(),
                    c.duplicate.to_bits(),
                    c.reorder as u64,
                    c.bandwidth.map_or(0, |b| b as u64 + 1),
                ] {
                    d.mix(w);
                }
                if c.adversary {
                    d.mix(15);
                }
                if c.spikes != Spikes::NONE {
                    d.mix4(
                        13,
                        c.spikes.prob.to_bits(),
                        c.spikes.scale ^ c.spikes.shape.to_bits().rotate_left(17),
                        c.spikes.until.map_or(0, |u| u + 1),
                    );
                }
            }
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Crash(n) => write!(f, "crash {n}"),
            Command::Recover(n) => write!(f, "recover {n}"),
            Command::FailStop(n) => write!(f, "fail-stop {n} (everyone is told)"),
            Command::CrashRecover {
                node,
                after,
                stable,
            } => write!(
                f,
                "crash {node}, restart after {:.3} s {}",
                *after as f64 / 1e6,
                if *stable {
                    "with stable storage"
                } else {
                    "with nothing saved"
                }
            ),
            Command::SetOmission { node, send, recv } => write!(
                f,
                "{node} omits sends with p={send:.2}, receives with p={recv:.2}"
            ),
            Command::SetByzantine {
                node,
                mode: Some(m),
            } => write!(f, "{node} turns Byzantine: {m}"),
            Command::SetByzantine { node, mode: None } => {
                write!(f, "{node} behaves correctly again")
            }
            Command::SetRpc(c) => write!(
                f,
                "delivery: {}, {} operation, ack timeout {:.2} s, retry limit {}, de-dup window {:.2} s",
                c.mode,
                if c.idempotent { "idempotent" } else { "non-idempotent" },
                c.timeout as f64 / 1e6,
                c.retry_limit.map_or("none".to_string(), |l| l.to_string()),
                c.retention as f64 / 1e6
            ),
            Command::CutLink(a, b) => write!(f, "cut link {a}–{b}"),
            Command::HealLink(a, b) => write!(f, "heal link {a}–{b}"),
            Command::Partition(g) => {
                write!(f, "partition {{")?;
                for (i, n) in g.iter().enumerate() {
                    write!(f, "{}{n}", if i > 0 { "," } else { "" })?;
                }
                write!(f, "}} | rest")
            }
            Command::HealAll => write!(f, "heal all links"),
            Command::Attack {
                from,
                to,
                mode: Some(m),
            } => write!(f, "an attacker on link {from}→{to}: {m}"),
            Command::Attack {
                from,
                to,
                mode: None,
            } => write!(f, "the attacker leaves link {from}→{to}"),
            Command::Tamper { id, dup, action } => {
                let copy = if *dup { " (duplicate copy)" } else { "" };
                match action {
                    Tamper::Drop => write!(f, "drop message m{id}{copy} by hand"),
                    Tamper::Delay(d) => write!(
                        f,
                        "delay message m{id}{copy} by {:.3} s",
                        *d as f64 / 1e6
                    ),
                    Tamper::Duplicate => write!(f, "duplicate message m{id}{copy}"),
                }
            }
            Command::SetNetwork(c) => write!(
                f,
                "network: {} latency, loss {:.2}, duplication {:.2}, reordering {}, bandwidth {}",
                c.latency.kind(),
                c.loss,
                c.duplicate,
                if c.reorder { "on" } else { "off" },
                c.bandwidth
                    .map_or("unlimited".to_string(), |b| format!("{b}/s"))
            ),
        }
    }
}

/// The reference run used to check that the browser and the native build agree:
/// 7 nodes, lossy, duplicating, reordering network, a crash, a recovery and a
/// partition, then omission, Byzantine nodes (equivocating, replaying, corrupting),
/// a fail-stop and a crash-recovery, run for 30 simulated seconds. Its digest is pinned in the tests.
pub fn reference_run() -> Sim<Heartbeat> {
    let config = SimConfig {
        nodes: 7,
        seed: 20_261_123,
        net: NetConfig {
            latency: LatencyModel::Exponential {
                min: 5_000,
                mean: 60_000,
                max: 900_000,
            },
            loss: 0.1,
            duplicate: 0.05,
            reorder: true,
            bandwidth: Some(50),
            spikes: Spikes::NONE,
            adversary: false,
        },
        clocks: ClockConfig {
            max_offset_us: 80_000,
            max_drift_ppm: 5_000,
        },
        trace_ring: 0,
        trace_all: false,
    };
    let mut sim = Sim::new(
        config,
        Heartbeat {
            interval: 700_000,
            detector: None,
        },
    );
    sim.run_until(3_000_000);
    sim.apply(Command::Crash(NodeId(2))).expect("valid");
    sim.run_until(9_000_000);
    sim.apply(Command::Partition(vec![NodeId(0), NodeId(1), NodeId(3)]))
        .expect("valid");
    for _ in 0..500 {
        sim.step();
    }
    sim.apply(Command::Recover(NodeId(2))).expect("valid");
    sim.run_until(20_000_000);
    sim.apply(Command::HealAll).expect("valid");
    // The failure taxonomy: omission, Byzantine, fail-stop and crash-recovery.
    sim.apply(Command::SetOmission {
        node: NodeId(4),
        send: 0.3,
        recv: 0.2,
    })
    .expect("valid");
    sim.apply(Command::SetByzantine {
        node: NodeId(5),
        mode: Some(ByzMode::Equivocate),
    })
    .expect("valid");
    sim.apply(Command::SetByzantine {
        node: NodeId(3),
        mode: Some(ByzMode::Replay),
    })
    .expect("valid");
    sim.apply(Command::SetByzantine {
        node: NodeId(0),
        mode: Some(ByzMode::Corrupt),
    })
    .expect("valid");
    sim.run_until(24_000_000);
    sim.apply(Command::FailStop(NodeId(6))).expect("valid");
    sim.apply(Command::CrashRecover {
        node: NodeId(1),
        after: 2_000_000,
        stable: true,
    })
    .expect("valid");
    sim.run_until(30_000_000);
    sim
}

/// The digest [`reference_run`] must produce on every platform.
pub const REFERENCE_DIGEST: u64 = 0x4f309692d6962c9b;

/// The benchmark workload (BENCHMARKS.md): 50 nodes, all-to-all heartbeats every
/// 100 ms with pong replies, uniform 1–20 ms latency, 1% loss, no trace ring.
pub fn bench_workload() -> Sim<Heartbeat> {
    let config = SimConfig {
        nodes: 50,
        seed: 7,
        net: NetConfig {
            latency: LatencyModel::Uniform {
                min: 1_000,
                max: 20_000,
            },
            loss: 0.01,
            ..NetConfig::default()
        },
        clocks: ClockConfig::default(),
        trace_ring: 0,
        trace_all: false,
    };
    Sim::new(
        config,
        Heartbeat {
            interval: 100_000,
            detector: None,
        },
    )
}
