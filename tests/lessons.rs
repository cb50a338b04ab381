//! Lessons: every built-in lesson reads, and taking it (the intended answers
//! given, each waited-for action done by its stand-in) the run answers each
//! question as the lesson intends, for its seed. Malformed files (the corpus
//! in tests/corpus/lessons) are refused with a specific message.

use distsim::lesson::{self, new_sim, Ask, Enter, Guess, Lesson, Phase, Player, LESSONS};
use distsim::sim::{Sim, Workload};

/// Takes lesson `id` step by step; returns, per step, the outcome's words.
fn take(id: &str, verbose: bool) -> Vec<String> {
    let l = lesson::get(id).unwrap_or_else(|e| panic!("{e}"));
    let mut p = Player::new(id, l.clone());
    let mut sim: Option<Sim<Workload>> = None;
    let mut said = Vec::new();
    // Wall seconds of watching, at each run's own speed.
    let mut watching = 0.0;
    let mut speed = l.scenario.settings.speed;
    for i in 0..l.steps.len() {
        let new_run = match p.enter(i) {
            Enter::Load(sc) => {
                speed = sc.settings.speed;
                sim = Some(new_sim(&sc));
                true
            }
            Enter::Same => false,
            Enter::Restore(s, _) => {
                sim = Some(*s);
                false
            }
        };
        let s = sim.as_mut().expect("the first step loads");
        p.begin(s, new_run);
        let from = s.now();
        p.take_step(s, None);
        watching += (s.now() - from) as f64 / 1e6 / speed;
        assert!(
            p.can_continue(),
            "{id} step {i}: stuck in {:?} at {} µs",
            p.phase,
            s.now()
        );
        let refused = s.take_plan_refusals();
        assert!(
            refused.is_empty(),
            "{id} step {i}: script refused {refused:?}"
        );
        if let Some(o) = &p.outcome {
            if verbose {
                eprintln!(
                    "{id}[{i}] at {:.2}s met={} answer={:?} ({}) guess={:?}\n    {}",
                    o.at as f64 / 1e6,
                    o.met,
                    o.answer,
                    o.answer_text,
                    o.guess,
                    o.explain
                );
                // Every figure that is not zero, to write claims from.
                let figs: Vec<String> = lesson::FIGURES
                    .iter()
                    .filter_map(|(n, _)| p.figure(n, s).map(|v| (n, v)))
                    .filter(|(_, v)| {
                        v.num() != 0.0 || matches!(v, lesson::Value::Text(t) if !t.is_empty())
                    })
                    .map(|(n, v)| format!("{n}={}", v.show()))
                    .collect();
                eprintln!("    [{}]", figs.join(" "));
            }
            let step = &l.steps[i];
            match &step.ask {
                Some(Ask::Choice {
                    intended, choices, ..
                }) => {
                    assert_eq!(
                        o.answer,
                        Some(Guess::Choice(*intended)),
                        "{id} step {i}: the run answers {:?} ({}), the lesson intends {:?}; {}",
                        o.answer,
                        o.answer_text,
                        choices[*intended].0,
                        o.explain
                    );
                    assert!(o.right);
                }
                Some(Ask::Number {
                    intended,
                    tolerance,
                    figure,
                    ..
                }) => {
                    let Some(Guess::Number(v)) = o.answer else {
                        panic!("{id} step {i}: no number")
                    };
                    assert!(
                        (v - intended).abs() <= *tolerance,
                        "{id} step {i}: {figure} is {v} in the run, the lesson intends {intended} ± {tolerance}"
                    );
                }
                None => {}
            }
            if step.ask.is_some() || step.until.is_some() {
                assert!(
                    o.met,
                    "{id} step {i}: the condition never held ({})",
                    o.explain
                );
            }
            assert!(
                o.broken.is_empty(),
                "{id} step {i}: claims the run does not bear out: {:?}",
                o.broken
            );
            assert!(
                !o.explain.contains('{'),
                "{id} step {i}: unfilled {}",
                o.explain
            );
            said.push(o.explain.clone());
        } else {
            said.push(String::new());
        }
    }
    assert!(p.enter(l.steps.len()).is_same());
    // At most 3 minutes with reading: at most 2 of them watching.
    assert!(
        watching <= 120.0,
        "{id}: {watching:.0} s of watching at the lesson's speeds"
    );
    if verbose {
        eprintln!("{id}: {watching:.0} s of watching");
    }
    assert_eq!(p.phase, Phase::Done);
    said
}

trait IsSame {
    fn is_same(&self) -> bool;
}
impl IsSame for Enter {
    fn is_same(&self) -> bool {
        matches!(self, Enter::Same)
    }
}

#[test]
fn every_lesson_reads_and_its_answers_come_from_the_run() {
    let verbose = std::env::var("LESSON_VERBOSE").is_ok();
    let only = std::env::var("LESSON").ok();
    if let Some(o) = &only {
        assert!(
            LESSONS.iter().any(|(id, _)| id == o),
            "LESSON={o}: no such lesson"
        );
    }
    assert!(LESSONS.len() >= 20, "about twenty lessons");
    for (id, _) in LESSONS {
        if only.as_deref().is_some_and(|o| o != *id) {
            continue;
        }
        let l = lesson::get(id).unwrap();
        assert!(l.minutes <= 3, "{id}: at most 3 minutes");
        assert!(!l.summary.is_empty(), "{id}: a summary for the course page");
        assert!(
            l.steps.iter().any(|s| s.ask.is_some()),
            "{id}: asks the student to predict"
        );
        let a = take(id, verbose);
        // Deterministic: taking it again says exactly the same.
        assert_eq!(a, take(id, false), "{id}: a second take differs");
    }
}

#[test]
fn malformed_lesson_files_get_a_specific_message() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/lessons.json");
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(cases.len() >= 25);
    for c in cases {
        let (name, text, expect) = (
            c["name"].as_str().unwrap(),
            c["text"].as_str().unwrap(),
            c["expect"].as_str().unwrap(),
        );
        match Lesson::from_json(text) {
            Ok(_) => panic!("{name}: accepted"),
            Err(e) => assert!(
                e.iter().any(|m| m.contains(expect)),
                "{name}: expected a message containing {expect:?}, got {e:?}"
            ),
        }
    }
}

/// Lesson `id` taken through its first step, and entered into its second
/// (the question not yet answered).
fn at_second_step(id: &str) -> (Player, Sim<Workload>) {
    let mut p = Player::new(id, lesson::get(id).unwrap());
    let Enter::Load(sc) = p.enter(0) else {
        panic!("{id}: the first step loads its run")
    };
    let mut sim = new_sim(&sc);
    p.begin(&mut sim, true);
    p.take_step(&mut sim, None);
    assert!(
        matches!(p.enter(1), Enter::Same),
        "{id}: step 2 goes on with the run"
    );
    p.begin(&mut sim, false);
    (p, sim)
}

#[test]
fn a_wrong_prediction_is_marked_wrong_with_the_runs_figures() {
    // at-least-once, step 1: the run applies some requests twice; "No" is wrong.
    let (mut p, mut sim) = at_second_step("at-least-once");
    assert_eq!(p.phase, Phase::Ask);
    assert!(!p.wants_play(), "the run waits for the prediction");
    assert!(!p.answer(Guess::Choice(7)), "no such choice");
    assert!(!p.answer(Guess::Number(1.0)), "not a number question");
    p.take_step(&mut sim, Some(Guess::Choice(1)));
    let o = p.outcome.clone().unwrap();
    assert!(!o.right);
    assert_eq!(o.answer, Some(Guess::Choice(0)));
    assert_eq!(o.answer_text, "Yes");
    let twice = sim.metrics().applied.values().filter(|&&c| c > 1).count();
    assert!(
        o.explain
            .starts_with(&format!("{twice} requests were applied more than once")),
        "{}",
        o.explain
    );
    // Back to the question: the same run again, the same outcome.
    assert!(matches!(p.enter(1), Enter::Restore(..)));
}

#[test]
fn a_number_guess_is_right_within_its_tolerance() {
    for (guess, right) in [(30.0, true), (26.0, true), (34.0, false), (10.0, false)] {
        let (mut p, mut sim) = at_second_step("reliable-network");
        p.take_step(&mut sim, Some(Guess::Number(guess)));
        let o = p.outcome.unwrap();
        assert_eq!(
            o.right, right,
            "guess {guess}: the run says {}",
            o.answer_text
        );
    }
}

#[test]
fn a_step_that_waits_goes_on_only_after_the_students_action() {
    let (mut p, mut sim) = at_second_step("topology");
    p.answer(Guess::Choice(0));
    assert_eq!(p.phase, Phase::Wait);
    // Time passes, nothing is cut: still waiting.
    let later = sim.now() + 5_000_000;
    p.advance(&mut sim, later, u64::MAX);
    assert_eq!(p.phase, Phase::Wait);
    // A crash is not a cut.
    sim.apply(distsim::sim::Command::Crash(distsim::sim::NodeId(5)))
        .unwrap();
    assert!(!p.check_wait(&sim));
    sim.apply(distsim::sim::Command::CutLink(
        distsim::sim::NodeId(1),
        distsim::sim::NodeId(2),
    ))
    .unwrap();
    assert!(p.check_wait(&sim));
    assert_eq!(p.phase, Phase::Run);
}

#[test]
fn the_course_page_embeds_every_lesson_in_order() {
    let page = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static/lessons.html"),
    )
    .unwrap();
    let mut at = 0;
    for (id, _) in LESSONS {
        let needle = format!("embed=1&amp;lesson={id}\"");
        let i = page[at..].find(&needle).unwrap_or_else(|| {
            panic!("static/lessons.html: no embed of {id} after the previous lesson")
        });
        at += i + needle.len();
        let title = lesson::get(id).unwrap().title;
        assert!(
            page.contains(&title.replace('\'', "&#x27;")),
            "{id}: its title on the page"
        );
    }
}

#[test]
fn a_revealed_step_does_not_move_the_run_however_often_it_is_asked() {
    let (mut p, mut sim) = at_second_step("at-least-once");
    p.take_step(&mut sim, None);
    assert_eq!(p.phase, Phase::Revealed);
    let (t, events) = (sim.now(), sim.stats().events);
    // The page's frame loop may call again before it sees the outcome.
    assert!(!p.advance(&mut sim, t + 5_000_000, 1 << 20));
    assert_eq!((sim.now(), sim.stats().events), (t, events));
}

/// What the page's views read of a run: its size, its workload, its
/// network, its time and its digest.
fn shape(sim: &Sim<Workload>) -> (u32, u32, std::mem::Discriminant<Workload>, u64, u64) {
    (
        sim.config().nodes,
        sim.nodes().len() as u32,
        std::mem::discriminant(sim.protocol()),
        sim.now(),
        sim.digest(),
    )
}

#[test]
fn back_restores_each_steps_run_and_the_scenario_it_came_from() {
    // Every lesson taken to its end, then Back step by step to the first:
    // each step's run comes back exactly as it began (time, digest), and
    // the scenario handed with it is the one that run was started from, so
    // a host that shows the restored run takes its settings from there
    // (the page drew 5 nodes on a 10-node ring when it kept the other's).
    for (id, _) in LESSONS {
        let l = lesson::get(id).unwrap();
        let mut p = Player::new(id, l.clone());
        let mut sim: Option<Sim<Workload>> = None;
        let mut began = Vec::new();
        let mut from = Vec::new();
        let mut current: Option<distsim::scenario::Scenario> = None;
        for i in 0..l.steps.len() {
            let new_run = match p.enter(i) {
                Enter::Load(sc) => {
                    sim = Some(new_sim(&sc));
                    current = Some(*sc);
                    true
                }
                Enter::Same => false,
                Enter::Restore(..) => panic!("{id} step {i}: nothing to restore going forward"),
            };
            let s = sim.as_mut().unwrap();
            p.begin(s, new_run);
            // As the step began, before its actions: what Back must bring back.
            began.push(p.start_of(i).map(shape).expect("kept for Back"));
            from.push(current.clone().unwrap());
            p.take_step(s, None);
        }
        // Finished, then Back from there (the page stayed "Finished" once).
        assert!(matches!(p.enter(l.steps.len()), Enter::Same));
        assert_eq!(p.phase, Phase::Done);
        for i in (0..l.steps.len()).rev() {
            let Enter::Restore(s, sc) = p.enter(i) else {
                panic!("{id} step {i}: Back restores the step's run")
            };
            assert_eq!(shape(&s), began[i], "{id} step {i}: the run as it began");
            assert_eq!(*sc, from[i], "{id} step {i}: the scenario of that run");
            assert_eq!(
                sc.settings.nodes,
                s.nodes().len() as u32,
                "{id} step {i}: the settings handed back fit the run"
            );
            assert_eq!(
                std::mem::discriminant(&sc.settings.workload()),
                std::mem::discriminant(s.protocol()),
                "{id} step {i}: the same workload"
            );
            let mut s = *s;
            p.begin(&mut s, false);
            assert_ne!(p.phase, Phase::Done, "{id} step {i}: open again after Back");
            assert_eq!(p.step, i);
            sim = Some(s);
        }
        // And forward again from the first step: the same outcomes.
        let s = sim.as_mut().unwrap();
        p.take_step(s, None);
        assert!(p.can_continue(), "{id}: step 1 again");
    }
}
