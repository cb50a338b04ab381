//! The keyboard shortcuts: which intent a key press means, if any.

use super::host::{Host, Selection};
use super::intent::Intent;
use crate::sim::{Command, NodeId};
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

/// The intent of key press `k`, unless typed into a field or with a modifier.
/// Space is kept from scrolling the page.
pub fn intent_for(k: &KeyboardEvent, host: &Host) -> Option<Intent> {
    // Typing in a field, or keys the space-time diagram takes (pan, zoom).
    let in_field = k
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                || el.class_list().contains("spacetime-canvas")
                    && matches!(
                        k.key().as_str(),
                        "ArrowLeft"
                            | "ArrowRight"
                            | "ArrowUp"
                            | "ArrowDown"
                            | "+"
                            | "="
                            | "-"
                            | "_"
                            | "f"
                            | "F"
                    )
        });
    if in_field || k.ctrl_key() || k.meta_key() || k.alt_key() {
        return None;
    }
    Some(match k.key().as_str() {
        " " | "k" => {
            k.prevent_default();
            Intent::TogglePlay
        }
        "." | "s" | "ArrowRight" => Intent::Step,
        "," | "ArrowLeft" => Intent::StepBack,
        "Home" => Intent::SeekStart,
        "r" => Intent::Reset,
        "+" | "=" => Intent::Speed(host.speed * 2.0),
        "-" | "_" => Intent::Speed(host.speed / 2.0),
        "Escape" => Intent::ClearSelection,
        "?" | "h" => Intent::ToggleHelp,
        "n" if host
            .lesson
            .as_ref()
            .is_some_and(|l| l.player.can_continue()) =>
        {
            Intent::LessonNext
        }
        "b" if host.lesson.as_ref().is_some_and(|l| l.player.step > 0) => Intent::LessonBack,
        "c" => match host.selection {
            Selection::Node(i) if host.sim.nodes()[i as usize].is_up() => {
                Intent::Command(Command::Crash(NodeId(i)))
            }
            Selection::Node(i) => Intent::Command(Command::Recover(NodeId(i))),
            _ => return None,
        },
        "m" => Intent::NextMessage,
        "x" => match &host.selection {
            Selection::Message(f) => Intent::Command(Command::Tamper {
                id: f.id,
                dup: f.dup,
                action: crate::sim::Tamper::Drop,
            }),
            _ => return None,
        },
        _ => return None,
    })
}
