//! Form drafts and field errors, kept by each panel for its own fields.
//!
//! A field is known by its element id (e.g. `f-loss`), which is also its test
//! id. The draft is what the user typed; it is checked (with `params`) when
//! the user commits it (Enter or leaving the field), and a failed check leaves
//! the draft and shows the message under the field, naming what was expected.

use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::html::Scope;
use yew::prelude::*;

/// A field's id: its element id and test id.
pub type FieldId = &'static str;

/// What the text fields of a panel report.
pub enum FieldMsg {
    Draft(FieldId, String),
    Commit(FieldId),
}

/// The drafts and errors of one panel's text fields.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Form {
    drafts: Texts,
    errors: Texts,
}

/// A text per field. A panel has at most a dozen fields, so a list searched
/// in order does; a `BTreeMap<&str, String>` here was the page's only map of
/// that type, and its code (with the sort its `collect` does) cost the wasm
/// 25 KB, 5.6 KB gzip (BENCHMARKS.md, "Stop 24").
#[derive(Clone, Debug, Default)]
struct Texts(Vec<(FieldId, String)>);

impl Texts {
    fn get(&self, f: FieldId) -> Option<&String> {
        self.0.iter().find(|(g, _)| *g == f).map(|(_, t)| t)
    }

    fn insert(&mut self, f: FieldId, text: String) {
        match self.0.iter_mut().find(|(g, _)| *g == f) {
            Some((_, t)) => *t = text,
            None => self.0.push((f, text)),
        }
    }

    fn remove(&mut self, f: FieldId) {
        self.0.retain(|(g, _)| *g != f);
    }
}

/// As maps: the same fields with the same texts, in any order.
impl PartialEq for Texts {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().all(|(f, t)| other.get(f) == Some(t))
    }
}

impl Form {
    pub fn new(drafts: impl IntoIterator<Item = (FieldId, String)>) -> Self {
        let mut form = Form::default();
        for (f, text) in drafts {
            form.drafts.insert(f, text);
        }
        form
    }

    pub fn get(&self, f: FieldId) -> String {
        self.drafts.get(f).cloned().unwrap_or_default()
    }

    pub fn set(&mut self, f: FieldId, text: String) {
        self.drafts.insert(f, text);
    }

    pub fn set_error(&mut self, f: FieldId, e: String) {
        self.errors.insert(f, e);
    }

    /// Shows `r`'s error under `f` (or clears it) and returns the value.
    pub fn check<T>(&mut self, f: FieldId, r: Result<T, String>) -> Option<T> {
        match r {
            Ok(v) => {
                self.errors.remove(f);
                Some(v)
            }
            Err(e) => {
                self.errors.insert(f, e);
                None
            }
        }
    }

    /// Parses field `f` as a number in `[min, max]` (the message names `label`).
    pub fn num(&mut self, f: FieldId, label: &str, min: f64, max: f64) -> Option<f64> {
        let r = crate::params::parse_num(label, &self.get(f), min, max);
        self.check(f, r)
    }

    /// A labelled text field; its draft and error come from this form and its
    /// edits go to `link` as [`FieldMsg`]s.
    pub fn field<C>(
        &self,
        link: &Scope<C>,
        f: FieldId,
        label: &str,
        hint: &str,
        inputmode: &str,
    ) -> Html
    where
        C: Component,
        C::Message: From<FieldMsg>,
    {
        let err = self.errors.get(f);
        let err_id = format!("{f}-err");
        html! {
            <div class={classes!("field", err.map(|_| "invalid"))}>
                <label for={f}>{ label }</label>
                <input id={f} data-testid={f} type="text" inputmode={inputmode.to_string()} value={self.get(f)}
                    title={hint.to_string()} aria-invalid={err.is_some().to_string()} aria-describedby={err.map(|_| err_id.clone())}
                    oninput={link.callback(move |e: InputEvent| FieldMsg::Draft(f, e.target_unchecked_into::<HtmlInputElement>().value()))}
                    onchange={link.callback(move |_| FieldMsg::Commit(f))}
                    onkeydown={link.batch_callback(move |e: KeyboardEvent| (e.key() == "Enter").then(|| C::Message::from(FieldMsg::Commit(f))))} />
                if let Some(e) = err {
                    <p class="error" id={err_id} role="alert" data-testid={format!("{f}-error")}>{ e }</p>
                }
            </div>
        }
    }
}

/// The `changed` of a panel with form drafts: when new settings were adopted
/// (the host's `epoch` moved: a load, a restart), the panel starts again from
/// them, as if just created. The panel keeps the epoch it was made for in a
/// field `epoch`.
macro_rules! drafts_follow_settings {
    () => {
        fn changed(&mut self, ctx: &Context<Self>, _old: &PanelProps) -> bool {
            if ctx.props().host.get().epoch != self.epoch {
                *self = <Self as Component>::create(ctx);
            }
            true
        }
    };
}
pub(crate) use drafts_follow_settings;

/// The props every panel takes: the host to read and the one callback to
/// send intents up.
#[derive(Properties, PartialEq)]
pub struct PanelProps {
    pub host: super::host::HostRef,
    pub on: Callback<super::intent::Intent>,
}

/// `select` element's value from a change event.
pub fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<web_sys::HtmlSelectElement>()
        .value()
}

/// Checkbox state from a change event.
pub fn checked(e: &Event) -> bool {
    e.target_unchecked_into::<HtmlInputElement>().checked()
}

/// A true time, in seconds with millisecond precision ("3.250 s").
pub fn fmt_s(us: u64) -> String {
    format!("{:.3} s", us as f64 / 1e6)
}

/// A local clock reading, which may be negative, as [`fmt_s`] does.
pub fn fmt_local(us: i64) -> String {
    format!("{:.3} s", us as f64 / 1e6)
}
