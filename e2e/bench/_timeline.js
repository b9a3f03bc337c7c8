import { launch, contextAs, BASE, PORT } from '../lib.js';
import { throttle } from './throttle.js';
const slow = await throttle({ target: PORT, port: PORT + 10, rttMs: 150, downBps: 1.6e6, upBps: 750e3 });
const browser = await launch();
const PROBE = () => {
  window.__t = {};
  const mark = (k) => { if (!(k in window.__t)) window.__t[k] = performance.now(); };
  const of = window.fetch; window.fetch = function (u, ...a) { mark('fetch:' + String(u?.url ?? u).slice(-12)); return of.call(this, u, ...a); };
  const is = WebAssembly.instantiateStreaming; WebAssembly.instantiateStreaming = async function (...a) { mark('isStart'); const r = await is.apply(this, a); mark('isEnd'); return r; };
  const ii = WebAssembly.instantiate; WebAssembly.instantiate = async function (...a) { mark('iStart' + Object.keys(window.__t).length); const r = await ii.apply(this, a); mark('iEnd' + Object.keys(window.__t).length); return r; };
  addEventListener('TrunkApplicationStarted', () => mark('started'));
  const step = () => {
    if (window.__t.interactive) return;
    if (document.getElementById('app-name')) { mark('interactive'); return; }
    const web = document.getElementById('template-web');
    const next = document.getElementById('next');
    if (web) mark('drawn');
    if (web && !web.checked) web.click();
    else if (web && next && !next.disabled) { mark('next'); next.click(); }
  };
  new MutationObserver(step).observe(document, { childList: true, subtree: true, attributes: true });
  const frame = () => { step(); if (!window.__t.interactive) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
};
for (const base of (process.env.T_BASE === 'fast' ? [BASE] : [slow.url])) for (let i = 0; i < Number(process.env.T_N ?? 3); i++) {
  const { context, page } = await contextAs(browser, 'dev@demo.test');
  await page.addInitScript(PROBE);
  await page.goto(`${base}/#/new/template`, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__t && window.__t.interactive, null, { timeout: 30000, polling: 50 });
  await page.waitForTimeout(2500);
  const r = await page.evaluate(() => ({ t: window.__t, nav: performance.getEntriesByType('navigation').map(e => [e.name.slice(-20), Math.round(e.requestStart), Math.round(e.responseStart), Math.round(e.responseEnd), e.transferSize]), res: performance.getEntriesByType('resource').map(e => [e.name.replace(/^.*\//, '').slice(0, 30), Math.round(e.startTime), Math.round(e.requestStart), Math.round(e.responseStart), Math.round(e.responseEnd), e.transferSize]) }));
  console.log(JSON.stringify(r.t, (k, v) => typeof v === 'number' ? Math.round(v) : v));
  console.log('  nav', JSON.stringify(r.nav));
  for (const x of r.res) console.log('  ', JSON.stringify(x));
  await context.close();
}
await browser.close(); await slow.close();
