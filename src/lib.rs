//! distsim: an interactive, deterministic distributed-systems simulator for teaching.
//!
//! [`sim`] is the pure core (no browser, no clock, no OS entropy), tested natively.
//! [`params`] turns user text (URL parameters, form fields) into validated settings.
//! `web` (wasm32 only) is the Yew app that draws the core and sends it commands.

pub mod layout;
pub mod lesson;
pub mod library;
pub mod params;
pub mod raster;
pub mod scenario;
pub mod sim;

#[cfg(target_arch = "wasm32")]
pub mod web;
