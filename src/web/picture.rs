//! The moving picture: the canvas and its stage, the ring layout, fading drop
//! marks, the hovered link, and the node buttons over the canvas. It paints
//! from the host's `Sim` on demand (the frame loop decides when) and answers
//! "what is under the pointer".

use super::draw::{self, Fade, FadeKind, Highlight, DARK, LIGHT};
use super::host::{Host, Selection};
use super::nodes::{NodeButton, NodeLayer};
use crate::layout::{Pt, RingLayout};
use crate::sim::{AnyMsg, Flight, TraceKind};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlElement};
use yew::prelude::*;

/// Adds a closed capsule of radius `r` around the segment `a`–`b` to the
/// path (a new sub-path): one outline, so it cuts one hole under even-odd.
fn capsule(ctx: &CanvasRenderingContext2d, a: Pt, b: Pt, r: f64) {
    use std::f64::consts::PI;
    let ang = (b.y - a.y).atan2(b.x - a.x);
    let side = ang + PI / 2.0;
    ctx.move_to(a.x + r * side.cos(), a.y + r * side.sin());
    // Around b's far side (through `ang`), then back around a's (through `ang + PI`).
    let _ = ctx.arc_with_anticlockwise(b.x, b.y, r, side, ang - PI / 2.0, true);
    let _ = ctx.arc_with_anticlockwise(a.x, a.y, r, ang - PI / 2.0, side - 2.0 * PI, true);
    ctx.close_path();
}

/// Gives `canvas` the device pixels of a `w` × `h` CSS-pixel box when the
/// box or the pixel ratio changed since `size` (CSS width, height, ratio).
/// Returns whether it changed.
pub fn fit_canvas(
    canvas: Option<HtmlCanvasElement>,
    w: f64,
    h: f64,
    size: &mut (f64, f64, f64),
) -> bool {
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .clamp(1.0, 3.0);
    if (w, h, dpr) == *size || w <= 0.0 || h <= 0.0 {
        return false;
    }
    *size = (w, h, dpr);
    if let Some(c) = canvas {
        c.set_width((w * dpr) as u32);
        c.set_height((h * dpr) as u32);
    }
    true
}

/// Room kept free for the legend under the ring (CSS px).
pub const LEGEND_PX: f64 = 60.0;

pub struct Picture {
    pub canvas: NodeRef,
    pub stage: NodeRef,
    /// CSS width, height and device pixel ratio of the stage.
    size: (f64, f64, f64),
    pub layout: RingLayout,
    fades: Vec<Fade>,
    /// Trace entries already turned into fades.
    seen: u64,
    pub hover_link: Option<(u32, u32)>,
    /// Dark colours (from `theme` or the reader's system setting).
    pub dark: bool,
    /// The user prefers reduced motion: no fades.
    pub reduced_motion: bool,
    /// The node buttons as last built, reused while nothing they show changed.
    buttons: RefCell<Rc<Vec<NodeButton>>>,
    /// Messages as compositor-animated elements, in sparse scenes.
    pub flights: super::flights::FlightLayer,
    /// Crowded scenes' dots as pixels.
    crowd: RefCell<draw::Crowd>,
}

impl Picture {
    pub fn new(dark: bool, reduced_motion: bool) -> Self {
        Picture {
            canvas: NodeRef::default(),
            stage: NodeRef::default(),
            size: (0.0, 0.0, 1.0),
            layout: RingLayout::new(1, 1.0, 1.0),
            fades: Vec::new(),
            seen: 0,
            hover_link: None,
            dark,
            reduced_motion,
            buttons: Default::default(),
            flights: Default::default(),
            crowd: Default::default(),
        }
    }

    /// A new run of `nodes` nodes (whose trace so far is `trace_len` long).
    pub fn new_run(&mut self, nodes: u32, trace_len: u64) {
        self.flights.clear();
        self.fades.clear();
        self.seen = trace_len;
        self.hover_link = None;
        self.layout = RingLayout::new(nodes, self.size.0, self.size.1 - LEGEND_PX);
    }

    /// Keeps the canvas the size of its stage (in device pixels) and re-lays out on
    /// change. Returns whether the size changed.
    pub fn measure(&mut self, nodes: u32) -> bool {
        let Some(stage) = self.stage.cast::<HtmlElement>() else {
            return false;
        };
        let (w, h) = (stage.client_width() as f64, stage.client_height() as f64);
        if fit_canvas(self.canvas.cast(), w, h, &mut self.size) {
            self.layout = RingLayout::new(nodes, w, h - LEGEND_PX);
            self.fades.clear();
            return true;
        }
        false
    }

    /// Turns new drops and failure notices in the trace into fading marks.
    pub fn collect_fades(&mut self, host: &Host, ts: f64) {
        self.fades.retain(|f| ts - f.start_ms < draw::FADE_MS);
        let total = host.sim.trace().len();
        if total == self.seen {
            return;
        }
        // Not laid out for this run (the ring is hidden): nothing to mark.
        let laid_out = self.layout.pos.len() == host.nodes() as usize;
        if laid_out && self.fades.len() < 3000 && !self.reduced_motion {
            for e in host.sim.trace().since(self.seen) {
                let (at, kind) = match &e.kind {
                    TraceKind::Drop {
                        from,
                        to,
                        reason,
                        depart,
                        arrive,
                        ..
                    } => (
                        draw::drop_point(&self.layout, *from, *to, *depart, *arrive, e.time),
                        FadeKind::of(*reason),
                    ),
                    TraceKind::Notice { to, .. } => {
                        (self.layout.pos[to.0 as usize], FadeKind::Notice)
                    }
                    _ => continue,
                };
                self.fades.push(Fade {
                    at,
                    start_ms: ts,
                    kind,
                });
            }
        }
        self.seen = total;
    }

    /// Whether a drop mark is still fading at `ts`.
    pub fn fading(&self, ts: f64) -> bool {
        self.fades.iter().any(|f| ts - f.start_ms < draw::FADE_MS)
    }

    /// Speed of the fastest moving thing on screen, in CSS pixels per wall ms.
    pub fn motion_px_per_ms(&self, host: &Host, speed: f64) -> f64 {
        if speed <= 0.0 {
            return 0.0;
        }
        let sim = &host.sim;
        let now = sim.now();
        let mut v: f64 = 0.0;
        // Animated by the compositor, the dots need no paint of ours.
        for f in sim.flights().filter(|_| !self.flights.active) {
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
        for node in sim.nodes() {
            for t in node
                .timers
                .iter()
                .filter(|t| t.tag < crate::sim::heartbeat::FD_TIMER_BASE)
            {
                v = v.max(perimeter / t.fire_at.saturating_sub(t.set_at).max(1) as f64);
            }
            // A crashed node's restart arc fills up (on the canvas either way).
            if let (Some(at), Some(since)) = (node.recover_at, node.crashed_at) {
                if at > now {
                    v = v.max(perimeter / at.saturating_sub(since).max(1) as f64);
                }
            }
        }
        v * speed * 1000.0
    }

    pub fn paint(&self, host: &Host, ts: f64) {
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
            node: host.selected_node(),
            message: match &host.selection {
                Selection::Message(f) => Some(f.id),
                _ => None,
            },
            hover_link: self.hover_link,
            dots: !self.flights.active,
        };
        draw::paint(
            &ctx,
            &mut self.crowd.borrow_mut(),
            dpr,
            w,
            h,
            &host.sim,
            &self.layout,
            &host.cut_pairs,
            &self.fades,
            ts,
            hl,
            if self.dark { &DARK } else { &LIGHT },
        );
        if let Some(spot) = host.lesson_spot() {
            self.spotlight(&ctx, spot);
        }
        super::count_paint();
    }

    /// Dims everything but the lesson's spotlighted nodes or link, and rings
    /// them with a dashed outline (a shape, not only a colour).
    fn spotlight(&self, ctx: &CanvasRenderingContext2d, spot: &crate::lesson::Spot) {
        use crate::lesson::Spot;
        use std::f64::consts::PI;
        let (w, h, _) = self.size;
        let l = &self.layout;
        let r = (l.node_r * 2.0).max(22.0);
        let at = |i: u32| l.pos.get(i as usize).copied();
        ctx.save();
        ctx.begin_path();
        ctx.rect(0.0, 0.0, w, h);
        let mut holes = Vec::new();
        match spot {
            Spot::Nodes(ns) => {
                for p in ns.iter().filter_map(|&i| at(i)) {
                    ctx.move_to(p.x + r, p.y);
                    let _ = ctx.arc(p.x, p.y, r, 0.0, 2.0 * PI);
                    holes.push((p, p));
                }
            }
            Spot::Link(a, b) => {
                if let (Some(a), Some(b)) = (at(*a), at(*b)) {
                    // A capsule around the link: one closed outline.
                    ctx.move_to(a.x, a.y);
                    capsule(ctx, a, b, r);
                    holes.push((a, b));
                }
            }
            Spot::Panel(_) => {}
        }
        if holes.is_empty() {
            ctx.restore();
            return;
        }
        ctx.set_fill_style_str(if self.dark {
            "rgba(0,0,0,0.55)"
        } else {
            "rgba(20,24,32,0.38)"
        });
        ctx.fill_with_canvas_winding_rule(web_sys::CanvasWindingRule::Evenodd);
        ctx.set_stroke_style_str(self.palette().select);
        ctx.set_line_width(2.0);
        let _ = ctx.set_line_dash(&js_sys::Array::of2(&6.0.into(), &4.0.into()));
        for (a, b) in holes {
            ctx.begin_path();
            if a == b {
                let _ = ctx.arc(a.x, a.y, r, 0.0, 2.0 * PI);
            } else {
                capsule(ctx, a, b, r);
            }
            ctx.stroke();
        }
        ctx.restore();
    }

    /// Whether the flights should be compositor-animated elements now: the
    /// ring is shown, motion is not reduced, few nodes and few messages, and
    /// no queues (a queued message waits outside its sender, then flies).
    pub fn sparse(&self, host: &Host) -> bool {
        host.page.view.ring()
            && !self.reduced_motion
            && host.nodes() <= super::flights::MAX_NODES
            && host.sim.in_flight() <= super::flights::MAX_DOTS
            && draw::queue_gap(&host.sim) == 0
    }

    /// What the canvas shows that does not move by itself (see `draw::scene_key`).
    pub fn scene_key(&self, host: &Host) -> u64 {
        draw::scene_key(&host.sim, host.selected_node(), host.lesson_spot())
    }

    /// Brings the flight layer up to the run (see `FlightLayer::sync`).
    /// Returns whether the layer's elements changed (the browser will
    /// draw a frame for it anyway).
    pub fn sync_flights(&mut self, host: &Host) -> bool {
        let rate = if host.playing { host.speed } else { 0.0 };
        let selected = match &host.selection {
            Selection::Message(f) => Some(f.id),
            _ => None,
        };
        let pal = if self.dark { &DARK } else { &LIGHT };
        let flights = host.sim.flights();
        let events = host.sim.stats().events;
        self.flights.sync(
            flights,
            events,
            host.sim.now(),
            &self.layout,
            pal,
            rate,
            selected,
        )
    }

    /// The colours in use.
    pub fn palette(&self) -> &'static super::draw::Palette {
        if self.dark {
            &DARK
        } else {
            &LIGHT
        }
    }

    /// The node buttons for the current layout, states and selection; the previous
    /// `Rc` is returned when nothing changed, so the layer skips its render.
    fn node_buttons(&self, host: &Host) -> Rc<Vec<NodeButton>> {
        let nr = self.layout.node_r.max(8.0);
        let fresh: Vec<NodeButton> = self
            .layout
            .pos
            .iter()
            .zip(host.sim.nodes())
            .enumerate()
            .map(|(i, (p, node))| NodeButton {
                x: p.x - nr,
                y: p.y - nr,
                size: 2.0 * nr,
                up: node.is_up(),
                selected: host.selection == Selection::Node(i as u32),
                role: match node.state.as_ref() {
                    Some(crate::sim::AnyState::Raft(st)) => Some(format!(
                        "{} of term {}, log {} entries, {} committed",
                        match st.role {
                            crate::sim::Role::Leader => "leader",
                            crate::sim::Role::Candidate => "candidate",
                            crate::sim::Role::Follower => "follower",
                        },
                        st.term,
                        st.log.len(),
                        st.commit
                    )),
                    Some(crate::sim::AnyState::Kv(st)) => {
                        let crate::sim::Workload::Kv(kv) = host.sim.protocol() else {
                            unreachable!("a service node runs the service")
                        };
                        let name = crate::sim::kv::place_name(kv, st);
                        Some(match st.place {
                            crate::sim::Place::Client | crate::sim::Place::Balancer => name,
                            _ => format!(
                                "{name}, {} requests in queue",
                                st.queue.len() + usize::from(st.busy.is_some())
                            ),
                        })
                    }
                    _ => None,
                },
            })
            .collect();
        let mut cached = self.buttons.borrow_mut();
        if **cached != fresh {
            *cached = Rc::new(fresh);
        }
        cached.clone()
    }

    /// The message copy under the pointer, if any.
    pub fn message_at(&self, host: &Host, p: Pt) -> Option<Flight<AnyMsg>> {
        let sim = &host.sim;
        let now = sim.now();
        let lane = draw::lane(self.layout.pos.len());
        let gap = draw::queue_gap(sim);
        let mut best: Option<(f64, &Flight<AnyMsg>)> = None;
        for f in sim.flights() {
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

    /// The stage: canvas, node buttons, legend, caption and the paused badge.
    pub fn view(&self, host: &Host, on: &StageCallbacks) -> Html {
        let rpc = host.settings.workload == crate::params::WorkloadKind::Rpc;
        let raft = host.settings.workload == crate::params::WorkloadKind::Raft;
        let kv = host.settings.workload == crate::params::WorkloadKind::Kv;
        html! {
            // data-ring and data-run-nodes: the ring drawn and the run's size
            // (the tests check they agree after Back, Restart and Leave).
            <section class="stage" ref={self.stage.clone()} aria-label="Cluster view"
                data-ring={self.layout.pos.len().to_string()} data-run-nodes={host.nodes().to_string()}>
                <canvas ref={self.canvas.clone()} data-testid="canvas"
                    aria-label="Animated view of nodes and messages; use the node buttons or the panels to interact"
                    onclick={on.click.clone()} onmousemove={on.hover.clone()} onmouseleave={on.leave.clone()}></canvas>
                <div class="flights" ref={self.flights.node.clone()} aria-hidden="true" data-testid="flights"></div>
                <NodeLayer nodes={self.node_buttons(host)} on_select={on.select.clone()} />
                <div class="legend" aria-label="Legend">
                    if kv {
                        <span><i class="lg-ping"></i>{ "get / put" }</span>
                        <span><i class="lg-retry">{ "▲" }</i>{ "replicate / heartbeat" }</span>
                        <span><i class="lg-pong"></i>{ "reply / ack" }</span>
                    } else if raft {
                        <span><i class="lg-ping"></i>{ "append / heartbeat" }</span>
                        <span><i class="lg-retry">{ "▲" }</i>{ "vote request" }</span>
                        <span><i class="lg-pong"></i>{ "vote / append reply" }</span>
                    } else {
                        <span><i class="lg-ping"></i>{ if rpc { "request" } else { "ping" } }</span>
                        <span><i class="lg-pong"></i>{ if rpc { "reply" } else { "pong" } }</span>
                        if rpc { <span><i class="lg-retry">{ "▲" }</i>{ "retransmission" }</span> }
                    }
                    <span><i class="lg-dup"></i>{ "duplicate" }</span>
                    <span><i class="lg-dev"></i>{ "deviating or forged" }</span>
                    <span><i class="lg-lost">{ "✕" }</i>{ "dropped" }</span>
                    <span><i class="lg-omit">{ "⊘" }</i>{ "omitted" }</span>
                    <span><i class="lg-timer"></i>{ "timer" }</span>
                    <span><i class="lg-down">{ "✕" }</i>{ "crashed" }</span>
                    <span><i class="lg-stop"></i>{ "fail-stopped" }</span>
                    <span><i class="lg-byz">{ "✸" }</i>{ "Byzantine node" }</span>
                    <span><i class="lg-cut"></i>{ "cut link" }</span>
                    if !host.sim.network().attacks().is_empty() {
                        <span><i class="lg-attack">{ "◆" }</i>{ "attacker on link (D drop, M modify, I inject)" }</span>
                    }
                </div>
                <p class="caption" hidden={!host.setup.title.is_empty()}>
                    if kv {
                        <strong>{ "A key-value service. " }</strong>
                        { "Clients (c…) send gets and puts at the offered load; each server serves one request at a time and queues the rest (the bar beside it). Crash a server and watch the Service card's throughput, latency and availability." }
                    } else if raft {
                        <strong>{ "Raft. " }</strong>
                        { "Nodes elect a leader (a follower stands when its failure detector suspects the leader, after a random delay); the leader appends client commands to its log and replicates them; an entry stored on a majority is committed. Each node shows its role and term; the Raft card shows the logs and the safety and liveness monitors." }
                    } else if rpc {
                        <strong>{ "Clients and a server. " }</strong>
                        { format!("Each client sends a request to the server every {:.1} s; mode: {}. Circles are requests, triangles retransmissions, diamonds replies. Click anything to inspect it.", host.settings.rpc.request_every as f64 / 1e6, host.settings.rpc.mode) }
                    } else if host.settings.swim {
                        <strong>{ "SWIM. " }</strong>
                        { "Each period every node pings one member (circles) and expects an ack (diamonds); without one it asks others to ping it (triangles), then suspects it. Suspicions travel by gossip on the same messages: about 2 messages per node per period, not one to every other node." }
                    } else {
                        <strong>{ "Heartbeats. " }</strong>
                        { "Every node pings every other node once per second of its own clock; each ping is answered by a pong. Click a node or a message to inspect it; click a link to cut it." }
                    }
                </p>
                if !host.playing {
                    <div class="paused-badge" aria-hidden="true">{ "❚❚ paused" }</div>
                }
            </section>
        }
    }
}

/// What the stage reports: clicks and pointer moves on the canvas (CSS px),
/// and a node button pressed. Made once, so the node layer's props compare equal.
pub struct StageCallbacks {
    pub click: Callback<MouseEvent>,
    pub hover: Callback<MouseEvent>,
    pub leave: Callback<MouseEvent>,
    pub select: Callback<u32>,
}
