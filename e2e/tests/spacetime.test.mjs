// End-to-end tests of the space-time diagram: a lane per node, an arrow per
// message (counted against the exported trace), the same selection as the
// ring, the time axis as a way to go back in time, and the view in the URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, launch, openApp as openRing, text } from '../lib.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Opens the app at `query` (whatever the view) and waits until it runs. */
async function openApp(browser, base, query) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/${query}`);
  await page.waitForSelector('[data-testid=digest]');
  await page.waitForFunction(() => window.wasmBindings !== undefined);
  return { page, errors };
}

test('the diagram has a lane per node and an arrow per message sent, as the trace says', async () => {
  const { page, errors } = await openApp(browser, server.url, '?nodes=4&seed=6&paused=1&loss=0.2&view=spacetime');
  assert.equal(await page.locator('[data-testid=canvas]').count(), 0, 'the ring is hidden in this view');
  const st = page.locator('[data-testid=spacetime]');
  for (let i = 0; i < 60; i++) await page.keyboard.press('s');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=events]').textContent) === 60);
  await sleep(400);
  assert.equal(await st.getAttribute('data-lanes'), '4');
  // It is drawn: sized to its box, with lanes and arrows on it.
  const drawn = await page.evaluate(() => {
    const c = document.querySelector('[data-testid=spacetime]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) ink++;
    return { sized: c.width === Math.round(c.clientWidth * devicePixelRatio), ink };
  });
  assert.ok(drawn.sized, 'the canvas follows its box');
  assert.ok(drawn.ink > 2000, `lanes and arrows are drawn (${drawn.ink} inked pixels)`);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-trace]')]);
  const trace = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
  const sends = trace.events.filter((e) => e.kind === 'send').length;
  assert.ok(sends > 20, `a real run: ${sends} sends`);
  assert.ok(trace.events.some((e) => e.kind === 'send' && e.lost), 'with some lost messages');
  assert.equal(Number(await st.getAttribute('data-arrows')), sends, 'one arrow per message copy sent');
  assert.match(await st.getAttribute('aria-label'), new RegExp(`4 lanes, ${sends} message arrows`));
  assert.deepEqual(errors, []);
  await page.close();
});

test('selecting in the diagram selects in the ring; the time axis goes back in time; keys pan and zoom', async () => {
  const { page, errors } = await openRing(browser, server.url, '?nodes=5&seed=8&paused=1&view=both');
  for (let i = 0; i < 80; i++) await page.keyboard.press('s');
  await sleep(400);
  const st = page.locator('[data-testid=spacetime]');
  const [x, y, id] = (await st.getAttribute('data-probe')).split(',');
  await st.click({ position: { x: Number(x), y: Number(y) } });
  await page.waitForSelector('[data-testid=inspector-message]');
  assert.match(await page.textContent('[data-testid=inspector-message]'), new RegExp(`Message m${id}(?!\\d)`));
  assert.match(await text(page, 'message-status'), /arrived at/);
  // A lane selects its node, here and in the ring.
  const box = await st.boundingBox();
  const laneY = 22 + (box.height - 30) * (3.5 / 5);
  await st.click({ position: { x: 20, y: laneY } });
  await page.waitForFunction(() => document.querySelector('[data-testid=node-3]').getAttribute('aria-pressed') === 'true');
  // The time axis: a click there goes to that instant.
  const t = parseFloat(await text(page, 'time'));
  await st.click({ position: { x: 60, y: 8 } });
  await page.waitForFunction((t0) => parseFloat(document.querySelector('[data-testid=time]').textContent) < t0, t);
  assert.equal(await page.locator('[data-testid=behind]').count(), 1);
  // Keys on the diagram pan and zoom it, and do not step the run.
  const events = await text(page, 'events');
  await st.focus();
  const label = await st.getAttribute('aria-label');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowLeft');
  await sleep(300);
  assert.notEqual(await st.getAttribute('aria-label'), label, 'the window changed');
  assert.match(await st.getAttribute('aria-label'), /Drag/);
  assert.equal(await text(page, 'events'), events, 'the run did not move');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the view is in the URL, in links, and in embed mode', async () => {
  const { page, errors } = await openApp(browser, server.url, '?scenario=crash&embed=1&view=both');
  assert.equal(await page.locator('[data-testid=spacetime]').count(), 1);
  assert.equal(await page.locator('[data-testid=canvas]').count(), 1);
  await page.close();
  const full = await openApp(browser, server.url, '?scenario=crash&paused=1');
  await full.page.click('[data-testid=view-spacetime]');
  await full.page.click('[data-testid=copy-link]');
  await full.page.waitForSelector('[data-testid=share-text]');
  assert.match(await full.page.inputValue('[data-testid=share-text]'), /view=spacetime/);
  const bad = await openApp(browser, server.url, '?view=sideways');
  assert.match(await text(bad.page, 'url-errors'), /view: expected ring, spacetime or both/);
  assert.deepEqual([...errors, ...full.errors, ...bad.errors], []);
  await full.page.close();
  await bad.page.close();
});

test('with logical clocks, picking an event shows its causal past, its future and what is concurrent', async () => {
  const { page, errors } = await openRing(browser, server.url, '?nodes=3&seed=4&paused=1&view=both&lclock=vector');
  for (let i = 0; i < 30; i++) await page.keyboard.press('s');
  await sleep(400);
  // The inspector shows a node's clocks.
  await page.click('[data-testid=node-1]');
  assert.match(await text(page, 'vclock'), /^\[\d+, \d+, \d+\]$/);
  assert.ok(Number(await text(page, 'lamport')) > 0);
  const st = page.locator('[data-testid=spacetime]');
  const [x, y] = (await st.getAttribute('data-event-probe')).split(',').map(Number);
  await st.click({ position: { x, y } });
  await page.waitForSelector('[data-testid=inspector-event]');
  assert.match(await page.textContent('[data-testid=inspector-event]'), /Event: n\d (sends|receives) m\d+/);
  await page.waitForFunction(() => /picked event: \d+ events in its causal past, \d+ in its future, \d+ concurrent/.test(document.querySelector('[data-testid=spacetime]').getAttribute('aria-label')));
  const [, past, future, conc] = (await st.getAttribute('aria-label')).match(/(\d+) events in its causal past, (\d+) in its future, (\d+) concurrent/).map(Number);
  assert.ok(past > 0 && future > 0 && conc > 0, `past ${past}, future ${future}, concurrent ${conc}`);
  // A timer firing is an event too (it ticks its node's clocks): pick it.
  const [tx, ty] = (await st.getAttribute('data-tick-probe')).split(',').map(Number);
  await st.click({ position: { x: tx, y: ty } });
  await page.waitForFunction(() => /timer fires/.test(document.querySelector('[data-testid=inspector-event]')?.textContent));
  assert.match(await page.textContent('[data-testid=inspector-event]'), /Event: n\d's heartbeat timer fires/);
  assert.ok(Number(await text(page, 'event-lamport')) > 0);
  // The exported trace carries the clocks.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-trace]')]);
  const trace = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
  const send = trace.events.find((e) => e.kind === 'send');
  assert.ok(send.lamport >= 1 && send.vc.length === 3, 'sends carry Lamport and vector clocks');
  assert.deepEqual(errors, []);
  await page.close();
});

test('with skewed clocks some messages arrive "before" they were sent by local clocks; with exact clocks none do', async () => {
  const count = async (query) => {
    const { page, errors } = await openApp(browser, server.url, query);
    for (let i = 0; i < 80; i++) await page.keyboard.press('s');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=events]').textContent) === 80);
    await sleep(400);
    const st = page.locator('[data-testid=spacetime]');
    const n = Number(await st.getAttribute('data-backwards'));
    const label = await st.getAttribute('aria-label');
    assert.deepEqual(errors, []);
    await page.close();
    return { n, label };
  };
  const skewed = await count('?nodes=4&seed=5&paused=1&view=spacetime&offset=400&drift=0&latency=constant&lat_mean=20');
  assert.ok(skewed.n > 0, 'clocks up to 400 ms apart, messages 20 ms long: some arrive before they left, by local clocks');
  assert.match(skewed.label, new RegExp(`${skewed.n} received before they were sent, by their nodes' own clocks`));
  const exact = await count('?nodes=4&seed=5&paused=1&view=spacetime&offset=0&drift=0&latency=constant&lat_mean=20');
  assert.equal(exact.n, 0, 'with exact clocks, never');
});

test('a scenario file can ask for the space-time diagram, and saving keeps the view', async () => {
  const { page, errors } = await openRing(browser, server.url, '?nodes=3&seed=2&paused=1');
  assert.equal(await page.locator('[data-testid=spacetime]').count(), 0);
  const file = { format: 'distsim-scenario', version: 1, title: 'Lanes', config: { nodes: 3 }, view: 'both' };
  await page.setInputFiles('[data-testid=f-file]', { name: 'lanes.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  await page.waitForSelector('[data-testid=spacetime]');
  assert.equal(await page.locator('[data-testid=canvas]').count(), 1, 'both pictures');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-setup]')]);
  const saved = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
  assert.equal(saved.view, 'both');
  assert.deepEqual(errors, []);
  await page.close();
});
