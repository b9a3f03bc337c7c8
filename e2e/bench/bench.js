// `make bench-web`: prints load-to-interactive times of the SPA next to a static HTML page with the same
// form, and the time the wasm validators take for a 100-URL list. It prints figures; it asserts nothing.
//
// "Interactive" is the moment, in performance.now() milliseconds since navigation start, at which the
// step-1 heading "Choose a template and app type" receives the focus while the six template radios are in
// the document, so the user can Tab into them. The SPA gets there after loading its JS and wasm, asking
// /api/v1/me and rendering; the static page by an inline script that focuses the same heading.
import { launch, contextAs, BASE } from '../lib.js';

const LOADS = 10;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (x) => `${x.toFixed(1).padStart(7)} ms`;

const PROBE = () => {
  window.__interactive = null;
  document.addEventListener('focusin', (e) => {
    const t = e.target;
    if (window.__interactive === null && t.id === 'step-title' && t.textContent === 'Choose a template and app type'
      && document.querySelectorAll('input[name=template]').length === 6) {
      window.__interactive = performance.now();
    }
  }, true);
};

async function timeLoad(page, url) {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__interactive !== null, null, { timeout: 20000 });
  return page.evaluate(() => window.__interactive);
}

async function series(browser, url) {
  const cold = [];
  const warm = [];
  for (let i = 0; i < LOADS; i++) {
    const { context, page } = await contextAs(browser, 'dev@demo.test');
    await page.addInitScript(PROBE);
    cold.push(await timeLoad(page, url));
    await page.goto('about:blank');
    warm.push(await timeLoad(page, url));
    await context.close();
  }
  return { cold: median(cold), warm: median(warm) };
}

const browser = await launch();
try {
  const spa = await series(browser, `${BASE}/#/new/template`);
  const stat = await series(browser, `${BASE}/static-form.html`);
  console.log(`load to interactive (median of ${LOADS} loads; cold = fresh browser context, warm = cached files):`);
  console.log(`  SPA (wizard step 1)     cold ${fmt(spa.cold)}   warm ${fmt(spa.warm)}`);
  console.log(`  static HTML, same form  cold ${fmt(stat.cold)}   warm ${fmt(stat.warm)}`);

  const { context, page } = await contextAs(browser, 'dev@demo.test');
  await page.goto(`${BASE}/#/new/template`);
  await page.waitForFunction(() => window.wasmBindings?.validateRedirectUrls);
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
    for (let i = 0; i < 5; i++) v('web', json); // warm-up
    const times = [];
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      const out = JSON.parse(v('web', json));
      times.push(performance.now() - t);
      if (out.length !== 100) throw new Error('expected 100 checks');
    }
    const server = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      const res = await fetch('/api/v1/check', { method: 'POST', headers: { 'content-type': 'application/json', 'x-requested-with': 'appreg' }, body: JSON.stringify({ template: 'web', kind: 'redirect', values: urls }) });
      await res.json();
      server.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    server.sort((a, b) => a - b);
    return { wasm: (times[14] + times[15]) / 2, min: times[0], server: (server[4] + server[5]) / 2 };
  });
  console.log('validating a 100-URL redirect list (web template):');
  console.log(`  in the browser, wasm validateRedirectUrls   median ${fmt(r.wasm)}  (min ${r.min.toFixed(2)} ms, 30 runs)`);
  console.log(`  round trip to POST /api/v1/check (debug)    median ${fmt(r.server)}  (10 runs)`);
  await context.close();
} finally {
  await browser.close();
}
