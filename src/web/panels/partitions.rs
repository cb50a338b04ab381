//! The "Partitions" card: cut or heal one link by node numbers, split the
//! cluster into two groups, heal everything, and how many links are cut; and
//! put a network attacker on a link (the same two node fields, one direction).

use super::super::form::{drafts_follow_settings, FieldId, FieldMsg, Form, PanelProps};
use super::super::intent::Intent;
use crate::params;
use crate::sim::{Command, NodeId};
use yew::prelude::*;

const LINK_A: FieldId = "f-linka";
const LINK_B: FieldId = "f-linkb";
const GROUP: FieldId = "f-group";

pub enum Msg {
    Field(FieldMsg),
    Cut,
    Heal,
    Split,
    HealAll,
    AttackMode(String),
    Attack(bool),
}

impl From<FieldMsg> for Msg {
    fn from(m: FieldMsg) -> Self {
        Msg::Field(m)
    }
}

pub struct PartitionsPanel {
    form: Form,
    /// What the attacker does: drop, modify or inject.
    attack: crate::sim::Attack,
    /// The host's epoch the drafts were made for.
    epoch: u64,
}

impl PartitionsPanel {
    fn node_field(&mut self, f: FieldId, nodes: u32) -> Option<u32> {
        let max = nodes.saturating_sub(1) as u64;
        let label = if f == LINK_A {
            "Link from node"
        } else {
            "Link to node"
        };
        let text = self.form.get(f);
        let r = params::parse_int(label, text.trim().trim_start_matches(['n', 'N']), 0, max);
        self.form.check(f, r).map(|v| v as u32)
    }
}

impl PartitionsPanel {
    /// The link the two node fields name (from, to), or their errors shown.
    fn link_fields(&mut self, nodes: u32) -> Option<(NodeId, NodeId)> {
        let (a, b) = (
            self.node_field(LINK_A, nodes),
            self.node_field(LINK_B, nodes),
        );
        let (a, b) = (a?, b?);
        if a == b {
            self.form.set_error(
                LINK_B,
                "Link to node: pick a node other than the first one".into(),
            );
            return None;
        }
        Some((NodeId(a), NodeId(b)))
    }
}

impl Component for PartitionsPanel {
    type Message = Msg;
    type Properties = PanelProps;

    fn create(ctx: &Context<Self>) -> Self {
        PartitionsPanel {
            epoch: ctx.props().host.get().epoch,
            attack: crate::sim::Attack::Modify,
            form: Form::new([
                (LINK_A, "0".to_string()),
                (LINK_B, "1".to_string()),
                (GROUP, String::new()),
            ]),
        }
    }

    drafts_follow_settings!();

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let nodes = ctx.props().host.get().nodes();
        let command = |c: Command| ctx.props().on.emit(Intent::Command(c));
        match msg {
            Msg::Field(FieldMsg::Draft(f, v)) => {
                self.form.set(f, v);
                return false;
            }
            Msg::Field(FieldMsg::Commit(_)) => return false,
            Msg::Cut | Msg::Heal => {
                if let Some((a, b)) = self.link_fields(nodes) {
                    command(if matches!(msg, Msg::Cut) {
                        Command::CutLink(a, b)
                    } else {
                        Command::HealLink(a, b)
                    });
                }
            }
            Msg::Split => {
                let g = params::parse_group(&self.form.get(GROUP), nodes);
                if let Some(g) = self.form.check(GROUP, g) {
                    command(Command::Partition(g.into_iter().map(NodeId).collect()));
                }
            }
            Msg::HealAll => command(Command::HealAll),
            Msg::AttackMode(m) => {
                if let Some(a) = crate::sim::Attack::from_name(&m) {
                    self.attack = a;
                }
            }
            Msg::Attack(on) => {
                if let Some((from, to)) = self.link_fields(nodes) {
                    command(Command::Attack {
                        from,
                        to,
                        mode: on.then_some(self.attack),
                    });
                }
            }
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let host = ctx.props().host.get();
        let f = |id, label, hint, mode| self.form.field(link, id, label, hint, mode);
        html! {
            <section class="card" aria-labelledby="h-part">
                <h2 id="h-part">{ "Partitions" }</h2>
                <p class="hint">{ if host.nodes() <= 16 { "Click a link in the picture to cut or heal it, or:" } else { "Cut a link or split the cluster:" } }</p>
                <div class="grid3 align-end">
                    { f(LINK_A, "From node", "node number", "numeric") }
                    { f(LINK_B, "To node", "node number", "numeric") }
                    <div class="btns">
                        <button data-testid="cut-link" onclick={link.callback(|_| Msg::Cut)}>{ "Cut" }</button>
                        <button data-testid="heal-link" onclick={link.callback(|_| Msg::Heal)}>{ "Heal" }</button>
                    </div>
                </div>
                <div class="grid2 align-end">
                    { f(GROUP, "Split off nodes", "e.g. 0-2,5: these nodes vs the rest", "text") }
                    <div class="btns">
                        <button data-testid="split" onclick={link.callback(|_| Msg::Split)}>{ "Split" }</button>
                        <button data-testid="heal-all" onclick={link.callback(|_| Msg::HealAll)}>{ "Heal all" }</button>
                    </div>
                </div>
                <p class="hint" data-testid="cut-count">{ format!("{} link(s) cut", host.cut_pairs.len()) }</p>
                <h3>{ "Attacker on the link" }</h3>
                <p class="hint">{ "A hostile network between two correct nodes, on messages from the first node to the second: unlike a Byzantine node, neither end misbehaves." }</p>
                <div class="grid2 align-end">
                    <div class="field">
                        <label for="f-attack">{ "Attacker" }</label>
                        <select id="f-attack" data-testid="f-attack" onchange={link.callback(|e: Event| Msg::AttackMode(super::super::form::select_value(&e)))}>
                            <option value="drop" selected={self.attack == crate::sim::Attack::Drop}>{ "drops every message" }</option>
                            <option value="modify" selected={self.attack == crate::sim::Attack::Modify}>{ "modifies every message" }</option>
                            <option value="inject" selected={self.attack == crate::sim::Attack::Inject}>{ "injects a forged message after each" }</option>
                        </select>
                    </div>
                    <div class="btns">
                        <button data-testid="attack" onclick={link.callback(|_| Msg::Attack(true))}>{ "Attack" }</button>
                        <button data-testid="attack-off" onclick={link.callback(|_| Msg::Attack(false))}>{ "Stop" }</button>
                    </div>
                </div>
                <p class="hint" data-testid="attacks">{
                    match host.sim.network().attacks() {
                        [] => "No attacker on any link.".to_string(),
                        list => list.iter().map(|(f, t, m)| format!("n{}→n{}: {m}", f.0, t.0)).collect::<Vec<_>>().join(", "),
                    }
                }</p>
            </section>
        }
    }
}
