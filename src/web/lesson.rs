//! A lesson in the page: the host's side of the [`Player`] (entering steps,
//! loading and restoring runs, who may play when) and the student's
//! progress in the browser's local storage.
//!
//! The lesson owns the run while it lasts: the run plays when the step
//! says, the play key pauses and resumes only then, and anything that
//! replaces the run from outside (another scenario, new settings, going
//! back in time) leaves the lesson, with a notice saying so.

use super::host::Host;
use crate::lesson::{self, Enter, Guess, Phase, Player};
use crate::sim::Micros;

/// The lesson being taken in the page.
pub struct LessonState {
    pub player: Player,
    /// The host's run the lesson drives (another run means the student left).
    pub run: u64,
    /// The student paused a step that plays.
    pub paused: bool,
    /// Questions answered this time, and how many right.
    pub asked: u32,
    pub right: u32,
    /// The step saved from an earlier visit, offered to resume at.
    pub saved_step: Option<usize>,
}

impl Host {
    /// Starts built-in lesson `id` at its first step (offering to resume at
    /// a step saved from an earlier visit).
    pub fn start_lesson(&mut self, id: &str) -> Result<(), String> {
        let l = lesson::get(id)?;
        let saved = load_progress(id)
            .filter(|p| !p.done && p.step > 0)
            .map(|p| p.step);
        self.lesson = Some(LessonState {
            player: Player::new(id, l),
            run: self.run,
            paused: false,
            asked: 0,
            right: 0,
            saved_step: saved,
        });
        self.library_id.clear();
        self.lesson_enter(0);
        Ok(())
    }

    /// Enters step `i` of the lesson (the end: done).
    pub fn lesson_enter(&mut self, i: usize) {
        let Some(mut st) = self.lesson.take() else {
            return;
        };
        let enter = st.player.enter(i);
        let loaded = match enter {
            Enter::Load(sc) => {
                let view = self.page.view;
                self.load(*sc);
                self.page.view = view;
                true
            }
            Enter::Restore(sim, sc) => {
                // The restored run's own scenario and settings, not those of
                // the run shown before it (which may have other nodes).
                self.restore(*sim, *sc);
                false
            }
            Enter::Same => false,
        };
        st.player.begin(&mut self.sim, loaded);
        self.after_advance();
        st.run = self.run;
        st.paused = false;
        self.playing = st.player.wants_play();
        self.notice = None;
        let done = st.player.phase == Phase::Done;
        save_progress(
            &st.player.id,
            Progress {
                step: st.player.step,
                done,
            },
        );
        if done {
            st.saved_step = None;
        }
        self.announce = Some(step_words(&st, &self.sim));
        self.lesson = Some(st);
        self.dirty = true;
    }

    /// The student's prediction.
    pub fn lesson_answer(&mut self, g: Guess) {
        let Some(st) = self.lesson.as_mut() else {
            return;
        };
        if st.player.answer(g) {
            st.asked += 1;
            self.playing = st.player.wants_play();
            self.announce = Some(match st.player.phase {
                Phase::Wait => "Prediction saved. Now your turn to act.".to_string(),
                _ => "Prediction saved. Watch the run.".to_string(),
            });
        }
    }

    /// Continue: the next step (or the end).
    pub fn lesson_next(&mut self) {
        if let Some(st) = &self.lesson {
            if st.player.can_continue() {
                let next = st.player.step + 1;
                self.lesson_enter(next);
            }
        }
    }

    /// Back: the previous step, from the run as it was when it began.
    pub fn lesson_back(&mut self) {
        if let Some(st) = &self.lesson {
            let i = st.player.step.saturating_sub(1);
            self.lesson_enter(i);
        }
    }

    /// The lesson again from its first step (the score starts again).
    pub fn lesson_restart(&mut self) {
        if let Some(st) = self.lesson.as_mut() {
            st.asked = 0;
            st.right = 0;
            st.saved_step = None;
            // A new run, not the kept first one: everything again.
            st.player = Player::new(&st.player.id.clone(), st.player.lesson.clone());
            self.lesson_enter(0);
        }
    }

    /// Takes the steps before the saved one without the student (their
    /// questions answered as intended, their actions done by stand-ins) and
    /// enters it.
    pub fn lesson_resume(&mut self) {
        let Some(st) = self.lesson.as_mut() else {
            return;
        };
        let Some(k) = st.saved_step.take() else {
            return;
        };
        for i in 0..k.min(st.player.lesson.steps.len()) {
            if i > 0 {
                // Entering step i after i-1: load its run if it has one.
                self.lesson_enter(i);
            }
            let st = self.lesson.as_mut().expect("in a lesson");
            st.player.take_step(&mut self.sim, None);
        }
        self.lesson_enter(k);
        self.after_advance();
    }

    /// Leaves the lesson; the run stays as it is, to explore.
    pub fn lesson_exit(&mut self, why: Option<&str>) {
        if self.lesson.take().is_some() {
            self.notice = why.map(str::to_string);
            self.dirty = true;
        }
    }

    /// What the current step spotlights, while a step is on.
    pub fn lesson_spot(&self) -> Option<&crate::lesson::Spot> {
        let p = &self.lesson.as_ref()?.player;
        if p.phase == Phase::Done {
            return None;
        }
        p.current()?.spot.as_ref()
    }

    /// The address query for the current lesson and page options (a reload
    /// opens the same lesson).
    pub fn lesson_query(&self) -> String {
        let id = self.lesson.as_ref().map_or("", |l| l.player.id.as_str());
        let extra = self.page.to_query();
        if extra.is_empty() {
            format!("lesson={id}")
        } else {
            format!("lesson={id}&{extra}")
        }
    }

    /// Forgets the saved progress of the current lesson.
    pub fn lesson_forget(&mut self) {
        if let Some(st) = self.lesson.as_mut() {
            st.saved_step = None;
            clear_progress(&st.player.id);
            self.notice = Some("Progress for this lesson forgotten.".into());
        }
    }

    /// Advances the run towards `t` (at most `budget` events): through the
    /// lesson's player when a lesson is on, so a condition stops the run at
    /// its exact event. Returns whether it reached `t`.
    pub fn advance_to(&mut self, t: Micros, budget: u64) -> bool {
        let Some(st) = self.lesson.as_mut() else {
            return self.sim.run_until_limited(t, budget);
        };
        let changed = st.player.advance(&mut self.sim, t, budget);
        if changed {
            self.after_phase();
        }
        self.sim.now() >= t
    }

    /// After the student's action: a step waiting for it goes on.
    pub fn lesson_acted(&mut self) {
        if let Some(st) = self.lesson.as_mut() {
            if st.player.check_wait(&self.sim) {
                self.after_phase();
            }
        }
    }

    /// The player's phase changed: play or stop, score, announce.
    fn after_phase(&mut self) {
        let Some(st) = self.lesson.as_mut() else {
            return;
        };
        self.playing = st.player.wants_play() && !st.paused;
        if st.player.phase == Phase::Revealed {
            if let Some(o) = &st.player.outcome {
                if o.guess.is_some() && o.right {
                    st.right += 1;
                }
            }
        }
        self.announce = Some(step_words(st, &self.sim));
        self.dirty = true;
    }

    /// Whether the play key may start or stop the run now (in a lesson only
    /// while the step plays; otherwise the lesson says why not).
    pub fn lesson_allows_play(&mut self) -> bool {
        let Some(st) = self.lesson.as_mut() else {
            return true;
        };
        if st.player.wants_play() {
            st.paused = self.playing;
            true
        } else {
            self.notice = Some(match st.player.phase {
                Phase::Ask => "Predict first: answer the lesson's question, and the run will show the outcome.".into(),
                _ => "The lesson goes on when you press Continue.".into(),
            });
            false
        }
    }
}

/// What a screen reader hears at a step or an outcome.
fn step_words(st: &LessonState, sim: &crate::sim::Sim<crate::sim::Workload>) -> String {
    let p = &st.player;
    let n = p.lesson.steps.len();
    match p.phase {
        Phase::Done => format!(
            "Lesson finished: {}. {} of {} predictions right.",
            p.lesson.title, st.right, st.asked
        ),
        Phase::Revealed => match &p.outcome {
            Some(o) if o.guess.is_some() => format!(
                "{} The run: {}. {}",
                if o.right { "Right." } else { "Not quite." },
                o.answer_text,
                o.explain
            ),
            Some(o) => o.explain.clone(),
            None => String::new(),
        },
        _ => {
            let step = &p.lesson.steps[p.step];
            let mut s = format!("Step {} of {n}. {}", p.step + 1, p.fill(&step.text, sim));
            if let Some(a) = &step.ask {
                s.push(' ');
                s.push_str(a.question());
            }
            s
        }
    }
}

/// A lesson's saved progress: the step reached, and whether it was finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub step: usize,
    pub done: bool,
}

fn storage() -> Option<web_sys::Storage> {
    // Private modes and sandboxed iframes may refuse storage: then nothing is kept.
    web_sys::window()?.local_storage().ok().flatten()
}

fn key(id: &str) -> String {
    format!("distsim.lesson.{id}")
}

/// Reads a lesson's progress; anything malformed counts as none.
pub fn load_progress(id: &str) -> Option<Progress> {
    let text = storage()?.get_item(&key(id)).ok().flatten()?;
    parse_progress(&text)
}

/// `"step=3;done=0"` → progress (what [`save_progress`] writes).
pub fn parse_progress(text: &str) -> Option<Progress> {
    let mut step = None;
    let mut done = None;
    for part in text.split(';') {
        match part.split_once('=') {
            Some(("step", v)) => step = v.parse::<u32>().ok().filter(|&s| s < 1000),
            Some(("done", "1")) => done = Some(true),
            Some(("done", "0")) => done = Some(false),
            _ => return None,
        }
    }
    Some(Progress {
        step: step? as usize,
        done: done?,
    })
}

fn save_progress(id: &str, p: Progress) {
    if let Some(s) = storage() {
        // A finished lesson stays finished when it is taken again.
        let done = p.done || load_progress(id).is_some_and(|old| old.done);
        let _ = s.set_item(&key(id), &format!("step={};done={}", p.step, done as u8));
    }
}

fn clear_progress(id: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&key(id));
    }
}
