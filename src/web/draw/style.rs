//! What the picture's marks mean: the light and dark palettes, fading drop
//! marks and their kinds, and what is highlighted.

use crate::layout::Pt;
use crate::sim::DropReason;

/// Colours of the picture. Each meaning also has a shape, so colour is never the only signal.
pub struct Palette {
    pub bg: &'static str,
    pub edge: &'static str,
    pub ring: &'static str,
    pub node: &'static str,
    pub node_text: &'static str,
    pub down: &'static str,
    pub ping: &'static str,
    pub pong: &'static str,
    pub dup: &'static str,
    pub lost: &'static str,
    pub timer: &'static str,
    pub retry: &'static str,
    pub omit: &'static str,
    pub byz: &'static str,
    pub notice: &'static str,
    pub restart: &'static str,
    pub cut: &'static str,
    pub select: &'static str,
    /// A down node's disc, its outline and marks, and its label.
    pub down_fill: &'static str,
    pub down_ink: &'static str,
    /// Small text on the background (clocks, statuses, node numbers).
    pub label: &'static str,
    /// The track of a suspicion gauge, and the threshold tick.
    pub track: &'static str,
    pub tick: &'static str,
    /// Text and dots drawn on a coloured badge.
    pub on_badge: &'static str,
}

/// The light palette (WCAG AA contrast for text on `bg`).
pub const LIGHT: Palette = Palette {
    bg: "#fbfcfe",
    edge: "rgba(71, 85, 105, 0.16)",
    ring: "rgba(71, 85, 105, 0.10)",
    node: "#1e3a8a",
    node_text: "#ffffff",
    down: "#9ca3af",
    ping: "#2563eb",
    pong: "#047857",
    dup: "#c2410c",
    lost: "#dc2626",
    timer: "#d97706",
    retry: "#7c3aed",
    omit: "#b45309",
    byz: "#111827",
    notice: "#0e7490",
    restart: "#2563eb",
    cut: "#dc2626",
    select: "#7c3aed",
    down_fill: "#e5e7eb",
    down_ink: "#374151",
    label: "#475569",
    track: "rgba(148, 163, 184, 0.35)",
    tick: "#111827",
    on_badge: "#ffffff",
};

/// The dark palette (`prefers-color-scheme: dark`, or `theme=dark`): light
/// strokes on a near-black slate, each colour lifted to keep AA contrast.
pub const DARK: Palette = Palette {
    bg: "#0f172a",
    edge: "rgba(148, 163, 184, 0.20)",
    ring: "rgba(148, 163, 184, 0.12)",
    node: "#3b82f6",
    node_text: "#0b1120",
    down: "#94a3b8",
    ping: "#60a5fa",
    pong: "#34d399",
    dup: "#fb923c",
    lost: "#f87171",
    timer: "#fbbf24",
    retry: "#c4b5fd",
    omit: "#fcd34d",
    byz: "#f8fafc",
    notice: "#22d3ee",
    restart: "#60a5fa",
    cut: "#f87171",
    select: "#c4b5fd",
    down_fill: "#334155",
    down_ink: "#cbd5e1",
    label: "#cbd5e1",
    track: "rgba(148, 163, 184, 0.30)",
    tick: "#f8fafc",
    on_badge: "#0b1120",
};

/// A dropped message fading out where it died (UI-side, in wall-clock time).
#[derive(Clone, Copy, Debug)]
pub struct Fade {
    /// Where it died.
    pub at: Pt,
    /// Wall-clock time (ms) it died on screen.
    pub start_ms: f64,
    /// What it marks.
    pub kind: FadeKind,
}

/// What a fading mark means; each has its own shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FadeKind {
    /// Lost by the network or blocked by a cut: a red cross.
    Network,
    /// Reached a crashed node: a grey cross.
    Down,
    /// Omitted by a faulty sender or receiver: an orange slashed circle.
    Omission,
    /// A fail-stop notice arrived at a node: an expanding teal ring.
    Notice,
}

impl FadeKind {
    /// The mark for a drop of this reason.
    pub fn of(reason: DropReason) -> FadeKind {
        match reason {
            DropReason::Loss
            | DropReason::Partition
            | DropReason::ByHand
            | DropReason::Attacked => FadeKind::Network,
            DropReason::ReceiverDown => FadeKind::Down,
            DropReason::SendOmission | DropReason::ReceiveOmission => FadeKind::Omission,
        }
    }
}

/// How long a drop stays visible, wall-clock milliseconds.
pub const FADE_MS: f64 = 900.0;

/// What is selected, for highlighting.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Highlight {
    pub node: Option<u32>,
    pub message: Option<u64>,
    pub hover_link: Option<(u32, u32)>,
    /// Messages are drawn on the canvas (false: the flight layer animates them).
    pub dots: bool,
}
