//! The field parsers and unit conversions behind every setting: each takes
//! the user's text and the field's name, and returns the value or a message
//! that names the field and what was expected. Exact round trips: what
//! `us_to_ms` writes, `ms_to_us` reads back to the same microseconds.

use crate::sim::{LatencyModel, Micros};

/// Integer microseconds as milliseconds text that [`ms_to_us`] reads back exactly.
pub fn us_to_ms(us: Micros) -> String {
    decimal(us, 1000)
}

/// `value / unit` as exact decimal text, without trailing zeros.
fn decimal(value: u64, unit: u64) -> String {
    let (whole, frac) = (value / unit, value % unit);
    if frac == 0 {
        return whole.to_string();
    }
    let digits = unit.ilog10() as usize;
    format!("{whole}.{frac:0digits$}")
        .trim_end_matches('0')
        .to_string()
}

/// Milliseconds (as typed) to integer microseconds.
pub fn ms_to_us(ms: f64) -> Micros {
    (ms * 1000.0).round().max(0.0) as Micros
}

/// Seconds (as typed) to integer microseconds.
pub fn s_to_us(s: f64) -> Micros {
    (s * 1e6).round().max(0.0) as Micros
}

/// Integer microseconds as seconds text that [`s_to_us`] reads back exactly.
pub fn us_to_s(us: Micros) -> String {
    decimal(us, 1_000_000)
}

/// User text quoted back in a message: shortened, always as text.
pub fn show(text: &str) -> String {
    let t: String = text.chars().take(24).collect();
    if text.chars().count() > 24 {
        format!("\"{t}…\"")
    } else {
        format!("\"{t}\"")
    }
}

/// A number in `[min, max]`, or a message naming `field`.
pub fn parse_num(field: &str, text: &str, min: f64, max: f64) -> Result<f64, String> {
    let t = text.trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= min && v <= max => Ok(v),
        Ok(v) if v.is_finite() => Err(format!(
            "{field}: {v} is out of range; expected a number from {min} to {max}"
        )),
        _ => Err(format!(
            "{field}: expected a number from {min} to {max}, got {}",
            show(text)
        )),
    }
}

/// A whole number in `[min, max]`, or a message naming `field`.
pub fn parse_int(field: &str, text: &str, min: u64, max: u64) -> Result<u64, String> {
    let t = text.trim();
    match t.parse::<i128>() {
        Ok(v) if v >= min as i128 && v <= max as i128 => Ok(v as u64),
        Ok(v) => Err(format!(
            "{field}: {v} is out of range; expected a whole number from {min} to {max}"
        )),
        Err(_) => Err(format!(
            "{field}: expected a whole number from {min} to {max}, got {}",
            show(text)
        )),
    }
}

/// A seed: any whole number from 0 to 2^64-1.
pub fn parse_seed(text: &str) -> Result<u64, String> {
    text.trim().parse::<u64>().map_err(|_| {
        format!(
            "seed: expected a whole number from 0 to {}, got {}",
            u64::MAX,
            show(text)
        )
    })
}

/// `1/0`, `true/false`, `on/off`, `yes/no`.
pub fn parse_bool(field: &str, text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "on" | "yes" => Ok(true),
        "0" | "false" | "off" | "no" => Ok(false),
        _ => Err(format!(
            "{field}: expected true or false, got {}",
            show(text)
        )),
    }
}

/// Messages per second per link; empty or 0 means unlimited.
pub fn parse_bandwidth(field: &str, text: &str) -> Result<Option<u32>, String> {
    let t = text.trim();
    if t.is_empty() || t == "0" || t.eq_ignore_ascii_case("unlimited") {
        return Ok(None);
    }
    parse_int(field, t, 1, 1_000_000).map(|v| Some(v as u32)).map_err(|_| format!("{field}: expected messages per second from 1 to 1000000, or empty for unlimited, got {}", show(text)))
}

pub(super) fn parse_kind(text: &str) -> Result<&'static str, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "constant" => Ok("constant"),
        "uniform" => Ok("uniform"),
        "exponential" | "exp" => Ok("exponential"),
        _ => Err(format!(
            "latency: expected constant, uniform or exponential, got {}",
            show(text)
        )),
    }
}

/// A retry limit: the number of sends of one request, or empty / "none" for no limit.
pub fn parse_retries(field: &str, text: &str) -> Result<Option<u32>, String> {
    let t = text.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    parse_int(field, t, 1, 1000)
        .map(|v| Some(v as u32))
        .map_err(|_| {
            format!(
                "{field}: expected a number of sends from 1 to 1000, or empty for no limit, got {}",
                show(text)
            )
        })
}

/// Builds a latency model from the three fields (milliseconds); checks their order.
pub fn latency_model(
    kind: &str,
    min_ms: f64,
    mean_ms: f64,
    max_ms: f64,
) -> Result<LatencyModel, String> {
    let (min, mean, max) = (ms_to_us(min_ms), ms_to_us(mean_ms), ms_to_us(max_ms));
    match kind {
        "constant" => Ok(LatencyModel::Constant { mean }),
        "uniform" if min <= max => Ok(LatencyModel::Uniform { min, max }),
        "uniform" => Err(format!(
            "minimum latency ({min_ms} ms) must not exceed the maximum ({max_ms} ms)"
        )),
        "exponential" if min <= mean && mean <= max => {
            Ok(LatencyModel::Exponential { min, mean, max })
        }
        "exponential" => Err(format!(
            "exponential latency needs min ≤ mean ≤ max, got {min_ms} / {mean_ms} / {max_ms} ms"
        )),
        other => Err(format!("unknown latency model {}", show(other))),
    }
}

/// Parses a node list such as `0,1,2` or `0-3,7` for a cluster of `n` nodes.
pub fn parse_group(text: &str, n: u32) -> Result<Vec<u32>, String> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let part = part.trim_start_matches(['n', 'N']);
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (
                a.trim().trim_start_matches(['n', 'N']),
                b.trim().trim_start_matches(['n', 'N']),
            ),
            None => (part, part),
        };
        let max = n.saturating_sub(1) as u64;
        let a = parse_int("group", a, 0, max).map_err(|_| {
            format!(
                "group: expected node numbers from 0 to {max} such as \"0,1\" or \"0-2\", got {}",
                show(text)
            )
        })?;
        let b = parse_int("group", b, 0, max).map_err(|_| {
            format!(
                "group: expected node numbers from 0 to {max} such as \"0,1\" or \"0-2\", got {}",
                show(text)
            )
        })?;
        if a > b {
            return Err(format!("group: range {a}-{b} runs backwards"));
        }
        out.extend((a..=b).map(|x| x as u32));
    }
    out.sort_unstable();
    out.dedup();
    if out.is_empty() {
        return Err("group: list at least one node, such as \"0,1\" or \"0-2\"".to_string());
    }
    if out.len() as u32 >= n {
        return Err("group: leave at least one node on the other side".to_string());
    }
    Ok(out)
}
