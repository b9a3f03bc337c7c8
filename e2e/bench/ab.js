// `make bench-ab OTHER=DIR`: this build's first visit next to another build's, unthrottled, on the same
// machine at the same time. Two servers (this build's dist/ on A_URL, the other on B_URL) and the static
// page are loaded in turns (A, B, static; the next round backwards), AB_LOADS times each (default 30), each
// a first visit in a fresh context that goes to about:blank first as `make bench-web` does (probe.js: the
// same probe and "interactive"). It prints the median and quartiles of each and the ratios to the static
// page. A series of one build and then a series of the other can differ by more than a change does (the
// machine drifts); in turns, both see the same drift. It asserts nothing.
import { launch, contextAs } from '../lib.js';
import { PROBE, median, timeLoad } from './probe.js';

const LOADS = Number(process.env.AB_LOADS ?? 30);
const A = process.env.A_URL;
const B = process.env.B_URL;
if (!A || !B) throw new Error('A_URL and B_URL are needed');
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };

const browser = await launch();
const targets = [['this build', A, `${A}/#/new/template`], ['other build', B, `${B}/#/new/template`], ['static page', A, `${A}/static-form.html`]];
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
}
const stat = median(times.get('static page'));
console.log(`unthrottled first visit, load to interactive, ${LOADS} loads each in turns (ms)`);
console.log(`  ${''.padEnd(12)} ${'median'.padStart(7)} ${'q1'.padStart(6)} ${'q3'.padStart(6)}   ratio`);
for (const [name, xs] of times) {
  const m = median(xs);
  console.log(`  ${name.padEnd(12)} ${m.toFixed(0).padStart(7)} ${quantile(xs, 0.25).toFixed(0).padStart(6)} ${quantile(xs, 0.75).toFixed(0).padStart(6)}   ${(m / stat).toFixed(2)}x`);
}
