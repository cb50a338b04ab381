//! One component per panel of the page. Each file's first comment says what it
//! shows. Every panel takes [`PanelProps`](super::form::PanelProps) (the host to
//! read, the callback to send [`Intent`](super::intent::Intent)s up), keeps its
//! own form drafts and errors, and starts its drafts again when the host's `epoch` changes where it has
//! fields, so loading a scenario starts its drafts again from the new settings.

pub mod chart;
pub mod cost;
pub mod delivery;
pub mod detector;
pub mod embed;
pub mod failures;
pub mod header;
pub mod help;
pub mod inspector;
pub mod lesson;
pub mod log;
pub mod network;
pub mod partitions;
pub mod problems;
pub mod raft;
pub mod run;
pub mod scenario;
pub mod service;
pub mod timeline;
pub mod transport;
