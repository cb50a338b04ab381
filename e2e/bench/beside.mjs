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
import { serve, launch, measureCpu } from '../lib.mjs';

const other = process.argv[2];
if (!other || !fs.existsSync(`${other}/index.html`)) {
  console.error('usage: node e2e/bench/beside.mjs DIR   (DIR/index.html: the page to measure beside ours)');
  process.exit(2);
}
const QUERY = process.env.QUERY || '?nodes=5&seed=1';
const RUNS = Number(process.env.RUNS || 3);
const SECONDS = Number(process.env.SECONDS || 6);

async function measure(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  const cpu = await measureCpu(page, SECONDS);
  await page.close();
  return { ...cpu, errors: errors.length };
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
