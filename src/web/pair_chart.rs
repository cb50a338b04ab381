//! Sampling for the detector panel's chart: one observer's suspicion level of
//! one target over time. Display only: samples are taken as frames come (at
//! most one per 20 ms of simulated time) and never feed back into the run.

use crate::sim::{AnyState, Heartbeat, Sim, Workload};

/// Simulated time between two samples (µs).
const SAMPLE_US: u64 = 20_000;
/// Samples kept; the oldest third is dropped when full.
const MAX_SAMPLES: usize = 1500;

/// The charted pair's target and its samples `(time, level, suspected)`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PairChart {
    /// The node whose suspicion by the selected observer is charted.
    pub target: Option<u32>,
    pub samples: Vec<(u64, f64, bool)>,
}

impl PairChart {
    /// Records `observer`'s suspicion of the target now, if the run has a
    /// detector and the last sample is old enough.
    pub fn sample(&mut self, sim: &Sim<Workload>, observer: Option<u32>) {
        let (Some(obs), Some(target)) = (observer, self.target) else {
            return;
        };
        let Workload::Heartbeat(Heartbeat {
            detector: Some(kind),
            ..
        }) = sim.protocol()
        else {
            return;
        };
        let Some(node) = sim.nodes().get(obs as usize) else {
            return;
        };
        let Some(AnyState::Hb(st)) = node.state.as_ref() else {
            return;
        };
        let Some(h) = st.fd.get(target as usize) else {
            return;
        };
        let now = sim.now();
        if self.samples.last().is_some_and(|l| now < l.0 + SAMPLE_US) {
            return;
        }
        let level = h.level(node.clock.local_at(now), kind);
        self.samples.push((now, level, h.suspected));
        if self.samples.len() > MAX_SAMPLES {
            self.samples.drain(..MAX_SAMPLES / 3);
        }
    }

    /// Charts `target` from now on.
    pub fn set_target(&mut self, target: Option<u32>) {
        self.target = target;
        self.samples.clear();
    }
}
