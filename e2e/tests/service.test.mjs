// End-to-end tests of the key-value service in the page: the Service card's
// charts exist with accessible names and their numbers in text; a primary
// crash shows a dip in availability and a recovery; the shape and load
// round-trip through the address; bad values get a specific message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp, text } from '../lib.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const past = (page, s) => page.waitForFunction((s) => parseFloat(document.querySelector('[data-testid=time]').textContent) > s, s, { timeout: 30000 });

test('the charts are named and summarised in text; a primary crash dips availability, then it recovers', async () => {
  const { page, errors } = await openApp(browser, server.url, '?scenario=kv-failover&speed=2');
  await page.waitForSelector('[data-testid=kv-figures]');
  await past(page, 4);
  for (const id of ['kv-chart-throughput', 'kv-chart-latency', 'kv-chart-availability']) {
    const label = await page.getAttribute(`[data-testid=${id}]`, 'aria-label');
    assert.equal(await page.getAttribute(`[data-testid=${id}]`, 'role'), 'img');
    assert.equal(label, await text(page, `${id}-text`), `${id}: the same words for everyone`);
  }
  assert.match(await text(page, 'kv-chart-throughput-text'), /Throughput: \d+ requests answered in the last second/);
  assert.match(await text(page, 'kv-chart-latency-text'), /p50 \d+(\.\d)? ms, p99 \d+(\.\d)? ms/);
  assert.match(await text(page, 'kv-availability'), /^100\.0%$/, 'all answered before the crash');
  const labels = await page.evaluate(() => [...document.querySelectorAll('[data-testid^=node-]')].map((b) => b.getAttribute('aria-label')));
  assert.match(labels[0], /primary of shard 0 \(epoch 1\), \d+ requests in queue/);
  // The crash at 6 s: requests to the dead primary miss their deadline
  // (a dip), then the new primary serves them all again.
  await past(page, 8.2);
  const dip = await text(page, 'kv-chart-availability-text');
  const since = parseFloat(dip.match(/([\d.]+)% since the start/)[1]);
  assert.ok(since < 100 && since > 90, dip);
  await past(page, 11.5);
  const later = await text(page, 'kv-chart-availability-text');
  assert.match(later, /^Availability \(answered within the deadline\): 100\.0% in the last second/, later);
  const labels2 = await page.evaluate(() => [...document.querySelectorAll('[data-testid^=node-]')].map((b) => b.getAttribute('aria-label')));
  assert.match(labels2[1], /primary of shard 0 \(epoch 2\)/, labels2.join(' | '));
  assert.match(await text(page, 'kv-stale'), /^0 \(0 keys\)$/, 'no acknowledged write lost');
  const marks = await page.locator('[data-testid=kv-chart-availability] text').allTextContents();
  assert.ok(marks.includes('✕n0') && marks.includes('★n1'), `crash and failover marked: ${marks.join(' ')}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the shape and load round-trip through the address; bad values get a specific message', async () => {
  const { page, errors } = await openApp(browser, server.url, '?workload=kv&layout=quorum&replicas=3&rq=1&wq=1&nodes=6&load=120&paused=1');
  await page.waitForSelector('[data-testid=kv-figures]');
  assert.equal(await page.inputValue('[data-testid=f-layout]'), 'quorum');
  assert.equal(await page.inputValue('[data-testid=f-rq]'), '1');
  assert.equal(await page.inputValue('[data-testid=f-load]'), '120');
  assert.match(await text(page, 'kv-quorum-rule'), /R \+ W = 2 ≤ N = 3: a read may miss/);
  await page.fill('[data-testid=f-rq]', '7');
  await page.press('[data-testid=f-rq]', 'Enter');
  await page.waitForSelector('[data-testid=f-rq-error]');
  assert.match(await text(page, 'f-rq-error'), /quorums cannot exceed the 3 replicas/);
  await page.fill('[data-testid=f-rq]', '2');
  await page.press('[data-testid=f-rq]', 'Enter');
  await page.fill('[data-testid=f-wq]', '2');
  await page.press('[data-testid=f-wq]', 'Enter');
  await page.waitForFunction(() => /R \+ W = 4 > N = 3/.test(document.querySelector('[data-testid=kv-quorum-rule]')?.textContent));
  // Too few nodes for the service and a client: refused, with why.
  await page.fill('[data-testid=f-nodes]', '3');
  await page.press('[data-testid=f-nodes]', 'Enter');
  await page.waitForSelector('[data-testid=f-nodes-error]');
  assert.match(await text(page, 'f-nodes-error'), /Nodes: the quorum service takes 3 nodes and needs at least one client, but there are 3 nodes/);
  const bad = await openApp(browser, server.url, '?workload=kv&layout=sideways&load=fast');
  await bad.page.waitForSelector('[data-testid=url-errors]');
  const problems = await text(bad.page, 'url-errors');
  assert.match(problems, /layout: expected single, stateless, sharded, replicated or quorum, got "sideways"/);
  assert.match(problems, /load \(requests\/s\): expected/);
  assert.deepEqual(errors, []);
  await page.close();
  await bad.page.close();
});

test('a load sweep runs without freezing the page and plots the knee', async () => {
  const { page, errors } = await openApp(browser, server.url, '?workload=kv&layout=sharded&servers=2&nodes=8&load=100&latency=uniform&lat_min=5&lat_max=20&paused=1');
  await page.waitForSelector('[data-testid=kv-figures]');
  await page.click('[data-testid=sweep-load]');
  await page.waitForSelector('[data-testid=sweep-progress]');
  // The page keeps answering while the sweep runs in slices.
  const t0 = Date.now();
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
  assert.ok(Date.now() - t0 < 500, 'frames keep coming during the sweep');
  await page.waitForSelector('[data-testid=sweep-table]', { timeout: 30000 });
  const rows = await page.locator('[data-testid=sweep-table] tr').allTextContents();
  assert.equal(rows.length, 9, rows.join(' | '));
  // Two shards at 5 ms: 400/s. Below it throughput follows the load; past
  // it, it stays there.
  const tput = (await page.locator('[data-testid=sweep-table] tr td:first-of-type').allTextContents()).map(parseFloat);
  assert.ok(Math.abs(tput[0] - 80) < 10 && Math.abs(tput[3] - 320) < 20, tput.join(' '));
  assert.ok(Math.abs(tput[7] - 400) < 15, `past the knee: ${tput.join(' ')}`);
  assert.match(await page.getAttribute('[data-testid=sweep-plot]', 'aria-label'), /^Throughput \(teal\) and p99 latency \(red\) against offered load/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('batching: its fields round-trip through the address and fewer messages go per request', async () => {
  const { page, errors } = await openApp(browser, server.url, '?scenario=kv-batching&speed=2');
  await page.waitForSelector('[data-testid=kv-batching]');
  assert.equal(await page.inputValue('[data-testid=f-batch]'), '8');
  assert.equal(await page.inputValue('[data-testid=f-linger]'), '50');
  await past(page, 4);
  const mpr = parseFloat(await text(page, 'kv-mpr'));
  assert.ok(mpr < 0.6, `messages per request with batches of 8: ${mpr}`);
  assert.match(await text(page, 'kv-availability'), /^100\.0%$/);
  // One request per message: a new run, and the 50-message links saturate.
  await page.fill('[data-testid=f-batch]', '1');
  await page.press('[data-testid=f-batch]', 'Enter');
  await page.waitForFunction(() => !document.querySelector('[data-testid=kv-batching]'));
  await past(page, 6);
  const a = parseFloat(await text(page, 'kv-availability'));
  assert.ok(a < 50, `unbatched availability collapses: ${a}%`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the cost of failure detection against n: all-to-all grows as n², SWIM as n', async () => {
  const { page, errors } = await openApp(browser, server.url, '?scenario=scale-swim&paused=1');
  await page.waitForSelector('[data-testid=swim-cost]');
  assert.match(await text(page, 'swim-cost'), /all-to-all heartbeats at the same period would send 2n\(n−1\)\/T = 7080/);
  await page.click('[data-testid=cost-sweep]');
  await page.waitForSelector('[data-testid=cost-table]', { timeout: 60000 });
  const cells = await page.locator('[data-testid=cost-table] td').allTextContents();
  const rows = [];
  for (let i = 0; i < cells.length; i += 3) rows.push(cells.slice(i, i + 3).map(parseFloat));
  assert.equal(rows.length, 5);
  // Doubling n: all-to-all about ×4, SWIM about ×2.
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i][0] / rows[i - 1][0], s = rows[i][1] / rows[i - 1][1];
    assert.ok(a > 3.7 && a < 4.4, `all-to-all ×${a}`);
    assert.ok(s > 1.7 && s < 2.3, `SWIM ×${s}`);
  }
  assert.match(await page.getAttribute('[data-testid=cost-plot]', 'aria-label'), /^Messages per second against the number of nodes, log scales: 10 nodes: all-to-all 180\/s/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a straggler: named in the form, refused with a message when malformed, slower in the queues', async () => {
  const { page, errors } = await openApp(browser, server.url, '?workload=kv&layout=sharded&servers=2&nodes=6&load=300&slow=1:5&latency=uniform&lat_min=5&lat_max=20&speed=2');
  await page.waitForSelector('[data-testid=kv-figures]');
  assert.equal(await page.inputValue('[data-testid=f-slow]'), '1:5');
  await past(page, 3);
  // Shard 1 at 25 ms a request gets 150/s: far past its 40/s.
  const queues = await page.locator('[data-testid=kv-queues] .num').allTextContents();
  const [q0, q1] = queues.map((t) => parseInt(t, 10));
  assert.ok(q1 > q0 + 10, `the straggler's queue grows: ${queues.join(' | ')}`);
  await page.fill('[data-testid=f-slow]', 'very');
  await page.press('[data-testid=f-slow]', 'Enter');
  await page.waitForSelector('[data-testid=f-slow-error]');
  assert.match(await text(page, 'f-slow-error'), /slow: expected none or NODE:FACTOR/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('embedded, the service shows its figures in a line under the picture', async () => {
  const { page, errors } = await openApp(browser, server.url, '?scenario=kv-failover&embed=1&autoplay=1&speed=2', { width: 640, height: 400 });
  await page.waitForSelector('[data-testid=embed-figures]');
  await past(page, 3);
  assert.match(await text(page, 'embed-figures'), /^\d+\/s · p99 \d+(\.\d)? ms · available 100\.0% \(last second 100\.0%\) · stale reads 0$/);
  await past(page, 8);
  assert.match(await text(page, 'embed-figures'), /available 9\d\.\d%/, 'the crash at 6 s shows');
  assert.deepEqual(errors, []);
  await page.close();
});
