//! The built-in scenario library: every scenario loads, runs, and shows the
//! idea its description promises (checked on the run, not on the text).

use distsim::library::{self, LIBRARY};
use distsim::scenario::Scenario;
use distsim::sim::*;

fn run(id: &str, until: Micros) -> (Scenario, Sim<Workload>) {
    let sc = library::get(id).unwrap_or_else(|e| panic!("{id}: {e}"));
    let mut sim = Sim::new(sc.settings.sim_config(), sc.settings.workload());
    sim.plan(sc.plan());
    sim.run_until(until);
    let refused = sim.take_plan_refusals();
    assert!(
        refused.is_empty(),
        "{id}: script steps refused: {refused:?}"
    );
    (sc, sim)
}

#[test]
fn every_library_scenario_loads_runs_and_has_words_for_the_student() {
    for (id, _) in LIBRARY {
        let (sc, sim) = run(id, 30_000_000);
        assert!(
            !sc.title.is_empty() && sc.description.len() > 80,
            "{id}: title and description"
        );
        assert!(sim.stats().events > 100, "{id}: something happens");
        assert!(sc.to_json().len() > 100);
    }
    assert!(library::get("nope").unwrap_err().contains("crash, loss"));
    assert!(library::get(library::DEFAULT_ID).is_ok());
}

#[test]
fn each_scenario_shows_its_idea() {
    // Crash: the crashed node is suspected by every other node before it recovers.
    let (_, s) = run("crash", 11_000_000);
    assert!((0..5)
        .filter(|&o| o != 2)
        .all(|o| s.detector_metrics().suspects(o, 2)));
    // Loss: a good share of messages lost.
    let (_, s) = run("loss", 30_000_000);
    let share = s.stats().lost as f64 / s.stats().sent as f64;
    assert!((0.2..0.4).contains(&share), "loss share {share}");
    // Bandwidth: queueing makes deliveries lag far behind the network latency.
    let (_, s) = run("bandwidth", 20_000_000);
    assert!(
        s.in_flight() > 50,
        "bandwidth: queued messages {}",
        s.in_flight()
    );
    // Partition: both sides suspect each other at 12 s, nobody at 25 s.
    let (_, s) = run("partition", 12_000_000);
    assert!(s.detector_metrics().suspects(0, 4) && s.detector_metrics().suspects(4, 0));
    let (_, s) = run("partition", 25_000_000);
    assert!(!s.detector_metrics().suspects(0, 4) && !s.detector_metrics().suspects(4, 0));
    // Fail-stop: told at once (notices), the crashed one only suspected later.
    let (_, s) = run("fail-stop", 3_500_000);
    assert_eq!(s.stats().notices, 3, "told: every node still up");
    assert!(
        !s.detector_metrics().suspects(0, 3),
        "crash not yet suspected at 3.5 s"
    );
    // Omission: messages omitted.
    let (_, s) = run("omission", 20_000_000);
    assert!(s.stats().omitted > 10);
    // Impossibility: mistakes about correct nodes, and the crash detected.
    let (_, s) = run("perfect-detector", 40_000_000);
    assert!(s.detector_metrics().mistakes > 0, "no false suspicion");
    assert!((0..4).all(|o| s.detector_metrics().suspects(o, 4)));
    // Partial synchrony: mistakes before GST (15 s); every message sent before
    // it arrives by GST + the latency bound, and after that no new ones.
    let (_, s) = run("partial-synchrony", 15_000_000);
    assert!(s.detector_metrics().mistakes > 0, "mistakes before GST");
    let (_, s) = run("partial-synchrony", 26_000_000);
    let settled = s.detector_metrics().mistakes;
    let (_, s) = run("partial-synchrony", 90_000_000);
    assert_eq!(
        s.detector_metrics().mistakes,
        settled,
        "no mistakes long after GST"
    );
    // Delivery modes.
    let (_, s) = run("at-most-once", 60_000_000);
    let m = s.metrics();
    assert!(m.applied.len() < m.issued as usize && m.applied.values().all(|&c| c == 1));
    let (_, s) = run("at-least-once", 60_000_000);
    assert!(
        s.metrics().applied.values().any(|&c| c > 1),
        "duplicates applied"
    );
    let (_, s) = run("exactly-once", 60_000_000);
    assert!(s.metrics().applied.values().all(|&c| c == 1) && s.metrics().duplicates_suppressed > 0);
    assert_eq!(s.metrics().violations, 0);
    let (_, s) = run("stateful-crash", 60_000_000);
    assert!(
        s.metrics().violations > 0,
        "a forgetful server breaks exactly-once"
    );
    let (_, s) = run("safety-liveness", 15_000_000);
    let done = s.metrics().completed;
    let (_, s2) = run("safety-liveness", 15_500_000);
    assert_eq!(
        s2.metrics().completed,
        done,
        "no progress during the partition"
    );
    let (_, s) = run("safety-liveness", 40_000_000);
    assert!(s.metrics().completed > done && s.metrics().violations == 0);
}
