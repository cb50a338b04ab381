//! The "Raft" card (Raft workload only): each node's role, term, vote and
//! log (entries coloured by term, the committed ones solid); the safety
//! monitors (with a jump to the first violation) and the liveness monitors,
//! each defined in words for students; the election jitter, the client's
//! rate and the breakable variants.

use super::super::form::{drafts_follow_settings, FieldId, FieldMsg, Form, PanelProps};
use super::super::intent::Intent;
use crate::params::{self, has_bug, with_bug, RAFT_BUGS};
use crate::sim::{AnyState, DetectorKind, Liveness, Micros, Role, Safety};
use yew::prelude::*;

const JITTER: FieldId = "f-jitter";
const SUBMIT: FieldId = "f-submit";

/// Entries shown per log strip (the latest ones).
const STRIP: usize = 16;

pub enum Msg {
    Field(FieldMsg),
    Bug(&'static str, bool),
    Jump(Safety),
}

impl From<FieldMsg> for Msg {
    fn from(m: FieldMsg) -> Self {
        Msg::Field(m)
    }
}

pub struct RaftPanel {
    form: Form,
    /// The host's epoch the drafts were made for.
    epoch: u64,
}

/// What each breakable variant does, for the checkbox's label.
fn bug_words(name: &str) -> &'static str {
    match name {
        "vote-twice" => "a node may vote twice in a term",
        "commit-early" => "commit once one follower has the entry (no majority)",
        "forget-term" => "forget the term and the vote on restart (no stable storage for them)",
        _ => "grant votes without checking the candidate's log is up to date",
    }
}

/// A safety property's name and its definition for students.
fn safety_words(p: Safety) -> (&'static str, &'static str) {
    match p {
        Safety::ElectionSafety => ("Election safety", "at most one leader is elected in a term"),
        Safety::LogMatching => (
            "Log matching",
            "if two logs have an entry with the same index and term, they are identical up to it",
        ),
        Safety::LeaderCompleteness => (
            "Leader completeness",
            "an entry committed in a term is in the log of every leader of a later term",
        ),
        Safety::StateMachineSafety => (
            "State-machine safety",
            "no two nodes apply different commands at the same index",
        ),
    }
}

fn secs(us: Micros) -> String {
    format!("{:.2} s", us as f64 / 1e6)
}

/// A term's colour: hues far apart for neighbouring terms.
fn term_hue(term: u64) -> u64 {
    (term * 67 + 200) % 360
}

impl RaftPanel {
    fn commit(&mut self, ctx: &Context<Self>) {
        let jitter = self
            .form
            .num(JITTER, "Election jitter (ms)", 1.0, 600_000.0);
        let submit = self
            .form
            .num(SUBMIT, "Client command every (ms)", 0.0, 600_000.0);
        let (Some(jitter), Some(submit)) = (jitter, submit) else {
            return;
        };
        let mut s = ctx.props().host.get().settings.clone();
        s.raft.jitter_ms = jitter;
        s.raft.submit_ms = submit;
        if s != ctx.props().host.get().settings {
            ctx.props().on.emit(Intent::NewRun(Box::new(s)));
        }
    }

    /// The liveness bounds, from the settings: the time to suspect the
    /// leader (or a plain election timeout) plus the jitter, twice (a split
    /// vote), plus two round trips; a command then needs a heartbeat round
    /// and a round trip more.
    fn bounds(ctx: &Context<Self>) -> (Micros, Micros) {
        let host = ctx.props().host.get();
        let s = &host.settings;
        let jitter = params::ms_to_us(s.raft.jitter_ms);
        let suspect = match s.detector {
            Some(DetectorKind::FixedTimeout { timeout }) => timeout,
            Some(DetectorKind::PhiAccrual { .. }) => 4 * s.interval_us(),
            None => jitter,
        };
        let rtt = 2 * host.sim.network().config.latency.bounds().1;
        let leader = 2 * (suspect + jitter) + 2 * rtt;
        (leader, leader + s.interval_us() + rtt)
    }
}

impl Component for RaftPanel {
    type Message = Msg;
    type Properties = PanelProps;

    fn create(ctx: &Context<Self>) -> Self {
        let s = ctx.props().host.get().settings.clone();
        RaftPanel {
            epoch: ctx.props().host.get().epoch,
            form: Form::new([
                (JITTER, s.raft.jitter_ms.to_string()),
                (SUBMIT, s.raft.submit_ms.to_string()),
            ]),
        }
    }

    drafts_follow_settings!();

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Field(FieldMsg::Draft(f, v)) => {
                self.form.set(f, v);
                return false;
            }
            Msg::Field(FieldMsg::Commit(_)) => self.commit(ctx),
            Msg::Bug(name, on) => {
                let mut s = ctx.props().host.get().settings.clone();
                s.raft.bugs = with_bug(s.raft.bugs, name, on);
                ctx.props().on.emit(Intent::NewRun(Box::new(s)));
            }
            Msg::Jump(p) => ctx.props().on.emit(Intent::JumpToSafety(p)),
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let host = ctx.props().host.get();
        let now = host.sim.now();
        let mon = host.sim.consensus();
        let f = |id, label, hint, mode| self.form.field(link, id, label, hint, mode);
        let (leader_bound, commit_bound) = Self::bounds(ctx);
        let live = |l: Liveness, what: &str| match l {
            Liveness::Held(t) if t > 0 => (
                format!("✓ held: {what} (the last took {})", secs(t)),
                "held",
            ),
            Liveness::Held(_) => (format!("✓ held: {what}"), "held"),
            Liveness::NotYet(t) => (format!("… not yet: waiting {} so far", secs(t)), "wait"),
            Liveness::Stalled(t) => (
                format!("⏸ stalled for {}: past the bound, still waiting", secs(t)),
                "broken",
            ),
        };
        let (leader_text, leader_class) = live(
            mon.leader_liveness(now, leader_bound),
            "a leader leads the latest term",
        );
        let (commit_text, commit_class) = live(
            mon.commit_liveness(now, commit_bound),
            "submitted commands commit",
        );
        let rows = host.sim.nodes().iter().enumerate().map(|(i, node)| {
            let Some(AnyState::Raft(st)) = node.state.as_ref() else {
                return html! { <tr><th scope="row">{ format!("n{i}") }</th><td colspan="4" class="self">{ "down" }</td></tr> };
            };
            let (role, mark) = match st.role {
                Role::Leader => ("leader", "★ "),
                Role::Candidate => ("candidate", "? "),
                Role::Follower => ("follower", ""),
            };
            let from = st.log.len().saturating_sub(STRIP);
            let strip = st.log[from..].iter().enumerate().map(|(k, e)| {
                let index = (from + k + 1) as u64;
                let committed = index <= st.commit;
                let style = format!(
                    "background: hsl({} 65% {}%)",
                    term_hue(e.term),
                    if committed { 45 } else { 82 }
                );
                html! { <span class={classes!("entry", committed.then_some("committed"))} style={style}
                    title={format!("#{index}, term {}{}", e.term, if committed { ", committed" } else { "" })}></span> }
            });
            html! {
                <tr data-testid={format!("raft-row-{i}")}>
                    <th scope="row">{ format!("n{i}") }</th>
                    <td data-testid={format!("raft-role-{i}")}>{ format!("{mark}{role}") }</td>
                    <td>{ st.term }</td>
                    <td>{ st.voted_for.map_or("–".to_string(), |v| format!("n{v}")) }</td>
                    <td class="log" aria-label={format!("{} entries, {} committed", st.log.len(), st.commit)}>
                        if from > 0 { <span class="more">{ format!("{from}…") }</span> }
                        { for strip }
                        <span class="commit-idx">{ format!(" {} / {}", st.commit, st.log.len()) }</span>
                    </td>
                </tr>
            }
        });
        let badges = Safety::ALL.into_iter().map(|p| {
            let (name, def) = safety_words(p);
            let broke = mon.first.get(&p);
            html! {
                <li class={classes!("prop", if broke.is_some() { "broken" } else { "held" })} data-testid={format!("safety-{}", name.to_lowercase().replace(' ', "-"))}>
                    <span class="name">{ if broke.is_some() { "✗ " } else { "✓ " } }{ name }</span>
                    <span class="def">{ format!(": {def}.") }</span>
                    if let Some(v) = broke {
                        <span class="what">{ format!(" Broken at {}: {}.", secs(v.at), v.what) }</span>
                        <button data-testid="safety-jump" onclick={link.callback(move |_| Msg::Jump(p))}>{ "Show the first violation" }</button>
                    }
                </li>
            }
        });
        let bugs = host.settings.raft.bugs;
        html! {
            <section class="card raft" aria-labelledby="h-raft">
                <h2 id="h-raft">{ "Raft" }</h2>
                <div class="raft-scroll"><table class="raft-nodes" data-testid="raft-nodes" aria-label="Each node's role, term, vote and log">
                    <tr><th scope="col">{ "node" }</th><th scope="col">{ "role" }</th><th scope="col">{ "term" }</th><th scope="col">{ "voted for" }</th><th scope="col">{ "log" }</th></tr>
                    { for rows }
                </table></div>
                <p class="hint">{ "Each cell is an entry, its colour its term; committed entries are dark, with a bar under them; the numbers are committed / length. ★ leader, ? candidate." }</p>
                <h3>{ "Safety: nothing bad ever happens" }</h3>
                <ul class="raft-props" data-testid="raft-safety">{ for badges }</ul>
                <h3>{ "Liveness: something good eventually happens" }</h3>
                <ul class="raft-props" data-testid="raft-liveness">
                    <li class={classes!("prop", leader_class)} data-testid="live-leader">
                        <span class="name">{ format!("A leader within {}", secs(leader_bound)) }</span>
                        <span class="def">{ " of losing the last (twice the time to suspect it plus the jitter, two round trips): " }</span>
                        { leader_text }
                    </li>
                    <li class={classes!("prop", commit_class)} data-testid="live-commit">
                        <span class="name">{ format!("A command commits within {}", secs(commit_bound)) }</span>
                        <span class="def">{ ": " }</span>
                        { commit_text }
                    </li>
                </ul>
                <p class="hint">{ "A run is finite, so liveness is never violated: it can only hold, not yet hold, or stall past its bound (and could still happen later). A safety violation, once it happened, can never be undone." }</p>
                <div class="grid2">
                    { f(JITTER, "Election jitter (ms)", "random extra wait before standing, so candidates rarely collide", "decimal") }
                    { f(SUBMIT, "Client command every (ms)", "the leader appends one; 0: never", "decimal") }
                </div>
                <fieldset class="bugs">
                    <legend>{ "Break Raft (each starts a new run; the monitors catch it)" }</legend>
                    { for RAFT_BUGS.into_iter().map(|name| {
                        let on = has_bug(&bugs, name);
                        html! {
                            <label><input type="checkbox" data-testid={format!("bug-{name}")} checked={on}
                                onchange={link.callback(move |_| Msg::Bug(name, !on))} />{ format!(" {}", bug_words(name)) }</label>
                        }
                    }) }
                </fieldset>
            </section>
        }
    }
}
