// Compares two builds of the page screen by screen: same queries, same key
// presses and clicks, full-page screenshots, byte-compared. For refactors that
// must not change what users see (BENCHMARKS.md and ARCHITECTURE.md say when).
//
//   node e2e/bench/compare.mjs /path/to/old/dist /path/to/new/dist [outdir]
//
// Each state is reached by steps (S), never by wall-clock time, and with
// reduced motion (no fades), so both builds show exactly the same screen. The
// detector chart samples as frames come, so it may differ by a sample or two. Prints one line per state; exits 1 on a difference.
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch } from '../lib.mjs';

const [oldDist, newDist, out = '/tmp/compare'] = process.argv.slice(2);
if (!oldDist || !newDist) {
  console.error('usage: node e2e/bench/compare.mjs OLD_DIST NEW_DIST [OUTDIR]');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });

// name, query, actions: a number = that many steps; a string = a selector to
// click; ['type', selector, text] = type text and press Enter.
const STATES = [
  ['5-nodes', '?nodes=5&seed=1&paused=1', [40]],
  ['100-nodes', '?nodes=100&seed=1&paused=1', [200]],
  ['phi-crash', '?scenario=phi&paused=1', [400]],
  ['rpc-crash', '?workload=rpc&nodes=4&seed=3&paused=1', [150, '[data-testid=node-0]', '[data-testid=crash]', 60]],
  ['rpc-alo-dup', '?workload=rpc&nodes=4&seed=5&paused=1&mode=at-least-once&dup=0.3', [400]],
  ['field-error', '?nodes=5&seed=1&paused=1', [['type', '[data-testid=f-loss]', 'abc']]],
  ['help', '?nodes=5&seed=1&paused=1', ['[data-testid=help]']],
  ['partition', '?nodes=6&seed=2&paused=1', [['type', '[data-testid=f-group]', '0-2'], '[data-testid=split]', 80]],
  ['embed', '?scenario=crash&embed=1', [30, '[data-testid=about]']],
  ['phone', '?scenario=at-most-once&paused=1', [50], { width: 375, height: 800 }],
];

async function shoot(browser, base, [name, query, actions, viewport], tag) {
  // Reduced motion: no wall-clock fades, so a state is the same screen every time.
  const page = await browser.newPage({ viewport: viewport || { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/${query}`);
  await page.waitForSelector('[data-testid=canvas]');
  await page.waitForFunction(() => window.wasmBindings !== undefined);
  await page.waitForTimeout(300);
  for (const a of actions) {
    if (typeof a === 'number') {
      for (let i = 0; i < a; i++) await page.keyboard.press('s');
    } else if (typeof a === 'string') {
      await page.click(a);
    } else {
      await page.fill(a[1], a[2]);
      await page.press(a[1], 'Enter');
    }
    await page.waitForTimeout(150);
  }
  // Let the last frame and panel render land, with nothing playing.
  await page.waitForTimeout(1000);
  const file = path.join(out, `${name}-${tag}.png`);
  const png = await page.screenshot({ path: file, fullPage: true });
  await page.close();
  return { png, errors };
}

const browser = await launch();
const a = await serve(oldDist);
const b = await serve(newDist);
let differ = 0;
for (const st of STATES) {
  const x = await shoot(browser, a.url, st, 'old');
  const y = await shoot(browser, b.url, st, 'new');
  const same = Buffer.compare(x.png, y.png) === 0;
  if (!same) differ++;
  console.log(`${same ? 'same   ' : 'DIFFERS'} ${st[0]}${[...x.errors, ...y.errors].map((e) => `  error: ${e}`).join('')}`);
}
await browser.close();
await a.close();
await b.close();
process.exit(differ ? 1 : 0);
