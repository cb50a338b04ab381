// Where the renderer's main thread spends its time while the page runs, from a
// Chromium trace (devtools.timeline): self time per trace event name (script,
// style, layout, paint, animation, GC, ...) in ms per wall second.
//
//   node e2e/bench/trace.mjs '?nodes=5&seed=1'      # after `trunk build --release`
//   INIT_JS='CanvasRenderingContext2D.prototype.arc = function () {}' node e2e/bench/trace.mjs '<query>'
//                                                    # what a part costs: stub it out first
//   CATS=blink,cc node e2e/bench/trace.mjs '<query>'  # finer names: Blink's and the
//                                                    # compositor's own (canvas flushes, commits)
//
// Complements profile.mjs (which sees only script): Chromium's own work for a
// frame (style, layout, paint, compositing) shows here by name.
import { serve, launch, openApp } from '../lib.mjs';

const query = process.argv[2] || '?nodes=5&seed=1';
const SECONDS = Number(process.env.SECONDS || 6);
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const server = await serve();
const browser = await launch();
const { page } = await openApp(browser, server.url, query, undefined, { init: process.env.INIT_JS });
// INJECT_CSS: a style added to the page first (to try what a change would save).
if (process.env.INJECT_CSS) await page.addStyleTag({ content: process.env.INJECT_CSS });
await sleep(2500);
const cdp = await page.context().newCDPSession(page);
const events = [];
cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
const done = new Promise((ok) => cdp.once('Tracing.tracingComplete', ok));
await cdp.send('Tracing.start', {
  traceConfig: { includedCategories: [...(process.env.CATS ? process.env.CATS.split(',') : []), 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink.user_timing'] },
  transferMode: 'ReportEvents',
});
await sleep(SECONDS * 1000);
await cdp.send('Tracing.end');
await done;

// The renderer's main thread.
const names = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args.name === 'CrRendererMain');
const self = new Map();
const count = new Map();
let busy = 0;
for (const t of names) {
  const xs = events
    .filter((e) => e.pid === t.pid && e.tid === t.tid && e.ph === 'X' && typeof e.dur === 'number')
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  // Self time: an event's duration less its direct children's.
  const stack = [];
  const close = (until) => {
    while (stack.length && stack[stack.length - 1].end <= until) {
      const s = stack.pop();
      self.set(s.name, (self.get(s.name) || 0) + s.dur - s.child);
      count.set(s.name, (count.get(s.name) || 0) + 1);
      if (stack.length === 0) busy += s.dur;
    }
  };
  for (const e of xs) {
    close(e.ts);
    if (stack.length) stack[stack.length - 1].child += e.dur;
    stack.push({ name: e.name, end: e.ts + e.dur, dur: e.dur, child: 0 });
  }
  close(Infinity);
}
console.log(`${query}: main thread busy ${(busy / 1000 / SECONDS).toFixed(1)} ms/s (top-level trace events)`);
for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 22)) {
  console.log((v / 1000 / SECONDS).toFixed(2).padStart(8), 'ms/s', (count.get(k) / SECONDS).toFixed(1).padStart(7), '/s', k);
}
await browser.close();
await server.close();
