//! Scenarios: a run's whole setup, in a form a teacher can share.
//!
//! A [`Scenario`] is the settings a run starts from, a title and description
//! for the student, a script of timed actions ("crash n3 at 2 s"), and the
//! commands a user recorded (each at its exact instant). It has two outside
//! forms, and both read back to exactly the same scenario:
//!
//! - a URL query (`?nodes=5&seed=7&act=2:crash+3&cmd=120@2.5:cut+0+1`), what
//!   "copy link" makes and what an embedding iframe points at;
//! - a versioned JSON file (format `distsim-scenario`, version 1), what
//!   "export" writes and the file picker, drag and drop and the built-in
//!   library read.
//!
//! Every reader here validates everything and answers with messages naming
//! the field and what was expected; nothing panics on any input, and nothing
//! read is ever treated as markup (the page shows it as text). Plain Rust, so
//! it is tested natively.

use crate::params::{self, show, Settings, DELIVERY_KEYS, NETWORK_KEYS, SETTING_KEYS};
use crate::sim::{
    ByzMode, Command, Micros, NodeId, Payload, Planned, RecordedCommand, TraceEvent, TraceKind,
};
use serde_json::{json, Map, Value};

/// The name in every scenario file's `format` field.
pub const FORMAT: &str = "distsim-scenario";
/// The scenario-file version this page writes and reads.
pub const VERSION: u64 = 1;
/// Longest title and description kept (characters).
pub const MAX_TITLE: usize = 120;
pub const MAX_DESCRIPTION: usize = 2000;
/// Most script steps and recorded commands one scenario may hold.
pub const MAX_ACTIONS: usize = 2000;
/// Latest time a script step may name (seconds): one simulated day.
pub const MAX_AT_S: f64 = 86_400.0;
/// Largest scenario file read (bytes).
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// A run's whole setup.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scenario {
    /// Shown to the student above the picture (plain text).
    pub title: String,
    /// Shown under the title (plain text).
    pub description: String,
    /// The settings the run starts from.
    pub settings: Settings,
    /// Timed actions, applied at their simulated time (µs), in order.
    pub script: Vec<(Micros, Command)>,
    /// Commands recorded in a run, replayed at their exact instants.
    pub recorded: Vec<RecordedCommand>,
    /// Open the run paused at this point (events processed, time) instead of at 0.
    pub upto: Option<(u64, Micros)>,
    /// Which pictures to show (a file may ask; in a URL it is the page's `view`).
    pub view: Option<View>,
}

impl Scenario {
    /// What the simulator should apply by itself as the run goes.
    pub fn plan(&self) -> Vec<Planned> {
        self.recorded
            .iter()
            .cloned()
            .map(Planned::Exact)
            .chain(
                self.script
                    .iter()
                    .map(|(at, c)| Planned::At(*at, c.clone())),
            )
            .collect()
    }

    /// The URL query form (without the leading `?`).
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(String, String)> = Vec::new();
        if !self.title.is_empty() {
            pairs.push(("title".into(), self.title.clone()));
        }
        if !self.description.is_empty() {
            pairs.push(("desc".into(), self.description.clone()));
        }
        pairs.extend(self.settings.to_pairs());
        for (at, c) in &self.script {
            pairs.push((
                "act".into(),
                format!("{}:{}", params::us_to_s(*at), command_words(c)),
            ));
        }
        for rc in &self.recorded {
            pairs.push((
                "cmd".into(),
                format!(
                    "{}@{}:{}",
                    rc.after_events,
                    params::us_to_s(rc.at),
                    command_words(&rc.cmd)
                ),
            ));
        }
        if let Some((e, t)) = self.upto {
            pairs.push(("upto".into(), format!("{e}@{}", params::us_to_s(t))));
        }
        pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Reads the URL query form over `base` (the default, or a library
    /// scenario named by `scenario=`). Bad values are reported, each naming its
    /// parameter, and leave the base value in place; keys for the page itself
    /// (`embed`, `controls`, ...) are the caller's and pass silently.
    pub fn from_query(pairs: &[(String, String)], base: Scenario) -> (Scenario, Vec<String>) {
        let mut sc = base;
        let mut errors = Vec::new();
        let setting_pairs: Vec<(String, String)> = pairs
            .iter()
            .filter(|(k, _)| SETTING_KEYS.contains(&k.as_str()))
            .cloned()
            .collect();
        errors.extend(
            sc.settings
                .apply_pairs(&setting_pairs)
                .into_iter()
                .map(|e| format!("URL parameter {e}")),
        );
        let n = sc.settings.nodes;
        let mut script = Vec::new();
        let mut recorded = Vec::new();
        let mut replaced_script = false;
        for (i, (k, v)) in pairs.iter().enumerate() {
            let r: Result<(), String> = match k.as_str() {
                "title" => {
                    sc.title = clip(v, MAX_TITLE);
                    Ok(())
                }
                "desc" => {
                    sc.description = clip(v, MAX_DESCRIPTION);
                    Ok(())
                }
                "act" => {
                    replaced_script = true;
                    parse_act(v, n, &sc.settings).map(|a| script.push(a))
                }
                "cmd" => parse_cmd(v, n, &sc.settings).map(|c| recorded.push(c)),
                "upto" => parse_upto(v).map(|u| sc.upto = Some(u)),
                k if SETTING_KEYS.contains(&k) || PAGE_KEYS.contains(&k) => Ok(()),
                _ => Err(format!(
                    "{}: unknown parameter (known ones are listed in the README)",
                    show(k)
                )),
            };
            if let Err(e) = r {
                errors.push(format!(
                    "URL parameter {}{e}",
                    match k.as_str() {
                        "act" | "cmd" => format!(
                            "{k} #{}: ",
                            pairs[..=i].iter().filter(|(k2, _)| k2 == k).count()
                        ),
                        "upto" => "upto: ".to_string(),
                        _ => String::new(),
                    }
                ));
            }
        }
        if script.len() + recorded.len() > MAX_ACTIONS {
            errors.push(format!(
                "URL: {} actions is too many; at most {MAX_ACTIONS} are read",
                script.len() + recorded.len()
            ));
            script.truncate(MAX_ACTIONS);
            recorded.truncate(MAX_ACTIONS.saturating_sub(script.len()));
        }
        if replaced_script {
            sc.script = script;
        }
        sc.script.sort_by_key(|a| a.0);
        if !recorded.is_empty() {
            recorded.sort_by_key(|c| c.after_events);
            sc.recorded = recorded;
        }
        (sc, errors)
    }

    /// The JSON file form, pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.file()).unwrap_or_default()
    }

    /// The JSON file form as a value (the trace export embeds it).
    fn to_value(&self) -> Value {
        serde_json::to_value(self.file()).unwrap_or_default()
    }

    fn file(&self) -> FileV1 {
        FileV1 {
            format: FORMAT.to_string(),
            version: VERSION,
            title: Some(Text(self.title.clone())),
            description: Some(Text(self.description.clone())),
            config: Some(
                self.settings
                    .to_pairs()
                    .into_iter()
                    .map(|(k, v)| (k, pair_value(&v)))
                    .collect(),
            ),
            script: List(
                self.script
                    .iter()
                    .map(|(at, c)| ScriptStep {
                        at: Seconds(*at as f64 / 1e6),
                        action: Action(command_words(c)),
                    })
                    .collect(),
            ),
            view: self.view.map(ViewName),
            recorded: List(
                self.recorded
                    .iter()
                    .map(|rc| RecordedStep {
                        after_events: Count(rc.after_events),
                        at_us: Count(rc.at),
                        action: Action(command_words(&rc.cmd)),
                    })
                    .collect(),
            ),
        }
    }

    /// Reads a scenario file. All or nothing: any problem rejects the whole
    /// file, with messages naming the field (its path, e.g. `script[2].at`) and
    /// what was expected.
    ///
    /// Three layers: the text must be JSON; it must say it is a scenario file
    /// of this version (checked first, so another program's file gets one
    /// clear message, not a list of unknown fields); then serde reads it into
    /// [`FileV1`], whose field types each say what they expect, and the
    /// settings and actions are checked for meaning (ranges, node numbers).
    pub fn from_json(text: &str) -> Result<Scenario, Vec<String>> {
        if text.len() > MAX_FILE_BYTES {
            return Err(vec![format!(
                "the file is {} KB; a scenario file may be at most {} KB",
                text.len() / 1024,
                MAX_FILE_BYTES / 1024
            )]);
        }
        let v: Value =
            serde_json::from_str(text).map_err(|e| vec![format!("not valid JSON: {e}")])?;
        let Value::Object(top) = &v else {
            return Err(vec![format!(
                "expected a JSON object {{\"format\": \"{FORMAT}\", ...}}, got {}",
                kind(&v)
            )]);
        };
        let mut errors = Vec::new();
        match top.get("format") {
            Some(Value::String(f)) if f == FORMAT => {}
            Some(other) => errors.push(format!(
                "format: expected \"{FORMAT}\", got {}",
                shown(other)
            )),
            None => errors.push(format!("format: missing; expected \"{FORMAT}\"")),
        }
        match top.get("version") {
            Some(Value::Number(n)) if n.as_u64() == Some(VERSION) => {}
            Some(Value::Number(n)) => errors.push(format!(
                "version: this file is version {n}, but this page reads version {VERSION}"
            )),
            Some(other) => errors.push(format!(
                "version: expected the number {VERSION}, got {}",
                shown(other)
            )),
            None => errors.push(format!("version: missing; expected {VERSION}")),
        }
        if !errors.is_empty() {
            // Not a scenario file of ours: the rest would only add noise.
            return Err(errors);
        }
        let file: FileV1 = serde_path_to_error::deserialize(v).map_err(|e| {
            let path = e.path().to_string();
            vec![path_message(&path, &e.into_inner().to_string())]
        })?;
        let mut sc = Scenario::default();
        if let Some(Text(t)) = file.title {
            sc.title = t;
        }
        if let Some(Text(d)) = file.description {
            sc.description = d;
        }
        sc.view = file.view.map(|v| v.0);
        for (field, max, text) in [
            ("title", MAX_TITLE, &sc.title),
            ("description", MAX_DESCRIPTION, &sc.description),
        ] {
            if text.chars().count() > max {
                errors.push(format!("{field}: too long; at most {max} characters"));
            }
        }
        errors.extend(apply_config(
            &mut sc.settings,
            file.config.unwrap_or_default(),
            "config",
        ));
        let n = sc.settings.nodes;
        for (field, len) in [
            ("script", file.script.0.len()),
            ("recorded", file.recorded.0.len()),
        ] {
            if len > MAX_ACTIONS {
                errors.push(format!("{field}: {len} steps; at most {MAX_ACTIONS}"));
            }
        }
        // Scripted network and delivery changes are relative to the settings
        // as the script has left them so far.
        let mut running = sc.settings.clone();
        for (i, step) in file.script.0.into_iter().enumerate().take(MAX_ACTIONS) {
            match parse_command(&step.action.0, n, &mut running) {
                Ok(cmd) => sc.script.push((params::s_to_us(step.at.0), cmd)),
                Err(e) => errors.push(format!("script[{i}].do: {e}")),
            }
        }
        if sc.script.windows(2).any(|w| w[0].0 > w[1].0) {
            errors.push(
                "script: steps must be in time order (each \"at\" no earlier than the one before)"
                    .into(),
            );
        }
        let mut running = sc.settings.clone();
        for (i, rec) in file.recorded.0.into_iter().enumerate().take(MAX_ACTIONS) {
            match parse_command(&rec.action.0, n, &mut running) {
                Ok(cmd) => sc.recorded.push(RecordedCommand {
                    at: rec.at_us.0,
                    after_events: rec.after_events.0,
                    cmd,
                }),
                Err(e) => errors.push(format!("recorded[{i}].do: {e}")),
            }
        }
        if sc
            .recorded
            .windows(2)
            .any(|w| w[0].after_events > w[1].after_events)
        {
            errors.push("recorded: commands must be in the order they were recorded".into());
        }
        if errors.is_empty() {
            Ok(sc)
        } else {
            Err(errors)
        }
    }
}

pub(crate) mod file;
mod trace_export;

use file::{
    path_message, Action, Count, FileV1, List, RecordedStep, ScriptStep, Seconds, Text, ViewName,
};
pub use trace_export::trace_json;

/// URL keys that belong to the page, not to the scenario.
pub const PAGE_KEYS: &[&str] = &[
    "scenario",
    "lesson",
    "scenario_url",
    "embed",
    "controls",
    "autoplay",
    "theme",
    "view",
];

/// A command in words: the script and URL form (`crash 3`, `cut 1 4`,
/// `network loss=0.1 ...`). [`parse_command`] reads it back exactly.
pub fn command_words(c: &Command) -> String {
    match c {
        Command::Crash(n) => format!("crash {}", n.0),
        Command::FailStop(n) => format!("failstop {}", n.0),
        Command::CrashRecover {
            node,
            after,
            stable,
        } => format!(
            "crashrecover {} {} {}",
            node.0,
            params::us_to_s(*after),
            if *stable { "stable" } else { "volatile" }
        ),
        Command::Recover(n) => format!("recover {}", n.0),
        Command::SetOmission { node, send, recv } => format!("omission {} {send} {recv}", node.0),
        Command::SetByzantine { node, mode } => {
            format!("byzantine {} {}", node.0, mode.map_or("none", |m| m.name()))
        }
        Command::CutLink(a, b) => format!("cut {} {}", a.0, b.0),
        Command::HealLink(a, b) => format!("heal {} {}", a.0, b.0),
        Command::Partition(g) => format!(
            "partition {}",
            g.iter()
                .map(|n| n.0.to_string())
                .collect::<Vec<_>>()
                .join(",")
        ),
        Command::HealAll => "healall".into(),
        Command::Attack { from, to, mode } => format!(
            "attack {} {} {}",
            from.0,
            to.0,
            mode.map_or("none", |m| m.name())
        ),
        Command::Tamper { id, dup, action } => {
            let copy = if *dup { " dup" } else { "" };
            match action {
                crate::sim::Tamper::Drop => format!("drop {id}{copy}"),
                crate::sim::Tamper::Delay(d) => {
                    format!("delay {id} {}{copy}", params::us_to_s(*d))
                }
                crate::sim::Tamper::Duplicate => format!("duplicate {id}{copy}"),
            }
        }
        Command::SetNetwork(net) => {
            let mut w = "network".to_string();
            for (k, v) in params::net_pairs(net) {
                w.push_str(&format!(" {k}={v}"));
            }
            w
        }
        Command::SetRpc(rpc) => {
            let mut w = "delivery".to_string();
            for (k, v) in params::rpc_pairs(rpc) {
                w.push_str(&format!(" {k}={v}"));
            }
            w
        }
    }
}

/// The actions a script may name, for messages and the README.
pub const ACTIONS: &str =
    "crash N, failstop N, crashrecover N SECONDS stable|volatile, recover N, \
omission N SEND RECV, byzantine N corrupt|equivocate|replay|lie|none, cut A B, heal A B, \
partition A,B,..., healall, attack A B drop|modify|inject|none, network KEY=VALUE..., delivery KEY=VALUE..., \
drop M [dup], delay M SECONDS [dup], duplicate M [dup]";

/// Reads one action in words for a cluster of `n` nodes. `running` is the
/// settings as earlier actions left them: a `network` or `delivery` action
/// changes only the keys it names, and updates `running`.
pub fn parse_command(words: &str, n: u32, running: &mut Settings) -> Result<Command, String> {
    let mut it = words.split_whitespace();
    let verb = it.next().unwrap_or("").to_ascii_lowercase();
    let rest: Vec<&str> = it.collect();
    let node = |i: usize| -> Result<NodeId, String> {
        let t = rest.get(i).copied().unwrap_or("");
        let max = n.saturating_sub(1) as u64;
        params::parse_int("node", t.trim_start_matches(['n', 'N']), 0, max)
            .map(|v| NodeId(v as u32))
            .map_err(|_| {
                format!(
                    "\"{verb}\": expected a node number from 0 to {max}, got {}",
                    show(t)
                )
            })
    };
    let arity = |k: usize| -> Result<(), String> {
        if rest.len() == k {
            Ok(())
        } else {
            Err(format!(
                "\"{verb}\" takes {k} argument{}, got {}",
                if k == 1 { "" } else { "s" },
                rest.len()
            ))
        }
    };
    let prob = |i: usize, what: &str| -> Result<f64, String> {
        params::parse_num(what, rest.get(i).copied().unwrap_or(""), 0.0, 1.0)
    };
    match verb.as_str() {
        "crash" => arity(1).and(node(0)).map(Command::Crash),
        "failstop" | "fail-stop" => arity(1).and(node(0)).map(Command::FailStop),
        "recover" => arity(1).and(node(0)).map(Command::Recover),
        "crashrecover" | "crash-recover" => {
            arity(3)?;
            let after = params::parse_num("restart after (s)", rest[1], 0.000_001, 3600.0)?;
            let stable = match rest[2] {
                "stable" => true,
                "volatile" => false,
                other => {
                    return Err(format!(
                        "\"crashrecover\": expected stable or volatile, got {}",
                        show(other)
                    ))
                }
            };
            Ok(Command::CrashRecover {
                node: node(0)?,
                after: params::s_to_us(after),
                stable,
            })
        }
        "omission" => {
            arity(3)?;
            Ok(Command::SetOmission {
                node: node(0)?,
                send: prob(1, "send omission")?,
                recv: prob(2, "receive omission")?,
            })
        }
        "byzantine" => {
            arity(2)?;
            let mode = match rest[1] {
                "none" | "correct" => None,
                m => Some(ByzMode::from_name(m).ok_or(format!(
                    "\"byzantine\": expected corrupt, equivocate, replay, lie or none, got {}",
                    show(m)
                ))?),
            };
            Ok(Command::SetByzantine {
                node: node(0)?,
                mode,
            })
        }
        "cut" | "heal" => {
            arity(2)?;
            let (a, b) = (node(0)?, node(1)?);
            if a == b {
                return Err(format!(
                    "\"{verb}\": a link joins two different nodes, got {} twice",
                    a.0
                ));
            }
            Ok(if verb == "cut" {
                Command::CutLink(a, b)
            } else {
                Command::HealLink(a, b)
            })
        }
        "partition" => {
            let text = rest.join("");
            params::parse_group(&text, n)
                .map(|g| Command::Partition(g.into_iter().map(NodeId).collect()))
                .map_err(|e| format!("\"partition\": {e}"))
        }
        "healall" | "heal-all" => arity(0).map(|_| Command::HealAll),
        "attack" => {
            arity(3)?;
            let (from, to) = (node(0)?, node(1)?);
            if from == to {
                return Err("\"attack\": a link joins two different nodes".into());
            }
            let mode = match rest[2] {
                "none" | "off" => None,
                m => Some(crate::sim::Attack::from_name(m).ok_or(format!(
                    "\"attack\": expected drop, modify, inject or none, got {}",
                    show(m)
                ))?),
            };
            Ok(Command::Attack { from, to, mode })
        }
        "drop" | "delay" | "duplicate" => {
            // drop ID [dup] · delay ID SECONDS [dup] · duplicate ID [dup]
            let need = if verb == "delay" { 2 } else { 1 };
            let dup = rest.len() == need + 1 && rest[need] == "dup";
            if rest.len() != need && !dup {
                return Err(format!(
                    "\"{verb}\": expected {}",
                    if verb == "delay" {
                        "a message number, seconds and optionally dup"
                    } else {
                        "a message number and optionally dup"
                    }
                ));
            }
            let id = params::parse_int("message number", rest[0], 0, u64::MAX)
                .map_err(|e| format!("\"{verb}\": {e}"))?;
            let action = match verb.as_str() {
                "drop" => crate::sim::Tamper::Drop,
                "duplicate" => crate::sim::Tamper::Duplicate,
                _ => crate::sim::Tamper::Delay(params::s_to_us(
                    params::parse_num("delay (s)", rest[1], 0.000_001, 3600.0)
                        .map_err(|e| format!("\"{verb}\": {e}"))?,
                )),
            };
            Ok(Command::Tamper { id, dup, action })
        }
        "network" | "delivery" => {
            let keys = if verb == "network" {
                NETWORK_KEYS
            } else {
                DELIVERY_KEYS
            };
            if rest.is_empty() {
                return Err(format!(
                    "\"{verb}\": name at least one setting, such as {}=...",
                    keys[0]
                ));
            }
            let mut pairs = Vec::new();
            for kv in &rest {
                let Some((k, v)) = kv.split_once('=') else {
                    return Err(format!("\"{verb}\": expected KEY=VALUE, got {}", show(kv)));
                };
                if !keys.contains(&k) {
                    return Err(format!(
                        "\"{verb}\": unknown setting {}; expected one of {}",
                        show(k),
                        keys.join(", ")
                    ));
                }
                pairs.push((k.to_string(), v.to_string()));
            }
            let mut next = running.clone();
            if let Some(e) = next.apply_pairs(&pairs).into_iter().next() {
                return Err(format!("\"{verb}\": {e}"));
            }
            *running = next;
            Ok(if verb == "network" {
                Command::SetNetwork(running.net)
            } else {
                Command::SetRpc(running.rpc.clone())
            })
        }
        "" => Err(format!("expected an action: {ACTIONS}")),
        other => Err(format!(
            "unknown action {}; expected one of: {ACTIONS}",
            show(other)
        )),
    }
}

/// `T:words`: a script step at `T` seconds.
fn parse_act(v: &str, n: u32, s: &Settings) -> Result<(Micros, Command), String> {
    let (t, words) = v.split_once(':').ok_or(format!(
        "expected SECONDS:ACTION such as 2:crash 3, got {}",
        show(v)
    ))?;
    let at = params::parse_num("time (s)", t, 0.0, MAX_AT_S)?;
    let mut running = s.clone();
    Ok((params::s_to_us(at), parse_command(words, n, &mut running)?))
}

/// `E@T:words`: a recorded command after `E` events at `T` seconds.
fn parse_cmd(v: &str, n: u32, s: &Settings) -> Result<RecordedCommand, String> {
    let (point, words) = v
        .split_once(':')
        .ok_or(format!("expected EVENTS@SECONDS:ACTION, got {}", show(v)))?;
    let (after_events, at) = parse_upto(point)?;
    let mut running = s.clone();
    Ok(RecordedCommand {
        at,
        after_events,
        cmd: parse_command(words, n, &mut running)?,
    })
}

/// `E@T`: a point in a run, `E` events in, at `T` seconds.
fn parse_upto(v: &str) -> Result<(u64, Micros), String> {
    let (e, t) = v.split_once('@').ok_or(format!(
        "expected EVENTS@SECONDS such as 120@2.5, got {}",
        show(v)
    ))?;
    let e = params::parse_int("events", e, 0, 1 << 50)?;
    let t = params::parse_num("time (s)", t, 0.0, MAX_AT_S * 365.0)?;
    Ok((e, params::s_to_us(t)))
}

/// A pair's text as the JSON value a person would write: numbers as numbers,
/// `1`/`0` flags as booleans where the key is a flag.
fn pair_value(v: &str) -> Value {
    if let Ok(i) = v.parse::<u64>() {
        return json!(i);
    }
    match v.parse::<f64>() {
        Ok(f) if f.is_finite() => serde_json::Number::from_f64(f).map_or(json!(v), Value::Number),
        _ => json!(v),
    }
}

/// Applies a file's `config` object (setting keys as the URL's) over
/// `settings`; one message per bad key, each starting with `at` (the field's
/// path). Scenario and lesson files share it.
pub fn apply_config(settings: &mut Settings, config: Map<String, Value>, at: &str) -> Vec<String> {
    // Settings keep their own reader (the URL's), so one message per key.
    let mut errors = Vec::new();
    let mut pairs = Vec::new();
    for (k, v) in config {
        if !SETTING_KEYS.contains(&k.as_str()) {
            errors.push(format!(
                "{at}.{}: unknown setting; expected one of {}",
                show(&k),
                SETTING_KEYS.join(", ")
            ));
            continue;
        }
        match scalar_text(&v) {
            Some(t) => pairs.push((k, t)),
            None => errors.push(format!(
                "{at}.{k}: expected a number, text or true/false, got {}",
                kind(&v)
            )),
        }
    }
    errors.extend(
        settings
            .apply_pairs(&pairs)
            .into_iter()
            .map(|e| format!("{at}.{e}")),
    );
    errors
}

/// A JSON scalar as the text the settings reader parses; `None` for lists and objects.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => Some(String::new()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A JSON value quoted back in a message, shortened.
pub(crate) fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => show(s),
        Value::Array(_) | Value::Object(_) => kind(v).to_string(),
        other => other.to_string(),
    }
}

fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// What stays as typed in a query component: RFC 3986's unreserved
/// characters, plus `,` `:` `@` so that commands (`cmd=120@12.5:crash+3`) stay
/// readable in a link. Everything else is percent-encoded.
const QUERY_KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b',')
    .remove(b':')
    .remove(b'@');

/// Percent-encodes a query component, a space as `+` (form encoding, which
/// [`crate::params::parse_query`] reads back).
pub fn encode(s: &str) -> String {
    // '%' itself is encoded, so "%20" in the output can only be a space.
    percent_encoding::utf8_percent_encode(s, QUERY_KEEP)
        .to_string()
        .replace("%20", "+")
}

/// Colour scheme the page asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Follow the reader's system setting (`prefers-color-scheme`).
    Auto,
    Light,
    Dark,
}

/// Which pictures of the run the page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The ring of nodes with messages flying (the default).
    Ring,
    /// The space-time diagram: a lane per node, an arrow per message.
    SpaceTime,
    /// Both, one above the other.
    Both,
}

impl View {
    /// The URL value.
    pub fn name(self) -> &'static str {
        match self {
            View::Ring => "ring",
            View::SpaceTime => "spacetime",
            View::Both => "both",
        }
    }

    /// Whether the ring is shown.
    pub fn ring(self) -> bool {
        self != View::SpaceTime
    }

    /// Whether the space-time diagram is shown.
    pub fn spacetime(self) -> bool {
        self != View::Ring
    }
}

/// How the page itself is shown: the keys of [`PAGE_KEYS`] other than the
/// scenario's source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageOptions {
    /// Only the picture and a minimal bar, filling the frame (for iframes).
    pub embed: bool,
    /// Show the bar (embed mode); without it, keys still work.
    pub controls: bool,
    /// Start playing (`Some(true)`), paused (`Some(false)`), or the default
    /// (`None`: the full page plays, an embed waits for a click).
    pub autoplay: Option<bool>,
    pub theme: Theme,
    /// The ring, the space-time diagram, or both.
    pub view: View,
}

impl PageOptions {
    /// Reads the page keys, with a message per bad value (the default stays).
    pub fn from_query(pairs: &[(String, String)]) -> (PageOptions, Vec<String>) {
        let mut o = PageOptions {
            embed: false,
            controls: true,
            autoplay: None,
            theme: Theme::Auto,
            view: View::Ring,
        };
        let mut errors = Vec::new();
        for (k, v) in pairs {
            let r = match k.as_str() {
                "embed" => params::parse_bool("embed", v).map(|b| o.embed = b),
                "controls" => params::parse_bool("controls", v).map(|b| o.controls = b),
                "autoplay" => params::parse_bool("autoplay", v).map(|b| o.autoplay = Some(b)),
                "theme" => match v.trim() {
                    "auto" => Ok(Theme::Auto),
                    "light" => Ok(Theme::Light),
                    "dark" => Ok(Theme::Dark),
                    _ => Err(format!(
                        "theme: expected auto, light or dark, got {}",
                        show(v)
                    )),
                }
                .map(|t| o.theme = t),
                "view" => match v.trim() {
                    "ring" => Ok(View::Ring),
                    "spacetime" => Ok(View::SpaceTime),
                    "both" => Ok(View::Both),
                    _ => Err(format!(
                        "view: expected ring, spacetime or both, got {}",
                        show(v)
                    )),
                }
                .map(|w| o.view = w),
                _ => Ok(()),
            };
            if let Err(e) = r {
                errors.push(format!("URL parameter {e}"));
            }
        }
        (o, errors)
    }

    /// These options as query pairs (only those that differ from the default).
    pub fn to_query(&self) -> String {
        let mut q = Vec::new();
        if self.embed {
            q.push("embed=1".to_string());
        }
        if !self.controls {
            q.push("controls=0".into());
        }
        match self.autoplay {
            Some(true) => q.push("autoplay=1".into()),
            Some(false) => q.push("autoplay=0".into()),
            None => {}
        }
        match self.theme {
            Theme::Auto => {}
            Theme::Light => q.push("theme=light".into()),
            Theme::Dark => q.push("theme=dark".into()),
        }
        if self.view != View::Ring {
            q.push(format!("view={}", self.view.name()));
        }
        q.join("&")
    }
}
