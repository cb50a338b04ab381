//! The "Delivery semantics" card (client/server workload only): the mode and
//! operation, retransmission and de-duplication settings, whether the mode's
//! guarantee holds (with a jump to the first violation), and the counters.

use super::super::form::{
    drafts_follow_settings, select_value, FieldId, FieldMsg, Form, PanelProps,
};
use super::super::intent::Intent;
use crate::params::{self, us_to_ms as ms};
use crate::sim::{AnyState, DeliveryMode, RpcConfig, RpcState};
use yew::prelude::*;

const RATE: FieldId = "f-rate";
const TIMEOUT: FieldId = "f-timeout";
const BACKOFF: FieldId = "f-backoff";
const RETRIES: FieldId = "f-retries";
const RETENTION: FieldId = "f-retention";

pub enum Msg {
    Field(FieldMsg),
    Mode(String),
    Op(String),
    Jump,
}

impl From<FieldMsg> for Msg {
    fn from(m: FieldMsg) -> Self {
        Msg::Field(m)
    }
}

pub struct DeliveryPanel {
    form: Form,
    /// The host's epoch the drafts were made for.
    epoch: u64,
}

impl DeliveryPanel {
    /// Validates the delivery fields; on success applies them.
    fn commit(&mut self, ctx: &Context<Self>) {
        let current = ctx.props().host.get().settings.rpc.clone();
        let mut rpc = current.clone();
        let rate = self.form.num(RATE, "Request every (ms)", 1.0, 600_000.0);
        let timeout = self.form.num(TIMEOUT, "Ack timeout (ms)", 1.0, 600_000.0);
        let retention = self
            .form
            .num(RETENTION, "De-dup window (ms)", 0.0, 86_400_000.0);
        let backoff = params::parse_int("Backoff factor", &self.form.get(BACKOFF), 1, 16);
        let backoff = self.form.check(BACKOFF, backoff);
        let retries = params::parse_retries("Retry limit (sends)", &self.form.get(RETRIES));
        let retries = self.form.check(RETRIES, retries);
        let (Some(rate), Some(timeout), Some(retention), Some(backoff), Some(retries)) =
            (rate, timeout, retention, backoff, retries)
        else {
            return;
        };
        rpc.request_every = params::ms_to_us(rate);
        rpc.timeout = params::ms_to_us(timeout);
        rpc.retention = params::ms_to_us(retention);
        rpc.backoff = backoff as u32;
        rpc.retry_limit = retries;
        if rpc != current {
            ctx.props().on.emit(Intent::Rpc(rpc));
        }
    }
}

/// A mode as the menu lists it: what is promised of delivery, and for
/// exactly-once, that it is processing built on at-least-once delivery.
fn mode_words(m: DeliveryMode) -> &'static str {
    match m {
        DeliveryMode::AtMostOnce => "at-most-once delivery (send once)",
        DeliveryMode::AtLeastOnce => "at-least-once delivery (retry)",
        DeliveryMode::ExactlyOnce => "exactly-once processing (retry + dedup)",
    }
}

impl Component for DeliveryPanel {
    type Message = Msg;
    type Properties = PanelProps;

    fn create(ctx: &Context<Self>) -> Self {
        let rpc = ctx.props().host.get().settings.rpc.clone();
        DeliveryPanel {
            epoch: ctx.props().host.get().epoch,
            form: Form::new([
                (RATE, ms(rpc.request_every)),
                (TIMEOUT, ms(rpc.timeout)),
                (
                    RETRIES,
                    rpc.retry_limit.map_or(String::new(), |l| l.to_string()),
                ),
                (RETENTION, ms(rpc.retention)),
                (BACKOFF, rpc.backoff.to_string()),
            ]),
        }
    }

    drafts_follow_settings!();

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let on = &ctx.props().on;
        let rpc = ctx.props().host.get().settings.rpc.clone();
        match msg {
            Msg::Field(FieldMsg::Draft(f, v)) => {
                self.form.set(f, v);
                return false;
            }
            Msg::Field(FieldMsg::Commit(_)) => self.commit(ctx),
            Msg::Mode(m) => {
                if let Some(mode) = DeliveryMode::from_name(&m) {
                    on.emit(Intent::Rpc(RpcConfig { mode, ..rpc }));
                }
            }
            Msg::Op(op) => on.emit(Intent::Rpc(RpcConfig {
                idempotent: op == "set",
                ..rpc
            })),
            Msg::Jump => on.emit(Intent::JumpToViolation),
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let host = ctx.props().host.get();
        let f = |id, label, hint, mode| self.form.field(link, id, label, hint, mode);
        let rpc = &host.settings.rpc;
        let m = host.sim.metrics();
        let [never, once, more] = m.applied_histogram();
        let mode = rpc.mode;
        let server = match host.sim.nodes()[0].state.as_ref() {
            Some(AnyState::Rpc(RpcState::Server(s))) => Some(s),
            _ => None,
        };
        let expected = if rpc.idempotent {
            "—".to_string()
        } else {
            (crate::sim::rpc::ADD_AMOUNT * m.issued as i64).to_string()
        };
        let actual = match server {
            Some(s) if rpc.idempotent => match m.expected_x() {
                Some(e) if e != s.x => {
                    format!("x = {} (expected {e}: a late duplicate set it back)", s.x)
                }
                Some(e) => format!("x = {} (expected {e})", s.x),
                None => format!("x = {}", s.x),
            },
            Some(s) => s.balance.to_string(),
            None => "server down".to_string(),
        };
        let ok = m.violations == 0;
        html! {
            <section class="card" aria-labelledby="h-deliv" data-testid="delivery">
                <h2 id="h-deliv">{ "Delivery semantics" }</h2>
                <p class="hint">{ "The clients (c1, c2, …) send requests to the server; circles are first sends, triangles retransmissions, diamonds replies." }</p>
                <div class="grid2">
                    <div class="field wide">
                        <label for="f-mode">{ "Mode" }</label>
                        <select id="f-mode" data-testid="f-mode" onchange={link.callback(|e: Event| Msg::Mode(select_value(&e)))}>
                            { for DeliveryMode::ALL.iter().map(|md| html! { <option value={md.name()} selected={mode == *md}>{ mode_words(*md) }</option> }) }
                        </select>
                    </div>
                    <div class="field">
                        <label for="f-op">{ "Operation" }</label>
                        <select id="f-op" data-testid="f-op" onchange={link.callback(|e: Event| Msg::Op(select_value(&e)))}>
                            <option value="add" selected={!rpc.idempotent}>{ "add 10 to balance (not idempotent)" }</option>
                            <option value="set" selected={rpc.idempotent}>{ "set x (idempotent)" }</option>
                        </select>
                    </div>
                    { f(RATE, "Request every (ms)", "per client, local time", "decimal") }
                    { f(TIMEOUT, "Ack timeout (ms)", "first retransmission after this long", "decimal") }
                    { f(BACKOFF, "Backoff ×", "each retry waits this many times longer (up to 3.2 s)", "numeric") }
                    { f(RETRIES, "Retry limit (sends)", "empty = retry forever", "numeric") }
                    { f(RETENTION, "De-dup window (ms)", "how long the server remembers a request (exactly-once)", "decimal") }
                </div>
                if mode == DeliveryMode::ExactlyOnce {
                    <p class="hint" data-testid="exactly-once-note">{ "Exactly-once delivery is impossible: when no acknowledgement comes, a sender cannot tell a lost request from a lost reply, so it must either give up (at most once) or send again (at least once). Exactly-once processing is what you build: send again, and let the server recognise duplicates and apply each request once." }</p>
                }
                <div class={classes!("guarantee", if ok { "held" } else { "broken" })} role="status" data-testid="guarantee">
                    { if ok { format!("✓ {}", mode.guarantee()) } else { format!("✗ “{}” violated {} time(s)", mode.guarantee(), m.violations) } }
                    if let Some(v) = &m.first_violation {
                        <button data-testid="jump" onclick={link.callback(|_| Msg::Jump)} title={v.what.clone()}>{ format!("Show the first ({:.2} s)", v.time as f64 / 1e6) }</button>
                    }
                </div>
                <dl class="kv counters" data-testid="counters">
                    <dt>{ "Requests issued" }</dt><dd data-testid="c-issued">{ m.issued }</dd>
                    <dt>{ "Messages sent (all)" }</dt><dd>{ host.sim.stats().sent }</dd>
                    <dt>{ "Retransmissions" }</dt><dd data-testid="c-retx">{ m.retransmissions }</dd>
                    <dt>{ "Delivered to the server" }</dt><dd>{ m.delivered }</dd>
                    <dt>{ "Duplicates delivered" }</dt><dd data-testid="c-dupdel">{ m.duplicates_delivered }</dd>
                    <dt>{ "Duplicates suppressed" }</dt><dd data-testid="c-dupsup">{ m.duplicates_suppressed }</dd>
                    <dt>{ "Replies received / gave up" }</dt><dd>{ format!("{} / {}", m.completed, m.gave_up) }</dd>
                    <dt>{ "Effect applied 0 / 1 / 2+ times" }</dt><dd data-testid="c-applied">{ format!("{never} / {once} / {more}") }</dd>
                    if more > 0 {
                        <dt>{ "Applied more than once" }</dt>
                        <dd data-testid="c-twice">{ m.applied.iter().filter(|(_, &n)| n > 1).take(4).map(|((c, r), n)| format!("c{c}#{r} ×{n}")).collect::<Vec<_>>().join(", ") + if more > 4 { ", …" } else { "" } }</dd>
                    }
                    if rpc.idempotent {
                        <dt>{ "Late duplicates that set x back" }</dt><dd data-testid="c-stale">{ m.stale_overwrites }</dd>
                    }
                    <dt>{ if rpc.idempotent { "Register" } else { "Balance: expected / actual" } }</dt>
                    <dd data-testid="c-balance">{ if rpc.idempotent { actual } else { format!("{expected} / {actual}") } }</dd>
                </dl>
            </section>
        }
    }
}
