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

/** Opens the app at `query` and waits until the wasm app has rendered. Collects console errors. */
export async function openApp(browser, base, query = '', viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
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
