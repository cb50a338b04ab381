import { serve, launch, openApp } from './lib.mjs';
const [query, out, w, h, script] = process.argv.slice(2);
const server = await serve();
const browser = await launch();
const { page, errors } = await openApp(browser, server.url, query, { width: +w, height: +h });
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
for (const step of (script || '').split(';').filter(Boolean)) {
  const i = step.indexOf('='); const verb = step.slice(0, i), arg = step.slice(i + 1);
  if (verb === 'wait') await page.waitForSelector(arg, { timeout: 60000 });
  else if (verb === 'click') await page.click(arg);
  else if (verb === 'key') await page.keyboard.press(arg);
  else if (verb === 'sleep') await sleep(+arg);
}
await page.screenshot({ path: out });
if (errors.length) console.log('console errors:', errors);
await browser.close(); await server.close();
