// `make bench-ab OTHER=DIR`: this build's first visit next to another build's, on the same machine at the
// same time. Two servers (this build's dist/ on A_URL, the other on B_URL) and the static page are loaded
// in turns (A, B, static; the next round backwards), AB_LOADS times each (default 30), each a first visit
// in a fresh context that goes to about:blank first as `make bench-web` does (probe.js: the same probe and
// "interactive"). It prints the median and quartiles of each and the ratios to the static page. A series
// of one build and then a series of the other can differ by more than a change does (the machine drifts);
// in turns, both see the same drift. It asserts nothing.
//
// AB_ROUTE=home loads the partner page instead of the wizard (interactive: its first list of apps is
// drawn; each server's demo partner has AB_APPS apps, default 12, created first); AB_SLOW=1 puts both
// servers and the static page behind bench.js's slow profile (150 ms round trip, 1.6 Mbit/s down).
import { launch, contextAs, apiCreateApp, apiSignIn } from '../lib.js';
import { throttle, SLOW as SLOW_PROFILE } from './throttle.js';
import { PROBE, median, timeLoad } from './probe.js';

const LOADS = Number(process.env.AB_LOADS ?? 30);
const A = process.env.A_URL;
const B = process.env.B_URL;
if (!A || !B) throw new Error('A_URL and B_URL are needed');
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };

const HOME = process.env.AB_ROUTE === 'home';
const route = HOME ? '#/' : '#/new/template';
const APPS = Number(process.env.AB_APPS ?? 12);
const SLOW = process.env.AB_SLOW === '1' ? SLOW_PROFILE : null;

/** The partner page shows what a partner with apps sees: AB_APPS apps for the demo partner of `base`. */
async function seed(base) {
  const cookie = await apiSignIn('dev@demo.test', base);
  for (let i = 0; i < APPS; i++) await apiCreateApp(cookie, { template: 'server-to-server', name: `Bench app ${i + 1}` }, 'demo', base);
}

/** `base` itself, or behind a throttling proxy of its own with the slow profile. */
const proxies = [];
async function via(base, port) {
  if (!SLOW) return base;
  const p = await throttle({ target: Number(new URL(base).port), port, ...SLOW });
  proxies.push(p);
  return p.url;
}

if (HOME) { await seed(A); await seed(B); }
const [a, b] = [await via(A, Number(new URL(A).port) + 10), await via(B, Number(new URL(B).port) + 10)];
const browser = await launch();
const targets = [['this build', a, `${a}/${route}`], ['other build', b, `${b}/${route}`], ['static page', a, `${a}/static-form.html`]];
const times = new Map(targets.map(([name]) => [name, []]));
try {
  for (let i = 0; i < LOADS; i++) {
    for (const [name, base, url] of i % 2 ? [...targets].reverse() : targets) {
      const { context, page } = await contextAs(browser, 'dev@demo.test', { base });
      try {
        await page.addInitScript(PROBE);
        times.get(name).push(await timeLoad(page, url));
      } finally {
        await context.close();
      }
    }
  }
} finally {
  await browser.close();
  for (const p of proxies) await p.close();
}
const stat = median(times.get('static page'));
console.log(`${SLOW ? 'slow (150 ms RTT, 1.6 Mbit/s)' : 'unthrottled'} first visit of ${HOME ? `the partner page (${APPS} apps)` : 'the wizard'}, load to interactive, ${LOADS} loads each in turns (ms)`);
console.log(`  ${''.padEnd(12)} ${'median'.padStart(7)} ${'q1'.padStart(6)} ${'q3'.padStart(6)}   ratio`);
for (const [name, xs] of times) {
  const m = median(xs);
  console.log(`  ${name.padEnd(12)} ${m.toFixed(0).padStart(7)} ${quantile(xs, 0.25).toFixed(0).padStart(6)} ${quantile(xs, 0.75).toFixed(0).padStart(6)}   ${(m / stat).toFixed(2)}x`);
}
