//! Figures: the numbers (and a few lists) a lesson reads off a run, by name.
//!
//! A lesson's conditions ("run until `mistakes` is at least 1"), its
//! questions' checked answers and its explanations ("{lost} of {sent} were
//! lost") all name figures from [`FIGURES`]. Each is computed from the
//! simulator's own counters and monitors, or from a [`Tally`] the player keeps
//! of the trace while the lesson runs; never from anything the lesson says.

use crate::sim::{AnyState, Command, Micros, Note, RpcState, Sim, TraceKind, Workload};
use std::collections::BTreeMap;

/// A figure's value: a number, or words (a list such as "c1#4 ×2, c2#7 ×2").
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Num(f64),
    Text(String),
}

impl Value {
    /// The number (a text figure counts as 0 in a condition).
    pub fn num(&self) -> f64 {
        match self {
            Value::Num(x) => *x,
            Value::Text(_) => 0.0,
        }
    }

    /// As an explanation shows it: whole numbers without decimals, others
    /// with up to two.
    pub fn show(&self) -> String {
        match self {
            Value::Num(x) => show_num(*x),
            Value::Text(t) => t.clone(),
        }
    }
}

/// A number as lessons show it: `27`, `0.35`, `312.5`.
pub fn show_num(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    if (x - x.round()).abs() < 1e-9 {
        return format!("{}", x.round() as i64);
    }
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Every figure a lesson may name: (name, what it is). The README's lesson
/// section lists them from here.
pub const FIGURES: &[(&str, &str)] = &[
    ("time_s", "simulated seconds since the run started"),
    ("step_s", "simulated seconds since this step started"),
    ("events", "events processed"),
    ("sent", "message copies sent (duplicates included)"),
    ("delivered", "message copies delivered to a running node"),
    ("lost", "copies lost at random by the network"),
    ("loss_pct", "lost as a percentage of sent"),
    ("blocked", "copies blocked by a cut link"),
    ("to_down", "copies that reached a crashed node"),
    ("duplicated", "copies the network duplicated"),
    ("omitted", "messages a faulty node failed to send or receive"),
    ("in_flight", "copies on their way now"),
    ("overtaken", "deliveries of a message that left after one still on its way on the same link (this lesson's run)"),
    ("max_delay_ms", "longest time from send to arrival of a delivered copy (this lesson's run)"),
    ("mean_delay_ms", "mean time from send to arrival of delivered copies (this lesson's run)"),
    ("down", "nodes down now"),
    ("suspicions", "times a failure detector started suspecting a node (this lesson's run)"),
    ("first_suspicion_s", "when the first suspicion came (simulated s; 0 if none)"),
    ("detect_s", "seconds from the last crash to the first suspicion of that node (0 if none)"),
    ("mistakes", "suspicions of a node that was up (false suspicions)"),
    ("complete", "1 if every running node suspects every down node, else 0"),
    ("notices", "fail-stop notifications delivered"),
    ("issued", "requests the clients issued"),
    ("retransmissions", "requests sent again after a timeout"),
    ("applied", "requests whose effect the server applied at least once"),
    ("never_applied", "requests issued whose effect was never applied"),
    ("applied_twice", "requests whose effect was applied more than once"),
    ("applied_twice_list", "those requests, as c1#4 ×2, …"),
    ("suppressed", "duplicates the server recognised and did not apply"),
    ("completed", "replies that reached their client"),
    ("violations", "times the delivery mode's guarantee was broken"),
    ("balance", "the server's balance (add workload)"),
    ("expected_balance", "what the balance would be with every request applied once"),
    ("balance_off", "how far the balance is from the expected one (either way)"),
    ("x", "the server's register x (set workload)"),
    ("expected_x", "what x should hold: the last write first applied"),
    ("stale_overwrites", "late duplicates that set x back to an older value"),
    ("stale_list", "the latest such duplicate, as c1#4"),
    ("reordered_writes", "requests first applied after one issued later (writers racing)"),
    ("deviant", "messages a Byzantine node sent that deviate from the protocol"),
    ("attacked", "messages the network attacker dropped, changed or forged"),
    ("clock_spread_ms", "largest difference between two running nodes' local clocks now"),
    ("leaders", "nodes that think they lead (Raft)"),
    ("term", "the highest term a running node is in (Raft)"),
    ("elections", "leader elections won (Raft)"),
    ("election_ms", "how long the last election took (Raft)"),
    ("raft_safe", "1 while no Raft safety property has been broken, else 0"),
    ("committed", "the most entries applied by any node (Raft)"),
    ("kv_issued", "service requests issued"),
    ("kv_ok", "service requests answered within the deadline"),
    ("availability_pct", "answered within the deadline, as a percentage of those due (since the start)"),
    ("p99_ms", "99th-percentile latency of the last whole second (service)"),
    ("throughput", "requests answered per second over the last whole second (service)"),
    ("stale_reads", "reads that returned an older value than the newest acknowledged write"),
    ("two_primaries_s", "seconds with two primaries at once (service)"),
];

/// Whether `name` is a figure, or `+name`: how much a figure grew since the
/// step began.
pub fn known(name: &str) -> bool {
    let name = name.strip_prefix('+').unwrap_or(name);
    FIGURES.iter().any(|(n, _)| *n == name)
}

/// What a lesson keeps of the trace while it runs: the figures the
/// simulator does not count itself. It reads each event once, as the run
/// goes ([`Tally::observe`]), so it costs nothing per frame beyond the new
/// events.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Trace index of the next event to read.
    next: u64,
    overtaken: u64,
    delays: u64,
    delay_sum: u64,
    max_delay: Micros,
    suspicions: u64,
    first_suspicion: Option<Micros>,
    /// Per directed link: arrival times of copies on their way (sent, arrive).
    on_way: BTreeMap<(u32, u32), Vec<(u64, Micros)>>,
    /// The last crash (node, when) and the first suspicion of it after.
    last_crash: Option<(u32, Micros)>,
    detect: Option<Micros>,
}

impl Tally {
    /// A tally that starts reading at the run's current end.
    pub fn from_now(sim: &Sim<Workload>) -> Self {
        Tally {
            next: sim.trace().len(),
            ..Tally::default()
        }
    }

    /// Reads the events recorded since the last call.
    pub fn observe(&mut self, sim: &Sim<Workload>) {
        for ev in sim.trace().since(self.next) {
            match &ev.kind {
                TraceKind::Send {
                    id,
                    from,
                    to,
                    arrive,
                    lost: None,
                    ..
                } => {
                    self.on_way
                        .entry((from.0, to.0))
                        .or_default()
                        .push((*id, *arrive));
                }
                TraceKind::Deliver { id, from, to, .. } => {
                    if let Some(way) = self.on_way.get_mut(&(from.0, to.0)) {
                        // Earlier sends (smaller ids) still on their way: this one overtook them.
                        if way.iter().any(|(other, _)| other < id) {
                            self.overtaken += 1;
                        }
                        way.retain(|(other, _)| other != id);
                    }
                }
                TraceKind::Drop { id, from, to, .. } => {
                    if let Some(way) = self.on_way.get_mut(&(from.0, to.0)) {
                        way.retain(|(other, _)| other != id);
                    }
                }
                TraceKind::Note {
                    note: Note::Suspect { target, .. },
                    ..
                } => {
                    self.suspicions += 1;
                    self.first_suspicion.get_or_insert(ev.time);
                    if let Some((n, at)) = self.last_crash {
                        if n == *target && self.detect.is_none() {
                            self.detect = Some(ev.time - at);
                        }
                    }
                }
                TraceKind::Command(Command::Crash(n) | Command::CrashRecover { node: n, .. }) => {
                    self.last_crash = Some((n.0, ev.time));
                    self.detect = None;
                }
                _ => {}
            }
            if let TraceKind::Send {
                arrive, lost: None, ..
            } = &ev.kind
            {
                let d = arrive.saturating_sub(ev.time);
                self.delays += 1;
                self.delay_sum += d;
                self.max_delay = self.max_delay.max(d);
            }
            self.next = ev.index + 1;
        }
        self.next = self.next.max(sim.trace().len());
    }
}

/// Figure `name` of the run now; `step_start` is when the step began.
/// `None` only for a name that is not a figure.
pub fn figure(name: &str, sim: &Sim<Workload>, tally: &Tally, step_start: Micros) -> Option<Value> {
    let st = sim.stats();
    let m = sim.metrics();
    let nodes = sim.nodes();
    let now = sim.now();
    let num = |x: f64| Some(Value::Num(x));
    let server = || match nodes.first().and_then(|s| s.state.as_ref()) {
        Some(AnyState::Rpc(RpcState::Server(s))) => Some((s.balance, s.x)),
        _ => None,
    };
    let rafts = || {
        nodes.iter().filter_map(|s| match s.state.as_ref() {
            Some(AnyState::Raft(r)) => Some(r),
            _ => None,
        })
    };
    let ms = |us: Micros| us as f64 / 1e3;
    match name {
        "time_s" => num(now as f64 / 1e6),
        "step_s" => num(now.saturating_sub(step_start) as f64 / 1e6),
        "events" => num(st.events as f64),
        "sent" => num(st.sent as f64),
        "delivered" => num(st.delivered as f64),
        "lost" => num(st.lost as f64),
        "loss_pct" => num(if st.sent == 0 {
            0.0
        } else {
            (st.lost as f64 * 1000.0 / st.sent as f64).round() / 10.0
        }),
        "blocked" => num(st.blocked as f64),
        "to_down" => num(st.to_down as f64),
        "duplicated" => num(st.duplicated as f64),
        "omitted" => num(st.omitted as f64),
        "in_flight" => num(sim.in_flight() as f64),
        "overtaken" => num(tally.overtaken as f64),
        "max_delay_ms" => num(ms(tally.max_delay).round()),
        "mean_delay_ms" => num(if tally.delays == 0 {
            0.0
        } else {
            (tally.delay_sum as f64 / tally.delays as f64 / 1e3).round()
        }),
        "down" => num(nodes.iter().filter(|s| !s.is_up()).count() as f64),
        "suspicions" => num(tally.suspicions as f64),
        "first_suspicion_s" => num(tally.first_suspicion.map_or(0.0, |t| t as f64 / 1e6)),
        "detect_s" => num(tally
            .detect
            .map_or(0.0, |t| (t as f64 / 1e4).round() / 100.0)),
        "mistakes" => num(sim.detector_metrics().mistakes as f64),
        "complete" => {
            let d = sim.detector_metrics();
            let n = nodes.len() as u32;
            let all = (0..n).filter(|&o| nodes[o as usize].is_up()).all(|o| {
                (0..n)
                    .filter(|&t| !nodes[t as usize].is_up())
                    .all(|t| d.suspects(o, t))
            });
            num(all as u8 as f64)
        }
        "notices" => num(st.notices as f64),
        "issued" => num(m.issued as f64),
        "retransmissions" => num(m.retransmissions as f64),
        "applied" => num(m.applied.len() as f64),
        "never_applied" => num(m.issued.saturating_sub(m.applied.len() as u64) as f64),
        "applied_twice" => num(m.applied.values().filter(|&&c| c > 1).count() as f64),
        "applied_twice_list" => {
            let twice: Vec<String> = m
                .applied
                .iter()
                .filter(|(_, &c)| c > 1)
                .map(|((c, r), n)| format!("c{c}#{r} ×{n}"))
                .collect();
            Some(Value::Text(if twice.is_empty() {
                "none".into()
            } else if twice.len() > 6 {
                format!("{} and {} more", twice[..6].join(", "), twice.len() - 6)
            } else {
                twice.join(", ")
            }))
        }
        "suppressed" => num(m.duplicates_suppressed as f64),
        "completed" => num(m.completed as f64),
        "violations" => num(m.violations as f64),
        "balance" => num(server().map_or(0.0, |(b, _)| b as f64)),
        "expected_balance" => num((crate::sim::rpc::ADD_AMOUNT * m.issued as i64) as f64),
        "balance_off" => num(server().map_or(0.0, |(b, _)| {
            (b - crate::sim::rpc::ADD_AMOUNT * m.issued as i64).abs() as f64
        })),
        "reordered_writes" => num(m.reordered_writes as f64),
        "x" => num(server().map_or(0.0, |(_, x)| x as f64)),
        "expected_x" => num(m.expected_x().unwrap_or(0) as f64),
        "stale_overwrites" => num(m.stale_overwrites as f64),
        "stale_list" => Some(Value::Text(
            m.last_stale
                .map_or("none".into(), |(c, r)| format!("c{c}#{r}")),
        )),
        "deviant" => num(nodes.iter().map(|s| s.deviant_sent).sum::<u64>() as f64),
        "attacked" => num(st.attacked as f64),
        "clock_spread_ms" => {
            let locals = nodes
                .iter()
                .filter(|s| s.is_up())
                .map(|s| s.clock.local_at(now));
            let (lo, hi) = locals.fold((i64::MAX, i64::MIN), |(lo, hi), l| (lo.min(l), hi.max(l)));
            num(if hi >= lo {
                ((hi - lo) as f64 / 1e3).round()
            } else {
                0.0
            })
        }
        "leaders" => num(rafts()
            .filter(|r| r.role == crate::sim::Role::Leader)
            .count() as f64),
        "term" => num(rafts().map(|r| r.term).max().unwrap_or(0) as f64),
        "elections" => num(sim.consensus().elections as f64),
        "election_ms" => num(sim
            .consensus()
            .last_election_took
            .map_or(0.0, |t| ms(t).round())),
        "raft_safe" => num(sim.consensus().safe() as u8 as f64),
        "committed" => num(sim.consensus().applied_max as f64),
        "kv_issued" => num(sim.service().issued as f64),
        "kv_ok" => num(sim.service().ok as f64),
        "availability_pct" => num(sim
            .service()
            .availability()
            .map_or(100.0, |a| (a * 1000.0).round() / 10.0)),
        "p99_ms" => num(last_window(sim).map_or(0.0, |w| ms(w.p99).round())),
        "throughput" => num(last_window(sim).map_or(0.0, |w| w.done as f64)),
        "stale_reads" => num(sim.service().stale as f64),
        "two_primaries_s" => {
            num((sim.service().two_primaries_until(now) as f64 / 1e4).round() / 100.0)
        }
        _ => None,
    }
}

/// The service's last whole second, if one has passed.
fn last_window(sim: &Sim<Workload>) -> Option<&crate::sim::KvWindow> {
    let w = &sim.service().windows;
    w.iter().rev().find(|w| w.start + 1_000_000 <= sim.now())
}

/// Fills `{figure}` placeholders in `template` with the run's figures. Text
/// in, text out: the page shows the result as text, never as markup.
pub fn fill(template: &str, value: impl Fn(&str) -> Option<Value>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match value(name) {
                    Some(v) => out.push_str(&v.show()),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{names}` a template uses, for checking them when a lesson is read.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                names.push(&after[..close]);
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    names
}
