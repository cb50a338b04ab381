//! The "Network" card: the system model (and its stabilization time), the
//! latency model and bounds, loss, duplication, bandwidth and reordering.
//! Changes apply at once, as recorded commands.

use super::super::form::{
    checked, drafts_follow_settings, select_value, FieldId, FieldMsg, Form, PanelProps,
};
use super::super::intent::Intent;
use crate::params::{self, us_to_ms as ms};
use crate::sim::{LatencyModel, NetConfig, SystemModel};
use yew::prelude::*;

const LAT_MIN: FieldId = "f-latmin";
const LAT_MEAN: FieldId = "f-latmean";
const LAT_MAX: FieldId = "f-latmax";
const LOSS: FieldId = "f-loss";
const DUP: FieldId = "f-dup";
const BANDWIDTH: FieldId = "f-bandwidth";
const GST: FieldId = "f-gst";

pub enum Msg {
    Field(FieldMsg),
    LatencyKind(String),
    Reorder(bool),
    Adversary(bool),
    Model(String),
}

impl From<FieldMsg> for Msg {
    fn from(m: FieldMsg) -> Self {
        Msg::Field(m)
    }
}

pub struct NetworkPanel {
    form: Form,
    /// The host's epoch the drafts were made for.
    epoch: u64,
    /// The latency model picked in the menu (applied with the bounds).
    lat_kind: String,
}

fn model_name(m: SystemModel) -> &'static str {
    match m {
        SystemModel::Synchronous => "sync",
        SystemModel::PartiallySynchronous { .. } => "psync",
        SystemModel::Asynchronous => "async",
    }
}

impl NetworkPanel {
    /// Validates every network field; on success applies the new network.
    fn commit(&mut self, ctx: &Context<Self>, reorder: Option<bool>, adversary: Option<bool>) {
        let current = ctx.props().host.get().sim.network().config;
        let lmin = self.form.num(LAT_MIN, "Min latency (ms)", 0.0, 3_600_000.0);
        let lmean = self
            .form
            .num(LAT_MEAN, "Mean latency (ms)", 0.0, 3_600_000.0);
        let lmax = self.form.num(LAT_MAX, "Max latency (ms)", 0.0, 3_600_000.0);
        let loss = self.form.num(LOSS, "Loss probability", 0.0, 1.0);
        let dup = self.form.num(DUP, "Duplication probability", 0.0, 1.0);
        let bw = params::parse_bandwidth("Bandwidth (msg/s per link)", &self.form.get(BANDWIDTH));
        let bw = self.form.check(BANDWIDTH, bw);
        let latency = match (lmin, lmean, lmax) {
            (Some(a), Some(m), Some(b)) => {
                let l = params::latency_model(&self.lat_kind, a, m, b);
                self.form.check(LAT_MAX, l)
            }
            _ => None,
        };
        if let (Some(latency), Some(loss), Some(duplicate), Some(bandwidth)) =
            (latency, loss, dup, bw)
        {
            let net = NetConfig {
                latency,
                loss,
                duplicate,
                reorder: reorder.unwrap_or(current.reorder),
                bandwidth,
                spikes: current.spikes,
                adversary: adversary.unwrap_or(current.adversary),
            };
            if net != current {
                ctx.props().on.emit(Intent::Network(net));
            }
        }
    }

    /// Switches the system model: the network's delay spikes.
    fn commit_model(&mut self, ctx: &Context<Self>, name: Option<String>) {
        let current = ctx.props().host.get().sim.network().config;
        let name = name.unwrap_or_else(|| model_name(SystemModel::of(&current.spikes)).to_string());
        let m = match name.as_str() {
            "psync" => match self.form.num(GST, "Stabilizes at (s)", 0.0, 86_400.0) {
                Some(g) => SystemModel::PartiallySynchronous {
                    gst: params::s_to_us(g),
                },
                None => return,
            },
            "async" => SystemModel::Asynchronous,
            _ => SystemModel::Synchronous,
        };
        let net = NetConfig {
            spikes: m.spikes(),
            ..current
        };
        if net != current {
            ctx.props().on.emit(Intent::Network(net));
        }
    }
}

impl Component for NetworkPanel {
    type Message = Msg;
    type Properties = PanelProps;

    fn create(ctx: &Context<Self>) -> Self {
        let net = ctx.props().host.get().settings.net;
        let (min, max) = net.latency.bounds();
        let mean = match net.latency {
            LatencyModel::Constant { mean } | LatencyModel::Exponential { mean, .. } => mean,
            LatencyModel::Uniform { min, max } => (min + max) / 2,
        };
        let gst = match SystemModel::of(&net.spikes) {
            SystemModel::PartiallySynchronous { gst } => format!("{}", gst as f64 / 1e6),
            _ => "20".to_string(),
        };
        NetworkPanel {
            epoch: ctx.props().host.get().epoch,
            form: Form::new([
                (LAT_MIN, ms(min)),
                (LAT_MEAN, ms(mean)),
                (LAT_MAX, ms(max)),
                (LOSS, net.loss.to_string()),
                (DUP, net.duplicate.to_string()),
                (
                    BANDWIDTH,
                    net.bandwidth.map_or(String::new(), |b| b.to_string()),
                ),
                (GST, gst),
            ]),
            lat_kind: net.latency.kind().to_string(),
        }
    }

    drafts_follow_settings!();

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Field(FieldMsg::Draft(f, v)) => {
                self.form.set(f, v);
                return false;
            }
            Msg::Field(FieldMsg::Commit(GST)) => self.commit_model(ctx, None),
            Msg::Field(FieldMsg::Commit(_)) => self.commit(ctx, None, None),
            Msg::LatencyKind(k) => {
                self.lat_kind = k;
                self.commit(ctx, None, None);
            }
            Msg::Reorder(on) => self.commit(ctx, Some(on), None),
            Msg::Adversary(on) => self.commit(ctx, None, Some(on)),
            Msg::Model(m) => self.commit_model(ctx, Some(m)),
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let host = ctx.props().host.get();
        let config = host.sim.network().config;
        let model = SystemModel::of(&config.spikes);
        let f = |id, label, hint, mode| self.form.field(link, id, label, hint, mode);
        let kind = self.lat_kind.as_str();
        html! {
            <section class="card" aria-labelledby="h-net">
                <h2 id="h-net">{ "Network" }</h2>
                <p class="hint">{ "Takes effect immediately and is recorded in the trace." }</p>
                <div class="grid2 align-end">
                    <div class="field">
                        <label for="f-model">{ "System model" }</label>
                        <select id="f-model" data-testid="f-model" onchange={link.callback(|e: Event| Msg::Model(select_value(&e)))}>
                            { for [("sync", "synchronous (delays bounded)"), ("psync", "partially synchronous"), ("async", "asynchronous (rare huge delays)")].iter().map(|(v, l)| {
                                html! { <option value={*v} selected={model_name(model) == *v}>{ *l }</option> }
                            }) }
                        </select>
                    </div>
                    if matches!(model, SystemModel::PartiallySynchronous { .. }) {
                        { f(GST, "Stabilizes at (s)", "global stabilization time: bounded delays after it", "decimal") }
                    }
                </div>
                <p class="hint">{ match model {
                    SystemModel::Synchronous => "Synchronous: every delay is within the latency bounds, so a timeout derived from them never suspects a live node.".to_string(),
                    SystemModel::PartiallySynchronous { gst } => format!("Partially synchronous: before {:.1} s (GST), 5% of messages get an extra delay with no fixed bound, but every message arrives by GST plus the normal latency; after that, delays are bounded and false suspicions stop.", gst as f64 / 1e6),
                    SystemModel::Asynchronous => "Asynchronous: 5% of messages get an extra delay with no upper bound (median 0.8 s; one in 20 of them over 10 s, one in 250 over a minute), and a link delivers in order, so a late one holds up the rest. Any timeout, however long, will sometimes suspect a node that is only slow: a perfect detector is impossible.".to_string(),
                } }</p>
                <div class="field">
                    <label for="f-latkind">{ "Latency model" }</label>
                    <select id="f-latkind" data-testid="f-latkind" onchange={link.callback(|e: Event| Msg::LatencyKind(select_value(&e)))}>
                        { for [("constant", "constant (= mean)"), ("uniform", "uniform (min to max)"), ("exponential", "exponential (long tail)")].iter().map(|(v, l)| html! {
                            <option value={*v} selected={kind == *v}>{ *l }</option>
                        }) }
                    </select>
                </div>
                <div class="grid3">
                    { f(LAT_MIN, "min (ms)", "smallest latency", "decimal") }
                    { f(LAT_MEAN, "mean (ms)", "average latency (constant and exponential)", "decimal") }
                    { f(LAT_MAX, "max (ms)", "largest latency", "decimal") }
                </div>
                <div class="grid2">
                    { f(LOSS, "Loss probability", "0 to 1", "decimal") }
                    { f(DUP, "Duplication probability", "0 to 1", "decimal") }
                    { f(BANDWIDTH, "Bandwidth (msg/s per link)", "empty = unlimited", "numeric") }
                    <div class="field check">
                        <label>
                            <input type="checkbox" data-testid="f-reorder" checked={config.reorder}
                                onchange={link.callback(|e: Event| Msg::Reorder(checked(&e)))} />
                            { " Reordering" }
                        </label>
                        <p class="hint">{ if config.reorder { "messages may overtake each other" } else { "each link is FIFO" } }</p>
                    </div>
                    <div class="field check">
                        <label>
                            <input type="checkbox" data-testid="f-adversary" checked={config.adversary}
                                onchange={link.callback(|e: Event| Msg::Adversary(checked(&e)))} />
                            { " Adversary" }
                        </label>
                        <p class="hint">{ "holds each heartbeat until just after its observer's detector suspects the sender: a live node is suspected every time" }</p>
                    </div>
                </div>
            </section>
        }
    }
}
