//! What each panel's intent does: the one place the host changes on a
//! user's request (play, step, seek, commands, settings, loading, sharing).

use super::super::intent::Intent;
use super::super::share;
use super::{App, Msg};
use crate::params::SPEED_RANGE;
use crate::sim::{Command, StepOutcome};
use std::rc::Rc;
use yew::prelude::*;

impl App {
    /// Puts text on the clipboard, and in a field on the page in case the
    /// browser refuses (an iframe without permission, an insecure page).
    fn copy(&mut self, ctx: &Context<Self>, text: String, done: &str) {
        self.share_text = text.clone();
        self.share_status = Some(done.to_string());
        let link = ctx.link().clone();
        wasm_bindgen_futures::spawn_local(async move {
            link.send_message(Msg::Copied(share::copy(text).await));
        });
    }

    /// Carries out a panel's intent. Returns whether to render.
    pub(super) fn intent(&mut self, ctx: &Context<Self>, intent: Intent) -> bool {
        let mut host = self.host.borrow_mut();
        match intent {
            Intent::TogglePlay => {
                if host.lesson_allows_play() {
                    host.playing = !host.playing;
                    self.frames.restart_clock();
                }
            }
            Intent::Step if host.lesson.is_some() => {
                // One event, through the lesson: a condition is never stepped over.
                if host.lesson_allows_play() {
                    host.playing = false;
                    if let Some(st) = host.lesson.as_mut() {
                        st.paused = true;
                    }
                    let next = host.sim.next_event_time().unwrap_or(host.sim.now());
                    host.advance_to(next, 1);
                    host.after_advance();
                    host.dirty = true;
                }
            }
            Intent::Step => {
                host.playing = false;
                if host.sim.step() == StepOutcome::Idle {
                    host.notice =
                        Some("Nothing left to happen: every node is down or silent.".into());
                }
                host.after_advance();
                host.dirty = true;
            }
            Intent::StepBack => host.step_back(),
            Intent::SeekStart => host.seek_start(),
            Intent::SeekTime(t) => host.seek_time(t),
            Intent::SeekPoint(e, t) => host.seek_point(e, t),
            Intent::Reset if host.lesson.is_some() => {
                // In a lesson R starts the current step again.
                let i = host.lesson.as_ref().map_or(0, |l| l.player.step);
                host.lesson_enter(i);
            }
            Intent::Reset => host.restart(),
            Intent::Speed(s) => host.speed = s.clamp(SPEED_RANGE.0, SPEED_RANGE.1),
            Intent::ToggleHelp => self.help = !self.help,
            Intent::View(v) => {
                host.page.view = v;
                host.dirty = true;
            }
            Intent::ToggleAbout => self.about = !self.about,
            Intent::ClearSelection => {
                self.help = false;
                host.selection = super::super::host::Selection::None;
                host.dirty = true;
            }
            Intent::ToggleNode(i) => host.toggle_node(i),
            Intent::SelectNode(i) => host.selection = super::super::host::Selection::Node(i),
            Intent::NextMessage => host.select_next_message(),
            Intent::Command(c) => host.command(c),
            Intent::Network(net) => host.command(Command::SetNetwork(net)),
            Intent::Rpc(rpc) => host.set_rpc(rpc),
            Intent::NewRun(s) => host.new_run(*s),
            Intent::Notice(n) => host.notice = n,
            Intent::JumpToViolation => host.jump_to_violation(),
            Intent::JumpToSafety(p) => host.jump_to_safety(p),
            Intent::ChartTarget(t) => host.chart.set_target(t),
            Intent::FaultForm(f) => self.faults = Rc::new(f),
            Intent::DismissProblems => host.problems.clear(),
            Intent::LoadLibrary(id) => {
                if host.load_library(&id) {
                    share::set_query(&host.library_query());
                    self.narrator
                        .say(format!("scenario loaded: {}", host.setup.title));
                }
            }
            Intent::OpenFile(file) => {
                let link = ctx.link().clone();
                let name = file.name();
                wasm_bindgen_futures::spawn_local(async move {
                    let r = share::read_file(file, crate::scenario::MAX_FILE_BYTES).await;
                    link.send_message(Msg::Loaded(name, r));
                });
                return false;
            }
            Intent::CopyLink(at_moment) => {
                let url = host.link(at_moment, &host.page);
                drop(host);
                let done = if at_moment {
                    "Link to this moment copied."
                } else {
                    "Link to replay from the start copied."
                };
                self.copy(ctx, url, done);
            }
            Intent::CopyEmbed => {
                let code = host.embed_code();
                drop(host);
                self.copy(
                    ctx,
                    code,
                    "Embed code copied: paste it into your course page.",
                );
            }
            Intent::ExportSetup => {
                let json = host.export_scenario().to_json();
                self.share_status = Some(
                    match share::download("distsim-scenario.json", "application/json", &json) {
                        Ok(()) => "Scenario file saved (distsim-scenario.json).".into(),
                        Err(e) => format!("Could not save the file: {e}"),
                    },
                );
            }
            Intent::LessonStart(id) if id.is_empty() => host.lesson_exit(None),
            Intent::LessonStart(id) => match host.start_lesson(&id) {
                Ok(()) => share::set_query(&host.lesson_query()),
                Err(e) => host.notice = Some(e),
            },
            Intent::LessonAnswer(g) => host.lesson_answer(g),
            Intent::LessonNext => host.lesson_next(),
            Intent::LessonBack => host.lesson_back(),
            Intent::LessonRestart => host.lesson_restart(),
            Intent::LessonResume => host.lesson_resume(),
            Intent::LessonForget => host.lesson_forget(),
            Intent::LessonStandIn => {
                let cmd = host
                    .lesson
                    .as_ref()
                    .and_then(|l| l.player.current())
                    .and_then(|s| s.wait.as_ref())
                    .map(|w| w.test_with.clone());
                if let Some(c) = cmd {
                    host.command(c);
                }
            }
            Intent::LessonExit => {
                host.lesson_exit(Some("You left the lesson; the run is yours to explore. Open it again from the Lessons menu."));
                share::set_query(&host.library_query());
            }
            Intent::ExportTrace => {
                let r = host.trace_export().and_then(|json| {
                    share::download("distsim-trace.json", "application/json", &json)
                });
                self.share_status = Some(match r {
                    Ok(()) => format!(
                        "Trace saved (distsim-trace.json): {} entries.",
                        host.sim.trace().len()
                    ),
                    Err(e) => format!("Could not export the trace: {e}"),
                });
            }
        }
        true
    }
}
