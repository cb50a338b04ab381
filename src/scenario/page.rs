//! How the page itself is shown (embed, controls, autoplay, theme, view):
//! the URL keys that are not the scenario's.

use super::*;

/// Colour scheme the page asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Follow the reader's system setting (`prefers-color-scheme`).
    Auto,
    Light,
    Dark,
}

/// Which pictures of the run the page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The ring of nodes with messages flying (the default).
    Ring,
    /// The space-time diagram: a lane per node, an arrow per message.
    SpaceTime,
    /// Both, one above the other.
    Both,
}

impl View {
    /// The URL value.
    pub fn name(self) -> &'static str {
        match self {
            View::Ring => "ring",
            View::SpaceTime => "spacetime",
            View::Both => "both",
        }
    }

    /// Whether the ring is shown.
    pub fn ring(self) -> bool {
        self != View::SpaceTime
    }

    /// Whether the space-time diagram is shown.
    pub fn spacetime(self) -> bool {
        self != View::Ring
    }
}

/// How the page itself is shown: the keys of [`PAGE_KEYS`] other than the
/// scenario's source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageOptions {
    /// Only the picture and a minimal bar, filling the frame (for iframes).
    pub embed: bool,
    /// Show the bar (embed mode); without it, keys still work.
    pub controls: bool,
    /// Start playing (`Some(true)`), paused (`Some(false)`), or the default
    /// (`None`: the full page plays, an embed waits for a click).
    pub autoplay: Option<bool>,
    pub theme: Theme,
    /// The ring, the space-time diagram, or both.
    pub view: View,
}

impl PageOptions {
    /// Reads the page keys, with a message per bad value (the default stays).
    pub fn from_query(pairs: &[(String, String)]) -> (PageOptions, Vec<String>) {
        let mut o = PageOptions {
            embed: false,
            controls: true,
            autoplay: None,
            theme: Theme::Auto,
            view: View::Ring,
        };
        let mut errors = Vec::new();
        for (k, v) in pairs {
            let r = match k.as_str() {
                "embed" => params::parse_bool("embed", v).map(|b| o.embed = b),
                "controls" => params::parse_bool("controls", v).map(|b| o.controls = b),
                "autoplay" => params::parse_bool("autoplay", v).map(|b| o.autoplay = Some(b)),
                "theme" => match v.trim() {
                    "auto" => Ok(Theme::Auto),
                    "light" => Ok(Theme::Light),
                    "dark" => Ok(Theme::Dark),
                    _ => Err(format!(
                        "theme: expected auto, light or dark, got {}",
                        show(v)
                    )),
                }
                .map(|t| o.theme = t),
                "view" => match v.trim() {
                    "ring" => Ok(View::Ring),
                    "spacetime" => Ok(View::SpaceTime),
                    "both" => Ok(View::Both),
                    _ => Err(format!(
                        "view: expected ring, spacetime or both, got {}",
                        show(v)
                    )),
                }
                .map(|w| o.view = w),
                _ => Ok(()),
            };
            if let Err(e) = r {
                errors.push(format!("URL parameter {e}"));
            }
        }
        (o, errors)
    }

    /// These options as query pairs (only those that differ from the default).
    pub fn to_query(&self) -> String {
        let mut q = Vec::new();
        if self.embed {
            q.push("embed=1".to_string());
        }
        if !self.controls {
            q.push("controls=0".into());
        }
        match self.autoplay {
            Some(true) => q.push("autoplay=1".into()),
            Some(false) => q.push("autoplay=0".into()),
            None => {}
        }
        match self.theme {
            Theme::Auto => {}
            Theme::Light => q.push("theme=light".into()),
            Theme::Dark => q.push("theme=dark".into()),
        }
        if self.view != View::Ring {
            q.push(format!("view={}", self.view.name()));
        }
        q.join("&")
    }
}
