// End-to-end tests of what makes the page usable by every student: the live
// region, reduced motion, the keyboard help, keyboard-only use.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp, text } from '../lib.mjs';
import { fileURLToPath } from 'node:url';

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

// axe-core (from npm) checks the rendered page against WCAG 2 A/AA rules.
const AXE = fileURLToPath(new URL('../node_modules/axe-core/axe.min.js', import.meta.url));

async function axeSerious(page) {
  await page.addScriptTag({ path: AXE });
  const r = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\s+/g, ' ')).join(' | ')}`);
}

for (const [name, query, opts] of [
  ['the full page, light', '?scenario=at-least-once', { colorScheme: 'light' }],
  ['the full page, dark', '?scenario=partition', { colorScheme: 'dark' }],
  ['an embed, dark', '?scenario=crash&embed=1', { colorScheme: 'dark', viewport: { width: 640, height: 400 } }],
  ['a phone', '?scenario=phi', { viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true }],
]) {
  test(`axe finds no serious accessibility violations: ${name}`, async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce', ...opts });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/${query}`);
    await page.waitForFunction(() => window.wasmBindings !== undefined);
    await page.click('[data-testid=node-1]');
    await sleep(500);
    const v = await axeSerious(page);
    assert.deepEqual(v, [], v.join('\n'));
    await ctx.close();
  });
}

test('dark colour scheme: the page and the canvas turn dark', async () => {
  const ctx = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(`${server.url}/?scenario=loss`);
  await page.waitForFunction(() => window.wasmBindings !== undefined);
  await sleep(300);
  assert.equal(await page.locator('.app.dark').count(), 1);
  const px = await page.evaluate(() => Array.from(document.querySelector('[data-testid=canvas]').getContext('2d').getImageData(3, 3, 1, 1).data));
  assert.ok(px[0] + px[1] + px[2] < 150, `canvas background ${px}`);
  // theme=light overrides the system setting.
  await page.goto(`${server.url}/?scenario=loss&theme=light`);
  await page.waitForFunction(() => window.wasmBindings !== undefined);
  assert.equal(await page.locator('.app.light').count(), 1);
  await ctx.close();
});

test('on a 375 px phone with touch: no sideways scrolling, taps select and play', async () => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/?scenario=crash`);
  await page.waitForFunction(() => window.wasmBindings !== undefined);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375), 'no horizontal overflow');
  await page.tap('[data-testid=play]');
  const t0 = parseFloat(await text(page, 'time'));
  await page.tap('[data-testid=node-2]');
  await page.waitForSelector('[data-testid=crash]');
  await page.tap('[data-testid=play]');
  await sleep(800);
  assert.ok(parseFloat(await text(page, 'time')) > t0, 'plays after a tap');
  // Touch targets: the transport's buttons are at least 40 px tall.
  const h = await page.$$eval('.transport button', (bs) => Math.min(...bs.map((b) => b.getBoundingClientRect().height)));
  assert.ok(h >= 40, `buttons ${h} px`);
  assert.deepEqual(errors, []);
  await ctx.close();
});
