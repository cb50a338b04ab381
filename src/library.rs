//! The built-in scenario library: one scenario per idea the app teaches, in
//! the order a course meets them. Each is an ordinary scenario file in
//! `scenarios/`, compiled in, so the menu, `?scenario=ID` and the files a
//! teacher downloads are the same thing.

use crate::scenario::Scenario;

/// `(id, file)` in menu order.
pub const LIBRARY: &[(&str, &str)] = &[
    ("crash", include_str!("../scenarios/crash.json")),
    ("loss", include_str!("../scenarios/loss.json")),
    ("latency", include_str!("../scenarios/latency.json")),
    ("bandwidth", include_str!("../scenarios/bandwidth.json")),
    ("partition", include_str!("../scenarios/partition.json")),
    ("clocks", include_str!("../scenarios/clocks.json")),
    ("fail-stop", include_str!("../scenarios/fail-stop.json")),
    ("omission", include_str!("../scenarios/omission.json")),
    ("byzantine", include_str!("../scenarios/byzantine.json")),
    (
        "perfect-detector",
        include_str!("../scenarios/perfect-detector.json"),
    ),
    ("phi", include_str!("../scenarios/phi.json")),
    (
        "partial-synchrony",
        include_str!("../scenarios/partial-synchrony.json"),
    ),
    (
        "at-most-once",
        include_str!("../scenarios/at-most-once.json"),
    ),
    (
        "at-least-once",
        include_str!("../scenarios/at-least-once.json"),
    ),
    ("idempotent", include_str!("../scenarios/idempotent.json")),
    (
        "exactly-once",
        include_str!("../scenarios/exactly-once.json"),
    ),
    (
        "stateful-crash",
        include_str!("../scenarios/stateful-crash.json"),
    ),
    (
        "safety-liveness",
        include_str!("../scenarios/safety-liveness.json"),
    ),
    ("raft", include_str!("../scenarios/raft.json")),
    (
        "raft-leader-crash",
        include_str!("../scenarios/raft-leader-crash.json"),
    ),
    (
        "raft-partition",
        include_str!("../scenarios/raft-partition.json"),
    ),
    (
        "raft-no-storage",
        include_str!("../scenarios/raft-no-storage.json"),
    ),
    (
        "raft-split-vote",
        include_str!("../scenarios/raft-split-vote.json"),
    ),
    (
        "raft-vote-twice",
        include_str!("../scenarios/raft-vote-twice.json"),
    ),
    (
        "raft-commit-early",
        include_str!("../scenarios/raft-commit-early.json"),
    ),
    (
        "raft-skip-log-check",
        include_str!("../scenarios/raft-skip-log-check.json"),
    ),
    (
        "raft-forget-term",
        include_str!("../scenarios/raft-forget-term.json"),
    ),
    (
        "raft-byzantine",
        include_str!("../scenarios/raft-byzantine.json"),
    ),
    ("raft-flp", include_str!("../scenarios/raft-flp.json")),
    ("raft-gst", include_str!("../scenarios/raft-gst.json")),
    (
        "availability",
        include_str!("../scenarios/availability.json"),
    ),
    ("kv-knee", include_str!("../scenarios/kv-knee.json")),
    ("kv-shard", include_str!("../scenarios/kv-shard.json")),
    (
        "kv-stateless",
        include_str!("../scenarios/kv-stateless.json"),
    ),
    ("kv-stateful", include_str!("../scenarios/kv-stateful.json")),
    ("kv-failover", include_str!("../scenarios/kv-failover.json")),
    (
        "kv-two-primaries",
        include_str!("../scenarios/kv-two-primaries.json"),
    ),
    (
        "kv-quorum-stale",
        include_str!("../scenarios/kv-quorum-stale.json"),
    ),
    ("kv-batching", include_str!("../scenarios/kv-batching.json")),
    ("scale", include_str!("../scenarios/scale.json")),
    ("scale-swim", include_str!("../scenarios/scale-swim.json")),
];

/// What the page opens with when the URL names nothing: something happens
/// within seconds (a crash, seen by failure detectors).
pub const DEFAULT_ID: &str = "crash";

/// The library scenario `id`, or a message listing the ids there are.
pub fn get(id: &str) -> Result<Scenario, String> {
    builtin(LIBRARY, "scenario", id, Scenario::from_json)
}

/// Built-in file `id` of `list` (scenarios, lessons), read by `read`; or a
/// message naming `what` and listing the ids there are.
pub(crate) fn builtin<T>(
    list: &[(&str, &str)],
    what: &str,
    id: &str,
    read: impl Fn(&str) -> Result<T, Vec<String>>,
) -> Result<T, String> {
    match list.iter().find(|(i, _)| *i == id) {
        Some((_, text)) => {
            read(text).map_err(|e| format!("built-in {what} {id} is broken: {}", e.join("; ")))
        }
        None => Err(format!(
            "{what}: no built-in {what} {}; expected one of {}",
            crate::params::show(id),
            list.iter().map(|(i, _)| *i).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// `(id, title)` of every library scenario, for the menu: read once (the
/// menu is rendered a few times a second while a run plays, and parsing 40
/// files each time was a third of the page's script time).
pub fn titles() -> &'static [(&'static str, String)] {
    static TITLES: std::sync::OnceLock<Vec<(&'static str, String)>> = std::sync::OnceLock::new();
    TITLES.get_or_init(|| {
        LIBRARY
            .iter()
            .map(|(id, _)| (*id, get(id).map(|s| s.title).unwrap_or_default()))
            .collect()
    })
}
