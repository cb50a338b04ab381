// CPU profile of the page (CDP Profiler), self time by function: node e2e/bench/profile.mjs '<query>'
import { serve, launch, openApp } from '../lib.mjs';
const query = process.argv[2] || '?nodes=100&seed=1&speed=1&latency=uniform&lat_min=100&lat_max=200';
const server = await serve();
const browser = await launch();
const { page } = await openApp(browser, server.url, query);
await new Promise((ok) => setTimeout(ok, 2000));
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
await new Promise((ok) => setTimeout(ok, 4000));
const { profile } = await cdp.send('Profiler.stop');
const self = new Map();
const dt = new Map();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
for (let i = 0; i < profile.samples.length; i++) {
  const n = byId.get(profile.samples[i]);
  const name = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}`;
  self.set(name, (self.get(name) || 0) + (profile.timeDeltas[i] || 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((v / 1000).toFixed(0).padStart(6), 'ms', (100 * v / total).toFixed(1).padStart(5), '%', k);
await browser.close();
await server.close();
