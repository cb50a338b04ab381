//! The page's address at start: which scenario to open (a library one, the
//! URL's own settings over a base, a `scenario_url` to fetch, or the default),
//! how to show the page (embed, controls, theme), and what was wrong with it.

use super::app::{App, Msg};
use super::share;
use crate::params;
use crate::scenario::{PageOptions, Scenario};
use yew::prelude::*;

/// Reads the page's address: the scenario to start (a library one, the URL's
/// own settings, or the default), how to show the page, and what was wrong.
pub fn from_address(
    ctx: &Context<App>,
) -> (Scenario, PageOptions, Vec<String>, String, Option<String>) {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let pairs = params::parse_query(&search);
    let (page, mut errors) = PageOptions::from_query(&pairs);
    let has = |k: &str| pairs.iter().any(|(key, _)| key == k);
    // The base the URL's parameters apply over: a named library scenario;
    // with nothing at all, the default one (something happens at once).
    let scenario_only = pairs
        .iter()
        .all(|(k, _)| crate::scenario::PAGE_KEYS.contains(&k.as_str()));
    let mut library_id = String::new();
    let base = match pairs.iter().rev().find(|(k, _)| k == "scenario") {
        Some((_, id)) => match crate::library::get(id.trim()) {
            Ok(sc) => {
                library_id = id.trim().to_string();
                sc
            }
            Err(e) => {
                errors.push(format!("URL parameter {e}"));
                Scenario::default()
            }
        },
        None if scenario_only && !has("scenario_url") => {
            library_id = crate::library::DEFAULT_ID.to_string();
            crate::library::get(crate::library::DEFAULT_ID).unwrap_or_default()
        }
        None => Scenario::default(),
    };
    let (mut scenario, errs) = Scenario::from_query(&pairs, base);
    errors.extend(errs);
    if !has("seed") && library_id.is_empty() {
        // No seed asked for: pick one (shown and editable, so the run can be shared).
        scenario.settings.seed = (js_sys::Math::random() * 1e9) as u64;
    }
    if let Some((_, url)) = pairs.iter().rev().find(|(k, _)| k == "scenario_url") {
        let link = ctx.link().clone();
        let url = url.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let r = share::fetch_text(url.clone(), crate::scenario::MAX_FILE_BYTES).await;
            link.send_message(Msg::Loaded(url, r));
        });
    }
    // A lesson starts from its own scenario (after the URL's base is set up).
    let lesson = pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "lesson")
        .map(|(_, id)| id.trim().to_string());
    (scenario, page, errors, library_id, lesson)
}

pub fn media(query: &str) -> Option<web_sys::MediaQueryList> {
    web_sys::window().and_then(|w| w.match_media(query).ok().flatten())
}
