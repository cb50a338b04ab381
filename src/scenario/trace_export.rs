//! The trace's JSON export: the setup that made it, its digest, and one
//! object per event (with logical clocks when kept).

use super::*;

/// A trace as JSON: the setup that made it (so it can be replayed), its
/// digest, and one object per event.
pub fn trace_json<M: Payload>(
    setup: &Scenario,
    digest: u64,
    events: &[TraceEvent<M>],
    total: u64,
) -> String {
    let evs: Vec<Value> = events.iter().map(event_value).collect();
    let v = json!({
        "format": "distsim-trace",
        "version": VERSION,
        "digest": format!("{digest:016x}"),
        "events_total": total,
        "events_included": events.len(),
        "setup": setup.to_value(),
        "events": evs,
    });
    serde_json::to_string(&v).unwrap_or_default()
}

fn event_value<M: Payload>(e: &TraceEvent<M>) -> Value {
    // The fields every message event has.
    let message = |kind: &str, id: &u64, from: &NodeId, to: &NodeId, msg: &M| {
        vec![
            ("kind", json!(kind)),
            ("id", json!(id)),
            ("from", json!(from.0)),
            ("to", json!(to.0)),
            ("msg", json!(msg.to_string())),
        ]
    };
    let fields: Vec<(&str, Value)> = match &e.kind {
        TraceKind::Send {
            id,
            from,
            to,
            msg,
            depart,
            arrive,
            dup,
            deviant,
            lost,
        } => {
            let mut f = message("send", id, from, to, msg);
            f.extend([
                ("depart_us", json!(depart)),
                ("arrive_us", json!(arrive)),
                ("dup", json!(dup)),
                ("deviant", json!(deviant)),
            ]);
            if let Some((at, r)) = lost {
                f.extend([("lost_at_us", json!(at)), ("lost", json!(r.label()))]);
            }
            f
        }
        TraceKind::Deliver { id, from, to, msg } => message("deliver", id, from, to, msg),
        TraceKind::Drop {
            id,
            from,
            to,
            msg,
            reason,
            ..
        } => {
            let mut f = message("drop", id, from, to, msg);
            f.push(("reason", json!(reason.label())));
            f
        }
        TraceKind::TimerSet { node, tag, fire_at } => vec![
            ("kind", json!("timer_set")),
            ("node", json!(node.0)),
            ("tag", json!(tag.to_string())),
            ("fire_at_us", json!(fire_at)),
        ],
        TraceKind::TimerFire { node, tag } => vec![
            ("kind", json!("timer_fire")),
            ("node", json!(node.0)),
            ("tag", json!(tag.to_string())),
        ],
        TraceKind::Command(c) => vec![("kind", json!("command")), ("do", json!(command_words(c)))],
        TraceKind::Notice { to, failed } => vec![
            ("kind", json!("notice")),
            ("to", json!(to.0)),
            ("failed", json!(failed.0)),
        ],
        TraceKind::Restart { node, from_stable } => vec![
            ("kind", json!("restart")),
            ("node", json!(node.0)),
            ("from_stable", json!(from_stable)),
        ],
        TraceKind::Note { node, note } => vec![
            ("kind", json!("note")),
            ("node", json!(node.0)),
            ("note", json!(note.to_string())),
        ],
    };
    let mut o = Map::new();
    o.insert("i".into(), json!(e.index));
    o.insert("t_us".into(), json!(e.time));
    for (k, v) in fields {
        o.insert(k.into(), v);
    }
    if let Some(st) = &e.stamp {
        o.insert("lamport".into(), json!(st.lamport));
        if let Some(v) = &st.vector {
            o.insert("vc".into(), json!(v.to_vec()));
        }
    }
    Value::Object(o)
}
