// End-to-end tests of failure types and delivery semantics in the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp, canvasHash, text } from '../lib.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const num = async (page, id) => Number(await text(page, id));

test('switching the delivery mode changes the counters as each mode promises', async () => {
  const { page, errors } = await openApp(browser, server.url, '?workload=rpc&seed=5&loss=0.3&dup=0.2&speed=8&rate=300&mode=at-most-once');
  await page.waitForSelector('[data-testid=delivery]');
  await sleep(2500);
  assert.equal(await num(page, 'c-retx'), 0, 'at-most-once never retransmits');
  assert.ok(await num(page, 'c-issued') > 20);
  // Duplication breaks "at most once" without de-duplication.
  await page.waitForFunction(() => /violated/.test(document.querySelector('[data-testid=guarantee]').textContent), null, { timeout: 15000 });

  // Exactly-once: retransmissions start, duplicates are suppressed.
  await page.selectOption('[data-testid=f-mode]', 'exactly-once');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=c-retx]').textContent) > 0, null, { timeout: 15000 });
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=c-dupsup]').textContent) > 0, null, { timeout: 15000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('exactly-once keeps the balance exact; the badge holds', async () => {
  const { page } = await openApp(browser, server.url, '?workload=rpc&seed=8&loss=0.3&dup=0.2&speed=8&rate=300&mode=exactly-once');
  await sleep(4000);
  await page.click('[data-testid=play]');
  await sleep(200);
  assert.match(await text(page, 'guarantee'), /✓ every effect applied exactly once/);
  assert.match(await text(page, 'exactly-once-note'), /^Exactly-once delivery is impossible: .* Exactly-once processing is what you build/);
  const label = await page.locator('[data-testid=f-mode] option[value=exactly-once]').textContent();
  assert.equal(label, 'exactly-once processing (retry + dedup)');
  const [never, once, more] = (await text(page, 'c-applied')).split('/').map((x) => Number(x.trim()));
  assert.equal(more, 0);
  assert.ok(once > 10);
  assert.ok(await num(page, 'c-dupsup') > 0, 'duplicates were suppressed');
  await page.close();
});

test('a too-short de-dup window breaks exactly-once, and the page jumps to the event', async () => {
  const { page } = await openApp(browser, server.url, '?workload=rpc&seed=2&loss=0.3&dup=0.3&speed=8&rate=200&mode=exactly-once&retention=1&latency=exponential&lat_min=2&lat_mean=60&lat_max=1500&reorder=1');
  await page.waitForFunction(() => /violated/.test(document.querySelector('[data-testid=guarantee]').textContent), null, { timeout: 20000 });
  await page.click('[data-testid=jump]');
  await page.waitForSelector('[data-testid=notice]');
  assert.match(await text(page, 'notice'), /right after the event that broke the guarantee: n0 applied request c\d+#\d+ a second time/);
  assert.match(await text(page, 'guarantee'), /violated 1 time/);
  assert.match(await page.getAttribute('[data-testid=play]', 'aria-label'), /Play/, 'paused there');
  await page.close();
});

test('a failure type from the inspector changes the node and the counters', async () => {
  const { page, errors } = await openApp(browser, server.url, '?seed=4&nodes=5&speed=1&paused=1');
  // Fail-stop: everyone is told, by the next events.
  await page.click('[data-testid=node-1]');
  const before = await canvasHash(page);
  await page.click('[data-testid=fail-stop]');
  await page.waitForSelector('[data-testid=node-status]');
  assert.match(await text(page, 'node-status'), /fail-stopped/);
  for (let i = 0; i < 5; i++) await page.click("[data-testid=step]");
  const log = await page.textContent('[data-testid=log]');
  for (const n of [0, 2, 3, 4]) assert.match(log, new RegExp(`n${n} is told: n1 has failed`));
  assert.notEqual(await canvasHash(page), before);
  await page.click('[data-testid=play]');
  // Omission on another node.
  await page.click('[data-testid=node-2]');
  await page.fill('[data-testid=f-sendomit]', '0.9');
  await page.click('[data-testid=apply-omission]');
  await page.waitForFunction(() => /omits/.test(document.querySelector('[data-testid=node-status]')?.textContent || ''), null, { timeout: 5000 });
  await page.waitForFunction(() => /[1-9]\d* omitted/.test(document.querySelector('[data-testid=node-status]').textContent), null, { timeout: 10000 });
  // Byzantine.
  await page.click('[data-testid=node-3]');
  await page.selectOption('[data-testid=f-byz]', 'equivocate');
  await page.waitForFunction(() => /[1-9]\d* deviating/.test(document.querySelector('[data-testid=node-status]')?.textContent || ''), null, { timeout: 10000 });
  assert.match(await page.getAttribute('[data-testid=node-3]', 'aria-label'), /up/);
  // Bad omission value: a message, nothing applied.
  await page.click('[data-testid=node-4]');
  await page.fill('[data-testid=f-sendomit]', 'lots');
  await page.click('[data-testid=apply-omission]');
  assert.match(await text(page, 'f-sendomit-error'), /Send omission: expected a number from 0 to 1/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('crash-recovery restarts the node on time; a random injection picks a running node', async () => {
  const { page } = await openApp(browser, server.url, '?seed=6&nodes=5&speed=1');
  await page.click('[data-testid=node-2]');
  await page.fill('[data-testid=f-recoverafter]', '1');
  await page.click('[data-testid=crash-recover]');
  await page.waitForSelector('[data-testid=recover]');
  assert.match(await text(page, 'node-status'), /restarts in/);
  await page.waitForSelector('[data-testid=crash]', { timeout: 5000 });
  assert.match(await page.getAttribute('[data-testid=node-2]', 'aria-label'), /up/, 'restarted');
  await page.selectOption('[data-testid=f-inject]', 'crash');
  await page.click('[data-testid=inject]');
  await page.waitForFunction(() => [...document.querySelectorAll('.node-hit')].some((b) => /crashed/.test(b.getAttribute('aria-label'))), null, { timeout: 3000 });
  await page.close();
});

test('crashing a node makes its suspicion rise at the others until it crosses the threshold', async () => {
  const { page, errors } = await openApp(browser, server.url, '?seed=3&nodes=5&speed=2&detector=phi&phi=8&interval=500');
  await page.waitForSelector('[data-testid=detector]');
  await sleep(1500);
  const level = () => page.evaluate(() => {
    // Row n0, column n2 of the matrix: n0's suspicion of n2.
    const cell = document.querySelectorAll('[data-testid=matrix] tr')[1].querySelectorAll('td')[2];
    return { text: cell.textContent, value: Number(cell.textContent.replace('?', '')) };
  });
  const before = await level();
  assert.ok(before.value < 8 && !before.text.startsWith('?'), `n2 trusted before: ${before.text}`);
  assert.match(await text(page, 'completeness'), /✓/);
  await page.click('[data-testid=node-2]');
  await page.click('[data-testid=crash]');
  let rising = before.value;
  let crossed = false;
  for (let i = 0; i < 40 && !crossed; i++) {
    await sleep(250);
    const l = await level();
    assert.ok(l.value >= rising - 1e-9, `suspicion of a crashed node never falls: ${l.value} < ${rising}`);
    rising = l.value;
    crossed = l.text.startsWith('?');
  }
  assert.ok(crossed, 'n0 ends up suspecting n2');
  assert.ok(rising >= 8, `phi ${rising} crossed the threshold`);
  await page.waitForFunction(() => /✓ completeness/.test(document.querySelector('[data-testid=completeness]').textContent), null, { timeout: 10000 });
  assert.match(await text(page, 'q-detect'), /\d+\.\d\d s/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('in the synchronous model a timeout derived from the bounds never suspects a live node', async () => {
  const { page, errors } = await openApp(browser, server.url, '?seed=12&nodes=5&speed=20&detector=timeout&model=sync&interval=500');
  await page.click('[data-testid=derive-timeout]');
  await page.waitForSelector('[data-testid=detector]');
  assert.match(await text(page, 'notice'), /Timeout derived from the bounds: \d+ ms/);
  await sleep(3000);
  assert.equal(await text(page, 'q-mistakes'), '0');
  assert.match(await text(page, 'accuracy'), /✓/);
  // The same detector in the asynchronous model makes mistakes.
  await page.selectOption('[data-testid=f-model]', 'async');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=q-mistakes]').textContent) > 0, null, { timeout: 20000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('detector and delivery fields apply on Enter; a loaded scenario starts every panel\'s fields afresh', async () => {
  const { page, errors } = await openApp(browser, server.url, '?seed=3&nodes=4&detector=timeout&paused=1');
  await page.fill('[data-testid=f-fdtimeout]', '2500');
  await page.press('[data-testid=f-fdtimeout]', 'Enter');
  await page.waitForFunction(() => /fixed timeout \(2\.50 s\)/.test(document.querySelector('#h-fd').textContent));
  await page.selectOption('[data-testid=f-detector]', 'phi');
  await page.fill('[data-testid=f-phithreshold]', '3');
  await page.press('[data-testid=f-phithreshold]', 'Enter');
  await page.waitForFunction(() => /threshold 3,/.test(document.querySelector('#h-fd').textContent));
  // A bad value stays in its field with its message; loading a scenario clears both.
  await page.fill('[data-testid=f-loss]', 'lots');
  await page.press('[data-testid=f-loss]', 'Enter');
  assert.match(await text(page, 'f-loss-error'), /Loss probability/);
  await page.selectOption('[data-testid=f-library]', 'loss');
  await page.waitForFunction(() => /loss/i.test(document.querySelector('[data-testid=story-title]').textContent));
  assert.equal(await page.locator('[data-testid=f-loss-error]').count(), 0, 'the error went with the old run');
  assert.match(await page.inputValue('[data-testid=f-loss]'), /^0\.\d+$/, 'the field shows the scenario\'s loss');
  // The backoff factor applies on Enter too (it used to be ignored).
  await page.selectOption('[data-testid=f-workload]', 'rpc');
  await page.fill('[data-testid=f-backoff]', '3');
  await page.press('[data-testid=f-backoff]', 'Enter');
  await page.click('[data-testid=copy-link-start]');
  await page.waitForSelector('[data-testid=share-text]');
  assert.match(await page.inputValue('[data-testid=share-text]'), /backoff(=|%3D)3/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the adversary makes a perfect timeout suspect live nodes; links carry it', async () => {
  const { page, errors } = await openApp(browser, server.url, '?seed=12&nodes=4&speed=20&detector=timeout&model=sync&interval=500');
  await page.click('[data-testid=derive-timeout]');
  await sleep(1500);
  assert.equal(await text(page, 'q-mistakes'), '0', 'synchronous: never wrong');
  await page.check('[data-testid=f-adversary]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=q-mistakes]').textContent) >= 6, null, { timeout: 20000 });
  assert.ok((await page.locator('[data-testid=node-down]').count()) === 0);
  await page.click('[data-testid=copy-link-start]');
  await page.waitForSelector('[data-testid=share-text]');
  assert.match(await page.inputValue('[data-testid=share-text]'), /adversary(=|%3D)1/);
  assert.deepEqual(errors, []);
  await page.close();
});
