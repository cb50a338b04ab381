//! Native tests of SWIM: it detects a crash everywhere (completeness) with
//! messages that grow as n, not n²; a live node that is wrongly suspected
//! refutes it; a restarted node is trusted again. Seeds are named.

use distsim::sim::*;

const S: Micros = 1_000_000;

fn config(nodes: u32, seed: u64, net: NetConfig) -> SimConfig {
    SimConfig {
        nodes,
        seed,
        net,
        clocks: ClockConfig::default(),
        trace_ring: 256,
        trace_all: false,
    }
}

fn view(s: &Sim<Swim>, observer: usize, target: usize) -> swim::Status {
    s.nodes()[observer].state.as_ref().unwrap().members[target].status
}

#[test]
fn every_live_node_comes_to_suspect_a_crashed_one() {
    for seed in [1u64, 2, 3] {
        let n = 20;
        let mut s = Sim::new(config(n, seed, NetConfig::default()), Swim::with_period(S));
        s.run_until(5 * S);
        s.apply(Command::Crash(NodeId(7))).unwrap();
        // Some node probes n7 within ~n periods at worst; gossip spreads in
        // O(log n) periods; suspicion is confirmed after 5 periods.
        s.run_until(40 * S);
        for i in (0..n as usize).filter(|&i| i != 7) {
            assert_eq!(
                view(&s, i, 7),
                swim::Status::Dead,
                "seed {seed}: n{i}'s view of n7"
            );
        }
        // And nobody else is suspected (accuracy, on a quiet network).
        for i in (0..n as usize).filter(|&i| i != 7) {
            for j in (0..n as usize).filter(|&j| j != 7 && j != i) {
                assert_eq!(
                    view(&s, i, j),
                    swim::Status::Alive,
                    "seed {seed}: n{i} on n{j}"
                );
            }
        }
        let q = s.detector_metrics();
        assert!(
            q.complete() && q.accurate_now(),
            "seed {seed}: the QoS measures agree"
        );
    }
}

#[test]
fn messages_grow_as_n_not_n_squared() {
    let rate = |n: u32, swim: bool| {
        let cfg = config(n, 1, NetConfig::default());
        let sent = if swim {
            let mut s = Sim::new(cfg, Swim::with_period(S));
            s.run_until(20 * S);
            s.stats().sent
        } else {
            let mut s = Sim::new(
                cfg,
                Heartbeat {
                    interval: S,
                    detector: None,
                },
            );
            s.run_until(20 * S);
            s.stats().sent
        };
        sent as f64 / 20.0
    };
    for n in [10u32, 20, 40, 80] {
        let (sw, all) = (rate(n, true), rate(n, false));
        let f = f64::from(n);
        // SWIM: a ping and an ack per node per period.
        assert!((sw - 2.0 * f).abs() < 0.1 * 2.0 * f, "n={n}: SWIM {sw}/s");
        // All-to-all: n(n-1) pings and as many pongs.
        let want = 2.0 * f * (f - 1.0);
        assert!(
            (all - want).abs() < 0.05 * want,
            "n={n}: all-to-all {all}/s vs {want}"
        );
    }
}

#[test]
fn a_wrongly_suspected_node_refutes_and_a_restarted_one_is_trusted_again() {
    let n = 10;
    let mut s = Sim::new(config(n, 4, NetConfig::default()), Swim::with_period(S));
    s.run_until(3 * S);
    // Cut n3 off from everyone for four and a half periods: long enough to
    // be probed and suspected, not long enough to be confirmed dead.
    for j in (0..n).filter(|&j| j != 3) {
        s.apply(Command::CutLink(NodeId(3), NodeId(j))).unwrap();
    }
    s.run_until(7 * S + S / 2);
    let suspecting = (0..n as usize)
        .filter(|&i| i != 3 && view(&s, i, 3) != swim::Status::Alive)
        .count();
    assert!(suspecting > 0, "someone suspects the silent n3");
    s.apply(Command::HealAll).unwrap();
    s.run_until(30 * S);
    let inc = s.nodes()[3].state.as_ref().unwrap().incarnation;
    assert!(inc > 0, "n3 refuted in a newer incarnation");
    for i in (0..n as usize).filter(|&i| i != 3) {
        assert_eq!(view(&s, i, 3), swim::Status::Alive, "n{i} trusts n3 again");
    }
    // A crash and a restart: confirmed dead, then alive again everywhere.
    s.apply(Command::CrashRecover {
        node: NodeId(5),
        after: 20 * S,
        stable: false,
    })
    .unwrap();
    s.run_until(49 * S);
    assert!((0..n as usize)
        .filter(|&i| i != 5)
        .all(|i| view(&s, i, 5) == swim::Status::Dead));
    s.run_until(80 * S);
    for i in (0..n as usize).filter(|&i| i != 5) {
        assert_eq!(view(&s, i, 5), swim::Status::Alive, "n{i} trusts n5 again");
    }
}

#[test]
fn the_cost_sweep_measures_n_squared_against_n() {
    use distsim::sim::cost::CostSweep;
    let mut c = CostSweep::new(S, NetConfig::default(), 1, 10 * S);
    let mut slices = 0;
    while !c.step(50_000) {
        slices += 1;
    }
    assert!(slices > 3);
    for p in c.points() {
        let n = f64::from(p.n);
        let all = 2.0 * n * (n - 1.0);
        assert!((p.all_to_all - all).abs() < 0.05 * all, "{p:?}");
        assert!((p.swim - 2.0 * n).abs() < 0.15 * 2.0 * n, "{p:?}");
    }
    assert_eq!(c.points().len(), 5);
}
