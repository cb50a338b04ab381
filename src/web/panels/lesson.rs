//! The lesson card: the step's text, the question to answer before the run
//! shows the outcome, the outcome against the prediction with the run's own
//! figures, and Back / Continue / Restart / Leave. Keyboard: the choices are
//! a radio group (arrows), Enter predicts, and focus moves to what comes
//! next (the question, then Continue), so a lesson can be taken by keyboard
//! alone; each step and outcome is also said in the live region.

use super::super::form::PanelProps;
use super::super::intent::Intent;
use crate::lesson::{figures::show_num, Ask, Guess, Phase, LESSONS};
use web_sys::HtmlElement;
use yew::prelude::*;

pub enum Msg {
    Pick(usize),
    Draft(String),
    Predict,
}

pub struct LessonPanel {
    choice: Option<usize>,
    draft: String,
    error: Option<String>,
    /// (step, phase) the fields belong to, and where focus was last moved.
    at: (usize, Phase),
    focused: Option<(usize, Phase)>,
    first: NodeRef,
    next: NodeRef,
}

impl LessonPanel {
    fn place(ctx: &Context<Self>) -> (usize, Phase) {
        let host = ctx.props().host.get();
        host.lesson
            .as_ref()
            .map_or((0, Phase::Done), |l| (l.player.step, l.player.phase))
    }
}

impl Component for LessonPanel {
    type Message = Msg;
    type Properties = PanelProps;

    fn create(ctx: &Context<Self>) -> Self {
        LessonPanel {
            choice: None,
            draft: String::new(),
            error: None,
            at: Self::place(ctx),
            focused: None,
            first: NodeRef::default(),
            next: NodeRef::default(),
        }
    }

    fn changed(&mut self, ctx: &Context<Self>, _old: &PanelProps) -> bool {
        let at = Self::place(ctx);
        if at.0 != self.at.0 || (at.1 == Phase::Ask && self.at.1 != Phase::Ask) {
            // A new step (or the same question again, after Back): fresh fields.
            self.choice = None;
            self.draft.clear();
            self.error = None;
        }
        self.at = at;
        true
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Pick(k) => {
                self.choice = Some(k);
                self.error = None;
            }
            Msg::Draft(t) => {
                self.draft = t;
                self.error = None;
            }
            Msg::Predict => {
                let host = ctx.props().host.get();
                let ask = host
                    .lesson
                    .as_ref()
                    .and_then(|l| l.player.current())
                    .and_then(|s| s.ask.clone());
                drop(host);
                let guess = match ask {
                    Some(Ask::Choice { .. }) => match self.choice {
                        Some(k) => Ok(Guess::Choice(k)),
                        None => Err("Pick one answer first.".to_string()),
                    },
                    Some(Ask::Number { .. }) => {
                        let t = self.draft.trim().replace(',', ".");
                        match t.parse::<f64>() {
                            Ok(x) if x.is_finite() && x.abs() < 1e12 => Ok(Guess::Number(x)),
                            _ if t.is_empty() => Err("Type your guess first, as a number.".into()),
                            _ => Err(format!(
                                "{} is not a number; type digits, such as 30 or 2.5.",
                                crate::params::show(&t)
                            )),
                        }
                    }
                    None => return false,
                };
                match guess {
                    Ok(g) => ctx.props().on.emit(Intent::LessonAnswer(g)),
                    Err(e) => self.error = Some(e),
                }
            }
        }
        true
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first: bool) {
        // Focus follows the lesson: the question when one opens, Continue
        // when it may be pressed. Never while the student is to act elsewhere.
        let at = self.at;
        if self.focused == Some(at) {
            return;
        }
        let target = match at.1 {
            Phase::Ask => self.first.cast::<HtmlElement>(),
            Phase::Read | Phase::Revealed | Phase::Done => self.next.cast::<HtmlElement>(),
            Phase::Wait | Phase::Run => None,
        };
        // Only in a document the student is using: an embed on a course page
        // must not pull the focus (and the page's scroll) to itself.
        let active = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.has_focus().ok())
            .unwrap_or(false);
        if let (Some(el), true) = (target, active) {
            let _ = el.focus();
            self.focused = Some(at);
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let host = ctx.props().host.get();
        let Some(st) = host.lesson.as_ref() else {
            return html! {};
        };
        let on = &ctx.props().on;
        let send = |i: fn() -> Intent| {
            let on = on.clone();
            Callback::from(move |_: MouseEvent| on.emit(i()))
        };
        let link = ctx.link();
        let p = &st.player;
        let n = p.lesson.steps.len();
        let done = p.phase == Phase::Done;
        let step = p.current();
        let shown_step = (p.step + 1).min(n);
        let text = step.map(|s| p.fill(&s.text, &host.sim)).unwrap_or_default();
        let guess_words = |g: Guess| match (step.and_then(|s| s.ask.as_ref()), g) {
            (Some(Ask::Choice { choices, .. }), Guess::Choice(k)) => {
                choices.get(k).map(|c| c.0.clone()).unwrap_or_default()
            }
            (Some(Ask::Number { unit, .. }), Guess::Number(x)) => {
                format!("{} {unit}", show_num(x)).trim().to_string()
            }
            _ => String::new(),
        };
        let next_lesson = LESSONS
            .iter()
            .position(|(id, _)| *id == p.id)
            .and_then(|i| LESSONS.get(i + 1))
            .map(|(id, _)| id.to_string());
        let predict = link.callback(|e: SubmitEvent| {
            e.prevent_default();
            Msg::Predict
        });
        let question = match (p.phase, step.and_then(|s| s.ask.as_ref())) {
            (
                Phase::Ask,
                Some(Ask::Choice {
                    question, choices, ..
                }),
            ) => html! {
                <form class="lesson-ask" onsubmit={predict} data-testid="lesson-ask">
                    <fieldset>
                        <legend>{ question.clone() }</legend>
                        { for choices.iter().enumerate().map(|(k, (t, _))| {
                            let id = format!("lesson-c{k}");
                            html! {
                                <label class="lesson-choice" for={id.clone()}>
                                    <input type="radio" name="lesson-choice" id={id.clone()} data-testid={id}
                                        ref={if k == 0 { self.first.clone() } else { NodeRef::default() }}
                                        checked={self.choice == Some(k)}
                                        onchange={link.callback(move |_| Msg::Pick(k))} />
                                    { t.clone() }
                                </label>
                            }
                        }) }
                    </fieldset>
                    if let Some(e) = &self.error { <p class="error" role="alert" data-testid="lesson-error">{ e }</p> }
                    <button type="submit" class="primary" data-testid="lesson-predict">{ "Predict (Enter)" }</button>
                </form>
            },
            (Phase::Ask, Some(Ask::Number { question, unit, .. })) => html! {
                <form class="lesson-ask" onsubmit={predict} data-testid="lesson-ask">
                    <label for="lesson-number">{ question.clone() }</label>
                    <div class="lesson-number">
                        <input id="lesson-number" data-testid="lesson-number" type="text" inputmode="decimal"
                            ref={self.first.clone()} value={self.draft.clone()} autocomplete="off"
                            aria-invalid={self.error.is_some().to_string()}
                            aria-describedby={self.error.as_ref().map(|_| "lesson-error")}
                            oninput={link.callback(|e: InputEvent| Msg::Draft(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))} />
                        <span>{ unit.clone() }</span>
                    </div>
                    if let Some(e) = &self.error { <p class="error" id="lesson-error" role="alert" data-testid="lesson-error">{ e }</p> }
                    <button type="submit" class="primary" data-testid="lesson-predict">{ "Predict (Enter)" }</button>
                </form>
            },
            _ => html! {},
        };
        let status = match p.phase {
            Phase::Wait => html! {
                <p class="lesson-status turn" data-testid="lesson-status">
                    { p.guess.map(|g| format!("You predicted: {}. ", guess_words(g))).unwrap_or_default() }
                    { "Your turn: do what the step says; the lesson goes on as soon as you have. " }
                    if let Some(w) = step.and_then(|s| s.wait.as_ref()) {
                        <button onclick={send(|| Intent::LessonStandIn)} data-testid="lesson-stand-in"
                            title="If you cannot (or would rather not), the lesson does it">{ format!("Do it for me: {}", w.test_with) }</button>
                    }
                </p>
            },
            Phase::Run => html! {
                <p class="lesson-status" data-testid="lesson-status">
                    { match p.guess { Some(g) => format!("You predicted: {}. Watching the run…", guess_words(g)), None => "Watching the run…".to_string() } }
                </p>
            },
            _ => html! {},
        };
        let outcome = match (&p.outcome, p.phase) {
            (Some(o), Phase::Revealed) => {
                let verdict = o.guess.map(|g| {
                    (
                        o.right,
                        format!(
                            "You predicted: {}. The run: {}.",
                            guess_words(g),
                            o.answer_text
                        ),
                    )
                });
                html! {
                    <div class={classes!("lesson-outcome", verdict.as_ref().map(|v| if v.0 { "right" } else { "wrong" }))} data-testid="lesson-outcome">
                        if let Some((right, words)) = verdict {
                            <p class="verdict" data-testid="lesson-verdict"><strong>{ if right { "✓ Right." } else { "✗ Not quite." } }</strong>{ " " }{ words }</p>
                        }
                        if !o.explain.is_empty() { <p data-testid="lesson-explain">{ o.explain.clone() }</p> }
                        if !o.met { <p class="hint">{ "(The step's time ran out before its condition held.)" }</p> }
                    </div>
                }
            }
            _ => html! {},
        };
        html! {
            <section class="lesson card" aria-labelledby="h-lesson" data-testid="lesson">
                <div class="lesson-head">
                    <h2 id="h-lesson"><span class="kicker">{ "Lesson" }</span>{ p.lesson.title.clone() }</h2>
                    <span class="lesson-count" data-testid="lesson-progress">
                        { if done { "Finished".to_string() } else { format!("Step {shown_step} of {n}") } }
                    </span>
                    <progress max={n.to_string()} value={(if done { n } else { p.step }).to_string()} aria-label="Lesson progress" />
                </div>
                if let Some(k) = st.saved_step {
                    <p class="lesson-resume" data-testid="lesson-resume">
                        { format!("Last time you got to step {} of {n}. ", k + 1) }
                        <button onclick={send(|| Intent::LessonResume)} data-testid="lesson-resume-go">{ format!("Go on from step {}", k + 1) }</button>
                        <button onclick={send(|| Intent::LessonForget)} data-testid="lesson-forget">{ "Forget my progress" }</button>
                    </p>
                }
                if done {
                    <p class="lesson-text" data-testid="lesson-text">
                        { format!("You finished \u{201c}{}\u{201d}: {} of {} predictions right. The run stays here for you to explore: crash nodes, cut links, change settings. ", p.lesson.title, st.right, st.asked) }
                        <button onclick={send(|| Intent::LessonForget)} data-testid="lesson-forget-done"
                            title="This browser forgets that you took this lesson">{ "Forget my progress" }</button>
                    </p>
                } else {
                    <p class="lesson-text" data-testid="lesson-text">{ text }</p>
                }
                { question }
                { status }
                { outcome }
                <div class="btns wrap lesson-nav">
                    <button onclick={send(|| Intent::LessonBack)} disabled={p.step == 0} data-testid="lesson-back"
                        title="The previous step, from the run as it was then (B)">{ "← Back" }</button>
                    if done {
                        if let Some(id) = next_lesson {
                            <button class="primary" ref={self.next.clone()} data-testid="lesson-next-lesson"
                                onclick={let on = on.clone(); Callback::from(move |_| on.emit(Intent::LessonStart(id.clone())))}>{ "Next lesson →" }</button>
                        }
                    } else {
                        <button class="primary" ref={self.next.clone()} onclick={send(|| Intent::LessonNext)} disabled={!p.can_continue()}
                            data-testid="lesson-continue" title="The next step (N)">
                            { if p.step + 1 == n { "Finish" } else { "Continue →" } }
                        </button>
                    }
                    <button onclick={send(|| Intent::LessonRestart)} data-testid="lesson-restart" title="Take the lesson again from the start">{ "Restart" }</button>
                    <button onclick={send(|| Intent::LessonExit)} data-testid="lesson-exit" title="Leave the lesson and keep the run to explore">{ "Leave" }</button>
                </div>
            </section>
        }
    }
}
