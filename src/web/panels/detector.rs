//! The failure-detector card (heartbeat workload with a detector, or SWIM): whether
//! completeness and accuracy hold now, the QoS measures (mistakes, their
//! duration and recurrence, query accuracy, detection times), the pair chart
//! and, up to 12 nodes, the observer × target matrix of suspicion levels
//! (for SWIM: of each observer's view, and its cost against all-to-all).

use super::super::form::PanelProps;
use super::super::host::Host;
use super::chart;
use super::cost::CostView;
use crate::sim::swim::Status;
use crate::sim::{AnyState, DetectorKind, Heartbeat, PeerHistory, Swim, Workload};
use yew::prelude::*;

/// Whether completeness and accuracy hold now, and the QoS measures: the
/// same for every detector, all-to-all or SWIM.
fn qos(host: &Host) -> Html {
    let m = host.sim.detector_metrics();
    let now = host.sim.now();
    let (tm, tmr) = m.averages();
    let secs = |v: Option<f64>| v.map_or("—".to_string(), |x| format!("{:.2} s", x / 1e6));
    let correct = m.up().to_vec();
    html! { <>
            <div class="props">
                <span class={classes!("prop", if m.complete() { "held" } else { "broken" })} data-testid="completeness">
                    { if m.complete() { "✓ completeness: every crashed node is suspected by every correct node" } else { "… completeness: some crashed node is not yet suspected by everyone" } }</span>
                <span class={classes!("prop", if m.accurate_now() { "held" } else { "broken" })} data-testid="accuracy">
                    { if m.accurate_now() { "✓ accuracy now: no correct node is suspected" } else { "✗ accuracy: a correct node is suspected right now" } }</span>
            </div>
            <dl class="kv counters" data-testid="qos">
                <dt>{ "False suspicions (mistakes)" }</dt><dd data-testid="q-mistakes">{ m.mistakes }</dd>
                <dt>{ "Mistake duration (avg)" }</dt><dd>{ secs(tm) }</dd>
                <dt>{ "Mistake recurrence (avg)" }</dt><dd>{ secs(tmr) }</dd>
                <dt>{ "Query accuracy probability" }</dt><dd data-testid="q-pa">{ format!("{:.5}", m.query_accuracy(now)) }</dd>
                { for m.detections.iter().rev().take(4).map(|d| html! { <>
                    <dt>{ format!("Detection of {} (down at {:.2} s)", d.target, d.crashed_at as f64 / 1e6) }</dt>
                    <dd data-testid="q-detect">{ if d.recovered { "recovered".to_string() } else { d.detection_time(&correct).map_or("not yet by all".to_string(), |t| format!("{:.2} s", t as f64 / 1e6)) } }</dd>
                </> }) }
            </dl>
    </> }
}

/// The SWIM card: its view of every member, its cost against all-to-all.
fn swim_view(host: &Host, sw: &Swim) -> Html {
    let n = host.nodes() as usize;
    let now = host.sim.now().max(1);
    let rate = host.sim.stats().sent as f64 / (now as f64 / 1e6);
    let period = sw.period as f64 / 1e6;
    let all = 2.0 * n as f64 * (n as f64 - 1.0) / period;
    html! {
        <section class="card" aria-labelledby="h-fd" data-testid="detector">
            <h2 id="h-fd">{ format!("Failure detector: SWIM (a probe every {period:.2} s, {} indirect, confirmed after {} periods)", sw.k, sw.suspect_periods) }</h2>
            <p class="hint">{ "Each period every node pings one member; without an ack it asks others to ping it; still nothing, and it suspects it. Suspicions spread by gossip on the pings and acks; a suspected node refutes in a newer incarnation." }</p>
            { qos(host) }
            <p class="hint" data-testid="swim-cost">{ format!(
                "Messages: {}, about 2 per node per period (2n/T = {:.0}); all-to-all heartbeats at the same period would send 2n(n−1)/T = {all:.0}.",
                if now >= 1_000_000 { format!("{rate:.0} per second measured") } else { "none yet".to_string() },
                2.0 * n as f64 / period
            ) }</p>
            <CostView period={sw.period} net={host.sim.network().config} seed={host.settings.seed} />
            if n <= 12 {
                <table class="matrix" data-testid="matrix" aria-label="Each observer's (rows) view of each member (columns)">
                    <caption>{ "Views: ✓ alive, ? suspect, ✕ dead; rows observe columns" }</caption>
                    <tr><th scope="col">{ "obs \\ tgt" }</th>{ for (0..n).map(|j| html! { <th scope="col">{ format!("n{j}") }</th> }) }</tr>
                    { for (0..n).map(|i| {
                        let row: Html = match host.sim.nodes()[i].state.as_ref() {
                            Some(AnyState::Swim(st)) => (0..n).map(|j| {
                                if i == j { return html! { <td class="self">{ format!("i{}", st.incarnation) }</td> }; }
                                let (mark, class) = match st.members[j].status {
                                    Status::Alive => ("✓", None),
                                    Status::Suspect => ("?", Some("sus")),
                                    Status::Dead => ("✕", Some("sus")),
                                };
                                html! { <td class={classes!(class)}>{ mark }</td> }
                            }).collect::<Html>(),
                            _ => html! { <td colspan={n.to_string()} class="self">{ "down" }</td> },
                        };
                        html! { <tr><th scope="row">{ format!("n{i}") }</th>{ row }</tr> }
                    }) }
                </table>
            }
        </section>
    }
}

#[component(DetectorPanel)]
pub fn detector_panel(p: &PanelProps) -> Html {
    let host = p.host.get();
    if let Workload::Swim(sw) = host.sim.protocol() {
        return swim_view(&host, sw);
    }
    let Workload::Heartbeat(Heartbeat {
        detector: Some(kind),
        ..
    }) = host.sim.protocol()
    else {
        return html! {};
    };
    let now = host.sim.now();
    let n = host.nodes() as usize;
    let thr = PeerHistory::threshold(kind);
    html! {
        <section class="card" aria-labelledby="h-fd" data-testid="detector">
            <h2 id="h-fd">{ match kind {
                DetectorKind::PhiAccrual { threshold, window, .. } => format!("Failure detector: phi accrual (threshold {threshold}, window {window})"),
                DetectorKind::FixedTimeout { timeout } => format!("Failure detector: fixed timeout ({:.2} s)", *timeout as f64 / 1e6),
            } }</h2>
            <p class="hint">{ "Select a node to see, around every other node, how much it suspects it (the ring fills toward the tick, the threshold; “?” = suspected)." }</p>
            { qos(&host) }
            { chart::view(&host, kind, &p.on) }
            <CostView period={host.settings.interval_us()} net={host.sim.network().config} seed={host.settings.seed} />
            if n <= 12 {
                <table class="matrix" data-testid="matrix" aria-label="Suspicion of each target (columns) by each observer (rows)">
                    <caption>{ format!("Suspicion levels (threshold {thr}); rows observe columns") }</caption>
                    <tr><th scope="col">{ "obs \\ tgt" }</th>{ for (0..n).map(|j| html! { <th scope="col">{ format!("n{j}") }</th> }) }</tr>
                    { for (0..n).map(|i| {
                        let node = &host.sim.nodes()[i];
                        let row: Html = match node.state.as_ref() {
                            Some(AnyState::Hb(st)) if !st.fd.is_empty() => {
                                let local = node.clock.local_at(now);
                                (0..n).map(|j| {
                                    if i == j { return html! { <td class="self">{ "·" }</td> }; }
                                    let h = &st.fd[j];
                                    let lvl = h.level(local, kind);
                                    let heat = (lvl / thr).clamp(0.0, 1.0);
                                    html! { <td class={classes!(h.suspected.then_some("sus"))} style={format!("background: rgba(220, 38, 38, {:.2})", 0.08 + 0.5 * heat)}>
                                        { format!("{}{:.1}", if h.suspected { "?" } else { "" }, lvl) }</td> }
                                }).collect::<Html>()
                            }
                            _ => html! { <td colspan={n.to_string()} class="self">{ "down" }</td> },
                        };
                        html! { <tr><th scope="row">{ format!("n{i}") }</th>{ row }</tr> }
                    }) }
                </table>
            }
        </section>
    }
}
