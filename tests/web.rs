//! Browser tests (wasm-bindgen-test in headless Chromium): the core gives the
//! same results in the browser as natively.
#![cfg(target_arch = "wasm32")]

use distsim::sim::{
    reference_run, Command, Heartbeat, NetConfig, NodeId, Sim, SimConfig, REFERENCE_DIGEST,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn reference_run_has_the_native_digest() {
    // REFERENCE_DIGEST is the value the native test `reference_digest_is_pinned` checks.
    let d = reference_run().digest();
    assert_eq!(d, REFERENCE_DIGEST, "browser digest {d:#018x}");
}

#[wasm_bindgen_test]
fn replay_matches_live_run_in_the_browser() {
    let cfg = SimConfig {
        nodes: 6,
        seed: 99,
        net: NetConfig {
            loss: 0.2,
            duplicate: 0.1,
            reorder: true,
            ..NetConfig::default()
        },
        trace_all: true,
        ..SimConfig::default()
    };
    let mut live = Sim::new(
        cfg.clone(),
        Heartbeat {
            interval: 300_000,
            detector: None,
        },
    );
    live.run_until(1_500_000);
    live.apply(Command::Crash(NodeId(4))).unwrap();
    live.run_until(4_000_000);
    live.apply(Command::Recover(NodeId(4))).unwrap();
    live.run_until(6_000_000);
    let again = Sim::replay(
        cfg,
        Heartbeat {
            interval: 300_000,
            detector: None,
        },
        live.commands(),
        6_000_000,
    );
    assert_eq!(live.digest(), again.digest());
    assert!(live.stats().events > 100);
}
