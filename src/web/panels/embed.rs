//! The embed mode's bar and "about" dialog: the shared transport, the time,
//! the scenario's title (opening its text), and "Open ↗" in the full
//! simulator. The link to open is built when it is used (pressed, clicked or
//! activated by key), not on every render: it holds every recorded command.

use super::super::form::{fmt_s, PanelProps};
use super::super::intent::Intent;
use super::transport::Transport;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EmbedBarProps {
    pub about: bool,
    pub panel: PanelProps,
}

#[component(EmbedBar)]
pub fn embed_bar(p: &EmbedBarProps) -> Html {
    let host = p.panel.host.get();
    let on = p.panel.on.clone();
    // In a lesson the bar names the lesson, and its text is the lesson's summary.
    let (title, text) = match &host.lesson {
        Some(l) => (
            format!("Lesson: {}", l.player.lesson.title),
            l.player.lesson.summary.clone(),
        ),
        None if host.setup.title.is_empty() => ("distsim".to_string(), String::new()),
        None => (host.setup.title.clone(), host.setup.description.clone()),
    };
    let about = {
        let on = on.clone();
        Callback::from(move |_: MouseEvent| on.emit(Intent::ToggleAbout))
    };
    // Sets the anchor's href to the link to this moment just before the
    // browser follows it (mousedown comes before click and the context menu;
    // a key press arrives as a click).
    let fill = |hr: super::super::host::HostRef| {
        move |e: MouseEvent| {
            // Yew delegates events, so the current target is the root: find
            // the anchor from what was pressed (the link or its text).
            if let Some(a) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest("a").ok().flatten())
                .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
            {
                a.set_href(&hr.get().full_app_link());
            }
        }
    };
    let page_base = super::super::share::page_base();
    html! { <>
        if host.page.controls {
            <div class="embed-bar" role="group" aria-label="Simulation">
                <Transport playing={host.playing} compact=true on={on.clone()} />
                <span class="embed-time mono" data-testid="time" title="Simulated time; the run pauses while out of view">{ fmt_s(host.sim.now()) }</span>
                <button class="embed-title" data-testid="about" aria-expanded={p.about.to_string()} onclick={about.clone()}
                    ><span class="info-i" aria-hidden="true">{ "i" }</span><span class="sr-only">{ "About this scenario: " }</span>{ title.clone() }</button>
                <a class="embed-open" href={page_base} target="_blank" rel="noopener" data-testid="open-full"
                    onmousedown={fill(p.panel.host.clone())} onclick={fill(p.panel.host.clone())}
                    >{ "Open ↗" }<span class="sr-only">{ " in the full simulator (new tab)" }</span></a>
            </div>
        }
        if p.about {
            <div class="about" role="dialog" aria-label="About this scenario" data-testid="about-panel">
                <h2>{ title }</h2>
                <p>{ text }</p>
                <p class="hint">{ "Keys: Space play/pause · S step · R start again · +/− speed · ? help" }</p>
                <p class="hint" data-testid="pauses-unseen">{ "It pauses while it is scrolled out of view or its tab is hidden, and goes on from where it was when you come back." }</p>
                <button onclick={about}>{ "Close" }</button>
            </div>
        }
    </> }
}
