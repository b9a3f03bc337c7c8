// `make bench-timeline`: where a first visit's time goes. For a few first visits of the SPA (fresh
// context, signed in, `#/new/template`), on the slow profile of `make bench-web` (or unthrottled with
// TIMELINE_NETWORK=unthrottled), it prints, in performance.now() milliseconds from navigation start:
//   - each file's request, first byte and last byte (Resource Timing);
//   - when the glue asked for the main wasm, when its streaming compile started and ended
//     (WebAssembly.instantiateStreaming), when the app was started (Trunk's TrunkApplicationStarted);
//   - drawn (the template radios are there), next (Next is enabled and clicked), interactive (the name
//     step is there, as `make bench-web` times it) and painted (the frame after that).
// It asserts nothing.
import { launch, contextAs, BASE, PORT } from '../lib.js';
import { throttle, SLOW as SLOW_PROFILE } from './throttle.js';

const N = Number(process.env.TIMELINE_LOADS ?? 3);
const SLOW = process.env.TIMELINE_NETWORK !== 'unthrottled';

// Runs in the page before its own scripts: the same clicks as bench.js's probe, with marks.
const PROBE = () => {
  window.__t = {};
  const mark = (k) => { if (!(k in window.__t)) window.__t[k] = performance.now(); };
  const fetch0 = window.fetch;
  window.fetch = function (u, ...rest) {
    const url = String(u?.url ?? u);
    if (url.endsWith('_bg.wasm')) mark('wasm asked');
    if (url.endsWith('/me')) mark('me asked');
    if (url.endsWith('/unread')) mark('unread asked');
    return fetch0.call(this, u, ...rest);
  };
  const stream0 = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async function (...args) {
    const main = !('compile start' in window.__t);
    if (main) mark('compile start');
    const r = await stream0.apply(this, args);
    if (main) mark('compile end');
    return r;
  };
  addEventListener('TrunkApplicationStarted', () => mark('started'));
  const step = () => {
    if ('interactive' in window.__t) return;
    if (document.getElementById('app-name')) {
      mark('interactive');
      requestAnimationFrame(() => setTimeout(() => { mark('painted'); console.debug('appreg-bench: painted'); }));
      return;
    }
    const web = document.getElementById('template-web');
    const next = document.getElementById('next');
    if (document.querySelector('.appreg .loading')) mark('loading shown');
    if (document.querySelector('header.bar')) mark('header');
    if (document.getElementById('step-title')) mark('step title');
    if (web) mark('drawn');
    if (web && !web.checked) web.click();
    else if (web && next && !next.disabled) { mark('next'); next.click(); }
  };
  new MutationObserver(step).observe(document, { childList: true, subtree: true, attributes: true });
  const frame = () => { step(); if (!('interactive' in window.__t)) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
};

const slow = SLOW ? await throttle({ target: PORT, port: PORT + 10, ...SLOW_PROFILE }) : null;
const base = slow ? slow.url : BASE;
const browser = await launch();
const ms = (x) => String(Math.round(x)).padStart(6);
try {
  console.log(`first visits of ${base}/#/new/template (${SLOW ? 'slow: 150 ms round trip, 1.6 Mbit/s' : 'unthrottled'})`);
  for (let i = 0; i < N; i++) {
    const { context, page } = await contextAs(browser, 'dev@demo.test');
    try {
      await page.addInitScript(PROBE);
      // Waiting for the probe's console message, not polling: a poll would run Playwright's script in the
      // page while it loads (see probe.js).
      const painted = page.waitForEvent('console', { predicate: (m) => m.text() === 'appreg-bench: painted', timeout: 30000 });
      await page.goto(`${base}/#/new/template`, { waitUntil: 'commit' });
      await painted;
      const r = await page.evaluate(() => ({
        marks: window.__t,
        files: [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
          .filter((e) => e.startTime < window.__t.interactive)
          .map((e) => ({ name: new URL(e.name).pathname + new URL(e.name).hash, fetch: e.startTime, conn: e.connectStart, connEnd: e.connectEnd, start: e.requestStart, first: e.responseStart, last: e.responseEnd, bytes: e.transferSize })),
      }));
      console.log(`load ${i + 1}:`);
      console.log(`  ${'file'.padEnd(46)} request  first   last  bytes`);
      for (const f of r.files) console.log(`  ${f.name.slice(0, 46).padEnd(46)} ${ms(f.fetch)} ${ms(f.conn)} ${ms(f.connEnd)} ${ms(f.start)} ${ms(f.first)} ${ms(f.last)} ${String(f.bytes).padStart(6)}`);
      console.log(`  ${Object.entries(r.marks).sort((a, b) => a[1] - b[1]).map(([k, v]) => `${k} ${Math.round(v)}`).join(' · ')}`);
    } finally {
      await context.close();
    }
    // What the page still had on the slow link (the rules' module, fetched once the first screen is
    // drawn) would delay the next visit: let it drain.
    if (slow) await new Promise((r) => setTimeout(r, 3000));
  }
} finally {
  await browser.close();
  if (slow) await slow.close();
}
