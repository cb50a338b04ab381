//! The lesson file (format `distsim-lesson`, version 1): what serde reads,
//! and the checks that make every message name its field.

use super::figures;
use crate::params::{show, Settings};
use crate::scenario::{self, file::path_message, parse_command, Scenario};
use crate::sim::{Command, Micros};
use serde::Deserialize;
use serde_json::{Map, Value};

/// The name in every lesson file's `format` field.
pub const FORMAT: &str = "distsim-lesson";
/// The lesson-file version this page reads.
pub const VERSION: u64 = 1;
/// Most steps in one lesson.
pub const MAX_STEPS: usize = 40;
/// Longest step text, question or explanation (characters).
pub const MAX_TEXT: usize = 1200;
/// How long a step runs for its condition when the lesson names no limit (s).
pub const DEFAULT_WITHIN_S: f64 = 60.0;
/// The panels a step may spotlight (their cards' names in the page).
pub const PANELS: &[&str] = &[
    "scenario",
    "run",
    "delivery",
    "raft",
    "detector",
    "service",
    "inspector",
    "network",
    "failures",
    "partitions",
    "log",
    "timeline",
];

/// A lesson, read and checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub title: String,
    /// One line for the course page and the lesson menu.
    pub summary: String,
    /// About how long it takes (minutes).
    pub minutes: u32,
    /// The library scenario it starts from, with the lesson's own settings over it.
    pub scenario_id: String,
    pub scenario: Scenario,
    pub steps: Vec<Step>,
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// What the student reads (plain text).
    pub text: String,
    /// What to spotlight (the rest is dimmed).
    pub spot: Option<Spot>,
    /// A new run to start at this step: (library id, scenario with the step's settings).
    pub load: Option<(String, Scenario)>,
    /// Actions the lesson takes on entering the step (recorded like a user's).
    pub actions: Vec<Command>,
    /// Whether the run plays while the student reads (a step with a
    /// condition or a wait always plays once it is its turn).
    pub play: bool,
    pub ask: Option<Ask>,
    pub wait: Option<Wait>,
    pub until: Option<Until>,
    /// Shown when the condition is met, filled from the run's figures.
    pub explain: String,
    /// What the step's texts claim about the run, each as a condition on
    /// its figures that must hold at the outcome (the tests check them, so
    /// a text cannot say what the run does not do).
    pub claims: Vec<Claim>,
}

/// A sentence of a step's text or explanation, and the figures that make it true.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// The claim in the lesson's words (for the test's message).
    pub says: String,
    pub cond: Cond,
}

/// Part of the page to look at.
#[derive(Clone, Debug, PartialEq)]
pub enum Spot {
    Nodes(Vec<u32>),
    Link(u32, u32),
    /// A card of the side panel, by name ([`PANELS`]).
    Panel(String),
}

/// An action the student must take before the step goes on.
#[derive(Clone, Debug, PartialEq)]
pub struct Wait {
    pub what: WaitFor,
    /// The action a test takes in the student's place.
    pub test_with: Command,
}

/// Kinds of student action a step can wait for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitFor {
    /// Crash a node (crash, crash-recover or fail-stop).
    Crash,
    Recover,
    /// Cut a link or split the cluster.
    Cut,
    /// Heal a link or everything.
    Heal,
    Omission,
    Byzantine,
    /// Put an attacker on a link.
    Attack,
    /// Any action at all.
    Any,
}

impl WaitFor {
    const NAMES: &'static [(&'static str, WaitFor)] = &[
        ("crash", WaitFor::Crash),
        ("recover", WaitFor::Recover),
        ("cut", WaitFor::Cut),
        ("heal", WaitFor::Heal),
        ("omission", WaitFor::Omission),
        ("byzantine", WaitFor::Byzantine),
        ("attack", WaitFor::Attack),
        ("any", WaitFor::Any),
    ];

    /// Whether the student's command `c` is this kind of action.
    pub fn matches(self, c: &Command) -> bool {
        match self {
            WaitFor::Crash => matches!(
                c,
                Command::Crash(_) | Command::CrashRecover { .. } | Command::FailStop(_)
            ),
            WaitFor::Recover => matches!(c, Command::Recover(_)),
            WaitFor::Cut => matches!(c, Command::CutLink(..) | Command::Partition(_)),
            WaitFor::Heal => matches!(c, Command::HealLink(..) | Command::HealAll),
            WaitFor::Omission => matches!(c, Command::SetOmission { .. }),
            WaitFor::Byzantine => matches!(c, Command::SetByzantine { mode: Some(_), .. }),
            WaitFor::Attack => matches!(c, Command::Attack { mode: Some(_), .. }),
            WaitFor::Any => true,
        }
    }
}

/// Run until a condition holds, or for at most `within` µs of the step.
#[derive(Clone, Debug, PartialEq)]
pub struct Until {
    pub cond: Cond,
    pub within: Micros,
}

/// A condition on the run.
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    /// Simulated time reaches this instant (µs from the start).
    Time(Micros),
    /// This long has passed since the step began (µs).
    After(Micros),
    /// A figure is within bounds (either may be absent).
    Figure {
        name: String,
        at_least: Option<f64>,
        at_most: Option<f64>,
    },
}

/// A question asked before the outcome is shown.
#[derive(Clone, Debug, PartialEq)]
pub enum Ask {
    /// Pick one. The run's answer is the first choice whose condition holds
    /// when the step's condition is met (the last may have none: otherwise).
    Choice {
        question: String,
        choices: Vec<(String, Option<Cond>)>,
        /// The choice the author expects the run to make right (tests check it).
        intended: usize,
    },
    /// Guess a figure; right within `tolerance` of the run's value.
    Number {
        question: String,
        figure: String,
        tolerance: f64,
        unit: String,
        /// The value the author expects for the lesson's seed (tests check it).
        intended: f64,
    },
}

impl Ask {
    pub fn question(&self) -> &str {
        match self {
            Ask::Choice { question, .. } | Ask::Number { question, .. } => question,
        }
    }
}

// ---- what serde reads ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileV1 {
    #[allow(dead_code)]
    format: String,
    #[allow(dead_code)]
    version: u64,
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    minutes: Option<u32>,
    scenario: String,
    #[serde(default)]
    config: Map<String, Value>,
    #[serde(default)]
    script: Option<Vec<ScriptV1>>,
    steps: Vec<StepV1>,
}

/// A timed action replacing the scenario's script: `{"at": 3, "do": "crash 2"}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScriptV1 {
    at: f64,
    #[serde(rename = "do")]
    action: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepV1 {
    text: String,
    #[serde(default)]
    spot: Option<SpotV1>,
    #[serde(default)]
    scenario: Option<String>,
    #[serde(default)]
    config: Option<Map<String, Value>>,
    #[serde(default)]
    script: Option<Vec<ScriptV1>>,
    #[serde(default, rename = "do")]
    actions: Vec<String>,
    #[serde(default)]
    play: bool,
    #[serde(default)]
    ask: Option<AskV1>,
    #[serde(default)]
    wait: Option<WaitV1>,
    #[serde(default)]
    until: Option<UntilV1>,
    #[serde(default)]
    explain: String,
    #[serde(default)]
    claims: Vec<ClaimV1>,
}

/// `{"says": "…", "figure": "lost", "at_least": 1}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimV1 {
    says: String,
    figure: String,
    #[serde(default)]
    at_least: Option<f64>,
    #[serde(default)]
    at_most: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpotV1 {
    #[serde(default)]
    node: Option<u32>,
    #[serde(default)]
    nodes: Option<Vec<u32>>,
    #[serde(default)]
    link: Option<[u32; 2]>,
    #[serde(default)]
    panel: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WaitV1 {
    #[serde(rename = "for")]
    what: String,
    test_with: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CondV1 {
    #[serde(default)]
    time: Option<f64>,
    #[serde(default)]
    after: Option<f64>,
    #[serde(default)]
    figure: Option<String>,
    #[serde(default)]
    at_least: Option<f64>,
    #[serde(default)]
    at_most: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UntilV1 {
    #[serde(flatten)]
    cond: CondV1,
    #[serde(default)]
    within: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChoiceV1 {
    text: String,
    #[serde(default)]
    when: Option<CondV1>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AskV1 {
    question: String,
    #[serde(default)]
    choices: Option<Vec<ChoiceV1>>,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    tolerance: Option<f64>,
    #[serde(default)]
    unit: String,
    intended: f64,
}

impl Lesson {
    /// Reads a lesson file. Every problem is reported with its field's path
    /// ("steps[2].ask.choices[1].when.figure: …"); nothing panics on any input.
    pub fn from_json(text: &str) -> Result<Lesson, Vec<String>> {
        if text.len() > scenario::MAX_FILE_BYTES {
            return Err(vec![format!(
                "the file is {} KB; a lesson file may be at most {} KB",
                text.len() / 1024,
                scenario::MAX_FILE_BYTES / 1024
            )]);
        }
        let v: Value =
            serde_json::from_str(text).map_err(|e| vec![format!("not valid JSON: {e}")])?;
        let Value::Object(top) = &v else {
            return Err(vec![format!(
                "expected a JSON object {{\"format\": \"{FORMAT}\", ...}}, got {}",
                scenario::kind(&v)
            )]);
        };
        match top.get("format") {
            Some(Value::String(f)) if f == FORMAT => {}
            Some(Value::String(f)) if f == scenario::FORMAT => {
                return Err(vec![format!(
                    "format: this is a scenario file (\"{}\"), not a lesson (\"{FORMAT}\")",
                    scenario::FORMAT
                )])
            }
            Some(other) => {
                return Err(vec![format!(
                    "format: expected \"{FORMAT}\", got {}",
                    scenario::shown(other)
                )])
            }
            None => return Err(vec![format!("format: missing; expected \"{FORMAT}\"")]),
        }
        match top.get("version") {
            Some(Value::Number(n)) if n.as_u64() == Some(VERSION) => {}
            Some(Value::Number(n)) => {
                return Err(vec![format!(
                    "version: this file is version {n}, but this page reads version {VERSION}"
                )])
            }
            _ => return Err(vec![format!("version: missing; expected {VERSION}")]),
        }
        let file: FileV1 = serde_path_to_error::deserialize(v).map_err(|e| {
            let path = e.path().to_string();
            vec![path_message(&path, &e.into_inner().to_string())]
        })?;
        let mut errors = Vec::new();
        let text_field = |path: String, t: &str, errors: &mut Vec<String>, required: bool| {
            if required && t.trim().is_empty() {
                errors.push(format!("{path}: empty; write something for the student"));
            }
            if t.chars().count() > MAX_TEXT {
                errors.push(format!("{path}: too long; at most {MAX_TEXT} characters"));
            }
        };
        text_field("title".into(), &file.title, &mut errors, true);
        let base = |id: &str,
                    config: Map<String, Value>,
                    script: Option<Vec<ScriptV1>>,
                    at: &str,
                    errors: &mut Vec<String>| {
            match crate::library::get(id) {
                Ok(mut sc) => {
                    errors.extend(scenario::apply_config(&mut sc.settings, config, at));
                    if let Some(script) = script {
                        // The lesson's own timed actions instead of the scenario's.
                        let at = at.replace("config", "script");
                        sc.script.clear();
                        let mut running = sc.settings.clone();
                        for (k, s) in script.into_iter().enumerate() {
                            if !(0.0..=scenario::MAX_AT_S).contains(&s.at) {
                                errors.push(format!("{at}[{k}].at: {} is out of range", s.at));
                                continue;
                            }
                            match parse_command(&s.action, sc.settings.nodes, &mut running) {
                                Ok(c) => sc.script.push((crate::params::s_to_us(s.at), c)),
                                Err(e) => errors.push(format!("{at}[{k}].do: {e}")),
                            }
                        }
                        if sc.script.windows(2).any(|w| w[0].0 > w[1].0) {
                            errors.push(format!("{at}: steps must be in time order"));
                        }
                    }
                    Some(sc)
                }
                Err(e) => {
                    errors.push(format!(
                        "{}: {}",
                        at.replace("config", "scenario"),
                        e.trim_start_matches("scenario: ")
                    ));
                    None
                }
            }
        };
        let scenario = base(
            &file.scenario,
            file.config,
            file.script,
            "config",
            &mut errors,
        );
        if file.steps.is_empty() || file.steps.len() > MAX_STEPS {
            errors.push(format!(
                "steps: {} steps; a lesson has 1 to {MAX_STEPS}",
                file.steps.len()
            ));
        }
        let mut nodes = scenario.as_ref().map_or(0, |s| s.settings.nodes);
        let mut running: Settings = scenario
            .as_ref()
            .map(|s| s.settings.clone())
            .unwrap_or_default();
        let mut steps = Vec::new();
        for (i, s) in file.steps.into_iter().enumerate().take(MAX_STEPS) {
            let at = format!("steps[{i}]");
            text_field(format!("{at}.text"), &s.text, &mut errors, true);
            let load = match (&s.scenario, s.config, s.script) {
                (None, None, None) => None,
                (id, config, script) => {
                    let id = id.clone().unwrap_or(file.scenario.clone());
                    base(
                        &id,
                        config.unwrap_or_default(),
                        script,
                        &format!("{at}.config"),
                        &mut errors,
                    )
                    .map(|sc| {
                        nodes = sc.settings.nodes;
                        running = sc.settings.clone();
                        (id, sc)
                    })
                }
            };
            let mut actions = Vec::new();
            for (k, words) in s.actions.iter().enumerate() {
                match parse_command(words, nodes, &mut running) {
                    Ok(c) => actions.push(c),
                    Err(e) => errors.push(format!("{at}.do[{k}]: {e}")),
                }
            }
            let spot = s
                .spot
                .and_then(|sp| read_spot(sp, nodes, &format!("{at}.spot"), &mut errors));
            let wait = s.wait.and_then(|w| {
                let what = WaitFor::NAMES
                    .iter()
                    .find(|(n, _)| *n == w.what)
                    .map(|(_, k)| *k);
                let Some(what) = what else {
                    errors.push(format!(
                        "{at}.wait.for: expected one of {}, got {}",
                        WaitFor::NAMES
                            .iter()
                            .map(|(n, _)| *n)
                            .collect::<Vec<_>>()
                            .join(", "),
                        show(&w.what)
                    ));
                    return None;
                };
                match parse_command(&w.test_with, nodes, &mut running.clone()) {
                    Ok(c) if what.matches(&c) => Some(Wait { what, test_with: c }),
                    Ok(_) => {
                        errors.push(format!(
                            "{at}.wait.test_with: {} is not a \"{}\" action",
                            show(&w.test_with),
                            w.what
                        ));
                        None
                    }
                    Err(e) => {
                        errors.push(format!("{at}.wait.test_with: {e}"));
                        None
                    }
                }
            });
            let had_until = s.until.is_some();
            let until = s.until.and_then(|u| {
                let cond = read_cond(u.cond, &format!("{at}.until"), &mut errors)?;
                let within = match u.within {
                    None => DEFAULT_WITHIN_S,
                    Some(w) if w > 0.0 && w <= 3600.0 => w,
                    Some(w) => {
                        errors.push(format!(
                            "{at}.until.within: {w} is out of range; expected seconds from 0 to 3600"
                        ));
                        DEFAULT_WITHIN_S
                    }
                };
                Some(Until {
                    cond,
                    within: crate::params::s_to_us(within),
                })
            });
            let ask = s
                .ask
                .and_then(|a| read_ask(a, &format!("{at}.ask"), &mut errors));
            if let Some(a) = &ask {
                text_field(
                    format!("{at}.ask.question"),
                    a.question(),
                    &mut errors,
                    true,
                );
                if !had_until {
                    errors.push(format!(
                        "{at}.ask: a question needs an \"until\": the run to its outcome comes after the prediction"
                    ));
                }
                text_field(format!("{at}.explain"), &s.explain, &mut errors, true);
            }
            text_field(format!("{at}.explain"), &s.explain, &mut errors, false);
            for name in figures::placeholders(&s.text)
                .into_iter()
                .map(|n| ("text", n))
                .chain(
                    figures::placeholders(&s.explain)
                        .into_iter()
                        .map(|n| ("explain", n)),
                )
            {
                if !figures::known(name.1) {
                    errors.push(format!(
                        "{at}.{}: {{{}}} is not a figure; see the README's list",
                        name.0,
                        name.1.chars().take(40).collect::<String>()
                    ));
                }
            }
            if !s.claims.is_empty() && !had_until && wait.is_none() {
                errors.push(format!(
                    "{at}.claims: claims are checked at the outcome; this step has no \"until\" or \"wait\""
                ));
            }
            let mut claims = Vec::new();
            for (k, c) in s.claims.into_iter().enumerate() {
                text_field(format!("{at}.claims[{k}].says"), &c.says, &mut errors, true);
                let cond = read_cond(
                    CondV1 {
                        time: None,
                        after: None,
                        figure: Some(c.figure),
                        at_least: c.at_least,
                        at_most: c.at_most,
                    },
                    &format!("{at}.claims[{k}]"),
                    &mut errors,
                );
                if let Some(cond) = cond {
                    claims.push(Claim { says: c.says, cond });
                }
            }
            steps.push(Step {
                claims,
                text: s.text,
                spot,
                load,
                actions,
                play: s.play,
                ask,
                wait,
                until,
                explain: s.explain,
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Lesson {
            title: file.title,
            summary: file.summary,
            minutes: file.minutes.unwrap_or(3),
            scenario_id: file.scenario,
            scenario: scenario.unwrap_or_default(),
            steps,
        })
    }
}

fn read_spot(sp: SpotV1, nodes: u32, at: &str, errors: &mut Vec<String>) -> Option<Spot> {
    let given = [
        sp.node.is_some(),
        sp.nodes.is_some(),
        sp.link.is_some(),
        sp.panel.is_some(),
    ]
    .iter()
    .filter(|&&b| b)
    .count();
    if given != 1 {
        errors.push(format!(
            "{at}: expected exactly one of node, nodes, link or panel"
        ));
        return None;
    }
    let check = |n: u32, errors: &mut Vec<String>| {
        if n >= nodes {
            errors.push(format!(
                "{at}: node {n} does not exist; the run has nodes 0 to {}",
                nodes.saturating_sub(1)
            ));
            false
        } else {
            true
        }
    };
    if let Some(n) = sp.node {
        return check(n, errors).then(|| Spot::Nodes(vec![n]));
    }
    if let Some(ns) = sp.nodes {
        if ns.is_empty() {
            errors.push(format!("{at}.nodes: empty"));
            return None;
        }
        let ok = ns.iter().all(|&n| check(n, errors));
        return ok.then_some(Spot::Nodes(ns));
    }
    if let Some([a, b]) = sp.link {
        if a == b {
            errors.push(format!("{at}.link: a link joins two different nodes"));
            return None;
        }
        return (check(a, errors) && check(b, errors)).then_some(Spot::Link(a, b));
    }
    let p = sp.panel.unwrap_or_default();
    if PANELS.contains(&p.as_str()) {
        Some(Spot::Panel(p))
    } else {
        errors.push(format!(
            "{at}.panel: expected one of {}, got {}",
            PANELS.join(", "),
            show(&p)
        ));
        None
    }
}

fn read_cond(c: CondV1, at: &str, errors: &mut Vec<String>) -> Option<Cond> {
    let secs = |s: f64, field: &str, errors: &mut Vec<String>| {
        if (0.0..=scenario::MAX_AT_S).contains(&s) {
            Some(crate::params::s_to_us(s))
        } else {
            errors.push(format!(
                "{at}.{field}: {s} is out of range; expected seconds from 0 to {}",
                scenario::MAX_AT_S
            ));
            None
        }
    };
    match (c.time, c.after, c.figure) {
        (Some(t), None, None) if c.at_least.is_none() && c.at_most.is_none() => {
            secs(t, "time", errors).map(Cond::Time)
        }
        (None, Some(t), None) if c.at_least.is_none() && c.at_most.is_none() => {
            secs(t, "after", errors).map(Cond::After)
        }
        (None, None, Some(name)) => {
            if !figures::known(&name) {
                errors.push(format!(
                    "{at}.figure: {} is not a figure; expected one of {}",
                    show(&name),
                    figures::FIGURES
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                return None;
            }
            if c.at_least.is_none() && c.at_most.is_none() {
                errors.push(format!(
                    "{at}: a figure condition needs at_least or at_most"
                ));
                return None;
            }
            Some(Cond::Figure {
                name,
                at_least: c.at_least,
                at_most: c.at_most,
            })
        }
        _ => {
            errors.push(format!(
                "{at}: expected one of {{\"time\": s}}, {{\"after\": s}} or {{\"figure\": name, \"at_least\"/\"at_most\": x}}"
            ));
            None
        }
    }
}

fn read_ask(a: AskV1, at: &str, errors: &mut Vec<String>) -> Option<Ask> {
    match (a.choices, a.number) {
        (Some(choices), None) => {
            if !(2..=6).contains(&choices.len()) {
                errors.push(format!(
                    "{at}.choices: {} choices; expected 2 to 6",
                    choices.len()
                ));
                return None;
            }
            let last = choices.len() - 1;
            let mut out = Vec::new();
            for (k, c) in choices.into_iter().enumerate() {
                if c.text.trim().is_empty() {
                    errors.push(format!("{at}.choices[{k}].text: empty"));
                }
                let when = match c.when {
                    Some(w) => Some(read_cond(w, &format!("{at}.choices[{k}].when"), errors)?),
                    None if k < last => {
                        errors.push(format!(
                            "{at}.choices[{k}].when: missing; only the last choice may go without one (it is the answer when no other holds)"
                        ));
                        None
                    }
                    None => None,
                };
                out.push((c.text, when));
            }
            let n = out.len();
            if a.intended.fract() != 0.0 || a.intended < 0.0 || a.intended >= n as f64 {
                errors.push(format!(
                    "{at}.intended: expected the number of a choice, 0 to {}, got {}",
                    n - 1,
                    a.intended
                ));
                return None;
            }
            if a.tolerance.is_some() {
                errors.push(format!(
                    "{at}.tolerance: only a number question has a tolerance"
                ));
            }
            Some(Ask::Choice {
                question: a.question,
                choices: out,
                intended: a.intended as usize,
            })
        }
        (None, Some(figure)) => {
            if !figures::known(&figure) {
                errors.push(format!("{at}.number: {} is not a figure", show(&figure)));
                return None;
            }
            let tolerance = a.tolerance.unwrap_or(0.0);
            if !(0.0..=1e9).contains(&tolerance) {
                errors.push(format!(
                    "{at}.tolerance: expected a number ≥ 0, got {tolerance}"
                ));
                return None;
            }
            Some(Ask::Number {
                question: a.question,
                figure,
                tolerance,
                unit: a.unit,
                intended: a.intended,
            })
        }
        _ => {
            errors.push(format!(
                "{at}: expected either \"choices\" (multiple choice) or \"number\" (a figure to guess)"
            ));
            None
        }
    }
}
