// End-to-end: an embed scrolled out of view stops (no simulated time passes,
// no frames are painted) and goes on from where it was when scrolled back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch } from '../lib.mjs';

let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

test('an embed out of view pauses, and resumes where it was', async () => {
  const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
  const src = `${server.url}/index.html?scenario=crash&embed=1&autoplay=1&speed=1`;
  await page.setContent(`<!doctype html><body style="margin:0">
    <iframe id="a" src="${src}" style="width:640px;height:400px;border:0"></iframe>
    <div style="height:3000px"></div>
    <iframe id="b" src="${src}" style="width:640px;height:400px;border:0"></iframe></body>`);
  const frames = () => page.frames().slice(1);
  await page.waitForFunction(() => document.querySelectorAll('iframe').length === 2);
  for (const f of frames()) await f.waitForSelector('[data-testid=time]');
  const time = async (i) => parseFloat(await frames()[i].textContent('[data-testid=time]'));
  await sleep(1500);
  assert.ok((await time(0)) > 0.5, 'the visible embed runs');
  assert.equal(await time(1), 0, 'the one below the fold has not started');
  const paints = async (i) => frames()[i].evaluate(() => window.wasmBindings.paint_count());
  const p1 = await paints(1);
  await sleep(800);
  assert.equal(await paints(1), p1, 'and paints nothing');
  // Scroll the second into view and the first out: they swap.
  await page.evaluate(() => document.getElementById('b').scrollIntoView());
  await sleep(1500);
  assert.ok((await time(1)) > 0.5, 'the second runs once seen');
  const t0 = await time(0);
  await sleep(1000);
  assert.equal(await time(0), t0, 'the first stopped where it was');
  await page.evaluate(() => document.getElementById('a').scrollIntoView());
  await sleep(1200);
  const t1 = await time(0);
  assert.ok(t1 > t0 && t1 < t0 + 2.5, `resumed from ${t0} s, not jumped ahead: ${t1} s`);
  await page.close();
});
