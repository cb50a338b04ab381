//! The play / step / reset buttons, written once for the full page's header
//! (with words) and the embed bar (symbols only).

use super::super::intent::Intent;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TransportProps {
    pub playing: bool,
    /// Symbols only, for the embed bar.
    #[prop_or_default]
    pub compact: bool,
    pub on: Callback<Intent>,
}

#[component(Transport)]
pub fn transport(p: &TransportProps) -> Html {
    let emit = |i: fn() -> Intent| {
        let on = p.on.clone();
        Callback::from(move |_: MouseEvent| on.emit(i()))
    };
    let (play, step, reset) = match (p.compact, p.playing) {
        (false, true) => ("❚❚ Pause", "+1 Step", "↺ Reset"),
        (false, false) => ("▶ Play", "+1 Step", "↺ Reset"),
        (true, true) => ("❚❚", "+1", "↺"),
        (true, false) => ("▶", "+1", "↺"),
    };
    let (step_label, reset_label) = if p.compact {
        ("+1 step: one event (S)", "Start again (R)")
    } else {
        ("+1 Step: one event (S)", "Reset the run (R)")
    };
    html! { <>
        <button class="primary" data-testid="play" aria-keyshortcuts="Space" onclick={emit(|| Intent::TogglePlay)}
            aria-label={ if p.playing { "Pause (Space)" } else { "Play (Space)" } }>{ play }</button>
        <button data-testid="step" aria-keyshortcuts="S" aria-label={step_label} onclick={emit(|| Intent::Step)}>{ step }</button>
        <button data-testid="reset" aria-keyshortcuts="R" aria-label={reset_label} onclick={emit(|| Intent::Reset)}>{ reset }</button>
    </> }
}
