//! Native tests of the key-value service: its figures obey queueing theory
//! (throughput is min(offered, capacity); Little's law on every queue), its
//! availability is what the trace says, quorums that intersect never return
//! stale reads over many seeds and fault schedules, and each layout shows
//! what it is for. Every randomized test names its seed on failure.

use distsim::sim::kv;
use distsim::sim::*;

const S: Micros = 1_000_000;

fn lan() -> NetConfig {
    NetConfig {
        latency: LatencyModel::Uniform {
            min: 5_000,
            max: 20_000,
        },
        ..NetConfig::default()
    }
}

fn sim(nodes: u32, seed: u64, net: NetConfig, kv: Kv, trace_all: bool) -> Sim<Kv> {
    Sim::new(
        SimConfig {
            nodes,
            seed,
            net,
            clocks: ClockConfig::default(),
            trace_ring: 1024,
            trace_all,
        },
        kv,
    )
}

fn single(load: u32) -> Kv {
    Kv {
        load,
        ..Kv::default()
    }
}

#[test]
fn throughput_is_the_offered_load_below_capacity_and_the_capacity_above() {
    // One server at 5 ms a request serves at most 200 a second.
    for (seed, load, expect, tol) in [(1u64, 100u32, 100.0, 0.08), (2, 400, 200.0, 0.03)] {
        let mut s = sim(5, seed, lan(), single(load), false);
        s.run_until(40 * S);
        let m = s.service();
        let got = m.throughput(10 * S, 40 * S);
        assert!(
            (got - expect).abs() <= expect * tol,
            "seed {seed}, load {load}/s: throughput {got:.1}/s, expected {expect} ± {}%",
            tol * 100.0
        );
    }
}

#[test]
fn latency_explodes_past_the_knee() {
    let p99 = |load: u32| {
        let mut s = sim(5, 3, lan(), single(load), false);
        s.run_until(30 * S);
        let w = s.service().between(20 * S, 30 * S);
        w.iter().map(|w| w.p99).max().unwrap_or(0)
    };
    let (light, busy, over) = (p99(60), p99(180), p99(300));
    // Light: two network hops plus service; near the knee: queueing; over
    // it: the queue grows without bound and requests miss the deadline.
    assert!(light < 60_000, "p99 at 60/s: {light} µs");
    assert!(
        busy > 2 * light,
        "p99 at 180/s {busy} µs vs 60/s {light} µs"
    );
    let mut s = sim(5, 3, lan(), single(300), false);
    s.run_until(30 * S);
    let w = s.service().between(20 * S, 30 * S);
    let avail: f64 = w.iter().filter_map(|w| w.availability()).sum::<f64>() / w.len() as f64;
    assert!(over >= busy, "p99 over capacity {over} µs");
    assert!(avail < 0.5, "availability over capacity: {avail:.2}");
}

#[test]
fn littles_law_holds_on_the_measured_queue() {
    for seed in [1u64, 2, 3, 4] {
        let mut s = sim(5, seed, lan(), single(150), false);
        let end = 60 * S;
        s.run_until(end);
        let ld = &s.service().loads[0];
        let l = ld.mean_len(end);
        let lambda = ld.arrived as f64 / end as f64;
        let w = ld.mean_sojourn();
        let rel = (l - lambda * w).abs() / l;
        assert!(
            rel < 0.10,
            "seed {seed}: L = {l:.3}, λW = {:.3} ({:.1}% off)",
            lambda * w,
            rel * 100.0
        );
        // And it is a busy queue, not an empty one: ρ = 150 × 5 ms = 0.75.
        assert!((0.5..10.0).contains(&l), "seed {seed}: L = {l}");
    }
}

#[test]
fn availability_is_what_the_trace_says() {
    let mut s = sim(6, 7, lan(), single(150), true);
    s.run_until(5 * S);
    s.apply(Command::CrashRecover {
        node: NodeId(0),
        after: 3 * S,
        stable: true,
    })
    .unwrap();
    s.run_until(20 * S);
    let (mut ok, mut expired) = (0u64, 0u64);
    for e in s.trace().all().unwrap() {
        if let TraceKind::Note { note, .. } = e.kind {
            match note {
                Note::KvReplied { late: false, .. } => ok += 1,
                Note::KvExpired { .. } => expired += 1,
                _ => {}
            }
        }
    }
    let m = s.service();
    assert_eq!((m.ok, m.expired), (ok, expired));
    assert!(
        expired > 0,
        "a 3 s outage makes some requests miss their deadline"
    );
    let a = m.availability().unwrap();
    assert!((a - ok as f64 / (ok + expired) as f64).abs() < 1e-12);
    let per_window: u64 = m
        .windows
        .iter()
        .map(|w| u64::from(w.ok + w.expired))
        .sum::<u64>()
        + u64::from(m.current().ok + m.current().expired);
    assert_eq!(
        per_window,
        ok + expired,
        "every outcome is in exactly one window"
    );
}

fn quorum(r: u32, w: u32) -> Kv {
    Kv {
        layout: Layout::Quorum,
        servers: 1,
        replicas: 3,
        read_quorum: r,
        write_quorum: w,
        load: 200,
        keys: 8,
        reads: 60,
        service: 1_000,
        ..Kv::default()
    }
}

/// A random fault schedule: replicas crash and come back (with their
/// data), links are cut and healed, messages are lost.
fn faults(s: &mut Sim<Kv>, seed: u64, until: Micros) {
    let mut rng = SimRng::new(seed ^ 0xFA17);
    let mut t = 0;
    while t < until {
        t += rng.range_inclusive(S / 2, 3 * S);
        s.run_until(t);
        let node = NodeId(rng.range_inclusive(0, 2) as u32);
        let _ = match rng.range_inclusive(0, 2) {
            0 => s.apply(Command::CrashRecover {
                node,
                after: rng.range_inclusive(S / 10, 2 * S),
                stable: true,
            }),
            1 => s.apply(Command::CutLink(
                node,
                NodeId(3 + rng.range_inclusive(0, 2) as u32),
            )),
            _ => s.apply(Command::HealAll),
        };
    }
}

#[test]
fn intersecting_quorums_never_read_stale_over_many_seeds_and_faults() {
    // Lossy, reordering, widely varying: the network that makes R=W=1 stale.
    let net = NetConfig {
        loss: 0.05,
        reorder: true,
        latency: LatencyModel::Uniform {
            min: 5_000,
            max: 150_000,
        },
        ..NetConfig::default()
    };
    for seed in 1..=40u64 {
        for (r, w) in [(2, 2), (1, 3), (3, 1)] {
            let mut s = sim(6, seed, net, quorum(r, w), false);
            faults(&mut s, seed, 20 * S);
            s.run_until(22 * S);
            let m = s.service();
            assert!(
                m.reads_ok > 100,
                "seed {seed} R={r} W={w}: {} reads",
                m.reads_ok
            );
            assert_eq!(
                m.stale, 0,
                "seed {seed}, R={r} W={w} (R+W > N=3): a read older than an acknowledged write"
            );
        }
    }
}

#[test]
fn quorums_that_do_not_intersect_read_stale_data() {
    // Messages take 5 to 150 ms and links are not FIFO: a read can reach a
    // replica before the write it follows.
    let net = NetConfig {
        latency: LatencyModel::Uniform {
            min: 5_000,
            max: 150_000,
        },
        reorder: true,
        ..NetConfig::default()
    };
    let mut stale = 0;
    for seed in 1..=5u64 {
        let mut s = sim(6, seed, net, quorum(1, 1), false);
        s.run_until(20 * S);
        stale += s.service().stale;
    }
    assert!(stale > 0, "R=1 W=1 N=3 read no stale data in 5 seeds");
}

fn mean_availability(m: &KvMetrics, from: Micros, to: Micros) -> f64 {
    let w = m.between(from, to);
    let (ok, all) = w.iter().fold((0u64, 0u64), |(o, a), w| {
        (o + u64::from(w.ok), a + u64::from(w.ok + w.expired))
    });
    ok as f64 / all.max(1) as f64
}

#[test]
fn sharding_scales_throughput_with_the_shards() {
    // 1,200 requests a second; each server does at most 200.
    let run = |shards: u32| {
        let kv = Kv {
            layout: Layout::Sharded,
            servers: shards,
            load: 1200,
            ..Kv::default()
        };
        let mut s = sim(shards + 4, 11, lan(), kv, false);
        s.run_until(20 * S);
        s.service().throughput(10 * S, 20 * S)
    };
    let (one, two, eight) = (run(1), run(2), run(8));
    assert!((one - 200.0).abs() < 10.0, "1 shard: {one:.0}/s");
    assert!((two - 400.0).abs() < 20.0, "2 shards: {two:.0}/s");
    assert!(
        (eight - 1200.0).abs() < 60.0,
        "8 shards: {eight:.0}/s (offered 1200)"
    );
}

#[test]
fn a_crashed_stateless_worker_loses_no_data() {
    for seed in [1u64, 2, 3] {
        let kv = Kv {
            layout: Layout::Stateless,
            servers: 3,
            load: 150,
            keys: 16,
            ..Kv::default()
        };
        let mut s = sim(8, seed, lan(), kv, false);
        s.run_until(10 * S);
        s.apply(Command::Crash(NodeId(3))).unwrap();
        s.run_until(30 * S);
        let m = s.service();
        assert_eq!(m.stale, 0, "seed {seed}: a worker's crash lost a write");
        let after = mean_availability(m, 13 * S, 30 * S);
        assert!(
            after > 0.999,
            "seed {seed}: availability after detection {after:.4}"
        );
        let during = mean_availability(m, 10 * S, 13 * S);
        assert!(
            during < 1.0,
            "seed {seed}: the crash cost nothing? {during}"
        );
    }
}

#[test]
fn a_stateful_servers_crash_loses_its_keys() {
    let kv = Kv {
        load: 100,
        keys: 16,
        ..Kv::default()
    };
    let mut s = sim(5, 4, lan(), kv.clone(), false);
    s.run_until(10 * S);
    s.apply(Command::CrashRecover {
        node: NodeId(0),
        after: S,
        stable: false,
    })
    .unwrap();
    s.run_until(20 * S);
    let m = s.service();
    assert!(
        m.stale_keys.len() >= 8,
        "without stable storage, reads find acknowledged writes gone: {} keys",
        m.stale_keys.len()
    );
    // The same crash with the data on disk loses nothing.
    let mut s = sim(5, 4, lan(), kv, false);
    s.run_until(10 * S);
    s.apply(Command::CrashRecover {
        node: NodeId(0),
        after: S,
        stable: true,
    })
    .unwrap();
    s.run_until(20 * S);
    assert_eq!(s.service().stale, 0);
}

fn replicated(load: u32) -> Kv {
    Kv {
        layout: Layout::Replicated,
        servers: 1,
        replicas: 3,
        load,
        keys: 16,
        ..Kv::default()
    }
}

#[test]
fn replication_keeps_the_data_and_fails_over_when_the_primary_crashes() {
    for seed in [1u64, 2, 3, 4, 5] {
        let mut s = sim(7, seed, lan(), replicated(100), false);
        s.run_until(10 * S);
        s.apply(Command::Crash(NodeId(0))).unwrap();
        s.run_until(30 * S);
        let m = s.service();
        assert_eq!(
            m.stale, 0,
            "seed {seed}: failover lost an acknowledged write"
        );
        let failovers: Vec<_> = m
            .marks
            .iter()
            .filter(|k| matches!(k.kind, kv::MarkKind::Failover { .. }) && k.at > 10 * S)
            .collect();
        assert_eq!(failovers.len(), 1, "seed {seed}: {failovers:?}");
        // The detector's timeout (400 ms) plus a round trip: a gap, then back.
        let gap = failovers[0].at - 10 * S;
        assert!(
            (400_000..1_500_000).contains(&gap),
            "seed {seed}: failover after {gap} µs"
        );
        assert!(
            mean_availability(m, 10 * S, 12 * S) < 1.0,
            "seed {seed}: no dip"
        );
        let after = mean_availability(m, 14 * S, 30 * S);
        assert!(
            after > 0.999,
            "seed {seed}: availability after failover {after:.4}"
        );
        assert_eq!(m.two_primaries_until(30 * S), 0, "seed {seed}");
    }
}

#[test]
fn a_wrong_suspicion_makes_two_primaries() {
    let mut s = sim(7, 1, lan(), replicated(150), false);
    s.run_until(10 * S);
    // The primary is cut off from its backups but not from the clients:
    // the backups suspect it wrongly; n1 takes over; clients still reach n0.
    s.apply(Command::CutLink(NodeId(0), NodeId(1))).unwrap();
    s.apply(Command::CutLink(NodeId(0), NodeId(2))).unwrap();
    s.run_until(20 * S);
    s.apply(Command::HealAll).unwrap();
    s.run_until(30 * S);
    let m = s.service();
    let two = m.two_primaries_until(30 * S);
    assert!(two > 5 * S, "two primaries for {two} µs");
    assert!(m.first_two_primaries.unwrap() < 11 * S);
    assert!(
        m.stale > 0,
        "the split primaries served reads missing each other's writes"
    );
    // Healed, the old primary hears the new epoch and steps down.
    let now: Vec<u32> = (0..3)
        .filter(|&i| {
            s.nodes()[i as usize]
                .state
                .as_ref()
                .is_some_and(|st| st.primary == Some(i))
        })
        .collect();
    assert_eq!(now, vec![1], "after healing");
}

#[test]
fn a_size_sweep_scales_and_a_load_sweep_finds_the_knee() {
    use distsim::sim::kv::sweep::{Sweep, SweepAxis};
    let config = SimConfig {
        nodes: 0,
        seed: 1,
        net: lan(),
        clocks: ClockConfig::default(),
        trace_ring: 64,
        trace_all: false,
    };
    let base = Kv {
        layout: Layout::Sharded,
        load: 2000,
        ..Kv::default()
    };
    let mut sweep = Sweep::new(SweepAxis::Servers, base.clone(), config.clone(), 8, 20 * S);
    let mut slices = 0;
    while !sweep.step(20_000) {
        slices += 1;
        assert!(sweep.progress() < 1.0);
    }
    assert!(slices > 5, "done in slices, not at once: {slices}");
    let t: Vec<f64> = sweep.points.iter().map(|p| p.throughput).collect();
    // 200/s per shard until the offered 2000/s.
    for (p, want) in sweep
        .points
        .iter()
        .zip([200.0, 400.0, 800.0, 1600.0, 2000.0])
    {
        assert!(
            (p.throughput - want).abs() < want * 0.05,
            "{} shards: {:?}",
            p.x,
            t
        );
    }
    assert!(sweep.points[4].p99 < 200_000 && sweep.points[0].p99 > 1_000_000);
    // The same sweep again gives the same numbers: deterministic.
    let mut again = Sweep::new(SweepAxis::Servers, base.clone(), config.clone(), 8, 20 * S);
    while !again.step(1_000_000) {}
    assert_eq!(again.points, sweep.points);

    // Load: throughput follows the offered load up to capacity (4 shards:
    // 800/s), then stays; p99 grows past the knee.
    let mut load = Sweep::new(
        SweepAxis::Load,
        Kv { servers: 4, ..base },
        config,
        8,
        20 * S,
    );
    while !load.step(1_000_000) {}
    let xs = load.xs().to_vec();
    assert_eq!(xs, vec![160, 320, 480, 640, 720, 800, 880, 1040]);
    for p in &load.points[..4] {
        assert!(
            (p.throughput - f64::from(p.x)).abs() < f64::from(p.x) * 0.05,
            "{p:?}"
        );
    }
    let last = load.points.last().unwrap();
    assert!((last.throughput - 800.0).abs() < 40.0, "{last:?}");
    assert!(last.p99 > 10 * load.points[0].p99, "{:?}", load.points);
}

#[test]
fn least_outstanding_routes_around_a_straggler_that_round_robin_feeds() {
    // Three workers, one of them (node 2, worker 0) ten times slower.
    let run = |balance: Balance| {
        let kv = Kv {
            layout: Layout::Stateless,
            servers: 3,
            load: 300,
            slow: Some((2, 10)),
            balance,
            ..Kv::default()
        };
        let mut s = sim(9, 5, lan(), kv, false);
        s.run_until(30 * S);
        let m = s.service();
        let p99 = m
            .between(10 * S, 30 * S)
            .iter()
            .map(|w| w.p99)
            .max()
            .unwrap();
        (p99, mean_availability(m, 10 * S, 30 * S))
    };
    let (rr, rr_avail) = run(Balance::RoundRobin);
    let (lo, lo_avail) = run(Balance::LeastOutstanding);
    // Round robin sends the straggler a third of the load (100/s), twice
    // what it can serve (50/s): its queue grows and its third times out.
    assert!(rr_avail < 0.8, "round robin: availability {rr_avail}");
    assert!(
        lo_avail > 0.99,
        "least outstanding: availability {lo_avail}"
    );
    // Least outstanding equalises the counts, not the waits: the straggler
    // still holds as many as the others, each ten times longer.
    assert!(
        lo < rr,
        "p99: least outstanding {lo} µs vs round robin {rr} µs"
    );
}

#[test]
fn batching_trades_latency_for_messages() {
    // Links that carry 50 messages a second each; 4 clients offering 600
    // requests a second in all (150 per client link); a server that can do
    // 1,000 a second.
    let net = NetConfig {
        bandwidth: Some(50),
        ..lan()
    };
    let run = |batch: u32, net: NetConfig| {
        let kv = Kv {
            load: 600,
            service: 1_000,
            batch,
            linger: 50_000,
            ..Kv::default()
        };
        let mut s = sim(5, 2, net, kv, false);
        s.run_until(30 * S);
        let m = s.service();
        (
            m.throughput(10 * S, 30 * S),
            m.msgs_per_request(10 * S, 30 * S).unwrap_or(f64::INFINITY),
            m.between(10 * S, 30 * S)
                .iter()
                .map(|w| w.p99)
                .max()
                .unwrap(),
            mean_availability(m, 10 * S, 30 * S),
        )
    };
    // One request per message: the links saturate, messages queue at the
    // senders, answers come late.
    let (t1, m1, _, a1) = run(1, net);
    assert!(
        a1 < 0.1,
        "unbatched: availability {a1:.3}, throughput {t1:.0}, {m1:.2} msgs/request"
    );
    // Eight: a few messages a second per link; everything in time.
    let (t8, m8, p8, a8) = run(8, net);
    assert!((t8 - 600.0).abs() < 30.0, "batched: throughput {t8:.0}");
    assert!(a8 > 0.999, "batched: availability {a8:.4}");
    assert!(m8 < 0.5, "batched: {m8:.2} messages per request");
    // Without the bandwidth limit batching only costs: up to the linger
    // (50 ms) more latency for far fewer messages.
    let (_, m1f, p1f, _) = run(1, lan());
    let (_, m8f, p8f, _) = run(8, lan());
    assert!(
        (m1f - 2.0).abs() < 0.05,
        "unbatched: {m1f:.2} messages per request"
    );
    assert!(
        m8f < 0.5 && p8f > p1f + 20_000,
        "p99 {p1f} µs unbatched, {p8f} µs batched"
    );
    assert!(p8 < 200_000, "batched p99 {p8} µs");
}
