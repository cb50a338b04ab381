//! The banner listing what was wrong with the URL or a scenario file (each
//! problem named specifically), until dismissed; in both the full page and
//! the embed.

use super::super::form::PanelProps;
use super::super::intent::Intent;
use yew::prelude::*;

#[component(Problems)]
pub fn problems(p: &PanelProps) -> Html {
    let host = p.host.get();
    if host.problems.is_empty() {
        return Html::default();
    }
    let on = p.on.clone();
    html! {
        <div class={classes!("banner", host.page.embed.then_some("embed-banner"))} role="alert" data-testid="url-errors">
            <strong>{ host.problems_title.clone() }</strong>
            <ul>{ for host.problems.iter().map(|e| html! { <li>{ e }</li> }) }</ul>
            <button onclick={Callback::from(move |_| on.emit(Intent::DismissProblems))}>{ "Dismiss" }</button>
        </div>
    }
}
