//! Commands in words: the form scripts, URLs and recorded links write a
//! user action in (`crash 3`, `cut 1 4`, `network loss=0.1`), both ways.

use super::*;

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
