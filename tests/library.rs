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

/// Node `i`'s Raft state in `s` (None when down).
fn raft(s: &Sim<Workload>, i: usize) -> Option<RaftState> {
    match s.nodes()[i].state.as_ref() {
        Some(AnyState::Raft(st)) => Some(st.clone()),
        _ => None,
    }
}

/// (node, term) of each node that thinks it leads.
fn raft_leaders(s: &Sim<Workload>) -> Vec<(usize, u64)> {
    (0..s.nodes().len())
        .filter_map(|i| {
            raft(s, i)
                .filter(|st| st.role == Role::Leader)
                .map(|st| (i, st.term))
        })
        .collect()
}

#[test]
fn each_raft_scenario_shows_its_idea() {
    // Basics: one leader, one term, identical committed logs everywhere.
    let (_, s) = run("raft", 12_000_000);
    assert_eq!(raft_leaders(&s), vec![(0, 1)], "n0 leads term 1");
    assert_eq!(s.consensus().elections, 1);
    let logs: Vec<RaftState> = (0..5).map(|i| raft(&s, i).unwrap()).collect();
    let applied = logs.iter().map(|l| l.applied).min().unwrap() as usize;
    assert!(applied >= 25, "commands applied everywhere: {applied}");
    assert!(logs
        .iter()
        .all(|l| l.log[..applied] == logs[0].log[..applied]));
    assert!(s.consensus().safe());

    // Leader crash: a new leader in a later term within the liveness bound
    // the card states (2 × (0.5 s + 0.6 s) + 2 round trips = 2.84 s), holding
    // every committed entry; n0 comes back as a follower and catches up.
    let (_, before) = run("raft-leader-crash", 3_990_000);
    let committed = raft(&before, 0).unwrap().commit;
    let (_, s) = run("raft-leader-crash", 6_840_000);
    let l = raft_leaders(&s);
    assert!(
        l.len() == 1 && l[0].0 != 0 && l[0].1 >= 2,
        "a new leader: {l:?}"
    );
    assert!(raft(&s, l[0].0).unwrap().log.len() as u64 >= committed);
    assert!(matches!(
        s.consensus().leader_liveness(s.now(), 2_840_000),
        Liveness::Held(_)
    ));
    let (_, s) = run("raft-leader-crash", 14_000_000);
    let n0 = raft(&s, 0).unwrap();
    assert_eq!(n0.role, Role::Follower);
    assert!(
        n0.applied > committed + 5,
        "n0 caught up: {} vs {committed}",
        n0.applied
    );
    assert!(s.consensus().safe());

    // Partition: the stale leader in the minority appends but cannot commit;
    // the majority elects and commits; after healing the stale leader gives way.
    let (_, before) = run("raft-partition", 3_990_000);
    let cut_commit = raft(&before, 0).unwrap().commit;
    let (_, s) = run("raft-partition", 11_900_000);
    let n0 = raft(&s, 0).unwrap();
    assert_eq!(n0.role, Role::Leader, "n0 still thinks it leads");
    assert!(
        n0.log.len() as u64 > n0.commit + 5,
        "appending, not committing"
    );
    assert!(n0.commit <= cut_commit + 1);
    let majority = raft_leaders(&s).into_iter().find(|(n, _)| *n >= 2);
    let (m, term) = majority.expect("the majority has a leader");
    assert!(term > 1 && raft(&s, m).unwrap().commit > cut_commit + 5);
    let (_, s) = run("raft-partition", 16_000_000);
    assert_eq!(raft_leaders(&s).len(), 1);
    assert_eq!(
        raft(&s, 0).unwrap().role,
        Role::Follower,
        "the stale leader stepped down"
    );
    assert!(s.consensus().safe());

    // No stable storage: the amnesiac majority elects a second leader of
    // term 1 (election safety), whose log then contradicts what was
    // committed (log matching, state-machine safety).
    let (_, s) = run("raft-no-storage", 12_000_000);
    let first = &s.consensus().first;
    for p in [
        Safety::ElectionSafety,
        Safety::LogMatching,
        Safety::StateMachineSafety,
    ] {
        assert!(first.contains_key(&p), "{p:?}: {first:?}");
    }

    // Vote twice: two leaders in term 1.
    let (_, s) = run("raft-vote-twice", 3_000_000);
    let v = s
        .consensus()
        .first
        .get(&Safety::ElectionSafety)
        .expect("caught");
    assert!(v.what.contains("term 1"), "{}", v.what);
    let (_, s) = run("raft-vote-twice", 10_000_000);
    for p in [Safety::LogMatching, Safety::StateMachineSafety] {
        assert!(s.consensus().first.contains_key(&p), "{p:?}");
    }

    // Split vote: terms without a leader before the first one (term 3).
    let (_, s) = run("raft-split-vote", 3_000_000);
    assert_eq!(s.consensus().elections, 1);
    assert_eq!(s.consensus().leader_term, 3, "two split terms first");
    let (_, s) = run("raft-split-vote", 10_000_000);
    assert!(s.consensus().safe());

    // Commit early: leader completeness, then state-machine safety.
    let (_, s) = run("raft-commit-early", 16_000_000);
    for p in [Safety::LeaderCompleteness, Safety::StateMachineSafety] {
        assert!(s.consensus().first.contains_key(&p), "commit-early {p:?}");
    }
    // Skip the log check: n4 leads with a stale log.
    let (_, s) = run("raft-skip-log-check", 14_000_000);
    for p in [Safety::LeaderCompleteness, Safety::StateMachineSafety] {
        assert!(s.consensus().first.contains_key(&p), "skip-log-check {p:?}");
    }
    // Forget the term: two leaders in term 53 at 12.9 s, then the rest.
    let (_, s) = run("raft-forget-term", 24_000_000);
    let v = s
        .consensus()
        .first
        .get(&Safety::ElectionSafety)
        .expect("forget-term caught");
    assert!(
        v.what.contains("term 53") && (12_800_000..13_000_000).contains(&v.at),
        "{v:?}"
    );
    for p in [Safety::LogMatching, Safety::StateMachineSafety] {
        assert!(s.consensus().first.contains_key(&p), "forget-term {p:?}");
    }
    // ...and correct Raft under the very same restarts is safe.
    let sc = library::get("raft-forget-term").unwrap();
    let mut settings = sc.settings.clone();
    settings.raft.bugs = RaftBugs::default();
    let mut sim = Sim::new(settings.sim_config(), settings.workload());
    sim.plan(sc.plan());
    sim.run_until(24_000_000);
    assert!(sim.consensus().safe(), "{:?}", sim.consensus().first);

    // A lying leader: log matching at once, then state-machine safety.
    let (_, s) = run("raft-byzantine", 2_990_000);
    assert!(s.consensus().safe());
    let (_, s) = run("raft-byzantine", 6_000_000);
    let lm = s
        .consensus()
        .first
        .get(&Safety::LogMatching)
        .expect("log matching caught");
    assert!(lm.at < 3_700_000, "at once: {lm:?}");
    assert!(s
        .consensus()
        .first
        .contains_key(&Safety::StateMachineSafety));

    // FLP: the adversary lets no leader through; terms climb; safety holds.
    let (_, s) = run("raft-flp", 30_000_000);
    assert_eq!(s.consensus().elections, 0);
    assert!((0..5).all(|i| raft(&s, i).unwrap().term > 10));
    assert!(s.consensus().safe());
    assert!(matches!(
        s.consensus().leader_liveness(s.now(), 2_840_000),
        Liveness::Stalled(_)
    ));

    // GST: needless elections before 15 s; after it, one leader for good.
    let (_, s) = run("raft-gst", 15_000_000);
    let before_gst = s.consensus().elections;
    assert!(
        before_gst >= 2,
        "needless elections before GST: {before_gst}"
    );
    let (_, s) = run("raft-gst", 20_000_000);
    let settled = s.consensus().elections;
    let (_, s) = run("raft-gst", 60_000_000);
    assert_eq!(
        s.consensus().elections,
        settled,
        "no election after GST has settled"
    );
    assert_eq!(raft_leaders(&s).len(), 1);
    assert!(s.consensus().safe());
}

/// The key-value service's figures in `s`.
fn kv(s: &Sim<Workload>) -> &KvMetrics {
    s.service()
}

/// Answered in time / resolved over the windows starting in `[from, to)` (µs).
fn avail(m: &KvMetrics, from: Micros, to: Micros) -> f64 {
    let w = m.between(from, to);
    let ok: u32 = w.iter().map(|w| w.ok).sum();
    let all: u32 = w.iter().map(|w| w.ok + w.expired).sum();
    f64::from(ok) / f64::from(all.max(1))
}

#[test]
fn the_service_scenarios_show_their_ideas() {
    const S: Micros = 1_000_000;
    // Availability: 4 s down, every request then misses its deadline; the
    // figure since the start falls below 85%; nothing lost.
    let (_, s) = run("availability", 20 * S);
    let m = kv(&s);
    assert!(
        avail(m, 6 * S, 9 * S) < 0.01,
        "down: {}",
        avail(m, 6 * S, 9 * S)
    );
    assert!(avail(m, 11 * S, 20 * S) > 0.999);
    let a = m.availability().unwrap();
    assert!((0.6..0.85).contains(&a), "since the start: {a}");
    assert_eq!(m.stale, 0);

    // The knee: throughput pinned at capacity (200/s), p99 climbing past
    // the deadline, availability collapsing.
    let (_, s) = run("kv-knee", 40 * S);
    let m = kv(&s);
    let t = m.throughput(10 * S, 40 * S);
    assert!((t - 200.0).abs() < 6.0, "throughput {t}");
    let p99 = |from: Micros| m.between(from, from + S)[0].p99;
    assert!(
        p99(2 * S) < p99(4 * S) && p99(4 * S) < p99(6 * S),
        "climbing"
    );
    // Past the deadline, and held there: requests that waited longer are
    // dropped unserved.
    for t in [15, 25, 35] {
        assert!(
            (1_000_000..1_200_000).contains(&p99(t * S)),
            "{t} s: {}",
            p99(t * S)
        );
    }
    let a = avail(m, 30 * S, 40 * S);
    assert!(a < 0.25, "availability {a}");

    // Sharding: 500/s served by 4 shards, p99 under 150 ms; each near
    // 125/s. One shard at the same load saturates.
    let (sc, s) = run("kv-shard", 30 * S);
    let m = kv(&s);
    let t = m.throughput(5 * S, 30 * S);
    assert!((t - 500.0).abs() < 25.0, "throughput {t}");
    let worst = m
        .between(5 * S, 30 * S)
        .iter()
        .map(|w| w.p99)
        .max()
        .unwrap();
    assert!(worst < 150_000, "p99 up to {worst} µs");
    for i in 0..4 {
        let rate = m.loads[i].arrived as f64 / 30.0;
        assert!((100.0..150.0).contains(&rate), "shard {i}: {rate}/s");
    }
    let mut one = sc.settings.clone();
    one.kv.servers = 1;
    let mut s = Sim::new(one.sim_config(), one.workload());
    s.run_until(30 * S);
    let t = s.service().throughput(10 * S, 30 * S);
    assert!((t - 200.0).abs() < 6.0, "one shard: {t}");
    assert!(s.service().between(25 * S, 30 * S)[0].p99 > 1_000_000);

    // Stateless: a dip while the balancer has not yet suspected w1, then
    // 100% again; no stale read.
    let (_, s) = run("kv-stateless", 20 * S);
    let m = kv(&s);
    assert!(avail(m, 5 * S, 7 * S) < 0.99);
    assert!(avail(m, 7 * S, 20 * S) > 0.999);
    assert_eq!(m.stale, 0);

    // Stateful without stable storage: acknowledged writes are gone.
    let (_, s) = run("kv-stateful", 20 * S);
    let m = kv(&s);
    assert!(
        m.stale > 10 && m.stale_keys.len() >= 8,
        "{} on {:?}",
        m.stale,
        m.stale_keys
    );
    assert!(m.between(0, 6 * S).iter().all(|w| w.stale == 0));

    // Failover: a gap of about a second, then 100%; since the start above
    // 97%; no stale read; one new primary.
    let (_, s) = run("kv-failover", 30 * S);
    let m = kv(&s);
    assert!(avail(m, 6 * S, 8 * S) < 0.99);
    assert!(avail(m, 9 * S, 30 * S) > 0.999);
    assert!(m.availability().unwrap() > 0.98);
    let (_, low) = run("kv-failover", 9 * S);
    let a = kv(&low).availability().unwrap();
    assert!((0.95..0.98).contains(&a), "about 97% after the dip: {a}");
    assert_eq!(m.stale, 0);
    let failovers = m
        .marks
        .iter()
        .filter(|k| matches!(k.kind, kv::MarkKind::Failover { node: 1, .. }) && k.at > 6 * S)
        .count();
    assert_eq!(failovers, 1);

    // Two primaries: from about 6.4 s until the heal at 14 s; stale reads;
    // node 0 steps down after the heal.
    let (_, s) = run("kv-two-primaries", 20 * S);
    let m = kv(&s);
    let first = m.first_two_primaries.expect("two primaries");
    assert!((6 * S..7 * S).contains(&first), "{first}");
    let two = m.two_primaries_until(20 * S);
    assert!((7 * S..9 * S).contains(&two), "{two}");
    assert!(m.stale > 0);
    match s.nodes()[0].state.as_ref() {
        Some(AnyState::Kv(st)) => assert_eq!(st.primary, Some(1)),
        other => panic!("{other:?}"),
    }

    // Batching: 600/s in time at about 0.3 messages per request, p99
    // under 200 ms; unbatched, the 50-message links collapse availability.
    let (sc, s) = run("kv-batching", 30 * S);
    let m = kv(&s);
    let t = m.throughput(10 * S, 30 * S);
    assert!((t - 600.0).abs() < 30.0, "{t}");
    assert!(avail(m, 10 * S, 30 * S) > 0.999);
    let mpr = m.msgs_per_request(10 * S, 30 * S).unwrap();
    assert!(mpr < 0.5, "{mpr}");
    assert!(m.between(10 * S, 30 * S).iter().all(|w| w.p99 < 200_000));
    let mut one = sc.settings.clone();
    one.kv.batch = 1;
    let mut s = Sim::new(one.sim_config(), one.workload());
    s.run_until(30 * S);
    assert!(avail(s.service(), 10 * S, 30 * S) < 0.1);
    assert!(
        s.service().loads[0].mean_len(30 * S) < 1.0,
        "the server is mostly idle"
    );

    // Quorums: R = W = 1 of N = 3 reads stale; R = W = 2 does not.
    let (sc, s) = run("kv-quorum-stale", 20 * S);
    assert!(kv(&s).stale > 5, "{}", kv(&s).stale);
    let mut fixed = sc.settings.clone();
    fixed.kv.read_quorum = 2;
    fixed.kv.write_quorum = 2;
    let mut s = Sim::new(fixed.sim_config(), fixed.workload());
    s.run_until(20 * S);
    assert_eq!(s.service().stale, 0);
    assert!(s.service().reads_ok > 1000);
}

#[test]
fn scale_and_swim_show_their_costs() {
    const S: Micros = 1_000_000;
    // All-to-all: 60 × 59 pings and as many pongs a second.
    let (_, s) = run("scale", 20 * S);
    let rate = s.stats().sent as f64 / 20.0;
    assert!(
        (rate - 7080.0).abs() < 7080.0 * 0.03,
        "all-to-all: {rate}/s"
    );
    // SWIM: about 2 per node per second; node 7's crash is confirmed by
    // everyone within 30 s; nobody live is suspected.
    let (_, s) = run("scale-swim", 9 * S);
    let rate = s.stats().sent as f64 / 9.0;
    assert!((rate - 120.0).abs() < 12.0, "SWIM: {rate}/s");
    let (_, s) = run("scale-swim", 40 * S);
    let q = s.detector_metrics();
    assert!(q.complete() && q.accurate_now());
    let d = &q.detections[0];
    let t = d.detection_time(q.up()).expect("detected by all");
    assert!(t < 30 * S, "detected by all after {t} µs");
    for i in (0..60).filter(|&i| i != 7) {
        match s.nodes()[i].state.as_ref() {
            Some(AnyState::Swim(st)) => assert_eq!(st.members[7].status, swim::Status::Dead),
            other => panic!("{other:?}"),
        }
    }
}

/// A library scenario run with every trace event kept.
fn run_traced(id: &str, until: Micros) -> Sim<Workload> {
    let sc = library::get(id).unwrap();
    let mut config = sc.settings.sim_config();
    config.trace_all = true;
    let mut sim = Sim::new(config, sc.settings.workload());
    sim.plan(sc.plan());
    sim.run_until(until);
    sim
}

#[test]
fn the_fallacy_and_failure_scenarios_show_what_their_texts_say() {
    const S: Micros = 1_000_000;

    // Latency: every message takes 50 ms to 2 s, about 300 ms on average,
    // and on some link a later message arrives before an earlier one.
    let s = run_traced("latency", 30 * S);
    let mut flights = Vec::new();
    for e in s.trace().all().unwrap() {
        if let TraceKind::Send {
            from,
            to,
            depart,
            arrive,
            lost: None,
            ..
        } = e.kind
        {
            flights.push((from, to, depart, arrive));
        }
    }
    assert!(flights.len() > 500);
    assert!(flights
        .iter()
        .all(|f| (50_000..=2_000_000).contains(&(f.3 - f.2))));
    let mean = flights.iter().map(|f| (f.3 - f.2) as f64).sum::<f64>() / flights.len() as f64;
    assert!(
        (mean - 300_000.0).abs() < 30_000.0,
        "mean latency {mean} µs"
    );
    let overtakes = flights
        .iter()
        .enumerate()
        .filter(|(i, a)| {
            flights[i + 1..]
                .iter()
                .take(200)
                .any(|b| (b.0, b.1) == (a.0, a.1) && b.2 > a.2 && b.3 < a.3)
        })
        .count();
    assert!(overtakes > 20, "messages that were overtaken: {overtakes}");

    // Clocks: offsets up to 0.8 s and drifts up to 5%, and the node whose
    // clock runs fastest sends heartbeats more often than the slowest.
    let s = run_traced("clocks", 60 * S);
    let clocks: Vec<_> = s.nodes().iter().map(|n| n.clock).collect();
    assert!(clocks
        .iter()
        .all(|c| c.offset_us.abs() <= 800_000 && c.drift_ppm.abs() <= 50_000));
    let spread = clocks.iter().map(|c| c.drift_ppm).max().unwrap()
        - clocks.iter().map(|c| c.drift_ppm).min().unwrap();
    assert!(spread > 30_000, "drifts differ: {clocks:?}");
    let fast = (0..5).max_by_key(|&i| clocks[i].drift_ppm).unwrap();
    let slow = (0..5).min_by_key(|&i| clocks[i].drift_ppm).unwrap();
    let rounds = |i: usize| match s.nodes()[i].state.as_ref() {
        Some(AnyState::Hb(st)) => st.round,
        _ => 0,
    };
    assert!(
        rounds(fast) > rounds(slow) + 1,
        "fast n{fast}: {} rounds, slow n{slow}: {}",
        rounds(fast),
        rounds(slow)
    );

    // Byzantine: from 3 s node 1's pings are marked deviant and carry
    // different round numbers to different peers; a victim acts on what
    // it was told (its pong echoes a number only the liar sent).
    let s = run_traced("byzantine", 10 * S);
    let mut before = 0;
    let mut seen: std::collections::BTreeMap<u64, std::collections::BTreeSet<u64>> =
        Default::default();
    let mut echoed = false;
    for e in s.trace().all().unwrap() {
        match &e.kind {
            TraceKind::Send {
                from: NodeId(1),
                msg: AnyMsg::Hb(HbMsg::Ping { seq }),
                deviant,
                ..
            } => {
                if e.time < 3 * S {
                    before += u32::from(*deviant);
                } else if *deviant {
                    seen.entry(e.time).or_default().insert(*seq);
                }
            }
            TraceKind::Send {
                from,
                to: NodeId(1),
                msg: AnyMsg::Hb(HbMsg::Pong { seq }),
                ..
            } if from.0 != 1 && *seq >= 1000 => echoed = true,
            _ => {}
        }
    }
    assert_eq!(before, 0, "honest before 3 s");
    assert!(
        seen.values().any(|v| v.len() == 4),
        "one broadcast, four different values: {seen:?}"
    );
    assert!(echoed, "a victim answered the value it was told");

    // Phi: after node 3 crashes at 8 s, node 0's phi of it only climbs,
    // and passes the threshold 8 within a few seconds; everyone suspects it.
    let sc = library::get("phi").unwrap();
    let mut s = Sim::new(sc.settings.sim_config(), sc.settings.workload());
    s.plan(sc.plan());
    let Workload::Heartbeat(Heartbeat {
        detector: Some(kind),
        ..
    }) = s.protocol().clone()
    else {
        panic!("phi runs a detector")
    };
    let mut last = 0.0;
    let mut crossed = None;
    let mut t = 8 * S + 100_000;
    while t < 14 * S {
        s.run_until(t);
        let node = &s.nodes()[0];
        let Some(AnyState::Hb(st)) = node.state.as_ref() else {
            panic!("n0 is up")
        };
        let level = st.fd[3].level(node.clock.local_at(t), &kind);
        assert!(level >= last, "phi fell at {t}: {last} → {level}");
        if level >= 8.0 && crossed.is_none() {
            crossed = Some(t);
        }
        last = level;
        t += 100_000;
    }
    let crossed = crossed.expect("phi passed 8");
    assert!((11 * S..14 * S).contains(&crossed), "crossed at {crossed}");
    assert!((0..5)
        .filter(|&o| o != 3)
        .all(|o| s.detector_metrics().suspects(o, 3)));

    // Idempotence: retries deliver duplicates; one applied right after its
    // original changes nothing, a late one overwrites a newer value.
    let s = run_traced("idempotent", 60 * S);
    assert!(
        s.metrics().duplicates_delivered > 0,
        "retries made duplicates"
    );
    let mut last: Option<(u32, u64)> = None;
    let mut applied = std::collections::BTreeSet::new();
    let (mut harmless, mut overwrote) = (0, 0);
    for e in s.trace().all().unwrap() {
        if let TraceKind::Note {
            note: Note::Applied { client, req },
            ..
        } = e.kind
        {
            // Request `req` sets the register to req + 1.
            if !applied.insert((client, req)) {
                if last == Some((client, req)) {
                    harmless += 1;
                } else if last.is_some_and(|(_, r)| r != req) {
                    overwrote += 1;
                }
            }
            last = Some((client, req));
        }
    }
    assert!(harmless > 0, "a duplicate right after its original");
    assert!(overwrote > 0, "a late duplicate over a newer write");
}
