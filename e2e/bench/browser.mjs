// Browser benchmarks (BENCHMARKS.md): frame times and CPU per second while the
// page animates, and the simulator core's events per second inside wasm.
//
//   node e2e/bench/browser.mjs              # all scenarios
//   node e2e/bench/browser.mjs frames100    # one scenario
//   DIST=/tmp/old/dist node e2e/bench/browser.mjs frames300phi   # another build
//
// Frame times come from a requestAnimationFrame recorder injected into the page
// (it runs in the same frames as the app's own loop). CPU is read twice: the
// renderer main thread's busy time (CDP Performance.getMetrics TaskDuration) and
// the user+system time of every Chromium process (/proc), over the same window.
import fs from 'node:fs';
import { serve, launch, openApp, text } from '../lib.mjs';

const SECONDS = Number(process.env.SECONDS || 6);
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const TICK = 100; // USER_HZ on Linux

// Every Chromium process on the machine (the benchmark launches the only one).
function chromiumPids() {
  const out = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').startsWith('/usr/lib/chromium/')) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}
function cpuTicks(pids) {
  let t = 0;
  for (const p of pids) {
    try {
      const s = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      t += Number(f[11]) + Number(f[12]);
    } catch { /* gone */ }
  }
  return t;
}

async function frames(browser, base, name, query) {
  const { page, errors } = await openApp(browser, base, query);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await sleep(2500); // warm up: wasm compiled, queues filled
  const pids = chromiumPids();
  const metric = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  // 1. CPU, with nothing of ours in the page: the app alone decides when to paint.
  const m0 = await metric();
  const c0 = cpuTicks(pids);
  const p0 = await page.evaluate(() => window.wasmBindings.paint_count());
  const s0 = parseFloat(await text(page, 'time'));
  const t0 = Date.now();
  await sleep(SECONDS * 1000);
  const wall = (Date.now() - t0) / 1000;
  const m1 = await metric();
  const c1 = cpuTicks(pids);
  const p1 = await page.evaluate(() => window.wasmBindings.paint_count());
  const s1 = parseFloat(await text(page, 'time'));
  // 2. Frame times: a requestAnimationFrame recorder runs in the same frames as the app's loop.
  const deltas = await page.evaluate((secs) => new Promise((ok) => {
    const out = []; let last = null; const end = performance.now() + secs * 1000;
    const f = (ts) => { if (last !== null) out.push(ts - last); last = ts; if (ts < end) requestAnimationFrame(f); else ok(out); };
    requestAnimationFrame(f);
  }), SECONDS);
  const inflight = Number(await text(page, 'inflight'));
  const sorted = [...deltas].sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const res = {
    scenario: name, query,
    fps: +(deltas.length / (deltas.reduce((a, b) => a + b, 0) / 1000)).toFixed(1),
    p50_ms: +pct(0.5).toFixed(2), p95_ms: +pct(0.95).toFixed(2), p99_ms: +pct(0.99).toFixed(2),
    in_flight_at_end: inflight,
    app_paints_per_s: +((p1 - p0) / wall).toFixed(1),
    simulated_s_per_s: +((s1 - s0) / wall).toFixed(2),
    main_thread_cpu_ms_per_s: +(((m1.TaskDuration - m0.TaskDuration) * 1000) / wall).toFixed(1),
    all_processes_cpu_ms_per_s: +(((c1 - c0) * (1000 / TICK)) / wall).toFixed(1),
    console_errors: errors.length,
  };
  await page.close();
  return res;
}

async function core(browser, base) {
  const { page } = await openApp(browser, base, '?paused=1');
  const rates = [];
  for (let i = 0; i < 5; i++) rates.push(await page.evaluate(() => window.wasmBindings.bench_core(3_000_000)));
  rates.sort((a, b) => a - b);
  await page.close();
  return { scenario: 'core-in-wasm', workload: '50-node all-to-all heartbeat, 3M events per run', median_M_events_per_s: +(rates[2] / 1e6).toFixed(2), min: +(rates[0] / 1e6).toFixed(2), max: +(rates[4] / 1e6).toFixed(2) };
}

// Going back in time: a long run with the page's timeline, then random seeks.
async function seek(browser, base, query, seconds) {
  const { page } = await openApp(browser, base, '?paused=1');
  const r = JSON.parse(await page.evaluate(([q, s]) => window.wasmBindings.bench_seek(q, s, 40), [query, seconds]));
  await page.close();
  return { scenario: 'seek', query, simulated_s: seconds, ...r };
}

// Panning the space-time diagram over a run of 1,000,000 events, from its end
// back to its start: one pan step (a fifth of a ~1.2 s window, as the ← key
// does) per animation frame, every frame timed. The live trace keeps the last
// 131,072 events; older windows are rebuilt from snapshots as the pan reaches
// them (the frame loop gives that 10 ms a frame). One step a frame is a
// 14-simulated-seconds-a-second fling; one every 3 frames is about the
// keyboard's auto-repeat.
async function pan(browser, base, every) {
  const query = '?nodes=100&seed=1&speed=64&view=both&latency=uniform&lat_min=100&lat_max=200';
  const { page, errors } = await openApp(browser, base, query);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=events]').textContent) >= 1_000_000, null, { timeout: 180000 });
  await page.click('[data-testid=play]'); // pause
  await sleep(500);
  const events = Number(await text(page, 'events'));
  const st = page.locator('[data-testid=spacetime]');
  await st.focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
  await sleep(300);
  const r = await page.evaluate((every) => new Promise((ok) => {
    const c = document.querySelector('[data-testid=spacetime]');
    const frames = []; let last = null; let steps = 0; let waiting = 0; let rebuilt = 0;
    const from = () => parseFloat(c.getAttribute('aria-label').match(/from ([\d.]+) s/)[1]);
    const span = () => { const m = c.getAttribute('aria-label').match(/from ([\d.]+) s to ([\d.]+) s/); return m[2] - m[1]; };
    const f = (ts) => {
      if (last !== null) frames.push(ts - last);
      last = ts;
      const h = c.getAttribute('data-history');
      if (h === 'rebuilding') { waiting++; requestAnimationFrame(f); return; }
      if (h === 'rebuilt') rebuilt++;
      if (from() <= 0.0005) { ok({ frames, steps, waiting, rebuilt, span: span() }); return; }
      if (frames.length % every) { requestAnimationFrame(f); return; }
      c.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
      steps++;
      requestAnimationFrame(f);
    };
    requestAnimationFrame(f);
  }), every);
  const sorted = [...r.frames].sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  await page.close();
  return {
    scenario: 'pan', query, events, frames_per_step: every, window_s: +r.span.toFixed(2), pan_steps: r.steps,
    frames_on_rebuilt_history: r.rebuilt, frames_waiting_for_a_rebuild: r.waiting,
    fps: +(r.frames.length / (r.frames.reduce((a, b) => a + b, 0) / 1000)).toFixed(1),
    p50_ms: +pct(0.5).toFixed(1), p95_ms: +pct(0.95).toFixed(1), max_ms: +sorted[sorted.length - 1].toFixed(1),
    console_errors: errors.length,
  };
}

const SCENARIOS = {
  frames5: '?nodes=5&seed=1',
  frames5paused: '?nodes=5&seed=1&paused=1',
  frames5fast: '?nodes=5&seed=1&speed=1',
  frames100: '?nodes=100&seed=1&speed=1&latency=uniform&lat_min=100&lat_max=200',
  frames100lossy: '?nodes=100&seed=1&speed=1&latency=uniform&lat_min=100&lat_max=200&loss=0.1',
  frames100fd: '?nodes=100&seed=1&speed=1&latency=uniform&lat_min=100&lat_max=200&detector=phi',
  frames200: '?nodes=200&seed=1&speed=1&latency=uniform&lat_min=20&lat_max=60',
  frames100both: '?nodes=100&seed=1&speed=1&latency=uniform&lat_min=100&lat_max=200&view=both',
  frames5both: '?nodes=5&seed=1&view=both',
  frames9raft: '?workload=raft&nodes=9&seed=1&interval=150&detector=timeout&fd_timeout=500&speed=1',
  frames9raftboth: '?workload=raft&nodes=9&seed=1&interval=150&detector=timeout&fd_timeout=500&speed=1&view=both',
  frames300swim: '?nodes=300&seed=1&detector=swim&interval=1000&speed=1&latency=uniform&lat_min=20&lat_max=60',
  frames300phi: '?nodes=300&seed=1&detector=phi&interval=1000&speed=1&latency=uniform&lat_min=20&lat_max=60',
  frames16kv: '?workload=kv&layout=sharded&servers=16&nodes=24&load=2000&keys=256&interval=100&latency=uniform&lat_min=5&lat_max=20&speed=1',
};

// First picture on screen: from navigation (a fresh page, nothing cached) to
// the first painted frame of the picture, and the browser's own first paint.
async function firstPaint(browser, base, query) {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.goto(`${base}/${query}`);
    await page.waitForFunction(() => window.wasmBindings && window.wasmBindings.first_paint_ms() > 0, null, { timeout: 10000 });
    runs.push(await page.evaluate(() => ({
      picture: window.wasmBindings.first_paint_ms(),
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      wasm_kb: Math.round((performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'))?.transferSize ?? 0) / 1024),
    })));
    await ctx.close();
  }
  const pic = runs.map((r) => r.picture).sort((a, b) => a - b);
  return {
    scenario: 'first-paint', query,
    picture_ms_median: +pic[2].toFixed(0), picture_ms_max: +pic[4].toFixed(0),
    first_contentful_paint_ms_median: +runs.map((r) => r.fcp).sort((a, b) => a - b)[2].toFixed(0),
    wasm_transfer_kb: runs[0].wasm_kb,
  };
}

// This browser's floor: what an empty rAF loop and a one-dot canvas animation cost.
async function floor(browser, mode) {
  const srv = await serve(new URL('./floor', import.meta.url).pathname);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${srv.url}/?mode=${mode}`);
  await sleep(1500);
  const pids = chromiumPids();
  const c0 = cpuTicks(pids);
  const t0 = Date.now();
  await sleep(SECONDS * 1000);
  const wall = (Date.now() - t0) / 1000;
  const res = { scenario: `floor-${mode}`, all_processes_cpu_ms_per_s: +(((cpuTicks(pids) - c0) * (1000 / TICK)) / wall).toFixed(1) };
  await page.close();
  await srv.close();
  return res;
}

// The service's sweep: 5 sizes (or 8 loads) × 60 simulated seconds, sliced
// between browser tasks: how long it takes, and the frame rate meanwhile.
async function sweep(browser, base, query, button) {
  const { page, errors } = await openApp(browser, base, query);
  await page.waitForSelector('[data-testid=kv-figures]');
  await page.evaluate(() => { window.__frames = 0; const f = () => { window.__frames++; requestAnimationFrame(f); }; requestAnimationFrame(f); });
  const t0 = Date.now();
  await page.click(`[data-testid=${button}]`);
  await page.waitForSelector('[data-testid=sweep-table]', { timeout: 120000 });
  const wall = (Date.now() - t0) / 1000;
  const frames = await page.evaluate(() => window.__frames);
  const rows = await page.locator('[data-testid=sweep-table] tr').allTextContents();
  await page.close();
  return { scenario: 'sweep', query, button, wall_s: +wall.toFixed(2), fps_during: +(frames / wall).toFixed(1), points: rows.length - 1, console_errors: errors.length };
}

// A course page with three embeds, two of them far below the fold, against
// a page with one: what the off-screen ones cost (they should sleep).
async function embeds(browser, base) {
  const frame = (q) => `<iframe src="${base}/index.html?${q}&embed=1&autoplay=1" style="width:640px;height:400px;border:0"></iframe>`;
  const q = 'scenario=crash';
  const one = `<!doctype html><body>${frame(q)}</body>`;
  const three = `<!doctype html><body>${frame(q)}<div style="height:4000px"></div>${frame(q)}<div style="height:4000px"></div>${frame(q)}</body>`;
  const cost = async (html) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.setContent(html);
    await sleep(4000);
    const pids = chromiumPids();
    const c0 = cpuTicks(pids);
    const t0 = Date.now();
    await sleep(SECONDS * 1000);
    const ms = ((cpuTicks(pids) - c0) * (1000 / TICK)) / ((Date.now() - t0) / 1000);
    const times = [];
    for (const f of page.frames().slice(1)) times.push(await f.evaluate(() => document.querySelector('[data-testid=time]')?.textContent));
    await page.close();
    return { ms, times };
  };
  const a = await cost(one);
  const b = await cost(three);
  return { scenario: 'embeds', one_embed_cpu_ms_per_s: Math.round(a.ms), three_embeds_two_offscreen_cpu_ms_per_s: Math.round(b.ms), ratio: +(b.ms / a.ms).toFixed(2), times_three: b.times };
}

const only = process.argv[2];
const server = await serve(process.env.DIST || undefined);
const browser = await launch();
try {
  for (const [name, q] of Object.entries(SCENARIOS)) {
    if (only && only !== name) continue;
    console.log(JSON.stringify(await frames(browser, server.url, name, q)));
  }
  if (!only || only === 'core') console.log(JSON.stringify(await core(browser, server.url)));
  for (const every of [1, 3]) {
    if (!only || only === 'pan') console.log(JSON.stringify(await pan(browser, server.url, every)));
  }
  if (!only || only === 'seek') {
    for (const q of ['nodes=100&seed=1&latency=uniform&lat_min=100&lat_max=200', 'nodes=100&seed=1&latency=uniform&lat_min=100&lat_max=200&detector=phi']) {
      console.log(JSON.stringify(await seek(browser, server.url, q, 600)));
    }
  }
  if (!only || only === 'embeds') console.log(JSON.stringify(await embeds(browser, server.url)));
  if (!only || only === 'firstpaint') {
    for (const q of ['', '?lesson=message-passing', '?nodes=300&detector=phi&seed=1']) console.log(JSON.stringify(await firstPaint(browser, server.url, q)));
  }
  if (!only || only === 'sweep') {
    const q = '?workload=kv&layout=sharded&servers=4&nodes=12&load=2000&keys=256&paused=1';
    console.log(JSON.stringify(await sweep(browser, server.url, q, 'sweep-servers')));
    console.log(JSON.stringify(await sweep(browser, server.url, q, 'sweep-load')));
  }
  for (const mode of ['raf', 'dot', 'waapi']) {
    if (!only || only === 'floor') console.log(JSON.stringify(await floor(browser, mode)));
  }
} finally {
  await browser.close();
  await server.close();
}
