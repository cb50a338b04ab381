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
