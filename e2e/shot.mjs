// Screenshot helper: node e2e/shot.mjs '<query>' out.png [width height wait_ms]
import { serve, launch, openApp } from './lib.mjs';
const [query = '', out = '/tmp/s.png', w = '1280', h = '800', wait = '2500'] = process.argv.slice(2);
const server = await serve();
const browser = await launch();
const { page, errors } = await openApp(browser, server.url, query, { width: +w, height: +h });
await new Promise((ok) => setTimeout(ok, +wait));
if (process.env.CLICK) for (const sel of process.env.CLICK.split(',')) { await page.click(sel); await new Promise((ok) => setTimeout(ok, 300)); }
await page.screenshot({ path: out });
if (errors.length) console.log('console errors:', errors);
await browser.close();
await server.close();
