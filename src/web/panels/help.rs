//! The keyboard-shortcut help dialog (? or H).

use super::super::intent::Intent;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub on: Callback<Intent>,
}

#[component(Help)]
pub fn help(p: &HelpProps) -> Html {
    let on = p.on.clone();
    html! {
        <div class="help" role="dialog" aria-label="Keyboard shortcuts" data-testid="help-panel">
            <h2>{ "Keyboard shortcuts" }</h2>
            <dl class="kv">
                <dt><kbd>{ "Space" }</kbd>{ " or " }<kbd>{ "K" }</kbd></dt><dd>{ "play / pause" }</dd>
                <dt><kbd>{ "S" }</kbd>{ ", " }<kbd>{ "." }</kbd>{ " or " }<kbd>{ "→" }</kbd></dt><dd>{ "step exactly one event" }</dd>
                <dt><kbd>{ "←" }</kbd>{ " or " }<kbd>{ "," }</kbd></dt><dd>{ "step back one event (the run is rebuilt exactly)" }</dd>
                <dt><kbd>{ "Home" }</kbd></dt><dd>{ "back to the start of the run" }</dd>
                <dt><kbd>{ "R" }</kbd></dt><dd>{ "reset the run (same seed)" }</dd>
                <dt><kbd>{ "+" }</kbd>{ " / " }<kbd>{ "−" }</kbd></dt><dd>{ "double / halve the speed" }</dd>
                <dt><kbd>{ "Tab" }</kbd></dt><dd>{ "move between nodes and controls; Enter selects a node" }</dd>
                <dt><kbd>{ "C" }</kbd></dt><dd>{ "crash or recover the selected node" }</dd>
                <dt><kbd>{ "M" }</kbd></dt><dd>{ "select the next message on its way" }</dd>
                <dt><kbd>{ "X" }</kbd></dt><dd>{ "drop the selected message (recorded, replayed by links)" }</dd>
                <dt><kbd>{ "Esc" }</kbd></dt><dd>{ "deselect, close this help" }</dd>
                <dt><kbd>{ "?" }</kbd>{ " or " }<kbd>{ "H" }</kbd></dt><dd>{ "show / hide this help" }</dd>
            </dl>
            <p class="hint">{ "Important events (crashes, suspicions, broken guarantees) are announced to screen readers, at most one update every 1.5 s." }</p>
            <button onclick={Callback::from(move |_| on.emit(Intent::ToggleHelp))}>{ "Close" }</button>
        </div>
    }
}
