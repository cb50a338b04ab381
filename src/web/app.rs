//! The app: owns the simulator (the host), runs the animation loop, and renders
//! the panels. Yew renders controls and panels a few times per second; the moving
//! picture is painted on a canvas every animation frame (see `draw.rs`).

use super::draw::{self, Fade, FadeKind, Highlight, DARK, LIGHT};
use super::nodes::{NodeButton, NodeLayer};
use super::share;
use crate::layout::{Pt, RingLayout};
use crate::params::{self, us_to_ms as ms, Settings, SPEED_RANGE};
use crate::scenario::{PageOptions, Scenario, Theme};
use crate::sim::{
    AnyMsg, ByzMode, Command, DeliveryMode, DetectorKind, DropReason, Flight, LatencyModel,
    NetConfig, NodeId, Payload, Protocol, RpcConfig, Sim, StepOutcome, SystemModel, TraceKind,
    Workload,
};
use gloo_events::EventListener;
use gloo_render::{request_animation_frame, AnimationFrame};
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, HtmlElement, HtmlInputElement, HtmlSelectElement,
    KeyboardEvent,
};
use yew::prelude::*;

/// A text field whose draft and error the app keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Nodes,
    Seed,
    Interval,
    Offset,
    Drift,
    LatMin,
    LatMean,
    LatMax,
    Loss,
    Dup,
    Bandwidth,
    Group,
    LinkA,
    LinkB,
    RecoverAfter,
    SendOmit,
    RecvOmit,
    Rate,
    Timeout,
    Retries,
    Retention,
    Backoff,
    FdTimeout,
    PhiThreshold,
    Gst,
}

/// What the inspector shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Selection {
    None,
    Node(u32),
    /// A message copy, as it was when clicked (it may since have arrived or died).
    Message(Box<Flight<AnyMsg>>),
}

pub enum Msg {
    Frame(f64),
    Wake,
    Redraw,
    TogglePlay,
    Step,
    Reset,
    Speed(f64),
    Draft(Field, String),
    Commit(Field),
    LatencyKind(String),
    Reorder(bool),
    SelectNode(u32),
    ClearSelection,
    CanvasClick(f64, f64),
    CanvasMove(f64, f64),
    CanvasLeave,
    Crash(u32),
    FailStop(u32),
    CrashRecover(u32),
    StableStorage(bool),
    ApplyOmission(u32),
    Byzantine(u32, String),
    InjectKind(String),
    Inject,
    WorkloadKind(String),
    RpcMode(String),
    RpcOp(String),
    JumpToViolation,
    Detector(String),
    Model(String),
    ChartTarget(String),
    DeriveTimeout,
    ToggleHelp,
    Recover(u32),
    CutLink,
    HealLink,
    Split,
    HealAll,
    Key(KeyboardEvent),
    DismissErrors,
    /// Load a built-in scenario by id.
    LoadLibrary(String),
    /// A file was picked or dropped.
    OpenFile(web_sys::File),
    /// A scenario's text arrived (from a file or a URL): its name and content.
    Loaded(String, Result<String, String>),
    /// Copy a link: to this moment (true) or to replay from the start.
    CopyLink(bool),
    CopyEmbed,
    /// The clipboard answered.
    Copied(Result<(), String>),
    ExportSetup,
    ExportTrace,
    Dragging(bool),
    ToggleAbout,
    /// The reader's colour scheme changed.
    SchemeChanged(bool),
}

pub struct App {
    settings: Settings,
    sim: Sim<Workload>,
    playing: bool,
    speed: f64,
    /// Fractional simulated microseconds carried between frames.
    carry_us: f64,
    last_frame: Option<f64>,
    frame: Option<AnimationFrame>,
    _keys: Option<EventListener>,
    canvas: NodeRef,
    stage: NodeRef,
    size: (f64, f64, f64),
    layout: RingLayout,
    cut_pairs: Vec<(u32, u32)>,
    cut_version: u64,
    fades: Vec<Fade>,
    trace_seen: u64,
    selection: Selection,
    hover_link: Option<(u32, u32)>,
    drafts: BTreeMap<Field, String>,
    errors: BTreeMap<Field, String>,
    lat_kind: String,
    url_errors: Vec<String>,
    notice: Option<String>,
    last_panel_ms: f64,
    /// Something changed that the picture must show at the next paint.
    dirty: bool,
    /// When the canvas was last painted (wall ms) and the event count then.
    last_paint_ms: f64,
    events_at_paint: u64,
    /// Sleeping until the next paint is due (instead of spinning on animation frames).
    wake: Option<gloo_timers::callback::Timeout>,
    _resize: Option<EventListener>,
    /// Created once, so the node layer's props compare equal between renders.
    on_select: Callback<u32>,
    /// The last frame could not process all events due: the run lags behind `speed`.
    lagging: bool,
    /// Simulated seconds per wall second actually achieved (smoothed).
    effective_speed: f64,
    /// Where the current run started: its settings, the scenario's title,
    /// description and script, and recorded commands being replayed.
    setup: Scenario,
    /// How the page is shown (embed mode, controls, autoplay, theme).
    page: PageOptions,
    /// Dark colours (from `theme` or the reader's system setting).
    dark: bool,
    _scheme: Option<EventListener>,
    /// Problems found in the URL or in a scenario file, with a heading.
    problems_title: String,
    /// The last link or code copied, shown for copying by hand, and what happened.
    share_text: String,
    share_status: Option<String>,
    /// A file is being dragged over the page.
    dragging: bool,
    /// The embed's "about this scenario" panel is open.
    about: bool,
    /// Which library scenario the menu shows.
    library_id: String,
    /// Recorded commands already reflected in the picture (planned ones apply by themselves).
    commands_seen: usize,
    /// Whether crash-recovery keeps stable storage.
    stable_storage: bool,
    /// The failure the "inject" button injects.
    inject_kind: String,
    /// The target whose suspicion by the selected node is charted.
    chart_target: Option<u32>,
    /// Samples (time, level, suspected) for the chart.
    chart: Vec<(u64, f64, bool)>,
    /// Announcements waiting for the live region, and what it says now.
    pending_speech: Vec<String>,
    live_text: String,
    last_speech_ms: f64,
    violations_said: u64,
    /// The user prefers reduced motion: paint a few times a second, no fades.
    reduced_motion: bool,
    /// The keyboard help is open.
    help: bool,
    /// The node buttons as last built, reused while nothing they show changed.
    buttons: std::cell::RefCell<Rc<Vec<NodeButton>>>,
}

/// Paint again once the fastest moving thing has moved this many CSS pixels.
const PAINT_STEP_PX: f64 = 1.5;
/// Shortest gap between two live-region announcements (wall ms).
const SPEAK_MS: f64 = 1500.0;
/// With reduced motion, paint at most this often (wall ms).
const CALM_PAINT_MS: f64 = 250.0;

/// A user action in words, for the live region.
fn narrate(c: &Command) -> String {
    match c {
        Command::Crash(n) => format!("node {} crashed", n.0),
        Command::FailStop(n) => format!("node {} fail-stopped; everyone will be told", n.0),
        Command::CrashRecover { node, after, .. } => format!(
            "node {} crashed; it restarts in {:.1} seconds",
            node.0,
            *after as f64 / 1e6
        ),
        Command::Recover(n) => format!("node {} recovered", n.0),
        other => other.to_string(),
    }
}

/// Most events processed in one frame (about 8 ms of wasm at 4 M events/s).
const FRAME_EVENT_BUDGET: u64 = 30_000;
/// Room kept free for the legend under the ring (CSS px).
const LEGEND_PX: f64 = 60.0;
/// Panels refresh at most this often while running (wall ms).
const PANEL_MS: f64 = 250.0;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

fn fmt_s(us: u64) -> String {
    format!("{:.3} s", us as f64 / 1e6)
}

fn fmt_local(us: i64) -> String {
    format!("{:.3} s", us as f64 / 1e6)
}

impl App {
    fn new_sim(settings: &Settings) -> Sim<Workload> {
        super::set_panic_seed(settings.seed);
        Sim::new(settings.sim_config(), settings.workload())
    }

    fn drafts_from(settings: &Settings) -> BTreeMap<Field, String> {
        let mut d = BTreeMap::new();
        d.insert(Field::Nodes, settings.nodes.to_string());
        d.insert(Field::Seed, settings.seed.to_string());
        d.insert(Field::Interval, settings.interval_ms.to_string());
        d.insert(Field::Offset, ms(settings.clocks.max_offset_us));
        d.insert(Field::Drift, settings.clocks.max_drift_ppm.to_string());
        let (min, max) = settings.net.latency.bounds();
        let mean = match settings.net.latency {
            LatencyModel::Constant { mean } | LatencyModel::Exponential { mean, .. } => mean,
            LatencyModel::Uniform { min, max } => (min + max) / 2,
        };
        d.insert(Field::LatMin, ms(min));
        d.insert(Field::LatMean, ms(mean));
        d.insert(Field::LatMax, ms(max));
        d.insert(Field::Loss, settings.net.loss.to_string());
        d.insert(Field::Dup, settings.net.duplicate.to_string());
        d.insert(
            Field::Bandwidth,
            settings
                .net
                .bandwidth
                .map_or(String::new(), |b| b.to_string()),
        );
        d.insert(Field::Group, String::new());
        d.insert(Field::LinkA, "0".to_string());
        d.insert(Field::LinkB, "1".to_string());
        d.insert(Field::RecoverAfter, "2".to_string());
        d.insert(Field::SendOmit, "0.5".to_string());
        d.insert(Field::RecvOmit, "0".to_string());
        d.insert(Field::Rate, ms(settings.rpc.request_every));
        d.insert(Field::Timeout, ms(settings.rpc.timeout));
        d.insert(
            Field::Retries,
            settings
                .rpc
                .retry_limit
                .map_or(String::new(), |l| l.to_string()),
        );
        d.insert(Field::Retention, ms(settings.rpc.retention));
        d.insert(Field::Backoff, settings.rpc.backoff.to_string());
        let (t, p) = match settings.detector {
            Some(DetectorKind::FixedTimeout { timeout }) => (timeout, 8.0),
            Some(DetectorKind::PhiAccrual { threshold, .. }) => (3_000_000, threshold),
            None => (3_000_000, 8.0),
        };
        d.insert(Field::FdTimeout, ms(t));
        d.insert(Field::PhiThreshold, p.to_string());
        d.insert(
            Field::Gst,
            match SystemModel::of(&settings.net.spikes) {
                SystemModel::PartiallySynchronous { gst } => format!("{}", gst as f64 / 1e6),
                _ => "20".to_string(),
            },
        );
        d
    }

    fn draft(&self, f: Field) -> String {
        self.drafts.get(&f).cloned().unwrap_or_default()
    }

    /// Starts the run again from its setup: same settings, and the scenario's
    /// script and any recorded commands being replayed, applied at their instants.
    fn reset(&mut self) {
        self.setup.settings = self.settings.clone();
        self.sim = Self::new_sim(&self.settings);
        self.sim.plan(self.setup.plan());
        self.commands_seen = 0;
        self.carry_us = 0.0;
        self.fades.clear();
        self.trace_seen = 0;
        self.cut_pairs.clear();
        self.cut_version = u64::MAX; // force a rebuild for the new run
        self.selection = Selection::None;
        self.hover_link = None;
        self.chart.clear();
        self.layout = RingLayout::new(self.settings.nodes, self.size.0, self.size.1 - LEGEND_PX);
        self.dirty = true;
    }

    /// Puts text on the clipboard, and in a field on the page in case the
    /// browser refuses (an iframe without permission, an insecure page).
    fn copy(&mut self, ctx: &Context<Self>, text: String, done: &str) {
        self.share_text = text.clone();
        self.share_status = Some(done.to_string());
        let link = ctx.link().clone();
        wasm_bindgen_futures::spawn_local(async move {
            let r = share::copy(text).await;
            link.send_message(Msg::Copied(r));
        });
    }

    /// Starts the scenario again from the settings it started with, undoing
    /// network and delivery changes made during the run (speed stays).
    fn restart(&mut self) {
        self.adopt_settings(self.setup.settings.clone());
        self.notice = None;
        self.reset();
    }

    /// Makes `settings` current, with the form fields showing them (no run yet).
    fn adopt_settings(&mut self, settings: Settings) {
        self.drafts = Self::drafts_from(&settings);
        self.errors.clear();
        self.lat_kind = settings.net.latency.kind().to_string();
        self.settings = settings;
    }

    /// Reflects commands the simulator applied by itself (a script step, a
    /// replayed command) and reports planned steps it had to skip.
    fn after_advance(&mut self) {
        let n = self.sim.commands().len();
        if n != self.commands_seen {
            self.commands_seen = n;
            self.refresh_cuts();
            self.dirty = true;
        }
        let refused = self.sim.take_plan_refusals();
        if !refused.is_empty() {
            self.notice = Some(format!("Scenario step {}", refused.join("; ")));
        }
    }

    /// A new run after the user changed a setting: the scenario's timed script
    /// still applies (steps that no longer fit are skipped, with a notice), but
    /// recorded commands belonged to the old run and are dropped.
    fn new_run(&mut self) {
        self.setup.recorded.clear();
        self.reset();
    }

    /// Makes `sc` the current setup and starts it: from time 0, or at its
    /// `upto` point, paused, when it is a link to a moment.
    fn load(&mut self, sc: Scenario) {
        self.adopt_settings(sc.settings.clone());
        self.speed = self.settings.speed;
        let upto = sc.upto;
        self.setup = Scenario { upto: None, ..sc };
        self.playing = if self.page.embed {
            self.page.autoplay == Some(true)
        } else {
            self.page.autoplay.unwrap_or(!self.settings.paused)
        };
        self.chart_target = None;
        self.notice = None;
        self.reset();
        if self.settings.detector.is_some()
            && !self.settings.rpc_workload
            && self.settings.nodes > 1
        {
            // Show a detector at work from the start: node 0's suspicion of the others.
            self.selection = Selection::Node(0);
            self.chart_target = Some(1);
        }
        if let Some((events, at)) = upto {
            self.sim.run_to_point(events, at);
            self.playing = false;
            self.trace_seen = self.sim.trace().len();
            self.commands_seen = self.sim.commands().len();
            self.refresh_cuts();
            self.notice = Some(format!(
                "Opened at {:.3} s, the moment this link was copied. Press play to go on, or reset to watch from the start.",
                self.sim.now() as f64 / 1e6
            ));
        }
        self.last_frame = None;
    }

    /// The setup as it stands now, for sharing: the settings the run started
    /// from, every command so far (exact), and what is still planned. With
    /// `at_moment`, the link opens paused where the run is now.
    fn share_scenario(&self, at_moment: bool) -> Scenario {
        let mut recorded = self.sim.commands().to_vec();
        let mut script = Vec::new();
        for p in self.sim.planned() {
            match p {
                crate::sim::Planned::Exact(rc) => recorded.push(rc),
                crate::sim::Planned::At(at, c) => script.push((at, c)),
            }
        }
        Scenario {
            title: self.setup.title.clone(),
            description: self.setup.description.clone(),
            settings: Settings {
                speed: self.speed,
                // A replay link plays; a link to a moment opens paused anyway.
                paused: false,
                ..self.setup.settings.clone()
            },
            script,
            recorded,
            upto: at_moment.then(|| (self.sim.stats().events, self.sim.now())),
        }
    }

    /// The setup as a file: the script as a script, other commands (the
    /// user's, and replayed ones) as recorded commands.
    fn export_scenario(&self) -> Scenario {
        let sources = self.sim.command_sources();
        let mut recorded: Vec<_> = self
            .sim
            .commands()
            .iter()
            .zip(sources)
            .filter(|(_, s)| **s != crate::sim::Source::Script)
            .map(|(c, _)| c.clone())
            .collect();
        recorded.extend(self.sim.planned().filter_map(|p| match p {
            crate::sim::Planned::Exact(rc) => Some(rc),
            _ => None,
        }));
        Scenario {
            settings: Settings {
                speed: self.speed,
                ..self.setup.settings.clone()
            },
            recorded,
            upto: None,
            ..self.setup.clone()
        }
    }

    /// The whole trace of the run so far as JSON. The page keeps only recent
    /// events, so this replays the run (deterministically) with the full trace on.
    fn trace_export(&self) -> Result<String, String> {
        const MAX_ENTRIES: u64 = 400_000;
        let entries = self.sim.trace().len();
        if entries > MAX_ENTRIES {
            return Err(format!("the run has {entries} trace entries; export takes at most {MAX_ENTRIES}. Export earlier in the run, or with fewer nodes."));
        }
        let mut config = self.setup.settings.sim_config();
        config.trace_ring = 0;
        config.trace_all = true;
        let mut full = Sim::new(config, self.setup.settings.workload());
        full.plan(
            self.sim
                .commands()
                .iter()
                .cloned()
                .map(crate::sim::Planned::Exact),
        );
        full.run_to_point(self.sim.stats().events, self.sim.now());
        if full.digest() != self.sim.digest() {
            return Err(
                "the replay for the export did not match this run (a bug: please report the seed)"
                    .into(),
            );
        }
        let events = full.trace().all().unwrap_or(&[]);
        Ok(crate::scenario::trace_json(
            &self.export_scenario(),
            full.digest(),
            events,
            full.trace().len(),
        ))
    }

    /// Applies a user action to the simulator (recorded in its trace); a refusal
    /// becomes a notice instead of an error.
    fn command(&mut self, cmd: Command) {
        match self.sim.apply(cmd) {
            Ok(()) => self.notice = None,
            Err(e) => self.notice = Some(e),
        }
        self.commands_seen = self.sim.commands().len();
        self.refresh_cuts();
        self.dirty = true;
    }

    /// Rebuilds the list of cut links after a topology change (all pairs, but only then).
    fn refresh_cuts(&mut self) {
        let net = self.sim.network();
        let v = net.topology_version();
        if v == self.cut_version {
            return;
        }
        self.cut_version = v;
        self.cut_pairs.clear();
        if net.cut_count() == 0 {
            return;
        }
        let n = self.settings.nodes;
        for a in 0..n {
            for b in (a + 1)..n {
                if net.is_cut(NodeId(a), NodeId(b)) {
                    self.cut_pairs.push((a, b));
                }
            }
        }
    }

    /// Validates every network field; on success applies the new network as a command.
    fn commit_network(&mut self) {
        let mut errs = BTreeMap::new();
        let mut num = |f: Field, label: &str, min: f64, max: f64| match params::parse_num(
            label,
            &self.draft(f),
            min,
            max,
        ) {
            Ok(v) => Some(v),
            Err(e) => {
                errs.insert(f, e);
                None
            }
        };
        let lmin = num(Field::LatMin, "Min latency (ms)", 0.0, 3_600_000.0);
        let lmean = num(Field::LatMean, "Mean latency (ms)", 0.0, 3_600_000.0);
        let lmax = num(Field::LatMax, "Max latency (ms)", 0.0, 3_600_000.0);
        let loss = num(Field::Loss, "Loss probability", 0.0, 1.0);
        let dup = num(Field::Dup, "Duplication probability", 0.0, 1.0);
        let bw = match params::parse_bandwidth(
            "Bandwidth (msg/s per link)",
            &self.draft(Field::Bandwidth),
        ) {
            Ok(b) => Some(b),
            Err(e) => {
                errs.insert(Field::Bandwidth, e);
                None
            }
        };
        for f in [
            Field::LatMin,
            Field::LatMean,
            Field::LatMax,
            Field::Loss,
            Field::Dup,
            Field::Bandwidth,
        ] {
            self.errors.remove(&f);
        }
        let latency = match (lmin, lmean, lmax) {
            (Some(a), Some(m), Some(b)) => match params::latency_model(&self.lat_kind, a, m, b) {
                Ok(l) => Some(l),
                Err(e) => {
                    errs.insert(Field::LatMax, e);
                    None
                }
            },
            _ => None,
        };
        if let (Some(latency), Some(loss), Some(duplicate), Some(bandwidth)) =
            (latency, loss, dup, bw)
        {
            if errs.is_empty() {
                let net = NetConfig {
                    latency,
                    loss,
                    duplicate,
                    reorder: self.settings.net.reorder,
                    bandwidth,
                    spikes: self.settings.net.spikes,
                };
                if net != self.sim.network().config {
                    self.settings.net = net;
                    self.command(Command::SetNetwork(net));
                }
            }
        }
        self.errors.extend(errs);
    }

    /// Picks the failure detector (or changes its parameter): a new run.
    fn commit_detector(&mut self, kind: Option<String>) {
        let kind = kind.unwrap_or_else(|| {
            self.settings
                .detector
                .map_or("none", |d| {
                    if matches!(d, DetectorKind::FixedTimeout { .. }) {
                        "timeout"
                    } else {
                        "phi"
                    }
                })
                .to_string()
        });
        let det = match kind.as_str() {
            "timeout" => match params::parse_num(
                "Suspect after (ms)",
                &self.draft(Field::FdTimeout),
                1.0,
                600_000.0,
            ) {
                Ok(t) => {
                    self.errors.remove(&Field::FdTimeout);
                    Some(DetectorKind::FixedTimeout {
                        timeout: params::ms_to_us(t),
                    })
                }
                Err(e) => {
                    self.errors.insert(Field::FdTimeout, e);
                    return;
                }
            },
            "phi" => match params::parse_num(
                "Phi threshold",
                &self.draft(Field::PhiThreshold),
                0.1,
                50.0,
            ) {
                Ok(t) => {
                    self.errors.remove(&Field::PhiThreshold);
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
                Err(e) => {
                    self.errors.insert(Field::PhiThreshold, e);
                    return;
                }
            },
            _ => None,
        };
        if det != self.settings.detector {
            self.settings.detector = det;
            self.settings.net = self.sim.network().config;
            self.new_run();
        }
    }

    /// Switches the system model: the network's delay spikes (a recorded command).
    fn commit_model(&mut self, model: Option<String>) {
        let current = SystemModel::of(&self.sim.network().config.spikes);
        let name = model.unwrap_or_else(|| {
            match current {
                SystemModel::Synchronous => "sync",
                SystemModel::PartiallySynchronous { .. } => "psync",
                SystemModel::Asynchronous => "async",
            }
            .to_string()
        });
        let m = match name.as_str() {
            "psync" => {
                match params::parse_num("Stabilizes at (s)", &self.draft(Field::Gst), 0.0, 86_400.0)
                {
                    Ok(g) => {
                        self.errors.remove(&Field::Gst);
                        SystemModel::PartiallySynchronous {
                            gst: params::s_to_us(g),
                        }
                    }
                    Err(e) => {
                        self.errors.insert(Field::Gst, e);
                        return;
                    }
                }
            }
            "async" => SystemModel::Asynchronous,
            _ => SystemModel::Synchronous,
        };
        let net = NetConfig {
            spikes: m.spikes(),
            ..self.sim.network().config
        };
        if net != self.sim.network().config {
            self.settings.net = net;
            self.command(Command::SetNetwork(net));
        }
    }

    /// Applies new delivery settings to the running workload (a recorded command).
    fn set_rpc(&mut self, rpc: RpcConfig) {
        if !self.settings.rpc_workload {
            self.settings.rpc = rpc;
            return;
        }
        match self.sim.apply(Command::SetRpc(rpc.clone())) {
            Ok(()) => {
                self.settings.rpc = rpc;
                self.notice = None;
            }
            Err(e) => self.notice = Some(e),
        }
        self.dirty = true;
    }

    /// Validates the delivery fields; on success applies them.
    fn commit_rpc(&mut self) {
        let mut rpc = self.settings.rpc.clone();
        let mut ok = true;
        for (f, label) in [
            (Field::Rate, "Request every (ms)"),
            (Field::Timeout, "Ack timeout (ms)"),
            (Field::Retention, "De-dup window (ms)"),
        ] {
            let (min, max) = if f == Field::Retention {
                (0.0, 86_400_000.0)
            } else {
                (1.0, 600_000.0)
            };
            match params::parse_num(label, &self.draft(f), min, max) {
                Ok(v) => {
                    self.errors.remove(&f);
                    let us = params::ms_to_us(v);
                    match f {
                        Field::Rate => rpc.request_every = us,
                        Field::Timeout => rpc.timeout = us,
                        _ => rpc.retention = us,
                    }
                }
                Err(e) => {
                    self.errors.insert(f, e);
                    ok = false;
                }
            }
        }
        match params::parse_int("Backoff factor", &self.draft(Field::Backoff), 1, 16) {
            Ok(b) => {
                self.errors.remove(&Field::Backoff);
                rpc.backoff = b as u32;
            }
            Err(e) => {
                self.errors.insert(Field::Backoff, e);
                ok = false;
            }
        }
        match params::parse_retries("Retry limit (sends)", &self.draft(Field::Retries)) {
            Ok(l) => {
                self.errors.remove(&Field::Retries);
                rpc.retry_limit = l;
            }
            Err(e) => {
                self.errors.insert(Field::Retries, e);
                ok = false;
            }
        }
        if ok && rpc != self.settings.rpc {
            self.set_rpc(rpc);
        }
    }

    /// The crash-recovery delay field, in µs, or an error shown under it.
    fn recover_delay(&mut self) -> Option<u64> {
        match params::parse_num(
            "Restart after (s)",
            &self.draft(Field::RecoverAfter),
            0.001,
            3600.0,
        ) {
            Ok(v) => {
                self.errors.remove(&Field::RecoverAfter);
                Some(params::s_to_us(v))
            }
            Err(e) => {
                self.errors.insert(Field::RecoverAfter, e);
                None
            }
        }
    }

    /// The two omission probability fields, or errors shown under them.
    fn omission_fields(&mut self) -> Option<(f64, f64)> {
        let send = params::parse_num("Send omission", &self.draft(Field::SendOmit), 0.0, 1.0);
        let recv = params::parse_num("Receive omission", &self.draft(Field::RecvOmit), 0.0, 1.0);
        for (f, r) in [(Field::SendOmit, &send), (Field::RecvOmit, &recv)] {
            match r {
                Ok(_) => self.errors.remove(&f),
                Err(e) => self.errors.insert(f, e.clone()),
            };
        }
        Some((send.ok()?, recv.ok()?))
    }

    /// Injects the chosen failure on a node picked at random among the running
    /// ones. The pick is a hash of the seed and the run so far, so the same
    /// actions pick the same node; the command records it either way.
    fn inject(&mut self) {
        let up: Vec<u32> = (0..self.settings.nodes)
            .filter(|&i| self.sim.nodes()[i as usize].is_up())
            .collect();
        if up.is_empty() {
            self.notice = Some("Every node is already down.".into());
            return;
        }
        let mut h = crate::sim::Digest::default();
        h.mix4(
            self.settings.seed,
            self.sim.stats().events,
            self.sim.commands().len() as u64,
            self.sim.now(),
        );
        let node = NodeId(up[(h.value() % up.len() as u64) as usize]);
        let cmd = match self.inject_kind.as_str() {
            "fail-stop" => Command::FailStop(node),
            "crash-recovery" => match self.recover_delay() {
                Some(after) => Command::CrashRecover {
                    node,
                    after,
                    stable: self.stable_storage,
                },
                None => return,
            },
            "omission" => match self.omission_fields() {
                Some((send, recv)) => Command::SetOmission { node, send, recv },
                None => return,
            },
            k if k.starts_with("byzantine-") => Command::SetByzantine {
                node,
                mode: ByzMode::from_name(&k["byzantine-".len()..]),
            },
            _ => Command::Crash(node),
        };
        self.command(cmd);
        self.selection = Selection::Node(node.0);
    }

    /// Rebuilds the run up to the event that first broke the delivery guarantee,
    /// and pauses there.
    fn jump_to_violation(&mut self) {
        let Some(v) = self.sim.metrics().first_violation.clone() else {
            return;
        };
        // The run again, every command and plan step replayed at its instant,
        // stopped right after the event; playing on replays the rest.
        let mut sim = Sim::new(
            self.setup.settings.sim_config(),
            self.setup.settings.workload(),
        );
        sim.plan(
            self.sim
                .commands()
                .iter()
                .cloned()
                .map(crate::sim::Planned::Exact),
        );
        sim.plan(self.sim.planned());
        sim.run_to_point(v.after_events + 1, 0);
        self.sim = sim;
        self.commands_seen = self.sim.commands().len();
        self.playing = false;
        self.fades.clear();
        self.trace_seen = self.sim.trace().len();
        self.cut_version = u64::MAX;
        self.refresh_cuts();
        self.selection = Selection::Node(0);
        self.notice = Some(format!(
            "Paused at {:.3} s, right after the event that broke the guarantee: {}.",
            v.time as f64 / 1e6,
            v.what
        ));
        self.dirty = true;
    }

    /// Validates one run field; on success starts a new run with it.
    fn commit_run_field(&mut self, f: Field) {
        let text = self.draft(f);
        let mut s = self.settings.clone();
        let r: Result<(), String> = match f {
            Field::Nodes => params::parse_int("Nodes", &text, 1, params::MAX_NODES as u64)
                .map(|v| s.nodes = v as u32),
            Field::Seed => params::parse_seed(&text).map(|v| s.seed = v),
            Field::Interval => params::parse_num("Heartbeat interval (ms)", &text, 10.0, 60_000.0)
                .map(|v| s.interval_ms = v),
            Field::Offset => params::parse_num("Max clock offset (ms)", &text, 0.0, 60_000.0)
                .map(|v| s.clocks.max_offset_us = params::ms_to_us(v)),
            Field::Drift => params::parse_int("Max clock drift (ppm)", &text, 0, 100_000)
                .map(|v| s.clocks.max_drift_ppm = v as u32),
            _ => Ok(()),
        };
        match r {
            Ok(()) => {
                self.errors.remove(&f);
                if s != self.settings {
                    // Keep the network the user set during the run.
                    s.net = self.sim.network().config;
                    self.settings = s;
                    self.new_run();
                }
            }
            Err(e) => {
                self.errors.insert(f, e);
            }
        }
    }

    fn node_field(&mut self, f: Field) -> Option<u32> {
        let max = self.settings.nodes.saturating_sub(1) as u64;
        let label = if f == Field::LinkA {
            "Link from node"
        } else {
            "Link to node"
        };
        let text = self.draft(f);
        match params::parse_int(label, text.trim().trim_start_matches(['n', 'N']), 0, max) {
            Ok(v) => {
                self.errors.remove(&f);
                Some(v as u32)
            }
            Err(e) => {
                self.errors.insert(f, e);
                None
            }
        }
    }

    /// Advances the simulation by a frame's wall time, paints if the picture
    /// changed visibly, and decides when to wake up next. Returns whether the
    /// panels should re-render.
    ///
    /// Pacing: animating a canvas costs CPU per painted frame, whatever it draws,
    /// so we paint only when something appeared or vanished, or when the fastest
    /// moving thing has moved `PAINT_STEP_PX`; between paints we sleep on a timer
    /// rather than on animation frames. Paused with nothing fading, we sleep until
    /// the user does something.
    fn on_frame(&mut self, ts: f64) -> (bool, Option<f64>) {
        // Clamped so a long stall (a hidden tab) does not jump the run ahead.
        let dt = self.last_frame.map_or(0.0, |l| (ts - l).clamp(0.0, 1000.0));
        self.last_frame = Some(ts);
        let resized = self.measure();
        if self.playing {
            self.carry_us += dt * 1000.0 * self.speed;
            let whole = self.carry_us.floor();
            self.carry_us -= whole;
            let before = self.sim.now();
            let target = before + whole as u64;
            // Bounded work per frame: at high speed on a big cluster the run falls
            // behind wall-clock time instead of freezing the page (the run itself is
            // unchanged; it just advances more slowly).
            let reached = self.sim.run_until_limited(target, FRAME_EVENT_BUDGET);
            if dt > 0.0 {
                let inst = (self.sim.now() - before) as f64 / (dt * 1000.0);
                self.effective_speed = 0.8 * self.effective_speed + 0.2 * inst;
            }
            if self.lagging != !reached {
                self.lagging = !reached;
            }
            self.after_advance();
        }
        self.collect_drops(ts);
        self.sample_chart();
        let fading = self.fades.iter().any(|f| ts - f.start_ms < draw::FADE_MS);
        let speed = if self.playing { self.speed } else { 0.0 };
        let v = self.motion_px_per_ms(speed);
        let spoke = self.speak(ts);
        let sim_changed = self.sim.stats().events != self.events_at_paint;
        // Reduced motion: a few still pictures a second, except right after a user action.
        let calm = self.reduced_motion && !self.dirty && ts - self.last_paint_ms < CALM_PAINT_MS;
        if !calm
            && (self.dirty
                || sim_changed
                || fading
                || (ts - self.last_paint_ms) * v >= PAINT_STEP_PX)
        {
            self.paint(ts);
            self.dirty = false;
            self.last_paint_ms = ts;
            self.events_at_paint = self.sim.stats().events;
        }
        let panels = resized || spoke || (self.playing && ts - self.last_panel_ms > PANEL_MS);
        if panels {
            self.last_panel_ms = ts;
        }
        let mut next: Option<f64> = None;
        let mut soon = |d: f64| next = Some(next.map_or(d, |n: f64| n.min(d)));
        if fading {
            soon(33.0);
        }
        if !self.pending_speech.is_empty() {
            soon((SPEAK_MS - (ts - self.last_speech_ms)).max(0.0));
        }
        if self.playing {
            soon(PANEL_MS);
            if v > 0.0 {
                soon(PAINT_STEP_PX / v);
            }
            if let Some(t) = self.sim.next_event_time() {
                soon(t.saturating_sub(self.sim.now()) as f64 / (self.speed * 1000.0));
            }
        }
        if self.reduced_motion {
            next = next.map(|d| d.max(CALM_PAINT_MS - (ts - self.last_paint_ms)));
        }
        (panels, next)
    }

    /// Speed of the fastest moving thing on screen, in CSS pixels per wall ms.
    fn motion_px_per_ms(&self, speed: f64) -> f64 {
        if speed <= 0.0 {
            return 0.0;
        }
        let now = self.sim.now();
        let us_per_ms = speed * 1000.0;
        let mut v: f64 = 0.0;
        for f in self.sim.flights() {
            let end = f.lost.map_or(f.arrive, |(t, _)| t);
            if now < f.depart || now >= end || f.arrive <= f.depart {
                continue;
            }
            let (a, b) = (
                self.layout.pos[f.from.0 as usize],
                self.layout.pos[f.to.0 as usize],
            );
            let len = crate::layout::dist2(a, b).sqrt();
            v = v.max(len / (f.arrive - f.depart) as f64);
        }
        let perimeter = 2.0 * std::f64::consts::PI * (self.layout.node_r + 3.5);
        for node in self.sim.nodes() {
            for t in node
                .timers
                .iter()
                .filter(|t| t.tag < crate::sim::heartbeat::FD_TIMER_BASE)
            {
                v = v.max(perimeter / t.fire_at.saturating_sub(t.set_at).max(1) as f64);
            }
        }
        v * us_per_ms
    }

    /// Records the selected observer's suspicion of the chart's target, for the
    /// chart (display only: sampled as frames come, never fed back to the run).
    fn sample_chart(&mut self) {
        let (Selection::Node(obs), Some(target)) = (&self.selection, self.chart_target) else {
            return;
        };
        let Workload::Heartbeat(crate::sim::Heartbeat {
            detector: Some(kind),
            ..
        }) = self.sim.protocol()
        else {
            return;
        };
        let node = &self.sim.nodes()[*obs as usize];
        let Some(crate::sim::AnyState::Hb(st)) = node.state.as_ref() else {
            return;
        };
        let Some(h) = st.fd.get(target as usize) else {
            return;
        };
        let now = self.sim.now();
        if self.chart.last().is_some_and(|l| now < l.0 + 20_000) {
            return;
        }
        let level = h.level(node.clock.local_at(now), kind);
        self.chart.push((now, level, h.suspected));
        if self.chart.len() > 1500 {
            self.chart.drain(..500);
        }
    }

    /// Moves queued announcements to the live region, at most one update every
    /// `SPEAK_MS`, so a screen reader can keep up. Returns whether it spoke.
    fn speak(&mut self, ts: f64) -> bool {
        if self.pending_speech.is_empty() || ts - self.last_speech_ms < SPEAK_MS {
            return false;
        }
        let n = self.pending_speech.len();
        let mut text = self
            .pending_speech
            .drain(..)
            .take(2)
            .collect::<Vec<_>>()
            .join("; ");
        if n > 2 {
            text.push_str(&format!("; and {} more", n - 2));
        }
        self.live_text = text;
        self.last_speech_ms = ts;
        true
    }

    /// Turns new drops in the trace into fading marks, and important events into
    /// announcements for the live region.
    fn collect_drops(&mut self, ts: f64) {
        self.fades.retain(|f| ts - f.start_ms < draw::FADE_MS);
        let total = self.sim.trace().len();
        if total == self.trace_seen {
            return;
        }
        let room = self.fades.len() < 3000 && !self.reduced_motion;
        let mut said: Vec<String> = Vec::new();
        for e in self.sim.trace().since(self.trace_seen) {
            match &e.kind {
                TraceKind::Drop {
                    from,
                    to,
                    reason,
                    depart,
                    arrive,
                    ..
                } if room => {
                    let at = draw::drop_point(&self.layout, *from, *to, *depart, *arrive, e.time);
                    self.fades.push(Fade {
                        at,
                        start_ms: ts,
                        kind: FadeKind::of(*reason),
                    });
                }
                TraceKind::Notice { to, failed } => {
                    if room {
                        let at = self.layout.pos[to.0 as usize];
                        self.fades.push(Fade {
                            at,
                            start_ms: ts,
                            kind: FadeKind::Notice,
                        });
                    }
                    said.push(format!("node {} is told node {} failed", to.0, failed.0));
                }
                TraceKind::Command(c) => said.push(narrate(c)),
                TraceKind::Restart { node, from_stable } => said.push(format!(
                    "node {} restarted {}",
                    node.0,
                    if *from_stable {
                        "from stable storage"
                    } else {
                        "empty"
                    }
                )),
                TraceKind::Note {
                    note: crate::sim::Note::Suspect { observer, target },
                    ..
                } => said.push(format!("node {observer} suspects node {target}")),
                TraceKind::Note {
                    note: crate::sim::Note::Trust { observer, target },
                    ..
                } => said.push(format!("node {observer} trusts node {target} again")),
                _ => {}
            }
        }
        let v = self.sim.metrics().violations;
        if v > self.violations_said {
            said.push(format!("the delivery guarantee was broken ({v} so far)"));
            self.violations_said = v;
        }
        self.pending_speech.extend(said);
        self.trace_seen = total;
    }

    /// Keeps the canvas the size of its stage (in device pixels) and re-lays out on
    /// change. Returns whether the size changed.
    fn measure(&mut self) -> bool {
        let Some(stage) = self.stage.cast::<HtmlElement>() else {
            return false;
        };
        let (w, h) = (stage.client_width() as f64, stage.client_height() as f64);
        let dpr = web_sys::window()
            .map(|w| w.device_pixel_ratio())
            .unwrap_or(1.0)
            .clamp(1.0, 3.0);
        if (w, h, dpr) != self.size && w > 0.0 && h > 0.0 {
            self.size = (w, h, dpr);
            if let Some(c) = self.canvas.cast::<HtmlCanvasElement>() {
                c.set_width((w * dpr) as u32);
                c.set_height((h * dpr) as u32);
            }
            self.layout = RingLayout::new(self.settings.nodes, w, h - LEGEND_PX);
            self.fades.clear();
            self.dirty = true;
            return true;
        }
        false
    }

    fn paint(&self, ts: f64) {
        let Some(canvas) = self.canvas.cast::<HtmlCanvasElement>() else {
            return;
        };
        let Ok(Some(ctx)) = canvas.get_context("2d") else {
            return;
        };
        let Ok(ctx) = ctx.dyn_into::<CanvasRenderingContext2d>() else {
            return;
        };
        let (w, h, dpr) = self.size;
        let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        let hl = Highlight {
            node: match self.selection {
                Selection::Node(i) => Some(i),
                _ => None,
            },
            message: match &self.selection {
                Selection::Message(f) => Some(f.id),
                _ => None,
            },
            hover_link: self.hover_link,
        };
        draw::paint(
            &ctx,
            w,
            h,
            &self.sim,
            &self.layout,
            &self.cut_pairs,
            &self.fades,
            ts,
            hl,
            if self.dark { &DARK } else { &LIGHT },
        );
        super::count_paint();
    }

    fn schedule_frame(&mut self, ctx: &Context<Self>) {
        self.wake = None;
        let link = ctx.link().clone();
        self.frame = Some(request_animation_frame(move |ts| {
            link.send_message(Msg::Frame(ts))
        }));
    }

    /// Makes sure a frame is coming (after any user action).
    fn kick(&mut self, ctx: &Context<Self>) {
        if self.frame.is_none() {
            self.schedule_frame(ctx);
        }
    }

    /// The node buttons for the current layout, states and selection; the previous
    /// `Rc` is returned when nothing changed, so the layer skips its render.
    fn node_buttons(&self) -> Rc<Vec<NodeButton>> {
        let nr = self.layout.node_r.max(8.0);
        let fresh: Vec<NodeButton> = self
            .layout
            .pos
            .iter()
            .zip(self.sim.nodes())
            .enumerate()
            .map(|(i, (p, node))| NodeButton {
                x: p.x - nr,
                y: p.y - nr,
                size: 2.0 * nr,
                up: node.is_up(),
                selected: self.selection == Selection::Node(i as u32),
            })
            .collect();
        let mut cached = self.buttons.borrow_mut();
        if **cached != fresh {
            *cached = Rc::new(fresh);
        }
        cached.clone()
    }

    /// The message copy under the pointer, if any.
    fn message_at(&self, p: Pt) -> Option<Flight<AnyMsg>> {
        let now = self.sim.now();
        let lane = draw::lane(self.layout.pos.len());
        let gap = draw::queue_gap(&self.sim);
        let mut best: Option<(f64, &Flight<AnyMsg>)> = None;
        for f in self.sim.flights() {
            if f.lost.is_some_and(|(t, _)| t <= now) {
                continue;
            }
            let q = crate::layout::flight_pos(&self.layout, f, now, lane, gap);
            let d = crate::layout::dist2(p, q);
            if d <= 100.0 && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, f));
            }
        }
        best.map(|(_, f)| f.clone())
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        let pairs = params::parse_query(&search);
        let (page, mut url_errors) = PageOptions::from_query(&pairs);
        let has = |k: &str| pairs.iter().any(|(key, _)| key == k);
        // The base the URL's parameters apply over: a named library scenario;
        // with nothing at all, the default one (something happens at once).
        let scenario_only = pairs
            .iter()
            .all(|(k, _)| crate::scenario::PAGE_KEYS.contains(&k.as_str()));
        let mut library_id = String::new();
        let base = match pairs.iter().rev().find(|(k, _)| k == "scenario") {
            Some((_, id)) => match crate::library::get(id.trim()) {
                Ok(sc) => {
                    library_id = id.trim().to_string();
                    sc
                }
                Err(e) => {
                    url_errors.push(format!("URL parameter {e}"));
                    Scenario::default()
                }
            },
            None if scenario_only && !has("scenario_url") => {
                library_id = crate::library::DEFAULT_ID.to_string();
                crate::library::get(crate::library::DEFAULT_ID).unwrap_or_default()
            }
            None => Scenario::default(),
        };
        let from_library = !library_id.is_empty();
        let (mut scenario, errs) = Scenario::from_query(&pairs, base);
        url_errors.extend(errs);
        if !has("seed") && !from_library {
            // No seed asked for: pick one (shown and editable, so the run can be shared).
            scenario.settings.seed = (js_sys::Math::random() * 1e9) as u64;
        }
        if let Some((_, url)) = pairs.iter().rev().find(|(k, _)| k == "scenario_url") {
            let link = ctx.link().clone();
            let url = url.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let r = share::fetch_text(url.clone(), crate::scenario::MAX_FILE_BYTES).await;
                link.send_message(Msg::Loaded(url, r));
            });
        }
        let settings = scenario.settings.clone();
        let dark_query = web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
        let system_dark = dark_query.as_ref().is_some_and(|m| m.matches());
        let scheme = dark_query.map(|m| {
            let link = ctx.link().clone();
            let m2 = m.clone();
            EventListener::new(&m, "change", move |_| {
                link.send_message(Msg::SchemeChanged(m2.matches()))
            })
        });
        let keys = web_sys::window().and_then(|w| w.document()).map(|doc| {
            let link = ctx.link().clone();
            // Not passive: Space must not scroll the page while it plays and pauses.
            let opts = gloo_events::EventListenerOptions::enable_prevent_default();
            EventListener::new_with_options(&doc, "keydown", opts, move |e| {
                if let Some(k) = e.dyn_ref::<KeyboardEvent>() {
                    link.send_message(Msg::Key(k.clone()));
                }
            })
        });
        let sim = Self::new_sim(&settings);
        let lat_kind = settings.net.latency.kind().to_string();
        let mut app = App {
            drafts: Self::drafts_from(&settings),
            playing: !settings.paused,
            speed: settings.speed,
            settings,
            sim,
            carry_us: 0.0,
            last_frame: None,
            frame: None,
            _keys: keys,
            canvas: NodeRef::default(),
            stage: NodeRef::default(),
            size: (0.0, 0.0, 1.0),
            layout: RingLayout::new(1, 1.0, 1.0),
            cut_pairs: Vec::new(),
            cut_version: 0,
            fades: Vec::new(),
            trace_seen: 0,
            selection: Selection::None,
            hover_link: None,
            errors: BTreeMap::new(),
            lat_kind,
            url_errors,
            problems_title: "Some URL parameters were ignored:".into(),
            notice: None,
            last_panel_ms: 0.0,
            dirty: true,
            last_paint_ms: 0.0,
            events_at_paint: 0,
            wake: None,
            _resize: None,
            on_select: ctx.link().callback(Msg::SelectNode),
            lagging: false,
            effective_speed: 0.0,
            setup: Scenario::default(),
            dark: match page.theme {
                Theme::Dark => true,
                Theme::Light => false,
                Theme::Auto => system_dark,
            },
            page,
            _scheme: scheme,
            share_text: String::new(),
            share_status: None,
            dragging: false,
            about: false,
            library_id,
            commands_seen: 0,
            stable_storage: true,
            inject_kind: "crash".to_string(),
            chart_target: None,
            chart: Vec::new(),
            pending_speech: Vec::new(),
            live_text: String::new(),
            last_speech_ms: f64::NEG_INFINITY,
            violations_said: 0,
            reduced_motion: web_sys::window()
                .and_then(|w| {
                    w.match_media("(prefers-reduced-motion: reduce)")
                        .ok()
                        .flatten()
                })
                .is_some_and(|m| m.matches()),
            help: false,
            buttons: Default::default(),
        };
        app.layout = RingLayout::new(app.settings.nodes, 1.0, 1.0);
        app.load(scenario);
        app
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        if first_render {
            let link = ctx.link().clone();
            self._resize = web_sys::window()
                .map(|w| EventListener::new(&w, "resize", move |_| link.send_message(Msg::Redraw)));
            if self.measure() {
                // Node buttons are placed from the measured layout: render again.
                ctx.link().send_message(Msg::Redraw);
            }
            self.paint(now_ms());
            self.schedule_frame(ctx);
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame(ts) => {
                self.frame = None;
                let (render, next) = self.on_frame(ts);
                match next {
                    // Due within about a frame: ask for the next animation frame.
                    Some(d) if d <= 12.0 => self.schedule_frame(ctx),
                    Some(d) => {
                        let link = ctx.link().clone();
                        self.wake = Some(gloo_timers::callback::Timeout::new(
                            (d - 8.0).max(1.0) as u32,
                            move || link.send_message(Msg::Wake),
                        ));
                    }
                    // Nothing will change until the user acts: sleep.
                    None => self.last_frame = None,
                }
                return render;
            }
            Msg::Wake => {
                self.kick(ctx);
                return false;
            }
            Msg::Redraw => {
                self.dirty = true;
                self.kick(ctx);
                return true;
            }
            Msg::TogglePlay => {
                self.playing = !self.playing;
                self.last_frame = None;
            }
            Msg::Step => {
                self.playing = false;
                if self.sim.step() == StepOutcome::Idle {
                    self.notice =
                        Some("Nothing left to happen: every node is down or silent.".into());
                }
                self.after_advance();
                self.dirty = true;
            }
            Msg::Reset => self.restart(),
            Msg::Speed(s) => self.speed = s.clamp(SPEED_RANGE.0, SPEED_RANGE.1),
            Msg::Draft(f, v) => {
                self.drafts.insert(f, v);
                return false;
            }
            Msg::Commit(f) => match f {
                Field::Nodes | Field::Seed | Field::Interval | Field::Offset | Field::Drift => {
                    self.commit_run_field(f)
                }
                Field::Group
                | Field::LinkA
                | Field::LinkB
                | Field::RecoverAfter
                | Field::SendOmit
                | Field::RecvOmit => {}
                Field::Rate | Field::Timeout | Field::Retries | Field::Retention => {
                    self.commit_rpc()
                }
                _ => self.commit_network(),
            },
            Msg::LatencyKind(k) => {
                self.lat_kind = k;
                self.commit_network();
            }
            Msg::Reorder(on) => {
                self.settings.net.reorder = on;
                self.commit_network();
            }
            Msg::SelectNode(i) => {
                self.chart.clear();
                if self.chart_target.is_none_or(|t| t == i) {
                    self.chart_target =
                        Some(if i == 0 { 1 } else { 0 }).filter(|&t| t < self.settings.nodes);
                }
                self.selection = if self.selection == Selection::Node(i) {
                    Selection::None
                } else {
                    Selection::Node(i)
                };
                self.dirty = true;
            }
            Msg::ClearSelection => {
                self.help = false;
                self.selection = Selection::None;
                self.dirty = true;
            }
            Msg::CanvasClick(x, y) => {
                let p = Pt { x, y };
                if let Some(f) = self.message_at(p) {
                    self.selection = Selection::Message(Box::new(f));
                } else if let Some(i) = self.layout.node_at(p) {
                    self.selection = Selection::Node(i);
                } else if let Some((a, b)) = self
                    .layout
                    .link_at(p, 5.0)
                    .filter(|_| self.settings.nodes <= 16)
                {
                    let cmd = if self.sim.network().is_cut(NodeId(a), NodeId(b)) {
                        Command::HealLink(NodeId(a), NodeId(b))
                    } else {
                        Command::CutLink(NodeId(a), NodeId(b))
                    };
                    self.command(cmd);
                } else {
                    self.selection = Selection::None;
                }
                self.dirty = true;
            }
            Msg::CanvasMove(x, y) => {
                let p = Pt { x, y };
                let hover = if self.settings.nodes <= 16 && self.layout.node_at(p).is_none() {
                    self.layout.link_at(p, 5.0)
                } else {
                    None
                };
                if hover != self.hover_link {
                    self.hover_link = hover;
                    self.dirty = true;
                    self.kick(ctx);
                }
                return false;
            }
            Msg::CanvasLeave => {
                self.hover_link = None;
                self.dirty = true;
                self.kick(ctx);
                return false;
            }
            Msg::Crash(i) => self.command(Command::Crash(NodeId(i))),
            Msg::FailStop(i) => self.command(Command::FailStop(NodeId(i))),
            Msg::CrashRecover(i) => {
                if let Some(after) = self.recover_delay() {
                    self.command(Command::CrashRecover {
                        node: NodeId(i),
                        after,
                        stable: self.stable_storage,
                    });
                }
            }
            Msg::StableStorage(on) => self.stable_storage = on,
            Msg::ApplyOmission(i) => {
                if let Some((send, recv)) = self.omission_fields() {
                    self.command(Command::SetOmission {
                        node: NodeId(i),
                        send,
                        recv,
                    });
                }
            }
            Msg::Byzantine(i, name) => {
                let mode = ByzMode::from_name(&name);
                self.command(Command::SetByzantine {
                    node: NodeId(i),
                    mode,
                });
            }
            Msg::InjectKind(k) => self.inject_kind = k,
            Msg::Inject => self.inject(),
            Msg::WorkloadKind(k) => {
                let rpc = k == "rpc";
                if rpc != self.settings.rpc_workload {
                    self.settings.rpc_workload = rpc;
                    self.settings.net = self.sim.network().config;
                    if rpc && self.settings.nodes < 2 {
                        self.settings.nodes = 4;
                        self.drafts.insert(Field::Nodes, "4".into());
                    }
                    self.new_run();
                }
            }
            Msg::RpcMode(m) => {
                if let Some(mode) = DeliveryMode::from_name(&m) {
                    self.set_rpc(RpcConfig {
                        mode,
                        ..self.settings.rpc.clone()
                    });
                }
            }
            Msg::RpcOp(op) => self.set_rpc(RpcConfig {
                idempotent: op == "set",
                ..self.settings.rpc.clone()
            }),
            Msg::JumpToViolation => self.jump_to_violation(),
            Msg::Detector(k) => self.commit_detector(Some(k)),
            Msg::ToggleHelp => self.help = !self.help,
            Msg::DeriveTimeout => {
                // The synchronous bound: a heartbeat every I (sender's clock) is at most
                // (1+ρ)(I/(1−ρ) + max latency) apart on the observer's clock.
                let r = self.settings.clocks.max_drift_ppm as f64 / 1e6;
                let max = self.sim.network().config.latency.bounds().1 as f64;
                let t =
                    (1.0 + r) * (self.settings.interval_us() as f64 / (1.0 - r) + max) + 1_000.0;
                self.drafts
                    .insert(Field::FdTimeout, format!("{:.1}", (t / 1000.0).ceil()));
                self.commit_detector(Some("timeout".into()));
                self.notice = Some(format!("Timeout derived from the bounds: {:.0} ms. In the synchronous model it never suspects a live node.", (t / 1000.0).ceil()));
            }
            Msg::ChartTarget(t) => {
                self.chart_target = t.parse().ok();
                self.chart.clear();
            }
            Msg::Model(m) => self.commit_model(Some(m)),
            Msg::Recover(i) => self.command(Command::Recover(NodeId(i))),
            Msg::CutLink | Msg::HealLink => {
                let (a, b) = (self.node_field(Field::LinkA), self.node_field(Field::LinkB));
                if let (Some(a), Some(b)) = (a, b) {
                    if a == b {
                        self.errors.insert(
                            Field::LinkB,
                            "Link to node: pick a node other than the first one".into(),
                        );
                    } else if matches!(msg, Msg::CutLink) {
                        self.command(Command::CutLink(NodeId(a), NodeId(b)));
                    } else {
                        self.command(Command::HealLink(NodeId(a), NodeId(b)));
                    }
                }
            }
            Msg::Split => match params::parse_group(&self.draft(Field::Group), self.settings.nodes)
            {
                Ok(g) => {
                    self.errors.remove(&Field::Group);
                    self.command(Command::Partition(g.into_iter().map(NodeId).collect()));
                }
                Err(e) => {
                    self.errors.insert(Field::Group, e);
                }
            },
            Msg::HealAll => self.command(Command::HealAll),
            Msg::Key(k) => {
                let in_field = k
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|el| {
                        matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                    });
                if in_field || k.ctrl_key() || k.meta_key() || k.alt_key() {
                    return false;
                }
                match k.key().as_str() {
                    " " | "k" => {
                        k.prevent_default();
                        ctx.link().send_message(Msg::TogglePlay);
                    }
                    "." | "s" | "ArrowRight" => ctx.link().send_message(Msg::Step),
                    "r" => ctx.link().send_message(Msg::Reset),
                    "+" | "=" => ctx.link().send_message(Msg::Speed(self.speed * 2.0)),
                    "-" | "_" => ctx.link().send_message(Msg::Speed(self.speed / 2.0)),
                    "Escape" => ctx.link().send_message(Msg::ClearSelection),
                    "?" | "h" => ctx.link().send_message(Msg::ToggleHelp),
                    "c" => {
                        if let Selection::Node(i) = self.selection {
                            let up = self.sim.nodes()[i as usize].is_up();
                            ctx.link().send_message(if up {
                                Msg::Crash(i)
                            } else {
                                Msg::Recover(i)
                            });
                        }
                    }
                    _ => {}
                }
                return false;
            }
            Msg::DismissErrors => self.url_errors.clear(),
            Msg::LoadLibrary(id) => match crate::library::get(&id) {
                Ok(sc) => {
                    self.library_id = id.clone();
                    self.url_errors.clear();
                    self.load(sc);
                    let extra = self.page.to_query();
                    share::set_query(&if extra.is_empty() {
                        format!("scenario={id}")
                    } else {
                        format!("scenario={id}&{extra}")
                    });
                    self.pending_speech
                        .push(format!("scenario loaded: {}", self.setup.title));
                }
                Err(e) => self.notice = Some(e),
            },
            Msg::OpenFile(file) => {
                let link = ctx.link().clone();
                let name = file.name();
                wasm_bindgen_futures::spawn_local(async move {
                    let r = share::read_file(file, crate::scenario::MAX_FILE_BYTES).await;
                    link.send_message(Msg::Loaded(name, r));
                });
                return false;
            }
            Msg::Loaded(name, text) => {
                match text
                    .map_err(|e| vec![e])
                    .and_then(|t| Scenario::from_json(&t))
                {
                    Ok(sc) => {
                        self.url_errors.clear();
                        self.library_id.clear();
                        self.load(sc);
                        self.notice = Some(format!(
                            "Loaded scenario \u{201c}{}\u{201d} from {}.",
                            self.setup.title,
                            crate::params::show(&name)
                        ));
                        self.pending_speech
                            .push(format!("scenario loaded: {}", self.setup.title));
                    }
                    Err(errors) => {
                        let shown: String = name.chars().take(100).collect();
                        self.problems_title = format!(
                            "Could not load the scenario \u{201c}{shown}\u{201d}; nothing was changed:"
                        );
                        self.url_errors = errors;
                    }
                }
            }
            Msg::CopyLink(at_moment) => {
                let sc = self.share_scenario(at_moment);
                let extra = self.page.to_query();
                let mut url = format!("{}?{}", share::page_base(), sc.to_query());
                if !extra.is_empty() {
                    url.push('&');
                    url.push_str(&extra);
                }
                self.copy(
                    ctx,
                    url,
                    if at_moment {
                        "Link to this moment copied."
                    } else {
                        "Link to replay from the start copied."
                    },
                );
            }
            Msg::CopyEmbed => {
                let sc = self.share_scenario(false);
                let url = format!("{}?{}&embed=1", share::page_base(), sc.to_query());
                let title = if self.setup.title.is_empty() {
                    "distsim simulation".to_string()
                } else {
                    format!("distsim: {}", self.setup.title)
                };
                let code = format!(
                    "<iframe src=\"{}\" title=\"{}\" width=\"640\" height=\"420\" style=\"border:0\" loading=\"lazy\" allow=\"clipboard-write\"></iframe>",
                    url.replace('&', "&amp;").replace('"', "&quot;"),
                    title.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
                );
                self.copy(
                    ctx,
                    code,
                    "Embed code copied: paste it into your course page.",
                );
            }
            Msg::Copied(r) => {
                self.share_status = Some(match r {
                    Ok(()) => self.share_status.clone().unwrap_or_default(),
                    Err(e) => {
                        format!("Could not copy ({e}); select the text below and copy it by hand.")
                    }
                });
            }
            Msg::ExportSetup => {
                let json = self.export_scenario().to_json();
                match share::download("distsim-scenario.json", "application/json", &json) {
                    Ok(()) => {
                        self.share_status =
                            Some("Scenario file saved (distsim-scenario.json).".into())
                    }
                    Err(e) => self.share_status = Some(format!("Could not save the file: {e}")),
                }
            }
            Msg::ExportTrace => {
                let r = self.trace_export().and_then(|json| {
                    share::download("distsim-trace.json", "application/json", &json)
                });
                self.share_status = Some(match r {
                    Ok(()) => format!(
                        "Trace saved (distsim-trace.json): {} entries.",
                        self.sim.trace().len()
                    ),
                    Err(e) => format!("Could not export the trace: {e}"),
                });
            }
            Msg::Dragging(on) => {
                if on == self.dragging {
                    return false;
                }
                self.dragging = on;
            }
            Msg::ToggleAbout => self.about = !self.about,
            Msg::SchemeChanged(dark) => {
                if self.page.theme == Theme::Auto {
                    self.dark = dark;
                    self.dirty = true;
                }
            }
        }
        self.kick(ctx);
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let ondragover = link.callback(|e: DragEvent| {
            e.prevent_default();
            Msg::Dragging(true)
        });
        let ondragleave = link.callback(|_: DragEvent| Msg::Dragging(false));
        let ondrop = link.batch_callback(|e: DragEvent| {
            e.prevent_default();
            let file = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0));
            let mut msgs = vec![Msg::Dragging(false)];
            msgs.extend(file.map(Msg::OpenFile));
            msgs
        });
        let class = classes!(
            "app",
            self.page.embed.then_some("embed"),
            if self.dark { "dark" } else { "light" },
            self.dragging.then_some("dragging")
        );
        if self.page.embed {
            return html! {
                <div class={class} {ondragover} {ondragleave} {ondrop}>
                    { self.view_embed(ctx) }
                </div>
            };
        }
        html! {
            <div class={class} {ondragover} {ondragleave} {ondrop}>
                { self.view_header(ctx) }
                { self.view_problems(ctx) }
                if !self.setup.title.is_empty() {
                    <section class="story" aria-label="Scenario" data-testid="story">
                        <h2 data-testid="story-title">{ self.setup.title.clone() }</h2>
                        <p data-testid="story-text">{ self.setup.description.clone() }</p>
                    </section>
                }
                if let Some(n) = &self.notice {
                    <p class="notice-bar" role="status" data-testid="notice">{ n }</p>
                }
                if self.dragging {
                    <div class="drop-hint" aria-hidden="true">{ "Drop a scenario file (.json) to load it" }</div>
                }
                <div class="sr-only" aria-live="polite" role="status" data-testid="live">{ self.live_text.clone() }</div>
                if self.help {
                    <div class="help" role="dialog" aria-label="Keyboard shortcuts" data-testid="help-panel">
                        <h2>{ "Keyboard shortcuts" }</h2>
                        <dl class="kv">
                            <dt><kbd>{ "Space" }</kbd>{ " or " }<kbd>{ "K" }</kbd></dt><dd>{ "play / pause" }</dd>
                            <dt><kbd>{ "S" }</kbd>{ ", " }<kbd>{ "." }</kbd>{ " or " }<kbd>{ "→" }</kbd></dt><dd>{ "step exactly one event" }</dd>
                            <dt><kbd>{ "R" }</kbd></dt><dd>{ "reset the run (same seed)" }</dd>
                            <dt><kbd>{ "+" }</kbd>{ " / " }<kbd>{ "−" }</kbd></dt><dd>{ "double / halve the speed" }</dd>
                            <dt><kbd>{ "Tab" }</kbd></dt><dd>{ "move between nodes and controls; Enter selects a node" }</dd>
                            <dt><kbd>{ "C" }</kbd></dt><dd>{ "crash or recover the selected node" }</dd>
                            <dt><kbd>{ "Esc" }</kbd></dt><dd>{ "deselect, close this help" }</dd>
                            <dt><kbd>{ "?" }</kbd>{ " or " }<kbd>{ "H" }</kbd></dt><dd>{ "show / hide this help" }</dd>
                        </dl>
                        <p class="hint">{ "Important events (crashes, suspicions, broken guarantees) are announced to screen readers, at most one update every 1.5 s." }</p>
                        <button onclick={link.callback(|_| Msg::ToggleHelp)}>{ "Close" }</button>
                    </div>
                }
                <main class="main">
                    { self.view_stage(ctx) }
                    <aside class="panel" aria-label="Controls and inspector">
                        { self.view_share(ctx) }
                        { self.view_run(ctx) }
                        if self.settings.rpc_workload { { self.view_delivery(ctx) } }
                        { self.view_detector(ctx) }
                        { self.view_inspector(ctx) }
                        { self.view_network(ctx) }
                        { self.view_failures(ctx) }
                        { self.view_partitions(ctx) }
                        { self.view_log() }
                    </aside>
                </main>
            </div>
        }
    }
}

impl App {
    /// The embed layout: the picture filling the frame, a one-line bar, and
    /// the scenario's words behind an "about" button.
    fn view_embed(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let full = {
            let extra = PageOptions {
                embed: false,
                controls: true,
                ..self.page
            }
            .to_query();
            let mut u = format!(
                "{}?{}",
                share::page_base(),
                self.share_scenario(true).to_query()
            );
            if !extra.is_empty() {
                u.push('&');
                u.push_str(&extra);
            }
            u
        };
        let title = if self.setup.title.is_empty() {
            "distsim".to_string()
        } else {
            self.setup.title.clone()
        };
        html! { <>
            <main class="main">
                { self.view_stage(ctx) }
                if !self.playing && self.page.controls {
                    <button class="big-play" data-testid="big-play" aria-label="Play (Space)" onclick={link.callback(|_| Msg::TogglePlay)}>{ "▶" }</button>
                }
            </main>
            if self.page.controls {
                <div class="embed-bar" role="group" aria-label="Simulation">
                    <button class="primary" data-testid="play" aria-keyshortcuts="Space" onclick={link.callback(|_| Msg::TogglePlay)}
                        aria-label={ if self.playing { "Pause (Space)" } else { "Play (Space)" } }>
                        { if self.playing { "❚❚" } else { "▶" } }
                    </button>
                    <button data-testid="step" aria-keyshortcuts="S" aria-label="+1 step: one event (S)" onclick={link.callback(|_| Msg::Step)}>{ "+1" }</button>
                    <button data-testid="reset" aria-keyshortcuts="R" aria-label="Start again (R)" onclick={link.callback(|_| Msg::Reset)}>{ "↺" }</button>
                    <span class="embed-time mono" data-testid="time">{ fmt_s(self.sim.now()) }</span>
                    <button class="embed-title" data-testid="about" aria-expanded={self.about.to_string()} onclick={link.callback(|_| Msg::ToggleAbout)}
                        ><span class="info-i" aria-hidden="true">{ "i" }</span><span class="sr-only">{ "About this scenario: " }</span>{ title.clone() }</button>
                    <a class="embed-open" href={full} target="_blank" rel="noopener" data-testid="open-full">{ "Open ↗" }<span class="sr-only">{ " in the full simulator (new tab)" }</span></a>
                </div>
            }
            if self.about {
                <div class="about" role="dialog" aria-label="About this scenario" data-testid="about-panel">
                    <h2>{ title.clone() }</h2>
                    <p>{ self.setup.description.clone() }</p>
                    <p class="hint">{ "Keys: Space play/pause · S step · R start again · +/− speed · ? help" }</p>
                    <button onclick={link.callback(|_| Msg::ToggleAbout)}>{ "Close" }</button>
                </div>
            }
            if let Some(n) = &self.notice {
                <p class="embed-notice" role="status" data-testid="notice">{ n }</p>
            }
            { self.view_problems(ctx) }
            <div class="sr-only" aria-live="polite" role="status" data-testid="live">{ self.live_text.clone() }</div>
            <span class="sr-only" data-testid="digest">{ format!("{:016x}", self.sim.digest()) }</span>
        </> }
    }

    /// What was wrong with the URL or a scenario file, until dismissed.
    fn view_problems(&self, ctx: &Context<Self>) -> Html {
        if self.url_errors.is_empty() {
            return Html::default();
        }
        html! {
            <div class={classes!("banner", self.page.embed.then_some("embed-banner"))} role="alert" data-testid="url-errors">
                <strong>{ self.problems_title.clone() }</strong>
                <ul>{ for self.url_errors.iter().map(|e| html! { <li>{ e }</li> }) }</ul>
                <button onclick={ctx.link().callback(|_| Msg::DismissErrors)}>{ "Dismiss" }</button>
            </div>
        }
    }

    /// Scenarios and sharing: the library, files in and out, links and embed code.
    fn view_share(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let onfile = link.batch_callback(|e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let file = input.files().and_then(|f| f.get(0));
            input.set_value("");
            file.map(Msg::OpenFile)
        });
        html! {
            <section class="card" aria-labelledby="h-share">
                <h2 id="h-share">{ "Scenario" }</h2>
                <div class="field">
                    <label for="f-library">{ "Built-in scenarios" }</label>
                    <select id="f-library" data-testid="f-library" onchange={link.callback(|e: Event| Msg::LoadLibrary(e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                        <option value="" selected={self.library_id.is_empty()} disabled=true>{ "Choose an idea to see…" }</option>
                        { for crate::library::titles().into_iter().map(|(id, title)| html! {
                            <option value={id} selected={self.library_id == id}>{ title }</option>
                        }) }
                    </select>
                </div>
                <div class="field">
                    <label for="f-file">{ "Open a scenario file (.json)" }</label>
                    <input id="f-file" data-testid="f-file" type="file" accept=".json,application/json" onchange={onfile} />
                    <p class="hint">{ "…or drop one anywhere on the page." }</p>
                </div>
                <div class="btns wrap">
                    <button data-testid="copy-link" onclick={link.callback(|_| Msg::CopyLink(true))}
                        title="A link that opens this run at this moment, paused">{ "Copy link to this moment" }</button>
                    <button data-testid="copy-link-start" onclick={link.callback(|_| Msg::CopyLink(false))}
                        title="A link that replays this run from the start, your actions included">{ "Copy link to replay" }</button>
                    <button data-testid="copy-embed" onclick={link.callback(|_| Msg::CopyEmbed)}
                        title="An iframe for a course page">{ "Copy embed code" }</button>
                </div>
                <div class="btns wrap">
                    <button data-testid="export-setup" onclick={link.callback(|_| Msg::ExportSetup)}>{ "Save scenario file" }</button>
                    <button data-testid="export-trace" onclick={link.callback(|_| Msg::ExportTrace)}>{ "Save trace (JSON)" }</button>
                </div>
                if let Some(st) = &self.share_status {
                    <p class="hint" role="status" data-testid="share-status">{ st }</p>
                }
                if !self.share_text.is_empty() {
                    <div class="field">
                        <label for="f-share">{ "Copied text" }</label>
                        <textarea id="f-share" data-testid="share-text" readonly=true rows="3" value={self.share_text.clone()} />
                    </div>
                }
            </section>
        }
    }

    fn view_header(&self, ctx: &Context<Self>) -> Html {
        let s = self.sim.stats();
        let link = ctx.link();
        html! {
            <header class="top">
                <h1>{ "distsim" }<span class="sub">{ " · watch a distributed system" }</span></h1>
                <div class="transport" role="group" aria-label="Simulation">
                    <button class="primary" data-testid="play" aria-keyshortcuts="Space" onclick={link.callback(|_| Msg::TogglePlay)}
                        aria-label={ if self.playing { "Pause (Space)" } else { "Play (Space)" } }>
                        { if self.playing { "❚❚ Pause" } else { "▶ Play" } }
                    </button>
                    <button data-testid="step" aria-keyshortcuts="S" aria-label="+1 Step: one event (S)" onclick={link.callback(|_| Msg::Step)}>{ "+1 Step" }</button>
                    <button data-testid="reset" aria-keyshortcuts="R" aria-label="Reset the run (R)" onclick={link.callback(|_| Msg::Reset)}>{ "↺ Reset" }</button>
                    <button data-testid="help" aria-keyshortcuts="?" aria-expanded={self.help.to_string()} aria-label="Keyboard shortcuts (?)" onclick={link.callback(|_| Msg::ToggleHelp)}>{ "?" }</button>
                    <label class="speed">
                        <span>{ "Speed" }</span>
                        <input type="range" min="-1" max="3" step="0.01" aria-label="Simulation speed" data-testid="speed"
                            value={ self.speed.log10().to_string() }
                            oninput={link.callback(|e: InputEvent| {
                                let v: f64 = e.target_unchecked_into::<HtmlInputElement>().value().parse().unwrap_or(0.0);
                                Msg::Speed(10f64.powf(v))
                            })} />
                        <output>{ format!("{}×", fmt_speed(self.speed)) }</output>
                    </label>
                    if self.lagging && self.playing {
                        <span class="lag" role="status" data-testid="lagging"
                            title="Too many events per second for this machine: the run advances more slowly than the speed asks. Results are unchanged.">
                            { format!("⚠ can't keep up: ~{}×", fmt_speed(self.effective_speed.max(0.0))) }
                        </span>
                    }
                </div>
                <dl class="stats" data-testid="stats">
                    <div><dt>{ "true time" }</dt><dd data-testid="time">{ fmt_s(self.sim.now()) }</dd></div>
                    <div><dt>{ "events" }</dt><dd data-testid="events">{ s.events }</dd></div>
                    <div><dt>{ "in flight" }</dt><dd data-testid="inflight">{ self.sim.in_flight() }</dd></div>
                    <div><dt>{ "delivered" }</dt><dd>{ s.delivered }</dd></div>
                    <div><dt>{ "lost" }</dt><dd>{ s.lost }</dd></div>
                    <div><dt>{ "blocked" }</dt><dd>{ s.blocked }</dd></div>
                    <div><dt>{ "to crashed" }</dt><dd>{ s.to_down }</dd></div>
                    <div><dt>{ "duplicated" }</dt><dd>{ s.duplicated }</dd></div>
                    <div title="A hash of every event so far: same seed and same actions give the same digest">
                        <dt>{ "trace digest" }</dt><dd class="mono" data-testid="digest">{ format!("{:016x}", self.sim.digest()) }</dd></div>
                </dl>
            </header>
        }
    }

    fn view_stage(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let onclick = link
            .callback(|e: MouseEvent| Msg::CanvasClick(e.offset_x() as f64, e.offset_y() as f64));
        let onmove = link
            .callback(|e: MouseEvent| Msg::CanvasMove(e.offset_x() as f64, e.offset_y() as f64));
        html! {
            <section class="stage" ref={self.stage.clone()} aria-label="Cluster view">
                <canvas ref={self.canvas.clone()} data-testid="canvas"
                    aria-label="Animated view of nodes and messages; use the node buttons or the panels to interact"
                    onclick={onclick} onmousemove={onmove} onmouseleave={link.callback(|_| Msg::CanvasLeave)}></canvas>
                <NodeLayer nodes={self.node_buttons()} on_select={self.on_select.clone()} />
                <div class="legend" aria-label="Legend">
                    <span><i class="lg-ping"></i>{ if self.settings.rpc_workload { "request" } else { "ping" } }</span>
                    <span><i class="lg-pong"></i>{ if self.settings.rpc_workload { "reply" } else { "pong" } }</span>
                    if self.settings.rpc_workload { <span><i class="lg-retry">{ "▲" }</i>{ "retransmission" }</span> }
                    <span><i class="lg-dup"></i>{ "duplicate" }</span>
                    <span><i class="lg-dev"></i>{ "deviating (Byzantine)" }</span>
                    <span><i class="lg-lost">{ "✕" }</i>{ "dropped" }</span>
                    <span><i class="lg-omit">{ "⊘" }</i>{ "omitted" }</span>
                    <span><i class="lg-timer"></i>{ "timer" }</span>
                    <span><i class="lg-down">{ "✕" }</i>{ "crashed" }</span>
                    <span><i class="lg-stop"></i>{ "fail-stopped" }</span>
                    <span><i class="lg-byz">{ "✸" }</i>{ "Byzantine node" }</span>
                    <span><i class="lg-cut"></i>{ "cut link" }</span>
                </div>
                <p class="caption" hidden={!self.setup.title.is_empty()}>
                    if self.settings.rpc_workload {
                        <strong>{ "Clients and a server. " }</strong>
                        { format!("Each client sends a request to the server every {:.1} s; mode: {}. Circles are requests, triangles retransmissions, diamonds replies. Click anything to inspect it.", self.settings.rpc.request_every as f64 / 1e6, self.settings.rpc.mode) }
                    } else {
                        <strong>{ "Heartbeats. " }</strong>
                        { "Every node pings every other node once per second of its own clock; each ping is answered by a pong. Click a node or a message to inspect it; click a link to cut it." }
                    }
                </p>
                if !self.playing {
                    <div class="paused-badge" aria-hidden="true">{ "❚❚ paused" }</div>
                }
            </section>
        }
    }

    fn text_field(
        &self,
        ctx: &Context<Self>,
        f: Field,
        label: &str,
        hint: &str,
        inputmode: &str,
    ) -> Html {
        let link = ctx.link();
        let id = format!("f-{f:?}").to_lowercase();
        let err = self.errors.get(&f);
        let err_id = format!("{id}-err");
        html! {
            <div class={classes!("field", err.map(|_| "invalid"))}>
                <label for={id.clone()}>{ label }</label>
                <input id={id.clone()} data-testid={id.clone()} type="text" inputmode={inputmode.to_string()} value={self.draft(f)}
                    title={hint.to_string()} aria-invalid={err.is_some().to_string()} aria-describedby={err.map(|_| err_id.clone())}
                    oninput={link.callback(move |e: InputEvent| Msg::Draft(f, e.target_unchecked_into::<HtmlInputElement>().value()))}
                    onchange={link.callback(move |_| Msg::Commit(f))}
                    onkeydown={link.batch_callback(move |e: KeyboardEvent| (e.key() == "Enter").then_some(Msg::Commit(f)))} />
                if let Some(e) = err {
                    <p class="error" id={err_id} role="alert" data-testid={format!("{id}-error")}>{ e }</p>
                }
            </div>
        }
    }

    fn view_run(&self, ctx: &Context<Self>) -> Html {
        html! {
            <section class="card" aria-labelledby="h-run">
                <h2 id="h-run">{ "Run" }</h2>
                <p class="hint">{ "Changing these starts a new run. Same seed + same actions = same run (compare the digest)." }</p>
                <div class="field">
                    <label for="f-workload">{ "Workload" }</label>
                    <select id="f-workload" data-testid="f-workload" onchange={ctx.link().callback(|e: Event| Msg::WorkloadKind(e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                        <option value="heartbeat" selected={!self.settings.rpc_workload}>{ "Heartbeats (every node pings every other)" }</option>
                        <option value="rpc" selected={self.settings.rpc_workload}>{ "Clients and a server (delivery semantics)" }</option>
                    </select>
                </div>
                <div class="grid2">
                    { self.text_field(ctx, Field::Nodes, "Nodes", "1 to 300", "numeric") }
                    { self.text_field(ctx, Field::Seed, "Seed", "any whole number", "numeric") }
                    if !self.settings.rpc_workload {
                        { self.text_field(ctx, Field::Interval, "Heartbeat every (ms)", "local time between ping rounds", "decimal") }
                        <div class="field">
                            <label for="f-detector">{ "Failure detector" }</label>
                            <select id="f-detector" data-testid="f-detector" onchange={ctx.link().callback(|e: Event| Msg::Detector(e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                                { for [("none", "none"), ("timeout", "fixed timeout"), ("phi", "phi accrual (Akka)")].iter().map(|(v, l)| {
                                    let cur = match self.settings.detector { None => "none", Some(DetectorKind::FixedTimeout { .. }) => "timeout", Some(_) => "phi" };
                                    html! { <option value={*v} selected={cur == *v}>{ *l }</option> }
                                }) }
                            </select>
                        </div>
                        if matches!(self.settings.detector, Some(DetectorKind::FixedTimeout { .. })) {
                            { self.text_field(ctx, Field::FdTimeout, "Suspect after (ms)", "silence before suspecting a peer", "decimal") }
                            <div class="btns"><button data-testid="derive-timeout" title="(1+ρ)(interval/(1−ρ) + max latency) + 1 ms: never wrong in the synchronous model"
                                onclick={ctx.link().callback(|_| Msg::DeriveTimeout)}>{ "Derive from the bounds" }</button></div>
                        }
                        if matches!(self.settings.detector, Some(DetectorKind::PhiAccrual { .. })) {
                            { self.text_field(ctx, Field::PhiThreshold, "Phi threshold", "suspect when phi exceeds this (Akka: 8)", "decimal") }
                        }
                    }
                    { self.text_field(ctx, Field::Offset, "Clock offset ≤ (ms)", "each node's clock starts up to this far off", "decimal") }
                    { self.text_field(ctx, Field::Drift, "Clock drift ≤ (ppm)", "each node's clock runs this much fast or slow", "numeric") }
                </div>
            </section>
        }
    }

    fn view_network(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let kind = self.lat_kind.clone();
        html! {
            <section class="card" aria-labelledby="h-net">
                <h2 id="h-net">{ "Network" }</h2>
                <p class="hint">{ "Takes effect immediately and is recorded in the trace." }</p>
                <div class="grid2 align-end">
                    <div class="field">
                        <label for="f-model">{ "System model" }</label>
                        <select id="f-model" data-testid="f-model" onchange={ctx.link().callback(|e: Event| Msg::Model(e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                            { for [("sync", "synchronous (delays bounded)"), ("psync", "partially synchronous"), ("async", "asynchronous (rare huge delays)")].iter().map(|(v, l)| {
                                let cur = match SystemModel::of(&self.sim.network().config.spikes) { SystemModel::Synchronous => "sync", SystemModel::PartiallySynchronous { .. } => "psync", SystemModel::Asynchronous => "async" };
                                html! { <option value={*v} selected={cur == *v}>{ *l }</option> }
                            }) }
                        </select>
                    </div>
                    if matches!(SystemModel::of(&self.sim.network().config.spikes), SystemModel::PartiallySynchronous { .. }) {
                        { self.text_field(ctx, Field::Gst, "Stabilizes at (s)", "global stabilization time: bounded delays after it", "decimal") }
                    }
                </div>
                <p class="hint">{ match SystemModel::of(&self.sim.network().config.spikes) {
                    SystemModel::Synchronous => "Synchronous: every delay is within the latency bounds, so a timeout derived from them never suspects a live node.".to_string(),
                    SystemModel::PartiallySynchronous { gst } => format!("Partially synchronous: 5% of messages sent before {:.1} s are delayed by up to 8 s; after that, delays are bounded and false suspicions stop.", gst as f64 / 1e6),
                    SystemModel::Asynchronous => "Asynchronous: 5% of messages are delayed by up to 8 s. Any timeout will sometimes suspect a node that is only slow: a perfect detector is impossible.".to_string(),
                } }</p>
                <div class="field">
                    <label for="f-latkind">{ "Latency model" }</label>
                    <select id="f-latkind" data-testid="f-latkind" onchange={link.callback(|e: Event| Msg::LatencyKind(e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                        { for [("constant", "constant (= mean)"), ("uniform", "uniform (min to max)"), ("exponential", "exponential (long tail)")].iter().map(|(v, l)| html! {
                            <option value={*v} selected={kind == *v}>{ *l }</option>
                        }) }
                    </select>
                </div>
                <div class="grid3">
                    { self.text_field(ctx, Field::LatMin, "min (ms)", "smallest latency", "decimal") }
                    { self.text_field(ctx, Field::LatMean, "mean (ms)", "average latency (constant and exponential)", "decimal") }
                    { self.text_field(ctx, Field::LatMax, "max (ms)", "largest latency", "decimal") }
                </div>
                <div class="grid2">
                    { self.text_field(ctx, Field::Loss, "Loss probability", "0 to 1", "decimal") }
                    { self.text_field(ctx, Field::Dup, "Duplication probability", "0 to 1", "decimal") }
                    { self.text_field(ctx, Field::Bandwidth, "Bandwidth (msg/s per link)", "empty = unlimited", "numeric") }
                    <div class="field check">
                        <label>
                            <input type="checkbox" data-testid="f-reorder" checked={self.settings.net.reorder}
                                onchange={link.callback(|e: Event| Msg::Reorder(e.target_unchecked_into::<HtmlInputElement>().checked()))} />
                            { " Reordering" }
                        </label>
                        <p class="hint">{ if self.settings.net.reorder { "messages may overtake each other" } else { "each link is FIFO" } }</p>
                    </div>
                </div>
            </section>
        }
    }

    /// Failure controls for one node in the inspector.
    fn view_node_failures(&self, ctx: &Context<Self>, i: u32) -> Html {
        let link = ctx.link();
        let node = &self.sim.nodes()[i as usize];
        let now = self.sim.now();
        if !node.is_up() {
            return html! {
                <div class="failbox">
                    <p class="status-line" data-testid="node-status">{ draw::node_status(node, now).unwrap_or_default() }</p>
                    <div class="btns">
                        <button data-testid="recover" onclick={link.callback(move |_| Msg::Recover(i))}>{ "Recover now" }</button>
                    </div>
                </div>
            };
        }
        let byz = node.behaviour.byzantine.map_or("none", |m| m.name());
        html! {
            <div class="failbox">
                <h3>{ "Make it fail" }</h3>
                <div class="btns">
                    <button class="danger" data-testid="crash" title="Halts silently: nobody is told" onclick={link.callback(move |_| Msg::Crash(i))}>{ "Crash (silent)" }</button>
                    <button class="danger" data-testid="fail-stop" title="Halts, and every other node is reliably told" onclick={link.callback(move |_| Msg::FailStop(i))}>{ "Fail-stop (tell all)" }</button>
                </div>
                <div class="grid2 align-end">
                    { self.text_field(ctx, Field::RecoverAfter, "Restart after (s)", "crash now, restart after this long", "decimal") }
                    <div class="field check">
                        <label><input type="checkbox" data-testid="stable" checked={self.stable_storage}
                            onchange={link.callback(|e: Event| Msg::StableStorage(e.target_unchecked_into::<HtmlInputElement>().checked()))} />
                            { " stable storage" }</label>
                    </div>
                </div>
                <div class="btns">
                    <button class="danger" data-testid="crash-recover" onclick={link.callback(move |_| Msg::CrashRecover(i))}>
                        { if self.stable_storage { "Crash, then restart from disk" } else { "Crash, then restart empty" } }
                    </button>
                </div>
                <div class="grid3 align-end">
                    { self.text_field(ctx, Field::SendOmit, "Send omission p", "probability of failing to send", "decimal") }
                    { self.text_field(ctx, Field::RecvOmit, "Receive omission p", "probability of failing to receive", "decimal") }
                    <div class="btns"><button data-testid="apply-omission" onclick={link.callback(move |_| Msg::ApplyOmission(i))}>{ "Apply" }</button></div>
                </div>
                <div class="field">
                    <label for="f-byz">{ "Byzantine behaviour" }</label>
                    <select id="f-byz" data-testid="f-byz" onchange={link.callback(move |e: Event| Msg::Byzantine(i, e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                        { for [("none", "correct (follows the protocol)"), ("corrupt", "corrupts payloads"), ("equivocate", "equivocates (different values to different peers)"), ("replay", "replays old messages"), ("lie", "claims healthy, skips its work (requests)")].iter().map(|(v, l)| html! {
                            <option value={*v} selected={byz == *v}>{ *l }</option>
                        }) }
                    </select>
                </div>
                if !node.behaviour.is_correct() || node.deviant_sent > 0 || node.omitted > 0 {
                    <p class="status-line" data-testid="node-status">
                        { format!("{} · {} deviating messages sent · {} omitted", draw::node_status(node, now).unwrap_or_else(|| "now correct".into()), node.deviant_sent, node.omitted) }
                    </p>
                }
            </div>
        }
    }

    /// Suspicion of the chart's target by the selected node over time: the level,
    /// the threshold, when suspicion started, and when the target really failed.
    fn view_chart(&self, ctx: &Context<Self>, kind: &DetectorKind) -> Html {
        let Selection::Node(obs) = self.selection else {
            return html! { <p class="hint">{ "Select a node to chart its suspicion of another over time." }</p> };
        };
        let thr = crate::sim::PeerHistory::threshold(kind);
        let (w, h) = (330.0, 120.0);
        let now = self.sim.now();
        let span = 30_000_000u64;
        let t0 = now.saturating_sub(span);
        let x = |t: u64| (t.saturating_sub(t0)) as f64 / span as f64 * w;
        let top = (2.0 * thr).max(
            self.chart
                .iter()
                .filter(|s| s.0 >= t0)
                .map(|s| s.1)
                .fold(0.0, f64::max)
                .min(4.0 * thr),
        );
        let y = |v: f64| h - (v.min(top) / top) * (h - 8.0);
        let pts: String = self
            .chart
            .iter()
            .filter(|s| s.0 >= t0)
            .map(|s| format!("{:.1},{:.1} ", x(s.0), y(s.1)))
            .collect();
        let starts: Vec<u64> = self
            .chart
            .windows(2)
            .filter(|p| !p[0].2 && p[1].2 && p[1].0 >= t0)
            .map(|p| p[1].0)
            .collect();
        let target = self.chart_target.unwrap_or(0);
        let crash = self
            .sim
            .nodes()
            .get(target as usize)
            .and_then(|n| n.crashed_at)
            .filter(|&c| c >= t0);
        let n = self.settings.nodes;
        html! {
            <div class="chart">
                <div class="field">
                    <label for="f-chart">{ format!("n{obs}'s suspicion of") }</label>
                    <select id="f-chart" data-testid="f-chart" onchange={ctx.link().callback(|e: Event| Msg::ChartTarget(e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                        { for (0..n).filter(|&j| j != obs).map(|j| html! { <option value={j.to_string()} selected={self.chart_target == Some(j)}>{ format!("n{j}") }</option> }) }
                    </select>
                </div>
                <svg width={w.to_string()} height={h.to_string()} role="img" data-testid="chart"
                    aria-label={format!("Suspicion level of n{target} at n{obs} over the last 30 simulated seconds; threshold {thr}")}>
                    <rect x="0" y="0" width={w.to_string()} height={h.to_string()} fill="#f8fafc" stroke="#d8dee9" />
                    <line x1="0" x2={w.to_string()} y1={format!("{:.1}", y(thr))} y2={format!("{:.1}", y(thr))} stroke="#111827" stroke-dasharray="5 4" />
                    <text x="4" y={format!("{:.1}", y(thr) - 3.0)} font-size="10" fill="#111827">{ format!("threshold {thr}") }</text>
                    { for starts.iter().map(|&t| html! { <line x1={format!("{:.1}", x(t))} x2={format!("{:.1}", x(t))} y1="0" y2={h.to_string()} stroke="#dc2626" stroke-width="1.5" /> }) }
                    if let Some(c) = crash {
                        <line x1={format!("{:.1}", x(c))} x2={format!("{:.1}", x(c))} y1="0" y2={h.to_string()} stroke="#374151" stroke-width="2" stroke-dasharray="2 2" />
                        <text x={format!("{:.1}", x(c) + 3.0)} y="12" font-size="10" fill="#374151">{ "crash" }</text>
                    }
                    <polyline points={pts} fill="none" stroke="#0e7490" stroke-width="2" />
                </svg>
                <p class="hint">{ "Teal: the level (sampled as frames are drawn); dashed: the threshold; red lines: suspicion starts; grey dashed: the real crash." }</p>
            </div>
        }
    }

    fn view_detector(&self, ctx: &Context<Self>) -> Html {
        let Workload::Heartbeat(crate::sim::Heartbeat {
            detector: Some(kind),
            ..
        }) = self.sim.protocol()
        else {
            return html! {};
        };
        let m = self.sim.detector_metrics();
        let now = self.sim.now();
        let (tm, tmr) = m.averages();
        let secs = |v: Option<f64>| v.map_or("—".to_string(), |x| format!("{:.2} s", x / 1e6));
        let n = self.settings.nodes as usize;
        let correct = m.up().to_vec();
        let thr = crate::sim::PeerHistory::threshold(kind);
        html! {
            <section class="card" aria-labelledby="h-fd" data-testid="detector">
                <h2 id="h-fd">{ match kind {
                    DetectorKind::PhiAccrual { threshold, window, .. } => format!("Failure detector: phi accrual (threshold {threshold}, window {window})"),
                    DetectorKind::FixedTimeout { timeout } => format!("Failure detector: fixed timeout ({:.2} s)", *timeout as f64 / 1e6),
                } }</h2>
                <p class="hint">{ "Select a node to see, around every other node, how much it suspects it (the ring fills toward the tick, the threshold; “?” = suspected)." }</p>
                <div class="props">
                    <span class={classes!("prop", if m.complete() { "held" } else { "broken" })} data-testid="completeness">
                        { if m.complete() { "✓ completeness: every crashed node is suspected by every correct node" } else { "… completeness: some crashed node is not yet suspected by everyone" } }</span>
                    <span class={classes!("prop", if m.accurate_now() { "held" } else { "broken" })} data-testid="accuracy">
                        { if m.accurate_now() { "✓ accuracy now: no correct node is suspected" } else { "✗ accuracy: a correct node is suspected right now" } }</span>
                </div>
                <dl class="kv counters" data-testid="qos">
                    <dt>{ "False suspicions (mistakes)" }</dt><dd data-testid="q-mistakes">{ m.mistakes }</dd>
                    <dt>{ "Mistake duration (avg)" }</dt><dd>{ secs(tm) }</dd>
                    <dt>{ "Mistake recurrence (avg)" }</dt><dd>{ secs(tmr) }</dd>
                    <dt>{ "Query accuracy probability" }</dt><dd data-testid="q-pa">{ format!("{:.5}", m.query_accuracy(now)) }</dd>
                    { for m.detections.iter().rev().take(4).map(|d| html! { <>
                        <dt>{ format!("Detection of {} (down at {:.2} s)", d.target, d.crashed_at as f64 / 1e6) }</dt>
                        <dd data-testid="q-detect">{ if d.recovered { "recovered".to_string() } else { d.detection_time(&correct).map_or("not yet by all".to_string(), |t| format!("{:.2} s", t as f64 / 1e6)) } }</dd>
                    </> }) }
                </dl>
                { self.view_chart(ctx, kind) }
                if n <= 12 {
                    <table class="matrix" data-testid="matrix" aria-label="Suspicion of each target (columns) by each observer (rows)">
                        <caption>{ format!("Suspicion levels (threshold {thr}); rows observe columns") }</caption>
                        <tr><th scope="col">{ "obs \\ tgt" }</th>{ for (0..n).map(|j| html! { <th scope="col">{ format!("n{j}") }</th> }) }</tr>
                        { for (0..n).map(|i| {
                            let node = &self.sim.nodes()[i];
                            let row: Html = match node.state.as_ref() {
                                Some(crate::sim::AnyState::Hb(st)) if !st.fd.is_empty() => {
                                    let local = node.clock.local_at(now);
                                    (0..n).map(|j| {
                                        if i == j { return html! { <td class="self">{ "·" }</td> }; }
                                        let h = &st.fd[j];
                                        let lvl = h.level(local, kind);
                                        let heat = (lvl / thr).clamp(0.0, 1.0);
                                        html! { <td class={classes!(h.suspected.then_some("sus"))} style={format!("background: rgba(220, 38, 38, {:.2})", 0.08 + 0.5 * heat)}>
                                            { format!("{}{:.1}", if h.suspected { "?" } else { "" }, lvl) }</td> }
                                    }).collect::<Html>()
                                }
                                _ => html! { <td colspan={n.to_string()} class="self">{ "down" }</td> },
                            };
                            html! { <tr><th scope="row">{ format!("n{i}") }</th>{ row }</tr> }
                        }) }
                    </table>
                }
            </section>
        }
    }

    fn view_failures(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let kind = self.inject_kind.clone();
        html! {
            <section class="card" aria-labelledby="h-fail">
                <h2 id="h-fail">{ "Failures" }</h2>
                <p class="hint">{ "Pick a node to control it, or inject a failure on a random running node. Crash: silent. Fail-stop: everyone is told (teal rings). Omission: ⊘ marks. Byzantine: a star; its deviating messages have a dark ring." }</p>
                <div class="grid2 align-end">
                    <div class="field">
                        <label for="f-inject">{ "Failure type" }</label>
                        <select id="f-inject" data-testid="f-inject" onchange={link.callback(|e: Event| Msg::InjectKind(e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                            { for [("crash", "crash (silent)"), ("fail-stop", "fail-stop (everyone told)"), ("crash-recovery", "crash, then restart"), ("omission", "omission"), ("byzantine-corrupt", "Byzantine: corrupt"), ("byzantine-equivocate", "Byzantine: equivocate"), ("byzantine-replay", "Byzantine: replay"), ("byzantine-lie", "Byzantine: lie")].iter().map(|(v, l)| html! {
                                <option value={*v} selected={kind == *v}>{ *l }</option>
                            }) }
                        </select>
                    </div>
                    <div class="btns"><button class="danger" data-testid="inject" onclick={link.callback(|_| Msg::Inject)}>{ "Inject on a random node" }</button></div>
                </div>
                <p class="hint">{ format!("Now: {} down, {} misbehaving. Restart delay, stable storage and omission rates come from the inspector's fields.",
                    self.sim.nodes().iter().filter(|n| !n.is_up()).count(),
                    self.sim.nodes().iter().filter(|n| n.is_up() && !n.behaviour.is_correct()).count()) }</p>
            </section>
        }
    }

    fn view_delivery(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let rpc = &self.settings.rpc;
        let m = self.sim.metrics();
        let [never, once, more] = m.applied_histogram();
        let mode = rpc.mode;
        let server = match self.sim.nodes()[0].state.as_ref() {
            Some(crate::sim::AnyState::Rpc(crate::sim::RpcState::Server(s))) => Some(s),
            _ => None,
        };
        let expected = if rpc.idempotent {
            "—".to_string()
        } else {
            (crate::sim::rpc::ADD_AMOUNT * m.issued as i64).to_string()
        };
        let actual = match server {
            Some(s) if rpc.idempotent => format!("x = {}", s.x),
            Some(s) => s.balance.to_string(),
            None => "server down".to_string(),
        };
        let ok = m.violations == 0;
        html! {
            <section class="card" aria-labelledby="h-deliv" data-testid="delivery">
                <h2 id="h-deliv">{ "Delivery semantics" }</h2>
                <p class="hint">{ "The clients (c1, c2, …) send requests to the server; circles are first sends, triangles retransmissions, diamonds replies." }</p>
                <div class="grid2">
                    <div class="field">
                        <label for="f-mode">{ "Mode" }</label>
                        <select id="f-mode" data-testid="f-mode" onchange={link.callback(|e: Event| Msg::RpcMode(e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                            { for DeliveryMode::ALL.iter().map(|md| html! { <option value={md.name()} selected={mode == *md}>{ md.name() }</option> }) }
                        </select>
                    </div>
                    <div class="field">
                        <label for="f-op">{ "Operation" }</label>
                        <select id="f-op" data-testid="f-op" onchange={link.callback(|e: Event| Msg::RpcOp(e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                            <option value="add" selected={!rpc.idempotent}>{ "add 10 to balance (not idempotent)" }</option>
                            <option value="set" selected={rpc.idempotent}>{ "set x (idempotent)" }</option>
                        </select>
                    </div>
                    { self.text_field(ctx, Field::Rate, "Request every (ms)", "per client, local time", "decimal") }
                    { self.text_field(ctx, Field::Timeout, "Ack timeout (ms)", "first retransmission after this long", "decimal") }
                    { self.text_field(ctx, Field::Backoff, "Backoff ×", "each retry waits this many times longer (up to 3.2 s)", "numeric") }
                    { self.text_field(ctx, Field::Retries, "Retry limit (sends)", "empty = retry forever", "numeric") }
                    { self.text_field(ctx, Field::Retention, "De-dup window (ms)", "how long the server remembers a request (exactly-once)", "decimal") }
                </div>
                <div class={classes!("guarantee", if ok { "held" } else { "broken" })} role="status" data-testid="guarantee">
                    { if ok { format!("✓ {}", mode.guarantee()) } else { format!("✗ “{}” violated {} time(s)", mode.guarantee(), m.violations) } }
                    if let Some(v) = &m.first_violation {
                        <button data-testid="jump" onclick={link.callback(|_| Msg::JumpToViolation)} title={v.what.clone()}>{ format!("Show the first ({:.2} s)", v.time as f64 / 1e6) }</button>
                    }
                </div>
                <dl class="kv counters" data-testid="counters">
                    <dt>{ "Requests issued" }</dt><dd data-testid="c-issued">{ m.issued }</dd>
                    <dt>{ "Messages sent (all)" }</dt><dd>{ self.sim.stats().sent }</dd>
                    <dt>{ "Retransmissions" }</dt><dd data-testid="c-retx">{ m.retransmissions }</dd>
                    <dt>{ "Delivered to the server" }</dt><dd>{ m.delivered }</dd>
                    <dt>{ "Duplicates delivered" }</dt><dd data-testid="c-dupdel">{ m.duplicates_delivered }</dd>
                    <dt>{ "Duplicates suppressed" }</dt><dd data-testid="c-dupsup">{ m.duplicates_suppressed }</dd>
                    <dt>{ "Replies received / gave up" }</dt><dd>{ format!("{} / {}", m.completed, m.gave_up) }</dd>
                    <dt>{ "Effect applied 0 / 1 / 2+ times" }</dt><dd data-testid="c-applied">{ format!("{never} / {once} / {more}") }</dd>
                    if more > 0 {
                        <dt>{ "Applied more than once" }</dt>
                        <dd data-testid="c-twice">{ m.applied.iter().filter(|(_, &n)| n > 1).take(4).map(|((c, r), n)| format!("c{c}#{r} ×{n}")).collect::<Vec<_>>().join(", ") + if more > 4 { ", …" } else { "" } }</dd>
                    }
                    <dt>{ if rpc.idempotent { "Register" } else { "Balance: expected / actual" } }</dt>
                    <dd data-testid="c-balance">{ if rpc.idempotent { actual } else { format!("{expected} / {actual}") } }</dd>
                </dl>
            </section>
        }
    }

    fn view_partitions(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        html! {
            <section class="card" aria-labelledby="h-part">
                <h2 id="h-part">{ "Partitions" }</h2>
                <p class="hint">{ if self.settings.nodes <= 16 { "Click a link in the picture to cut or heal it, or:" } else { "Cut a link or split the cluster:" } }</p>
                <div class="grid3 align-end">
                    { self.text_field(ctx, Field::LinkA, "From node", "node number", "numeric") }
                    { self.text_field(ctx, Field::LinkB, "To node", "node number", "numeric") }
                    <div class="btns">
                        <button data-testid="cut-link" onclick={link.callback(|_| Msg::CutLink)}>{ "Cut" }</button>
                        <button data-testid="heal-link" onclick={link.callback(|_| Msg::HealLink)}>{ "Heal" }</button>
                    </div>
                </div>
                <div class="grid2 align-end">
                    { self.text_field(ctx, Field::Group, "Split off nodes", "e.g. 0-2,5: these nodes vs the rest", "text") }
                    <div class="btns">
                        <button data-testid="split" onclick={link.callback(|_| Msg::Split)}>{ "Split" }</button>
                        <button data-testid="heal-all" onclick={link.callback(|_| Msg::HealAll)}>{ "Heal all" }</button>
                    </div>
                </div>
                <p class="hint" data-testid="cut-count">{ format!("{} link(s) cut", self.cut_pairs.len()) }</p>
            </section>
        }
    }

    fn view_inspector(&self, ctx: &Context<Self>) -> Html {
        let body = match &self.selection {
            Selection::None => {
                html! { <p class="hint">{ "Click a node (or Tab to it) or a moving message to inspect it. Keys: Space play/pause · S step · R reset · +/− speed · C crash/recover the selected node · Esc deselect." }</p> }
            }
            Selection::Node(i) => {
                let i = *i;
                let node = &self.sim.nodes()[i as usize];
                let c = self.sim.node_ctx(NodeId(i));
                let now = self.sim.now();
                let rows: Vec<(String, String)> = node
                    .state
                    .as_ref()
                    .map(|st| self.sim.protocol().describe(st, &c))
                    .unwrap_or_default();
                html! {
                    <div data-testid="inspector-node">
                        <p class="big">
                            { match draw::node_name(&self.sim, i as usize) { name if name == format!("n{i}") => format!("Node n{i} "), name => format!("Node n{i} ({name}) ") } }
                            if node.is_up() { <span class="badge up">{ "● up" }</span> }
                            else { <span class="badge down" data-testid="node-down">{ format!("✕ crashed at {}", fmt_s(node.crashed_at.unwrap_or(0))) }</span> }
                        </p>
                        <dl class="kv">
                            <dt>{ "True time" }</dt><dd>{ fmt_s(now) }</dd>
                            <dt>{ "Its local clock" }</dt><dd data-testid="local-clock">{ fmt_local(c.local_now) }</dd>
                            <dt>{ "Clock offset / drift" }</dt><dd>{ format!("{:+.1} ms / {:+} ppm", node.clock.offset_us as f64 / 1000.0, node.clock.drift_ppm) }</dd>
                            <dt>{ "Sent / received" }</dt><dd>{ format!("{} / {}", node.sent, node.received) }</dd>
                            <dt>{ "Incarnation" }</dt><dd>{ node.incarnation }</dd>
                            { for rows.iter().map(|(k, v)| html! { <><dt>{ k }</dt><dd>{ v }</dd></> }) }
                        </dl>
                        <h3>{ "Pending timers" }</h3>
                        if node.timers.is_empty() { <p class="hint">{ "none" }</p> }
                        <ul class="timers">
                            { for node.timers.iter().filter(|t| t.tag < crate::sim::heartbeat::FD_TIMER_BASE).map(|t| html! {
                                <li>{ format!("{} fires in {:.3} s (at {})", self.sim.protocol().timer_name(t.tag), t.fire_at.saturating_sub(now) as f64 / 1e6, fmt_s(t.fire_at)) }</li>
                            }) }
                            if let Some(next) = node.timers.iter().filter(|t| t.tag >= crate::sim::heartbeat::FD_TIMER_BASE).map(|t| t.fire_at).min() {
                                <li>{ format!("{} suspicion deadlines (one per trusted peer); the next in {:.3} s",
                                    node.timers.iter().filter(|t| t.tag >= crate::sim::heartbeat::FD_TIMER_BASE).count(), next.saturating_sub(now) as f64 / 1e6) }</li>
                            }
                        </ul>
                        { self.view_node_failures(ctx, i) }
                    </div>
                }
            }
            Selection::Message(f) => {
                let now = self.sim.now();
                let status = match f.lost {
                    Some((t, r)) if t <= now => format!(
                        "{} at {}",
                        if r == DropReason::Loss {
                            "lost in the network"
                        } else {
                            r.label()
                        },
                        fmt_s(t)
                    ),
                    _ if f.arrive <= now => format!("arrived at {}", fmt_s(f.arrive)),
                    _ if f.depart > now => "queued at the sender (link busy)".to_string(),
                    _ => "in flight".to_string(),
                };
                html! {
                    <div data-testid="inspector-message">
                        <p class="big">{ format!("Message m{}", f.id) } if f.dup { <span class="badge dup">{ "duplicate copy" }</span> }
                            if f.deviant { <span class="badge byz" data-testid="deviant" title="Its Byzantine sender deviated from the protocol. The receiver cannot tell.">{ "✸ deviates from the protocol" }</span> }</p>
                        <dl class="kv">
                            <dt>{ "From → to" }</dt><dd>{ format!("{} → {}", f.from, f.to) }</dd>
                            <dt>{ "Payload" }</dt><dd>{ format!("{} ({})", f.msg, f.msg.kind()) }</dd>
                            <dt>{ "Sent at" }</dt><dd>{ fmt_s(f.sent_at) }</dd>
                            <dt>{ "Left sender" }</dt><dd>{ fmt_s(f.depart) }</dd>
                            <dt>{ "Delivery time" }</dt><dd>{ if f.lost.is_some_and(|(t, _)| t <= now) { "never".to_string() } else { fmt_s(f.arrive) } }</dd>
                            <dt>{ "Latency" }</dt><dd>{ format!("{:.1} ms", (f.arrive - f.depart) as f64 / 1000.0) }</dd>
                            <dt>{ "Status" }</dt><dd data-testid="message-status">{ status }</dd>
                        </dl>
                    </div>
                }
            }
        };
        html! {
            <section class="card" aria-labelledby="h-insp">
                <h2 id="h-insp">{ "Inspector" }</h2>
                { body }
            </section>
        }
    }

    fn view_log(&self) -> Html {
        html! {
            <section class="card" aria-labelledby="h-log">
                <h2 id="h-log">{ "Recent events" }</h2>
                <ol class="log mono" data-testid="log">
                    { for self.sim.trace().recent().rev().take(14).map(|e| {
                        let cls = match &e.kind {
                            TraceKind::Drop { .. } => "drop",
                            TraceKind::Command(_) => "cmd",
                            TraceKind::Deliver { .. } => "deliver",
                            _ => "",
                        };
                        html! { <li class={cls}>{ e.to_string() }</li> }
                    }) }
                </ol>
            </section>
        }
    }
}

fn fmt_speed(s: f64) -> String {
    if s < 1.0 {
        format!("{s:.2}")
    } else if s < 10.0 {
        format!("{s:.1}")
    } else {
        format!("{s:.0}")
    }
}
