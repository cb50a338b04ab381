//! The `App` shell: owns the simulation host and the frame loop, turns the
//! panels' intents, keys and canvas clicks into changes of the host, and lays
//! out the page (full or embed). What each panel shows lives in `panels/`.

use super::address::{from_address, media};
use super::form::PanelProps;
use super::frame::FrameLoop;
use super::host::{Host, HostRef};
use super::intent::Intent;
use super::narrate::Narrator;
use super::panels::failures::FaultForm;
use super::panels::{
    delivery::DeliveryPanel, detector::DetectorPanel, embed::EmbedBar, failures::FailuresPanel,
    header::Header, help::Help, inspector::Inspector, lesson::LessonPanel, log::Log,
    network::NetworkPanel, partitions::PartitionsPanel, problems::Problems, raft::RaftPanel,
    run::RunPanel, scenario::ScenarioPanel, service::ServicePanel, timeline::TimelineBar,
};
use super::picture::{Picture, StageCallbacks};
use super::spacetime::{DiagramCallbacks, SpaceTime};
use crate::layout::Pt;
use crate::scenario::Theme;

use gloo_events::EventListener;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

mod intents;
mod observers;
use observers::{InViewObserver, SizeObserver};

pub enum Msg {
    Frame(f64),
    Wake,
    Redraw,
    /// The picture's stage or the diagram's canvas changed size.
    Resized,
    Intent(Intent),
    CanvasClick(f64, f64),
    CanvasMove(f64, f64),
    CanvasLeave,
    /// The space-time diagram: pointer down, moved, up (x, y), left; a key; the wheel (dy, x).
    DiagramDown(f64),
    DiagramMove(f64),
    DiagramUp(f64, f64),
    DiagramLeave,
    DiagramKey(KeyboardEvent),
    DiagramWheel(f64, f64),
    Key(KeyboardEvent),
    /// A scenario's text arrived (from a file or a URL): its name and content.
    Loaded(String, Result<String, String>),
    /// The clipboard answered.
    Copied(Result<(), String>),
    Dragging(bool),
    /// The reader's colour scheme changed.
    SchemeChanged(bool),
    /// The tab was hidden or shown (true: hidden).
    TabHidden(bool),
    /// The page scrolled into or out of its viewer's view (true: in view).
    InView(bool),
}

pub struct App {
    host: Rc<RefCell<Host>>,
    /// Bumped at every render, so panels (whose props hold it) render too.
    version: u64,
    frames: FrameLoop,
    picture: Picture,
    diagram: SpaceTime,
    narrator: Narrator,
    /// The failure fields the inspector and the failures card share.
    faults: Rc<FaultForm>,
    /// The host's run and epoch last seen (to reset what belonged to the old one).
    seen_run: u64,
    seen_epoch: u64,
    help: bool,
    about: bool,
    dragging: bool,
    /// The last link or code copied, shown for copying by hand, and what happened.
    share_text: String,
    share_status: Option<String>,
    on_frame: Callback<f64>,
    on_wake: Callback<()>,
    on_intent: Callback<Intent>,
    stage: StageCallbacks,
    diagram_on: DiagramCallbacks,
    /// The wheel listener on the diagram's canvas (not passive: it zooms
    /// instead of scrolling the page), and the element it is on.
    _wheel: Option<(EventListener, web_sys::Element)>,
    _keys: Option<EventListener>,
    _scheme: Option<EventListener>,
    /// Watches the picture's elements' sizes (read only after they change).
    sizes: Option<SizeObserver>,
    _visibility: Option<EventListener>,
    /// Watches whether the page is in its viewer's view (for an embed: the
    /// iframe in the course page's); dropping it disconnects.
    _observer: Option<InViewObserver>,
    hidden_tab: bool,
    in_view: bool,
    /// The card a lesson spotlighted last (scrolled into view once).
    spot_seen: Option<String>,
}

impl App {
    /// The tab or the page's place in view changed: stop or go on.
    fn seen_changed(&mut self) -> bool {
        let unseen = self.hidden_tab || !self.in_view;
        let mut host = self.host.borrow_mut();
        if host.unseen == unseen {
            return false;
        }
        host.unseen = unseen;
        host.dirty = true;
        drop(host);
        if !unseen {
            self.frames.restart_clock();
            self.frames.kick(&self.on_frame);
        }
        false
    }

    /// After any change: forget what belonged to a replaced run, start form
    /// fields again after a load, and make sure a frame is coming.
    fn settle(&mut self) {
        let mut host = self.host.borrow_mut();
        if host.lesson.as_ref().is_some_and(|l| l.run != host.run) {
            // The run was replaced from outside the lesson (a seek, a load, new settings).
            host.lesson_exit(Some(
                "That replaced the lesson's run, so the lesson was left; open it again from the Lessons menu (your progress is kept).",
            ));
        }
        if let Some(a) = host.announce.take() {
            self.narrator.say(a);
        }
        if host.run != self.seen_run {
            self.seen_run = host.run;
            let len = host.sim.trace().len();
            self.picture.new_run(host.nodes(), len);
            self.diagram.fit(host.nodes());
            self.narrator.skip_to(len);
            self.frames.new_run();
        }
        if host.epoch != self.seen_epoch {
            self.seen_epoch = host.epoch;
            self.faults = Rc::new(FaultForm::default());
        }
        drop(host);
        self.frames.kick(&self.on_frame);
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let (scenario, page, mut problems, library_id, lesson) = from_address(ctx);
        let dark_query = media("(prefers-color-scheme: dark)");
        let dark = match page.theme {
            Theme::Dark => true,
            Theme::Light => false,
            Theme::Auto => dark_query.as_ref().is_some_and(|m| m.matches()),
        };
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
        let mut host = Host::new(page);
        host.library_id = library_id;
        host.load(scenario);
        if let Some(id) = lesson {
            if let Err(e) = host.start_lesson(&id) {
                problems.push(format!("URL parameter {e}"));
            }
        }
        host.problems = problems;
        let reduced = media("(prefers-reduced-motion: reduce)").is_some_and(|m| m.matches());
        let mut picture = Picture::new(dark, reduced);
        picture.new_run(host.nodes(), 0);
        let mut diagram = SpaceTime::default();
        diagram.fit(host.nodes());
        let link = ctx.link();
        App {
            seen_run: host.run,
            seen_epoch: host.epoch,
            host: Rc::new(RefCell::new(host)),
            version: 0,
            frames: FrameLoop::default(),
            picture,
            diagram,
            narrator: Narrator::default(),
            faults: Rc::new(FaultForm::default()),
            help: false,
            about: false,
            dragging: false,
            share_text: String::new(),
            share_status: None,
            on_frame: link.callback(Msg::Frame),
            on_wake: link.callback(|()| Msg::Wake),
            on_intent: link.callback(Msg::Intent),
            stage: StageCallbacks {
                click: link.callback(|e: MouseEvent| {
                    Msg::CanvasClick(e.offset_x() as f64, e.offset_y() as f64)
                }),
                hover: link.callback(|e: MouseEvent| {
                    Msg::CanvasMove(e.offset_x() as f64, e.offset_y() as f64)
                }),
                leave: link.callback(|_| Msg::CanvasLeave),
                select: link.callback(|i| Msg::Intent(Intent::ToggleNode(i))),
            },
            diagram_on: DiagramCallbacks {
                down: link.callback(|e: MouseEvent| Msg::DiagramDown(e.offset_x() as f64)),
                moved: link.callback(|e: MouseEvent| Msg::DiagramMove(e.offset_x() as f64)),
                up: link.callback(|e: MouseEvent| {
                    Msg::DiagramUp(e.offset_x() as f64, e.offset_y() as f64)
                }),
                leave: link.callback(|_| Msg::DiagramLeave),
                key: link.callback(Msg::DiagramKey),
            },
            _wheel: None,
            _keys: keys,
            _scheme: scheme,
            sizes: SizeObserver::new(link.callback(|_| Msg::Resized)),
            _visibility: web_sys::window().and_then(|w| w.document()).map(|doc| {
                let link = ctx.link().clone();
                let d = doc.clone();
                EventListener::new(&doc, "visibilitychange", move |_| {
                    link.send_message(Msg::TabHidden(d.hidden()))
                })
            }),
            _observer: InViewObserver::new(link.callback(Msg::InView)),
            hidden_tab: false,
            in_view: true,
            spot_seen: None,
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        self.watch_wheel(ctx);
        if let Some(sizes) = &mut self.sizes {
            let elements = [self.picture.stage.cast(), self.diagram.canvas.cast()];
            sizes.watch(elements.into_iter().flatten().collect());
        }
        self.show_spot_card();
        if first_render {
            let host = self.host.borrow();
            let nodes = host.nodes();
            if self.picture.measure(nodes) {
                // Node buttons are placed from the measured layout: render again.
                ctx.link().send_message(Msg::Redraw);
            }
            self.picture.paint(&host, super::now_ms());
            drop(host);
            self.frames.kick(&self.on_frame);
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let render = match msg {
            Msg::Frame(ts) => {
                let mut host = self.host.borrow_mut();
                let sizes = self.sizes.as_ref().map(|s| s.generation.get());
                let (render, next) = self.frames.tick(
                    ts,
                    sizes,
                    &mut host,
                    &mut self.picture,
                    &mut self.diagram,
                    &mut self.narrator,
                );
                drop(host);
                self.frames.schedule(next, &self.on_frame, &self.on_wake);
                return render && self.bump();
            }
            Msg::Wake => {
                if self.frames.timer_driven() {
                    return Component::update(self, ctx, Msg::Frame(super::now_ms()));
                }
                self.frames.kick(&self.on_frame);
                return false;
            }
            Msg::TabHidden(hidden) => {
                self.hidden_tab = hidden;
                return self.seen_changed();
            }
            Msg::InView(in_view) => {
                self.in_view = in_view;
                return self.seen_changed();
            }
            Msg::Redraw => {
                self.host.borrow_mut().dirty = true;
                true
            }
            Msg::Resized => {
                // Measured at the next frame; the node buttons follow the
                // new layout after that frame's render.
                self.host.borrow_mut().dirty = true;
                self.frames.kick(&self.on_frame);
                true
            }
            Msg::Intent(i) => self.intent(ctx, i),
            Msg::CanvasClick(x, y) => {
                let p = Pt { x, y };
                let mut host = self.host.borrow_mut();
                let message = self.picture.message_at(&host, p);
                let layout = &self.picture.layout;
                host.click(message, layout.node_at(p), layout.link_at(p, 5.0));
                true
            }
            Msg::CanvasMove(x, y) => {
                let p = Pt { x, y };
                let mut host = self.host.borrow_mut();
                let layout = &self.picture.layout;
                let hover = if host.nodes() <= 16 && layout.node_at(p).is_none() {
                    layout.link_at(p, 5.0)
                } else {
                    None
                };
                if hover != self.picture.hover_link {
                    self.picture.hover_link = hover;
                    host.dirty = true;
                }
                false
            }
            Msg::CanvasLeave => {
                self.picture.hover_link = None;
                self.host.borrow_mut().dirty = true;
                false
            }
            Msg::DiagramDown(x) => {
                self.diagram.drag_start(x, self.host.borrow().sim.now());
                false
            }
            Msg::DiagramMove(x) => {
                let mut host = self.host.borrow_mut();
                host.dirty |= self.diagram.drag_to(x, host.sim.now());
                false
            }
            Msg::DiagramLeave => {
                self.diagram.drag_end(0.0);
                false
            }
            Msg::DiagramUp(x, y) => {
                let mut host = self.host.borrow_mut();
                self.diagram.click(&mut host, x, y)
            }
            Msg::DiagramKey(k) => {
                let mut host = self.host.borrow_mut();
                let used = self.diagram.key(&k.key(), host.sim.now());
                if used {
                    k.prevent_default();
                    host.dirty = true;
                }
                used
            }
            Msg::DiagramWheel(dy, x) => {
                let mut host = self.host.borrow_mut();
                let f = if dy > 0.0 { 1.2 } else { 1.0 / 1.2 };
                self.diagram.zoom(f, Some(x), host.sim.now());
                host.dirty = true;
                false
            }
            Msg::Key(k) => {
                let intent = super::keys::intent_for(&k, &self.host.borrow());
                if let Some(i) = intent {
                    ctx.link().send_message(Msg::Intent(i));
                }
                return false;
            }
            Msg::Loaded(name, text) => {
                let mut host = self.host.borrow_mut();
                if host.load_file(&name, text) {
                    self.narrator
                        .say(format!("scenario loaded: {}", host.setup.title));
                }
                true
            }
            Msg::Copied(r) => {
                if let Err(e) = r {
                    self.share_status = Some(format!(
                        "Could not copy ({e}); select the text below and copy it by hand."
                    ));
                }
                true
            }
            Msg::Dragging(on) => {
                let changed = on != self.dragging;
                self.dragging = on;
                changed
            }
            Msg::SchemeChanged(dark) => {
                let mut host = self.host.borrow_mut();
                if host.page.theme == Theme::Auto {
                    self.picture.dark = dark;
                    host.dirty = true;
                }
                true
            }
        };
        self.settle();
        render && self.bump()
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
            msgs.extend(file.map(|f| Msg::Intent(Intent::OpenFile(f))));
            msgs
        });
        let host = self.host.borrow();
        let class = classes!(
            "app",
            host.page.embed.then_some("embed"),
            if self.picture.dark { "dark" } else { "light" },
            self.dragging.then_some("dragging")
        );
        let panel = || PanelProps {
            host: HostRef::new(self.host.clone(), self.version),
            on: self.on_intent.clone(),
        };
        let on = self.on_intent.clone();
        // A lesson's spotlight on a card dims the others.
        let spot_card = match host.lesson_spot() {
            Some(crate::lesson::Spot::Panel(p)) => Some(p.clone()),
            _ => None,
        };
        // Every card of the panel column by its name (a lesson's spotlight
        // names them too), in the column's order.
        let card = |name: &str| -> Html {
            match name {
                "service" => html! { <ServicePanel ..panel() /> },
                "scenario" => {
                    html! { <ScenarioPanel status={self.share_status.clone()} text={self.share_text.clone()} panel={panel()} /> }
                }
                "run" => html! { <RunPanel ..panel() /> },
                "delivery" => html! { <DeliveryPanel ..panel() /> },
                "raft" => html! { <RaftPanel ..panel() /> },
                "detector" => html! { <DetectorPanel ..panel() /> },
                "inspector" => html! { <Inspector faults={self.faults.clone()} panel={panel()} /> },
                "network" => html! { <NetworkPanel ..panel() /> },
                "failures" => {
                    html! { <FailuresPanel faults={self.faults.clone()} panel={panel()} /> }
                }
                "partitions" => html! { <PartitionsPanel ..panel() /> },
                "log" => html! { <Log ..panel() /> },
                _ => html! {},
            }
        };
        use crate::params::WorkloadKind;
        let workload = host.settings.workload;
        let column = [
            // The service's charts are what its scenarios are about: first.
            ("service", workload == WorkloadKind::Kv),
            ("scenario", true),
            ("run", true),
            ("delivery", workload == WorkloadKind::Rpc),
            ("raft", workload == WorkloadKind::Raft),
            ("detector", true),
            ("inspector", true),
            ("network", true),
            ("failures", true),
            ("partitions", true),
            ("log", true),
        ];
        let slot = |name: &'static str| {
            let state = spot_card
                .as_deref()
                .map(|s| if s == name { "spot" } else { "dim" });
            html! { <div key={name} class={classes!("slot", state)} data-card={name}>{ card(name) }</div> }
        };
        let live = html! { <div class="sr-only" aria-live="polite" role="status" data-testid="live">{ self.narrator.text.clone() }</div> };
        if host.page.embed {
            return html! {
                <div class={class} {ondragover} {ondragleave} {ondrop}>
                    <main class={classes!("main", format!("view-{}", host.page.view.name()))}>
                        if host.page.view.ring() { { self.picture.view(&host, &self.stage) } }
                        if host.page.view.spacetime() { { self.diagram.view(&host, &self.diagram_on) } }
                        if !host.playing && host.page.controls && host.lesson.is_none() {
                            <button class="big-play" data-testid="big-play" aria-label="Play (Space)"
                                onclick={Callback::from(move |_| on.emit(Intent::TogglePlay))}>{ "▶" }</button>
                        }
                    </main>
                    if host.lesson.is_some() {
                        // The lesson, and the card it points at (an embed has no panel column).
                        <div class="embed-lesson">
                            <LessonPanel ..panel() />
                            { spot_card.as_deref().map(card).unwrap_or_default() }
                        </div>
                    }
                    { super::panels::service::embed_strip(&host) }
                    <EmbedBar about={self.about} panel={panel()} />
                    if let Some(n) = &host.notice {
                        <p class="embed-notice" role="status" data-testid="notice">{ n }</p>
                    }
                    <Problems ..panel() />
                    { live }
                    <span class="sr-only" data-testid="digest">{ format!("{:016x}", host.sim.digest()) }</span>
                </div>
            };
        }
        html! {
            <div class={class} {ondragover} {ondragleave} {ondrop}>
                <Header help_open={self.help} panel={panel()} />
                <Problems ..panel() />
                if host.lesson.is_some() {
                    <LessonPanel ..panel() />
                } else if !host.setup.title.is_empty() {
                    <section class="story" aria-label="Scenario" data-testid="story">
                        <h2 data-testid="story-title">{ host.setup.title.clone() }</h2>
                        <p data-testid="story-text">{ host.setup.description.clone() }</p>
                    </section>
                }
                if let Some(n) = &host.notice {
                    <p class="notice-bar" role="status" data-testid="notice">{ n }</p>
                }
                if self.dragging {
                    <div class="drop-hint" aria-hidden="true">{ "Drop a scenario file (.json) to load it" }</div>
                }
                { live }
                if self.help { <Help on={self.on_intent.clone()} /> }
                <main class="main">
                    <div class={classes!("stage-col", format!("view-{}", host.page.view.name()))}>
                        if host.page.view.ring() { { self.picture.view(&host, &self.stage) } }
                        if host.page.view.spacetime() { { self.diagram.view(&host, &self.diagram_on) } }
                        <TimelineBar ..panel() />
                    </div>
                    <aside class="panel" aria-label="Controls and inspector">
                        { for column.iter().filter(|(_, shown)| *shown).map(|(name, _)| slot(name)) }
                    </aside>
                </main>
            </div>
        }
    }
}

impl App {
    /// Listens to the wheel on the diagram's canvas, not passively (a wheel
    /// over it zooms rather than scrolls); again when the canvas is a new one.
    fn watch_wheel(&mut self, ctx: &Context<Self>) {
        let Some(el) = self.diagram.canvas.cast::<web_sys::Element>() else {
            self._wheel = None;
            return;
        };
        if self._wheel.as_ref().is_some_and(|(_, on)| *on == el) {
            return;
        }
        let link = ctx.link().clone();
        let opts = gloo_events::EventListenerOptions::enable_prevent_default();
        let listener = EventListener::new_with_options(&el, "wheel", opts, move |e| {
            if let Some(w) = e.dyn_ref::<web_sys::WheelEvent>() {
                w.prevent_default();
                link.send_message(Msg::DiagramWheel(w.delta_y(), w.offset_x() as f64));
            }
        });
        self._wheel = Some((listener, el));
    }

    /// Scrolls the card a lesson step spotlights into view (once per step),
    /// within the panel column.
    fn show_spot_card(&mut self) {
        let spot = match self.host.borrow().lesson_spot() {
            Some(crate::lesson::Spot::Panel(p)) => Some(p.clone()),
            _ => None,
        };
        if spot == self.spot_seen {
            return;
        }
        self.spot_seen = spot.clone();
        let Some(name) = spot else { return };
        let el = web_sys::window().and_then(|w| w.document()).and_then(|d| {
            d.query_selector(&format!("[data-card=\"{name}\"]"))
                .ok()
                .flatten()
        });
        if let Some(el) = el {
            let opts = web_sys::ScrollIntoViewOptions::new();
            opts.set_block(web_sys::ScrollLogicalPosition::Nearest);
            el.scroll_into_view_with_scroll_into_view_options(&opts);
        }
    }

    /// A new render: panels' props change with the version. Always true.
    fn bump(&mut self) -> bool {
        self.version += 1;
        true
    }
}
