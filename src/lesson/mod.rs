//! Lessons: predict, watch, explain.
//!
//! A lesson is a file (format `distsim-lesson`, version 1; the README's
//! "Writing a lesson" documents it): a title, a library scenario to start
//! from, and steps. A step shows a short text, may spotlight part of the
//! picture, may act on the run, may wait for the student to act ("crash any
//! node"), may run until a condition on the run holds, and may ask a question
//! *before* the run shows the outcome. The answer is then checked against
//! what the simulation did, never against what the lesson says; the
//! explanation is filled from the run's own figures ([`figures`]).
//!
//! Plain Rust: the [`Player`] drives a `Sim` the same way natively (tests
//! take every lesson and check each question's answer for its seed) and in
//! the page, where the frame loop calls [`Player::advance`].

pub mod figures;
mod file;
mod player;

pub use figures::{Tally, Value, FIGURES};
pub use file::{Ask, Cond, Lesson, Spot, Step, Until, Wait, WaitFor, FORMAT, VERSION};
pub use player::{new_sim, Enter, Guess, Outcome, Phase, Player};

/// The built-in lessons, `(id, file)` in course order.
pub const LESSONS: &[(&str, &str)] = &[
    (
        "message-passing",
        include_str!("../../lessons/message-passing.json"),
    ),
    (
        "reliable-network",
        include_str!("../../lessons/reliable-network.json"),
    ),
    ("latency", include_str!("../../lessons/latency.json")),
    ("bandwidth", include_str!("../../lessons/bandwidth.json")),
    ("topology", include_str!("../../lessons/topology.json")),
    (
        "global-clock",
        include_str!("../../lessons/global-clock.json"),
    ),
    (
        "secure-network",
        include_str!("../../lessons/secure-network.json"),
    ),
    ("asynchrony", include_str!("../../lessons/asynchrony.json")),
    (
        "partial-failure",
        include_str!("../../lessons/partial-failure.json"),
    ),
    (
        "concurrency",
        include_str!("../../lessons/concurrency.json"),
    ),
    (
        "safety-liveness",
        include_str!("../../lessons/safety-liveness.json"),
    ),
    ("sync-async", include_str!("../../lessons/sync-async.json")),
    (
        "crash-failstop",
        include_str!("../../lessons/crash-failstop.json"),
    ),
    (
        "omission-byzantine",
        include_str!("../../lessons/omission-byzantine.json"),
    ),
    (
        "at-most-once",
        include_str!("../../lessons/at-most-once.json"),
    ),
    (
        "at-least-once",
        include_str!("../../lessons/at-least-once.json"),
    ),
    (
        "idempotency",
        include_str!("../../lessons/idempotency.json"),
    ),
    (
        "exactly-once",
        include_str!("../../lessons/exactly-once.json"),
    ),
    (
        "detector-qos",
        include_str!("../../lessons/detector-qos.json"),
    ),
    (
        "perfect-detector",
        include_str!("../../lessons/perfect-detector.json"),
    ),
    (
        "detector-consensus",
        include_str!("../../lessons/detector-consensus.json"),
    ),
    (
        "stateless-stateful",
        include_str!("../../lessons/stateless-stateful.json"),
    ),
    ("pillars", include_str!("../../lessons/pillars.json")),
];

/// Built-in lesson `id`, or a message listing the ids there are.
pub fn get(id: &str) -> Result<Lesson, String> {
    crate::library::builtin(LESSONS, "lesson", id, Lesson::from_json)
}

/// `(id, title)` of every built-in lesson, for menus and the course page:
/// read once, like [`crate::library::titles`].
pub fn titles() -> &'static [(&'static str, String)] {
    static TITLES: std::sync::OnceLock<Vec<(&'static str, String)>> = std::sync::OnceLock::new();
    TITLES.get_or_init(|| {
        LESSONS
            .iter()
            .map(|(id, _)| (*id, get(id).map(|l| l.title).unwrap_or_default()))
            .collect()
    })
}
