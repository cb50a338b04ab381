//! Narration for screen readers: important events of the run (crashes,
//! restarts, notices, suspicions, broken delivery guarantees) become sentences
//! in a polite live region, released at most once every `SPEAK_MS` so a screen
//! reader can keep up. Its one job is the text of that region.

use crate::sim::{Command, Note, Sim, TraceKind, Workload};

/// Shortest gap between two live-region announcements (wall ms).
pub const SPEAK_MS: f64 = 1500.0;

/// Sentences waiting for the live region, and what it says now.
pub struct Narrator {
    pending: Vec<String>,
    /// The live region's text.
    pub text: String,
    last_spoken_ms: f64,
    violations_said: u64,
    /// Trace entries already read.
    seen: u64,
}

impl Default for Narrator {
    fn default() -> Self {
        Narrator {
            pending: Vec::new(),
            text: String::new(),
            last_spoken_ms: f64::NEG_INFINITY,
            violations_said: 0,
            seen: 0,
        }
    }
}

/// A user action in words.
fn narrate(c: &Command) -> String {
    match c {
        Command::Crash(n) => format!("node {} crashed", n.0),
        Command::FailStop(n) => format!("node {} fail-stopped; everyone will be told", n.0),
        Command::CrashRecover { node, after, .. } => format!(
            "node {} crashed; it restarts in {:.1} seconds",
            node.0,
            *after as f64 / 1e6
        ),
        Command::Recover(n) => format!("node {} recovered", n.0),
        other => other.to_string(),
    }
}

impl Narrator {
    /// A new run: what the old one had in its trace is not news.
    pub fn skip_to(&mut self, trace_len: u64) {
        self.seen = trace_len;
    }

    /// Queues a sentence of the page's own (a loaded scenario).
    pub fn say(&mut self, text: String) {
        self.pending.push(text);
    }

    /// Reads the trace entries new since the last call and queues sentences
    /// for the important ones.
    pub fn hear(&mut self, sim: &Sim<Workload>) {
        let total = sim.trace().len();
        if total == self.seen {
            return;
        }
        for e in sim.trace().since(self.seen) {
            let said = match &e.kind {
                TraceKind::Notice { to, failed } => {
                    format!("node {} is told node {} failed", to.0, failed.0)
                }
                TraceKind::Command(c) => narrate(c),
                TraceKind::Restart { node, from_stable } => format!(
                    "node {} restarted {}",
                    node.0,
                    if *from_stable {
                        "from stable storage"
                    } else {
                        "empty"
                    }
                ),
                TraceKind::Note {
                    note: Note::Suspect { observer, target },
                    ..
                } => format!("node {observer} suspects node {target}"),
                TraceKind::Note {
                    note: Note::Trust { observer, target },
                    ..
                } => format!("node {observer} trusts node {target} again"),
                _ => continue,
            };
            self.pending.push(said);
        }
        let v = sim.metrics().violations;
        if v > self.violations_said {
            self.pending
                .push(format!("the delivery guarantee was broken ({v} so far)"));
            self.violations_said = v;
        }
        self.seen = total;
    }

    /// Moves queued sentences to the live region if `SPEAK_MS` has passed
    /// (two at most, and a count of the rest). Returns whether it spoke.
    pub fn speak(&mut self, ts: f64) -> bool {
        if self.pending.is_empty() || ts - self.last_spoken_ms < SPEAK_MS {
            return false;
        }
        let n = self.pending.len();
        let mut text = self
            .pending
            .drain(..)
            .take(2)
            .collect::<Vec<_>>()
            .join("; ");
        if n > 2 {
            text.push_str(&format!("; and {} more", n - 2));
        }
        self.text = text;
        self.last_spoken_ms = ts;
        true
    }

    /// Wall ms until the next sentence may be spoken, if any is waiting.
    pub fn due_in(&self, ts: f64) -> Option<f64> {
        (!self.pending.is_empty()).then(|| (SPEAK_MS - (ts - self.last_spoken_ms)).max(0.0))
    }
}
