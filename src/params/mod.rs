//! User text in, validated settings out.
//!
//! Every value a user can type (a form field, a URL parameter) passes through
//! here and either becomes a setting or a specific message naming the field and
//! what was expected. Nothing here panics on any input; the UI shows the message
//! and keeps the last good value. Plain Rust, so it is tested natively.

use crate::sim::{
    ClockConfig, DeliveryMode, DetectorKind, Heartbeat, Kv, LatencyModel, Micros, NetConfig, Raft,
    RaftBugs, Rpc, RpcConfig, Sim, SimConfig, Swim, SystemModel, Workload,
};

mod fields;
mod workload;
use fields::parse_kind;
pub use fields::*;
use workload::bug_flag;
pub use workload::{
    has_bug, kv_pair, kv_pairs, kv_problem, with_bug, RaftSettings, WorkloadKind, KV_KEYS,
    RAFT_BUGS,
};

/// Largest cluster the page accepts.
pub const MAX_NODES: u32 = 300;
/// Slowest and fastest simulation speeds (simulated seconds per wall second).
pub const SPEED_RANGE: (f64, f64) = (0.1, 1000.0);

/// Everything the user controls before a run starts (plus the network, which can
/// also change during a run).
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Number of nodes.
    pub nodes: u32,
    /// RNG seed.
    pub seed: u64,
    /// Heartbeat period in milliseconds (node-local time).
    pub interval_ms: f64,
    /// Network behaviour.
    pub net: NetConfig,
    /// Clock offsets and drift.
    pub clocks: ClockConfig,
    /// Simulated seconds per wall-clock second.
    pub speed: f64,
    /// Start paused.
    pub paused: bool,
    /// The failure detector every node runs in the heartbeat workload.
    pub detector: Option<DetectorKind>,
    /// Which workload runs.
    pub workload: WorkloadKind,
    /// Settings of the client/server workload.
    pub rpc: RpcConfig,
    /// Which logical clocks the simulator keeps and stamps events with.
    pub logical: LogicalClocks,
    /// Settings of the Raft workload (its heartbeat is `interval_ms`, its
    /// election trigger `detector`).
    pub raft: RaftSettings,
    /// Settings of the key-value service (its heartbeat is `interval_ms`,
    /// its failure detector `detector`; those two fields here are unused).
    pub kv: Kv,
    /// The heartbeat workload runs SWIM (probes and gossip) instead of
    /// all-to-all heartbeats (URL `detector=swim`; `detector` is then none).
    pub swim: bool,
}

/// Logical clocks kept by the simulator (URL key `lclock`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogicalClocks {
    #[default]
    Off,
    /// Lamport timestamps.
    Lamport,
    /// Lamport timestamps and vector clocks (O(n) per message).
    Vector,
}

impl LogicalClocks {
    /// The URL value.
    pub fn name(self) -> &'static str {
        match self {
            LogicalClocks::Off => "off",
            LogicalClocks::Lamport => "lamport",
            LogicalClocks::Vector => "vector",
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            nodes: 5,
            seed: 1,
            interval_ms: 1000.0,
            net: NetConfig::default(),
            clocks: ClockConfig::default(),
            speed: 0.15,
            paused: false,
            workload: WorkloadKind::Heartbeat,
            rpc: RpcConfig::default(),
            detector: None,
            logical: LogicalClocks::Off,
            raft: RaftSettings::default(),
            kv: Kv::default(),
            swim: false,
        }
    }
}

impl Settings {
    /// The simulator configuration these settings describe.
    pub fn sim_config(&self) -> SimConfig {
        SimConfig {
            nodes: self.nodes,
            seed: self.seed,
            net: self.net,
            clocks: self.clocks,
            // The space-time diagram draws from these (112 bytes each).
            trace_ring: 131_072,
            trace_all: false,
        }
    }

    /// A new run of these settings: the simulator, with the logical clocks asked for.
    pub fn sim(&self) -> Sim<Workload> {
        let mut sim = Sim::new(self.sim_config(), self.workload());
        if self.logical != LogicalClocks::Off {
            sim.keep_logical_clocks(self.logical == LogicalClocks::Vector);
        }
        sim
    }

    /// The workload these settings describe.
    pub fn workload(&self) -> Workload {
        match self.workload {
            WorkloadKind::Rpc => Workload::Rpc(Rpc {
                config: self.rpc.clone(),
            }),
            WorkloadKind::Heartbeat if self.swim => {
                Workload::Swim(Swim::with_period(self.interval_us()))
            }
            WorkloadKind::Heartbeat => Workload::Heartbeat(Heartbeat {
                interval: self.interval_us(),
                detector: self.detector.map(|d| cap_window(d, self.nodes)),
            }),
            WorkloadKind::Raft => Workload::Raft(Raft {
                heartbeat: self.interval_us(),
                election: ms_to_us(self.raft.jitter_ms),
                detector: self.detector,
                submit_every: ms_to_us(self.raft.submit_ms),
                bugs: self.raft.bugs,
            }),
            WorkloadKind::Kv => Workload::Kv(Kv {
                interval: self.interval_us(),
                detector: self.detector.unwrap_or(DetectorKind::FixedTimeout {
                    timeout: 4 * self.interval_us(),
                }),
                ..self.kv.clone()
            }),
        }
    }

    /// Heartbeat period in microseconds.
    pub fn interval_us(&self) -> Micros {
        ms_to_us(self.interval_ms)
    }

    /// Reads URL query parameters over the defaults. Each bad value is reported
    /// (prefixed "URL parameter") and leaves the default in place; keys that are
    /// not settings are left for the caller (see [`SETTING_KEYS`]).
    pub fn from_query(pairs: &[(String, String)]) -> (Settings, Vec<String>) {
        let mut s = Settings::default();
        let errors = s
            .apply_pairs(pairs)
            .into_iter()
            .map(|e| format!("URL parameter {e}"))
            .collect();
        (s, errors)
    }

    /// Applies `key=value` settings over these ones: the one reader behind URL
    /// parameters, scenario files and scripted network/delivery changes. Keys
    /// not in [`SETTING_KEYS`] are ignored. Returns one message per bad value,
    /// starting with its key; a bad value changes nothing.
    pub fn apply_pairs(&mut self, pairs: &[(String, String)]) -> Vec<String> {
        let s = self;
        let mut errors = Vec::new();
        let mut lat_kind: Option<String> = None;
        let (mut fd_timeout, mut phi_threshold, mut model, mut gst): (
            Option<Micros>,
            Option<f64>,
            Option<&str>,
            Option<Micros>,
        ) = (None, None, None, None);
        let (mut lat_min, mut lat_mean, mut lat_max) = (None, None, None);
        for (k, v) in pairs {
            let r: Result<(), String> = (|| {
                match k.as_str() {
                    "nodes" => s.nodes = parse_int("nodes", v, 1, MAX_NODES as u64)? as u32,
                    "seed" => s.seed = parse_seed(v)?,
                    "interval" => s.interval_ms = parse_num("interval (ms)", v, 10.0, 60_000.0)?,
                    "speed" => s.speed = parse_num("speed", v, SPEED_RANGE.0, SPEED_RANGE.1)?,
                    "loss" => s.net.loss = parse_num("loss", v, 0.0, 1.0)?,
                    "dup" => s.net.duplicate = parse_num("dup", v, 0.0, 1.0)?,
                    "reorder" => s.net.reorder = parse_bool("reorder", v)?,
                    "adversary" => s.net.adversary = parse_bool("adversary", v)?,
                    "paused" => s.paused = parse_bool("paused", v)?,
                    "lclock" => {
                        s.logical = match v.trim() {
                            "off" => LogicalClocks::Off,
                            "lamport" => LogicalClocks::Lamport,
                            "vector" => LogicalClocks::Vector,
                            _ => {
                                return Err(format!(
                                    "lclock: expected off, lamport or vector, got {}",
                                    show(v)
                                ))
                            }
                        }
                    }
                    "bw" => s.net.bandwidth = parse_bandwidth("bw", v)?,
                    "latency" => lat_kind = Some(parse_kind(v)?.to_string()),
                    "lat_min" => lat_min = Some(parse_num("lat_min (ms)", v, 0.0, 3_600_000.0)?),
                    "lat_mean" => lat_mean = Some(parse_num("lat_mean (ms)", v, 0.0, 3_600_000.0)?),
                    "lat_max" => lat_max = Some(parse_num("lat_max (ms)", v, 0.0, 3_600_000.0)?),
                    "drift" => {
                        s.clocks.max_drift_ppm = parse_int("drift (ppm)", v, 0, 100_000)? as u32
                    }
                    "offset" => {
                        s.clocks.max_offset_us =
                            ms_to_us(parse_num("offset (ms)", v, 0.0, 60_000.0)?)
                    }
                    "workload" => {
                        s.workload = match v.trim() {
                            "heartbeat" => WorkloadKind::Heartbeat,
                            "rpc" => WorkloadKind::Rpc,
                            "raft" => WorkloadKind::Raft,
                            "kv" => WorkloadKind::Kv,
                            _ => {
                                return Err(format!(
                                    "workload: expected heartbeat, rpc, raft or kv, got {}",
                                    show(v)
                                ))
                            }
                        }
                    }
                    "jitter" => s.raft.jitter_ms = parse_num("jitter (ms)", v, 1.0, 600_000.0)?,
                    "submit" => s.raft.submit_ms = parse_num("submit (ms)", v, 0.0, 600_000.0)?,
                    "bugs" => {
                        let mut b = RaftBugs::default();
                        for name in v
                            .split(',')
                            .map(str::trim)
                            .filter(|x| !x.is_empty() && *x != "none")
                        {
                            match bug_flag(&mut b, name) {
                                Some(f) => *f = true,
                                None => {
                                    return Err(format!(
                                        "bugs: expected none or some of {}, got {}",
                                        RAFT_BUGS.join(", "),
                                        show(name)
                                    ))
                                }
                            }
                        }
                        s.raft.bugs = b;
                    }
                    "mode" => {
                        s.rpc.mode = DeliveryMode::from_name(v.trim()).ok_or_else(|| {
                            format!(
                            "mode: expected at-most-once, at-least-once or exactly-once, got {}",
                            show(v)
                        )
                        })?
                    }
                    "op" => {
                        s.rpc.idempotent = match v.trim() {
                            "add" => false,
                            "set" => true,
                            _ => return Err(format!("op: expected add or set, got {}", show(v))),
                        }
                    }
                    "rate" => {
                        s.rpc.request_every =
                            ms_to_us(parse_num("rate (ms between requests)", v, 1.0, 600_000.0)?)
                    }
                    "timeout" => {
                        s.rpc.timeout = ms_to_us(parse_num("timeout (ms)", v, 1.0, 600_000.0)?)
                    }
                    "retries" => s.rpc.retry_limit = parse_retries("retries", v)?,
                    "detector" => {
                        s.detector = match v.trim() {
                            "swim" | "none" => None,
                            "timeout" => Some(DetectorKind::FixedTimeout { timeout: 3_000_000 }),
                            "phi" => Some(DetectorKind::AKKA),
                            _ => {
                                return Err(format!(
                                    "detector: expected none, timeout, phi or swim, got {}",
                                    show(v)
                                ))
                            }
                        };
                        s.swim = v.trim() == "swim";
                    }
                    "fd_timeout" => {
                        fd_timeout =
                            Some(ms_to_us(parse_num("fd_timeout (ms)", v, 1.0, 600_000.0)?))
                    }
                    "phi" => phi_threshold = Some(parse_num("phi (threshold)", v, 0.1, 50.0)?),
                    "model" => {
                        model = Some(match v.trim() {
                            "sync" => "sync",
                            "psync" => "psync",
                            "async" => "async",
                            _ => {
                                return Err(format!(
                                    "model: expected sync, psync or async, got {}",
                                    show(v)
                                ))
                            }
                        })
                    }
                    "gst" => gst = Some(ms_to_us(parse_num("gst (ms)", v, 0.0, 86_400_000.0)?)),
                    "retention" => {
                        s.rpc.retention =
                            ms_to_us(parse_num("retention (ms)", v, 0.0, 86_400_000.0)?)
                    }
                    "backoff" => s.rpc.backoff = parse_int("backoff", v, 1, 16)? as u32,
                    k => {
                        if let Some(r) = kv_pair(&mut s.kv, k, v) {
                            r?
                        }
                    }
                }
                Ok(())
            })();
            if let Err(e) = r {
                errors.push(e);
            }
        }
        if lat_kind.is_some() || lat_min.is_some() || lat_mean.is_some() || lat_max.is_some() {
            let (dmin, dmax) = s.net.latency.bounds();
            let kind = lat_kind.unwrap_or_else(|| s.net.latency.kind().to_string());
            let min = lat_min.unwrap_or(dmin as f64 / 1000.0);
            let max = lat_max
                .unwrap_or_else(|| lat_mean.map_or(dmax as f64 / 1000.0, |m| (m * 4.0).max(min)));
            let mean = lat_mean.unwrap_or((min + max) / 2.0);
            match latency_model(&kind, min, mean, max) {
                Ok(m) => s.net.latency = m,
                Err(e) => errors.push(format!("latency: {e}")),
            }
        }
        match (&mut s.detector, fd_timeout, phi_threshold) {
            (Some(DetectorKind::FixedTimeout { timeout }), Some(t), _) => *timeout = t,
            (Some(DetectorKind::PhiAccrual { threshold, .. }), _, Some(p)) => *threshold = p,
            _ => {}
        }
        let current_gst = match SystemModel::of(&s.net.spikes) {
            SystemModel::PartiallySynchronous { gst } => Some(gst),
            _ => None,
        };
        let model = model.or(if gst.is_some() && current_gst.is_some() {
            Some("psync")
        } else {
            None
        });
        if s.workload == WorkloadKind::Kv {
            if let Some(e) = kv_problem(&s.kv, s.nodes) {
                errors.push(e);
                // Keep the run possible: fewer servers, quorums within reach.
                while s.kv.servers > 1 && s.kv.service_nodes() >= s.nodes {
                    s.kv.servers -= 1;
                }
                s.nodes = s.nodes.max(s.kv.service_nodes() + 1);
                s.kv.read_quorum = s.kv.read_quorum.min(s.kv.replicas);
                s.kv.write_quorum = s.kv.write_quorum.min(s.kv.replicas);
            }
        }
        if let Some(m) = model {
            s.net.spikes = match m {
                "sync" => SystemModel::Synchronous,
                "psync" => SystemModel::PartiallySynchronous {
                    gst: gst.or(current_gst).unwrap_or(20_000_000),
                },
                _ => SystemModel::Asynchronous,
            }
            .spikes();
        }
        errors
    }

    /// These settings as `key=value` pairs that [`Settings::apply_pairs`] reads
    /// back to exactly these settings (the URL and scenario-file form).
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut p: Vec<(&str, String)> = vec![
            ("nodes", self.nodes.to_string()),
            ("seed", self.seed.to_string()),
        ];
        // Everything, even settings the current workload ignores: the user set
        // them, and switching workload keeps them.
        p.push(("workload", self.workload.name().into()));
        if self.raft != RaftSettings::default() {
            p.push(("jitter", self.raft.jitter_ms.to_string()));
            p.push(("submit", self.raft.submit_ms.to_string()));
            let bugs: Vec<&str> = RAFT_BUGS
                .into_iter()
                .filter(|b| has_bug(&self.raft.bugs, b))
                .collect();
            p.push((
                "bugs",
                if bugs.is_empty() {
                    "none".to_string()
                } else {
                    bugs.join(",")
                },
            ));
        }
        {
            p.push(("interval", self.interval_ms.to_string()));
            p.push((
                "detector",
                match self.detector {
                    None if self.swim => "swim",
                    None => "none",
                    Some(DetectorKind::FixedTimeout { .. }) => "timeout",
                    Some(DetectorKind::PhiAccrual { .. }) => "phi",
                }
                .into(),
            ));
            match self.detector {
                Some(DetectorKind::FixedTimeout { timeout }) => {
                    p.push(("fd_timeout", us_to_ms(timeout)))
                }
                Some(DetectorKind::PhiAccrual { threshold, .. }) => {
                    p.push(("phi", threshold.to_string()))
                }
                None => {}
            }
        }
        p.extend(net_pairs(&self.net));
        p.push(("offset", us_to_ms(self.clocks.max_offset_us)));
        p.push(("drift", self.clocks.max_drift_ppm.to_string()));
        p.extend(rpc_pairs(&self.rpc));
        if self.kv != Kv::default() || self.workload == WorkloadKind::Kv {
            p.extend(kv_pairs(&self.kv));
        }
        p.push(("speed", self.speed.to_string()));
        if self.paused {
            p.push(("paused", "1".into()));
        }
        if self.logical != LogicalClocks::Off {
            p.push(("lclock", self.logical.name().into()));
        }
        p.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }
}

/// Every key [`Settings::apply_pairs`] understands.
pub const SETTING_KEYS: &[&str] = &[
    "nodes",
    "seed",
    "interval",
    "speed",
    "loss",
    "dup",
    "reorder",
    "paused",
    "bw",
    "latency",
    "lat_min",
    "lat_mean",
    "lat_max",
    "drift",
    "offset",
    "workload",
    "mode",
    "op",
    "rate",
    "timeout",
    "retries",
    "detector",
    "fd_timeout",
    "phi",
    "model",
    "gst",
    "retention",
    "backoff",
    "lclock",
    "adversary",
    "jitter",
    "submit",
    "bugs",
    "layout",
    "servers",
    "replicas",
    "rq",
    "wq",
    "balance",
    "service",
    "slow",
    "load",
    "keys",
    "reads",
    "deadline",
    "batch",
    "linger",
];

/// Keys a scripted `network` change may set.
pub const NETWORK_KEYS: &[&str] = &[
    "latency",
    "lat_min",
    "lat_mean",
    "lat_max",
    "loss",
    "dup",
    "reorder",
    "bw",
    "model",
    "gst",
    "adversary",
];

/// Keys a scripted `delivery` change may set.
pub const DELIVERY_KEYS: &[&str] = &[
    "mode",
    "op",
    "rate",
    "timeout",
    "retries",
    "retention",
    "backoff",
];

/// A network as pairs (all of it, so the pairs are absolute).
pub fn net_pairs(net: &NetConfig) -> Vec<(&'static str, String)> {
    let mut p = Vec::new();
    match net.latency {
        LatencyModel::Constant { mean } => {
            p.push(("latency", "constant".into()));
            p.push(("lat_mean", us_to_ms(mean)));
        }
        LatencyModel::Uniform { min, max } => {
            p.push(("latency", "uniform".into()));
            p.push(("lat_min", us_to_ms(min)));
            p.push(("lat_max", us_to_ms(max)));
        }
        LatencyModel::Exponential { min, mean, max } => {
            p.push(("latency", "exponential".into()));
            p.push(("lat_min", us_to_ms(min)));
            p.push(("lat_mean", us_to_ms(mean)));
            p.push(("lat_max", us_to_ms(max)));
        }
    }
    p.push(("loss", net.loss.to_string()));
    p.push(("dup", net.duplicate.to_string()));
    p.push(("reorder", if net.reorder { "1" } else { "0" }.into()));
    if net.adversary {
        p.push(("adversary", "1".into()));
    }
    p.push((
        "bw",
        net.bandwidth.map_or("0".to_string(), |b| b.to_string()),
    ));
    match SystemModel::of(&net.spikes) {
        SystemModel::Synchronous => p.push(("model", "sync".into())),
        SystemModel::Asynchronous => p.push(("model", "async".into())),
        SystemModel::PartiallySynchronous { gst } => {
            p.push(("model", "psync".into()));
            p.push(("gst", us_to_ms(gst)));
        }
    }
    p
}

/// Delivery settings as pairs (all of them).
pub fn rpc_pairs(rpc: &RpcConfig) -> Vec<(&'static str, String)> {
    vec![
        ("mode", rpc.mode.name().to_string()),
        ("op", if rpc.idempotent { "set" } else { "add" }.into()),
        ("rate", us_to_ms(rpc.request_every)),
        ("timeout", us_to_ms(rpc.timeout)),
        (
            "retries",
            rpc.retry_limit
                .map_or("none".to_string(), |l| l.to_string()),
        ),
        ("retention", us_to_ms(rpc.retention)),
        ("backoff", rpc.backoff.to_string()),
    ]
}

/// Splits a URL query string (`?a=1&b=x%20y`) into decoded pairs. Never fails:
/// malformed escapes are kept literally and reported later by the field parsers.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Every node keeps a phi window for every peer: n² windows in all. The page
/// caps the window so they hold at most about two million samples (Akka's 1000
/// up to 44 nodes, 200 at 100 nodes, 22 at 300), which keeps a long run at a few
/// tens of megabytes.
pub fn cap_window(d: DetectorKind, nodes: u32) -> DetectorKind {
    match d {
        DetectorKind::PhiAccrual {
            threshold,
            window,
            min_std,
            pause,
            first_estimate,
        } => {
            let n2 = (nodes as u64 * nodes as u64).max(1);
            let cap = (2_000_000 / n2).clamp(20, 1000) as u32;
            DetectorKind::PhiAccrual {
                threshold,
                window: window.min(cap),
                min_std,
                pause,
                first_estimate,
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn good_query_is_read() {
        let (s, e) = Settings::from_query(&q(&[
            ("nodes", "100"),
            ("seed", "42"),
            ("loss", "0.1"),
            ("latency", "exponential"),
            ("lat_min", "10"),
            ("lat_mean", "50"),
            ("lat_max", "500"),
            ("reorder", "1"),
            ("bw", "20"),
        ]));
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(s.nodes, 100);
        assert_eq!(s.seed, 42);
        assert_eq!(s.net.loss, 0.1);
        assert!(s.net.reorder);
        assert_eq!(s.net.bandwidth, Some(20));
        assert_eq!(
            s.net.latency,
            LatencyModel::Exponential {
                min: 10_000,
                mean: 50_000,
                max: 500_000
            }
        );
    }

    #[test]
    fn bad_values_name_the_field_and_keep_defaults() {
        let bad = [
            ("nodes", "abc"),
            ("nodes", "-3"),
            ("nodes", "99999999999999999999999"),
            ("seed", "-1"),
            ("seed", "<script>alert(1)</script>"),
            ("loss", "1.5"),
            ("loss", "NaN"),
            ("dup", "inf"),
            ("speed", "0"),
            ("reorder", "maybe"),
            ("bw", "-5"),
            ("latency", "gaussian"),
            ("interval", ""),
            ("workload", "paxos"),
            ("mode", "twice"),
            ("op", "mul"),
            ("retries", "-1"),
            ("timeout", "0"),
        ];
        for (k, v) in bad {
            let (s, e) = Settings::from_query(&q(&[(k, v)]));
            assert_eq!(e.len(), 1, "{k}={v}: {e:?}");
            assert!(
                e[0].contains(k),
                "{k}={v}: message should name the field: {}",
                e[0]
            );
            assert_eq!(s.nodes, Settings::default().nodes, "{k}={v}");
            assert_eq!(s.seed, Settings::default().seed, "{k}={v}");
        }
        // Markup is quoted back as text, shortened, never interpreted.
        let (_, e) = Settings::from_query(&q(&[("seed", "<img src=x onerror=alert(1)>")]));
        assert!(e[0].contains("\"<img src=x onerror=alert…\""), "{}", e[0]);
    }

    #[test]
    fn delivery_settings_from_the_url() {
        let (s, e) = Settings::from_query(&q(&[
            ("workload", "rpc"),
            ("mode", "exactly-once"),
            ("op", "set"),
            ("timeout", "250"),
            ("retries", "5"),
            ("retention", "100"),
            ("rate", "700"),
        ]));
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(s.workload, WorkloadKind::Rpc);
        assert_eq!(s.rpc.mode, DeliveryMode::ExactlyOnce);
        assert!(s.rpc.idempotent);
        assert_eq!(
            (
                s.rpc.timeout,
                s.rpc.retry_limit,
                s.rpc.retention,
                s.rpc.request_every
            ),
            (250_000, Some(5), 100_000, 700_000)
        );
        assert!(matches!(s.workload(), Workload::Rpc(_)));
        assert_eq!(parse_retries("retries", "").unwrap(), None);
    }

    #[test]
    fn phi_windows_are_capped_for_big_clusters() {
        let w = |n| match cap_window(DetectorKind::AKKA, n) {
            DetectorKind::PhiAccrual { window, .. } => window,
            _ => unreachable!(),
        };
        assert_eq!((w(5), w(44), w(100), w(300)), (1000, 1000, 200, 22));
        for n in [1u32, 10, 100, 300] {
            assert!(
                w(n) as u64 * (n as u64 * n as u64) <= 2_000_000 || w(n) == 20,
                "n {n}"
            );
        }
    }

    #[test]
    fn latency_order_is_checked() {
        let (s, e) = Settings::from_query(&q(&[
            ("latency", "uniform"),
            ("lat_min", "200"),
            ("lat_max", "100"),
        ]));
        assert_eq!(e.len(), 1);
        assert!(e[0].contains("must not exceed"), "{}", e[0]);
        assert_eq!(s.net.latency, NetConfig::default().latency);
    }

    #[test]
    fn query_strings_decode() {
        let q = parse_query("?nodes=100&seed=4%32&x=a+b&bad=%zz&trunc=%4&empty");
        assert_eq!(q[0], ("nodes".into(), "100".into()));
        assert_eq!(q[1], ("seed".into(), "42".into()));
        assert_eq!(q[2], ("x".into(), "a b".into()));
        assert_eq!(q[3], ("bad".into(), "%zz".into()));
        assert_eq!(q[4], ("trunc".into(), "%4".into()));
        assert_eq!(q[5], ("empty".into(), "".into()));
        assert!(parse_query("").is_empty());
        // Invalid UTF-8 after decoding is replaced, never a panic.
        assert_eq!(parse_query("a=%ff")[0].1, "\u{fffd}");
    }

    #[test]
    fn groups() {
        assert_eq!(parse_group("0-2, 4", 6).unwrap(), vec![0, 1, 2, 4]);
        assert_eq!(parse_group("n1,n3", 5).unwrap(), vec![1, 3]);
        assert!(parse_group("0-4", 5).unwrap_err().contains("other side"));
        assert!(parse_group("7", 5).unwrap_err().contains("0 to 4"));
        assert!(parse_group("3-1", 5).unwrap_err().contains("backwards"));
        assert!(parse_group("", 5).is_err());
    }
}
