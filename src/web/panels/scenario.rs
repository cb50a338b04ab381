//! The "Scenario" card: the built-in library menu, opening a scenario file,
//! copying links (to this moment, or to replay) and embed code, saving the
//! scenario file and the trace, and what the last copy or save did.

use super::super::form::{select_value, PanelProps};
use super::super::intent::Intent;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ScenarioProps {
    /// What the last copy or save did.
    pub status: Option<String>,
    /// The last link or code copied, shown for copying by hand.
    pub text: String,
    pub panel: PanelProps,
}

#[component(ScenarioPanel)]
pub fn scenario_panel(p: &ScenarioProps) -> Html {
    let host = p.panel.host.get();
    let on = &p.panel.on;
    let send = |i: fn() -> Intent| {
        let on = on.clone();
        Callback::from(move |_: MouseEvent| on.emit(i()))
    };
    let onfile = {
        let on = on.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let file = input.files().and_then(|f| f.get(0));
            input.set_value("");
            if let Some(f) = file {
                on.emit(Intent::OpenFile(f));
            }
        })
    };
    let onlibrary = {
        let on = on.clone();
        Callback::from(move |e: Event| on.emit(Intent::LoadLibrary(select_value(&e))))
    };
    let library_id = host.library_id.as_str();
    let lesson_id = host
        .lesson
        .as_ref()
        .map(|l| l.player.id.clone())
        .unwrap_or_default();
    let onlesson = {
        let on = on.clone();
        Callback::from(move |e: Event| on.emit(Intent::LessonStart(select_value(&e))))
    };
    html! {
        <section class="card" aria-labelledby="h-share">
            <h2 id="h-share">{ "Scenario" }</h2>
            <div class="field">
                <label for="f-lesson">{ "Lessons: predict, then watch" }</label>
                <select id="f-lesson" data-testid="f-lesson" onchange={onlesson}>
                    <option value="" selected={lesson_id.is_empty()}>{ if lesson_id.is_empty() { "Choose a lesson…" } else { "(leave the lesson)" } }</option>
                    { for crate::lesson::titles().iter().enumerate().map(|(i, (id, title))| html! {
                        <option value={*id} selected={lesson_id == *id}>{ format!("{}. {title}", i + 1) }</option>
                    }) }
                </select>
                <p class="hint"><a href="static/lessons.html" target="_blank" rel="noopener">{ "All lessons on one course page ↗" }</a></p>
            </div>
            <div class="field">
                <label for="f-library">{ "Built-in scenarios" }</label>
                <select id="f-library" data-testid="f-library" onchange={onlibrary}>
                    <option value="" selected={library_id.is_empty()} disabled=true>{ "Choose an idea to see…" }</option>
                    { for crate::library::titles().iter().map(|(id, title)| html! {
                        <option value={*id} selected={library_id == *id}>{ title.clone() }</option>
                    }) }
                </select>
            </div>
            <div class="field">
                <label for="f-file">{ "Open a scenario file (.json)" }</label>
                <input id="f-file" data-testid="f-file" type="file" accept=".json,application/json" onchange={onfile} />
                <p class="hint">{ "…or drop one anywhere on the page." }</p>
            </div>
            <div class="btns wrap">
                <button data-testid="copy-link" onclick={send(|| Intent::CopyLink(true))}
                    title="A link that opens this run at this moment, paused">{ "Copy link to this moment" }</button>
                <button data-testid="copy-link-start" onclick={send(|| Intent::CopyLink(false))}
                    title="A link that replays this run from the start, your actions included">{ "Copy link to replay" }</button>
                <button data-testid="copy-embed" onclick={send(|| Intent::CopyEmbed)}
                    title="An iframe for a course page">{ "Copy embed code" }</button>
            </div>
            <div class="btns wrap">
                <button data-testid="export-setup" onclick={send(|| Intent::ExportSetup)}>{ "Save scenario file" }</button>
                <button data-testid="export-trace" onclick={send(|| Intent::ExportTrace)}>{ "Save trace (JSON)" }</button>
            </div>
            if let Some(st) = &p.status {
                <p class="hint" role="status" data-testid="share-status">{ st }</p>
            }
            if !p.text.is_empty() {
                <div class="field">
                    <label for="f-share">{ "Copied text" }</label>
                    <textarea id="f-share" data-testid="share-text" readonly=true rows="3" value={p.text.clone()} />
                </div>
            }
        </section>
    }
}
