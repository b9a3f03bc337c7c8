// What `make bench-web` and `make bench-ab` share: the probe that says when a page is interactive, one
// timed load, and the median. Definitions in bench.js's header.

/** The median of `xs`. */
export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** What the probe logs once the page is interactive. */
const SIGNAL = 'appreg-bench: interactive';

/** Runs in the page before its own scripts: sets `window.__interactive` (performance.now()) and logs
 *  SIGNAL (spelt out inside: the function runs in the page, where this module's constants are not). */
export const PROBE = () => {
  window.__interactive = null;
  const done = () => {
    if (window.__interactive !== null) return;
    window.__interactive = performance.now();
    console.debug('appreg-bench: interactive');
  };
  if (location.pathname.endsWith('static-form.html')) {
    const check = () => { if (document.querySelectorAll('input[name=template]').length === 6) done(); };
    new MutationObserver(check).observe(document, { childList: true, subtree: true });
    document.addEventListener('DOMContentLoaded', check);
    return;
  }
  // The partner page (`make bench-ab AB_ROUTE=home`): interactive when its first list of apps is drawn
  // (a tile or a row, or the note that there are none yet).
  if (location.hash === '#/') {
    const check = () => { if (document.querySelector('#app-tiles li, #app-list tbody tr, main p.empty')) done(); };
    new MutationObserver(check).observe(document, { childList: true, subtree: true });
    return;
  }
  // As a user would: choose "Web app" when it is there (again, if it was drawn anew), then Next once it
  // is enabled, until the name step shows. The probe looks whenever the document changes, as the static
  // page's does (a MutationObserver), and at every frame for a change that is not in the document (a
  // radio's `checked`); looking only at frames would add up to a frame per click to the SPA's time.
  const step = () => {
    if (window.__interactive !== null) return;
    if (document.getElementById('app-name')) { done(); return; }
    const web = document.getElementById('template-web');
    const next = document.getElementById('next');
    if (web && !web.checked) web.click();
    else if (web && next && !next.disabled) next.click();
  };
  new MutationObserver(step).observe(document, { childList: true, subtree: true, attributes: true });
  const frame = () => { step(); if (window.__interactive === null) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
};

/** One load of `url` in `page` (whose init script is PROBE), from about:blank: its time to interactive.
 *  The driver waits for the probe's console message and only then evaluates anything in the page:
 *  polling with `page.waitForFunction` would first install Playwright's injected script in the page,
 *  which takes the page's main thread for several milliseconds in the middle of a load (a trace showed
 *  it), and only in pages still loading by then (the SPA's, not the static page's). */
export async function timeLoad(page, url) {
  await page.goto('about:blank');
  const interactive = page.waitForEvent('console', { predicate: (m) => m.text() === SIGNAL, timeout: 30000 });
  await page.goto(url, { waitUntil: 'commit' });
  await interactive;
  return page.evaluate(() => window.__interactive);
}
