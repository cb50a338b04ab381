// Shared helpers for the end-to-end tests and browser benchmarks: a static
// server for the trunk-built dist/ on 127.0.0.1, and Debian's Chromium driven
// by playwright-core (never a browser download).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DIST = process.env.DIST || path.resolve(here, '..', 'dist');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.png': 'image/png',
  '.json': 'application/json',
};

/**
 * Serves `dir` on 127.0.0.1 at a free port. Options: `cors` adds
 * Access-Control-Allow-Origin: *; `rewrite(text, file)` edits HTML on the way out.
 */
export async function serve(dir = DIST, { cors = false, rewrite = null, needIndex = true } = {}) {
  if (needIndex && !fs.existsSync(path.join(dir, 'index.html'))) {
    throw new Error(`${dir}/index.html is missing: run \`trunk build --release\` first`);
  }
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let file = path.normalize(path.join(dir, decodeURIComponent(url.pathname)));
    if (!file.startsWith(dir)) { res.writeHead(403); return res.end(); }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404, cors ? { 'access-control-allow-origin': '*' } : {}); return res.end('not found'); }
      const headers = { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' };
      if (cors) headers['access-control-allow-origin'] = '*';
      if (rewrite && file.endsWith('.html')) data = rewrite(data.toString('utf8'), file);
      res.writeHead(200, headers);
      res.end(data);
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(ok)) };
}

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
];

/** Launches Debian's Chromium headless. */
export async function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/**
 * Opens the app at `query` and waits until the wasm app has rendered. Collects console errors.
 * `deviceScaleFactor`: the pixel ratio; `init`: a script run in the page before its own
 * (benchmarks stub a part out with it).
 */
export async function openApp(browser, base, query = '', viewport = { width: 1280, height: 800 }, { deviceScaleFactor = 1, init = '' } = {}) {
  const page = await browser.newPage({ viewport, deviceScaleFactor });
  if (init) await page.addInitScript(init);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/${query}`);
  await page.waitForSelector('[data-testid=canvas]');
  await page.waitForFunction(() => window.wasmBindings !== undefined);
  return { page, errors };
}

/** A hash of the canvas pixels (to tell whether the picture changed). */
export async function canvasHash(page) {
  return page.evaluate(() => {
    const c = document.querySelector('[data-testid=canvas]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let h = 2166136261;
    for (let i = 0; i < d.length; i += 4) { h ^= d[i] + (d[i + 1] << 8) + (d[i + 2] << 16); h = Math.imul(h, 16777619); }
    return h >>> 0;
  });
}

export async function text(page, testid) {
  return (await page.textContent(`[data-testid=${testid}]`)).trim();
}

/** Every Chromium process's user+system CPU ticks (1/100 s), by process type (renderer, gpu-process, browser, ...). */
export function cpuTicks() {
  const out = {};
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (!cmd.startsWith('/usr/lib/chromium/')) continue;
      const type = (cmd.match(/--type=([a-z-]+)/) || [null, 'browser'])[1];
      const s = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      out[type] = (out[type] || 0) + Number(f[11]) + Number(f[12]);
    } catch { /* gone */ }
  }
  return out;
}

/**
 * The CPU a loaded page costs, per wall second, over `seconds` after
 * `warmup` ms: the renderer main thread's busy time (CDP TaskDuration) and
 * every Chromium process's user+system time (by type: renderer, GPU
 * process; and all of them).
 */
export async function measureCpu(page, seconds, warmup = 2500) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await new Promise((ok) => setTimeout(ok, warmup));
  const metric = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const m0 = await metric();
  const c0 = cpuTicks();
  const t0 = Date.now();
  await new Promise((ok) => setTimeout(ok, seconds * 1000));
  const wall = (Date.now() - t0) / 1000;
  const m1 = await metric();
  const c1 = cpuTicks();
  const per = (k) => (((c1[k] || 0) - (c0[k] || 0)) * 10) / wall; // USER_HZ = 100
  return {
    main: ((m1.TaskDuration - m0.TaskDuration) * 1000) / wall,
    all: Object.keys(c1).reduce((a, k) => a + per(k), 0),
    renderer: per('renderer'),
    gpu: per('gpu-process'),
  };
}
