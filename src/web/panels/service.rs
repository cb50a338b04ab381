//! The "Service" card (key-value workload only): the three pillars as
//! figures and live charts. Throughput, latency (p50/p99) and availability
//! per simulated second over the last minute, with crashes, restarts and
//! failovers marked; each server's queue; messages per request; stale reads
//! and time with two primaries. Every chart has its numbers in text too.
//! Under the charts, the service's shape and load.
//!
//! The charts are small SVGs re-rendered with the card (at most 4 times a
//! wall second while playing, and their data changes once a simulated
//! second): a few polylines of 60 points, cheaper than a canvas of our own
//! and readable by screen readers through their labels.

use super::super::form::{
    drafts_follow_settings, select_value, FieldId, FieldMsg, Form, PanelProps,
};
use super::super::intent::Intent;
use crate::params::{kv_pair, kv_problem, MAX_NODES};
use crate::sim::kv::sweep::{Sweep, SweepAxis};
use crate::sim::kv::{place_name, KvMark, MarkKind, WINDOW};
use crate::sim::{AnyState, KvWindow, Layout, Micros, Workload};
use gloo_timers::callback::Timeout;
use yew::prelude::*;

const SERVERS: FieldId = "f-servers";
const REPLICAS: FieldId = "f-replicas";
const RQ: FieldId = "f-rq";
const WQ: FieldId = "f-wq";
const SERVICE: FieldId = "f-service";
const LOAD: FieldId = "f-load";
const KEYS: FieldId = "f-keys";
const READS: FieldId = "f-reads";
const DEADLINE: FieldId = "f-deadline";
const BATCH: FieldId = "f-batch";
const LINGER: FieldId = "f-linger";
const SLOW: FieldId = "f-slow";

/// Windows the charts show.
const SPAN: usize = 60;

pub enum Msg {
    Field(FieldMsg),
    Layout(String),
    Balance(String),
    /// Start a sweep along this axis (or stop the one running).
    Sweep(SweepAxis),
    SweepTick,
}

impl From<FieldMsg> for Msg {
    fn from(m: FieldMsg) -> Self {
        Msg::Field(m)
    }
}

pub struct ServicePanel {
    form: Form,
    epoch: u64,
    /// The sweep running or done, when it started and how long it took (ms).
    sweep: Option<Sweep>,
    sweep_began: f64,
    sweep_took: Option<f64>,
    /// The next slice of the sweep (dropping it cancels the sweep).
    ticker: Option<Timeout>,
}

/// Simulated seconds each sweep point runs.
const SWEEP_SECS: u64 = 60;

/// The fields and their URL keys.
const FIELDS: [(FieldId, &str); 12] = [
    (SERVERS, "servers"),
    (REPLICAS, "replicas"),
    (RQ, "rq"),
    (WQ, "wq"),
    (SERVICE, "service"),
    (LOAD, "load"),
    (KEYS, "keys"),
    (READS, "reads"),
    (DEADLINE, "deadline"),
    (BATCH, "batch"),
    (LINGER, "linger"),
    (SLOW, "slow"),
];

fn ms(us: Micros) -> String {
    if us >= 10_000 {
        format!("{:.0} ms", us as f64 / 1000.0)
    } else {
        format!("{:.1} ms", us as f64 / 1000.0)
    }
}

fn pct(x: f64) -> String {
    if (0.9995..1.0).contains(&x) {
        "99.9%".into()
    } else {
        format!("{:.1}%", x * 100.0)
    }
}

impl ServicePanel {
    /// The next slice of the sweep, after the browser has had its turn.
    fn schedule(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        self.ticker = Some(Timeout::new(0, move || link.send_message(Msg::SweepTick)));
    }

    /// The sweep's progress, or its plots and table.
    fn sweep_view(&self, ctx: &Context<Self>, kv: &crate::sim::Kv) -> Html {
        let link = ctx.link();
        let running = self.ticker.is_some();
        let what = if kv.layout == Layout::Stateless {
            "workers"
        } else {
            "shards"
        };
        let buttons = html! {
            <div class="btns">
                <button data-testid="sweep-servers" disabled={running && self.sweep.as_ref().is_some_and(|s| s.axis != SweepAxis::Servers)}
                    onclick={link.callback(|_| Msg::Sweep(SweepAxis::Servers))}>
                    { if running && self.sweep.as_ref().is_some_and(|s| s.axis == SweepAxis::Servers) { "Stop".to_string() } else { if kv.layout == Layout::Single { "Shard it: sweep 1, 2, 4, 8, 16 shards".to_string() } else { format!("Sweep {what}: 1, 2, 4, 8, 16") } } }
                </button>
                <button data-testid="sweep-load" disabled={running && self.sweep.as_ref().is_some_and(|s| s.axis != SweepAxis::Load)}
                    onclick={link.callback(|_| Msg::Sweep(SweepAxis::Load))}>
                    { if running && self.sweep.as_ref().is_some_and(|s| s.axis == SweepAxis::Load) { "Stop".to_string() } else { "Sweep the load: 20% to 130% of capacity".to_string() } }
                </button>
            </div>
        };
        let Some(sweep) = self.sweep.as_ref() else {
            return html! { <>
                { buttons }
                <p class="hint">{ format!("Each point runs this setup for {SWEEP_SECS} simulated seconds without drawing, with the same seed; the first fifth is warm-up.") }</p>
            </> };
        };
        let done_pct = sweep.progress() * 100.0;
        let xname = match sweep.axis {
            SweepAxis::Servers => what.to_string(),
            SweepAxis::Load => "offered load (requests/s)".to_string(),
        };
        let pts = &sweep.points;
        let plots = if sweep.done() {
            let xs = sweep.xs();
            let (w, h) = (330.0, 110.0);
            let xmax = f64::from(*xs.last().unwrap_or(&1));
            let log = sweep.axis == SweepAxis::Servers;
            let x = |v: u32| {
                let f = if log {
                    f64::from(v).log2() / xmax.log2().max(1.0)
                } else {
                    f64::from(v) / xmax
                };
                14.0 + f * (w - 28.0)
            };
            let tmax = pts.iter().map(|p| p.throughput).fold(1.0, f64::max) * 1.1;
            let lmax = pts
                .iter()
                .map(|p| p.p99 as f64 / 1000.0)
                .fold(1.0, f64::max)
                * 1.1;
            let y = |v: f64, top: f64| h - 16.0 - (v / top).clamp(0.0, 1.0) * (h - 34.0);
            let line =
                |f: &dyn Fn(&crate::sim::kv::sweep::SweepPoint) -> f64, top: f64| -> String {
                    pts.iter()
                        .map(|p| format!("{:.1},{:.1} ", x(p.x), y(f(p), top)))
                        .collect()
                };
            let ticks = xs.iter().map(|&v| html! {
                <text x={format!("{:.1}", x(v))} y={(h - 4.0).to_string()} font-size="9" text-anchor="middle" fill="#4b5563">{ v }</text>
            });
            let summary = pts
                .iter()
                .map(|p| {
                    format!(
                        "{} {}: {:.0}/s, p99 {}",
                        xname,
                        p.x,
                        p.throughput,
                        ms(p.p99)
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            html! { <>
                <figure class="kv-chart">
                    <svg width="100%" viewBox={format!("0 0 {w} {h}")} role="img" data-testid="sweep-plot"
                        aria-label={format!("Throughput (teal) and p99 latency (red) against {xname}: {summary}")}>
                        <rect class="bg" x="0" y="0" width={w.to_string()} height={h.to_string()} fill="#f8fafc" stroke="#d8dee9" />
                        <text class="top" x="4" y="12" font-size="9" fill="#0e7490">{ format!("throughput (max {:.0}/s)", tmax / 1.1) }</text>
                        <text class="top" x={(w - 4.0).to_string()} y="12" font-size="9" fill="#dc2626" text-anchor="end">{ format!("p99 (max {:.0} ms)", lmax / 1.1) }</text>
                        { for ticks }
                        <polyline points={line(&|p| p.throughput, tmax)} fill="none" stroke="#0e7490" stroke-width="2" />
                        <polyline points={line(&|p| p.p99 as f64 / 1000.0, lmax)} fill="none" stroke="#dc2626" stroke-width="2" />
                        { for pts.iter().map(|p| html! { <circle cx={format!("{:.1}", x(p.x))} cy={format!("{:.1}", y(p.throughput, tmax))} r="2.5" fill="#0e7490" /> }) }
                    </svg>
                    <figcaption>{ format!("Against {xname}. ") }{ if let Some(t) = self.sweep_took { format!("Done in {:.1} s.", t / 1000.0) } else { String::new() } }</figcaption>
                </figure>
                <div class="sweep-scroll"><table class="sweep-table" data-testid="sweep-table">
                    <tr><th scope="col">{ if sweep.axis == SweepAxis::Servers { what } else { "load/s" } }</th><th scope="col">{ "throughput" }</th><th scope="col">{ "p50" }</th><th scope="col">{ "p99" }</th><th scope="col"><abbr title="answered within the deadline">{ "in time" }</abbr></th><th scope="col"><abbr title="messages per answered request">{ "msg/req" }</abbr></th></tr>
                    { for pts.iter().map(|p| html! {
                        <tr><th scope="row">{ p.x }</th><td>{ format!("{:.0}/s", p.throughput) }</td><td>{ ms(p.p50) }</td><td>{ ms(p.p99) }</td><td>{ pct(p.availability) }</td><td>{ format!("{:.1}", p.msgs_per_request) }</td></tr>
                    }) }
                </table></div>
            </> }
        } else {
            html! {}
        };
        html! { <>
            { buttons }
            if !sweep.done() {
                <div class="sweep-progress">
                    <progress data-testid="sweep-progress" max="100" value={format!("{done_pct:.0}")} aria-label="Sweep progress"></progress>
                    <span>{ format!(" {done_pct:.0}% ({} of {} points)", pts.len(), sweep.xs().len()) }</span>
                </div>
            }
            { plots }
        </> }
    }

    fn commit(&mut self, ctx: &Context<Self>, layout: Option<&str>, balance: Option<&str>) {
        let mut s = ctx.props().host.get().settings.clone();
        let mut ok = true;
        for (f, key) in FIELDS {
            let text = self.form.get(f);
            let r = kv_pair(&mut s.kv, key, &text).expect("a service key");
            ok &= self.form.check(f, r).is_some();
        }
        if let Some(l) = layout {
            let _ = kv_pair(&mut s.kv, "layout", l);
        }
        if let Some(b) = balance {
            let _ = kv_pair(&mut s.kv, "balance", b);
        }
        if !ok {
            return;
        }
        // A new shape gets the nodes it needs, and three clients at least.
        if s.kv.service_nodes() >= s.nodes {
            s.nodes = (s.kv.service_nodes() + 3).min(MAX_NODES);
        }
        if let Some(e) = kv_problem(&s.kv, s.nodes) {
            let f = if e.starts_with("rq") { RQ } else { SERVERS };
            self.form.set_error(f, e);
            return;
        }
        if s != ctx.props().host.get().settings {
            ctx.props().on.emit(Intent::NewRun(Box::new(s)));
        }
    }
}

/// A chart's line: its colour, its name, its points (window start, value).
type Series = (&'static str, &'static str, Vec<(Micros, f64)>);

/// The time axis every chart shares: from `t0`, `windows` wide.
#[derive(Clone, Copy)]
struct Axis {
    t0: Micros,
    windows: u64,
}

/// One line chart: `series` (colour, name, points as (window start, value))
/// along `axis`, values from 0 up to `top`; marks as vertical lines, their
/// labels on two rows so that neighbours do not overlap. Its summary is its
/// accessible name.
fn chart(
    id: &str,
    summary: String,
    series: Vec<Series>,
    axis: Axis,
    top: f64,
    top_label: String,
    marks: &[KvMark],
) -> Html {
    let (w, h) = (330.0, 100.0);
    let (plot_top, plot_bottom) = (22.0, h - 14.0);
    let t0 = axis.t0;
    let span = axis.windows as f64 * WINDOW as f64;
    let x = |t: Micros| (t.saturating_sub(t0)) as f64 / span * w;
    let y = |v: f64| plot_bottom - (v / top.max(1e-9)).clamp(0.0, 1.0) * (plot_bottom - plot_top);
    let lines = series.iter().map(|(colour, _, pts)| {
        let p: String = pts
            .iter()
            .map(|&(t, v)| format!("{:.1},{:.1} ", x(t + WINDOW / 2), y(v)))
            .collect();
        html! { <polyline points={p} fill="none" stroke={*colour} stroke-width="2" /> }
    });
    let mut last_x = [f64::NEG_INFINITY; 2];
    let marks = marks.iter().filter(|m| m.at >= t0).map(|m| {
        let mxf = x(m.at);
        let row = usize::from(mxf - last_x[0] < 26.0 && mxf - last_x[1] >= 26.0);
        last_x[row] = mxf;
        let ty = if row == 0 { 9 } else { 19 };
        let (colour, word) = match m.kind {
            MarkKind::Crash { node } => ("#374151", format!("✕n{node}")),
            MarkKind::Restart { node } => ("#059669", format!("↻n{node}")),
            MarkKind::Failover { node, .. } => ("#7c3aed", format!("★n{node}")),
            MarkKind::Cut => ("#dc2626", "✂cut".to_string()),
            MarkKind::Heal => ("#059669", "heal".to_string()),
        };
        let mx = format!("{:.1}", x(m.at));
        html! { <g>
            <line x1={mx.clone()} x2={mx.clone()} y1={(ty + 1).to_string()} y2={plot_bottom.to_string()} stroke={colour} stroke-width="1.5" stroke-dasharray="3 2" />
            <text x={mx} y={ty.to_string()} font-size="9" fill={colour} text-anchor="middle">{ word }</text>
        </g> }
    });
    let legend = series.iter().map(|(colour, name, _)| {
        html! { <span class="key"><span class="swatch" style={format!("background:{colour}")}></span>{ *name }</span> }
    });
    html! {
        <figure class="kv-chart">
            <svg width="100%" viewBox={format!("0 0 {w} {h}")} role="img" data-testid={id.to_string()} aria-label={summary.clone()}>
                <rect class="bg" x="0" y="0" width={w.to_string()} height={h.to_string()} fill="#f8fafc" stroke="#d8dee9" />
                <line x1="0" x2={w.to_string()} y1={plot_top.to_string()} y2={plot_top.to_string()} stroke="#d8dee9" stroke-dasharray="2 3" />
                <text class="top" x={(w - 3.0).to_string()} y={(plot_top - 2.0).to_string()} font-size="9" fill="#4b5563" text-anchor="end">{ top_label }</text>
                <text class="top" x="3" y={(h - 3.0).to_string()} font-size="9" fill="#4b5563">{ format!("{} s", t0 / WINDOW) }</text>
                <text class="top" x={(w - 3.0).to_string()} y={(h - 3.0).to_string()} font-size="9" fill="#4b5563" text-anchor="end">{ format!("{} s", t0 / WINDOW + axis.windows) }</text>
                { for marks }
                { for lines }
            </svg>
            <figcaption>{ for legend }<span class="sum" data-testid={format!("{id}-text")}>{ summary }</span></figcaption>
        </figure>
    }
}

impl Component for ServicePanel {
    type Message = Msg;
    type Properties = PanelProps;

    fn create(ctx: &Context<Self>) -> Self {
        let host = ctx.props().host.get();
        let pairs = crate::params::kv_pairs(&host.settings.kv);
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map_or(String::new(), |(_, v)| v.clone())
        };
        ServicePanel {
            epoch: host.epoch,
            form: Form::new(FIELDS.map(|(f, k)| (f, get(k)))),
            sweep: None,
            sweep_began: 0.0,
            sweep_took: None,
            ticker: None,
        }
    }

    drafts_follow_settings!();

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Field(FieldMsg::Draft(f, v)) => {
                self.form.set(f, v);
                return false;
            }
            Msg::Field(FieldMsg::Commit(_)) => self.commit(ctx, None, None),
            Msg::Layout(l) => self.commit(ctx, Some(&l), None),
            Msg::Balance(b) => self.commit(ctx, None, Some(&b)),
            Msg::Sweep(axis) => {
                if self.ticker.take().is_some() {
                    self.sweep = None; // stopped
                    return true;
                }
                let host = ctx.props().host.get();
                let Workload::Kv(kv) = host.sim.protocol() else {
                    return false;
                };
                let clients = host.nodes().saturating_sub(kv.service_nodes());
                self.sweep = Some(Sweep::new(
                    axis,
                    kv.clone(),
                    host.settings.sim_config(),
                    clients,
                    SWEEP_SECS * WINDOW,
                ));
                self.sweep_began = crate::web::now_ms();
                self.sweep_took = None;
                self.schedule(ctx);
            }
            Msg::SweepTick => {
                self.ticker = None;
                let Some(sweep) = self.sweep.as_mut() else {
                    return false;
                };
                if crate::web::work_slice(|| sweep.step(4_000)) {
                    self.sweep_took = Some(crate::web::now_ms() - self.sweep_began);
                } else {
                    self.schedule(ctx);
                }
            }
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let host = ctx.props().host.get();
        let sim = &host.sim;
        let Workload::Kv(kv) = sim.protocol() else {
            return html! {};
        };
        let m = sim.service();
        let now = sim.now();
        let closed = &m.windows;
        let recent: Vec<&KvWindow> = closed.iter().rev().take(SPAN).rev().collect();
        // The axis grows with the run up to a minute, then scrolls.
        let windows = (now / WINDOW + 1).clamp(20, SPAN as u64);
        let axis = Axis {
            t0: (now / WINDOW + 1).saturating_sub(windows) * WINDOW,
            windows,
        };
        let last = recent.last().copied();
        let f = |id, label, hint, mode| self.form.field(link, id, label, hint, mode);

        // Throughput.
        let done: Vec<(Micros, f64)> = recent
            .iter()
            .map(|w| (w.start, f64::from(w.done)))
            .collect();
        let good: Vec<(Micros, f64)> = recent.iter().map(|w| (w.start, f64::from(w.ok))).collect();
        let offered = f64::from(kv.load);
        let top_t = done.iter().map(|p| p.1).fold(offered, f64::max) * 1.1;
        let thr_text = match last {
            Some(w) => format!(
                "Throughput: {} requests answered in the last second ({} in time), offered {}/s.",
                w.done, w.ok, kv.load
            ),
            None => "Throughput: no full second yet.".into(),
        };
        // Latency.
        let p50: Vec<(Micros, f64)> = recent
            .iter()
            .filter(|w| w.done > 0)
            .map(|w| (w.start, w.p50 as f64 / 1000.0))
            .collect();
        let p99: Vec<(Micros, f64)> = recent
            .iter()
            .filter(|w| w.done > 0)
            .map(|w| (w.start, w.p99 as f64 / 1000.0))
            .collect();
        let deadline_ms = kv.deadline as f64 / 1000.0;
        let top_l = p99
            .iter()
            .map(|p| p.1)
            .fold(10.0, f64::max)
            .min(deadline_ms * 3.0)
            * 1.1;
        let lat_text = match last.filter(|w| w.done > 0) {
            Some(w) => format!(
                "Latency in the last second: p50 {}, p99 {} (deadline {}).",
                ms(w.p50),
                ms(w.p99),
                ms(kv.deadline)
            ),
            None => "Latency: no answers in the last second.".into(),
        };
        // Availability.
        let av: Vec<(Micros, f64)> = recent
            .iter()
            .filter_map(|w| w.availability().map(|a| (w.start, a * 100.0)))
            .collect();
        let av_text = format!(
            "Availability (answered within the deadline): {} in the last second, {} since the start ({} of {} requests).",
            last.and_then(KvWindow::availability).map_or("–".into(), pct),
            m.availability().map_or("–".into(), pct),
            m.ok,
            m.ok + m.expired
        );
        let mpr = m.msgs_per_request(now.saturating_sub(10 * WINDOW), now);
        // Queues.
        let servers: Vec<(u32, String, u32, u32)> = sim
            .nodes()
            .iter()
            .enumerate()
            .filter_map(|(i, n)| {
                let i = i as u32;
                if kv.place(i) == crate::sim::Place::Client
                    || kv.place(i) == crate::sim::Place::Balancer
                {
                    return None;
                }
                let name = match n.state.as_ref() {
                    Some(AnyState::Kv(st)) => place_name(kv, st),
                    _ => "down".into(),
                };
                let ld = m.loads.get(i as usize);
                Some((i, name, ld.map_or(0, |l| l.len), ld.map_or(0, |l| l.peak)))
            })
            .collect();
        let qmax = servers.iter().map(|s| s.2).max().unwrap_or(0).max(10);
        let layout = kv.layout;
        html! {
            <section class="card service" aria-labelledby="h-service">
                <h2 id="h-service">{ "Service: performance, scalability, availability" }</h2>
                <dl class="kv-figures" data-testid="kv-figures">
                    <div><dt>{ "throughput" }</dt><dd data-testid="kv-throughput">{ last.map_or("–".into(), |w| format!("{}/s", w.done)) }</dd></div>
                    <div><dt>{ "p99 latency" }</dt><dd data-testid="kv-p99">{ last.filter(|w| w.done > 0).map_or("–".into(), |w| ms(w.p99)) }</dd></div>
                    <div><dt>{ "availability" }</dt><dd data-testid="kv-availability">{ m.availability().map_or("–".into(), pct) }</dd></div>
                    <div><dt>{ "messages / request" }</dt><dd data-testid="kv-mpr">{ mpr.map_or("–".into(), |x| format!("{x:.1}")) }</dd></div>
                    <div class={classes!(if m.stale > 0 { "bad" } else { "" })}><dt>{ "stale reads" }</dt><dd data-testid="kv-stale">{ format!("{} ({} keys)", m.stale, m.stale_keys.len()) }</dd></div>
                    if layout == Layout::Replicated {
                        <div class={classes!(if m.first_two_primaries.is_some() { "bad" } else { "" })}><dt>{ "two primaries" }</dt><dd data-testid="kv-two-primaries">{ format!("{:.1} s", m.two_primaries_until(now) as f64 / 1e6) }</dd></div>
                    }
                </dl>
                { chart("kv-chart-throughput", thr_text, vec![("#0e7490", "answered", done), ("#16a34a", "in time", good)], axis, top_t, format!("{:.0}/s", top_t), &m.marks) }
                { chart("kv-chart-latency", lat_text, vec![("#2563eb", "p50", p50), ("#dc2626", "p99", p99)], axis, top_l, format!("{top_l:.0} ms"), &m.marks) }
                { chart("kv-chart-availability", av_text, vec![("#16a34a", "availability", av)], axis, 100.0, "100%".into(), &m.marks) }
                <p class="hint">{ "One point per simulated second, the last minute. Marks: ✕ crash, ↻ restart, ★ a new primary, ✂ links cut, heal." }</p>
                <h3>{ "Queues (requests waiting or in service)" }</h3>
                <ul class="kv-queues" data-testid="kv-queues">
                    { for servers.iter().map(|(i, name, len, peak)| html! {
                        <li>
                            <span class="who">{ format!("n{i}: {name}") }</span>
                            <span class="bar" role="img" aria-label={format!("{len} in queue, peak {peak}")}><span style={format!("width:{:.0}%", f64::from(*len.min(&qmax)) / f64::from(qmax) * 100.0)}></span></span>
                            <span class="num">{ format!("{len} (peak {peak})") }</span>
                        </li>
                    }) }
                </ul>
                <h3>{ "Sweep: the same setup at other sizes or loads" }</h3>
                { self.sweep_view(ctx, kv) }
                <h3>{ "Shape and load (each change starts a new run)" }</h3>
                <div class="grid2">
                    <div class="field">
                        <label for="f-layout">{ "Layout" }</label>
                        <select id="f-layout" data-testid="f-layout" onchange={link.callback(|e: Event| Msg::Layout(select_value(&e)))}>
                            <option value="single" selected={layout == Layout::Single}>{ "One server" }</option>
                            <option value="stateless" selected={layout == Layout::Stateless}>{ "Stateless workers + store" }</option>
                            <option value="sharded" selected={layout == Layout::Sharded}>{ "Sharded (keys split)" }</option>
                            <option value="replicated" selected={layout == Layout::Replicated}>{ "Replicated (primary-backup)" }</option>
                            <option value="quorum" selected={layout == Layout::Quorum}>{ "Quorum reads and writes" }</option>
                        </select>
                    </div>
                    if layout == Layout::Stateless {
                        <div class="field">
                            <label for="f-balance">{ "Balancer" }</label>
                            <select id="f-balance" data-testid="f-balance" onchange={link.callback(|e: Event| Msg::Balance(select_value(&e)))}>
                                <option value="round-robin" selected={kv.balance == crate::sim::Balance::RoundRobin}>{ "Round robin" }</option>
                                <option value="least-outstanding" selected={kv.balance == crate::sim::Balance::LeastOutstanding}>{ "Least outstanding" }</option>
                            </select>
                        </div>
                    }
                    if layout != Layout::Single {
                        { f(SERVERS, if layout == Layout::Stateless { "Workers" } else { "Shards" }, "how many", "numeric") }
                    }
                    if matches!(layout, Layout::Replicated | Layout::Quorum) {
                        { f(REPLICAS, "Replicas per shard (N)", "1 to 9", "numeric") }
                    }
                    if layout == Layout::Quorum {
                        { f(RQ, "Read quorum (R)", "answers a read waits for", "numeric") }
                        { f(WQ, "Write quorum (W)", "acknowledgements a write waits for", "numeric") }
                    }
                    { f(LOAD, "Offered load (requests/s)", "all clients together, open loop", "numeric") }
                    { f(SERVICE, "Service time (ms)", "per request at a server", "decimal") }
                    { f(READS, "Reads (%)", "the rest are writes", "numeric") }
                    { f(KEYS, "Keys", "split over the shards", "numeric") }
                    { f(DEADLINE, "Client deadline (ms)", "an answer later than this is unavailable", "decimal") }
                    { f(SLOW, "Straggler (node:factor)", "e.g. 2:4: node 2 serves 4 times slower; none: no straggler", "text") }
                    if matches!(layout, Layout::Single | Layout::Sharded) {
                        { f(BATCH, "Batch (requests per message)", "1 to 8; the server answers a batch in one message", "numeric") }
                        { f(LINGER, "Linger (ms)", "how long a client holds a batch that is not full", "decimal") }
                    }
                </div>
                if kv.batching() {
                    <p class="hint" data-testid="kv-batching">{ format!("Batching: up to {} requests per message, sent after at most {} ms; fewer messages (see messages / request), more waiting. Limit the links' bandwidth (Network card) to see what it buys.", kv.batch, kv.linger as f64 / 1000.0) }</p>
                }
                if layout == Layout::Quorum {
                    <p class="hint" data-testid="kv-quorum-rule">{
                        if kv.read_quorum + kv.write_quorum > kv.replicas {
                            format!("R + W = {} > N = {}: every read quorum meets every write quorum, so a read sees the last acknowledged write.", kv.read_quorum + kv.write_quorum, kv.replicas)
                        } else {
                            format!("R + W = {} ≤ N = {}: a read may miss the last acknowledged write (stale).", kv.read_quorum + kv.write_quorum, kv.replicas)
                        }
                    }</p>
                }
                <p class="hint">{ format!("Capacity: one server does {:.0} requests/s ({} each). Past it the queue grows without bound and latency explodes.", 1e6 / kv.service.max(1) as f64, ms(kv.service)) }</p>
            </section>
        }
    }
}

/// The embed's slim line of figures under the picture (key-value service
/// only): throughput, p99, availability since the start and in the last
/// second with a sparkline of the last 30 seconds, stale reads. The full
/// card is too tall for an iframe; these are what its scenarios are about.
pub fn embed_strip(host: &super::super::host::Host) -> Html {
    let Workload::Kv(_) = host.sim.protocol() else {
        return html! {};
    };
    let m = host.sim.service();
    let last = m.windows.last();
    let recent: Vec<&KvWindow> = m.windows.iter().rev().take(30).rev().collect();
    let (w, h) = (60.0, 14.0);
    let pts: String = recent
        .iter()
        .enumerate()
        .filter_map(|(k, win)| {
            win.availability()
                .map(|a| format!("{:.1},{:.1} ", k as f64 / 29.0 * w, h - 1.0 - a * (h - 2.0)))
        })
        .collect();
    let text = format!(
        "{} · p99 {} · available {}{} · stale reads {}",
        last.map_or("–/s".into(), |w| format!("{}/s", w.done)),
        last.filter(|w| w.done > 0)
            .map_or("–".into(), |w| ms(w.p99)),
        m.availability().map_or("–".into(), pct),
        last.and_then(KvWindow::availability)
            .map_or(String::new(), |a| format!(" (last second {})", pct(a))),
        m.stale
    );
    html! {
        <div class="embed-figures" data-testid="embed-figures" role="group" aria-label="Service figures">
            <svg width={w.to_string()} height={h.to_string()} viewBox={format!("0 0 {w} {h}")} aria-hidden="true">
                <polyline points={pts} fill="none" stroke="#16a34a" stroke-width="1.5" />
            </svg>
            <span class="mono">{ text }</span>
        </div>
    }
}
