//! Native tests of logical clocks: over many random runs, Lamport timestamps
//! and vector clocks satisfy the clock conditions against happened-before
//! computed independently from the trace (program order and send → receive).
//! Every randomized test names its seed in its failure message.

use distsim::sim::*;

/// One event of the happened-before relation, in trace order.
struct Ev {
    node: u32,
    /// The message it sends or receives, and whether it receives it.
    msg: Option<(u64, bool)>,
    stamp: Stamp,
}

fn run(seed: u64) -> Vec<Ev> {
    let mut rng = SimRng::new(seed);
    let n = 3 + rng.range_inclusive(0, 3) as u32;
    let cfg = SimConfig {
        nodes: n,
        seed,
        net: NetConfig {
            loss: 0.1,
            duplicate: 0.1,
            reorder: true,
            latency: LatencyModel::Exponential {
                min: 1_000,
                mean: 40_000,
                max: 400_000,
            },
            ..NetConfig::default()
        },
        clocks: ClockConfig::default(),
        trace_ring: 0,
        trace_all: true,
    };
    let mut sim = Sim::new(
        cfg,
        Heartbeat {
            interval: 250_000,
            detector: None,
        },
    );
    sim.keep_logical_clocks(true);
    sim.run_until(700_000);
    sim.apply(Command::Crash(NodeId(1))).unwrap();
    sim.run_until(1_100_000);
    sim.apply(Command::Recover(NodeId(1))).unwrap();
    sim.run_until(2_000_000);
    let mut evs = Vec::new();
    for e in sim.trace().all().unwrap() {
        let Some(stamp) = e.stamp.clone() else {
            continue;
        };
        let (node, msg) = match e.kind {
            // A network duplicate is the same send, not a new event.
            TraceKind::Send { dup: true, .. } => continue,
            TraceKind::Send { id, from, .. } => (from.0, Some((id, false))),
            TraceKind::Deliver { id, to, .. } => (to.0, Some((id, true))),
            TraceKind::TimerFire { node, .. } => (node.0, None),
            _ => panic!("seed {seed}: a stamp on {:?}", e.kind),
        };
        evs.push(Ev { node, msg, stamp });
    }
    evs
}

#[test]
fn lamport_and_vector_clocks_satisfy_the_clock_conditions() {
    let mut checked = 0u64;
    let mut concurrent = 0u64;
    for seed in 0u64..40 {
        let evs = run(seed);
        let m = evs.len();
        assert!(m > 50, "seed {seed}: a real run ({m} events)");
        let words = m.div_ceil(64);
        // past[j]: every event that happened before event j (a bitset).
        let mut past = vec![0u64; m * words];
        let mut last_of_node: std::collections::BTreeMap<u32, usize> = Default::default();
        let mut send_of: std::collections::BTreeMap<u64, usize> = Default::default();
        for j in 0..m {
            let mut preds = Vec::new();
            if let Some(&p) = last_of_node.get(&evs[j].node) {
                preds.push(p);
            }
            match evs[j].msg {
                Some((id, true)) => preds.push(
                    *send_of
                        .get(&id)
                        .unwrap_or_else(|| panic!("seed {seed}: receive of m{id} before its send")),
                ),
                Some((id, false)) => {
                    send_of.insert(id, j);
                }
                None => {}
            }
            for p in preds {
                for w in 0..words {
                    past[j * words + w] |= past[p * words + w];
                }
                past[j * words + p / 64] |= 1 << (p % 64);
            }
            last_of_node.insert(evs[j].node, j);
        }
        let hb = |e: usize, f: usize| past[f * words + e / 64] >> (e % 64) & 1 == 1;
        for f in 0..m {
            for e in 0..m {
                if e == f {
                    continue;
                }
                let (se, sf) = (&evs[e].stamp, &evs[f].stamp);
                let v_before = se.before(sf).unwrap();
                if hb(e, f) {
                    assert!(
                        se.lamport < sf.lamport,
                        "seed {seed}: e{e} → e{f} but L {} ≥ {}",
                        se.lamport,
                        sf.lamport
                    );
                }
                assert_eq!(
                    v_before,
                    hb(e, f),
                    "seed {seed}: V(e{e}) < V(e{f}) iff e{e} → e{f}"
                );
                if !hb(e, f) && !hb(f, e) {
                    concurrent += 1;
                }
                checked += 1;
            }
        }
    }
    assert!(
        concurrent > 1000,
        "concurrent pairs were checked too ({concurrent})"
    );
    assert!(checked > 100_000, "{checked} pairs");
}

#[test]
fn lamport_order_does_not_imply_happened_before() {
    // The converse of the clock condition fails: some concurrent events have
    // L(e) < L(f). (Vector clocks tell them apart; Lamport clocks cannot.)
    let evs = run(7);
    let found = evs.iter().enumerate().any(|(i, e)| {
        evs.iter().enumerate().any(|(j, f)| {
            i != j
                && e.stamp.lamport < f.stamp.lamport
                && !e.stamp.before(&f.stamp).unwrap()
                && !f.stamp.before(&e.stamp).unwrap()
        })
    });
    assert!(
        found,
        "seed 7: a concurrent pair ordered by Lamport timestamps"
    );
}
