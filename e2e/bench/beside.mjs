// Our page beside another animated page (RaftScope), measured in one run:
// the renderer main thread's busy time (CDP Performance.getMetrics
// TaskDuration) and the user+system time of every Chromium process (/proc),
// per wall second, each page alone in the browser, alternating, RUNS times.
//
//   node e2e/bench/beside.mjs /path/to/raftscope            # its index.html
//   QUERY='?nodes=5&seed=1' RUNS=3 node e2e/bench/beside.mjs DIR
//
// The other page is not part of this repository: bring your own copy (for
// RaftScope: its files and its jQuery, Bootstrap 3, bootstrap-slider and
// bootstrap-contextmenu, from the npm registry). Ours is `dist/` (run
// `trunk build --release` first).
import fs from 'node:fs';
import { serve, launch } from '../lib.mjs';

const other = process.argv[2];
if (!other || !fs.existsSync(`${other}/index.html`)) {
  console.error('usage: node e2e/bench/beside.mjs DIR   (DIR/index.html: the page to measure beside ours)');
  process.exit(2);
}
const QUERY = process.env.QUERY || '?nodes=5&seed=1';
const RUNS = Number(process.env.RUNS || 3);
const SECONDS = Number(process.env.SECONDS || 6);
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

// Every Chromium process's user+system ticks, by process type (renderer,
// gpu-process, browser, ...).
function cpuTicks() {
  const out = {};
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (!cmd.startsWith('/usr/lib/chromium/')) continue;
      const type = (cmd.match(/--type=([a-z-]+)/) || [null, 'browser'])[1];
      const s = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      out[type] = (out[type] || 0) + Number(f[11]) + Number(f[12]);
    } catch { /* gone */ }
  }
  return out;
}

async function measure(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await sleep(2500);
  const metric = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const m0 = await metric();
  const c0 = cpuTicks();
  const t0 = Date.now();
  await sleep(SECONDS * 1000);
  const wall = (Date.now() - t0) / 1000;
  const m1 = await metric();
  const c1 = cpuTicks();
  await page.close();
  const per = (k) => (((c1[k] || 0) - (c0[k] || 0)) * 10) / wall; // USER_HZ = 100
  return {
    main: ((m1.TaskDuration - m0.TaskDuration) * 1000) / wall,
    all: Object.keys(c1).reduce((a, k) => a + per(k), 0),
    renderer: per('renderer'),
    gpu: per('gpu-process'),
    errors: errors.length,
  };
}

const ours = await serve();
const theirs = await serve(other);
const browser = await launch();
const rows = { ours: [], other: [] };
for (let i = 0; i < RUNS; i++) {
  rows.ours.push(await measure(browser, `${ours.url}/${QUERY}`));
  rows.other.push(await measure(browser, `${theirs.url}/index.html`));
  console.log(JSON.stringify({ run: i + 1, ours: rows.ours[i], other: rows.other[i] }, (k, v) => (typeof v === 'number' ? +v.toFixed(1) : v)));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sum = (k) => ({ ours: median(rows.ours.map((r) => r[k])), other: median(rows.other.map((r) => r[k])) });
const NAMES = { main: 'main thread', all: 'all processes', renderer: 'renderer process', gpu: 'GPU process' };
for (const k of Object.keys(NAMES)) {
  const s = sum(k);
  console.log(`${NAMES[k]}: ours ${s.ours.toFixed(1)} ms/s, other ${s.other.toFixed(1)} ms/s, ratio ${(s.ours / s.other).toFixed(3)} (medians of ${RUNS})`);
}
await browser.close();
await ours.close();
await theirs.close();
