//! The detector card's chart: the selected node's suspicion of one target over
//! the last 30 simulated seconds (level, threshold, suspicion starts, the real
//! crash), drawn as SVG from the samples in [`PairChart`](super::super::pair_chart::PairChart).

use super::super::form::select_value;
use super::super::host::Host;
use super::super::intent::Intent;
use crate::sim::{DetectorKind, PeerHistory};
use yew::prelude::*;

/// Simulated time the chart spans (µs).
const SPAN_US: u64 = 30_000_000;

pub fn view(host: &Host, kind: &DetectorKind, on: &Callback<Intent>) -> Html {
    let Some(obs) = host.selected_node() else {
        return html! { <p class="hint">{ "Select a node to chart its suspicion of another over time." }</p> };
    };
    let samples = &host.chart.samples;
    let thr = PeerHistory::threshold(kind);
    let (w, h) = (330.0, 120.0);
    let now = host.sim.now();
    let t0 = now.saturating_sub(SPAN_US);
    let x = |t: u64| (t.saturating_sub(t0)) as f64 / SPAN_US as f64 * w;
    let top = (2.0 * thr).max(
        samples
            .iter()
            .filter(|s| s.0 >= t0)
            .map(|s| s.1)
            .fold(0.0, f64::max)
            .min(4.0 * thr),
    );
    let y = |v: f64| h - (v.min(top) / top) * (h - 8.0);
    let pts: String = samples
        .iter()
        .filter(|s| s.0 >= t0)
        .map(|s| format!("{:.1},{:.1} ", x(s.0), y(s.1)))
        .collect();
    let starts: Vec<u64> = samples
        .windows(2)
        .filter(|p| !p[0].2 && p[1].2 && p[1].0 >= t0)
        .map(|p| p[1].0)
        .collect();
    let target = host.chart.target.unwrap_or(0);
    let crash = host
        .sim
        .nodes()
        .get(target as usize)
        .and_then(|n| n.crashed_at)
        .filter(|&c| c >= t0);
    let n = host.nodes();
    let onchange = {
        let on = on.clone();
        Callback::from(move |e: Event| on.emit(Intent::ChartTarget(select_value(&e).parse().ok())))
    };
    html! {
        <div class="chart">
            <div class="field">
                <label for="f-chart">{ format!("n{obs}'s suspicion of") }</label>
                <select id="f-chart" data-testid="f-chart" {onchange}>
                    { for (0..n).filter(|&j| j != obs).map(|j| html! { <option value={j.to_string()} selected={host.chart.target == Some(j)}>{ format!("n{j}") }</option> }) }
                </select>
            </div>
            <svg width={w.to_string()} height={h.to_string()} role="img" data-testid="chart"
                aria-label={format!("Suspicion level of n{target} at n{obs} over the last 30 simulated seconds; threshold {thr}")}>
                <rect x="0" y="0" width={w.to_string()} height={h.to_string()} fill="#f8fafc" stroke="#d8dee9" />
                <line x1="0" x2={w.to_string()} y1={format!("{:.1}", y(thr))} y2={format!("{:.1}", y(thr))} stroke="#111827" stroke-dasharray="5 4" />
                <text x="4" y={format!("{:.1}", y(thr) - 3.0)} font-size="10" fill="#111827">{ format!("threshold {thr}") }</text>
                { for starts.iter().map(|&t| html! { <line x1={format!("{:.1}", x(t))} x2={format!("{:.1}", x(t))} y1="0" y2={h.to_string()} stroke="#dc2626" stroke-width="1.5" /> }) }
                if let Some(c) = crash {
                    <line x1={format!("{:.1}", x(c))} x2={format!("{:.1}", x(c))} y1="0" y2={h.to_string()} stroke="#374151" stroke-width="2" stroke-dasharray="2 2" />
                    <text x={format!("{:.1}", x(c) + 3.0)} y="12" font-size="10" fill="#374151">{ "crash" }</text>
                }
                <polyline points={pts} fill="none" stroke="#0e7490" stroke-width="2" />
            </svg>
            <p class="hint">{ "Teal: the level (sampled as frames are drawn); dashed: the threshold; red lines: suspicion starts; grey dashed: the real crash." }</p>
        </div>
    }
}
