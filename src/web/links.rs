//! What sharing writes out about the current run: the scenario as it stands
//! (for a link to this moment, a link to replay, or the "Open ↗" link of an
//! embed), the scenario file, the embed code, and the full trace export.
//! `share.rs` is the browser's side (clipboard, downloads); this is the content.

use super::host::Host;
use super::share;
use crate::params::Settings;
use crate::scenario::{PageOptions, Scenario};
use crate::sim::{Planned, Sim, Source};

impl Host {
    /// The setup as it stands now, for sharing: the settings the run started
    /// from, every command so far (exact), and what is still planned. With
    /// `at_moment`, the link opens paused where the run is now.
    pub fn share_scenario(&self, at_moment: bool) -> Scenario {
        let mut recorded = self.sim.commands().to_vec();
        let mut script = Vec::new();
        for p in self.sim.planned() {
            match p {
                Planned::Exact(rc) => recorded.push(rc),
                Planned::At(at, c) => script.push((at, c)),
            }
        }
        Scenario {
            title: self.setup.title.clone(),
            description: self.setup.description.clone(),
            settings: Settings {
                speed: self.speed,
                // A replay link plays; a link to a moment opens paused anyway.
                paused: false,
                ..self.setup.settings.clone()
            },
            script,
            recorded,
            upto: at_moment.then(|| (self.sim.stats().events, self.sim.now())),
            // A link carries the view as a page option (`view=`).
            view: None,
        }
    }

    /// A link to this page with the run as it stands, plus `page` options.
    pub fn link(&self, at_moment: bool, page: &PageOptions) -> String {
        let extra = page.to_query();
        let mut url = format!(
            "{}?{}",
            share::page_base(),
            self.share_scenario(at_moment).to_query()
        );
        if !extra.is_empty() {
            url.push('&');
            url.push_str(&extra);
        }
        url
    }

    /// The embed's "Open ↗" link: this moment, in the full simulator.
    pub fn full_app_link(&self) -> String {
        self.link(
            true,
            &PageOptions {
                embed: false,
                controls: true,
                ..self.page
            },
        )
    }

    /// An iframe for a course page that replays this run.
    pub fn embed_code(&self) -> String {
        let url = format!(
            "{}?{}&embed=1",
            share::page_base(),
            self.share_scenario(false).to_query()
        );
        let title = if self.setup.title.is_empty() {
            "distsim simulation".to_string()
        } else {
            format!("distsim: {}", self.setup.title)
        };
        format!(
            "<iframe src=\"{}\" title=\"{}\" width=\"640\" height=\"420\" style=\"border:0\" loading=\"lazy\" allow=\"clipboard-write\"></iframe>",
            url.replace('&', "&amp;").replace('"', "&quot;"),
            title.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
        )
    }

    /// The setup as a file: the script as a script, other commands (the
    /// user's, and replayed ones) as recorded commands.
    pub fn export_scenario(&self) -> Scenario {
        let sources = self.sim.command_sources();
        let mut recorded: Vec<_> = self
            .sim
            .commands()
            .iter()
            .zip(sources)
            .filter(|(_, s)| **s != Source::Script)
            .map(|(c, _)| c.clone())
            .collect();
        recorded.extend(self.sim.planned().filter_map(|p| match p {
            Planned::Exact(rc) => Some(rc),
            _ => None,
        }));
        Scenario {
            settings: Settings {
                speed: self.speed,
                ..self.setup.settings.clone()
            },
            recorded,
            upto: None,
            view: (self.page.view != crate::scenario::View::Ring).then_some(self.page.view),
            ..self.setup.clone()
        }
    }

    /// The whole trace of the run so far as JSON. The page keeps only recent
    /// events, so this replays the run (deterministically) with the full trace on.
    pub fn trace_export(&self) -> Result<String, String> {
        const MAX_ENTRIES: u64 = 400_000;
        let entries = self.sim.trace().len();
        if entries > MAX_ENTRIES {
            return Err(format!("the run has {entries} trace entries; export takes at most {MAX_ENTRIES}. Export earlier in the run, or with fewer nodes."));
        }
        let mut config = self.setup.settings.sim_config();
        config.trace_ring = 0;
        config.trace_all = true;
        let mut full = Sim::new(config, self.setup.settings.workload());
        match self.setup.settings.logical {
            crate::params::LogicalClocks::Off => {}
            l => full.keep_logical_clocks(l == crate::params::LogicalClocks::Vector),
        }
        full.plan(self.sim.commands().iter().cloned().map(Planned::Exact));
        full.run_to_point(self.sim.stats().events, self.sim.now());
        if full.digest() != self.sim.digest() {
            return Err(
                "the replay for the export did not match this run (a bug: please report the seed)"
                    .into(),
            );
        }
        let events = full.trace().all().unwrap_or(&[]);
        Ok(crate::scenario::trace_json(
            &self.export_scenario(),
            full.digest(),
            events,
            full.trace().len(),
        ))
    }
}
