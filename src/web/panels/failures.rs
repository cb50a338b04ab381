//! Failures: the "Failures" card (inject a failure of a chosen type on a
//! random running node, and how many are down or misbehaving) and the
//! inspector's "Make it fail" box for the selected node (crash, fail-stop,
//! crash-recovery, omission, Byzantine modes). Both read the same restart
//! delay, stable-storage and omission fields, a [`FaultForm`] the `App` keeps.

use super::super::draw;
use super::super::form::{checked, select_value, FieldId, FieldMsg, Form, PanelProps};
use super::super::host::HostRef;
use super::super::intent::Intent;
use crate::params;
use crate::sim::{ByzMode, Command, NodeId};
use std::rc::Rc;
use yew::prelude::*;

const RECOVER_AFTER: FieldId = "f-recoverafter";
const SEND_OMIT: FieldId = "f-sendomit";
const RECV_OMIT: FieldId = "f-recvomit";

/// The failure parameters shared by the inspector and the "Failures" card.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultForm {
    pub form: Form,
    /// Whether crash-recovery keeps stable storage.
    pub stable: bool,
    /// The failure the "inject" button injects.
    pub inject: String,
}

impl Default for FaultForm {
    fn default() -> Self {
        FaultForm {
            form: Form::new([
                (RECOVER_AFTER, "2".to_string()),
                (SEND_OMIT, "0.5".to_string()),
                (RECV_OMIT, "0".to_string()),
            ]),
            stable: true,
            inject: "crash".to_string(),
        }
    }
}

impl FaultForm {
    /// The crash-recovery delay field, in µs, or an error shown under it.
    fn recover_delay(&mut self) -> Option<u64> {
        self.form
            .num(RECOVER_AFTER, "Restart after (s)", 0.001, 3600.0)
            .map(params::s_to_us)
    }

    /// The two omission probability fields, or errors shown under them.
    fn omission(&mut self) -> Option<(f64, f64)> {
        let send = self.form.num(SEND_OMIT, "Send omission", 0.0, 1.0);
        let recv = self.form.num(RECV_OMIT, "Receive omission", 0.0, 1.0);
        Some((send?, recv?))
    }

    /// The command for failure `kind` on `node`, if its fields are valid.
    fn command(&mut self, kind: &str, node: NodeId) -> Option<Command> {
        Some(match kind {
            "fail-stop" => Command::FailStop(node),
            "crash-recovery" => Command::CrashRecover {
                node,
                after: self.recover_delay()?,
                stable: self.stable,
            },
            "omission" => {
                let (send, recv) = self.omission()?;
                Command::SetOmission { node, send, recv }
            }
            k if k.starts_with("byzantine-") => Command::SetByzantine {
                node,
                mode: ByzMode::from_name(&k["byzantine-".len()..]),
            },
            _ => Command::Crash(node),
        })
    }
}

#[derive(Properties, PartialEq)]
pub struct FailuresProps {
    pub faults: Rc<FaultForm>,
    pub panel: PanelProps,
}

/// The "Failures" card.
#[component(FailuresPanel)]
pub fn failures_panel(p: &FailuresProps) -> Html {
    let host = p.panel.host.get();
    let on = p.panel.on.clone();
    let onkind = {
        let (on, faults) = (on.clone(), p.faults.clone());
        Callback::from(move |e: Event| {
            let mut f = (*faults).clone();
            f.inject = select_value(&e);
            on.emit(Intent::FaultForm(f));
        })
    };
    let inject = {
        let (on, faults, hr) = (on.clone(), p.faults.clone(), p.panel.host.clone());
        Callback::from(move |_: MouseEvent| {
            // Injects the chosen failure on a node picked "at random" among the
            // running ones (a hash of the seed and the run so far).
            let Some(node) = hr.get().random_up_node() else {
                on.emit(Intent::Notice(Some("Every node is already down.".into())));
                return;
            };
            let mut f = (*faults).clone();
            let kind = f.inject.clone();
            let cmd = f.command(&kind, node);
            on.emit(Intent::FaultForm(f));
            if let Some(cmd) = cmd {
                on.emit(Intent::Command(cmd));
                on.emit(Intent::SelectNode(node.0));
            }
        })
    };
    let kind = p.faults.inject.as_str();
    let nodes = host.sim.nodes();
    html! {
        <section class="card" aria-labelledby="h-fail">
            <h2 id="h-fail">{ "Failures" }</h2>
            <p class="hint">{ "Pick a node to control it, or inject a failure on a random running node. Crash: silent. Fail-stop: everyone is told (teal rings). Omission: ⊘ marks. Byzantine: a star; its deviating messages have a dark ring." }</p>
            <div class="grid2 align-end">
                <div class="field">
                    <label for="f-inject">{ "Failure type" }</label>
                    <select id="f-inject" data-testid="f-inject" onchange={onkind}>
                        { for [("crash", "crash (silent)"), ("fail-stop", "fail-stop (everyone told)"), ("crash-recovery", "crash, then restart"), ("omission", "omission"), ("byzantine-corrupt", "Byzantine: corrupt"), ("byzantine-equivocate", "Byzantine: equivocate"), ("byzantine-replay", "Byzantine: replay"), ("byzantine-lie", "Byzantine: lie")].iter().map(|(v, l)| html! {
                            <option value={*v} selected={kind == *v}>{ *l }</option>
                        }) }
                    </select>
                </div>
                <div class="btns"><button class="danger" data-testid="inject" onclick={inject}>{ "Inject on a random node" }</button></div>
            </div>
            <p class="hint">{ format!("Now: {} down, {} misbehaving. Restart delay, stable storage and omission rates come from the inspector's fields.",
                nodes.iter().filter(|n| !n.is_up()).count(),
                nodes.iter().filter(|n| n.is_up() && !n.behaviour.is_correct()).count()) }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct NodeFailuresProps {
    pub node: u32,
    pub faults: Rc<FaultForm>,
    pub host: HostRef,
    pub on: Callback<Intent>,
}

pub enum Msg {
    Field(FieldMsg),
    Stable(bool),
    /// Make the node fail this way (a [`FaultForm::command`] kind).
    Fail(&'static str),
    Byzantine(String),
    Recover,
}

impl From<FieldMsg> for Msg {
    fn from(m: FieldMsg) -> Self {
        Msg::Field(m)
    }
}

/// The inspector's "Make it fail" box for one node (or "Recover now" when down).
pub struct NodeFailures;

impl Component for NodeFailures {
    type Message = Msg;
    type Properties = NodeFailuresProps;

    fn create(_: &Context<Self>) -> Self {
        NodeFailures
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let p = ctx.props();
        let node = NodeId(p.node);
        let mut f = (*p.faults).clone();
        let cmd = match msg {
            Msg::Field(FieldMsg::Draft(id, v)) => {
                f.form.set(id, v);
                None
            }
            Msg::Field(FieldMsg::Commit(_)) => return false,
            Msg::Stable(on) => {
                f.stable = on;
                None
            }
            Msg::Fail(kind) => f.command(kind, node),
            Msg::Byzantine(name) => Some(Command::SetByzantine {
                node,
                mode: ByzMode::from_name(&name),
            }),
            Msg::Recover => Some(Command::Recover(node)),
        };
        if f != *p.faults {
            p.on.emit(Intent::FaultForm(f));
        }
        if let Some(c) = cmd {
            p.on.emit(Intent::Command(c));
        }
        false
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let p = ctx.props();
        let link = ctx.link();
        let host = p.host.get();
        let node = &host.sim.nodes()[p.node as usize];
        let now = host.sim.now();
        if !node.is_up() {
            return html! {
                <div class="failbox">
                    <p class="status-line" data-testid="node-status">{ draw::node_status(node, now).unwrap_or_default() }</p>
                    <div class="btns">
                        <button data-testid="recover" onclick={link.callback(|_| Msg::Recover)}>{ "Recover now" }</button>
                    </div>
                </div>
            };
        }
        let form = &p.faults.form;
        let f = |id, label, hint, mode| form.field(link, id, label, hint, mode);
        let stable = p.faults.stable;
        let byz = node.behaviour.byzantine.map_or("none", |m| m.name());
        html! {
            <div class="failbox">
                <h3>{ "Make it fail" }</h3>
                <div class="btns">
                    <button class="danger" data-testid="crash" title="Halts silently: nobody is told" onclick={link.callback(|_| Msg::Fail("crash"))}>{ "Crash (silent)" }</button>
                    <button class="danger" data-testid="fail-stop" title="Halts, and every other node is reliably told" onclick={link.callback(|_| Msg::Fail("fail-stop"))}>{ "Fail-stop (tell all)" }</button>
                </div>
                <div class="grid2 align-end">
                    { f(RECOVER_AFTER, "Restart after (s)", "crash now, restart after this long", "decimal") }
                    <div class="field check">
                        <label><input type="checkbox" data-testid="stable" checked={stable}
                            onchange={link.callback(|e: Event| Msg::Stable(checked(&e)))} />
                            { " stable storage" }</label>
                    </div>
                </div>
                <div class="btns">
                    <button class="danger" data-testid="crash-recover" onclick={link.callback(|_| Msg::Fail("crash-recovery"))}>
                        { if stable { "Crash, then restart from disk" } else { "Crash, then restart empty" } }
                    </button>
                </div>
                <div class="grid3 align-end">
                    { f(SEND_OMIT, "Send omission p", "probability of failing to send", "decimal") }
                    { f(RECV_OMIT, "Receive omission p", "probability of failing to receive", "decimal") }
                    <div class="btns"><button data-testid="apply-omission" onclick={link.callback(|_| Msg::Fail("omission"))}>{ "Apply" }</button></div>
                </div>
                <div class="field">
                    <label for="f-byz">{ "Byzantine behaviour" }</label>
                    <select id="f-byz" data-testid="f-byz" onchange={link.callback(|e: Event| Msg::Byzantine(select_value(&e)))}>
                        { for [("none", "correct (follows the protocol)"), ("corrupt", "corrupts payloads"), ("equivocate", "equivocates (different values to different peers)"), ("replay", "replays old messages"), ("lie", "claims healthy, skips its work (requests)")].iter().map(|(v, l)| html! {
                            <option value={*v} selected={byz == *v}>{ *l }</option>
                        }) }
                    </select>
                </div>
                if !node.behaviour.is_correct() || node.deviant_sent > 0 || node.omitted > 0 {
                    <p class="status-line" data-testid="node-status">
                        { format!("{} · {} deviating messages sent · {} omitted", draw::node_status(node, now).unwrap_or_else(|| "now correct".into()), node.deviant_sent, node.omitted) }
                    </p>
                }
            </div>
        }
    }
}
