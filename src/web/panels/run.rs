//! The "Run" card: workload, number of nodes, seed, heartbeat interval, the
//! failure detector and its parameter, and the clocks' offset and drift.
//! Changing any of them starts a new run.

use super::super::form::{
    drafts_follow_settings, select_value, FieldId, FieldMsg, Form, PanelProps,
};
use super::super::intent::Intent;
use crate::params::{self, us_to_ms as ms, LogicalClocks, Settings, WorkloadKind};
use crate::sim::DetectorKind;
use yew::prelude::*;

const NODES: FieldId = "f-nodes";
const SEED: FieldId = "f-seed";
const INTERVAL: FieldId = "f-interval";
const OFFSET: FieldId = "f-offset";
const DRIFT: FieldId = "f-drift";
const FD_TIMEOUT: FieldId = "f-fdtimeout";
const PHI: FieldId = "f-phithreshold";

pub enum Msg {
    Field(FieldMsg),
    Workload(String),
    Detector(String),
    Logical(String),
    DeriveTimeout,
}

impl From<FieldMsg> for Msg {
    fn from(m: FieldMsg) -> Self {
        Msg::Field(m)
    }
}

pub struct RunPanel {
    form: Form,
    /// The host's epoch the drafts were made for.
    epoch: u64,
}

/// The detector's name as the menu knows it.
fn detector_name(d: Option<DetectorKind>, swim: bool) -> &'static str {
    match d {
        None if swim => "swim",
        None => "none",
        Some(DetectorKind::FixedTimeout { .. }) => "timeout",
        Some(_) => "phi",
    }
}

impl RunPanel {
    /// Validates one run field; on success starts a new run with it.
    fn commit_field(&mut self, f: FieldId, ctx: &Context<Self>) {
        let text = self.form.get(f);
        let mut s = ctx.props().host.get().settings.clone();
        let r: Result<(), String> = match f {
            NODES => params::parse_int("Nodes", &text, 1, params::MAX_NODES as u64).and_then(|v| {
                // The service needs its own nodes plus a client.
                match params::kv_problem(&s.kv, v as u32) {
                    Some(e) if s.workload == WorkloadKind::Kv => {
                        Err(e.replacen("servers: ", "Nodes: ", 1))
                    }
                    _ => {
                        s.nodes = v as u32;
                        Ok(())
                    }
                }
            }),
            SEED => params::parse_seed(&text).map(|v| s.seed = v),
            INTERVAL => params::parse_num("Heartbeat interval (ms)", &text, 10.0, 60_000.0)
                .map(|v| s.interval_ms = v),
            OFFSET => params::parse_num("Max clock offset (ms)", &text, 0.0, 60_000.0)
                .map(|v| s.clocks.max_offset_us = params::ms_to_us(v)),
            DRIFT => params::parse_int("Max clock drift (ppm)", &text, 0, 100_000)
                .map(|v| s.clocks.max_drift_ppm = v as u32),
            _ => {
                self.commit_detector(None, ctx);
                return;
            }
        };
        if self.form.check(f, r).is_some() {
            self.new_run(s, ctx);
        }
    }

    fn new_run(&self, s: Settings, ctx: &Context<Self>) {
        if s != ctx.props().host.get().settings {
            ctx.props().on.emit(Intent::NewRun(Box::new(s)));
        }
    }

    /// Picks the failure detector (or changes its parameter): a new run.
    /// Returns whether the fields were valid.
    fn commit_detector(&mut self, kind: Option<String>, ctx: &Context<Self>) -> bool {
        let mut s = ctx.props().host.get().settings.clone();
        let kind = kind.unwrap_or_else(|| detector_name(s.detector, s.swim).to_string());
        s.swim = kind == "swim";
        s.detector = match kind.as_str() {
            "timeout" => {
                let Some(t) = self
                    .form
                    .num(FD_TIMEOUT, "Suspect after (ms)", 1.0, 600_000.0)
                else {
                    return false;
                };
                Some(DetectorKind::FixedTimeout {
                    timeout: params::ms_to_us(t),
                })
            }
            "phi" => {
                let Some(t) = self.form.num(PHI, "Phi threshold", 0.1, 50.0) else {
                    return false;
                };
                let DetectorKind::PhiAccrual {
                    window,
                    min_std,
                    pause,
                    first_estimate,
                    ..
                } = DetectorKind::AKKA
                else {
                    unreachable!()
                };
                Some(DetectorKind::PhiAccrual {
                    threshold: t,
                    window,
                    min_std,
                    pause,
                    first_estimate,
                })
            }
            _ => None,
        };
        self.new_run(s, ctx);
        true
    }
}

impl Component for RunPanel {
    type Message = Msg;
    type Properties = PanelProps;

    fn create(ctx: &Context<Self>) -> Self {
        let s = ctx.props().host.get().settings.clone();
        let (t, p) = match s.detector {
            Some(DetectorKind::FixedTimeout { timeout }) => (timeout, 8.0),
            Some(DetectorKind::PhiAccrual { threshold, .. }) => (3_000_000, threshold),
            None => (3_000_000, 8.0),
        };
        RunPanel {
            epoch: ctx.props().host.get().epoch,
            form: Form::new([
                (NODES, s.nodes.to_string()),
                (SEED, s.seed.to_string()),
                (INTERVAL, s.interval_ms.to_string()),
                (OFFSET, ms(s.clocks.max_offset_us)),
                (DRIFT, s.clocks.max_drift_ppm.to_string()),
                (FD_TIMEOUT, ms(t)),
                (PHI, p.to_string()),
            ]),
        }
    }

    drafts_follow_settings!();

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Field(FieldMsg::Draft(f, v)) => {
                self.form.set(f, v);
                return false;
            }
            Msg::Field(FieldMsg::Commit(f)) => self.commit_field(f, ctx),
            Msg::Workload(k) => {
                let mut s = ctx.props().host.get().settings.clone();
                s.workload = match k.as_str() {
                    "rpc" => WorkloadKind::Rpc,
                    "raft" => WorkloadKind::Raft,
                    "kv" => WorkloadKind::Kv,
                    _ => WorkloadKind::Heartbeat,
                };
                if s.workload == WorkloadKind::Kv {
                    // Heartbeats of a service are fast; it needs its
                    // servers plus clients.
                    s.interval_ms = s.interval_ms.min(100.0);
                    s.nodes = s.nodes.max(s.kv.service_nodes() + 3);
                    self.form.set(NODES, s.nodes.to_string());
                }
                if s.workload != WorkloadKind::Heartbeat && s.nodes < 2 {
                    s.nodes = 4;
                    self.form.set(NODES, "4".into());
                }
                self.new_run(s, ctx);
            }
            Msg::Detector(k) => {
                self.commit_detector(Some(k), ctx);
            }
            Msg::Logical(k) => {
                let mut s = ctx.props().host.get().settings.clone();
                s.logical = match k.as_str() {
                    "lamport" => LogicalClocks::Lamport,
                    "vector" => LogicalClocks::Vector,
                    _ => LogicalClocks::Off,
                };
                self.new_run(s, ctx);
            }
            Msg::DeriveTimeout => {
                // The synchronous bound: a heartbeat every I (sender's clock) is at most
                // (1+ρ)(I/(1−ρ) + max latency) apart on the observer's clock.
                let t = {
                    let host = ctx.props().host.get();
                    let r = host.settings.clocks.max_drift_ppm as f64 / 1e6;
                    let max = host.sim.network().config.latency.bounds().1 as f64;
                    (1.0 + r) * (host.settings.interval_us() as f64 / (1.0 - r) + max) + 1_000.0
                };
                let ms = (t / 1000.0).ceil();
                self.form.set(FD_TIMEOUT, format!("{ms:.1}"));
                if self.commit_detector(Some("timeout".into()), ctx) {
                    ctx.props().on.emit(Intent::Notice(Some(format!("Timeout derived from the bounds: {ms:.0} ms. In the synchronous model it never suspects a live node."))));
                }
            }
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let host = ctx.props().host.get();
        let s = &host.settings;
        let f = |id, label, hint, mode| self.form.field(link, id, label, hint, mode);
        let cur = detector_name(s.detector, s.swim);
        html! {
            <section class="card" aria-labelledby="h-run">
                <h2 id="h-run">{ "Run" }</h2>
                <p class="hint">{ "Changing these starts a new run. Same seed + same actions = same run (compare the digest)." }</p>
                <div class="field">
                    <label for="f-workload">{ "Workload" }</label>
                    <select id="f-workload" data-testid="f-workload" onchange={link.callback(|e: Event| Msg::Workload(select_value(&e)))}>
                        <option value="heartbeat" selected={s.workload == WorkloadKind::Heartbeat}>{ "Heartbeats (every node pings every other)" }</option>
                        <option value="rpc" selected={s.workload == WorkloadKind::Rpc}>{ "Clients and a server (delivery semantics)" }</option>
                        <option value="raft" selected={s.workload == WorkloadKind::Raft}>{ "Raft consensus (leader election, replicated log)" }</option>
                        <option value="kv" selected={s.workload == WorkloadKind::Kv}>{ "Key-value service (performance, scalability, availability)" }</option>
                    </select>
                </div>
                <div class="grid2">
                    { f(NODES, "Nodes", "1 to 300", "numeric") }
                    { f(SEED, "Seed", "any whole number", "numeric") }
                    if s.workload != WorkloadKind::Rpc {
                        if s.workload == WorkloadKind::Raft {
                            { f(INTERVAL, "Leader heartbeat every (ms)", "local time between AppendEntries rounds", "decimal") }
                        } else if s.workload == WorkloadKind::Kv {
                            { f(INTERVAL, "Heartbeat every (ms)", "workers to the balancer, a primary to its backups", "decimal") }
                        } else if s.swim {
                            { f(INTERVAL, "Protocol period (ms)", "each node probes one member per period", "decimal") }
                        } else {
                            { f(INTERVAL, "Heartbeat every (ms)", "local time between ping rounds", "decimal") }
                        }
                        <div class="field">
                            <label for="f-detector">{ "Failure detector" }</label>
                            <select id="f-detector" data-testid="f-detector" onchange={link.callback(|e: Event| Msg::Detector(select_value(&e)))}>
                                { for [("none", "none"), ("timeout", "fixed timeout"), ("phi", "phi accrual (Akka)"), ("swim", "SWIM (probes and gossip)")].iter().filter(|(v, _)| *v != "swim" || s.workload == WorkloadKind::Heartbeat).map(|(v, l)| {
                                    html! { <option value={*v} selected={cur == *v}>{ *l }</option> }
                                }) }
                            </select>
                        </div>
                        if cur == "timeout" {
                            { f(FD_TIMEOUT, "Suspect after (ms)", "silence before suspecting a peer", "decimal") }
                            <div class="btns"><button data-testid="derive-timeout" title="(1+ρ)(interval/(1−ρ) + max latency) + 1 ms: never wrong in the synchronous model"
                                onclick={link.callback(|_| Msg::DeriveTimeout)}>{ "Derive from the bounds" }</button></div>
                        }
                        if cur == "phi" {
                            { f(PHI, "Phi threshold", "suspect when phi exceeds this (Akka: 8)", "decimal") }
                        }
                    }
                    { f(OFFSET, "Clock offset ≤ (ms)", "each node's clock starts up to this far off", "decimal") }
                    { f(DRIFT, "Clock drift ≤ (ppm)", "each node's clock runs this much fast or slow", "numeric") }
                    <div class="field">
                        <label for="f-lclock">{ "Logical clocks" }</label>
                        <select id="f-lclock" data-testid="f-lclock" onchange={link.callback(|e: Event| Msg::Logical(select_value(&e)))}>
                            { for [(LogicalClocks::Off, "off"), (LogicalClocks::Lamport, "Lamport timestamps"), (LogicalClocks::Vector, "Lamport + vector clocks")].into_iter().map(|(v, l)| {
                                html! { <option value={v.name()} selected={s.logical == v}>{ l }</option> }
                            }) }
                        </select>
                    </div>
                </div>
            </section>
        }
    }
}
