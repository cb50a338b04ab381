//! What a panel asks of the `App`: the one message type that goes up through
//! every panel's `on` callback. Panels validate their own fields; an intent
//! carries values that are already valid.

use super::panels::failures::FaultForm;
use crate::params::Settings;
use crate::scenario::View;
use crate::sim::{Command, NetConfig, RpcConfig};

pub enum Intent {
    TogglePlay,
    Step,
    /// Go back one event (←).
    StepBack,
    /// Go back to the start of the run (Home).
    SeekStart,
    /// Go to this true time of the run (µs), on the timeline.
    SeekTime(u64),
    /// Go to the moment right after an action: (events before it, its time).
    SeekPoint(u64, u64),
    /// Start the run again from its setup (R).
    Reset,
    Speed(f64),
    ToggleHelp,
    /// Show the ring, the space-time diagram, or both.
    View(View),
    ToggleAbout,
    /// Deselect, close the help (Esc).
    ClearSelection,
    /// Select a node, or deselect it when it is selected.
    ToggleNode(u32),
    /// Select the next message copy in flight (M), by id after the selected one.
    NextMessage,
    /// Select a node (after injecting a failure on it).
    SelectNode(u32),
    /// A user action for the simulator (recorded in the trace).
    Command(Command),
    /// A new network, applied at once as a recorded command.
    Network(NetConfig),
    /// New delivery settings, applied at once as a recorded command.
    Rpc(RpcConfig),
    /// Settings that need a new run (nodes, seed, workload, detector, clocks).
    NewRun(Box<Settings>),
    /// A line for the notice bar (None clears it).
    Notice(Option<String>),
    JumpToViolation,
    /// Go to right after the first violation of a Raft safety property.
    JumpToSafety(crate::sim::Safety),
    /// The detector chart's target.
    ChartTarget(Option<u32>),
    /// The failure fields shared by the inspector and the failures panel changed.
    FaultForm(FaultForm),
    DismissProblems,
    /// Load a built-in scenario by id.
    LoadLibrary(String),
    /// A file was picked or dropped.
    OpenFile(web_sys::File),
    /// Copy a link: to this moment (true) or to replay from the start.
    CopyLink(bool),
    CopyEmbed,
    ExportSetup,
    ExportTrace,
    /// Open a built-in lesson by id (empty: leave the lesson).
    LessonStart(String),
    /// The student's prediction.
    LessonAnswer(crate::lesson::Guess),
    LessonNext,
    LessonBack,
    /// Take the lesson again from its first step.
    LessonRestart,
    /// Go on from the step saved at an earlier visit.
    LessonResume,
    /// Forget the saved progress of this lesson.
    LessonForget,
    LessonExit,
    /// Take the action a step waits for in the student's place.
    LessonStandIn,
}
