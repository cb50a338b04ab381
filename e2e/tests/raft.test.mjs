// End-to-end tests of Raft in the page: roles, terms and logs are visible
// and named; a leader crash produces a new leader; a broken variant turns a
// safety badge red and "Show the first violation" pauses right after it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp, text } from '../lib.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const time = (page) => page.evaluate(() => parseFloat(document.querySelector('[data-testid=time]').textContent));
const labels = (page) => page.evaluate(() => [...document.querySelectorAll('[data-testid^=node-]')].map((b) => b.getAttribute('aria-label')));

test('roles, terms and logs are shown and named; a crashed leader is replaced', async () => {
  const { page, errors } = await openApp(browser, server.url, '?scenario=raft-leader-crash&speed=2');
  await page.waitForSelector('[data-testid=raft-nodes]');
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=time]').textContent) > 3, null, { timeout: 20000 });
  let l = await labels(page);
  assert.match(l[0], /leader of term 1, log \d+ entries, \d+ committed/, 'n0 leads term 1, named for screen readers');
  assert.ok(l.slice(1).every((x) => /follower of term 1/.test(x)), l.join(' | '));
  assert.match(await text(page, 'raft-role-0'), /leader/);
  // The crash at 4 s; a new leader in a later term soon after.
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=time]').textContent) > 7, null, { timeout: 20000 });
  l = await labels(page);
  assert.match(l[0], /crashed/);
  const leaders = l.filter((x) => /leader of term ([2-9]|\d\d)/.test(x));
  assert.equal(leaders.length, 1, `one new leader: ${l.join(' | ')}`);
  assert.match(await text(page, 'live-leader'), /held/);
  for (const id of ['safety-election-safety', 'safety-log-matching', 'safety-leader-completeness', 'safety-state-machine-safety']) {
    assert.match(await page.getAttribute(`[data-testid=${id}]`, 'class'), /held/, id);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('a node that votes twice: election safety turns red, and the jump pauses right after the second leader', async () => {
  const { page, errors } = await openApp(browser, server.url, '?scenario=raft-vote-twice&speed=1');
  await page.waitForSelector('[data-testid=raft-nodes]');
  await page.waitForFunction(() => /broken/.test(document.querySelector('[data-testid=safety-election-safety]').className), null, { timeout: 20000 });
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=time]').textContent) > 1.5, null, { timeout: 20000 });
  const options = await page.getByRole('combobox', { name: /jump to a moment/i }).locator('option').allTextContents();
  assert.ok(options.includes('the first broken election safety'), `the Jump menu offers it: ${options.join(' | ')}`);
  const badge = await text(page, 'safety-election-safety');
  const at = parseFloat(badge.match(/Broken at ([\d.]+) s/)[1]);
  await page.click('[data-testid=safety-election-safety] [data-testid=safety-jump]');
  await page.waitForFunction(() => /broke election safety/.test(document.querySelector('[data-testid=notice]')?.textContent));
  assert.ok(Math.abs((await time(page)) - at) < 0.006, `paused at the violation (${await time(page)} vs ${at})`);
  assert.match(await page.getAttribute('[data-testid=play]', 'aria-label'), /^Play/, 'paused');
  const l = await labels(page);
  assert.equal(l.filter((x) => /leader of term 1/.test(x)).length, 2, `two leaders of term 1: ${l.join(' | ')}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the workload, the jitter and the breakable variants round-trip through the address', async () => {
  const { page, errors } = await openApp(browser, server.url, '?workload=raft&seed=4&jitter=250&bugs=skip-log-check,forget-term&paused=1');
  await page.waitForSelector('[data-testid=raft-nodes]');
  assert.equal(await page.isChecked('[data-testid=bug-skip-log-check]'), true);
  assert.equal(await page.isChecked('[data-testid=bug-forget-term]'), true);
  assert.equal(await page.isChecked('[data-testid=bug-vote-twice]'), false);
  assert.equal(await page.inputValue('#f-jitter'), '250');
  const bad = await openApp(browser, server.url, '?workload=raft&bugs=vote-thrice');
  assert.match(await text(bad.page, 'url-errors'), /bugs: expected none or some of vote-twice, commit-early, forget-term, skip-log-check, got "vote-thrice"/);
  assert.deepEqual([...errors, ...bad.errors], []);
  await page.close();
  await bad.page.close();
});
