//! Native tests of the failure taxonomy: fail-stop, crash, crash-recovery with
//! and without stable storage, omission, and Byzantine deviations.
//! Every randomized test names its seed in its failure message.

use distsim::sim::*;

fn hb(interval_ms: u64) -> Heartbeat {
    Heartbeat {
        interval: interval_ms * 1000,
        detector: None,
    }
}

fn sim(nodes: u32, seed: u64, net: NetConfig) -> Sim<Heartbeat> {
    let cfg = SimConfig {
        nodes,
        seed,
        net,
        clocks: ClockConfig::default(),
        trace_ring: 0,
        trace_all: true,
    };
    Sim::new(cfg, hb(200))
}

fn events(s: &Sim<Heartbeat>) -> &[TraceEvent<HbMsg>] {
    s.trace().all().unwrap()
}

#[test]
fn fail_stopped_node_sends_nothing_and_everyone_is_told() {
    for seed in [1u64, 2, 3] {
        let mut s = sim(6, seed, NetConfig::default());
        s.run_until(1_500_000);
        s.apply(Command::FailStop(NodeId(2))).unwrap();
        let at = s.now();
        s.run_until(5_000_000);
        assert_eq!(s.nodes()[2].down, Some(DownKind::FailStop), "seed {seed}");
        let mut told = std::collections::BTreeMap::new();
        for e in events(&s) {
            match e.kind {
                TraceKind::Send {
                    from: NodeId(2), ..
                } if e.time >= at => panic!("seed {seed}: fail-stopped node sent at {}", e.time),
                TraceKind::Notice {
                    to,
                    failed: NodeId(2),
                } => {
                    assert!(
                        e.time >= at && e.time <= at + NOTICE_DELAY,
                        "seed {seed}: notice at {}",
                        e.time
                    );
                    *told.entry(to.0).or_insert(0) += 1;
                }
                _ => {}
            }
        }
        let expected: std::collections::BTreeMap<u32, i32> =
            [0, 1, 3, 4, 5].into_iter().map(|n| (n, 1)).collect();
        assert_eq!(
            told, expected,
            "seed {seed}: every other node is told exactly once"
        );
        assert_eq!(s.stats().notices, 5, "seed {seed}");
    }
}

#[test]
fn a_fail_stop_notice_reaches_only_live_nodes() {
    let seed = 4;
    let mut s = sim(4, seed, NetConfig::default());
    s.run_until(1_000_000);
    s.apply(Command::Crash(NodeId(3))).unwrap();
    s.apply(Command::FailStop(NodeId(0))).unwrap();
    s.run_until(2_000_000);
    let told: Vec<u32> = events(&s)
        .iter()
        .filter_map(|e| match e.kind {
            TraceKind::Notice { to, .. } => Some(to.0),
            _ => None,
        })
        .collect();
    assert_eq!(
        told,
        vec![1, 2],
        "seed {seed}: the crashed node hears nothing"
    );
}

#[test]
fn a_silent_crash_notifies_nobody() {
    let seed = 5;
    let mut s = sim(5, seed, NetConfig::default());
    s.run_until(1_000_000);
    s.apply(Command::Crash(NodeId(1))).unwrap();
    let at = s.now();
    s.run_until(4_000_000);
    assert_eq!(s.nodes()[1].down, Some(DownKind::Crash));
    for e in events(&s) {
        assert!(
            !matches!(e.kind, TraceKind::Notice { .. }),
            "seed {seed}: {e:?}"
        );
        assert!(
            !(matches!(
                e.kind,
                TraceKind::Send {
                    from: NodeId(1),
                    ..
                }
            ) && e.time >= at),
            "seed {seed}: sent after crash"
        );
    }
    assert_eq!(s.stats().notices, 0);
}

#[test]
fn crash_recovery_with_stable_storage_keeps_what_was_persisted() {
    let seed = 6;
    let mut s = sim(4, seed, NetConfig::default());
    s.run_until(3_000_000);
    let before = s.nodes()[2].state.as_ref().unwrap().round;
    assert!(before > 5);
    s.apply(Command::CrashRecover {
        node: NodeId(2),
        after: 1_000_000,
        stable: true,
    })
    .unwrap();
    assert!(!s.nodes()[2].is_up());
    assert_eq!(s.nodes()[2].recover_at, Some(4_000_000));
    s.run_until(3_999_999);
    assert!(!s.nodes()[2].is_up(), "still down before the delay");
    s.run_until(4_000_000);
    let st = s.nodes()[2].state.as_ref().expect("restarted on time");
    // The round counter was on stable storage; whom it heard from was not.
    assert_eq!(st.round, before, "seed {seed}");
    assert!(st.last_heard.iter().all(Option::is_none), "seed {seed}");
    assert!(events(&s).iter().any(|e| matches!(
        e.kind,
        TraceKind::Restart {
            node: NodeId(2),
            from_stable: true
        }
    )));
    s.run_until(6_000_000);
    assert!(
        s.nodes()[2].state.as_ref().unwrap().round > before,
        "it carries on counting"
    );
}

#[test]
fn crash_recovery_without_stable_storage_comes_back_empty() {
    let seed = 7;
    let mut s = sim(4, seed, NetConfig::default());
    s.run_until(3_000_000);
    s.apply(Command::CrashRecover {
        node: NodeId(2),
        after: 500_000,
        stable: false,
    })
    .unwrap();
    s.run_until(3_500_000);
    let st = s.nodes()[2].state.as_ref().expect("restarted");
    assert_eq!(st.round, 0, "seed {seed}: nothing survived");
    assert!(events(&s).iter().any(|e| matches!(
        e.kind,
        TraceKind::Restart {
            node: NodeId(2),
            from_stable: false
        }
    )));
    assert_eq!(s.nodes()[2].incarnation, 2);
}

#[test]
fn a_manual_recovery_cancels_the_scheduled_one() {
    let seed = 8;
    let mut s = sim(3, seed, NetConfig::default());
    s.run_until(1_000_000);
    s.apply(Command::CrashRecover {
        node: NodeId(1),
        after: 2_000_000,
        stable: false,
    })
    .unwrap();
    s.run_until(1_500_000);
    s.apply(Command::Recover(NodeId(1))).unwrap();
    s.run_until(5_000_000);
    let restarts = events(&s)
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                TraceKind::Restart {
                    node: NodeId(1),
                    ..
                }
            )
        })
        .count();
    assert_eq!(restarts, 1, "seed {seed}");
    assert_eq!(s.nodes()[1].incarnation, 2);
}

#[test]
fn omission_rates_are_within_binomial_tolerance() {
    for (send_p, recv_p) in [(0.2, 0.0), (0.0, 0.3), (0.25, 0.15)] {
        for seed in [11u64, 12, 13] {
            let mut s = sim(8, seed, NetConfig::default());
            s.apply(Command::SetOmission {
                node: NodeId(3),
                send: send_p,
                recv: recv_p,
            })
            .unwrap();
            s.run_until(40_000_000);
            let (mut sends, mut send_omitted, mut arrivals, mut recv_omitted) =
                (0f64, 0f64, 0f64, 0f64);
            for e in events(&s) {
                match e.kind {
                    TraceKind::Send {
                        from: NodeId(3),
                        lost,
                        ..
                    } => {
                        sends += 1.0;
                        if matches!(lost, Some((_, DropReason::SendOmission))) {
                            send_omitted += 1.0;
                        }
                    }
                    TraceKind::Deliver { to: NodeId(3), .. } => arrivals += 1.0,
                    TraceKind::Drop {
                        to: NodeId(3),
                        reason: DropReason::ReceiveOmission,
                        ..
                    } => {
                        arrivals += 1.0;
                        recv_omitted += 1.0;
                    }
                    TraceKind::Drop {
                        from: NodeId(3),
                        reason: DropReason::SendOmission,
                        ..
                    } => {}
                    TraceKind::Drop {
                        from,
                        reason: DropReason::SendOmission | DropReason::ReceiveOmission,
                        to,
                        ..
                    } => {
                        panic!("seed {seed}: correct link {from}->{to} omitted a message")
                    }
                    _ => {}
                }
            }
            for (p, k, n, what) in [
                (send_p, send_omitted, sends, "send"),
                (recv_p, recv_omitted, arrivals, "receive"),
            ] {
                assert!(n > 2_000.0, "seed {seed}: only {n} {what}s");
                let sd = (p * (1.0 - p) / n).sqrt().max(1e-9);
                assert!(
                    (k / n - p).abs() <= 5.0 * sd,
                    "seed {seed}, {what} omission p={p}: {k}/{n}"
                );
            }
            // Omissions are told apart from network loss: the network here loses nothing.
            assert_eq!(s.stats().lost, 0, "seed {seed}");
            assert_eq!(
                s.nodes()[3].omitted as f64,
                send_omitted + recv_omitted,
                "seed {seed}"
            );
        }
    }
}

/// The payloads node `from` sent, by destination, after `t`.
fn payloads(s: &Sim<Heartbeat>, from: u32, t: Micros) -> Vec<(u32, HbMsg, bool)> {
    events(s)
        .iter()
        .filter_map(|e| match e.kind {
            TraceKind::Send {
                from: f,
                to,
                msg,
                deviant,
                dup: false,
                ..
            } if f.0 == from && e.time >= t => Some((to.0, msg, deviant)),
            _ => None,
        })
        .collect()
}

#[test]
fn an_equivocating_node_tells_different_peers_different_values() {
    let seed = 21;
    let mut s = sim(5, seed, NetConfig::default());
    s.run_until(1_000_000);
    s.apply(Command::SetByzantine {
        node: NodeId(1),
        mode: Some(ByzMode::Equivocate),
    })
    .unwrap();
    let t = s.now();
    s.run_until(3_000_000);
    let pings: Vec<(u32, u64)> = payloads(&s, 1, t)
        .into_iter()
        .filter_map(|(to, m, dev)| match m {
            HbMsg::Ping { seq } => {
                assert!(
                    dev,
                    "seed {seed}: every equivocated message is marked deviant"
                );
                Some((to, seq))
            }
            _ => None,
        })
        .collect();
    // One broadcast round: four peers, four different values.
    let round: std::collections::BTreeSet<u64> = pings.iter().take(4).map(|p| p.1).collect();
    assert_eq!(round.len(), 4, "seed {seed}: {pings:?}");
    assert!(s.nodes()[1].deviant_sent > 0);
    // Correct nodes' messages are never marked.
    assert!(payloads(&s, 0, 0).iter().all(|p| !p.2));
}

#[test]
fn a_corrupting_node_garbles_what_it_sends() {
    let seed = 22;
    let mut honest = sim(4, seed, NetConfig::default());
    honest.run_until(3_000_000);
    let mut byz = sim(4, seed, NetConfig::default());
    byz.apply(Command::SetByzantine {
        node: NodeId(2),
        mode: Some(ByzMode::Corrupt),
    })
    .unwrap();
    byz.run_until(3_000_000);
    let sent = payloads(&byz, 2, 0);
    assert!(!sent.is_empty());
    for (to, m, dev) in &sent {
        assert!(dev, "seed {seed}");
        let seq = match m {
            HbMsg::Ping { seq } | HbMsg::Pong { seq } => *seq,
        };
        assert!(
            seq >= 1 << 20,
            "seed {seed}: {m:?} to n{to} looks uncorrupted"
        );
    }
}

#[test]
fn a_replaying_node_resends_old_messages() {
    let seed = 23;
    let mut s = sim(4, seed, NetConfig::default());
    s.run_until(500_000);
    s.apply(Command::SetByzantine {
        node: NodeId(0),
        mode: Some(ByzMode::Replay),
    })
    .unwrap();
    let t = s.now();
    s.run_until(4_000_000);
    let sent = payloads(&s, 0, t);
    let replays: Vec<&(u32, HbMsg, bool)> = sent.iter().filter(|p| p.2).collect();
    let real: Vec<HbMsg> = sent.iter().filter(|p| !p.2).map(|p| p.1).collect();
    assert!(replays.len() > 10, "seed {seed}: {} replays", replays.len());
    for (_, m, _) in replays {
        assert!(
            real.contains(m),
            "seed {seed}: a replay repeats a message it really sent: {m:?}"
        );
    }
}

#[test]
fn byzantine_and_omission_runs_replay_exactly() {
    for seed in [31u64, 32] {
        let net = NetConfig {
            loss: 0.1,
            duplicate: 0.1,
            reorder: true,
            ..NetConfig::default()
        };
        let cfg = SimConfig {
            nodes: 6,
            seed,
            net,
            clocks: ClockConfig::default(),
            trace_ring: 0,
            trace_all: false,
        };
        let mut live = Sim::new(cfg.clone(), hb(150));
        live.run_until(500_000);
        live.apply(Command::SetByzantine {
            node: NodeId(1),
            mode: Some(ByzMode::Replay),
        })
        .unwrap();
        live.apply(Command::SetOmission {
            node: NodeId(2),
            send: 0.3,
            recv: 0.3,
        })
        .unwrap();
        live.run_until(1_500_000);
        live.apply(Command::FailStop(NodeId(4))).unwrap();
        live.apply(Command::CrashRecover {
            node: NodeId(5),
            after: 700_000,
            stable: true,
        })
        .unwrap();
        live.run_until(3_000_000);
        live.apply(Command::SetByzantine {
            node: NodeId(1),
            mode: None,
        })
        .unwrap();
        live.run_until(4_000_000);
        let again = Sim::replay(cfg, hb(150), live.commands(), 4_000_000);
        assert_eq!(live.digest(), again.digest(), "seed {seed}");
    }
}

#[test]
fn bad_fault_commands_are_refused() {
    let mut s = sim(3, 1, NetConfig::default());
    assert!(s
        .apply(Command::SetOmission {
            node: NodeId(0),
            send: 1.5,
            recv: 0.0
        })
        .unwrap_err()
        .contains("send omission"));
    assert!(s
        .apply(Command::SetOmission {
            node: NodeId(9),
            send: 0.1,
            recv: 0.0
        })
        .is_err());
    assert!(s
        .apply(Command::CrashRecover {
            node: NodeId(0),
            after: u64::MAX,
            stable: false
        })
        .is_err());
    s.apply(Command::FailStop(NodeId(0))).unwrap();
    assert!(s
        .apply(Command::Crash(NodeId(0)))
        .unwrap_err()
        .contains("already down"));
    assert_eq!(s.commands().len(), 1);
}

/// Sends on link `from` → `to` in the trace: (deviant, lost by the attacker).
fn link_sends(s: &Sim<Heartbeat>, from: u32, to: u32) -> Vec<(bool, bool)> {
    events(s)
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::Send {
                from: f,
                to: t,
                deviant,
                lost,
                ..
            } if f.0 == from && t.0 == to => {
                Some((*deviant, matches!(lost, Some((_, DropReason::Attacked)))))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn an_attacker_on_a_link_drops_changes_or_forges_its_messages_only() {
    let seed = 31;
    for mode in Attack::ALL {
        let mut s = sim(4, seed, NetConfig::default());
        s.run_until(1_000_000);
        let before = link_sends(&s, 1, 0).len();
        s.apply(Command::Attack {
            from: NodeId(1),
            to: NodeId(0),
            mode: Some(mode),
        })
        .unwrap();
        s.run_until(5_000_000);
        let after = &link_sends(&s, 1, 0)[before..];
        let genuine =
            link_sends(&s, 1, 2).len() - link_sends(&s, 1, 2).iter().filter(|x| x.0).count();
        assert!(after.len() > 10, "seed {seed} {mode}: traffic on the link");
        match mode {
            Attack::Drop => assert!(
                after.iter().all(|&(_, dropped)| dropped),
                "seed {seed}: all dropped"
            ),
            Attack::Modify => assert!(
                after.iter().all(|&(dev, dropped)| dev && !dropped),
                "seed {seed}: all changed"
            ),
            Attack::Inject => {
                let forged = after.iter().filter(|x| x.0).count();
                assert_eq!(
                    forged * 2,
                    after.len(),
                    "seed {seed}: one forgery per genuine message"
                );
            }
        }
        assert_eq!(
            s.stats().attacked as usize,
            after
                .iter()
                .filter(|x| mode != Attack::Inject || x.0)
                .count(),
            "seed {seed} {mode}"
        );
        // The other direction and other links are untouched; nobody is Byzantine.
        assert!(
            link_sends(&s, 0, 1).iter().all(|&(d, a)| !d && !a),
            "seed {seed} {mode}"
        );
        assert!(genuine > 10);
        assert!(
            s.nodes().iter().all(|n| n.deviant_sent == 0),
            "seed {seed} {mode}: the sender did not deviate"
        );
        // Off again: the link is honest from then on.
        s.apply(Command::Attack {
            from: NodeId(1),
            to: NodeId(0),
            mode: None,
        })
        .unwrap();
        let n = link_sends(&s, 1, 0).len();
        s.run_until(7_000_000);
        assert!(
            link_sends(&s, 1, 0)[n..].iter().all(|&(d, a)| !d && !a),
            "seed {seed} {mode}: honest again"
        );
    }
    let mut s = sim(3, seed, NetConfig::default());
    assert!(s
        .apply(Command::Attack {
            from: NodeId(1),
            to: NodeId(1),
            mode: Some(Attack::Drop)
        })
        .is_err());
    assert!(s
        .apply(Command::Attack {
            from: NodeId(1),
            to: NodeId(9),
            mode: Some(Attack::Drop)
        })
        .is_err());
}
