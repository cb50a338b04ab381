//! Which workload runs, the Raft workload's own settings (its breakable
//! variants by their URL names) and the key-value service's.

use super::{ms_to_us, parse_int, parse_num, show, us_to_ms};
use crate::sim::kv::{MAX_BATCH, MAX_REPLICAS};
use crate::sim::{Balance, Kv, Layout, RaftBugs};

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
    /// A key-value service with clients (the three pillars).
    Kv,
}

impl WorkloadKind {
    /// The URL value.
    pub fn name(self) -> &'static str {
        match self {
            WorkloadKind::Heartbeat => "heartbeat",
            WorkloadKind::Rpc => "rpc",
            WorkloadKind::Raft => "raft",
            WorkloadKind::Kv => "kv",
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

/// The key-value service's URL keys, all optional (see [`kv_pair`]).
pub const KV_KEYS: [&str; 14] = [
    "layout", "servers", "replicas", "rq", "wq", "balance", "service", "slow", "load", "keys",
    "reads", "deadline", "batch", "linger",
];

/// Reads one key-value service setting into `kv`: `None` if `key` is not
/// one (see [`KV_KEYS`]), else whether `value` was good.
pub fn kv_pair(kv: &mut Kv, key: &str, value: &str) -> Option<Result<(), String>> {
    let r = (|| {
        match key {
            "layout" => {
                kv.layout = Layout::from_name(value.trim()).ok_or_else(|| {
                    format!(
                        "layout: expected single, stateless, sharded, replicated or quorum, got {}",
                        show(value)
                    )
                })?
            }
            "servers" => kv.servers = parse_int("servers", value, 1, 64)? as u32,
            "replicas" => {
                kv.replicas = parse_int("replicas", value, 1, u64::from(MAX_REPLICAS))? as u32
            }
            "rq" => {
                kv.read_quorum =
                    parse_int("rq (read quorum)", value, 1, u64::from(MAX_REPLICAS))? as u32
            }
            "wq" => {
                kv.write_quorum =
                    parse_int("wq (write quorum)", value, 1, u64::from(MAX_REPLICAS))? as u32
            }
            "balance" => {
                kv.balance = match value.trim() {
                    "round-robin" => Balance::RoundRobin,
                    "least-outstanding" => Balance::LeastOutstanding,
                    _ => {
                        return Err(format!(
                            "balance: expected round-robin or least-outstanding, got {}",
                            show(value)
                        ))
                    }
                }
            }
            "service" => kv.service = ms_to_us(parse_num("service (ms)", value, 0.01, 10_000.0)?),
            "slow" => kv.slow = parse_slow(value)?,
            "load" => kv.load = parse_int("load (requests/s)", value, 1, 100_000)? as u32,
            "keys" => kv.keys = parse_int("keys", value, 1, 1_000_000)? as u32,
            "reads" => kv.reads = parse_int("reads (%)", value, 0, 100)? as u32,
            "deadline" => {
                kv.deadline = ms_to_us(parse_num("deadline (ms)", value, 1.0, 600_000.0)?)
            }
            "batch" => {
                kv.batch = parse_int(
                    "batch (requests per message)",
                    value,
                    1,
                    u64::from(MAX_BATCH),
                )? as u32
            }
            "linger" => kv.linger = ms_to_us(parse_num("linger (ms)", value, 0.01, 10_000.0)?),
            _ => return Ok(None),
        }
        Ok(Some(()))
    })();
    match r {
        Ok(None) => None,
        Ok(Some(())) => Some(Ok(())),
        Err(e) => Some(Err(e)),
    }
}

/// `none`, or `NODE:FACTOR` (node NODE serves FACTOR times slower).
fn parse_slow(value: &str) -> Result<Option<(u32, u32)>, String> {
    let v = value.trim();
    if v == "none" || v.is_empty() {
        return Ok(None);
    }
    let bad = || {
        format!(
            "slow: expected none or NODE:FACTOR (e.g. 2:4), got {}",
            show(value)
        )
    };
    let (n, f) = v.split_once(':').ok_or_else(bad)?;
    let node = n.trim().parse::<u32>().map_err(|_| bad())?;
    let factor = f.trim().parse::<u32>().map_err(|_| bad())?;
    if !(1..=1000).contains(&factor) {
        return Err(format!("slow: the factor must be 1 to 1000, got {factor}"));
    }
    Ok(Some((node, factor)))
}

/// The service's settings as pairs that [`kv_pair`] reads back exactly.
pub fn kv_pairs(kv: &Kv) -> Vec<(&'static str, String)> {
    vec![
        ("layout", kv.layout.name().into()),
        ("servers", kv.servers.to_string()),
        ("replicas", kv.replicas.to_string()),
        ("rq", kv.read_quorum.to_string()),
        ("wq", kv.write_quorum.to_string()),
        (
            "balance",
            match kv.balance {
                Balance::RoundRobin => "round-robin",
                Balance::LeastOutstanding => "least-outstanding",
            }
            .into(),
        ),
        ("service", us_to_ms(kv.service)),
        (
            "slow",
            kv.slow.map_or("none".into(), |(n, f)| format!("{n}:{f}")),
        ),
        ("load", kv.load.to_string()),
        ("keys", kv.keys.to_string()),
        ("reads", kv.reads.to_string()),
        ("deadline", us_to_ms(kv.deadline)),
        ("batch", kv.batch.to_string()),
        ("linger", us_to_ms(kv.linger)),
    ]
}

/// What is wrong with the service's shape for a cluster of `nodes`, if
/// anything: it needs its own nodes plus at least one client, and quorums
/// no larger than the replicas.
pub fn kv_problem(kv: &Kv, nodes: u32) -> Option<String> {
    let need = kv.service_nodes();
    if need >= nodes {
        return Some(format!(
            "servers: the {} service takes {need} node{} and needs at least one client, but there are {nodes} nodes",
            kv.layout.name(),
            if need == 1 { "" } else { "s" }
        ));
    }
    if kv.layout == Layout::Quorum
        && (kv.read_quorum > kv.replicas || kv.write_quorum > kv.replicas)
    {
        return Some(format!(
            "rq, wq: quorums cannot exceed the {} replicas (got rq={}, wq={})",
            kv.replicas, kv.read_quorum, kv.write_quorum
        ));
    }
    None
}
