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
pub use page::{PageOptions, Theme, View};
pub use trace_export::trace_json;
pub use words::{command_words, parse_command, ACTIONS};

mod page;
mod words;

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
