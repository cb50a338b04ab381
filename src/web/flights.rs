//! Compositor-driven flights for sparse scenes: each message in flight is an
//! element over the canvas, flown along its path by a Web Animations API
//! transform animation. A message's whole flight is known when it is sent
//! (departure, arrival, path), so the browser's compositor moves it with no
//! per-frame work from us; the main thread wakes only at simulation events
//! (to add, remove and re-time dots) and the canvas is painted only when
//! something on it changed. Measured here: one dot moved this way costs a
//! fiftieth of the main-thread time of the same dot on a cleared canvas.
//!
//! Used only while few things move and few events happen (see `FrameLoop`):
//! each message costs an element added and removed, each event a wake-up,
//! while the canvas costs a paint per frame whatever it draws; measured at 5
//! nodes, the elements cost less below about 25 events a second (speed 0.15:
//! 12) and more at speed 1 (80). Above that the canvas draws every dot, which
//! scales to thousands.
//!
//! `Element.animate` is reached through `js_sys::Reflect`: web-sys has it only
//! behind its unstable-API flag, which would change every build's flags for
//! three calls.

use super::draw::{lane, shape_of, Palette, Shape};
use crate::layout::{along, RingLayout};
use crate::sim::{AnyMsg, Flight, Micros};
use js_sys::{Array, Function, Object, Reflect};
use std::collections::BTreeMap;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

/// Most messages in flight drawn as animated elements.
pub const MAX_DOTS: u32 = 150;
/// Most nodes for which flights are animated elements (the canvas draws
/// smaller dots above, so the two would differ).
pub const MAX_NODES: u32 = 16;

/// One message copy's element and its animation.
struct Dot {
    el: web_sys::Element,
    anim: JsValue,
    /// Simulated µs at which the flight starts and ends on screen.
    depart: Micros,
    end: Micros,
    /// Stops where it was lost (stays visible until removed).
    lost: bool,
}

/// The layer of animated dots over the canvas.
#[derive(Default)]
pub struct FlightLayer {
    pub node: NodeRef,
    /// By (message id, duplicate copy, queue entry): a copy re-timed by hand
    /// gets a new entry, so a new dot.
    dots: BTreeMap<(u64, bool, u64), Dot>,
    /// The playback rate last given (simulated ms per wall ms; 0: paused).
    rate: f64,
    pub active: bool,
    /// Events processed at the last sync (nothing to do until this changes).
    synced_events: Option<u64>,
    /// The run's time at the last sync: paused, a step moves every dot to it.
    synced_now: Option<Micros>,
    /// The layer element the dots were added to (a new one: start again).
    layer: Option<web_sys::Element>,
}

fn set(o: &JsValue, k: &str, v: impl Into<JsValue>) {
    let _ = Reflect::set(o, &JsValue::from_str(k), &v.into());
}

fn call0(o: &JsValue, method: &str) {
    if let Ok(f) = Reflect::get(o, &JsValue::from_str(method)) {
        if let Some(f) = f.dyn_ref::<Function>() {
            let _ = f.call0(o);
        }
    }
}

impl FlightLayer {
    /// Removes every dot (the canvas draws the flights again).
    pub fn clear(&mut self) {
        for (_, d) in std::mem::take(&mut self.dots) {
            call0(&d.anim, "cancel");
            d.el.remove();
        }
        self.active = false;
        self.synced_events = None;
        self.synced_now = None;
    }

    /// Whether the run moved on (or was paused, sped up) since the last sync.
    pub fn stale(&self, events: u64, rate: f64) -> bool {
        self.synced_events != Some(events) || rate != self.rate
    }

    /// Makes the dots match the flights of the run now: new flights get an
    /// element and an animation placed at the run's time, ended ones go,
    /// and every animation is re-timed to the run (so the compositor's clock
    /// never drifts from the simulator's by more than one event's gap).
    /// Returns whether any element was added, removed or re-timed.
    #[allow(clippy::too_many_arguments)]
    pub fn sync<'a>(
        &mut self,
        flights: impl Iterator<Item = &'a Flight<AnyMsg>>,
        events: u64,
        now: Micros,
        layout: &RingLayout,
        pal: &Palette,
        rate: f64,
        selected: Option<u64>,
    ) -> bool {
        let Some(layer) = self.node.cast::<web_sys::Element>() else {
            return false;
        };
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return false;
        };
        if self.layer.as_ref() != Some(&layer) {
            // The stage was rebuilt: its old dots went with it.
            self.dots.clear();
            self.layer = Some(layer.clone());
        }
        self.active = true;
        // The document timeline's time (wall ms), which start times are on.
        let timeline_now = Reflect::get(&doc, &JsValue::from_str("timeline"))
            .and_then(|t| Reflect::get(&t, &JsValue::from_str("currentTime")))
            .ok()
            .and_then(|t| t.as_f64());
        let n = layout.pos.len();
        let lane = lane(n);
        let mut seen = std::collections::BTreeSet::new();
        let mut added = false;
        for f in flights {
            let (id, dup, entry) = (f.id, f.dup, f.entry);
            let end = f.lost.map_or(f.arrive, |(t, _)| t);
            if end <= now || f.arrive <= f.depart {
                continue;
            }
            let key = (id, dup, entry);
            seen.insert(key);
            if let Some(d) = self.dots.get(&key) {
                // While playing, the animation's clock and the run's advance
                // together (wall time × speed); re-timing every dot at every
                // event would cost more than it corrects. Re-timed when the
                // rate changes (below).
                let sel = selected == Some(id);
                if d.el.class_list().contains("sel") != sel {
                    let _ = d.el.class_list().toggle_with_force("sel", sel);
                }
                continue;
            }
            let (a, b) = (layout.pos[f.from.0 as usize], layout.pos[f.to.0 as usize]);
            // On the canvas the nodes are drawn over the dots, which emerge
            // from under their sender's disc and sink under their receiver's:
            // here they fade in and out over a disc's radius instead.
            let len = crate::layout::dist2(a, b).sqrt().max(1.0);
            let e = (layout.node_r / len).min(0.45);
            let Ok(el) = doc.create_element("i") else {
                continue;
            };
            let shape = match shape_of(&f.msg) {
                Shape::Circle => "c",
                Shape::Triangle => "t",
                Shape::Diamond => "d",
            };
            let colour = match shape_of(&f.msg) {
                Shape::Circle => pal.ping,
                Shape::Triangle => pal.retry,
                Shape::Diamond => pal.pong,
            };
            let mut class = format!("fl {shape}");
            if dup {
                class.push_str(" dup");
            }
            if f.deviant {
                class.push_str(" dev");
            }
            if selected == Some(id) {
                class.push_str(" sel");
            }
            el.set_class_name(&class);
            let _ = el.set_attribute(
                "style",
                &format!(
                    "--c:{colour};--dup:{};--dev:{};--sel:{};--badge:{}",
                    pal.dup, pal.byz, pal.select, pal.on_badge
                ),
            );
            let _ = layer.append_child(&el);
            // A delivered dot's animation runs on, invisible, for as long
            // again after it arrives: we remove it at the arrival's event,
            // and an animation that finished first would cost the browser a
            // main-thread frame of its own. A lost one stops where it died
            // (its drop mark takes over) and is removed at that event.
            let lost = f.lost.is_some();
            let scale = if lost { 1.0 } else { 0.5 };
            let mut keys = vec![(0.0, 0.0), (e, 1.0), (1.0 - e, 1.0), (1.0, 0.0)];
            if !lost {
                keys.push((2.0, 0.0));
            }
            let frames = Array::new();
            for (t, opacity) in keys {
                let p = along(a, b, t.min(1.0), lane);
                let k = Object::new();
                set(
                    &k,
                    "transform",
                    format!("translate({:.2}px,{:.2}px)", p.x, p.y),
                );
                set(&k, "opacity", opacity);
                set(&k, "offset", t * scale);
                frames.push(&k);
            }
            let opts = Object::new();
            // Simulated milliseconds; the playback rate maps them to wall time.
            let flight_ms = (f.arrive - f.depart) as f64 / 1000.0;
            set(&opts, "duration", flight_ms / scale);
            set(&opts, "fill", "both");
            if lost {
                set(&opts, "endDelay", -((f.arrive - end) as f64) / 1000.0);
            }
            let anim = Reflect::get(&el, &JsValue::from_str("animate"))
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
                .and_then(|f| f.call2(&el, &frames, &opts).ok());
            let Some(anim) = anim else {
                el.remove();
                continue;
            };
            set(&anim, "playbackRate", rate.max(1e-6));
            let at = (now as f64 - f.depart as f64) / 1000.0;
            match timeline_now.filter(|_| rate > 0.0) {
                // Started now, from where the run is: a start time (rather
                // than a current time) leaves nothing pending, so the browser
                // needs no extra main-thread frame to start it.
                Some(t) => set(&anim, "startTime", t - at / rate),
                None => {
                    set(&anim, "currentTime", at);
                    if rate == 0.0 {
                        call0(&anim, "pause");
                    }
                }
            }
            added = true;
            self.dots.insert(
                key,
                Dot {
                    el,
                    anim,
                    depart: f.depart,
                    end,
                    lost,
                },
            );
        }
        // Lost, or no longer in flight: gone. While playing, an arrived dot
        // is invisible (faded out) and its animation runs on for as long
        // again, so it goes with the next change to the layer, or half-way
        // through that tail: a removal alone would cost a frame. Paused (a
        // step at a time), the layer is exactly the flights.
        let stale: Vec<_> = self
            .dots
            .iter()
            .filter(|(k, d)| {
                let over = d.end <= now;
                let arrived = over && !d.lost;
                let tail_half = d.end + (d.end - d.depart) / 2;
                if arrived {
                    added || rate == 0.0 || now >= tail_half || rate != self.rate
                } else {
                    over || !seen.contains(*k)
                }
            })
            .map(|(k, _)| *k)
            .collect();
        // Paused, a step moves the run on: every dot to its time.
        let stepped = rate == 0.0 && self.synced_now != Some(now);
        let changed = added || !stale.is_empty() || rate != self.rate || stepped;
        for k in stale {
            if let Some(d) = self.dots.remove(&k) {
                call0(&d.anim, "cancel");
                d.el.remove();
            }
        }
        if rate != self.rate || stepped {
            // Paused, resumed, sped up or stepped: every dot to the run's time, then on at the new rate.
            for d in self.dots.values() {
                set(
                    &d.anim,
                    "currentTime",
                    (now as f64 - d.depart as f64) / 1000.0,
                );
                if rate == 0.0 {
                    call0(&d.anim, "pause");
                } else {
                    set(&d.anim, "playbackRate", rate);
                    call0(&d.anim, "play");
                }
            }
            self.rate = rate;
        }
        self.synced_events = Some(events);
        self.synced_now = Some(now);
        changed
    }
}
