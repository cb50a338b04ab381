//! Native tests of going back in time: seeking gives exactly the run, forks
//! replay from their link, snapshots stay within their budget.
//! Every randomized test names its seed in its failure message.

use distsim::sim::*;

/// A uniform draw in `0..n` (n ≥ 1).
trait Below {
    fn below(&mut self, n: u64) -> u64;
}
impl Below for SimRng {
    fn below(&mut self, n: u64) -> u64 {
        self.range_inclusive(0, n.max(1) - 1)
    }
}

fn config(nodes: u32, seed: u64) -> SimConfig {
    SimConfig {
        nodes,
        seed,
        net: NetConfig {
            loss: 0.05,
            duplicate: 0.05,
            reorder: true,
            ..NetConfig::default()
        },
        clocks: ClockConfig::default(),
        trace_ring: 64,
        trace_all: false,
    }
}

/// Heartbeats with a fixed timeout or phi accrual (a short window, so that
/// its sample logs, shared between snapshots, move to fresh logs often), or RPC.
fn workload(seed: u64) -> Workload {
    if seed % 4 == 0 {
        Workload::Heartbeat(Heartbeat {
            interval: 300_000,
            detector: Some(DetectorKind::FixedTimeout { timeout: 900_000 }),
        })
    } else if seed % 4 == 2 {
        Workload::Heartbeat(Heartbeat {
            interval: 300_000,
            detector: Some(DetectorKind::PhiAccrual {
                threshold: 3.0,
                window: 5,
                min_std: 20_000,
                pause: 0,
                first_estimate: 300_000,
            }),
        })
    } else {
        Workload::Rpc(Rpc {
            config: RpcConfig {
                mode: DeliveryMode::ExactlyOnce,
                request_every: 80_000,
                ..RpcConfig::default()
            },
        })
    }
}

/// A random user action for a cluster of `n` nodes.
fn random_action(rng: &mut SimRng, n: u32) -> Command {
    let node = NodeId(rng.below(n as u64) as u32);
    let other = NodeId((node.0 + 1 + rng.below(n as u64 - 1) as u32) % n);
    match rng.below(7) {
        0 => Command::Crash(node),
        1 => Command::Recover(node),
        2 => Command::CutLink(node, other),
        3 => Command::HealLink(node, other),
        4 => Command::SetNetwork(NetConfig {
            loss: rng.below(30) as f64 / 100.0,
            ..NetConfig::default()
        }),
        5 => Command::CrashRecover {
            node,
            after: 200_000 + rng.below(1_000_000),
            stable: rng.below(2) == 0,
        },
        _ => Command::HealAll,
    }
}

/// A run driven like the page drives it: advanced in slices of time, with
/// random actions between slices, the timeline observing after each.
fn live_run(seed: u64, every: u64) -> (Sim<Workload>, Timeline<Workload>) {
    let mut rng = SimRng::new(seed ^ 0xA5A5);
    let n = 5;
    let mut sim = Sim::new(config(n, seed), workload(seed));
    let mut tl = Timeline::new(&sim, every, usize::MAX);
    let mut t = 0;
    for _ in 0..40 {
        t += 50_000 + rng.below(250_000);
        sim.run_until(t);
        tl.observe(&sim);
        if rng.below(3) == 0 {
            let _ = sim.apply(random_action(&mut rng, n));
            tl.observe(&sim);
        }
    }
    (sim, tl)
}

/// The same run rebuilt from scratch: setup plus every action at its instant.
fn replay_to(seed: u64, actions: &[RecordedCommand], events: u64, at: Micros) -> Sim<Workload> {
    let mut sim = Sim::new(config(5, seed), workload(seed));
    sim.plan(actions.iter().cloned().map(Planned::Exact));
    sim.run_to_point(events, at);
    sim
}

#[test]
fn seeking_to_any_event_gives_the_run_exactly() {
    for seed in 0u64..16 {
        let (live, tl) = live_run(seed, 100);
        assert!(tl.memory().0 > 3, "seed {seed}: snapshots were taken");
        assert_eq!(
            tl.actions(),
            live.commands(),
            "seed {seed}: the branch is every action"
        );
        let end = live.stats().events;
        let mut rng = SimRng::new(seed);
        for _ in 0..12 {
            let k = rng.below(end + 1);
            let sought = tl.seek_events(k, 0);
            let direct = replay_to(seed, tl.actions(), k, 0);
            assert_eq!(sought.stats().events, k, "seed {seed}: at event {k}");
            assert_eq!(sought.now(), direct.now(), "seed {seed}: time at event {k}");
            assert_eq!(
                sought.digest(),
                direct.digest(),
                "seed {seed}: digest at event {k}"
            );
            // Playing on from there replays the rest of the branch.
            let mut on = sought;
            on.run_to_point(end, live.now());
            assert_eq!(
                on.digest(),
                live.digest(),
                "seed {seed}: from event {k} to the end"
            );
        }
        // Seeking by time.
        for _ in 0..6 {
            let t = rng.below(live.now() + 1);
            let sought = tl.seek_time(t);
            let mut direct = Sim::new(config(5, seed), workload(seed));
            direct.plan(tl.actions().iter().cloned().map(Planned::Exact));
            direct.run_until(t);
            assert_eq!(
                sought.digest(),
                direct.digest(),
                "seed {seed}: digest at {t} µs"
            );
            assert_eq!(sought.now(), t, "seed {seed}");
        }
    }
}

#[test]
fn acting_in_the_past_forks_the_run_and_its_link_replays_the_fork() {
    for seed in 0u64..12 {
        let (live, mut tl) = live_run(seed, 80);
        let end = live.stats().events;
        let k = end / 3;
        let mut sim = tl.seek_events(k, 0);
        assert!(tl.is_behind(&sim), "seed {seed}");
        let later = tl.actions().iter().filter(|a| a.after_events > k).count();
        let dropped = tl.fork(&mut sim);
        assert!(
            dropped >= later,
            "seed {seed}: {dropped} dropped, {later} after the instant"
        );
        assert!(
            !tl.is_behind(&sim),
            "seed {seed}: the fork is the branch now"
        );
        sim.apply(Command::Crash(NodeId(2))).unwrap();
        tl.observe(&sim);
        sim.run_until(sim.now() + 3_000_000);
        tl.observe(&sim);
        // What a copied link holds: the setup and every action of the fork.
        let link = sim.commands().to_vec();
        assert_eq!(tl.actions(), &link[..], "seed {seed}");
        let again = replay_to(seed, &link, sim.stats().events, sim.now());
        assert_eq!(
            again.digest(),
            sim.digest(),
            "seed {seed}: the fork replays"
        );
        // Seeking within the fork still gives the fork.
        let k2 = sim.stats().events - 1;
        let back = tl.seek_events(k2, 0);
        assert_eq!(
            back.digest(),
            replay_to(seed, &link, k2, 0).digest(),
            "seed {seed}"
        );
        assert_ne!(sim.digest(), live.digest(), "seed {seed}: a different run");
    }
}

#[test]
fn snapshots_stay_within_their_budget() {
    let seed = 3;
    let mut sim = Sim::new(config(20, seed), workload(0));
    let size = sim.snapshot().approx_bytes(None);
    let budget = size * 10;
    let mut tl = Timeline::new(&sim, 200, budget);
    for i in 1..=400u64 {
        sim.run_until(i * 100_000);
        tl.observe(&sim);
        let (count, bytes) = tl.memory();
        assert!(count <= 12, "seed {seed}: {count} snapshots at step {i}");
        assert!(
            bytes <= budget + size * 2,
            "seed {seed}: {bytes} bytes > budget {budget}"
        );
    }
    assert!(
        tl.every() > 200,
        "seed {seed}: the interval grew as the run did"
    );
    // Still exact after thinning.
    let k = sim.stats().events / 2;
    let direct = replay_to_cfg(config(20, seed), k);
    assert_eq!(
        tl.seek_events(k, 0).digest(),
        direct.digest(),
        "seed {seed}"
    );
}

fn replay_to_cfg(cfg: SimConfig, events: u64) -> Sim<Workload> {
    let mut sim = Sim::new(cfg, workload(0));
    sim.run_to_point(events, 0);
    sim
}

/// The timeline's "first suspicions": each is a moment to jump to where the
/// target has just become suspected (and right before, nobody up suspected
/// it), and a run taken back in time still offers the ones ahead of it.
#[test]
fn jumping_to_a_first_suspicion_lands_right_after_it() {
    for seed in [2u64, 6, 10] {
        let mut sim = Sim::new(config(5, seed), workload(seed));
        sim.plan([Planned::At(1_500_000, Command::Crash(NodeId(2)))]);
        let mut tl = Timeline::new(&sim, 300, usize::MAX);
        for i in 1..=60u64 {
            sim.run_until(i * 100_000);
            tl.observe(&sim);
        }
        let firsts = tl.first_suspicions().to_vec();
        assert_eq!(
            firsts,
            sim.detector_metrics().first_suspicions().0,
            "seed {seed}"
        );
        assert!(
            firsts.iter().any(|f| f.target == NodeId(2) && !f.target_up),
            "seed {seed}: the crash of n2 was detected: {firsts:?}"
        );
        for f in &firsts {
            let at = tl.seek_events(f.after_events + 1, f.at);
            assert!(
                at.detector_metrics().suspects(f.observer.0, f.target.0),
                "seed {seed}: right after {f:?}"
            );
            let before = tl.seek_events(f.after_events, 0);
            assert!(
                (0..5).all(|p| !before.nodes()[p as usize].is_up()
                    || !before.detector_metrics().suspects(p, f.target.0)),
                "seed {seed}: nobody up suspected n{} right before {f:?}",
                f.target.0
            );
        }
        // Back to the start: the moments ahead are still offered.
        let mut back = tl.seek_events(0, 0);
        tl.observe(&back);
        assert_eq!(tl.first_suspicions(), &firsts[..], "seed {seed}");
        // Acting there forks: the moments ahead are gone with the branch.
        tl.fork(&mut back);
        back.apply(Command::Crash(NodeId(4))).unwrap();
        tl.observe(&back);
        assert!(tl.first_suspicions().is_empty(), "seed {seed}");
    }
}

/// The space-time diagram shows any stretch of the past by replaying it from
/// the snapshot before it: the replayed events are the run's own, index for
/// index, and `kept_from` says from when a trace holds every event.
#[test]
fn a_stretch_of_the_past_replayed_from_a_snapshot_is_the_run_itself() {
    let mut compared = 0;
    for seed in 0u64..8 {
        let mut cfg = config(5, seed);
        cfg.trace_all = true; // the reference: every event of the live run
        cfg.trace_ring = 200;
        let mut rng = SimRng::new(seed ^ 0x5EED);
        let mut sim = Sim::new(cfg, workload(seed));
        let mut tl = Timeline::new(&sim, 150, usize::MAX);
        let mut t = 0;
        for _ in 0..40 {
            t += 50_000 + rng.below(250_000);
            sim.run_until(t);
            tl.observe(&sim);
            if rng.below(3) == 0 {
                let _ = sim.apply(random_action(&mut rng, 5));
                tl.observe(&sim);
            }
        }
        let all = sim.trace().all().expect("trace_all").to_vec();
        // The live ring lost its oldest events: it holds every event from kept_from on.
        let kept = sim.trace().kept_from();
        assert!(kept > 0, "seed {seed}: the ring of 200 overflowed");
        let ring: Vec<_> = sim.trace().recent().cloned().collect();
        let tail: Vec<_> = all.iter().filter(|e| e.time >= kept).cloned().collect();
        assert!(
            ring.ends_with(&tail),
            "seed {seed}: the ring holds all from {kept}"
        );
        for _ in 0..6 {
            let from = rng.below(sim.now());
            let to = (from + rng.below(400_000)).min(sim.now());
            let mut past = tl.resume_before(from);
            assert!(
                past.now() <= from,
                "seed {seed}: a snapshot at or before {from}"
            );
            past.run_until(to);
            let kept = past.trace().kept_from();
            assert!(
                kept <= from || past.trace().recent().len() == 200,
                "seed {seed}"
            );
            let got: Vec<_> = past
                .trace()
                .recent()
                .filter(|e| e.time >= kept.max(from) && e.time <= to)
                .cloned()
                .collect();
            let want: Vec<_> = all
                .iter()
                .filter(|e| e.time >= kept.max(from) && e.time <= to)
                .cloned()
                .collect();
            assert_eq!(got, want, "seed {seed}: events from {from} to {to}");
            compared += got.len();
        }
    }
    assert!(compared > 500, "only {compared} events compared");
}
