//! The simulation host: the one `Sim` of the page and the run's lifecycle
//! around it (start, restart, load a scenario, apply a user's command, jump to
//! a violation), plus what every panel reads about the run (selection,
//! notices, the cut links). It is plain state with methods; the `App` shell owns
//! it and the panels read it through a [`HostRef`] during their render.
//!
//! Why one shared cell and not props per panel: the `Sim` holds thousands of
//! messages and hundreds of nodes; cloning it (or a snapshot of it) per frame
//! or per render would cost more than the whole frame. Panels borrow it only
//! inside `view`, and send changes up as [`Intent`](super::intent::Intent)s, so
//! the `App`'s `update` is the one place that mutates it.

use super::pair_chart::PairChart;
use crate::params::Settings;
use crate::scenario::{PageOptions, Scenario};
use crate::sim::{AnyMsg, Command, Flight, NodeId, Sim, Timeline, Workload};
use std::cell::{Ref, RefCell};
use std::rc::Rc;

/// What the inspector shows (and the picture highlights).
#[derive(Clone, Debug, PartialEq)]
pub enum Selection {
    None,
    Node(u32),
    /// A message copy, as it was when clicked (it may since have arrived or died).
    Message(Box<Flight<AnyMsg>>),
}

/// The simulation and everything about the current run that panels show.
pub struct Host {
    /// The settings the next run starts from (changed by the panels).
    pub settings: Settings,
    pub sim: Sim<Workload>,
    /// Where the current run started: its settings, the scenario's title,
    /// description and script, and recorded commands being replayed.
    pub setup: Scenario,
    /// How the page is shown (embed mode, controls, autoplay, theme).
    pub page: PageOptions,
    pub playing: bool,
    pub speed: f64,
    /// The last frame could not process all events due: the run lags behind `speed`.
    pub lagging: bool,
    /// Simulated seconds per wall second actually achieved (smoothed).
    pub effective_speed: f64,
    pub selection: Selection,
    /// Cut links, rebuilt only when the topology changes (all pairs, but only then).
    pub cut_pairs: Vec<(u32, u32)>,
    cut_version: u64,
    /// Recorded commands already reflected in the picture (planned ones apply by themselves).
    commands_seen: usize,
    /// One line about the last action (a refusal, a loaded file, a jump).
    pub notice: Option<String>,
    /// Problems found in the URL or in a scenario file, with a heading.
    pub problems: Vec<String>,
    pub problems_title: String,
    /// Which library scenario the menu shows.
    pub library_id: String,
    /// Bumped whenever the settings are adopted from outside the panels (a
    /// load, a restart): panels are keyed on it, so their form drafts start
    /// again from the new settings.
    pub epoch: u64,
    /// The picture must be repainted at the next frame.
    pub dirty: bool,
    /// The page is out of sight (a hidden tab, or scrolled out of view):
    /// the run neither advances nor paints until it is seen again.
    pub unseen: bool,
    /// Bumped whenever `sim` is replaced (a reset, a load, a jump): the picture
    /// and the narration drop what they kept about the old run.
    pub run: u64,
    /// The detector chart's pair and its samples.
    pub chart: PairChart,
    /// Snapshots and actions of this run's branch: going back in time.
    pub timeline: Timeline<Workload>,
    /// The event picked in the space-time diagram, for its causal past and future.
    pub event: Option<EventPick>,
    /// The lesson being taken, if any: it owns the run while it lasts.
    pub lesson: Option<super::lesson::LessonState>,
    /// A sentence for the screen reader's live region (the lesson's steps
    /// and outcomes), taken by the `App`.
    pub announce: Option<String>,
}

/// An event picked in the space-time diagram: a send or a receipt.
#[derive(Clone, Debug, PartialEq)]
pub struct EventPick {
    pub node: u32,
    pub time: crate::sim::Micros,
    pub stamp: crate::sim::Stamp,
    /// In words, e.g. "n2 receives m14".
    pub what: String,
}

pub(crate) use crate::sim::timeline::{SNAPSHOT_BUDGET, SNAPSHOT_EVERY};

impl Host {
    /// A host for `page`, with no run yet (call [`Host::load`]).
    pub fn new(page: PageOptions) -> Self {
        let settings = Settings::default();
        let sim = new_sim(&settings);
        Host {
            timeline: Timeline::new(&sim, SNAPSHOT_EVERY, SNAPSHOT_BUDGET),
            sim,
            settings,
            setup: Scenario::default(),
            page,
            playing: false,
            speed: 1.0,
            lagging: false,
            effective_speed: 0.0,
            selection: Selection::None,
            cut_pairs: Vec::new(),
            cut_version: u64::MAX,
            commands_seen: 0,
            notice: None,
            problems: Vec::new(),
            problems_title: "Some URL parameters were ignored:".into(),
            library_id: String::new(),
            epoch: 0,
            dirty: true,
            unseen: false,
            run: 0,
            event: None,
            chart: PairChart::default(),
            lesson: None,
            announce: None,
        }
    }

    /// Starts the run again from its setup: same settings, and the scenario's
    /// script and any recorded commands being replayed, applied at their instants.
    pub fn reset(&mut self) {
        self.setup.settings = self.settings.clone();
        self.sim = new_sim(&self.settings);
        self.sim.plan(self.setup.plan());
        self.timeline = Timeline::new(&self.sim, SNAPSHOT_EVERY, SNAPSHOT_BUDGET);
        self.commands_seen = 0;
        self.cut_pairs.clear();
        self.cut_version = u64::MAX; // force a rebuild for the new run
        self.selection = Selection::None;
        self.event = None;
        self.chart.samples.clear();
        self.run += 1;
        self.dirty = true;
    }

    /// Starts the scenario again from the settings it started with, undoing
    /// network and delivery changes made during the run (speed stays).
    pub fn restart(&mut self) {
        self.adopt_settings(self.setup.settings.clone());
        self.notice = None;
        self.reset();
    }

    /// Makes `settings` current, with the form fields showing them (no run yet).
    fn adopt_settings(&mut self, settings: Settings) {
        self.settings = settings;
        self.epoch += 1;
    }

    /// A new run after the user changed a setting: the scenario's timed script
    /// still applies (steps that no longer fit are skipped, with a notice), but
    /// recorded commands belonged to the old run and are dropped. The network
    /// the user set during the run is kept.
    pub fn new_run(&mut self, mut settings: Settings) {
        settings.net = self.sim.network().config;
        self.settings = settings;
        self.setup.recorded.clear();
        self.reset();
    }

    /// Makes `sc` the current setup and starts it: from time 0, or at its
    /// `upto` point, paused, when it is a link to a moment.
    pub fn load(&mut self, sc: Scenario) {
        self.adopt_settings(sc.settings.clone());
        self.speed = self.settings.speed;
        if let Some(v) = sc.view {
            self.page.view = v;
        }
        let upto = sc.upto;
        self.setup = Scenario { upto: None, ..sc };
        self.playing = if self.page.embed {
            self.page.autoplay == Some(true)
        } else {
            self.page.autoplay.unwrap_or(!self.settings.paused)
        };
        self.chart.target = None;
        self.notice = None;
        self.reset();
        self.first_look();
        if let Some((events, at)) = upto {
            self.sim.run_to_point(events, at);
            self.timeline.observe(&self.sim);
            self.playing = false;
            self.commands_seen = self.sim.commands().len();
            self.refresh_cuts();
            self.notice = Some(format!(
                "Opened at {:.3} s, the moment this link was copied. Press play to go on, or reset to watch from the start.",
                self.sim.now() as f64 / 1e6
            ));
        }
    }

    /// What a new run shows selected: a detector at work from the start
    /// (node 0's suspicion of the others), else nothing.
    fn first_look(&mut self) {
        self.selection = Selection::None;
        self.chart.target = None;
        if self.settings.detector.is_some()
            && self.settings.workload == crate::params::WorkloadKind::Heartbeat
            && self.nodes() > 1
        {
            self.selection = Selection::Node(0);
            self.chart.target = Some(1);
        }
    }

    /// Shows `sim`, a run started from `sc` and taken to some point (a
    /// lesson's Back): the settings, the setup and everything derived from
    /// them come from these two, so nothing of the run shown before is left
    /// (its node count, its workload, its selection).
    pub fn restore(&mut self, sim: Sim<Workload>, sc: Scenario) {
        let mut settings = sc.settings.clone();
        settings.net = sim.network().config;
        self.adopt_settings(settings);
        self.speed = self.settings.speed;
        self.setup = Scenario { upto: None, ..sc };
        self.sim = sim;
        super::set_panic_seed(self.settings.seed);
        self.timeline = Timeline::new(&self.sim, SNAPSHOT_EVERY, SNAPSHOT_BUDGET);
        self.after_replace();
        self.first_look();
    }

    /// How many nodes the run being shown has (never the settings' count,
    /// which is what the next run starts from).
    pub fn nodes(&self) -> u32 {
        self.sim.nodes().len() as u32
    }

    /// Reflects commands the simulator applied by itself (a script step, a
    /// replayed command) and reports planned steps it had to skip.
    pub fn after_advance(&mut self) {
        self.timeline.observe(&self.sim);
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

    /// Applies a user action to the simulator (recorded in its trace); a refusal
    /// becomes a notice instead of an error.
    pub fn command(&mut self, cmd: Command) {
        if let Command::SetNetwork(net) = &cmd {
            self.settings.net = *net;
        }
        let fork = self.fork_if_behind(&cmd);
        match self.sim.apply(cmd) {
            Ok(()) => self.notice = fork,
            Err(e) => self.notice = Some(e),
        }
        self.timeline.observe(&self.sim);
        self.commands_seen = self.sim.commands().len();
        self.refresh_cuts();
        self.refresh_message();
        self.dirty = true;
        self.lesson_acted();
    }

    /// Selects the next message copy on its way (M): the one with the next id
    /// after the selected message, wrapping around; a notice if there is none.
    pub fn select_next_message(&mut self) {
        let now = self.sim.now();
        let after = match &self.selection {
            Selection::Message(f) => Some((f.id, f.dup)),
            _ => None,
        };
        let moving = || {
            self.sim
                .flights()
                .filter(move |f| f.lost.is_none() && f.arrive > now && f.depart <= now)
        };
        let next = moving()
            .filter(|f| after.is_none_or(|a| (f.id, f.dup) > a))
            .min_by_key(|f| (f.id, f.dup))
            .or_else(|| moving().min_by_key(|f| (f.id, f.dup)))
            .cloned();
        match next {
            Some(f) => self.selection = Selection::Message(Box::new(f)),
            None => self.notice = Some("No message is on its way right now.".into()),
        }
        self.dirty = true;
    }

    /// The selected message as it is now, if still in flight (its fate may
    /// have been changed by hand).
    fn refresh_message(&mut self) {
        if let Selection::Message(f) = &mut self.selection {
            if let Some(g) = self.sim.flights().find(|g| g.id == f.id && g.dup == f.dup) {
                **f = g.clone();
            }
        }
    }

    /// Applies new delivery settings to the running workload (a recorded command).
    pub fn set_rpc(&mut self, rpc: crate::sim::RpcConfig) {
        if self.settings.workload != crate::params::WorkloadKind::Rpc {
            self.settings.rpc = rpc;
            return;
        }
        let cmd = Command::SetRpc(rpc.clone());
        let fork = self.fork_if_behind(&cmd);
        match self.sim.apply(cmd) {
            Ok(()) => {
                self.settings.rpc = rpc;
                self.notice = fork;
            }
            Err(e) => self.notice = Some(e),
        }
        self.timeline.observe(&self.sim);
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
        let n = self.nodes();
        for a in 0..n {
            for b in (a + 1)..n {
                if net.is_cut(NodeId(a), NodeId(b)) {
                    self.cut_pairs.push((a, b));
                }
            }
        }
    }

    /// Acting after going back in time forks the run: the later actions of
    /// the branch are dropped. Returns the notice that says so, if it forked.
    fn fork_if_behind(&mut self, cmd: &Command) -> Option<String> {
        if !self.timeline.is_behind(&self.sim) || self.sim.validate(cmd).is_err() {
            return None;
        }
        let dropped = self.timeline.fork(&mut self.sim);
        Some(format!(
            "You went back in time and acted: the run goes on from here as a new branch{}. Copied links replay this branch.",
            match dropped {
                0 => String::new(),
                1 => "; 1 later action was dropped".to_string(),
                n => format!("; {n} later actions were dropped"),
            }
        ))
    }

    /// Replaces the run by the same run at an earlier (or later) point of its
    /// branch, rebuilt from the nearest snapshot, paused.
    fn seek_to(&mut self, sim: Sim<Workload>) {
        self.sim = sim;
        self.after_replace();
        self.playing = false;
    }

    /// The run was replaced by another point of it (a seek, a lesson going
    /// back a step): forget what belonged to the old one.
    pub(super) fn after_replace(&mut self) {
        self.run += 1;
        self.event = None;
        self.commands_seen = self.sim.commands().len();
        self.cut_version = u64::MAX;
        self.refresh_cuts();
        self.chart.samples.clear();
        if let Selection::Message(_) = self.selection {
            self.selection = Selection::None;
        }
        self.dirty = true;
    }

    /// Goes to true time `t` of the run (the timeline scrubber).
    pub fn seek_time(&mut self, t: u64) {
        let t = t.min(self.timeline.horizon().1);
        let sim = self.timeline.seek_time(t);
        self.seek_to(sim);
    }

    /// Goes to the moment right after an action applied after `events`
    /// events at time `at` (the timeline's "jump to").
    pub fn seek_point(&mut self, events: u64, at: u64) {
        let sim = self.timeline.seek_events(events, at);
        self.seek_to(sim);
    }

    /// The moments worth jumping to: every action of the run so far or still
    /// ahead on its branch, and the scenario's applied script steps, in order:
    /// (events before it, time, what).
    pub fn marks(&self) -> Vec<(u64, u64, String)> {
        let mut marks: Vec<(u64, u64, String)> = self
            .sim
            .commands()
            .iter()
            .map(|c| (c.after_events, c.at, c.cmd.to_string()))
            .collect();
        let applied = self.sim.actions_applied();
        marks.extend(
            self.timeline.actions()[applied.min(self.timeline.actions().len())..]
                .iter()
                .map(|c| (c.after_events, c.at, c.cmd.to_string())),
        );
        marks.sort_by_key(|m| (m.0, m.1));
        marks
    }

    /// The other moments worth jumping to: each time a node that nobody
    /// suspected became suspected, on this branch up to its furthest point:
    /// (events to seek to, time, what). Seeking there shows the state right
    /// after the suspicion.
    pub fn suspicion_marks(&self) -> Vec<(u64, u64, String)> {
        self.timeline
            .first_suspicions()
            .iter()
            .map(|f| {
                (
                    f.after_events + 1,
                    f.at,
                    format!(
                        "n{} suspects n{}, {}",
                        f.observer.0,
                        f.target.0,
                        if f.target_up {
                            "which is up (a mistake)"
                        } else {
                            "which is down"
                        }
                    ),
                )
            })
            .collect()
    }

    /// Goes back one event (←).
    pub fn step_back(&mut self) {
        let events = self.sim.stats().events;
        if events == 0 {
            self.notice = Some("This is the start of the run.".into());
            return;
        }
        let sim = self.timeline.seek_events(events - 1, 0);
        self.seek_to(sim);
    }

    /// Goes back to the start of the run (Home).
    pub fn seek_start(&mut self) {
        let sim = self.timeline.seek_events(0, 0);
        self.seek_to(sim);
    }

    /// Goes to the moment right after the event that first broke the delivery
    /// guarantee, paused.
    pub fn jump_to_violation(&mut self) {
        let Some(v) = self.sim.metrics().first_violation.clone() else {
            return;
        };
        let sim = self.timeline.seek_events(v.after_events + 1, 0);
        self.seek_to(sim);
        self.selection = Selection::Node(0);
        self.notice = Some(format!(
            "Paused at {:.3} s, right after the event that broke the guarantee: {}.",
            v.time as f64 / 1e6,
            v.what
        ));
    }

    /// Goes to the moment right after the event that first broke Raft
    /// safety property `p`, paused.
    pub fn jump_to_safety(&mut self, p: crate::sim::Safety) {
        let Some(v) = self.sim.consensus().first.get(&p).cloned() else {
            return;
        };
        let sim = self.timeline.seek_events(v.after_events + 1, 0);
        self.seek_to(sim);
        self.notice = Some(format!(
            "Paused at {:.3} s, right after the event that broke {}: {}.",
            v.at as f64 / 1e6,
            p.name(),
            v.what
        ));
    }

    /// A node picked "at random" among the running ones for an injected
    /// failure: a hash of the seed and the run so far, so the same actions pick
    /// the same node (the command records it either way).
    pub fn random_up_node(&self) -> Option<NodeId> {
        let up: Vec<u32> = (0..self.nodes())
            .filter(|&i| self.sim.nodes()[i as usize].is_up())
            .collect();
        if up.is_empty() {
            return None;
        }
        let mut h = crate::sim::Digest::default();
        h.mix4(
            self.settings.seed,
            self.sim.stats().events,
            self.sim.commands().len() as u64,
            self.sim.now(),
        );
        Some(NodeId(up[(h.value() % up.len() as u64) as usize]))
    }

    /// Loads built-in scenario `id`. Returns whether it loaded (else a notice says why).
    pub fn load_library(&mut self, id: &str) -> bool {
        match crate::library::get(id) {
            Ok(sc) => {
                self.library_id = id.to_string();
                self.problems.clear();
                self.load(sc);
                true
            }
            Err(e) => {
                self.notice = Some(e);
                false
            }
        }
    }

    /// The address query for the current library scenario and page options
    /// (so a reload keeps the scenario).
    pub fn library_query(&self) -> String {
        let extra = self.page.to_query();
        if extra.is_empty() {
            format!("scenario={}", self.library_id)
        } else {
            format!("scenario={}&{extra}", self.library_id)
        }
    }

    /// Loads a scenario file's text (from a picker, a drop or `scenario_url`),
    /// all or nothing: on any problem the run is unchanged and the problems
    /// are listed. Returns whether it loaded.
    pub fn load_file(&mut self, name: &str, text: Result<String, String>) -> bool {
        match text
            .map_err(|e| vec![e])
            .and_then(|t| Scenario::from_json(&t))
        {
            Ok(sc) => {
                self.problems.clear();
                self.library_id.clear();
                self.load(sc);
                self.notice = Some(format!(
                    "Loaded scenario \u{201c}{}\u{201d} from {}.",
                    self.setup.title,
                    crate::params::show(name)
                ));
                true
            }
            Err(errors) => {
                let shown: String = name.chars().take(100).collect();
                self.problems_title = format!(
                    "Could not load the scenario \u{201c}{shown}\u{201d}; nothing was changed:"
                );
                self.problems = errors;
                false
            }
        }
    }

    /// A click on the picture: on a message or a node selects it; on a link
    /// (up to 16 nodes) cuts or heals it; elsewhere deselects.
    pub fn click(
        &mut self,
        message: Option<Flight<AnyMsg>>,
        node: Option<u32>,
        link: Option<(u32, u32)>,
    ) {
        if let Some(f) = message {
            self.selection = Selection::Message(Box::new(f));
        } else if let Some(i) = node {
            self.selection = Selection::Node(i);
        } else if let Some((a, b)) = link.filter(|_| self.nodes() <= 16) {
            let (a, b) = (NodeId(a), NodeId(b));
            let cut = self.sim.network().is_cut(a, b);
            self.command(if cut {
                Command::HealLink(a, b)
            } else {
                Command::CutLink(a, b)
            });
        } else {
            self.selection = Selection::None;
        }
        self.dirty = true;
    }

    /// Selects node `i` (or deselects it when it is selected), keeping the
    /// detector chart on a target other than the observer.
    pub fn toggle_node(&mut self, i: u32) {
        self.chart.samples.clear();
        if self.chart.target.is_none_or(|t| t == i) {
            self.chart.target = Some(if i == 0 { 1 } else { 0 }).filter(|&t| t < self.nodes());
        }
        self.selection = if self.selection == Selection::Node(i) {
            Selection::None
        } else {
            Selection::Node(i)
        };
        self.dirty = true;
    }

    /// The selected node, if a node is selected.
    pub fn selected_node(&self) -> Option<u32> {
        match self.selection {
            Selection::Node(i) => Some(i),
            _ => None,
        }
    }
}

/// A fresh simulator for `settings` (and the seed the panic overlay names).
pub fn new_sim(settings: &Settings) -> Sim<Workload> {
    super::set_panic_seed(settings.seed);
    settings.sim()
}

/// The host as panels see it: a shared handle plus the render it belongs to.
/// Two handles are equal when they point at the same host *and* were made for
/// the same render, so a panel re-renders exactly when the `App` renders
/// (a few times a second while playing), and never clones the `Sim`.
#[derive(Clone)]
pub struct HostRef {
    cell: Rc<RefCell<Host>>,
    version: u64,
}

impl HostRef {
    pub fn new(cell: Rc<RefCell<Host>>, version: u64) -> Self {
        HostRef { cell, version }
    }

    /// Reads the host. Borrow inside `view` or a callback only; never keep it.
    pub fn get(&self) -> Ref<'_, Host> {
        self.cell.borrow()
    }
}

impl PartialEq for HostRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.cell, &other.cell) && self.version == other.version
    }
}
