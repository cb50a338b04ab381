//! The "Recent events" card: the last few trace entries, newest first.

use super::super::form::PanelProps;
use crate::sim::{Note, TraceKind};
use yew::prelude::*;

#[component(Log)]
pub fn log(p: &PanelProps) -> Html {
    let host = p.host.get();
    html! {
        <section class="card" aria-labelledby="h-log">
            <h2 id="h-log">{ "Recent events" }</h2>
            <ol class="log mono" data-testid="log">
                // Queue lengths are drawn as the queues; here they would
                // crowd out everything else.
                { for host.sim.trace().recent().rev().filter(|e| !matches!(e.kind, TraceKind::Note { note: Note::KvQueue { .. }, .. })).take(14).map(|e| {
                    let cls = match &e.kind {
                        TraceKind::Drop { .. } => "drop",
                        TraceKind::Command(_) => "cmd",
                        TraceKind::Deliver { .. } => "deliver",
                        _ => "",
                    };
                    // Keyed by the entry's place in the trace: a new event
                    // inserts a row and drops the oldest, instead of
                    // rewriting every row's text (60 text changes a second
                    // at 5 nodes, each costing the browser style and layout).
                    html! { <li key={e.index} class={cls}>{ e.to_string() }</li> }
                }) }
            </ol>
        </section>
    }
}
