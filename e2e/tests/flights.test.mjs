// End-to-end: compositor-driven flights. In a sparse scene each message in
// flight is an element flown by a Web Animations API transform; the canvas
// draws everything else. Same run as the canvas path (same digest), dots
// where the run says, and the canvas path above the thresholds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp, text } from '../lib.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

test('a sparse scene flies its messages on the compositor, one element per message in flight', async () => {
  const { page, errors } = await openApp(browser, server.url, '?nodes=5&seed=1&paused=1');
  for (let i = 0; i < 40; i++) await page.keyboard.press('s');
  await sleep(300);
  const inflight = Number(await text(page, 'inflight'));
  assert.ok(inflight > 0);
  assert.equal(await page.locator('[data-testid=flights] .fl').count(), inflight, 'one element per message in flight');
  // Paused: the animations are paused too, at the run's time.
  const states = await page.evaluate(() => [...document.querySelectorAll('[data-testid=flights] .fl')].map((e) => e.getAnimations()[0]?.playState));
  assert.ok(states.every((s) => s === 'paused'), JSON.stringify(states));
  // The same run as the canvas path: the digest after 40 steps is the build's reference.
  const digest = await text(page, 'digest');
  // Playing: the compositor moves them; the page paints the canvas rarely.
  await page.keyboard.press('Space');
  await sleep(300);
  const running = await page.evaluate(() => [...document.querySelectorAll('[data-testid=flights] .fl')].map((e) => e.getAnimations()[0]?.playState));
  assert.ok(running.length > 0 && running.every((s) => s === 'running'), JSON.stringify(running));
  const p0 = await page.evaluate(() => window.wasmBindings.paint_count());
  const e0 = Number(await text(page, 'events'));
  await sleep(4000);
  const paints = (await page.evaluate(() => window.wasmBindings.paint_count())) - p0;
  const events = Number(await text(page, 'events')) - e0;
  assert.ok(paints < 120, `the canvas is painted at timer steps, not every frame: ${paints} in 4 s`);
  // An event that only sends or delivers a message changes nothing on the
  // canvas (its dot is on the compositor): no paint of its own. Here about
  // 25 events in 4 s and some 24 paints for the timer arcs' 5 px steps;
  // a paint per event as well made it 38.
  assert.ok(paints < events * 1.3, `paints (${paints}) are the arcs' steps, not the events' (${events})`);
  assert.match(digest, /^[0-9a-f]{16}$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the dots are where the canvas would draw them, and the run is the same', async () => {
  // Sparse (5 nodes) against the canvas path (the same run with 17 nodes is
  // not the same run, so compare one build with its canvas path forced by
  // reduced motion, which never uses the layer).
  const shot = async (reduced) => {
    const ctx = await browser.newContext({ viewport: { width: 700, height: 600 }, reducedMotion: reduced ? 'reduce' : 'no-preference' });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/?nodes=5&seed=1&speed=1&paused=1`);
    await page.waitForSelector('[data-testid=canvas]');
    await page.waitForFunction(() => window.wasmBindings !== undefined);
    // A step at a time, slowly enough to stay below the layer's event rate:
    // each step moves every dot to the run's new time.
    for (let i = 0; i < 40; i++) { await page.keyboard.press('s'); await sleep(70); }
    await sleep(600);
    const layer = await page.locator('[data-testid=flights] .fl').count();
    const digest = await text(page, 'digest');
    const png = await page.screenshot({ clip: { x: 0, y: 110, width: 530, height: 360 } });
    await ctx.close();
    return { layer, digest, png };
  };
  const dom = await shot(false);
  const canvas = await shot(true);
  assert.ok(dom.layer > 0 && canvas.layer === 0, 'one with elements, one on the canvas');
  assert.equal(dom.digest, canvas.digest, 'the same run');
  // Compare the pictures pixel by pixel in the browser: nearly identical (anti-aliasing at the dots' edges).
  const page = await browser.newPage();
  const diff = await page.evaluate(async ([a, b]) => {
    const load = (s) => new Promise((ok) => { const i = new Image(); i.onload = () => ok(i); i.src = 'data:image/png;base64,' + s; });
    const [ia, ib] = [await load(a), await load(b)];
    const c = document.createElement('canvas'); c.width = ia.width; c.height = ia.height; const x = c.getContext('2d');
    x.drawImage(ia, 0, 0); const da = x.getImageData(0, 0, c.width, c.height).data;
    x.drawImage(ib, 0, 0); const db = x.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < da.length; i += 4) if (Math.max(Math.abs(da[i] - db[i]), Math.abs(da[i + 1] - db[i + 1]), Math.abs(da[i + 2] - db[i + 2])) > 40) n++;
    return n;
  }, [dom.png.toString('base64'), canvas.png.toString('base64')]);
  // About 70 differ here; a dot missing or misplaced costs some 100.
  assert.ok(diff < 200, `${diff} pixels differ`);
  await page.close();
});

test('crowded or busy scenes stay on the canvas', async () => {
  const { page } = await openApp(browser, server.url, '?nodes=40&seed=1&speed=1');
  await sleep(1200);
  assert.equal(await page.locator('[data-testid=flights] .fl').count(), 0, 'more than 16 nodes');
  await page.close();
  // Five nodes at speed 1: some 80 events a second, cheaper on the canvas.
  const busy = await openApp(browser, server.url, '?nodes=5&seed=1&speed=1');
  await sleep(2500);
  assert.equal(await busy.page.locator('[data-testid=flights] .fl').count(), 0, 'many events a second');
  await busy.page.close();
});
