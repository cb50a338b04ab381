// End-to-end: lessons. A student takes one by keyboard alone; a wrong
// prediction is shown as wrong with the run's own figures; a lesson works
// embedded in an iframe from another origin; progress is kept; a bad lesson
// id is reported, not fatal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp } from '../lib.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const focused = (page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') || document.activeElement?.tagName);

/** Waits until the element with test id `id` is focused (focus follows the lesson). */
async function waitFocus(page, id, timeout = 20000) {
  await page.waitForFunction((id) => document.activeElement?.getAttribute('data-testid') === id, id, { timeout });
}

test('a student takes a whole lesson by keyboard alone', async () => {
  const { page, errors } = await openApp(browser, server.url, '?lesson=crash-failstop');
  await page.evaluate(() => localStorage.clear());
  assert.match(await page.textContent('[data-testid=lesson-progress]'), /Step 1 of 3/);
  // Faster, by keyboard (the speed keys work in a lesson).
  for (let i = 0; i < 3; i++) await page.keyboard.press('+');
  // Step 1 plays to 2 s, then Continue takes focus.
  await waitFocus(page, 'lesson-continue');
  await page.keyboard.press('Enter');
  // Step 2 asks: focus is on the first choice; Space picks it, Enter predicts.
  await waitFocus(page, 'lesson-c0');
  assert.equal(await page.locator('[data-testid=lesson-continue]').isDisabled(), true, 'no going on before predicting');
  await page.keyboard.press('Space');
  await page.keyboard.press('Enter');
  await waitFocus(page, 'lesson-continue');
  assert.match(await page.textContent('[data-testid=lesson-verdict]'), /✓ Right\. You predicted: n1's only\. The run: n1's only\./);
  assert.match(await page.textContent('[data-testid=lesson-explain]'), /3 notifications delivered/);
  await page.keyboard.press('Enter');
  // Step 3: a number.
  await waitFocus(page, 'lesson-number');
  await page.keyboard.type('2.5');
  await page.keyboard.press('Enter');
  await waitFocus(page, 'lesson-continue');
  const verdict = await page.textContent('[data-testid=lesson-verdict]');
  assert.match(verdict, /You predicted: 2\.5 s\. The run: 2\.64 s\./, verdict);
  assert.match(verdict, /✓ Right/, 'within the tolerance of 1 s');
  assert.match(await page.textContent('[data-testid=lesson-continue]'), /Finish/);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Finished/.test(document.querySelector('[data-testid=lesson-progress]').textContent));
  assert.match(await page.textContent('[data-testid=lesson-text]'), /2 of 2 predictions right/);
  // The live region said the steps (screen readers).
  assert.ok((await page.textContent('[data-testid=live]')).length > 0);
  // Progress is kept: finished.
  assert.equal(await page.evaluate(() => localStorage.getItem('distsim.lesson.crash-failstop')), 'step=3;done=1');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a wrong prediction is shown as wrong, with the run\'s figures', async () => {
  const { page, errors } = await openApp(browser, server.url, '?lesson=at-least-once');
  for (let i = 0; i < 4; i++) await page.keyboard.press('+');
  await page.waitForSelector('[data-testid=lesson-continue]:not([disabled])');
  await page.click('[data-testid=lesson-continue]');
  // Predicting before choosing says what to do.
  await page.click('[data-testid=lesson-predict]');
  assert.match(await page.textContent('[data-testid=lesson-error]'), /Pick one answer first/);
  // The play key waits for the prediction.
  const t0 = await page.textContent('[data-testid=time]');
  await page.keyboard.press('k');
  await sleep(400);
  assert.equal(await page.textContent('[data-testid=time]'), t0, 'the run waits for the prediction');
  assert.match(await page.textContent('[data-testid=notice]'), /Predict first/);
  await page.click('[data-testid=lesson-c1]');
  await page.click('[data-testid=lesson-predict]');
  await page.waitForSelector('[data-testid=lesson-outcome]', { timeout: 30000 });
  const verdict = await page.textContent('[data-testid=lesson-verdict]');
  assert.match(verdict, /✗ Not quite\. You predicted: No: a retry replaces the lost one\. The run: Yes\./);
  assert.ok(await page.locator('.lesson-outcome.wrong').count() === 1, 'marked wrong (red and ✗)');
  const explain = await page.textContent('[data-testid=lesson-explain]');
  // The figures are the run's: the same as the Delivery card's count.
  const more = (await page.textContent('[data-testid=c-applied]')).split('/').map((s) => s.trim())[2];
  assert.match(explain, new RegExp(`^${more} requests were applied more than once \\(c is the client, # the request\\): c1#`));
  assert.equal(await page.textContent('[data-testid=time]').then((t) => parseFloat(t)), 30, 'stopped exactly at the step\'s end, 30 s');
  // Back: the question again, from the run as it was.
  await page.click('[data-testid=lesson-back]');
  await page.waitForSelector('[data-testid=lesson-outcome]', { timeout: 30000 });
  await page.click('[data-testid=lesson-continue]');
  await page.waitForSelector('[data-testid=lesson-c0]');
  assert.equal(parseFloat(await page.textContent('[data-testid=time]')), parseFloat(t0), 'the same moment as before');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a lesson embedded from another origin works, at 375 px', async () => {
  // The course page on one origin, the app on another.
  const course = await serve(process.cwd(), { needIndex: false });
  const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
  await page.goto(`${course.url}/nothing-here`).catch(() => {});
  const src = `${server.url}/index.html?embed=1&lesson=crash-failstop`;
  await page.setContent(`<!doctype html><body style="margin:0"><iframe id="f" src="${src}" style="width:375px;height:760px;border:0"></iframe></body>`);
  const frame = () => page.frames()[1];
  await page.waitForFunction(() => document.querySelector('iframe')?.contentDocument === null || true);
  await sleep(300);
  await frame().waitForSelector('[data-testid=lesson]');
  assert.notEqual(new URL(frame().url()).origin, new URL(page.url()).origin, 'cross-origin');
  await frame().waitForSelector('[data-testid=lesson-continue]:not([disabled])', { timeout: 20000 });
  await frame().click('[data-testid=lesson-continue]');
  await frame().click('[data-testid=lesson-c1]');
  await frame().click('[data-testid=lesson-predict]');
  await frame().waitForSelector('[data-testid=lesson-verdict]', { timeout: 20000 });
  assert.match(await frame().textContent('[data-testid=lesson-verdict]'), /✗ Not quite.*The run: n1's only/);
  // Fits: nothing wider than the frame.
  const wide = await frame().evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 375, `no sideways scrolling at 375 px (${wide})`);
  await page.close();
  await course.close();
});

test('progress is kept across visits, and a bad lesson id is reported', async () => {
  const { page } = await openApp(browser, server.url, '?lesson=topology');
  await page.evaluate(() => localStorage.setItem('distsim.lesson.topology', 'step=2;done=0'));
  await page.reload();
  await page.waitForSelector('[data-testid=lesson-resume]');
  assert.match(await page.textContent('[data-testid=lesson-resume]'), /Last time you got to step 3 of 4/);
  await page.click('[data-testid=lesson-resume-go]');
  await page.waitForFunction(() => /Step 3 of 4/.test(document.querySelector('[data-testid=lesson-progress]').textContent));
  assert.match(await page.textContent('[data-testid=lesson-text]'), /splits in two/);
  // Malformed progress is ignored, not fatal.
  await page.evaluate(() => localStorage.setItem('distsim.lesson.topology', '<script>'));
  await page.reload();
  await page.waitForSelector('[data-testid=lesson]');
  assert.equal(await page.locator('[data-testid=lesson-resume]').count(), 0);
  await page.close();
  const bad = await openApp(browser, server.url, '?lesson=no-such-lesson');
  await bad.page.waitForSelector('[data-testid=url-errors]');
  assert.match(await bad.page.textContent('[data-testid=url-errors]'), /no built-in lesson "no-such-lesson"; expected one of message-passing/);
  assert.equal(await bad.page.locator('[data-testid=lesson]').count(), 0);
  await bad.page.close();
});

test('the spotlight dims the other cards, and leaving the lesson keeps the run', async () => {
  const { page } = await openApp(browser, server.url, '?lesson=at-most-once');
  await page.waitForSelector('.slot.spot[data-card=delivery]');
  assert.ok((await page.locator('.slot.dim').count()) >= 5);
  await page.click('[data-testid=lesson-exit]');
  await page.waitForSelector('[data-testid=lesson]', { state: 'detached' });
  assert.equal(await page.locator('.slot.dim').count(), 0);
  assert.match(await page.textContent('[data-testid=notice]'), /You left the lesson/);
  await page.close();
});

test('every built-in lesson can be taken in the page, and the page\'s run answers as the native one', async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const dir = path.resolve(process.cwd(), process.cwd().endsWith('e2e') ? '../lessons' : 'lessons');
  const order = (await import('node:fs')).readFileSync(path.resolve(dir, '../src/lesson/mod.rs'), 'utf8')
    .match(/"([a-z-]+)",\s*include_str!\("\.\.\/\.\.\/lessons\//g).map((m) => m.match(/"([a-z-]+)"/)[1]);
  assert.ok(order.length >= 20);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const faster = () => page.evaluate(() => {
    for (let i = 0; i < 7; i++) document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '+', bubbles: true }));
  });
  for (const id of order) {
    const lesson = JSON.parse(fs.readFileSync(path.join(dir, `${id}.json`), 'utf8'));
    await page.goto(`${server.url}/?lesson=${id}`);
    await page.waitForSelector('[data-testid=lesson]');
    for (const [i, step] of lesson.steps.entries()) {
      await page.waitForFunction((n) => new RegExp(`Step ${n} of`).test(document.querySelector('[data-testid=lesson-progress]').textContent), i + 1);
      await faster();
      if (step.ask) {
        await page.waitForSelector('[data-testid=lesson-predict]');
        if (step.ask.choices) await page.click(`[data-testid=lesson-c${step.ask.intended}]`);
        else await page.fill('[data-testid=lesson-number]', String(step.ask.intended));
        await page.click('[data-testid=lesson-predict]');
        await faster();
      }
      if (step.wait) {
        await page.click('[data-testid=lesson-stand-in]');
        await faster();
      }
      await page.waitForSelector('[data-testid=lesson-continue]:not([disabled])', { timeout: 60000 });
      if (step.ask) {
        const v = await page.textContent('[data-testid=lesson-verdict]');
        assert.match(v, /✓ Right/, `${id} step ${i}: ${v}`);
      }
      if (step.explain) assert.doesNotMatch(await page.textContent('[data-testid=lesson-outcome]'), /\{/, `${id} step ${i}: filled`);
      await page.click('[data-testid=lesson-continue]');
    }
    await page.waitForFunction(() => /Finished/.test(document.querySelector('[data-testid=lesson-progress]').textContent));
    // Back from the end to the first step: each step's own run, drawn whole.
    for (let i = lesson.steps.length; i >= 1; i--) {
      await page.click('[data-testid=lesson-back]');
      await atStep(page, i, `${id} Back`);
      await ringAgrees(page, `${id} Back to step ${i}`);
      assert.deepEqual(errors, [], `${id} Back to step ${i}`);
    }
  }
  assert.deepEqual(errors, []);
  await page.close();
});

/** Waits until the lesson says it is at step `n` (1-based). */
async function atStep(page, n, what = '') {
  const ok = await page.waitForFunction((n) => new RegExp(`Step ${n} of`).test(document.querySelector('[data-testid=lesson-progress]')?.textContent), n, { timeout: 20000 })
    .then(() => true, () => false);
  if (!ok) {
    const seen = await page.evaluate(() => `${document.querySelector('[data-testid=lesson-progress]')?.textContent ?? 'no lesson'}; panic: ${document.getElementById('panic-overlay')?.textContent ?? 'none'}`);
    assert.fail(`${what}: expected step ${n}, the page shows ${seen}`);
  }
}

/**
 * The ring drawn is the run's: as many laid-out positions and node buttons
 * as the run has nodes, and no panic overlay (after a frame has painted).
 */
async function ringAgrees(page, what) {
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
  const ok = await page.waitForFunction(() => {
    const s = document.querySelector('section.stage');
    const n = s?.getAttribute('data-run-nodes');
    return s && n === s.getAttribute('data-ring') && String(document.querySelectorAll('.node-hit').length) === n
      && !document.getElementById('panic-overlay');
  }, null, { timeout: 5000 }).then(() => true, () => false);
  const seen = await page.evaluate(() => {
    const s = document.querySelector('section.stage');
    return `run ${s?.getAttribute('data-run-nodes')} nodes, ring ${s?.getAttribute('data-ring')}, ${document.querySelectorAll('.node-hit').length} buttons, panic: ${document.getElementById('panic-overlay')?.textContent ?? 'none'}`;
  });
  assert.ok(ok, `${what}: ${seen}`);
}

test('Restart and Leave at every step of every lesson keep the page whole', async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const dir = path.resolve(process.cwd(), process.cwd().endsWith('e2e') ? '../lessons' : 'lessons');
  const order = fs.readFileSync(path.resolve(dir, '../src/lesson/mod.rs'), 'utf8')
    .match(/"([a-z-]+)",\s*include_str!\("\.\.\/\.\.\/lessons\//g).map((m) => m.match(/"([a-z-]+)"/)[1]);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  /** Opens lesson `id` at step `k` (0-based) the way a returning student does: resuming. */
  const openAt = async (id, k) => {
    await page.goto(`${server.url}/?lesson=${id}`);
    await page.waitForSelector('[data-testid=lesson]');
    if (k > 0) {
      await page.evaluate(([id, k]) => localStorage.setItem(`distsim.lesson.${id}`, `step=${k};done=0`), [id, k]);
      await page.reload();
      await page.click('[data-testid=lesson-resume-go]');
    }
    await atStep(page, k + 1);
  };
  for (const id of order) {
    const lesson = JSON.parse(fs.readFileSync(path.join(dir, `${id}.json`), 'utf8'));
    for (let k = 0; k < lesson.steps.length; k++) {
      await openAt(id, k);
      await ringAgrees(page, `${id} resumed at step ${k + 1}`);
      await page.click('[data-testid=lesson-restart]');
      await atStep(page, 1);
      await ringAgrees(page, `${id} Restart from step ${k + 1}`);
      await openAt(id, k);
      await page.click('[data-testid=lesson-exit]');
      await page.waitForSelector('[data-testid=lesson]', { state: 'detached' });
      await ringAgrees(page, `${id} Leave at step ${k + 1}`);
      // The run left to explore still plays and steps.
      await page.keyboard.press('s');
      await ringAgrees(page, `${id} a step after leaving at step ${k + 1}`);
      assert.deepEqual(errors, [], `${id} step ${k + 1}`);
    }
    await page.evaluate((id) => localStorage.removeItem(`distsim.lesson.${id}`), id);
  }
  assert.deepEqual(errors, []);
  await page.close();
});
