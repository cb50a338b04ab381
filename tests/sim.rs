//! Native tests of the simulator core: determinism, network statistics,
//! partitions, ordering, bandwidth, clocks and crashes.
//! Every randomized test names its seed in its failure message.

use distsim::sim::*;

fn hb(interval_ms: u64) -> Heartbeat {
    Heartbeat {
        interval: interval_ms * 1000,
        detector: None,
    }
}

fn config(nodes: u32, seed: u64, net: NetConfig) -> SimConfig {
    SimConfig {
        nodes,
        seed,
        net,
        clocks: ClockConfig::default(),
        trace_ring: 0,
        trace_all: true,
    }
}

#[test]
fn reference_digest_is_pinned() {
    // The same constant is checked in the browser (tests/web.rs): if this fails after an
    // intended change to the core, update REFERENCE_DIGEST in src/sim/mod.rs.
    let d = reference_run().digest();
    assert_eq!(d, REFERENCE_DIGEST, "reference digest is {d:#018x}");
}

#[test]
fn same_seed_same_digest_different_seed_different_digest() {
    let net = NetConfig {
        loss: 0.2,
        duplicate: 0.1,
        reorder: true,
        ..NetConfig::default()
    };
    for seed in [1u64, 2, 99, u64::MAX] {
        let mut a = Sim::new(config(9, seed, net), hb(500));
        let mut b = Sim::new(config(9, seed, net), hb(500));
        a.run_until(20_000_000);
        b.run_until(20_000_000);
        assert_eq!(a.digest(), b.digest(), "seed {seed}");
        assert_eq!(a.trace().all(), b.trace().all(), "seed {seed}");
        let mut c = Sim::new(config(9, seed ^ 1, net), hb(500));
        c.run_until(20_000_000);
        assert_ne!(a.digest(), c.digest(), "seed {seed} vs {}", seed ^ 1);
    }
}

#[test]
fn many_small_steps_equal_one_big_step() {
    let net = NetConfig {
        loss: 0.1,
        duplicate: 0.1,
        reorder: true,
        bandwidth: Some(30),
        ..NetConfig::default()
    };
    for seed in [3u64, 4, 5] {
        let mut one = Sim::new(config(6, seed, net), hb(300));
        one.run_until(15_000_000);
        let mut many = Sim::new(config(6, seed, net), hb(300));
        let mut t = 0;
        while t < 15_000_000 {
            t += 16_667; // about one frame at 1x
            many.run_until(t.min(15_000_000));
        }
        assert_eq!(one.digest(), many.digest(), "seed {seed}");
        // And single-event steps up to the same time.
        let mut steps = Sim::new(config(6, seed, net), hb(300));
        while steps.next_event_time().is_some_and(|t| t <= 15_000_000) {
            steps.step();
        }
        assert_eq!(one.digest(), steps.digest(), "seed {seed}");
        assert_eq!(one.stats(), steps.stats(), "seed {seed}");
    }
}

#[test]
fn a_bounded_run_carries_on_exactly() {
    // The UI bounds each frame's work; stopping early and resuming must not change the run.
    let net = NetConfig {
        loss: 0.1,
        duplicate: 0.1,
        reorder: true,
        ..NetConfig::default()
    };
    for seed in [8u64, 9] {
        let mut whole = Sim::new(config(12, seed, net), hb(100));
        whole.run_until(5_000_000);
        let mut bounded = Sim::new(config(12, seed, net), hb(100));
        let mut calls = 0;
        while !bounded.run_until_limited(5_000_000, 97) {
            calls += 1;
            assert!(bounded.now() <= 5_000_000);
        }
        assert!(
            calls > 100,
            "seed {seed}: the bound was hit ({calls} times)"
        );
        assert_eq!(whole.digest(), bounded.digest(), "seed {seed}");
        assert_eq!(whole.now(), bounded.now(), "seed {seed}");
    }
}

#[test]
fn replaying_recorded_commands_reproduces_the_run() {
    for seed in [10u64, 11, 12] {
        let net = NetConfig {
            loss: 0.05,
            ..NetConfig::default()
        };
        let mut live = Sim::new(config(8, seed, net), hb(400));
        live.run_until(2_000_000);
        live.apply(Command::Crash(NodeId(3))).unwrap();
        // Commands between two events at the same instant: step-wise.
        for _ in 0..37 {
            live.step();
        }
        live.apply(Command::CutLink(NodeId(0), NodeId(5))).unwrap();
        live.apply(Command::SetNetwork(NetConfig {
            loss: 0.3,
            reorder: true,
            ..net
        }))
        .unwrap();
        live.run_until(6_000_000);
        live.apply(Command::Recover(NodeId(3))).unwrap();
        live.apply(Command::Partition(vec![NodeId(1), NodeId(2)]))
            .unwrap();
        live.run_until(9_000_000);
        live.apply(Command::HealAll).unwrap();
        live.run_until(12_000_000);
        let replayed = Sim::replay(config(8, seed, net), hb(400), live.commands(), 12_000_000);
        assert_eq!(live.digest(), replayed.digest(), "seed {seed}");
        assert_eq!(live.trace().all(), replayed.trace().all(), "seed {seed}");
    }
}

#[test]
fn invalid_commands_are_refused_and_not_recorded() {
    let mut sim = Sim::new(config(3, 1, NetConfig::default()), hb(500));
    assert!(sim
        .apply(Command::Crash(NodeId(7)))
        .unwrap_err()
        .contains("no node n7"));
    assert!(sim
        .apply(Command::Recover(NodeId(0)))
        .unwrap_err()
        .contains("already up"));
    assert!(sim.apply(Command::CutLink(NodeId(1), NodeId(1))).is_err());
    assert!(sim
        .apply(Command::Partition(vec![NodeId(0), NodeId(1), NodeId(2)]))
        .is_err());
    assert!(sim
        .apply(Command::SetNetwork(NetConfig {
            loss: 2.0,
            ..NetConfig::default()
        }))
        .unwrap_err()
        .contains("loss"));
    assert!(sim.commands().is_empty());
}

/// One send read back from the trace: (id, from, to, depart, arrive, dup, lost, sent at).
type SendRow = (
    u64,
    NodeId,
    NodeId,
    Micros,
    Micros,
    bool,
    Option<(Micros, DropReason)>,
    Micros,
);

/// Every send of a run, read back from the full trace.
fn sends(sim: &Sim<Heartbeat>) -> Vec<SendRow> {
    sim.trace()
        .all()
        .unwrap()
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::Send {
                id,
                from,
                to,
                depart,
                arrive,
                dup,
                lost,
                ..
            } => Some((*id, *from, *to, *depart, *arrive, *dup, *lost, e.time)),
            _ => None,
        })
        .collect()
}

#[test]
fn loss_fraction_within_binomial_tolerance() {
    for p in [0.1, 0.3, 0.5] {
        for seed in [1u64, 2, 3, 4] {
            let net = NetConfig {
                loss: p,
                ..NetConfig::default()
            };
            let mut sim = Sim::new(config(10, seed, net), hb(200));
            sim.run_until(30_000_000);
            let s = sends(&sim);
            let n = s.len() as f64;
            let lost = s
                .iter()
                .filter(|x| matches!(x.6, Some((_, DropReason::Loss))))
                .count() as f64;
            let sd = (p * (1.0 - p) / n).sqrt();
            let frac = lost / n;
            assert!(n > 20_000.0, "seed {seed}: only {n} messages");
            assert!(
                (frac - p).abs() < 5.0 * sd,
                "seed {seed}, p {p}: lost fraction {frac} over {n} (5 sd = {})",
                5.0 * sd
            );
            // Every decided loss is carried out and counted.
            sim.run_until(40_000_000);
        }
    }
}

#[test]
fn duplication_fraction_within_binomial_tolerance() {
    let p = 0.2;
    for seed in [5u64, 6, 7] {
        let net = NetConfig {
            duplicate: p,
            ..NetConfig::default()
        };
        let mut sim = Sim::new(config(10, seed, net), hb(200));
        sim.run_until(30_000_000);
        let s = sends(&sim);
        let originals = s.iter().filter(|x| !x.5).count() as f64;
        let dups = s.iter().filter(|x| x.5).count() as f64;
        let sd = (p * (1.0 - p) / originals).sqrt();
        assert!(
            (dups / originals - p).abs() < 5.0 * sd,
            "seed {seed}: {dups}/{originals}"
        );
        // A duplicate is a second copy of the same message id, delivered separately.
        let delivered_twice = {
            let mut ids: Vec<u64> = sim
                .trace()
                .all()
                .unwrap()
                .iter()
                .filter_map(|e| match e.kind {
                    TraceKind::Deliver { id, .. } => Some(id),
                    _ => None,
                })
                .collect();
            ids.sort_unstable();
            ids.windows(2).filter(|w| w[0] == w[1]).count()
        };
        assert!(
            delivered_twice as f64 > 0.9 * dups,
            "seed {seed}: {delivered_twice} of {dups} duplicates delivered twice"
        );
    }
}

#[test]
fn latency_stays_within_model_bounds() {
    let models = [
        LatencyModel::Constant { mean: 70_000 },
        LatencyModel::Uniform {
            min: 10_000,
            max: 90_000,
        },
        LatencyModel::Exponential {
            min: 5_000,
            mean: 50_000,
            max: 400_000,
        },
    ];
    for (mi, m) in models.iter().enumerate() {
        let seed = 100 + mi as u64;
        let net = NetConfig {
            latency: *m,
            reorder: true,
            ..NetConfig::default()
        };
        let mut sim = Sim::new(config(8, seed, net), hb(250));
        sim.run_until(20_000_000);
        let (lo, hi) = m.bounds();
        let s = sends(&sim);
        let mut sum = 0f64;
        for x in &s {
            let lat = x.4 - x.3;
            assert!(lat >= lo && lat <= hi, "seed {seed}, {m:?}: latency {lat}");
            sum += lat as f64;
        }
        let mean = sum / s.len() as f64;
        if let LatencyModel::Exponential { max, .. } = m {
            // Clamping at max trims the tail a little: the mean is below the nominal one.
            assert!(
                mean > 40_000.0 && mean < 52_000.0,
                "seed {seed}: mean {mean} (max {max})"
            );
        }
        if let LatencyModel::Uniform { .. } = m {
            assert!(
                (mean - 50_000.0).abs() < 1_500.0,
                "seed {seed}: uniform mean {mean}"
            );
        }
    }
}

#[test]
fn no_message_crosses_a_partition() {
    for seed in [21u64, 22, 23] {
        let net = NetConfig {
            latency: LatencyModel::Uniform {
                min: 1_000,
                max: 300_000,
            },
            reorder: true,
            ..NetConfig::default()
        };
        let mut sim = Sim::new(config(6, seed, net), hb(100));
        sim.run_until(1_000_000);
        sim.apply(Command::Partition(vec![NodeId(0), NodeId(1), NodeId(2)]))
            .unwrap();
        sim.apply(Command::CutLink(NodeId(3), NodeId(4))).unwrap();
        let cut_from = sim.now();
        sim.run_until(6_000_000);
        let healed = sim.now();
        sim.apply(Command::HealAll).unwrap();
        sim.run_until(8_000_000);
        let side = |n: NodeId| n.0 < 3;
        let mut crossed_after_heal = 0;
        for e in sim.trace().all().unwrap() {
            if let TraceKind::Deliver { from, to, .. } = e.kind {
                let across =
                    side(from) != side(to) || (from.0.min(to.0), from.0.max(to.0)) == (3, 4);
                if across && e.time >= cut_from && e.time < healed {
                    panic!(
                        "seed {seed}: {from} -> {to} delivered at {} during the partition",
                        e.time
                    );
                }
                if across && e.time > healed {
                    crossed_after_heal += 1;
                }
            }
        }
        assert!(sim.stats().blocked > 0, "seed {seed}");
        assert!(
            crossed_after_heal > 0,
            "seed {seed}: healing restores traffic"
        );
    }
}

#[test]
fn without_reordering_each_link_is_fifo() {
    for seed in [31u64, 32, 33] {
        let net = NetConfig {
            latency: LatencyModel::Exponential {
                min: 1_000,
                mean: 80_000,
                max: 2_000_000,
            },
            duplicate: 0.1,
            reorder: false,
            ..NetConfig::default()
        };
        let mut sim = Sim::new(config(5, seed, net), hb(20));
        sim.run_until(10_000_000);
        let mut last: std::collections::BTreeMap<(u32, u32), u64> = Default::default();
        let mut delivered = 0;
        for e in sim.trace().all().unwrap() {
            if let TraceKind::Deliver { id, from, to, .. } = e.kind {
                delivered += 1;
                let prev = last.insert((from.0, to.0), id);
                if let Some(p) = prev {
                    assert!(
                        id >= p,
                        "seed {seed}: {from}->{to} delivered m{id} after m{p}"
                    );
                }
            }
        }
        assert!(delivered > 1000, "seed {seed}");
        // And the same network with reordering on does reorder.
        let mut r = Sim::new(
            config(
                5,
                seed,
                NetConfig {
                    reorder: true,
                    ..net
                },
            ),
            hb(20),
        );
        r.run_until(10_000_000);
        let mut last: std::collections::BTreeMap<(u32, u32), u64> = Default::default();
        let mut inversions = 0;
        for e in r.trace().all().unwrap() {
            if let TraceKind::Deliver { id, from, to, .. } = e.kind {
                if let Some(p) = last.insert((from.0, to.0), id) {
                    if id < p {
                        inversions += 1;
                    }
                }
            }
        }
        assert!(
            inversions > 10,
            "seed {seed}: reordering on produced only {inversions} inversions"
        );
    }
}

#[test]
fn bandwidth_limit_queues_messages_at_the_sender() {
    // 4 nodes ping all peers every 10 ms: 3 pings + pongs per node per 10 ms on each
    // link, far above 20 messages per second, so the queue grows.
    let rate = 20u32;
    let net = NetConfig {
        latency: LatencyModel::Constant { mean: 10_000 },
        bandwidth: Some(rate),
        ..NetConfig::default()
    };
    let mut sim = Sim::new(config(4, 41, net), hb(10));
    sim.run_until(2_000_000);
    let s = sends(&sim);
    let mut by_link: std::collections::BTreeMap<(u32, u32), Vec<Micros>> = Default::default();
    for x in &s {
        assert!(x.3 >= x.7, "departure never precedes the send");
        by_link.entry((x.1 .0, x.2 .0)).or_default().push(x.3);
    }
    let gap = 1_000_000 / rate as u64;
    for (link, departs) in &by_link {
        for w in departs.windows(2) {
            assert!(
                w[1] >= w[0] + gap,
                "link {link:?}: departures {} and {} closer than {gap}",
                w[0],
                w[1]
            );
        }
    }
    // Queueing delay shows up: the last sends waited far longer than the latency.
    let worst = s.iter().map(|x| x.3 - x.7).max().unwrap();
    assert!(worst > 500_000, "worst queueing delay {worst}");
    // Delivered throughput per link cannot exceed the rate (plus one message in the window).
    let deliveries_0_1 = sim
        .trace()
        .all()
        .unwrap()
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                TraceKind::Deliver {
                    from: NodeId(0),
                    to: NodeId(1),
                    ..
                }
            )
        })
        .count();
    assert!(
        deliveries_0_1 as u64 <= 2 * rate as u64 + 1,
        "{deliveries_0_1}"
    );
    // Without a limit the same workload sends many more.
    let mut free = Sim::new(
        config(
            4,
            41,
            NetConfig {
                bandwidth: None,
                ..net
            },
        ),
        hb(10),
    );
    free.run_until(2_000_000);
    assert!(
        free.stats().delivered > 5 * sim.stats().delivered,
        "{} vs {}",
        free.stats().delivered,
        sim.stats().delivered
    );
}

#[test]
fn crashed_node_sends_nothing_and_receives_nothing_until_recovery() {
    let seed = 51;
    let mut sim = Sim::new(config(5, seed, NetConfig::default()), hb(200));
    sim.run_until(2_000_000);
    sim.apply(Command::Crash(NodeId(2))).unwrap();
    let crash_at = sim.now();
    assert!(sim.nodes()[2].state.is_none());
    assert!(sim.nodes()[2].timers.is_empty());
    sim.run_until(5_000_000);
    sim.apply(Command::Recover(NodeId(2))).unwrap();
    let recover_at = sim.now();
    sim.run_until(8_000_000);
    let mut dropped_to_down = 0;
    let mut sent_after_recovery = 0;
    for e in sim.trace().all().unwrap() {
        match e.kind {
            TraceKind::Send {
                from: NodeId(2), ..
            } if e.time >= crash_at && e.time < recover_at => {
                panic!("seed {seed}: crashed node sent at {}", e.time)
            }
            TraceKind::Deliver { to: NodeId(2), .. }
                if e.time >= crash_at && e.time < recover_at =>
            {
                panic!("seed {seed}: crashed node received at {}", e.time)
            }
            TraceKind::Drop {
                to: NodeId(2),
                reason: DropReason::ReceiverDown,
                ..
            } => dropped_to_down += 1,
            TraceKind::Send {
                from: NodeId(2), ..
            } if e.time >= recover_at => sent_after_recovery += 1,
            _ => {}
        }
    }
    assert!(dropped_to_down > 0, "seed {seed}");
    assert!(
        sent_after_recovery > 0,
        "seed {seed}: a recovered node runs again"
    );
    assert_eq!(sim.nodes()[2].incarnation, 2);
    // Recovery starts from scratch: the round counter restarted.
    let st = sim.nodes()[2].state.as_ref().unwrap();
    assert!(st.round < sim.nodes()[0].state.as_ref().unwrap().round);
}

#[test]
fn timers_follow_local_clocks() {
    // A node whose clock runs 10% fast fires its 1 s heartbeat every ~0.909 true seconds.
    let seed = 61;
    let cfg = SimConfig {
        clocks: ClockConfig {
            max_offset_us: 0,
            max_drift_ppm: 100_000,
        },
        ..config(4, seed, NetConfig::default())
    };
    let mut sim = Sim::new(cfg, hb(1000));
    sim.run_until(30_000_000);
    for (i, node) in sim.nodes().iter().enumerate() {
        let fires: Vec<Micros> = sim
            .trace()
            .all()
            .unwrap()
            .iter()
            .filter_map(|e| match e.kind {
                TraceKind::TimerFire {
                    node: NodeId(n), ..
                } if n as usize == i => Some(e.time),
                _ => None,
            })
            .collect();
        let expected = node.clock.true_delay(1_000_000);
        for w in fires.windows(2) {
            assert_eq!(
                w[1] - w[0],
                expected,
                "seed {seed}: node {i} drift {}",
                node.clock.drift_ppm
            );
        }
        // Local elapsed time between firings is the local period (to within rounding).
        let local = node.clock.local_at(fires[2]) - node.clock.local_at(fires[1]);
        assert!(
            (local - 1_000_000).abs() <= 1,
            "seed {seed}: node {i}: {local}"
        );
    }
}

#[test]
fn in_flight_snapshot_matches_pending_deliveries() {
    let seed = 71;
    let net = NetConfig {
        loss: 0.2,
        ..NetConfig::default()
    };
    let mut sim = Sim::new(config(20, seed, net), hb(100));
    sim.run_until(3_456_789);
    let now = sim.now();
    let n = sim.flights().count() as u32;
    assert_eq!(n, sim.in_flight());
    assert!(n > 100, "seed {seed}: {n}");
    for f in sim.flights() {
        let end = f.lost.map_or(f.arrive, |(t, _)| t);
        assert!(
            end > now && f.sent_at <= now && f.depart <= f.arrive,
            "seed {seed}: {f:?}"
        );
    }
    let s = sim.stats();
    assert_eq!(
        s.sent,
        s.delivered + s.lost + s.blocked + s.to_down + s.omitted + n as u64,
        "seed {seed}: every copy is accounted for"
    );
}

/// A scenario's timed script: the simulator applies each step itself, at its
/// time, before any event at that time; slicing the run differently (big
/// `run_until`s, tiny ones, single steps) gives the same run, and the recorded
/// commands replay it exactly.
#[test]
fn planned_commands_apply_at_their_time_however_the_run_is_sliced() {
    let script = || {
        vec![
            Planned::At(2_000_000, Command::Crash(NodeId(3))),
            Planned::At(3_500_000, Command::CutLink(NodeId(0), NodeId(1))),
            Planned::At(3_500_000, Command::Partition(vec![NodeId(4), NodeId(5)])),
            Planned::At(6_000_000, Command::Recover(NodeId(3))),
            Planned::At(6_000_001, Command::Crash(NodeId(9))), // no such node: refused
            Planned::At(8_000_000, Command::HealAll),
        ]
    };
    for seed in [21u64, 22, 23] {
        let net = NetConfig {
            loss: 0.1,
            reorder: true,
            ..NetConfig::default()
        };
        let mut whole = Sim::new(config(7, seed, net), hb(300));
        whole.plan(script());
        whole.run_until(10_000_000);
        let mut sliced = Sim::new(config(7, seed, net), hb(300));
        sliced.plan(script());
        let mut t = 0;
        while t < 10_000_000 {
            t += 7_919;
            sliced.run_until_limited(t.min(10_000_000), 13);
            t = sliced.now().min(t);
        }
        sliced.run_until(10_000_000);
        let mut stepped = Sim::new(config(7, seed, net), hb(300));
        stepped.plan(script());
        while stepped.next_event_time().is_some_and(|t| t <= 10_000_000) {
            stepped.step();
        }
        stepped.run_until(10_000_000);
        for (name, s) in [("sliced", &sliced), ("stepped", &stepped)] {
            assert_eq!(whole.digest(), s.digest(), "seed {seed}: {name}");
            assert_eq!(whole.commands(), s.commands(), "seed {seed}: {name}");
        }
        let at: Vec<u64> = whole.commands().iter().map(|c| c.at).collect();
        assert_eq!(
            at,
            [2_000_000, 3_500_000, 3_500_000, 6_000_000, 8_000_000],
            "seed {seed}: each step at its time, the bad one skipped"
        );
        assert!(whole.planned().next().is_none(), "seed {seed}");
        let refused = whole.take_plan_refusals();
        assert_eq!(refused.len(), 1, "seed {seed}: {refused:?}");
        assert!(
            refused[0].contains("no node n9"),
            "seed {seed}: {refused:?}"
        );
        // Nothing at 2 s ran before the crash: the crashed node processed no event at 2 s.
        let replayed = Sim::replay(config(7, seed, net), hb(300), whole.commands(), 10_000_000);
        assert_eq!(whole.digest(), replayed.digest(), "seed {seed}: replay");
    }
}

/// Recorded commands planned as `Exact` reproduce a run that mixed user
/// commands given between two events at the same instant.
#[test]
fn exact_plans_reproduce_commands_between_events() {
    let seed = 31;
    let net = NetConfig::default();
    let mut live = Sim::new(config(6, seed, net), hb(250));
    live.run_until(1_000_000);
    for _ in 0..11 {
        live.step();
    }
    live.apply(Command::Crash(NodeId(2))).unwrap();
    live.step();
    live.apply(Command::CutLink(NodeId(0), NodeId(4))).unwrap();
    live.run_until(5_000_000);
    let mut again = Sim::new(config(6, seed, net), hb(250));
    again.plan(live.commands().iter().cloned().map(Planned::Exact));
    // Driven one step at a time, as the page's Step button does.
    while again.now() < 5_000_000 && again.next_event_time().is_some_and(|t| t <= 5_000_000) {
        again.step();
    }
    again.run_until(5_000_000);
    assert_eq!(live.commands(), again.commands(), "seed {seed}");
    assert_eq!(live.digest(), again.digest(), "seed {seed}");
}

/// A hand on single messages: drop, delay and duplicate one copy in flight,
/// each a recorded command that replays exactly and reads back from words.
#[test]
fn a_message_in_flight_can_be_dropped_delayed_or_duplicated_by_hand() {
    for seed in 0u64..8 {
        let cfg = || SimConfig {
            trace_ring: 0,
            trace_all: true,
            ..config(4, seed, NetConfig::default())
        };
        let mut sim = Sim::new(cfg(), hb(300));
        sim.run_until(700_000);
        let pick = |sim: &Sim<Heartbeat>, k: usize| {
            let now = sim.now();
            let f = sim
                .flights()
                .filter(|f| f.lost.is_none() && f.arrive > now)
                .nth(k)
                .unwrap_or_else(|| panic!("seed {seed}: a message in flight"));
            (f.id, f.dup, f.arrive)
        };
        let (a, a_dup, _) = pick(&sim, 0);
        let (b, b_dup, b_arrive) = pick(&sim, 1);
        let (c, c_dup, _) = pick(&sim, 2);
        sim.apply(Command::Tamper {
            id: a,
            dup: a_dup,
            action: Tamper::Drop,
        })
        .unwrap();
        sim.apply(Command::Tamper {
            id: b,
            dup: b_dup,
            action: Tamper::Delay(400_000),
        })
        .unwrap();
        sim.apply(Command::Tamper {
            id: c,
            dup: c_dup,
            action: Tamper::Duplicate,
        })
        .unwrap();
        // Tampering with what is no longer in flight is refused.
        assert!(
            sim.apply(Command::Tamper {
                id: a,
                dup: a_dup,
                action: Tamper::Drop
            })
            .is_err(),
            "seed {seed}"
        );
        sim.run_until(3_000_000);
        let all = sim.trace().all().unwrap();
        let delivered = |id: u64| {
            all.iter()
                .filter(|e| matches!(e.kind, TraceKind::Deliver { id: i, .. } if i == id))
                .map(|e| e.time)
                .collect::<Vec<_>>()
        };
        assert!(
            delivered(a).is_empty(),
            "seed {seed}: the dropped message never arrives"
        );
        assert!(all.iter().any(|e| matches!(e.kind, TraceKind::Drop { id, reason: DropReason::ByHand, .. } if id == a)), "seed {seed}");
        assert_eq!(
            delivered(b),
            vec![b_arrive + 400_000],
            "seed {seed}: the delayed one arrives 0.4 s later"
        );
        assert_eq!(
            delivered(c).len(),
            2,
            "seed {seed}: the duplicated one arrives twice"
        );
        // The actions in words read back, and a replay gives the same run.
        let mut running = distsim::params::Settings::default();
        for rc in sim.commands() {
            let words = distsim::scenario::command_words(&rc.cmd);
            let back = distsim::scenario::parse_command(&words, 4, &mut running).unwrap();
            assert_eq!(back, rc.cmd, "seed {seed}: {words}");
        }
        let mut again = Sim::new(cfg(), hb(300));
        again.plan(sim.commands().iter().cloned().map(Planned::Exact));
        again.run_until(3_000_000);
        assert_eq!(
            again.digest(),
            sim.digest(),
            "seed {seed}: the tampered run replays"
        );
    }
}
