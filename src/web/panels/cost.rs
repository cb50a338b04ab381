//! "What does detection cost as n grows?": all-to-all heartbeats against
//! SWIM at 10 to 160 nodes, on this run's network and period, measured by
//! running each for 10 simulated seconds without drawing (in 12 ms slices,
//! so the page keeps animating), plotted on log scales with the numbers in
//! a table.

use crate::sim::cost::{CostSweep, COST_SIZES};
use crate::sim::{Micros, NetConfig};
use gloo_timers::callback::Timeout;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CostProps {
    pub period: Micros,
    pub net: NetConfig,
    pub seed: u64,
}

pub enum Msg {
    Start,
    Tick,
}

pub struct CostView {
    sweep: Option<CostSweep>,
    ticker: Option<Timeout>,
}

impl CostView {
    fn schedule(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        self.ticker = Some(Timeout::new(0, move || link.send_message(Msg::Tick)));
    }
}

impl Component for CostView {
    type Message = Msg;
    type Properties = CostProps;

    fn create(_ctx: &Context<Self>) -> Self {
        CostView {
            sweep: None,
            ticker: None,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Start => {
                if self.ticker.take().is_some() {
                    self.sweep = None;
                    return true;
                }
                let p = ctx.props();
                self.sweep = Some(CostSweep::new(p.period, p.net, p.seed, 10_000_000));
                self.schedule(ctx);
            }
            Msg::Tick => {
                self.ticker = None;
                let Some(s) = self.sweep.as_mut() else {
                    return false;
                };
                if !crate::web::work_slice(|| s.step(4_000)) {
                    self.schedule(ctx);
                }
            }
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let running = self.ticker.is_some();
        let button = html! {
            <button data-testid="cost-sweep" onclick={ctx.link().callback(|_| Msg::Start)}>
                { if running { "Stop" } else { "Compare the cost: 10 to 160 nodes, all-to-all and SWIM" } }
            </button>
        };
        let Some(s) = self.sweep.as_ref() else {
            return html! { <div class="btns">{ button }</div> };
        };
        let pts = s.points();
        let body = if s.finished() {
            let (w, h) = (330.0, 120.0);
            let lx = |n: u32| {
                let (a, b) = (f64::from(COST_SIZES[0]).ln(), f64::from(COST_SIZES[4]).ln());
                16.0 + (f64::from(n).ln() - a) / (b - a) * (w - 32.0)
            };
            let top = pts.iter().map(|p| p.all_to_all).fold(1.0, f64::max).ln();
            let bottom = pts
                .iter()
                .map(|p| p.swim)
                .fold(f64::INFINITY, f64::min)
                .max(1.0)
                .ln()
                - 0.3;
            let ly = |v: f64| h - 16.0 - (v.max(1.0).ln() - bottom) / (top - bottom) * (h - 30.0);
            let line = |f: &dyn Fn(&crate::sim::cost::CostPoint) -> f64| -> String {
                pts.iter()
                    .map(|p| format!("{:.1},{:.1} ", lx(p.n), ly(f(p))))
                    .collect()
            };
            let summary = pts
                .iter()
                .map(|p| {
                    format!(
                        "{} nodes: all-to-all {:.0}/s, SWIM {:.0}/s",
                        p.n, p.all_to_all, p.swim
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            html! { <>
                <figure class="kv-chart">
                    <svg width="100%" viewBox={format!("0 0 {w} {h}")} role="img" data-testid="cost-plot"
                        aria-label={format!("Messages per second against the number of nodes, log scales: {summary}")}>
                        <rect class="bg" x="0" y="0" width={w.to_string()} height={h.to_string()} fill="#f8fafc" stroke="#d8dee9" />
                        { for COST_SIZES.iter().map(|&n| html! {
                            <text x={format!("{:.1}", lx(n))} y={(h - 4.0).to_string()} font-size="9" text-anchor="middle" fill="#4b5563">{ n }</text>
                        }) }
                        <polyline points={line(&|p| p.all_to_all)} fill="none" stroke="#dc2626" stroke-width="2" />
                        <polyline points={line(&|p| p.swim)} fill="none" stroke="#0e7490" stroke-width="2" />
                        <text x="6" y="12" font-size="9" fill="#dc2626">{ "all-to-all: ×4 per doubling (n²)" }</text>
                        <text x={(w - 6.0).to_string()} y={(h - 20.0).to_string()} font-size="9" fill="#0e7490" text-anchor="end">{ "SWIM: ×2 per doubling (n)" }</text>
                    </svg>
                    <figcaption>{ "Messages per second (log scale) against nodes, 10 simulated seconds each." }</figcaption>
                </figure>
                <div class="sweep-scroll"><table class="sweep-table" data-testid="cost-table">
                    <tr><th scope="col">{ "nodes" }</th><th scope="col">{ "all-to-all/s" }</th><th scope="col">{ "SWIM/s" }</th><th scope="col">{ "ratio" }</th></tr>
                    { for pts.iter().map(|p| html! {
                        <tr><th scope="row">{ p.n }</th><td>{ format!("{:.0}", p.all_to_all) }</td><td>{ format!("{:.0}", p.swim) }</td><td>{ format!("{:.0}×", p.all_to_all / p.swim.max(1.0)) }</td></tr>
                    }) }
                </table></div>
            </> }
        } else {
            let pct = s.progress() * 100.0;
            html! {
                <div class="sweep-progress">
                    <progress data-testid="cost-progress" max="100" value={format!("{pct:.0}")} aria-label="Cost comparison progress"></progress>
                    <span>{ format!(" {pct:.0}%") }</span>
                </div>
            }
        };
        html! { <>
            <div class="btns">{ button }</div>
            { body }
        </> }
    }
}
