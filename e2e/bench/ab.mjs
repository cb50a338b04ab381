// A/B of our page: builds and stubs, alternating, in one browser. For each
// variant, the renderer main thread's busy time (CDP TaskDuration) and the
// CPU of every Chromium process (/proc), per wall second; medians of RUNS.
//
//   V=base,nocanvas,nopanel,noanim node e2e/bench/ab.mjs      # what each part costs
//   DIST1=/tmp/old/dist V=dist1,base node e2e/bench/ab.mjs    # another build beside dist/
//   CSS1='.panel{contain:strict}' V=base,css1 node e2e/bench/ab.mjs
//   JS1='<script run before the page>' V=base,js1 node e2e/bench/ab.mjs
//
// Variants: `base` (dist/ as it is); `nocanvas` (every 2D-context method a
// no-op: the canvas never changes); `nopanel` (the side panel hidden: its
// style, layout and paint gone, its script kept); `noanim` (Element.animate
// a no-op: the dots stay still, uncomposited); `distN` (the build in $DISTN);
// `cssN` (the style in $CSSN added); `jsN` (the script in $JSN run first). QUERY picks the page (default
// '?nodes=5&seed=1'), RUNS the rounds (3), SECONDS the measured time (6).
import { serve, launch, openApp, measureCpu } from '../lib.mjs';

const RUNS = Number(process.env.RUNS || 3);
const SECONDS = Number(process.env.SECONDS || 6);
const QUERY = process.env.QUERY || '?nodes=5&seed=1';

const addStyle = (css) => `document.addEventListener('DOMContentLoaded', () => { const s = document.createElement('style'); s.textContent = ${JSON.stringify(css)}; document.head.append(s); });`;
const STUBS = {
  base: '',
  nocanvas: `for (const k of Object.getOwnPropertyNames(CanvasRenderingContext2D.prototype)) {
    const d = Object.getOwnPropertyDescriptor(CanvasRenderingContext2D.prototype, k);
    if (typeof d.value === 'function' && k !== 'constructor') CanvasRenderingContext2D.prototype[k] = function () {};
    else if (d.set) Object.defineProperty(CanvasRenderingContext2D.prototype, k, { set() {}, get() { return ''; } });
  }`,
  nopanel: addStyle('aside.panel{display:none !important}'),
  noanim: `Element.prototype.animate = function () { return { cancel() {}, pause() {}, play() {} }; };`,
};
for (const [k, v] of Object.entries(process.env)) if (/^CSS\d$/.test(k)) STUBS[k.toLowerCase()] = addStyle(v);
for (const [k, v] of Object.entries(process.env)) if (/^JS\d$/.test(k)) STUBS[k.toLowerCase()] = v;

const names = (process.env.V || 'base,nocanvas,nopanel,noanim').split(',');
const ours = await serve();
const servers = {};
for (const [k, v] of Object.entries(process.env)) {
  if (/^DIST\d$/.test(k)) {
    servers[k.toLowerCase()] = await serve(v);
    STUBS[k.toLowerCase()] = '';
  }
}
for (const n of names) if (!(n in STUBS)) throw new Error(`unknown variant ${n}`);
const browser = await launch();
const rows = Object.fromEntries(names.map((n) => [n, []]));
for (let i = 0; i < RUNS; i++) {
  for (const n of names) {
    const { page, errors } = await openApp(browser, (servers[n] || ours).url, QUERY, undefined, { init: STUBS[n] });
    const row = { ...(await measureCpu(page, SECONDS)), errors: errors.length };
    await page.close();
    rows[n].push(row);
    console.log(JSON.stringify({ run: i + 1, variant: n, ...row }, (k, v) => (typeof v === 'number' ? +v.toFixed(1) : v)));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const n of names) {
  const m = (k) => median(rows[n].map((r) => r[k])).toFixed(1);
  console.log(`${n.padEnd(9)} main ${m('main')} ms/s, all processes ${m('all')}, renderer ${m('renderer')}, GPU process ${m('gpu')} (medians of ${RUNS})`);
}
await browser.close();
await ours.close();
for (const s of Object.values(servers)) await s.close();
