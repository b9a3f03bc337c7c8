// `make bench-web`: the SPA's load-to-interactive time next to a static HTML page with the same step 1,
// served by the same server in the same run, first and repeat visit, unthrottled and on a slow network;
// then the wasm validators on a 100-URL list. It prints figures; it asserts nothing.
//
// Times are performance.now() milliseconds since navigation start, measured inside the page (so the
// driver's own latency does not count), median of LOADS loads, signed in, the SPA and the static page
// loaded in turns:
// - the static page is interactive when its six template radios are in the document;
// - the SPA is interactive when a click on a template and on Next reaches the name step: a probe clicks
//   "Web app" and Next as soon as they exist and takes the time when the name field appears.
// A first visit is a fresh browser context (empty HTTP cache, no service worker); a repeat visit is the
// next navigation in that context (HTTP cache, and for the SPA its service worker, once it controls the
// page). The slow profile is 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, made by a throttling proxy
// in front of the server (./throttle.js) rather than Chromium's network emulation, which does not reach a
// service worker's own requests (it would let the SPA's repeat visit fetch /api/v1/me unthrottled).
import { launch, contextAs, BASE, PORT } from '../lib.js';
import { throttle, SLOW } from './throttle.js';
import { PROBE, median, timeLoad } from './probe.js';

const LOADS = Number(process.env.BENCH_LOADS ?? 3);
const ms = (x) => `${x.toFixed(0).padStart(6)} ms`;

/** One first visit and one repeat visit in a fresh context. */
async function visits(browser, url) {
  const { context, page } = await contextAs(browser, 'dev@demo.test');
  try {
    await page.addInitScript(PROBE);
    const first = await timeLoad(page, url);
    // The service worker installs after the first visit; a repeat visit starts once it controls the page.
    await page.waitForFunction(() => !navigator.serviceWorker || navigator.serviceWorker.controller !== null
      || location.pathname.endsWith('static-form.html'), null, { timeout: 30000 }).catch(() => {});
    return { first, repeat: await timeLoad(page, url) };
  } finally {
    await context.close();
  }
}

/** LOADS first and repeat visits of each URL, taken in turns (a, b, a, b, ...), so that both see the
 *  machine in the same state: a series of one and then a series of the other moved their ratio by more
 *  than a change to the SPA did. The median of each. */
async function series(browser, urls) {
  const runs = urls.map(() => ({ first: [], repeat: [] }));
  for (let i = 0; i < LOADS; i++) {
    for (const [k, url] of urls.entries()) {
      let v;
      try {
        v = await visits(browser, url);
      } catch (e) {
        // A load that never became interactive is reported and measured again, not silently dropped.
        console.log(`  (a load of ${url} did not become interactive: ${String(e).split('\n')[0]}; measured again)`);
        v = await visits(browser, url);
      }
      runs[k].first.push(v.first);
      runs[k].repeat.push(v.repeat);
    }
  }
  return runs.map((r) => ({ first: median(r.first), repeat: median(r.repeat) }));
}

/** The load series, unthrottled and through the throttling proxy, printed side by side. */
async function loads(browser) {
  const rows = [];
  const slow = await throttle({ target: PORT, port: PORT + 10, ...SLOW });
  try {
    for (const [name, base] of [['unthrottled', BASE], ['slow (150 ms RTT, 1.6 Mbit/s)', slow.url]]) {
      const [spa, stat] = await series(browser, [`${base}/#/new/template`, `${base}/static-form.html`]);
      rows.push({ name, spa, stat });
    }
  } finally {
    await slow.close();
  }
  console.log(`load to interactive, median of ${LOADS} loads each, in turns (SPA: a template and Next reach the name step; static: the six radios are there)`);
  console.log(`  ${'network'.padEnd(32)} ${'visit'.padEnd(7)} ${'SPA'.padStart(9)} ${'static'.padStart(9)}   ratio`);
  for (const { name, spa, stat } of rows) {
    for (const visit of ['first', 'repeat']) {
      console.log(`  ${name.padEnd(32)} ${visit.padEnd(7)} ${ms(spa[visit])} ${ms(stat[visit])}   ${(spa[visit] / stat[visit]).toFixed(1)}x`);
    }
  }
}

const browser = await launch();
try {
  // BENCH_ONLY=validate skips the load series.
  if (process.env.BENCH_ONLY !== 'validate') await loads(browser);

  const { context, page } = await contextAs(browser, 'dev@demo.test');
  await page.goto(`${BASE}/#/new/template`);
  await page.waitForFunction(() => window.wasmBindings?.validateRedirectUrls);
  // The URL rules are a module of their own, fetched after the first screen: wait for them.
  await page.evaluate(() => window.wasmBindings.rulesReady());
  const r = await page.evaluate(async () => {
    const kinds = [
      (i) => `https://app${i}.example.com/callback`,
      (i) => `http://127.0.0.1:${3000 + i}/cb`,
      (i) => `https://app.example.com/cb/${i}?x=${i}`,
      (i) => `https://app.example.com/cb${i}#frag`,
      (i) => `^https://app${i}\\.example\\.com/cb$`,
      (i) => `https://bücher${i}.de/cb`,
      (i) => `http://app${i}.example.com/cb`,
      (i) => `https://user@app${i}.example.com/cb`,
      (i) => `https://app.example.com/a/../cb${i}`,
      (i) => `https://app.example.com/cb?next=https://evil${i}.example/`,
    ];
    const urls = Array.from({ length: 100 }, (_, i) => kinds[i % kinds.length](i));
    const json = JSON.stringify(urls);
    const v = window.wasmBindings.validateRedirectUrls;
    const once = () => {
      const t = performance.now();
      const out = JSON.parse(v('web', json));
      if (out.length !== 100) throw new Error('expected 100 checks');
      return performance.now() - t;
    };
    /** The median of 200 calls, each timed alone (the timer's resolution is 0.1 ms here). */
    const median200 = () => {
      const t = Array.from({ length: 200 }, once).sort((a, b) => a - b);
      return (t[99] + t[100]) / 2;
    };
    const first = once(); // the first call: V8 has compiled the rules' code only as far as it ran
    for (let i = 0; i < 19; i++) once(); // warm-up
    const warm = median200();
    // V8 optimizes a hot wasm function in the background, a while after it became hot; until then it runs
    // its first, quickly compiled code. After 400 more calls the code is the optimized code.
    for (let i = 0; i < 400; i++) once();
    const steady = median200();
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) once();
    const mean = (performance.now() - t0) / 200;
    const server = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      const res = await fetch('/api/v1/check', { method: 'POST', headers: { 'content-type': 'application/json', 'x-requested-with': 'appreg' }, body: JSON.stringify({ template: 'web', kind: 'redirect', values: urls }) });
      await res.json();
      server.push(performance.now() - t);
    }
    server.sort((a, b) => a - b);
    return { first, warm, steady, mean, server: (server[4] + server[5]) / 2 };
  });
  console.log('validating a 100-URL redirect list (web template), JSON in and out, parsed by JSON.parse:');
  console.log(`  in the browser, the first call                          ${r.first.toFixed(2)} ms`);
  console.log(`  in the browser, calls 21-220                     median ${r.warm.toFixed(2)} ms`);
  console.log(`  in the browser, calls 621-820 (optimized code)   median ${r.steady.toFixed(2)} ms  (mean of the next 200: ${r.mean.toFixed(3)} ms)`);
  console.log(`  round trip to POST /api/v1/check (this server)  median ${r.server.toFixed(2)} ms  (10 runs)`);
  await context.close();
} finally {
  await browser.close();
}
