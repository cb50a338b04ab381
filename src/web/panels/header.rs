//! The page header: the title, the transport (play, step, reset, help, speed,
//! a "can't keep up" warning) and the run's counters and trace digest.

use super::super::form::fmt_s;
use super::super::form::PanelProps;
use super::super::intent::Intent;
use super::transport::Transport;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// A speed factor for display: two decimals below 1×, one below 10×.
pub fn fmt_speed(s: f64) -> String {
    if s < 1.0 {
        format!("{s:.2}")
    } else if s < 10.0 {
        format!("{s:.1}")
    } else {
        format!("{s:.0}")
    }
}

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    #[prop_or_default]
    pub help_open: bool,
    pub panel: PanelProps,
}

#[component(Header)]
pub fn header(p: &HeaderProps) -> Html {
    let host = p.panel.host.get();
    let on = p.panel.on.clone();
    let s = host.sim.stats();
    let help = {
        let on = on.clone();
        Callback::from(move |_: MouseEvent| on.emit(Intent::ToggleHelp))
    };
    let speed = {
        let on = on.clone();
        Callback::from(move |e: InputEvent| {
            let v: f64 = e
                .target_unchecked_into::<HtmlInputElement>()
                .value()
                .parse()
                .unwrap_or(0.0);
            on.emit(Intent::Speed(10f64.powf(v)))
        })
    };
    html! {
        <header class="top">
            <h1>{ "distsim" }<span class="sub">{ " · watch a distributed system" }</span></h1>
            <div class="transport" role="group" aria-label="Simulation">
                <Transport playing={host.playing} on={on.clone()} />
                <button data-testid="help" aria-keyshortcuts="?" aria-expanded={p.help_open.to_string()} aria-label="Keyboard shortcuts (?)" onclick={help}>{ "?" }</button>
                <label class="speed">
                    <span>{ "Speed" }</span>
                    <input type="range" min="-1" max="3" step="0.01" aria-label="Simulation speed" data-testid="speed"
                        value={ host.speed.log10().to_string() } oninput={speed} />
                    <output>{ format!("{}×", fmt_speed(host.speed)) }</output>
                </label>
                if host.lagging && host.playing {
                    <span class="lag" role="status" data-testid="lagging"
                        title="Too many events per second for this machine: the run advances more slowly than the speed asks. Results are unchanged.">
                        { format!("⚠ can't keep up: ~{}×", fmt_speed(host.effective_speed.max(0.0))) }
                    </span>
                }
            </div>
            <dl class="stats" data-testid="stats">
                <div><dt>{ "true time" }</dt><dd data-testid="time">{ fmt_s(host.sim.now()) }</dd></div>
                <div><dt>{ "events" }</dt><dd data-testid="events">{ s.events }</dd></div>
                <div><dt>{ "in flight" }</dt><dd data-testid="inflight">{ host.sim.in_flight() }</dd></div>
                <div><dt>{ "delivered" }</dt><dd>{ s.delivered }</dd></div>
                <div><dt>{ "lost" }</dt><dd>{ s.lost }</dd></div>
                <div><dt>{ "blocked" }</dt><dd>{ s.blocked }</dd></div>
                <div><dt>{ "to crashed" }</dt><dd>{ s.to_down }</dd></div>
                <div><dt>{ "duplicated" }</dt><dd>{ s.duplicated }</dd></div>
                <div title="A hash of every event so far: same seed and same actions give the same digest">
                    <dt>{ "trace digest" }</dt><dd class="mono" data-testid="digest">{ format!("{:016x}", host.sim.digest()) }</dd></div>
            </dl>
        </header>
    }
}
