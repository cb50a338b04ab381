// End-to-end tests of what makes the page usable by every student: the live
// region, reduced motion, the keyboard help, keyboard-only use.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp, text } from '../lib.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

test('important events are announced in a live region, at a readable rate', async () => {
  const { page, errors } = await openApp(browser, server.url, '?seed=3&nodes=5&speed=2&detector=phi&interval=500');
  assert.equal(await page.getAttribute('[data-testid=live]', 'aria-live'), 'polite');
  await page.click('[data-testid=node-2]');
  await page.click('[data-testid=crash]');
  await page.waitForFunction(() => /node 2 crashed/.test(document.querySelector('[data-testid=live]').textContent), null, { timeout: 5000 });
  await page.waitForFunction(() => /suspects node 2/.test(document.querySelector('[data-testid=live]').textContent), null, { timeout: 15000 });
  // The text changes at most once every 1.5 s.
  const changes = await page.evaluate(() => new Promise((ok) => {
    const el = document.querySelector('[data-testid=live]');
    const seen = []; const obs = new MutationObserver(() => seen.push(performance.now()));
    obs.observe(el, { childList: true, characterData: true, subtree: true });
    setTimeout(() => { obs.disconnect(); ok(seen); }, 4000);
  }));
  for (let i = 1; i < changes.length; i++) assert.ok(changes[i] - changes[i - 1] > 1400, `announcements ${changes[i] - changes[i - 1]} ms apart`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('with reduced motion the canvas is repainted only a few times a second', async () => {
  const ctx = await browser.newContext({ reducedMotion: 'reduce', viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/?seed=1&nodes=5&speed=1`);
  await page.waitForFunction(() => window.wasmBindings !== undefined);
  await sleep(1000);
  const p0 = await page.evaluate(() => window.wasmBindings.paint_count());
  await sleep(3000);
  const p1 = await page.evaluate(() => window.wasmBindings.paint_count());
  const rate = (p1 - p0) / 3;
  assert.ok(rate > 1 && rate <= 5, `${rate} paints per second`);
  await ctx.close();
});

test('the keyboard help lists the shortcuts; the page works from the keyboard alone', async () => {
  const { page } = await openApp(browser, server.url, '?seed=2&paused=1');
  await page.locator('body').press('?');
  await page.waitForSelector('[data-testid=help-panel]');
  assert.match(await text(page, 'help-panel'), /step exactly one event/);
  await page.locator('body').press('Escape');
  assert.equal(await page.locator('[data-testid=help-panel]').count(), 0);
  // Tab to a node button and select it with Enter.
  await page.focus('[data-testid=node-1]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=inspector-node]');
  assert.match(await page.getAttribute('[data-testid=node-1]', 'aria-pressed'), /true/);
  // Every button and field has an accessible name.
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('button, input, select')]
    .filter((el) => !(el.getAttribute('aria-label') || el.labels?.length || el.textContent.trim() || el.title))
    .map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(unnamed, []);
  await page.close();
});
