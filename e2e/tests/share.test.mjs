// End-to-end tests of what a teacher needs: shareable links that reproduce a
// run, the embed mode inside a cross-origin course page, scenario files in and
// out, the built-in library, and the malformed-input corpus (tests/corpus),
// every entry of which must show its message and leave the app working.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch, openApp, text, DIST } from '../lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CORPUS = path.resolve(here, '..', '..', 'tests', 'corpus');
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Seconds of simulated time shown in the header (or the embed bar). */
async function simTime(page) {
  return parseFloat(await text(page, 'time'));
}

/** The app still works: playing advances simulated time. */
async function assertUsable(page, what) {
  const playing = (await page.getAttribute('[data-testid=play]', 'aria-label')).startsWith('Pause');
  if (!playing) await page.click('[data-testid=play]');
  const t0 = await simTime(page);
  await page.waitForFunction((t) => parseFloat(document.querySelector('[data-testid=time]').textContent) > t + 0.05, t0, { timeout: 10000 })
    .catch(() => assert.fail(`${what}: the run no longer advances`));
  assert.equal(await page.locator('#panic-overlay').count(), 0, `${what}: panicked`);
}

test('with no parameters the page opens a scenario where something happens', async () => {
  const { page, errors } = await openApp(browser, server.url, '');
  assert.match(await text(page, 'story-title'), /one node crashes/);
  assert.match(await text(page, 'story-text'), /node 2 crashes/);
  // It plays: node 2 crashes at 3 s simulated (6 s of wall time at 0.5×).
  await page.waitForFunction(() => /crashed/.test(document.querySelector('[data-testid=node-2]').getAttribute('aria-label')), null, { timeout: 15000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a copied link reproduces the run: same moment, same digest; a replay link replays the actions', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/?nodes=6&seed=42&loss=0.1&detector=phi&speed=2`);
  await page.waitForFunction(() => window.wasmBindings !== undefined);
  await sleep(800);
  await page.click('[data-testid=node-3]');
  await page.click('[data-testid=crash]');
  await sleep(500);
  await page.fill('[data-testid=f-linka]', '0');
  await page.fill('[data-testid=f-linkb]', '5');
  await page.click('[data-testid=cut-link]');
  await sleep(700);
  await page.click('[data-testid=play]'); // pause
  for (let i = 0; i < 7; i++) await page.click('[data-testid=step]'); // between two frames' worth of events
  const digest = await text(page, 'digest');
  const time = await text(page, 'time');
  const events = await text(page, 'events');
  await page.click('[data-testid=copy-link]');
  await page.waitForSelector('[data-testid=share-text]');
  const link = await page.inputValue('[data-testid=share-text]');
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/\?/);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link, 'the clipboard holds the link');
  assert.match(link, /cmd=\d+@[\d.]+:crash\+3/);
  assert.match(link, /cmd=\d+@[\d.]+:cut\+0\+5/);

  const again = await ctx.newPage();
  again.on('pageerror', (e) => errors.push(String(e)));
  await again.goto(link);
  await again.waitForFunction(() => window.wasmBindings !== undefined);
  assert.equal(await text(again, 'digest'), digest, 'same digest at the copied moment');
  assert.equal(await text(again, 'time'), time);
  assert.equal(await text(again, 'events'), events);
  assert.match(await again.getAttribute('[data-testid=play]', 'aria-label'), /^Play/, 'opens paused');
  assert.match(await again.getAttribute('[data-testid=node-3]', 'aria-label'), /crashed/);
  // Going on from there matches going on in the original.
  for (let i = 0; i < 25; i++) { await page.click('[data-testid=step]'); await again.click('[data-testid=step]'); }
  assert.equal(await text(again, 'digest'), await text(page, 'digest'), 'same run after the copied moment');

  // The replay link starts at 0 and applies the same actions at the same instants.
  await page.click('[data-testid=copy-link-start]');
  await page.waitForFunction((l) => document.querySelector('[data-testid=share-text]').value !== l, link);
  const replay = await page.inputValue('[data-testid=share-text]');
  assert.doesNotMatch(replay, /upto=/);
  const third = await ctx.newPage();
  third.on('pageerror', (e) => errors.push(String(e)));
  await third.goto(replay.replace(/speed=[\d.]+/, 'speed=5'));
  await third.waitForFunction(() => window.wasmBindings !== undefined);
  assert.ok((await simTime(third)) < parseFloat(time));
  await third.waitForFunction(() => /crashed/.test(document.querySelector('[data-testid=node-3]').getAttribute('aria-label')), null, { timeout: 15000 });
  await third.waitForFunction(() => /1 link\(s\) cut/.test(document.querySelector('[data-testid=cut-count]').textContent), null, { timeout: 15000 });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the example course page embeds two scenarios from another origin, without console errors', async () => {
  // The course page on one origin, the app on another (a different port is a different origin).
  const course = await serve(path.join(DIST, 'static'), {
    needIndex: false,
    rewrite: (html) => html.replaceAll('src="../index.html', `src="${server.url}/index.html`),
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`${m.location().url}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${course.url}/course.html`);
  const frames = () => page.frames().filter((f) => f.url().startsWith(server.url));
  await page.waitForFunction(() => document.querySelectorAll('iframe').length === 2);
  for (let i = 0; i < 50 && frames().length < 2; i++) await sleep(100);
  assert.equal(frames().length, 2, 'both frames load the app');
  const [left, right] = frames();
  for (const f of [left, right]) {
    await f.waitForSelector('[data-testid=canvas]');
    await f.waitForFunction(() => window.wasmBindings !== undefined);
    assert.equal(await f.locator('.app.embed').count(), 1, 'embed layout');
    assert.equal(await f.locator('[data-testid=f-library]').count(), 0, 'no full panels in an embed');
  }
  assert.match(await left.textContent('[data-testid=about]'), /one node crashes/);
  assert.match(await right.textContent('[data-testid=about]'), /No bound on delays/);
  // The left one autoplays; the right one waits for a click.
  await left.waitForFunction(() => parseFloat(document.querySelector('[data-testid=time]').textContent) > 0.2);
  assert.equal(parseFloat(await right.textContent('[data-testid=time]')), 0);
  await right.click('[data-testid=big-play]');
  await right.waitForFunction(() => parseFloat(document.querySelector('[data-testid=time]').textContent) > 0.1);
  // The picture fills its frame, and follows it when the frame is resized.
  const size = () => left.evaluate(() => { const c = document.querySelector('[data-testid=canvas]').getBoundingClientRect(); return [c.width, c.height, innerWidth, innerHeight]; });
  let [cw, ch, fw, fh] = await size();
  assert.equal(cw, fw);
  assert.ok(ch > fh - 60 && ch < fh, `canvas ${ch} of frame ${fh}`);
  await page.evaluate(() => { document.querySelector('iframe').style.height = '300px'; });
  await sleep(400);
  [cw, ch, fw, fh] = await size();
  assert.equal(fh, 300);
  assert.ok(ch > 240 && ch < 300, `canvas ${ch} after resize`);
  // The about panel shows the description, as text.
  await right.click('[data-testid=about]');
  assert.match(await right.textContent('[data-testid=about-panel]'), /Asynchronous network: correct nodes get suspected/);
  assert.deepEqual(errors, []);
  await page.close();
  await course.close();
});

test('embed options: controls can be hidden, keys still work', async () => {
  const { page, errors } = await openApp(browser, server.url, '?scenario=loss&embed=1&controls=0', { width: 480, height: 320 });
  assert.equal(await page.locator('.embed-bar').count(), 0);
  assert.equal(await page.locator('[data-testid=big-play]').count(), 0);
  await page.keyboard.press('Space');
  await sleep(600);
  assert.ok(parseFloat(await page.evaluate(() => window.wasmBindings.paint_count())) > 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the embed's Open link, built when used, opens this moment of the run in the full simulator", async () => {
  const { page, errors } = await openApp(browser, server.url, '?scenario=crash&embed=1', { width: 640, height: 420 });
  const open = page.locator('[data-testid=open-full]');
  // Until used, the link is only the page: it is not rebuilt on every render.
  assert.doesNotMatch(await open.getAttribute('href'), /upto=/);
  for (let i = 0; i < 30; i++) await page.keyboard.press('s');
  await page.click('[data-testid=node-1]');
  await page.keyboard.press('c'); // crash the selected node
  for (let i = 0; i < 5; i++) await page.keyboard.press('s');
  await sleep(300);
  const digest = await text(page, 'digest');
  const [full] = await Promise.all([page.waitForEvent('popup'), open.click()]);
  assert.match(await open.getAttribute('href'), /upto=\d+\.?\d*/);
  assert.match(await open.getAttribute('href'), /cmd=\d+@[\d.]+:crash\+1/);
  assert.doesNotMatch(await open.getAttribute('href'), /embed=1/);
  await full.waitForFunction(() => window.wasmBindings !== undefined);
  assert.equal(await full.locator('.app.embed').count(), 0, 'the full simulator, not the embed');
  assert.equal(await text(full, 'digest'), digest, 'the same moment of the same run');
  assert.match(await full.getAttribute('[data-testid=node-1]', 'aria-label'), /crashed/);
  await full.close();
  assert.deepEqual(errors, []);
  await page.close();
});

test('the library menu loads each idea; the address follows', async () => {
  const { page, errors } = await openApp(browser, server.url, '?seed=5');
  const options = await page.$$eval('[data-testid=f-library] option', (os) => os.map((o) => o.value).filter(Boolean));
  assert.ok(options.length >= 20, `${options.length} scenarios`);
  for (const id of ['at-least-once', 'partition', 'phi']) {
    await page.selectOption('[data-testid=f-library]', id);
    await page.waitForFunction((id) => location.search === `?scenario=${id}`, id);
    assert.ok((await text(page, 'story-title')).length > 10);
  }
  // at-least-once brings the delivery panel; phi the detector's chart target.
  await page.selectOption('[data-testid=f-library]', 'at-least-once');
  await page.waitForSelector('text=Delivery');
  await page.reload();
  await page.waitForFunction(() => window.wasmBindings !== undefined);
  assert.match(await text(page, 'story-title'), /At-least-once/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('export a scenario and a trace; the scenario file loads back to the same run', async () => {
  const { page, errors } = await openApp(browser, server.url, '?scenario=partition&speed=4');
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=time]').textContent) > 5);
  await page.click('[data-testid=node-1]');
  await page.click('[data-testid=crash]');
  await sleep(300);
  await page.click('[data-testid=play]');
  const digest = await text(page, 'digest');
  const [setupDl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-setup]')]);
  const setup = JSON.parse(fs.readFileSync(await setupDl.path(), 'utf8'));
  assert.equal(setup.format, 'distsim-scenario');
  assert.equal(setup.version, 1);
  assert.match(setup.title, /partition/);
  assert.deepEqual(setup.script.map((s) => s.do), ['partition 0,1,2', 'healall']);
  assert.equal(setup.recorded.length, 1);
  assert.equal(setup.recorded[0].do, 'crash 1');
  const [traceDl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-trace]')]);
  const trace = JSON.parse(fs.readFileSync(await traceDl.path(), 'utf8'));
  assert.equal(trace.format, 'distsim-trace');
  assert.equal(trace.digest, digest, 'the exported trace is this run');
  assert.equal(trace.events_included, trace.events_total);
  assert.ok(trace.events.some((e) => e.kind === 'command' && e.do === 'crash 1'));
  assert.ok(trace.events.some((e) => e.kind === 'command' && e.do === 'partition 0,1,2'));

  // Load the exported file into a fresh page (file picker), run to the same point.
  const other = await openApp(browser, server.url, '?seed=77&nodes=3');
  await other.page.setInputFiles('[data-testid=f-file]', await setupDl.path());
  await other.page.waitForFunction(() => /partition/.test(document.querySelector('[data-testid=story-title]')?.textContent ?? ''));
  assert.equal(await text(other.page, 'story-title'), setup.title);
  assert.equal(await other.page.inputValue('[data-testid=f-seed]'), String(setup.config.seed));
  assert.deepEqual(other.errors, []);
  assert.deepEqual(errors, []);
  await other.page.close();
  await page.close();
});

test('dropping a scenario file on the page loads it', async () => {
  const { page, errors } = await openApp(browser, server.url, '?seed=5');
  const text_ = fs.readFileSync(path.resolve(here, '..', '..', 'scenarios', 'byzantine.json'), 'utf8');
  await page.evaluate((t) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t], 'byzantine.json', { type: 'application/json' }));
    const app = document.querySelector('.app');
    app.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    app.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, text_);
  await page.waitForFunction(() => /Byzantine/.test(document.querySelector('[data-testid=story-title]')?.textContent ?? ''));
  assert.deepEqual(errors, []);
  await page.close();
});

test('every malformed URL in the corpus names its parameter, and the app keeps working', async () => {
  const cases = JSON.parse(fs.readFileSync(path.join(CORPUS, 'urls.json'), 'utf8'));
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  for (const { query, expect } of cases) {
    await page.goto(`${server.url}/?${query}`);
    await page.waitForFunction(() => window.wasmBindings !== undefined);
    const banner = await text(page, 'url-errors');
    assert.ok(banner.includes(expect), `${query}: wanted ${JSON.stringify(expect)} in ${banner}`);
    // Markup from the URL is shown as text, never parsed.
    assert.equal(await page.locator('[data-testid=url-errors] script, [data-testid=url-errors] img, [data-testid=url-errors] b').count(), 0, query);
    assert.equal(await page.inputValue('[data-testid=f-seed]').catch(() => '9'), '9', `${query}: the good parameters still apply`);
    await assertUsable(page, query);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('every malformed scenario file in the corpus is refused with its message, by picker, drop and URL', async () => {
  const cases = JSON.parse(fs.readFileSync(path.join(CORPUS, 'scenarios.json'), 'utf8'));
  // scenario_url fetches from another origin (CORS allowed): the corpus, written out as files.
  const dir = fs.mkdtempSync('/tmp/distsim-corpus-');
  for (const c of cases) fs.writeFileSync(path.join(dir, `${c.name}.json`), c.text);
  const files = await serve(dir, { cors: true, needIndex: false });
  const { page, errors } = await openApp(browser, server.url, '?scenario=loss');
  page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  const title = await text(page, 'story-title');
  for (const [i, { name, text: body, expect }] of cases.entries()) {
    const how = ['picker', 'drop'][i % 2];
    if (how === 'picker') {
      await page.setInputFiles('[data-testid=f-file]', { name: `${name}.json`, mimeType: 'application/json', buffer: Buffer.from(body) });
    } else {
      await page.evaluate(([t, n]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([t], n, { type: 'application/json' }));
        document.querySelector('.app').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, [body, `${name}.json`]);
    }
    await page.waitForFunction((n) => document.querySelector('[data-testid=url-errors]')?.textContent.includes(n), `${name}.json`);
    const banner = await text(page, 'url-errors');
    assert.ok(banner.includes(expect), `${name} (${how}): wanted ${JSON.stringify(expect)} in ${banner}`);
    assert.equal(await page.locator('[data-testid=url-errors] script, [data-testid=url-errors] img').count(), 0, name);
    assert.equal(await text(page, 'story-title'), title, `${name}: the last good scenario stays`);
    await page.click('[data-testid=url-errors] button');
  }
  await assertUsable(page, 'after the corpus');
  // Through scenario_url, a few: a bad file, a missing one.
  for (const [name, want] of [['future-version', 'version 2'], ['markup-in-action', 'unknown action "<img'], ['no-such-file', 'the server answered 404']]) {
    const p = await openApp(browser, server.url, `?scenario_url=${encodeURIComponent(`${files.url}/${name}.json`)}`);
    await p.page.waitForSelector('[data-testid=url-errors]');
    const banner = await text(p.page, 'url-errors');
    assert.ok(banner.includes(want), `${name} by URL: wanted ${want} in ${banner}`);
    await assertUsable(p.page, `${name} by URL`);
    p.errors.splice(0, p.errors.length, ...p.errors.filter((e) => !/404/.test(e)));
    assert.deepEqual(p.errors, []);
    await p.page.close();
  }
  // And a good one by URL.
  fs.writeFileSync(path.join(dir, 'good.json'), fs.readFileSync(path.resolve(here, '..', '..', 'scenarios', 'clocks.json')));
  const good = await openApp(browser, server.url, `?scenario_url=${encodeURIComponent(`${files.url}/good.json`)}`);
  await good.page.waitForFunction(() => /global clock/.test(document.querySelector('[data-testid=story-title]')?.textContent ?? ''));
  await good.page.close();
  assert.deepEqual(errors, []);
  await page.close();
  await files.close();
});
