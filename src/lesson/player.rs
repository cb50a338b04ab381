//! The lesson player: where a student is in a lesson, and how the run goes
//! on for each step. The same code drives the page and the native tests.

use super::figures::{self, Tally, Value};
use super::file::{Ask, Cond, Lesson, Step};
use crate::scenario::Scenario;
use crate::sim::{Micros, Sim, Source, StepOutcome, Workload};

/// Where the current step is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Reading; Continue is open.
    Read,
    /// A question is open; the run waits for the prediction.
    Ask,
    /// Waiting for the student's action; the run plays.
    Wait,
    /// Running until the step's condition.
    Run,
    /// The condition was met (or its time ran out): the outcome is shown.
    Revealed,
    /// After the last step.
    Done,
}

/// A student's answer, or the run's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Guess {
    Choice(usize),
    Number(f64),
}

/// What the run did, against what the student predicted.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The student's prediction, if the step asked for one.
    pub guess: Option<Guess>,
    /// The run's answer to the question.
    pub answer: Option<Guess>,
    /// The prediction matched the run.
    pub right: bool,
    /// The run's answer in words ("Yes", "27 messages").
    pub answer_text: String,
    /// The explanation, filled from the run's figures at that moment.
    pub explain: String,
    /// The condition held (false: its time ran out first).
    pub met: bool,
    /// Simulated time it was revealed at (µs).
    pub at: Micros,
    /// The step's claims that the run did not bear out, each with the
    /// figure's value (empty for a true lesson: the tests check it).
    pub broken: Vec<String>,
}

/// The state of one student's way through one lesson.
pub struct Player {
    pub id: String,
    pub lesson: Lesson,
    pub step: usize,
    pub phase: Phase,
    pub guess: Option<Guess>,
    pub outcome: Option<Outcome>,
    tally: Tally,
    step_start: Micros,
    /// Every numeric figure as the step began, for `+name`.
    base: Vec<(&'static str, f64)>,
    commands_at: usize,
    /// The run and tally as each step began (before its actions), for Back.
    starts: Vec<Option<(Sim<Workload>, Tally)>>,
}

/// What the host must do to enter a step.
pub enum Enter {
    /// Start this scenario as a new run, then call [`Player::begin`].
    Load(Box<Scenario>),
    /// Go on with the current run: call [`Player::begin`].
    Same,
    /// Replace the run by this one (going back), then call [`Player::begin`].
    /// With it, the scenario that run was started from: whatever shows the
    /// run (its settings, node count, workload) must be taken from these
    /// two, never kept from the run shown before.
    Restore(Box<Sim<Workload>>, Box<Scenario>),
}

impl Player {
    pub fn new(id: &str, lesson: Lesson) -> Self {
        let n = lesson.steps.len();
        Player {
            id: id.to_string(),
            lesson,
            step: 0,
            phase: Phase::Read,
            guess: None,
            outcome: None,
            tally: Tally::default(),
            step_start: 0,
            base: Vec::new(),
            commands_at: 0,
            starts: (0..n).map(|_| None).collect(),
        }
    }

    pub fn current(&self) -> Option<&Step> {
        self.lesson.steps.get(self.step)
    }

    /// Enters step `i`: what the host must do before [`Player::begin`].
    pub fn enter(&mut self, i: usize) -> Enter {
        let i = i.min(self.lesson.steps.len());
        self.step = i;
        self.guess = None;
        self.outcome = None;
        if i == self.lesson.steps.len() {
            self.phase = Phase::Done;
            return Enter::Same;
        }
        // Back from the end: the step is open again ([`Player::begin`] picks
        // its phase; it does nothing while the lesson is done).
        self.phase = Phase::Read;
        if let Some((sim, tally)) = self.starts[i].as_ref() {
            self.tally = tally.clone();
            return Enter::Restore(
                Box::new(sim.snapshot()),
                Box::new(self.run_scenario(i).clone()),
            );
        }
        if i == 0 {
            return Enter::Load(Box::new(self.lesson.scenario.clone()));
        }
        match &self.lesson.steps[i].load {
            Some((_, sc)) => Enter::Load(Box::new(sc.clone())),
            None => Enter::Same,
        }
    }

    /// The scenario step `i`'s run was started from: that of the latest step
    /// at or before it that loads one, else the lesson's own.
    pub fn run_scenario(&self, i: usize) -> &Scenario {
        // Step 0 always runs the lesson's scenario (see `enter`).
        (1..=i.min(self.lesson.steps.len().saturating_sub(1)))
            .rev()
            .find_map(|j| self.lesson.steps[j].load.as_ref().map(|(_, sc)| sc))
            .unwrap_or(&self.lesson.scenario)
    }

    /// The run as step `i` began (before its actions), if kept for Back.
    pub fn start_of(&self, i: usize) -> Option<&Sim<Workload>> {
        self.starts.get(i)?.as_ref().map(|(sim, _)| sim)
    }

    /// The step begins on `sim` (after the host did what [`Player::enter`]
    /// asked): keeps the run as it is now for Back, applies the step's
    /// actions and opens its first phase. `loaded`: the run was just loaded
    /// ([`Enter::Load`]); a restored run keeps the tally it had then.
    pub fn begin(&mut self, sim: &mut Sim<Workload>, loaded: bool) {
        if self.phase == Phase::Done {
            return;
        }
        if loaded {
            self.tally = Tally::from_now(sim);
        }
        self.starts[self.step] = Some((sim.snapshot(), self.tally.clone()));
        // Later steps' starts belong to the old future: forget them.
        for s in self.starts.iter_mut().skip(self.step + 1) {
            *s = None;
        }
        for c in self.lesson.steps[self.step].actions.clone() {
            // Checked when the lesson was read; a refusal (e.g. the node is
            // already down) leaves the run as it is.
            let _ = sim.apply(c);
        }
        self.commands_at = sim.commands().len();
        self.tally.observe(sim);
        self.mark_start(sim);
        self.phase = if self.lesson.steps[self.step].ask.is_some() {
            Phase::Ask
        } else {
            self.after_answer()
        };
    }

    /// The phase after the question (or when there is none).
    fn after_answer(&self) -> Phase {
        let step = &self.lesson.steps[self.step];
        if step.wait.is_some() {
            Phase::Wait
        } else if step.until.is_some() {
            Phase::Run
        } else {
            Phase::Read
        }
    }

    /// The student's prediction: the run then goes on to the outcome.
    /// False if no question is open or the answer does not fit it.
    pub fn answer(&mut self, g: Guess) -> bool {
        let fits = match (self.current().and_then(|s| s.ask.as_ref()), g) {
            (Some(Ask::Choice { choices, .. }), Guess::Choice(k)) => k < choices.len(),
            (Some(Ask::Number { .. }), Guess::Number(x)) => x.is_finite(),
            _ => false,
        };
        if self.phase != Phase::Ask || !fits {
            return false;
        }
        self.guess = Some(g);
        self.phase = self.after_answer();
        true
    }

    /// Whether the run should be playing for this phase.
    pub fn wants_play(&self) -> bool {
        match self.phase {
            Phase::Wait | Phase::Run => true,
            Phase::Read => self.current().is_some_and(|s| s.play),
            Phase::Ask | Phase::Revealed | Phase::Done => false,
        }
    }

    /// Whether Continue is open.
    pub fn can_continue(&self) -> bool {
        matches!(self.phase, Phase::Read | Phase::Revealed)
    }

    /// Advances the run towards simulated time `t`, at most `budget` events.
    /// While running for a condition it goes event by event and stops right
    /// where the condition first holds (so a page and a test stop at the
    /// same event). Returns true when the phase changed.
    pub fn advance(&mut self, sim: &mut Sim<Workload>, t: Micros, budget: u64) -> bool {
        match self.phase {
            Phase::Run => {
                let until = self.current().and_then(|s| s.until.clone());
                let Some(until) = until else {
                    self.reveal(sim, true);
                    return true;
                };
                let deadline = self.step_start.saturating_add(until.within);
                // A time condition stops at its instant, not at the next event.
                let due = match until.cond {
                    Cond::Time(x) => x,
                    Cond::After(d) => self.step_start.saturating_add(d),
                    Cond::Figure { .. } => Micros::MAX,
                };
                let target = t.min(deadline).min(due);
                let mut done = 0;
                loop {
                    if self.holds(&until.cond, sim) {
                        self.reveal(sim, true);
                        return true;
                    }
                    if done >= budget {
                        return false;
                    }
                    match sim.next_event_time() {
                        Some(next) if next <= target => {
                            // Planned commands due before the event apply first.
                            if let StepOutcome::Idle = sim.step() {
                                break;
                            }
                            done += 1;
                            self.tally.observe(sim);
                        }
                        _ => break,
                    }
                }
                sim.run_until(target);
                self.tally.observe(sim);
                if self.holds(&until.cond, sim) {
                    self.reveal(sim, true);
                    return true;
                }
                if sim.now() >= deadline {
                    self.reveal(sim, false);
                    return true;
                }
                false
            }
            // Asking, revealed or done: the run waits for the student.
            _ if !self.wants_play() => false,
            _ => {
                sim.run_until_limited(t, budget);
                self.tally.observe(sim);
                self.check_wait(sim)
            }
        }
    }

    /// After the student acted: a waited-for action moves the step on.
    /// Returns true when the phase changed.
    pub fn check_wait(&mut self, sim: &Sim<Workload>) -> bool {
        if self.phase != Phase::Wait {
            return false;
        }
        let Some(w) = self.current().and_then(|s| s.wait.clone()) else {
            return false;
        };
        let acted = sim
            .commands()
            .iter()
            .zip(sim.command_sources())
            .skip(self.commands_at)
            .any(|(c, src)| *src == Source::User && w.what.matches(&c.cmd));
        if !acted {
            return false;
        }
        self.tally.observe(sim);
        self.mark_start(sim);
        let has_until = self.current().is_some_and(|s| s.until.is_some());
        if has_until {
            self.phase = Phase::Run;
        } else {
            self.reveal(sim, true);
        }
        true
    }

    /// The step's clock and `+figures` start from here.
    fn mark_start(&mut self, sim: &Sim<Workload>) {
        self.step_start = sim.now();
        self.base = figures::FIGURES
            .iter()
            .filter_map(
                |(n, _)| match figures::figure(n, sim, &self.tally, self.step_start) {
                    Some(Value::Num(x)) => Some((*n, x)),
                    _ => None,
                },
            )
            .collect();
    }

    /// Figure `name` now; `+name` is its growth since the step began.
    pub fn figure(&self, name: &str, sim: &Sim<Workload>) -> Option<Value> {
        if let Some(plain) = name.strip_prefix('+') {
            let now = figures::figure(plain, sim, &self.tally, self.step_start)?.num();
            let base = self
                .base
                .iter()
                .find(|(n, _)| *n == plain)
                .map_or(0.0, |b| b.1);
            return Some(Value::Num(now - base));
        }
        figures::figure(name, sim, &self.tally, self.step_start)
    }

    /// Whether `c` holds on the run now.
    pub fn holds(&self, c: &Cond, sim: &Sim<Workload>) -> bool {
        match c {
            Cond::Time(t) => sim.now() >= *t,
            Cond::After(d) => sim.now() >= self.step_start.saturating_add(*d),
            Cond::Figure {
                name,
                at_least,
                at_most,
            } => {
                let v = self.figure(name, sim).map_or(f64::NAN, |v| v.num());
                at_least.is_none_or(|lo| v >= lo) && at_most.is_none_or(|hi| v <= hi)
            }
        }
    }

    /// Fills `template` with the run's figures now.
    pub fn fill(&self, template: &str, sim: &Sim<Workload>) -> String {
        figures::fill(template, |n| self.figure(n, sim))
    }

    /// The run's answer to the step's question now, and in words.
    pub fn run_answer(&self, sim: &Sim<Workload>) -> Option<(Guess, String)> {
        match self.current()?.ask.as_ref()? {
            Ask::Choice { choices, .. } => {
                let k = choices
                    .iter()
                    .position(|(_, when)| when.as_ref().is_none_or(|c| self.holds(c, sim)))?;
                Some((Guess::Choice(k), choices[k].0.clone()))
            }
            Ask::Number { figure, unit, .. } => {
                let v = self.figure(figure, sim)?.num();
                let words = if unit.is_empty() {
                    figures::show_num(v)
                } else {
                    format!("{} {unit}", figures::show_num(v))
                };
                Some((Guess::Number(v), words))
            }
        }
    }

    fn reveal(&mut self, sim: &Sim<Workload>, met: bool) {
        let step = &self.lesson.steps[self.step];
        let answer = self.run_answer(sim);
        let right = match (step.ask.as_ref(), self.guess, answer.as_ref()) {
            (Some(Ask::Choice { .. }), Some(Guess::Choice(g)), Some((Guess::Choice(a), _))) => {
                g == *a
            }
            (
                Some(Ask::Number { tolerance, .. }),
                Some(Guess::Number(g)),
                Some((Guess::Number(a), _)),
            ) => (g - a).abs() <= *tolerance + 1e-9,
            _ => false,
        };
        self.outcome = Some(Outcome {
            guess: self.guess,
            answer: answer.as_ref().map(|a| a.0),
            right,
            answer_text: answer.map(|a| a.1).unwrap_or_default(),
            explain: self.fill(&step.explain, sim),
            met,
            at: sim.now(),
            broken: step
                .claims
                .iter()
                .filter(|c| !self.holds(&c.cond, sim))
                .map(|c| match &c.cond {
                    Cond::Figure { name, .. } => format!(
                        "{:?}: {name} is {}",
                        c.says,
                        self.figure(name, sim).map_or("—".into(), |v| v.show())
                    ),
                    _ => format!("{:?}", c.says),
                })
                .collect(),
        });
        self.phase = Phase::Revealed;
    }

    /// Takes the current step without a student, as the tests and "resume
    /// at step k" do: answers with `guess` (or the intended answer), acts
    /// with the step's stand-in action, and runs to the outcome (at most
    /// `budget` events per call of [`Player::advance`]).
    pub fn take_step(&mut self, sim: &mut Sim<Workload>, guess: Option<Guess>) {
        if self.phase == Phase::Ask {
            let g = guess.unwrap_or(match self.current().and_then(|s| s.ask.as_ref()) {
                Some(Ask::Choice { intended, .. }) => Guess::Choice(*intended),
                Some(Ask::Number { intended, .. }) => Guess::Number(*intended),
                None => Guess::Choice(0),
            });
            self.answer(g);
        }
        if self.phase == Phase::Wait {
            if let Some(w) = self.current().and_then(|s| s.wait.clone()) {
                let _ = sim.apply(w.test_with);
                self.check_wait(sim);
            }
        }
        while self.phase == Phase::Run {
            self.advance(sim, Micros::MAX, 1 << 20);
        }
    }
}

/// A fresh run of `sc` (what the page's host does on a load, without the page).
pub fn new_sim(sc: &Scenario) -> Sim<Workload> {
    let mut sim = sc.settings.sim();
    sim.plan(sc.plan());
    sim
}
