//! The "Inspector" card: the selected node (state, clocks, counters, pending
//! timers, and its failure controls) or the selected message (route, payload,
//! times, status), or a hint when nothing is selected.

use super::super::draw;
use super::super::form::{fmt_local, fmt_s, PanelProps};
use super::super::host::Selection;
use super::failures::{FaultForm, NodeFailures};
use crate::sim::{heartbeat::FD_TIMER_BASE, DropReason, NodeId, Payload, Protocol};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub faults: Rc<FaultForm>,
    pub panel: PanelProps,
}

#[component(Inspector)]
pub fn inspector(p: &InspectorProps) -> Html {
    let host = p.panel.host.get();
    let sim = &host.sim;
    let body = match &host.selection {
        Selection::None => {
            html! { <p class="hint">{ "Click a node (or Tab to it) or a moving message to inspect it. Keys: Space play/pause · S step · R reset · +/− speed · C crash/recover the selected node · Esc deselect." }</p> }
        }
        Selection::Node(i) => {
            let i = *i;
            let node = &sim.nodes()[i as usize];
            let c = sim.node_ctx(NodeId(i));
            let now = sim.now();
            let rows: Vec<(String, String)> = node
                .state
                .as_ref()
                .map(|st| sim.protocol().describe(st, &c))
                .unwrap_or_default();
            let fd_timers = || node.timers.iter().filter(|t| t.tag >= FD_TIMER_BASE);
            html! {
                <div data-testid="inspector-node">
                    <p class="big">
                        { match draw::node_name(sim, i as usize) { name if name == format!("n{i}") => format!("Node n{i} "), name => format!("Node n{i} ({name}) ") } }
                        if node.is_up() { <span class="badge up">{ "● up" }</span> }
                        else { <span class="badge down" data-testid="node-down">{ format!("✕ crashed at {}", fmt_s(node.crashed_at.unwrap_or(0))) }</span> }
                    </p>
                    <dl class="kv">
                        <dt>{ "True time" }</dt><dd>{ fmt_s(now) }</dd>
                        <dt>{ "Its local clock" }</dt><dd data-testid="local-clock">{ fmt_local(c.local_now) }</dd>
                        <dt>{ "Clock offset / drift" }</dt><dd>{ format!("{:+.1} ms / {:+} ppm", node.clock.offset_us as f64 / 1000.0, node.clock.drift_ppm) }</dd>
                        <dt>{ "Sent / received" }</dt><dd>{ format!("{} / {}", node.sent, node.received) }</dd>
                        <dt>{ "Incarnation" }</dt><dd>{ node.incarnation }</dd>
                        if let Some((l, v)) = sim.logical_clock(i) {
                            <dt>{ "Lamport clock" }</dt><dd data-testid="lamport">{ l }</dd>
                            if let Some(v) = v {
                                <dt>{ "Vector clock" }</dt><dd class="mono" data-testid="vclock">{ format!("[{}]", v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ")) }</dd>
                            }
                        }
                        { for rows.iter().map(|(k, v)| html! { <><dt>{ k }</dt><dd>{ v }</dd></> }) }
                    </dl>
                    <h3>{ "Pending timers" }</h3>
                    if node.timers.is_empty() { <p class="hint">{ "none" }</p> }
                    <ul class="timers">
                        { for node.timers.iter().filter(|t| t.tag < FD_TIMER_BASE).map(|t| html! {
                            <li>{ format!("{} fires in {:.3} s (at {})", sim.protocol().timer_name(t.tag), t.fire_at.saturating_sub(now) as f64 / 1e6, fmt_s(t.fire_at)) }</li>
                        }) }
                        if let Some(next) = fd_timers().map(|t| t.fire_at).min() {
                            <li>{ format!("{} suspicion deadlines (one per trusted peer); the next in {:.3} s",
                                fd_timers().count(), next.saturating_sub(now) as f64 / 1e6) }</li>
                        }
                    </ul>
                    <NodeFailures node={i} faults={p.faults.clone()} host={p.panel.host.clone()} on={p.panel.on.clone()} />
                </div>
            }
        }
        Selection::Message(f) => {
            let now = sim.now();
            let status = match f.lost {
                Some((t, r)) if t <= now => format!(
                    "{} at {}",
                    if r == DropReason::Loss {
                        "lost in the network"
                    } else {
                        r.label()
                    },
                    fmt_s(t)
                ),
                _ if f.arrive <= now => format!("arrived at {}", fmt_s(f.arrive)),
                _ if f.depart > now => "queued at the sender (link busy)".to_string(),
                _ => "in flight".to_string(),
            };
            html! {
                <div data-testid="inspector-message">
                    <p class="big">{ format!("Message m{}", f.id) } if f.dup { <span class="badge dup">{ "duplicate copy" }</span> }
                        if f.deviant { <span class="badge byz" data-testid="deviant" title="Its Byzantine sender deviated from the protocol. The receiver cannot tell.">{ "✸ deviates from the protocol" }</span> }</p>
                    <dl class="kv">
                        <dt>{ "From → to" }</dt><dd>{ format!("{} → {}", f.from, f.to) }</dd>
                        <dt>{ "Payload" }</dt><dd>{ format!("{} ({})", f.msg, f.msg.kind()) }</dd>
                        <dt>{ "Sent at" }</dt><dd>{ fmt_s(f.sent_at) }</dd>
                        <dt>{ "Left sender" }</dt><dd>{ fmt_s(f.depart) }</dd>
                        <dt>{ "Delivery time" }</dt><dd>{ if f.lost.is_some_and(|(t, _)| t <= now) { "never".to_string() } else { fmt_s(f.arrive) } }</dd>
                        <dt>{ "Latency" }</dt><dd>{ format!("{:.1} ms", (f.arrive - f.depart) as f64 / 1000.0) }</dd>
                        <dt>{ "Status" }</dt><dd data-testid="message-status">{ status }</dd>
                    </dl>
                    if f.lost.is_none() && f.arrive > now && f.depart <= now {
                        <MessageHands id={f.id} dup={f.dup} on={p.panel.on.clone()} />
                    }
                </div>
            }
        }
    };
    let event = host.event.as_ref().map(|e| {
        let v = e.stamp.vector.as_ref().map(|v| format!("[{}]", v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ")));
        html! {
            <div class="event-box" data-testid="inspector-event">
                <p class="big">{ format!("Event: {} at {}", e.what, fmt_s(e.time)) }</p>
                <dl class="kv">
                    <dt>{ "Lamport timestamp" }</dt><dd data-testid="event-lamport">{ e.stamp.lamport }</dd>
                    if let Some(v) = v { <dt>{ "Vector clock" }</dt><dd class="mono">{ v }</dd> }
                </dl>
                <p class="hint">{ "Happened-before (→): e → f if e comes first at one node, or e sends a message that f receives, or through a chain of these. Events where neither happened before the other are concurrent." }</p>
                if e.stamp.vector.is_some() {
                    <p class="hint">{ "In the diagram: filled purple = its causal past, filled orange = its causal future, hollow = concurrent with it. e → f exactly when V(e) < V(f). Lamport timestamps only go one way: e → f implies L(e) < L(f), but a smaller L does not mean it came first — compare a hollow event's number with this one's." }</p>
                } else {
                    <p class="hint">{ "With Lamport timestamps alone, e → f implies L(e) < L(f), but not the converse: choose \u{201c}Lamport + vector clocks\u{201d} in the Run card to see the past, the future and what is concurrent." }</p>
                }
            </div>
        }
    });
    html! {
        <section class="card" aria-labelledby="h-insp">
            <h2 id="h-insp">{ "Inspector" }</h2>
            { for event }
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct HandsProps {
    id: u64,
    dup: bool,
    on: Callback<super::super::intent::Intent>,
}

/// Drop, delay or duplicate the selected message while it is in flight; each
/// is a recorded command, so replays and links reproduce it.
#[component(MessageHands)]
fn message_hands(p: &HandsProps) -> Html {
    use super::super::intent::Intent;
    use crate::sim::{Command, Tamper};
    let delay = use_state(|| "500".to_string());
    let error = use_state(|| None::<String>);
    let act = |action: Option<Tamper>| {
        let (on, id, dup, delay, error) = (p.on.clone(), p.id, p.dup, delay.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let action = match action {
                Some(a) => a,
                None => match crate::params::parse_num("Delay by (ms)", &delay, 0.001, 3_600_000.0)
                {
                    Ok(ms) => Tamper::Delay(crate::params::ms_to_us(ms)),
                    Err(e) => {
                        error.set(Some(e));
                        return;
                    }
                },
            };
            error.set(None);
            on.emit(Intent::Command(Command::Tamper { id, dup, action }));
        })
    };
    let oninput = {
        let delay = delay.clone();
        Callback::from(move |e: InputEvent| {
            delay.set(
                e.target_unchecked_into::<web_sys::HtmlInputElement>()
                    .value(),
            )
        })
    };
    html! {
        <div class="failbox" data-testid="message-hands">
            <h3>{ "Hands on this message" }</h3>
            <p class="hint">{ "As an adversarial network could. Each action is recorded: replays and links reproduce it." }</p>
            <div class="btns">
                <button class="danger" data-testid="drop-message" aria-keyshortcuts="X" onclick={act(Some(Tamper::Drop))}>{ "Drop it (X)" }</button>
                <button data-testid="duplicate-message" onclick={act(Some(Tamper::Duplicate))}>{ "Duplicate it" }</button>
            </div>
            <div class="grid2 align-end">
                <div class={classes!("field", error.is_some().then_some("invalid"))}>
                    <label for="f-delay">{ "Delay by (ms)" }</label>
                    <input id="f-delay" data-testid="f-delay" type="text" inputmode="decimal" value={(*delay).clone()} {oninput}
                        aria-invalid={error.is_some().to_string()} aria-describedby={error.is_some().then_some("f-delay-err")} />
                    if let Some(e) = &*error {
                        <p class="error" id="f-delay-err" role="alert" data-testid="f-delay-error">{ e }</p>
                    }
                </div>
                <div class="btns"><button data-testid="delay-message" onclick={act(None)}>{ "Delay it" }</button></div>
            </div>
        </div>
    }
}
