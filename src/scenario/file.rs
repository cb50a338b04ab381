//! The scenario file's shape (format `distsim-scenario`, version 1) as serde
//! reads and writes it: the fields, a type per field that says what it
//! expects in the page's words, and serde's messages put in those words.

use super::*;
use serde::{Deserialize, Serialize};

/// A scenario file, version 1, as serde reads and writes it: the field names,
/// their order and their types are the format (README, "Scenario files").
/// Unknown fields are refused. `format` and `version` are checked before
/// serde reads the rest (see [`Scenario::from_json`]).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileV1 {
    pub(super) format: String,
    pub(super) version: u64,
    #[serde(default)]
    pub(super) title: Option<Text>,
    #[serde(default)]
    pub(super) description: Option<Text>,
    /// Setting keys as the URL's; checked by the settings reader.
    #[serde(default)]
    pub(super) config: Option<Map<String, Value>>,
    #[serde(default)]
    pub(super) script: List<ScriptStep>,
    /// The pictures to show: ring, spacetime or both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) view: Option<ViewName>,
    #[serde(default, skip_serializing_if = "List::is_empty")]
    pub(super) recorded: List<RecordedStep>,
}

/// One timed action of a script.
#[derive(Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an object such as {\"at\": 2, \"do\": \"crash 3\"}"
)]
pub(super) struct ScriptStep {
    pub(super) at: Seconds,
    #[serde(rename = "do")]
    pub(super) action: Action,
}

/// One recorded command, at its exact instant.
#[derive(Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an object such as {\"after_events\": 120, \"at_us\": 2500000, \"do\": \"crash 3\"}"
)]
pub(super) struct RecordedStep {
    pub(super) after_events: Count,
    pub(super) at_us: Count,
    #[serde(rename = "do")]
    pub(super) action: Action,
}

/// Each field type below reads a JSON value and says, in the words the page
/// shows, what it expected; [`path_message`] puts the field's path in front.
macro_rules! json_field {
    ($name:ident($inner:ty), $read:expr) => {
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = Value::deserialize(d)?;
                let read: fn(&Value) -> Result<$inner, String> = $read;
                read(&v).map($name).map_err(serde::de::Error::custom)
            }
        }
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.0.serialize(s)
            }
        }
    };
}

/// Plain text (a title, a description).
pub(super) struct Text(pub(super) String);
json_field!(Text(String), |v| match v {
    Value::String(t) => Ok(t.clone()),
    other => Err(format!("expected text, got {}", kind(other))),
});

/// Seconds of simulated time from the start, within one day.
pub(super) struct Seconds(pub(super) f64);
json_field!(Seconds(f64), |v| match v {
    Value::Number(x) => x
        .as_f64()
        .filter(|s| (0.0..=MAX_AT_S).contains(s))
        .ok_or(format!(
            "{x} is out of range; expected seconds from 0 to {MAX_AT_S}"
        )),
    other => Err(format!(
        "expected a number of seconds, got {}",
        shown(other)
    )),
});

/// Which pictures to show.
pub(super) struct ViewName(pub(super) View);
impl<'de> Deserialize<'de> for ViewName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(v) if v == "ring" => Ok(ViewName(View::Ring)),
            Value::String(v) if v == "spacetime" => Ok(ViewName(View::SpaceTime)),
            Value::String(v) if v == "both" => Ok(ViewName(View::Both)),
            other => Err(serde::de::Error::custom(format!(
                "expected ring, spacetime or both, got {}",
                shown(&other)
            ))),
        }
    }
}
impl Serialize for ViewName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.name().serialize(s)
    }
}

/// A whole number ≥ 0 (an event count, microseconds).
pub(super) struct Count(pub(super) u64);
json_field!(Count(u64), |v| match v {
    Value::Number(x) => x
        .as_u64()
        .ok_or(format!("expected a whole number ≥ 0, got {x}")),
    other => Err(format!("expected a whole number, got {}", shown(other))),
});

/// An action in words, such as "crash 3" (checked against the cluster later).
pub(super) struct Action(pub(super) String);
json_field!(Action(String), |v| match v {
    Value::String(w) => Ok(w.clone()),
    other => Err(format!(
        "expected an action such as \"crash 3\", got {}",
        shown(other)
    )),
});

/// A list of steps; anything else is refused as "expected a list".
pub(super) struct List<T>(pub(super) Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<T> List<T> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Seq<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Seq<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list")
            }
            fn visit_unit<E>(self) -> Result<List<T>, E> {
                Ok(List(Vec::new()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<List<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(x) = a.next_element()? {
                    out.push(x);
                }
                Ok(List(out))
            }
        }
        d.deserialize_any(Seq(std::marker::PhantomData))
    }
}

impl<T: Serialize> Serialize for List<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// A serde error at `path` in the words of the page's other messages:
/// "script[0].at: expected …, got …". Serde's own phrasings (a wrong type for
/// a whole object or list, an unknown or missing field) are turned around;
/// the field types' messages pass through.
pub(crate) fn path_message(path: &str, msg: &str) -> String {
    let at = |p: &str| {
        if p == "." || p.is_empty() {
            String::new()
        } else {
            format!("{p}: ")
        }
    };
    let words = |e: &str| match e {
        "a map" => "an object".to_string(),
        "a sequence" => "a list".to_string(),
        "a string" => "text".to_string(),
        other => other.to_string(),
    };
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        if let Some((got, expected)) = rest.split_once(", expected ") {
            let got = match got {
                "map" => "an object".to_string(),
                "sequence" => "a list".to_string(),
                "null" | "unit value" => "null".to_string(),
                g if g.starts_with("string ") => format!("text {}", &g["string ".len()..]),
                g if g.starts_with("boolean") => "true/false".to_string(),
                _ => "a number".to_string(),
            };
            return format!("{}expected {}, got {got}", at(path), words(expected));
        }
    }
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        // The path ends with the unknown field itself.
        let (field, expected) = rest.split_once("`, expected ").unwrap_or((rest, ""));
        let field = field.trim_end_matches('`');
        let parent = path
            .strip_suffix(field)
            .unwrap_or(path)
            .trim_end_matches('.');
        let mut known: Vec<&str> = expected
            .trim_start_matches("one of ")
            .split([',', '`'])
            .map(str::trim)
            .filter(|w| !w.is_empty() && *w != "or")
            .flat_map(|w| w.split(" or "))
            .collect();
        let last = known.pop().unwrap_or_default();
        let known = if known.is_empty() {
            last.to_string()
        } else {
            format!("{} or {last}", known.join(", "))
        };
        let prefix = if parent.is_empty() {
            String::new()
        } else {
            format!("{parent}.")
        };
        return format!("{prefix}{}: unknown field; expected {known}", show(field));
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let field = rest.trim_end_matches('`');
        let prefix = if path == "." || path.is_empty() {
            String::new()
        } else {
            format!("{path}.")
        };
        return format!("{prefix}{field}: missing");
    }
    format!("{}{msg}", at(path))
}
