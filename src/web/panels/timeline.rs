//! The timeline under the picture: back to the start, one event back, a
//! scrubber over the whole run so far, where the run is, and (when the run
//! was taken back in time) what playing and acting will do.

use super::super::form::PanelProps;
use super::super::intent::Intent;
use crate::scenario::View;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[component(TimelineBar)]
pub fn timeline_bar(p: &PanelProps) -> Html {
    let host = p.host.get();
    let now = host.sim.now();
    let (_, end) = host.timeline.horizon();
    let end = end.max(now);
    let behind = host.timeline.is_behind(&host.sim);
    let send = |i: fn() -> Intent| {
        let on = p.on.clone();
        Callback::from(move |_: MouseEvent| on.emit(i()))
    };
    let scrub = {
        let on = p.on.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(t) = v.parse::<f64>() {
                on.emit(Intent::SeekTime(t.max(0.0) as u64));
            }
        })
    };
    let secs = |us: u64| format!("{:.3}", us as f64 / 1e6);
    let marks = host.marks();
    let suspicions = host.suspicion_marks();
    let violation = host.sim.metrics().first_violation.is_some();
    let broken: Vec<(usize, crate::sim::Safety)> = crate::sim::Safety::ALL
        .into_iter()
        .enumerate()
        .filter(|(_, p)| host.sim.consensus().first.contains_key(p))
        .collect();
    let jump = {
        let on = p.on.clone();
        Callback::from(move |e: Event| {
            let v = super::super::form::select_value(&e);
            e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                .set_value("");
            let intent = match v.as_str() {
                "start" => Some(Intent::SeekStart),
                "violation" => Some(Intent::JumpToViolation),
                other if other.starts_with("safety:") => other[7..]
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| crate::sim::Safety::ALL.get(i).copied())
                    .map(Intent::JumpToSafety),
                other => other
                    .split_once('@')
                    .and_then(|(a, b)| Some(Intent::SeekPoint(a.parse().ok()?, b.parse().ok()?))),
            };
            if let Some(i) = intent {
                on.emit(i);
            }
        })
    };
    html! {
        <div class="timeline" role="group" aria-label="Timeline">
            <button data-testid="seek-start" aria-keyshortcuts="Home" aria-label="Back to the start of the run (Home)"
                onclick={send(|| Intent::SeekStart)}>{ "⇤ Start" }</button>
            <button data-testid="step-back" aria-keyshortcuts="ArrowLeft" aria-label="−1 Step: back one event (←)"
                onclick={send(|| Intent::StepBack)}>{ "−1 Step" }</button>
            <input type="range" data-testid="timeline" min="0" max={end.to_string()} step="1000"
                value={now.to_string()} oninput={scrub}
                aria-label="Run timeline: drag to go back or forward in time"
                aria-valuetext={format!("{} s of {} s", secs(now), secs(end))} />
            <span class="tl-time mono" data-testid="timeline-time">{ format!("{} / {} s", secs(now), secs(end)) }</span>
            <select class="tl-jump" data-testid="jump-to" aria-label="Jump to a moment of the run" onchange={jump}>
                <option value="" selected=true disabled=true>{ "Jump to…" }</option>
                <option value="start">{ "the start" }</option>
                if !marks.is_empty() {
                    <optgroup label="Actions">
                        { for marks.iter().map(|(e, t, what)| html! {
                            <option value={format!("{e}@{t}")}>{ format!("{} s: {}", secs(*t), what) }</option>
                        }) }
                    </optgroup>
                }
                if !suspicions.is_empty() {
                    <optgroup label="First suspicions">
                        { for suspicions.iter().map(|(e, t, what)| html! {
                            <option value={format!("{e}@{t}")}>{ format!("{} s: {}", secs(*t), what) }</option>
                        }) }
                    </optgroup>
                }
                if violation {
                    <option value="violation">{ "the first broken guarantee" }</option>
                }
                { for broken.iter().map(|(i, p)| html! {
                    <option value={format!("safety:{i}")}>{ format!("the first broken {}", p.name()) }</option>
                }) }
            </select>
            <div class="views" role="group" aria-label="Picture">
                { for [(View::Ring, "Ring"), (View::SpaceTime, "Space-time"), (View::Both, "Both")].into_iter().map(|(v, label)| {
                    let on = p.on.clone();
                    html! {
                        <button class={classes!("view-btn", (host.page.view == v).then_some("on"))} data-testid={format!("view-{}", v.name())}
                            aria-pressed={(host.page.view == v).to_string()} onclick={Callback::from(move |_| on.emit(Intent::View(v)))}>{ label }</button>
                    }
                }) }
            </div>
            if behind {
                <span class="tl-behind" data-testid="behind" role="status"
                    title="Going back rebuilt the run exactly from a snapshot. Play or step to replay what happened next; any action you take now starts a new branch.">
                    { "↶ back in time · play replays · acting starts a new branch" }
                </span>
            }
        </div>
    }
}
