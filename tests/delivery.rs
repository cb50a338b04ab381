//! Native tests of delivery semantics on the client/server workload.
//! Every randomized test names its seed; binomial tolerances are 5 standard deviations.

use distsim::sim::*;

fn run(clients: u32, seed: u64, net: NetConfig, rpc: RpcConfig, until: Micros) -> Sim<Rpc> {
    let cfg = SimConfig {
        nodes: clients + 1,
        seed,
        net,
        clocks: ClockConfig::default(),
        trace_ring: 0,
        trace_all: false,
    };
    let mut sim = Sim::new(cfg, Rpc { config: rpc });
    sim.run_until(until);
    sim
}

fn lossy(loss: f64) -> NetConfig {
    NetConfig {
        latency: LatencyModel::Uniform {
            min: 5_000,
            max: 30_000,
        },
        loss,
        ..NetConfig::default()
    }
}

fn server(sim: &Sim<Rpc>) -> &rpc::ServerState {
    match sim.nodes()[0].state.as_ref().expect("server up") {
        RpcState::Server(s) => s,
        _ => unreachable!(),
    }
}

#[test]
fn at_most_once_applies_a_fraction_one_minus_p_and_never_twice() {
    for p in [0.1, 0.3] {
        for seed in [1u64, 2, 3] {
            let rpc = RpcConfig {
                mode: DeliveryMode::AtMostOnce,
                request_every: 10_000,
                max_requests: Some(2_500),
                ..RpcConfig::default()
            };
            let sim = run(4, seed, lossy(p), rpc, 40_000_000);
            let m = sim.metrics();
            assert_eq!(m.issued, 10_000, "seed {seed}");
            assert_eq!(
                m.retransmissions, 0,
                "seed {seed}: at-most-once never retries"
            );
            let [never, once, more] = m.applied_histogram();
            assert_eq!(more, 0, "seed {seed}: no effect applied twice");
            let frac = once as f64 / m.issued as f64;
            let sd = (p * (1.0 - p) / m.issued as f64).sqrt();
            assert!(
                (frac - (1.0 - p)).abs() < 5.0 * sd,
                "seed {seed}, p {p}: applied fraction {frac} ({never} never)"
            );
            assert_eq!(m.violations, 0, "seed {seed}");
            assert_eq!(
                server(&sim).balance,
                rpc::ADD_AMOUNT * once as i64,
                "seed {seed}: the balance is the sum of applied effects"
            );
        }
    }
}

#[test]
fn at_most_once_is_violated_by_network_duplication() {
    // Without de-duplication, a duplicating network applies some requests twice.
    let seed = 4;
    let rpc = RpcConfig {
        mode: DeliveryMode::AtMostOnce,
        request_every: 10_000,
        max_requests: Some(500),
        ..RpcConfig::default()
    };
    let sim = run(
        2,
        seed,
        NetConfig {
            duplicate: 0.2,
            ..lossy(0.0)
        },
        rpc,
        10_000_000,
    );
    assert!(sim.metrics().applied_histogram()[2] > 0, "seed {seed}");
    let v = sim
        .metrics()
        .first_violation
        .as_ref()
        .expect("violation recorded");
    assert!(v.what.contains("a second time"), "{}", v.what);
}

#[test]
fn at_least_once_applies_every_request_despite_heavy_loss() {
    for loss in [0.2, 0.5] {
        for seed in [5u64, 6, 7] {
            let rpc = RpcConfig {
                mode: DeliveryMode::AtLeastOnce,
                request_every: 20_000,
                timeout: 100_000,
                max_backoff: 800_000,
                max_requests: Some(300),
                ..RpcConfig::default()
            };
            let sim = run(3, seed, lossy(loss), rpc, 120_000_000);
            let m = sim.metrics();
            assert_eq!(m.issued, 900, "seed {seed}");
            let [never, _, _] = m.applied_histogram();
            assert_eq!(
                never, 0,
                "seed {seed}, loss {loss}: every request applied at least once"
            );
            assert_eq!(
                m.completed, 900,
                "seed {seed}, loss {loss}: every client got its reply"
            );
            assert!(m.retransmissions > 0, "seed {seed}");
            assert_eq!(m.violations, 0, "seed {seed}");
        }
    }
}

#[test]
fn at_least_once_applies_some_requests_twice_when_the_network_duplicates() {
    let mut doubled = 0;
    for seed in [8u64, 9, 10] {
        let rpc = RpcConfig {
            mode: DeliveryMode::AtLeastOnce,
            request_every: 20_000,
            timeout: 100_000,
            max_requests: Some(300),
            ..RpcConfig::default()
        };
        let sim = run(
            3,
            seed,
            NetConfig {
                duplicate: 0.2,
                ..lossy(0.2)
            },
            rpc,
            60_000_000,
        );
        let [never, _, more] = sim.metrics().applied_histogram();
        assert_eq!(never, 0, "seed {seed}");
        doubled += more;
        // Non-idempotent: the balance overshoots what exactly-once would give.
        assert!(
            server(&sim).balance > rpc::ADD_AMOUNT * 900 || more == 0,
            "seed {seed}"
        );
    }
    assert!(doubled > 20, "duplicates applied twice: {doubled}");
}

#[test]
fn at_least_once_with_an_idempotent_operation_is_harmless() {
    // One request at a time (each finishes long before the next): applying a
    // duplicate "set x" again leaves x as it was. (With requests in flight
    // together, a late duplicate of an old "set" could overwrite a newer value:
    // idempotent is not the same as commutative.)
    for seed in [11u64, 12, 13] {
        let rpc = RpcConfig {
            mode: DeliveryMode::AtLeastOnce,
            idempotent: true,
            request_every: 5_000_000,
            timeout: 100_000,
            max_requests: Some(40),
            ..RpcConfig::default()
        };
        let sim = run(
            1,
            seed,
            NetConfig {
                duplicate: 0.3,
                ..lossy(0.3)
            },
            rpc,
            210_000_000,
        );
        let [never, _, more] = sim.metrics().applied_histogram();
        assert_eq!(never, 0, "seed {seed}");
        assert!(more > 0, "seed {seed}: duplicates were applied again");
        assert_eq!(
            server(&sim).x,
            40,
            "seed {seed}: the last request's value, as if each were applied once"
        );
    }
}

fn exactly_once(retention: Micros) -> RpcConfig {
    RpcConfig {
        mode: DeliveryMode::ExactlyOnce,
        request_every: 30_000,
        timeout: 100_000,
        backoff: 2,
        max_backoff: 800_000,
        retry_limit: Some(20),
        retention,
        max_requests: Some(50),
        ..RpcConfig::default()
    }
}

#[test]
fn exactly_once_applies_every_request_once_over_a_hundred_seeds() {
    // Retry horizon: at most 20 sends, waits of 0.1+0.2+0.4+17x0.8 s = 14.3 s, plus
    // latency and reordering. A 60 s retention window covers it.
    let net = NetConfig {
        latency: LatencyModel::Exponential {
            min: 2_000,
            mean: 40_000,
            max: 1_000_000,
        },
        loss: 0.3,
        duplicate: 0.2,
        reorder: true,
        bandwidth: None,
        spikes: Spikes::NONE,
        adversary: false,
    };
    let mut total = 0;
    for seed in 1000u64..1100 {
        let sim = run(3, seed, net, exactly_once(60_000_000), 60_000_000);
        let m = sim.metrics();
        assert_eq!(m.issued, 150, "seed {seed}");
        let [never, once, more] = m.applied_histogram();
        assert_eq!(
            (never, once, more),
            (0, 150, 0),
            "seed {seed}: {:?}",
            m.first_violation
        );
        assert_eq!(m.violations, 0, "seed {seed}");
        assert!(
            m.duplicates_delivered > 0 && m.duplicates_suppressed == m.duplicates_delivered,
            "seed {seed}"
        );
        assert_eq!(
            server(&sim).balance,
            rpc::ADD_AMOUNT * 150,
            "seed {seed}: expected balance"
        );
        total += m.issued;
    }
    assert_eq!(total, 15_000);
}

#[test]
fn exactly_once_fails_when_the_retention_window_is_too_short() {
    // A 50 ms window forgets requests while their retransmissions and duplicates are
    // still on the way: those are applied again. This is the documented failure.
    let net = NetConfig {
        latency: LatencyModel::Exponential {
            min: 2_000,
            mean: 40_000,
            max: 1_000_000,
        },
        loss: 0.3,
        duplicate: 0.2,
        reorder: true,
        bandwidth: None,
        spikes: Spikes::NONE,
        adversary: false,
    };
    let mut doubled = 0;
    for seed in 2000u64..2010 {
        let sim = run(3, seed, net, exactly_once(50_000), 60_000_000);
        doubled += sim.metrics().applied_histogram()[2];
        if sim.metrics().violations > 0 {
            let v = sim.metrics().first_violation.as_ref().unwrap();
            assert!(v.what.contains("a second time"), "seed {seed}: {}", v.what);
        }
    }
    assert!(
        doubled > 10,
        "only {doubled} requests applied twice with a 50 ms window"
    );
}

#[test]
fn exactly_once_needs_stable_storage_at_the_server() {
    // The server crashes and restarts after 300 ms. With its table on stable
    // storage nothing is applied twice; without it, retransmissions of requests it
    // had applied (but whose replies were lost) are applied again.
    let net = NetConfig {
        loss: 0.3,
        ..lossy(0.0)
    };
    let mut doubled_without = 0;
    for seed in 3000u64..3010 {
        for stable in [true, false] {
            let rpc = RpcConfig {
                request_every: 20_000,
                max_requests: Some(200),
                ..exactly_once(60_000_000)
            };
            let cfg = SimConfig {
                nodes: 4,
                seed,
                net,
                clocks: ClockConfig::default(),
                trace_ring: 0,
                trace_all: false,
            };
            let mut sim = Sim::new(cfg, Rpc { config: rpc });
            sim.run_until(2_000_000);
            sim.apply(Command::CrashRecover {
                node: NodeId(0),
                after: 300_000,
                stable,
            })
            .unwrap();
            sim.run_until(60_000_000);
            let more = sim.metrics().applied_histogram()[2];
            if stable {
                assert_eq!(more, 0, "seed {seed}: stable storage keeps the table");
            } else {
                doubled_without += more;
            }
        }
    }
    assert!(
        doubled_without > 0,
        "forgetting the table should apply some request twice"
    );
}

#[test]
fn metrics_agree_with_the_trace() {
    let seed = 12;
    let cfg = SimConfig {
        nodes: 4,
        seed,
        net: NetConfig {
            duplicate: 0.2,
            ..lossy(0.3)
        },
        clocks: ClockConfig::default(),
        trace_ring: 0,
        trace_all: true,
    };
    let rpc = RpcConfig {
        mode: DeliveryMode::AtLeastOnce,
        request_every: 50_000,
        timeout: 100_000,
        max_requests: Some(100),
        ..RpcConfig::default()
    };
    let mut sim = Sim::new(cfg, Rpc { config: rpc });
    sim.run_until(30_000_000);
    let (mut issued, mut retx, mut applied, mut received, mut request_deliveries) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    for e in sim.trace().all().unwrap() {
        match &e.kind {
            TraceKind::Note {
                note: Note::Issued { .. },
                ..
            } => issued += 1,
            TraceKind::Note {
                note: Note::Retransmit { .. },
                ..
            } => retx += 1,
            TraceKind::Note {
                note: Note::Applied { .. },
                ..
            } => applied += 1,
            TraceKind::Note {
                note: Note::Received { .. },
                ..
            } => received += 1,
            TraceKind::Deliver {
                msg: RpcMsg::Request { .. },
                ..
            } => request_deliveries += 1,
            _ => {}
        }
    }
    let m = sim.metrics();
    assert_eq!(m.issued, issued);
    assert_eq!(m.retransmissions, retx);
    assert_eq!(m.applied.values().map(|&n| n as u64).sum::<u64>(), applied);
    assert_eq!(m.delivered, received);
    assert_eq!(
        received, request_deliveries,
        "every delivered request was received by the server"
    );
    assert_eq!(server(&sim).applied, applied);
}

#[test]
fn a_lying_server_looks_alive_but_applies_nothing() {
    let seed = 13;
    let cfg = SimConfig {
        nodes: 3,
        seed,
        net: lossy(0.0),
        clocks: ClockConfig::default(),
        trace_ring: 0,
        trace_all: false,
    };
    let rpc = RpcConfig {
        mode: DeliveryMode::AtLeastOnce,
        request_every: 50_000,
        retry_limit: Some(3),
        timeout: 100_000,
        ..RpcConfig::default()
    };
    let mut sim = Sim::new(cfg, Rpc { config: rpc });
    sim.apply(Command::SetByzantine {
        node: NodeId(0),
        mode: Some(ByzMode::Lie),
    })
    .unwrap();
    sim.run_until(5_000_000);
    let m = sim.metrics();
    assert!(
        m.delivered == 0 && m.issued > 50,
        "seed {seed}: requests arrive but the server does no work"
    );
    assert!(sim.stats().ignored > 50);
    assert!(
        m.gave_up > 0 && m.violations > 0,
        "seed {seed}: clients give up; at-least-once is violated"
    );
}

#[test]
fn switching_the_mode_mid_run_takes_effect_and_replays_exactly() {
    let seed = 14;
    let cfg = SimConfig {
        nodes: 3,
        seed,
        net: NetConfig {
            duplicate: 0.2,
            ..lossy(0.3)
        },
        clocks: ClockConfig::default(),
        trace_ring: 0,
        trace_all: false,
    };
    let start = RpcConfig {
        mode: DeliveryMode::AtMostOnce,
        request_every: 50_000,
        timeout: 100_000,
        ..RpcConfig::default()
    };
    let mut sim = Sim::new(
        cfg.clone(),
        Rpc {
            config: start.clone(),
        },
    );
    sim.run_until(5_000_000);
    assert_eq!(sim.metrics().retransmissions, 0);
    let eo = RpcConfig {
        mode: DeliveryMode::ExactlyOnce,
        ..start.clone()
    };
    sim.apply(Command::SetRpc(eo.clone())).unwrap();
    sim.run_until(10_000_000);
    assert!(
        sim.metrics().retransmissions > 0,
        "seed {seed}: retries start after the switch"
    );
    assert!(
        sim.metrics().duplicates_suppressed > 0,
        "seed {seed}: the server de-duplicates after the switch"
    );
    assert_eq!(sim.metrics().mode, Some(DeliveryMode::ExactlyOnce));
    let bad = RpcConfig { backoff: 0, ..eo };
    assert!(sim
        .apply(Command::SetRpc(bad))
        .unwrap_err()
        .contains("backoff"));
    let again = Sim::replay(cfg, Rpc { config: start }, sim.commands(), 10_000_000);
    assert_eq!(again.digest(), sim.digest(), "seed {seed}");
    // The heartbeat workload has no delivery settings.
    let mut hb = Sim::new(
        SimConfig::default(),
        Heartbeat {
            interval: 1_000_000,
            detector: None,
        },
    );
    assert!(hb.apply(Command::SetRpc(RpcConfig::default())).is_err());
}

#[test]
fn replaying_to_the_violation_stops_right_after_it() {
    let seed = 15;
    let cfg = SimConfig {
        nodes: 3,
        seed,
        net: NetConfig {
            duplicate: 0.3,
            ..lossy(0.0)
        },
        clocks: ClockConfig::default(),
        trace_ring: 0,
        trace_all: false,
    };
    let rpc = RpcConfig {
        mode: DeliveryMode::AtMostOnce,
        request_every: 20_000,
        ..RpcConfig::default()
    };
    let mut sim = Sim::new(
        cfg.clone(),
        Rpc {
            config: rpc.clone(),
        },
    );
    sim.run_until(1_000_000);
    sim.apply(Command::SetOmission {
        node: NodeId(1),
        send: 0.1,
        recv: 0.0,
    })
    .unwrap();
    sim.run_until(5_000_000);
    let v = sim
        .metrics()
        .first_violation
        .clone()
        .expect("duplication breaks at-most-once");
    // What the page's "Show the first" does: the same run, every recorded
    // command planned at its exact instant, stopped right after the event.
    let mut at = Sim::new(cfg, Rpc { config: rpc });
    at.plan(sim.commands().iter().cloned().map(Planned::Exact));
    at.run_to_point(v.after_events + 1, 0);
    assert_eq!(
        at.metrics().violations,
        1,
        "seed {seed}: stopped right after the first violation"
    );
    assert_eq!(at.metrics().first_violation, Some(v.clone()));
    assert_eq!(at.now(), v.time);
}
