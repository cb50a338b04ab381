//! Native tests of Raft on the simulator: it elects, replicates and commits;
//! over many seeds and random fault schedules its four safety properties hold;
//! each breakable variant is caught by the monitor; the failure detector
//! drives elections. Every randomized test names its seed on failure.

use distsim::sim::*;

fn config(nodes: u32, seed: u64, net: NetConfig) -> SimConfig {
    SimConfig {
        nodes,
        seed,
        net,
        clocks: ClockConfig::default(),
        trace_ring: 4096,
        trace_all: false,
    }
}

/// A Raft run; its safety monitor is the simulator's (fed every note as it
/// is made, with the node's log right after).
struct Run {
    sim: Sim<Raft>,
}

impl Run {
    fn new(nodes: u32, seed: u64, net: NetConfig, raft: Raft) -> Self {
        Run {
            sim: Sim::new(config(nodes, seed, net), raft),
        }
    }

    fn run_until(&mut self, t: Micros) {
        self.sim.run_until(t);
    }

    fn mon(&self) -> &RaftMonitor {
        self.sim.consensus()
    }

    fn leaders(&self) -> Vec<(u32, u64)> {
        self.sim
            .nodes()
            .iter()
            .enumerate()
            .filter_map(|(i, n)| {
                n.state
                    .as_ref()
                    .filter(|s| s.role == Role::Leader)
                    .map(|s| (i as u32, s.term))
            })
            .collect()
    }
}

fn quiet() -> NetConfig {
    NetConfig::default()
}

#[test]
fn a_leader_is_elected_and_every_node_applies_the_same_commands() {
    for seed in 0u64..20 {
        let mut r = Run::new(5, seed, quiet(), Raft::default());
        r.run_until(10_000_000);
        assert!(r.mon().safe(), "seed {seed}: {:?}", r.mon().first);
        let leaders = r.leaders();
        assert_eq!(leaders.len(), 1, "seed {seed}: one leader, {leaders:?}");
        // A follower that has not heard the new leader yet may still stand
        // once (its first timeout is a plain one): at most one more election.
        assert!(
            r.mon().elections <= 2,
            "seed {seed}: {} elections",
            r.mon().elections
        );
        // About 10 s / 0.4 s commands, all applied everywhere but the last few.
        let logs: Vec<&RaftState> = r
            .sim
            .nodes()
            .iter()
            .filter_map(|n| n.state.as_ref())
            .collect();
        let applied: Vec<u64> = logs.iter().map(|s| s.applied).collect();
        assert!(
            applied.iter().all(|&a| a >= 15),
            "seed {seed}: applied {applied:?}"
        );
        let shortest = *applied.iter().min().unwrap() as usize;
        for s in &logs {
            assert_eq!(
                s.log[..shortest],
                logs[0].log[..shortest],
                "seed {seed}: same prefix"
            );
        }
    }
}

#[test]
fn a_crashed_leader_is_replaced_within_the_detector_time_plus_the_election_jitter() {
    let mut times = Vec::new();
    for seed in 0u64..40 {
        let raft = Raft::default();
        let mut r = Run::new(5, seed, quiet(), raft);
        r.run_until(3_000_000);
        let (old, term) = r.leaders()[0];
        assert!(
            matches!(
                r.mon().leader_liveness(r.sim.now(), 2_000_000),
                Liveness::Held(_)
            ),
            "seed {seed}"
        );
        r.sim.apply(Command::Crash(NodeId(old))).unwrap();
        let crash = r.sim.now();
        assert_eq!(
            r.mon().leader_liveness(crash, 2_000_000),
            Liveness::NotYet(0),
            "seed {seed}: the leader is lost"
        );
        // Detector timeout 0.4 s + jitter < 0.6 s + a round trip or two
        // (< 0.4 s); a split vote costs another timeout: allow 3 s.
        let mut when = None;
        while r.sim.now() < crash + 3_000_000 {
            let t = r.sim.now() + 10_000;
            r.run_until(t);
            if let Some(&(n, t)) = r.leaders().iter().find(|(n, _)| *n != old) {
                assert!(t > term, "seed {seed}: a later term");
                when = Some(r.sim.now() - crash);
                let _ = n;
                break;
            }
        }
        let when = when.unwrap_or_else(|| panic!("seed {seed}: no new leader within 3 s"));
        // The liveness monitor saw the same: held, in (at most) that long.
        match r.mon().leader_liveness(r.sim.now(), 3_000_000) {
            Liveness::Held(took) => assert!(took <= when, "seed {seed}: took {took} > {when}"),
            other => panic!("seed {seed}: {other:?}"),
        }
        assert!(
            when >= 300_000,
            "seed {seed}: not before the detector could suspect ({when} µs)"
        );
        times.push(when);
        r.run_until(r.sim.now() + 3_000_000);
        assert!(r.mon().safe(), "seed {seed}: {:?}", r.mon().first);
    }
    // Typically: the last heartbeat's age at the crash (< 0.1 s) + 0.4 s +
    // half the jitter (0.3 s) + a round trip: the median under 1.2 s.
    times.sort_unstable();
    assert!(
        times[20] < 1_200_000,
        "median time to a new leader {} µs",
        times[20]
    );
}

/// A random fault schedule for `n` nodes over (1 s, 15 s): crash-stops (of
/// a minority), crashes with restarts from stable storage (`stable`: with
/// it, as correct Raft assumes), partitions and healing, lossy, duplicating
/// and reordering spells.
fn faults(rng: &mut SimRng, n: u32, stable: bool, churn: bool) -> Vec<(Micros, Command)> {
    let mut out = Vec::new();
    if churn {
        // Quick restarts, many: a node may come back during an election
        // it already voted in.
        for _ in 0..40 {
            let node = NodeId(rng.range_inclusive(0, n as u64 - 1) as u32);
            out.push((
                rng.range_inclusive(500_000, 15_000_000),
                Command::CrashRecover {
                    node,
                    after: rng.range_inclusive(10_000, 150_000),
                    stable,
                },
            ));
        }
        out.sort_by_key(|(t, _)| *t);
        return out;
    }
    let count = 3 + rng.range_inclusive(0, 6);
    let mut stopped = 0;
    for _ in 0..count {
        let at = rng.range_inclusive(1_000_000, 15_000_000);
        let node = NodeId(rng.range_inclusive(0, n as u64 - 1) as u32);
        let cmd = match rng.range_inclusive(0, 5) {
            0 if stopped < (n - 1) / 2 => {
                stopped += 1;
                Command::Crash(node)
            }
            0..=2 => Command::CrashRecover {
                node,
                after: rng.range_inclusive(100_000, 3_000_000),
                stable,
            },
            3 => {
                let side: Vec<NodeId> = (0..n).filter(|_| rng.chance(0.5)).map(NodeId).collect();
                Command::Partition(side)
            }
            4 => Command::HealAll,
            _ => Command::SetNetwork(NetConfig {
                loss: rng.range_inclusive(0, 30) as f64 / 100.0,
                duplicate: rng.range_inclusive(0, 20) as f64 / 100.0,
                reorder: rng.chance(0.5),
                ..NetConfig::default()
            }),
        };
        out.push((at, cmd));
    }
    out.sort_by_key(|(t, _)| *t);
    out
}

/// Runs `raft` under a random fault schedule of `seed`, then heals the
/// network and lets it settle (crash-stopped nodes stay down). Returns the run.
fn faulty_run(seed: u64, nodes: u32, raft: Raft, net: NetConfig, stable: bool, churn: bool) -> Run {
    let mut rng = SimRng::new(seed ^ 0xFA17);
    let plan = faults(&mut rng, nodes, stable, churn);
    let mut r = Run::new(nodes, seed, net, raft);
    for (at, cmd) in plan {
        r.run_until(at);
        let _ = r.sim.apply(cmd); // refusals (recovering an up node) are fine
    }
    r.run_until(16_000_000);
    let _ = r.sim.apply(Command::HealAll);
    let _ = r.sim.apply(Command::SetNetwork(net));
    r.run_until(24_000_000);
    r
}

#[test]
fn correct_raft_is_safe_over_a_thousand_seeds_of_random_faults() {
    let mut progressed = 0;
    for seed in 0u64..1000 {
        let nodes = 3 + (seed % 3) as u32 * 2; // 3, 5, 7
        let raft = Raft {
            detector: if seed % 2 == 0 {
                Some(DetectorKind::FixedTimeout { timeout: 300_000 })
            } else {
                Some(DetectorKind::PhiAccrual {
                    threshold: 3.0,
                    window: 50,
                    min_std: 30_000,
                    pause: 0,
                    first_estimate: 100_000,
                })
            },
            ..Raft::default()
        };
        // One seed in four: many quick restarts (from stable storage), the
        // schedule that catches a node forgetting its term.
        let r = faulty_run(seed, nodes, raft, quiet(), true, seed % 4 == 3);
        assert!(
            r.mon().safe(),
            "seed {seed} ({nodes} nodes): {:?}",
            r.mon().first
        );
        // Healed for 8 s: a leader, and commands applied after the faults.
        if r.leaders().len() == 1 && r.mon().applied_max >= 20 {
            progressed += 1;
        } else if std::env::var("RAFT_DEBUG").is_ok() {
            let roles: Vec<_> = r
                .sim
                .nodes()
                .iter()
                .map(|n| {
                    n.state
                        .as_ref()
                        .map(|s| (s.role, s.term, s.log.len(), s.commit))
                })
                .collect();
            eprintln!(
                "seed {seed}: leaders {:?} applied {} roles {roles:?}",
                r.leaders(),
                r.mon().applied_max
            );
        }
    }
    assert!(
        progressed >= 950,
        "only {progressed} of 1000 runs made progress after healing"
    );
}

/// How many seeds (of at most `limit`) until the monitor catches `bugs`,
/// and which property it caught.
fn caught_within(
    limit: u64,
    nodes: u32,
    bugs: RaftBugs,
    tight: bool,
    stable: bool,
) -> Option<(u64, Safety)> {
    let churn = bugs.forget_term || !stable;
    for seed in 0..limit {
        let raft = Raft {
            bugs,
            // Less election jitter makes candidates collide, as some bugs
            // need (much less than a round trip and elections never end).
            election: if tight { 150_000 } else { 600_000 },
            ..Raft::default()
        };
        let net = NetConfig {
            loss: 0.05,
            ..NetConfig::default()
        };
        let r = faulty_run(seed, nodes, raft, net, stable, churn);
        if let Some((p, _)) = r.mon().first.iter().next() {
            return Some((seed, *p));
        }
    }
    None
}

#[test]
fn each_breakable_variant_is_caught_by_a_safety_monitor() {
    let cases = [
        (
            "vote twice",
            RaftBugs {
                vote_twice: true,
                ..RaftBugs::default()
            },
            true,
        ),
        (
            "commit without a majority",
            RaftBugs {
                commit_without_majority: true,
                ..RaftBugs::default()
            },
            false,
        ),
        (
            "forget the term on restart",
            RaftBugs {
                forget_term: true,
                ..RaftBugs::default()
            },
            true,
        ),
        (
            "skip the log check",
            RaftBugs {
                skip_log_check: true,
                ..RaftBugs::default()
            },
            false,
        ),
    ];
    for (name, bugs, tight) in cases {
        let got = caught_within(200, 5, bugs, tight, true);
        eprintln!("{name}: {got:?}");
        assert!(got.is_some(), "{name}: not caught in 200 seeds");
    }
    // Correct Raft restarted without stable storage (its term, vote and log
    // gone) is unsafe too.
    let got = caught_within(200, 5, RaftBugs::default(), false, false);
    eprintln!("restart without stable storage: {got:?}");
    assert!(
        got.is_some(),
        "restart without stable storage: not caught in 200 seeds"
    );
}

/// A partition cuts the leader off with one follower: that minority side
/// cannot commit (its stale leader keeps trying); the majority elects a new
/// leader in a later term and commits; after healing, the stale leader
/// steps down and its uncommitted entries give way.
#[test]
fn a_partitioned_minority_cannot_commit_and_its_stale_leader_gives_way() {
    for seed in 0u64..20 {
        let mut r = Run::new(5, seed, quiet(), Raft::default());
        r.run_until(3_000_000);
        let (old, old_term) = r.leaders()[0];
        let buddy = (old + 1) % 5;
        r.sim
            .apply(Command::Partition(vec![NodeId(old), NodeId(buddy)]))
            .unwrap();
        let stale_commit = r.sim.nodes()[old as usize].state.as_ref().unwrap().commit;
        r.run_until(10_000_000);
        let st = |r: &Run, i: u32| r.sim.nodes()[i as usize].state.clone().unwrap();
        let stale = st(&r, old);
        assert_eq!(
            stale.role,
            Role::Leader,
            "seed {seed}: the stale leader still thinks it leads"
        );
        assert!(
            stale.log.len() as u64 > stale.commit,
            "seed {seed}: it keeps appending"
        );
        // It may commit what the majority already had before the cut, no more.
        let majority_leader = r
            .leaders()
            .into_iter()
            .find(|(n, _)| *n != old && *n != buddy);
        let (new, new_term) = majority_leader
            .unwrap_or_else(|| panic!("seed {seed}: the majority elected no leader"));
        assert!(new_term > old_term, "seed {seed}");
        assert!(
            stale.commit <= stale_commit + 1,
            "seed {seed}: the minority committed {} > {stale_commit}",
            stale.commit
        );
        // (Three of its three must agree on a candidate: split votes can take a few rounds.)
        assert!(
            st(&r, new).commit > stale_commit + 1,
            "seed {seed}: the majority commits"
        );
        r.sim.apply(Command::HealAll).unwrap();
        r.run_until(14_000_000);
        assert_eq!(
            r.leaders().len(),
            1,
            "seed {seed}: one leader after healing"
        );
        let logs: Vec<RaftState> = (0..5).map(|i| st(&r, i)).collect();
        let applied = logs.iter().map(|s| s.applied).min().unwrap() as usize;
        assert!(applied > 10, "seed {seed}");
        for s in &logs {
            assert_eq!(
                s.log[..applied],
                logs[0].log[..applied],
                "seed {seed}: the logs converge"
            );
        }
        assert!(r.mon().safe(), "seed {seed}: {:?}", r.mon().first);
    }
}

/// FLP's point, shown: an adversarial network that holds each heartbeat
/// until just after its follower's election timer fires, and each vote until
/// just after its candidate's, keeps Raft from ever electing a leader, in a
/// network where nothing is lost. Liveness stalls; safety holds.
#[test]
fn an_adversary_stalls_elections_forever_and_safety_still_holds() {
    for seed in 0u64..10 {
        let net = NetConfig {
            adversary: true,
            ..NetConfig::default()
        };
        let mut r = Run::new(5, seed, net, Raft::default());
        r.run_until(30_000_000);
        assert_eq!(r.mon().elections, 0, "seed {seed}: a leader got through");
        // Never violated (liveness cannot be, in a finite run), but stalled:
        assert!(
            matches!(r.mon().leader_liveness(r.sim.now(), 5_000_000), Liveness::Stalled(t) if t > 25_000_000),
            "seed {seed}: {:?}",
            r.mon().leader_liveness(r.sim.now(), 5_000_000)
        );
        let terms: Vec<u64> = r
            .sim
            .nodes()
            .iter()
            .map(|n| n.state.as_ref().unwrap().term)
            .collect();
        assert!(
            terms.iter().all(|&t| t > 10),
            "seed {seed}: elections kept failing: terms {terms:?}"
        );
        assert!(r.mon().safe(), "seed {seed}");
    }
}

/// Partial synchrony: wild delays until GST, bounded after. Once GST plus
/// the latency bound has passed, a leader is elected within a bound from
/// the settings, over 100 seeds: the detector's timeout after the last
/// heartbeat (at most one heartbeat interval earlier), then rounds of
/// (the election jitter span + a round trip), three of them allowing for
/// two split votes.
#[test]
fn after_gst_a_leader_is_elected_within_a_bound_from_the_settings() {
    let raft = Raft::default();
    let gst = 10_000_000;
    let (_, max_lat) = NetConfig::default().latency.bounds();
    let timeout = 400_000; // the default detector's
    let bound = raft.heartbeat + timeout + 3 * (2 * raft.election + 2 * max_lat);
    let mut worst = 0;
    for seed in 0u64..100 {
        let net = NetConfig {
            spikes: SystemModel::PartiallySynchronous { gst }.spikes(),
            ..NetConfig::default()
        };
        let mut r = Run::new(5, seed, net, raft);
        let settled = gst + max_lat;
        r.run_until(settled);
        // The first instant from which one leader stays for good (10 s on).
        let mut stable_from = None;
        let mut t = settled;
        while t < settled + bound + 10_000_000 {
            t += 20_000;
            r.run_until(t);
            match (r.leaders().len(), stable_from) {
                (1, None) => stable_from = Some(t),
                (1, Some(_)) => {}
                _ => stable_from = None,
            }
        }
        let from = stable_from.unwrap_or_else(|| panic!("seed {seed}: no stable leader after GST"));
        let took = from.saturating_sub(settled);
        worst = worst.max(took);
        assert!(
            took <= bound,
            "seed {seed}: a stable leader {took} µs after GST + Δ (bound {bound})"
        );
        assert!(r.mon().safe(), "seed {seed}: {:?}", r.mon().first);
    }
    eprintln!("worst {worst} µs of {bound}");
}

/// Raft assumes nodes fail by crashing, never by lying. A Byzantine leader
/// that tells each follower a different command for the same entry (or a
/// node that garbles the commands it forwards) breaks log matching and
/// state-machine safety, and the monitors say so; Raft cannot defend
/// against it (that takes Byzantine fault tolerance, 3f + 1 nodes).
#[test]
fn a_byzantine_node_breaks_raft_and_the_monitors_catch_it() {
    for mode in [ByzMode::Equivocate, ByzMode::Corrupt] {
        let mut caught = 0;
        for seed in 0u64..10 {
            let mut r = Run::new(5, seed, quiet(), Raft::default());
            r.run_until(2_000_000);
            let (leader, _) = r.leaders()[0];
            r.sim
                .apply(Command::SetByzantine {
                    node: NodeId(leader),
                    mode: Some(mode),
                })
                .unwrap();
            r.run_until(8_000_000);
            if r.mon().first.contains_key(&Safety::StateMachineSafety)
                || r.mon().first.contains_key(&Safety::LogMatching)
            {
                caught += 1;
            }
        }
        assert!(caught >= 8, "{mode:?}: caught in only {caught} of 10 seeds");
    }
}
