//! Scenarios and shareable links: every configuration and every recorded
//! action survives the URL and the JSON file exactly, and a decoded scenario
//! replays to the same trace digest. Randomized tests name their seed.

use distsim::params::{parse_query, Settings, WorkloadKind};
use distsim::scenario::{command_words, parse_command, Scenario};
use distsim::sim::*;

/// A random valid configuration, drawn from `rng`: every setting the page offers.
// Field by field, each with its own random draw, reads clearer than one literal.
#[allow(clippy::field_reassign_with_default)]
fn random_settings(rng: &mut SimRng) -> Settings {
    let mut s = Settings::default();
    s.nodes = rng.range_inclusive(1, 12) as u32;
    s.seed = rng.next_u64();
    s.interval_ms = rng.range_inclusive(10, 5_000) as f64
        + [0.0, 0.5, 0.125][rng.range_inclusive(0, 2) as usize];
    let us = |rng: &mut SimRng, hi: u64| rng.range_inclusive(0, hi);
    s.net.latency = match rng.range_inclusive(0, 2) {
        0 => LatencyModel::Constant {
            mean: us(rng, 900_000),
        },
        1 => {
            let a = us(rng, 400_000);
            LatencyModel::Uniform {
                min: a,
                max: a + us(rng, 400_000),
            }
        }
        _ => {
            let a = us(rng, 100_000);
            let m = a + us(rng, 200_000);
            LatencyModel::Exponential {
                min: a,
                mean: m,
                max: m + us(rng, 900_000),
            }
        }
    };
    s.net.loss = if rng.chance(0.5) {
        rng.next_f64() * 0.5
    } else {
        0.0
    };
    s.net.duplicate = if rng.chance(0.3) {
        rng.next_f64() * 0.3
    } else {
        0.0
    };
    s.net.reorder = rng.chance(0.5);
    s.net.bandwidth = if rng.chance(0.3) {
        Some(rng.range_inclusive(1, 500) as u32)
    } else {
        None
    };
    s.net.spikes = match rng.range_inclusive(0, 2) {
        0 => SystemModel::Synchronous,
        1 => SystemModel::PartiallySynchronous {
            gst: us(rng, 60_000_000),
        },
        _ => SystemModel::Asynchronous,
    }
    .spikes();
    s.clocks.max_offset_us = us(rng, 2_000_000);
    s.clocks.max_drift_ppm = rng.range_inclusive(0, 100_000) as u32;
    s.speed = [0.15, 1.0, 2.5, 1000.0][rng.range_inclusive(0, 3) as usize];
    s.paused = rng.chance(0.3);
    s.workload = if rng.chance(0.4) {
        WorkloadKind::Rpc
    } else if rng.chance(0.3) {
        WorkloadKind::Raft
    } else {
        WorkloadKind::Heartbeat
    };
    if s.workload == WorkloadKind::Rpc {
        s.rpc.mode = [
            DeliveryMode::AtMostOnce,
            DeliveryMode::AtLeastOnce,
            DeliveryMode::ExactlyOnce,
        ][rng.range_inclusive(0, 2) as usize];
        s.rpc.idempotent = rng.chance(0.5);
        s.rpc.request_every = rng.range_inclusive(1_000, 5_000_000);
        s.rpc.timeout = rng.range_inclusive(1_000, 2_000_000);
        s.rpc.retry_limit = if rng.chance(0.5) {
            Some(rng.range_inclusive(1, 9) as u32)
        } else {
            None
        };
        s.rpc.retention = us(rng, 60_000_000);
        s.rpc.backoff = rng.range_inclusive(1, 16) as u32;
    } else {
        if s.workload == WorkloadKind::Raft {
            s.raft.jitter_ms = rng.range_inclusive(1, 5_000) as f64;
            s.raft.submit_ms = rng.range_inclusive(0, 5_000) as f64;
            for b in distsim::params::RAFT_BUGS {
                s.raft.bugs = distsim::params::with_bug(s.raft.bugs, b, rng.chance(0.3));
            }
        }
        s.detector = match rng.range_inclusive(0, 2) {
            0 => None,
            1 => Some(DetectorKind::FixedTimeout {
                timeout: rng.range_inclusive(1_000, 9_000_000),
            }),
            _ => match DetectorKind::AKKA {
                DetectorKind::PhiAccrual {
                    window,
                    min_std,
                    pause,
                    first_estimate,
                    ..
                } => Some(DetectorKind::PhiAccrual {
                    threshold: 0.1 + rng.next_f64() * 49.0,
                    window,
                    min_std,
                    pause,
                    first_estimate,
                }),
                other => Some(other),
            },
        };
    }
    s.logical = match rng.range_inclusive(0, 2) {
        0 => distsim::params::LogicalClocks::Off,
        1 => distsim::params::LogicalClocks::Lamport,
        _ => distsim::params::LogicalClocks::Vector,
    };
    s
}

/// A random command that is valid for `n` nodes (the simulator may still
/// refuse it in context, e.g. crashing a crashed node; refusals are not recorded).
fn random_command(rng: &mut SimRng, s: &Settings) -> Command {
    let n = s.nodes;
    let node = |rng: &mut SimRng| NodeId(rng.range_inclusive(0, n as u64 - 1) as u32);
    match rng.range_inclusive(0, 11) {
        0 => Command::Crash(node(rng)),
        1 => Command::FailStop(node(rng)),
        2 => Command::CrashRecover {
            node: node(rng),
            after: rng.range_inclusive(1, 3_000_000),
            stable: rng.chance(0.5),
        },
        3 => Command::Recover(node(rng)),
        4 => Command::SetOmission {
            node: node(rng),
            send: rng.next_f64(),
            recv: rng.next_f64(),
        },
        5 => Command::SetByzantine {
            node: node(rng),
            mode: if rng.chance(0.2) {
                None
            } else {
                Some(ByzMode::ALL[rng.range_inclusive(0, 3) as usize])
            },
        },
        6 | 7 if n >= 2 => {
            let a = node(rng);
            let b = NodeId((a.0 + 1 + rng.range_inclusive(0, n as u64 - 2) as u32) % n);
            if rng.chance(0.6) {
                Command::CutLink(a, b)
            } else {
                Command::HealLink(a, b)
            }
        }
        8 if n >= 2 => {
            let mut g: Vec<NodeId> = (0..n).filter(|_| rng.chance(0.4)).map(NodeId).collect();
            if g.is_empty() {
                g.push(NodeId(0));
            }
            if g.len() as u32 == n {
                g.pop();
            }
            Command::Partition(g)
        }
        9 if n >= 2 && rng.chance(0.5) => {
            let a = node(rng);
            let b = NodeId((a.0 + 1 + rng.range_inclusive(0, n as u64 - 2) as u32) % n);
            Command::Attack {
                from: a,
                to: b,
                mode: [
                    None,
                    Some(Attack::Drop),
                    Some(Attack::Modify),
                    Some(Attack::Inject),
                ][rng.range_inclusive(0, 3) as usize],
            }
        }
        9 => Command::HealAll,
        10 => Command::SetNetwork(random_settings(rng).net),
        11 if s.workload == WorkloadKind::Rpc => {
            let mut r = random_settings(rng);
            while r.workload != WorkloadKind::Rpc {
                r = random_settings(rng);
            }
            Command::SetRpc(r.rpc)
        }
        _ => Command::HealAll,
    }
}

fn run_of(sc: &Scenario, until: Micros) -> Sim<Workload> {
    let mut sim = Sim::new(sc.settings.sim_config(), sc.settings.workload());
    sim.plan(sc.plan());
    sim.run_until(until);
    sim
}

#[test]
fn random_configurations_survive_the_url_and_the_file_and_replay_identically() {
    for seed in 0..120u64 {
        let mut rng = SimRng::new(0x5ce_0000 + seed);
        let settings = random_settings(&mut rng);
        // A live run with commands given at random moments.
        let mut live = Sim::new(settings.sim_config(), settings.workload());
        for _ in 0..rng.range_inclusive(0, 8) {
            if rng.chance(0.5) {
                live.run_until(live.now() + rng.range_inclusive(0, 1_500_000));
            } else {
                for _ in 0..rng.range_inclusive(0, 30) {
                    live.step();
                }
            }
            let _ = live.apply(random_command(&mut rng, &settings));
        }
        let script: Vec<(Micros, Command)> = {
            let mut t = live.now();
            (0..rng.range_inclusive(0, 4))
                .map(|_| {
                    t += rng.range_inclusive(0, 2_000_000);
                    (t, random_command(&mut rng, &settings))
                })
                .collect()
        };
        let sc = Scenario {
            title: format!("Random <b>{seed}</b> & \"friends\""),
            description: "Line one.\nLine two: 100% = ?".into(),
            settings: settings.clone(),
            script,
            recorded: live.commands().to_vec(),
            upto: Some((live.stats().events, live.now())),
            view: None,
        };
        let query = sc.to_query();
        let (back, errors) =
            Scenario::from_query(&parse_query(&format!("?{query}")), Scenario::default());
        assert!(errors.is_empty(), "seed {seed}: {errors:?}\n{query}");
        assert_eq!(back, sc, "seed {seed}: URL round trip\n{query}");
        let file = sc.to_json();
        let from_file =
            Scenario::from_json(&file).unwrap_or_else(|e| panic!("seed {seed}: {e:?}\n{file}"));
        assert_eq!(
            from_file,
            Scenario {
                upto: None,
                ..sc.clone()
            },
            "seed {seed}: file round trip"
        );
        // A file may also ask for the pictures to show.
        let views = [
            distsim::scenario::View::Ring,
            distsim::scenario::View::SpaceTime,
            distsim::scenario::View::Both,
        ];
        let with_view = Scenario {
            upto: None,
            view: Some(views[(seed % 3) as usize]),
            ..sc.clone()
        };
        assert_eq!(
            Scenario::from_json(&with_view.to_json()).unwrap(),
            with_view,
            "seed {seed}: file round trip with a view"
        );

        // Same configuration, same actions: same digest, live vs decoded.
        let end = live.now() + 5_000_000;
        let mut original = Sim::new(settings.sim_config(), settings.workload());
        original.plan(sc.plan());
        original.run_until(end);
        let decoded = run_of(&back, end);
        assert_eq!(original.digest(), decoded.digest(), "seed {seed}: digest");
        assert_eq!(
            original.commands(),
            decoded.commands(),
            "seed {seed}: commands"
        );
        // And the recorded part alone reproduces the live run's digest at its point.
        let mut at_point = Sim::new(back.settings.sim_config(), back.settings.workload());
        at_point.plan(back.recorded.iter().cloned().map(Planned::Exact));
        let (e, t) = back.upto.unwrap();
        at_point.run_to_point(e, t);
        assert_eq!(
            at_point.digest(),
            live.digest(),
            "seed {seed}: digest at the copied moment"
        );
        assert_eq!(at_point.now(), live.now(), "seed {seed}");
    }
}

#[test]
fn command_words_read_back_exactly() {
    let mut rng = SimRng::new(77);
    for i in 0..500 {
        let mut s = random_settings(&mut rng);
        s.nodes = s.nodes.max(2);
        s.workload = WorkloadKind::Rpc;
        let c = random_command(&mut rng, &s);
        let w = command_words(&c);
        let mut running = s.clone();
        assert_eq!(
            parse_command(&w, s.nodes, &mut running),
            Ok(c.clone()),
            "seed 77 #{i}: {w}"
        );
    }
}

#[test]
fn scripted_network_changes_are_relative_to_the_script_so_far() {
    let text = r#"{
      "format": "distsim-scenario", "version": 1,
      "title": "Loss comes and goes",
      "config": {"nodes": 4, "loss": 0.1, "latency": "uniform", "lat_min": 10, "lat_max": 30},
      "script": [
        {"at": 1, "do": "network loss=0.5"},
        {"at": 2.5, "do": "network reorder=on"},
        {"at": 4, "do": "crash n3"}
      ]
    }"#;
    let sc = Scenario::from_json(text).unwrap();
    let nets: Vec<NetConfig> = sc
        .script
        .iter()
        .filter_map(|(_, c)| match c {
            Command::SetNetwork(n) => Some(*n),
            _ => None,
        })
        .collect();
    assert_eq!(nets[0].loss, 0.5);
    assert!(!nets[0].reorder);
    assert_eq!(
        nets[0].latency,
        LatencyModel::Uniform {
            min: 10_000,
            max: 30_000
        }
    );
    assert_eq!((nets[1].loss, nets[1].reorder), (0.5, true));
    assert_eq!(sc.script[2], (4_000_000, Command::Crash(NodeId(3))));
}

/// The malformed-input corpus in tests/corpus (also run end to end, in
/// e2e/tests/share.test.mjs): each file is refused with a message naming what
/// is wrong, each URL keeps its good parameters and names the bad one.
fn corpus(name: &str) -> Vec<serde_json::Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    match serde_json::from_str(&text).unwrap() {
        serde_json::Value::Array(a) => a,
        _ => panic!("{name}: expected a list"),
    }
}

#[test]
fn malformed_scenario_files_are_refused_with_specific_messages() {
    let cases = corpus("scenarios.json");
    assert!(cases.len() >= 20);
    for case in cases {
        let (name, text, want) = (
            case["name"].as_str().unwrap(),
            case["text"].as_str().unwrap(),
            case["expect"].as_str().unwrap(),
        );
        let errs = Scenario::from_json(text).expect_err(name);
        assert!(
            errs.iter().any(|e| e.contains(want)),
            "{name}: wanted {want:?} in {errs:?}"
        );
    }
    // Huge input is refused before parsing.
    let big = format!("{{\"title\": \"{}\"}}", "x".repeat(2 << 20));
    assert!(Scenario::from_json(&big).unwrap_err()[0].contains("at most"));
}

#[test]
fn malformed_urls_name_the_parameter_and_keep_the_rest() {
    for case in corpus("urls.json") {
        let (q, want) = (
            case["query"].as_str().unwrap(),
            case["expect"].as_str().unwrap(),
        );
        let pairs = parse_query(q);
        let (sc, mut errs) = Scenario::from_query(&pairs, Scenario::default());
        errs.extend(distsim::scenario::PageOptions::from_query(&pairs).1);
        if let Some((_, id)) = pairs.iter().find(|(k, _)| k == "scenario") {
            errs.extend(distsim::library::get(id).err());
        }
        assert!(
            errs.iter().any(|e| e.contains(want)),
            "{q}: wanted {want:?} in {errs:?}"
        );
        assert_eq!(sc.settings.seed, 9, "{q}: the good parameters still apply");
    }
}

/// The query encoder and reader (now the `percent-encoding` and
/// `form_urlencoded` crates) write and read exactly what the hand-written ones
/// did: readable commands, '+' for a space, malformed escapes kept as typed.
#[test]
fn query_components_encode_and_decode_as_before() {
    use distsim::params::parse_query;
    use distsim::scenario::encode;
    assert_eq!(encode("120@12.5:crash 3"), "120@12.5:crash+3");
    assert_eq!(
        encode("a b,c:d@e~f/g%h&i=é+"),
        "a+b,c:d@e~f%2Fg%25h%26i%3D%C3%A9%2B"
    );
    assert_eq!(encode("<script>"), "%3Cscript%3E");
    assert_eq!(
        parse_query("?a=1&b=x%20y+z&&c&d=%zz%4&e=%C3%A9&f=1=2"),
        vec![
            ("a".to_string(), "1".to_string()),
            ("b".to_string(), "x y z".to_string()),
            ("c".to_string(), String::new()),
            ("d".to_string(), "%zz%4".to_string()),
            ("e".to_string(), "é".to_string()),
            ("f".to_string(), "1=2".to_string()),
        ]
    );
    for s in [
        "",
        "plain",
        "a b",
        "100%",
        "x&y=z",
        "ünï ©ode",
        "+ + +",
        "%2B",
    ] {
        let q = format!("k={}", encode(s));
        assert_eq!(
            parse_query(&q),
            vec![("k".to_string(), s.to_string())],
            "{s:?}"
        );
    }
}
