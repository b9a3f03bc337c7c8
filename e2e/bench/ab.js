// `make bench-ab OTHER=DIR`: this build's first visit next to another build's, unthrottled, on the same
// machine at the same time. Two servers (this build's dist/ on A_URL, the other on B_URL) and the static
// page are loaded in turns (A, B, static; the next round backwards), AB_LOADS times each (default 30), each
// a first visit in a fresh context that goes to about:blank first as `make bench-web` does; the probe and
// "interactive" are bench.js's. It prints the median and quartiles of each and the ratios to the static
// page. A series of one build and then a series of the other can differ by more than a change does (the
// machine drifts); in turns, both see the same drift. It asserts nothing.
import { launch, contextAs } from '../lib.js';
import { readFileSync } from 'node:fs';

const LOADS = Number(process.env.AB_LOADS ?? 30);
const A = process.env.A_URL;
const B = process.env.B_URL;
const bench = readFileSync(new URL('./bench.js', import.meta.url), 'utf8');
const PROBE = bench.match(/const PROBE = (\(\) => \{[\s\S]*?\n\});/)?.[1];
if (!A || !B || !PROBE) throw new Error('A_URL, B_URL and bench.js\'s PROBE are needed');

const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const browser = await launch();
const targets = [['this build', A, `${A}/#/new/template`], ['other build', B, `${B}/#/new/template`], ['static page', A, `${A}/static-form.html`]];
const times = new Map(targets.map(([name]) => [name, []]));
try {
  for (let i = 0; i < LOADS; i++) {
    for (const [name, base, url] of i % 2 ? [...targets].reverse() : targets) {
      const { context, page } = await contextAs(browser, 'dev@demo.test', { base });
      try {
        await page.addInitScript(`(${PROBE})()`);
        await page.goto('about:blank');
        await page.goto(url, { waitUntil: 'commit' });
        await page.waitForFunction(() => window.__interactive !== null, null, { timeout: 30000, polling: 20 });
        times.get(name).push(await page.evaluate(() => window.__interactive));
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
