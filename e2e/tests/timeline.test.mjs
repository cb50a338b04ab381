// End-to-end tests of going back in time: step back, the timeline scrubber,
// and acting in the past (a fork), each checked against a fresh replay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp, text } from '../lib.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const events = async (page) => Number(await text(page, 'events'));

/** A fresh page of the same run, stepped `n` events from the start. */
async function freshDigest(query, n) {
  const { page } = await openApp(browser, server.url, query);
  for (let i = 0; i < n; i++) await page.keyboard.press('s');
  await page.waitForFunction((k) => Number(document.querySelector('[data-testid=events]').textContent) === k, n);
  const d = await text(page, 'digest');
  await page.close();
  return d;
}

test('stepping back one event at a time gives exactly the run at that event', async () => {
  const query = '?nodes=4&seed=9&paused=1&loss=0.1&detector=timeout';
  const { page, errors } = await openApp(browser, server.url, query);
  for (let i = 0; i < 80; i++) await page.keyboard.press('s');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=events]').textContent) === 80);
  const t80 = parseFloat(await text(page, 'time'));
  for (let i = 0; i < 15; i++) await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=events]').textContent) === 65);
  assert.ok(parseFloat(await text(page, 'time')) <= t80, 'true time went back');
  assert.equal(await page.locator('[data-testid=behind]').count(), 1, 'the page says it is in the past');
  assert.equal(await text(page, 'digest'), await freshDigest(query, 65), 'same digest as stepping 65 from the start');
  await page.click('[data-testid=step-back]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=events]').textContent) === 64);
  // Forward again replays the same run.
  for (let i = 0; i < 16; i++) await page.keyboard.press('s');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=events]').textContent) === 80);
  assert.equal(parseFloat(await text(page, 'time')), t80);
  await page.keyboard.press('Home');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=events]').textContent) === 0);
  assert.equal(parseFloat(await text(page, 'time')), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the timeline scrubber goes back in time; a link to that moment replays to the same digest; acting there forks the run', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/?nodes=5&seed=21&speed=8&detector=phi&loss=0.05`);
  await page.waitForFunction(() => window.wasmBindings !== undefined);
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=time]').textContent) > 12, null, { timeout: 20000 });
  await page.click('[data-testid=node-3]');
  await page.click('[data-testid=crash]');
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=time]').textContent) > 18, null, { timeout: 20000 });
  await page.click('[data-testid=play]'); // pause
  const slider = page.getByRole('slider', { name: /timeline/i });
  const max = Number(await slider.getAttribute('max'));
  const tEnd = parseFloat(await text(page, 'time'));
  assert.ok(max / 1e6 >= tEnd - 0.01, 'the timeline spans the run so far');
  // Scrub to 6 s: before the crash.
  await slider.fill('6000000');
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=time]').textContent) === 6);
  assert.match(await page.getAttribute('[data-testid=node-3]', 'aria-label'), /up/, 'before the crash, node 3 is up');
  const digest = await text(page, 'digest');
  // A link to this moment is a fresh replay from the start.
  await page.click('[data-testid=copy-link]');
  await page.waitForSelector('[data-testid=share-text]');
  const link = await page.inputValue('[data-testid=share-text]');
  const again = await ctx.newPage();
  await again.goto(link);
  await again.waitForFunction(() => window.wasmBindings !== undefined);
  assert.equal(await text(again, 'digest'), digest, 'the scrubbed-to moment is the run at that instant');
  await again.close();
  // Acting in the past forks the run: the later crash of node 3 is dropped.
  await page.click('[data-testid=node-1]');
  await page.click('[data-testid=crash]');
  assert.match(await text(page, 'notice'), /new branch.*1 later action was dropped/);
  assert.equal(await page.locator('[data-testid=behind]').count(), 0);
  for (let i = 0; i < 400; i++) await page.keyboard.press('s');
  assert.match(await page.getAttribute('[data-testid=node-1]', 'aria-label'), /crashed/);
  assert.match(await page.getAttribute('[data-testid=node-3]', 'aria-label'), /up/, 'the dropped crash does not happen');
  const forkDigest = await text(page, 'digest');
  await page.click('[data-testid=copy-link]');
  await page.waitForFunction((l) => document.querySelector('[data-testid=share-text]').value !== l, link);
  const forkLink = await page.inputValue('[data-testid=share-text]');
  assert.doesNotMatch(forkLink, /crash\+3/, 'the link holds the fork, not the dropped action');
  const third = await ctx.newPage();
  await third.goto(forkLink);
  await third.waitForFunction(() => window.wasmBindings !== undefined);
  assert.equal(await text(third, 'digest'), forkDigest, 'the fork replays from its link');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a message in flight can be dropped, delayed or duplicated by hand; the link reproduces it', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/?nodes=4&seed=3&paused=1&view=both`);
  await page.waitForFunction(() => window.wasmBindings !== undefined);
  for (let i = 0; i < 12; i++) await page.keyboard.press('s');
  // M selects a message on its way, by keyboard.
  await page.keyboard.press('m');
  await page.waitForSelector('[data-testid=message-hands]');
  const title = await page.textContent('[data-testid=inspector-message] .big');
  const id = title.match(/Message m(\d+)/)[1];
  assert.match(await text(page, 'message-status'), /in flight/);
  await page.keyboard.press('x');
  await page.waitForFunction(() => /dropped by hand/.test(document.querySelector('[data-testid=message-status]').textContent));
  assert.equal(await page.locator('[data-testid=message-hands]').count(), 0, 'no more hands on a dropped message');
  await page.keyboard.press('s');
  await page.waitForFunction((m) => [...document.querySelectorAll('[data-testid=log] li')].some((li) => li.textContent.includes(`DROP`) && li.textContent.includes(`(m${m})`) && li.textContent.includes('dropped by hand')), id);
  // Another one is delayed, a third duplicated, with the inspector's buttons.
  await page.keyboard.press('m');
  await page.waitForSelector('[data-testid=message-hands]');
  await page.fill('[data-testid=f-delay]', 'soon');
  await page.click('[data-testid=delay-message]');
  assert.match(await text(page, 'f-delay-error'), /Delay by \(ms\)/);
  await page.fill('[data-testid=f-delay]', '750');
  await page.click('[data-testid=delay-message]');
  await page.keyboard.press('m');
  await page.waitForSelector('[data-testid=message-hands]');
  await page.click('[data-testid=duplicate-message]');
  for (let i = 0; i < 40; i++) await page.keyboard.press('s');
  const digest = await text(page, 'digest');
  await page.click('[data-testid=copy-link]');
  await page.waitForSelector('[data-testid=share-text]');
  const link = await page.inputValue('[data-testid=share-text]');
  assert.match(link, new RegExp(`cmd=\\d+@[\\d.]+:drop\\+${id}(&|$)`));
  assert.match(link, /:delay\+\d+\+0\.75(&|$)/);
  assert.match(link, /:duplicate\+\d+(&|$)/);
  const again = await ctx.newPage();
  await again.goto(link);
  await again.waitForFunction(() => window.wasmBindings !== undefined);
  assert.equal(await text(again, 'digest'), digest, 'the link reproduces the run with its hand-made changes');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('jump to a marked moment: the start, right after any action, or a first suspicion', async () => {
  const { page, errors } = await openApp(browser, server.url, '?scenario=crash&speed=8');
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=time]').textContent) > 6, null, { timeout: 20000 });
  await page.click('[data-testid=play]'); // pause
  const jump = page.getByRole('combobox', { name: /jump to a moment/i });
  const options = await jump.locator('option').allTextContents();
  const crash = options.find((o) => /crash n2/.test(o));
  assert.ok(crash, `the scripted crash is a mark: ${options.join(' | ')}`);
  await jump.selectOption({ label: crash });
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=time]').textContent) === 3);
  assert.match(await page.getAttribute('[data-testid=node-2]', 'aria-label'), /crashed/, 'right after the crash');
  assert.equal(await page.locator('[data-testid=behind]').count(), 1);
  await jump.selectOption({ label: 'the start' });
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=time]').textContent) === 0);
  assert.match(await page.getAttribute('[data-testid=node-2]', 'aria-label'), /up/);
  // The first suspicion of the crashed node is a moment too, offered ahead of
  // where the run now is (it happened after the crash); it lands right after.
  const first = (await jump.locator('option').allTextContents()).find((o) => /n\d suspects n2, which is down/.test(o));
  assert.ok(first, 'the detection of the crash is a mark');
  assert.equal(await page.locator('td.sus').count(), 0, 'at the start nobody suspects anybody');
  await jump.selectOption({ label: first });
  const at = parseFloat(first);
  assert.ok(at > 3, `detected after the crash at 3 s: ${first}`);
  await page.waitForFunction((s) => Math.abs(parseFloat(document.querySelector('[data-testid=time]').textContent) - s) < 0.0015, at);
  // The observer's row, n2's column: suspected; nobody else suspects n2 yet.
  const observer = Number(first.match(/n(\d) suspects n2/)[1]);
  const column = await page.evaluate(() => [...document.querySelectorAll('[data-testid=matrix] tr')].slice(1).map((r) => r.children[3]?.className || ''));
  assert.deepEqual(column.map((c, i) => [i, /sus/.test(c)]).filter(([, s]) => s).map(([i]) => i), [observer], `n2's column: ${column}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the diagram shows any stretch of the past: what the live trace no longer holds is rebuilt from a snapshot, event for event', async () => {
  // 100 nodes: ~20,000 events a simulated second, a snapshot every 150,000.
  const q = '?nodes=100&seed=1&view=both&latency=uniform&lat_min=100&lat_max=200';
  const { page, errors } = await openApp(browser, server.url, `${q}&speed=8`);
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=time]').textContent) > 10, null, { timeout: 60000 });
  await page.click('[data-testid=play]'); // pause
  /** Zooms the diagram out to ~2.4 s before now (9 s) and reads what it shows. */
  const look = async (p) => {
    await p.waitForFunction(() => parseFloat(document.querySelector('[data-testid=time]').textContent) === 9);
    const st = p.locator('[data-testid=spacetime]');
    await st.focus();
    for (let i = 0; i < 7; i++) await p.keyboard.press('ArrowDown');
    await p.waitForFunction(() => document.querySelector('[data-testid=spacetime]').getAttribute('data-history') !== 'rebuilding', null, { timeout: 20000 });
    await sleep(300);
    return {
      history: await st.getAttribute('data-history'),
      arrows: Number(await st.getAttribute('data-arrows')),
      probe: await st.getAttribute('data-probe'),
      label: (await st.getAttribute('aria-label')).match(/from [\d.]+ s to [\d.]+ s/)[0],
    };
  };
  // Back to 9 s: rebuilt from the snapshot at ~7.5 s, so the window's first
  // second is older than the live trace: it is replayed again.
  await page.getByRole('slider', { name: /timeline/i }).fill('9000000');
  await page.click('[data-testid=copy-link]');
  await page.waitForSelector('[data-testid=share-text]');
  const link = await page.inputValue('[data-testid=share-text]');
  const rebuilt = await look(page);
  assert.equal(rebuilt.history, 'rebuilt');
  // A link to that moment replays 9 s from the start: its live trace holds the window.
  const fresh = await openApp(browser, server.url, link.slice(link.indexOf('?')));
  const live = await look(fresh.page);
  assert.equal(live.history, 'live');
  assert.equal(rebuilt.label, live.label, 'the same window');
  assert.ok(live.arrows > 10000, `a busy window: ${live.arrows} arrows`);
  assert.equal(rebuilt.arrows, live.arrows, 'the same messages');
  // The probe: x, y and id of a recent arrow's middle (y depends on the
  // diagram's height, which the "back in time" line changes).
  const xId = (p) => { const [x, , id] = p.split(','); return `${x},${id}`; };
  assert.equal(xId(rebuilt.probe), xId(live.probe), 'drawn in the same places');
  assert.deepEqual([...errors, ...fresh.errors], []);
  await page.close();
  await fresh.page.close();
});
