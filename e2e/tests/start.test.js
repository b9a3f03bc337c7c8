// A first visit's start (#16). Signed in, the server writes the answer to /api/v1/me into the page it
// serves (a JSON data block, crates/server/src/page.rs), and the app starts from it without asking. A page
// without one (the service worker's copy) asks for it itself as soon as it is parsed (a small inline
// script, `appregEarly`), so the answer is read while the wasm compiles; the app's first request for it
// takes that answer instead of asking again. Opened on the partner page, the same script asks for the
// first partner's first page of apps as soon as it knows who is signed in, and the partner page takes
// that answer. A failure of an early request is the app's to report like any other, and "Try again" asks
// anew. The app's own navigations write the address right after the next page is drawn, as a history
// entry the browser's Back and Forward move through.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, contextAs, atStep, templateRadio, nextButton, until, noPageErrors, apiCreateApp, uniq, BASE } from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Records what the page's scripts fetch, in order, in `window.__fetched` (the glue fetches the main
 *  wasm; the app or the early script, /api/v1/me and the partner page's apps). */
async function recordFetches(page) {
  await page.addInitScript(() => {
    window.__fetched = [];
    const fetch0 = window.fetch;
    window.fetch = function (u, ...rest) {
      window.__fetched.push(new URL(String(u?.url ?? u), location.href).pathname);
      return fetch0.call(this, u, ...rest);
    };
  });
}

/** Serves the page as the service worker's copy would be: without the answer written in (the page is
 *  fetched again for the route, which may or may not be a navigation to the server; either way any data
 *  block is taken out). */
async function withoutWrittenAnswer(page) {
  await page.route(`${BASE}/`, async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace(/\s*<script type="application\/json" id="appreg-me">[^]*?<\/script>/, '');
    const headers = { ...response.headers() };
    delete headers['content-encoding'];
    delete headers['content-length'];
    await route.fulfill({ response, body, headers });
  });
}

/** Opens the wizard signed in and waits for its first step under the signed-in header; the page's
 *  response. */
async function openWizard(page) {
  const response = await page.goto(`${BASE}/#/new/template`);
  await atStep(page, 'Choose a template and app type');
  await page.locator('header .who', { hasText: 'Dev Developer' }).waitFor();
  return response;
}

/** How many requests for `path` went out from the page (Resource Timing). */
const requestsFor = (page, path) => page.evaluate((path) => performance.getEntriesByType('resource')
  .filter((e) => new URL(e.name).pathname === path).length, path);
const meRequests = (page) => requestsFor(page, '/api/v1/me');

/** The demo partner's apps, as the partner page asks for them. */
const APPS = '/api/v1/partners/demo/applications';

/** Opens the partner page signed in and waits for its list of apps; the names shown. */
async function openPartnerPage(page) {
  await page.goto(`${BASE}/#/`);
  await page.getByRole('heading', { level: 1, name: 'Demo Partner AS' }).waitFor();
  const items = page.locator('#app-list tbody tr, #app-tiles li');
  await items.first().waitFor();
  return items.allTextContents();
}

/** What the early script asked for and the app has not taken (the addresses in `appregEarly` whose
 *  answer is still there). */
const untaken = (page) => page.evaluate(() => Object.keys(window.appregEarly).filter((k) => window.appregEarly[k] !== undefined));

test("a signed-in first visit starts from the page: who is signed in is written into it, and nothing asks again", async () => {
  const { context, page } = await contextAs(browser, 'dev@demo.test', { serviceWorkers: 'block' });
  try {
    await recordFetches(page);
    const warnings = [];
    page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text()); });
    const response = await openWizard(page);
    // A personal page: never stored, varies by cookie; brotli, as the shared page is.
    const headers = await response.allHeaders();
    assert.equal(headers['cache-control'], 'no-store');
    assert.match(headers.vary, /cookie/);
    assert.equal(headers['content-encoding'], 'br');
    // The app took the written answer (the element is gone); neither it nor the early script asked.
    assert.equal(await page.evaluate(() => document.getElementById('appreg-me')), null);
    const fetched = await page.evaluate(() => window.__fetched);
    assert.ok(!fetched.includes('/api/v1/me'), fetched.join(', '));
    assert.equal(await meRequests(page), 0, 'no request for /api/v1/me');
    // Opened on the wizard, nothing asks for the partner page's apps.
    assert.ok(!fetched.includes(APPS), fetched.join(', '));
    assert.equal(await requestsFor(page, APPS), 0, 'no request for the apps');
    assert.deepEqual(await untaken(page), []);
    // The browser has nothing to say about the page's preload (it used to warn that it ignores an
    // integrity attribute on it).
    assert.deepEqual(warnings.filter((w) => /preload|integrity/i.test(w)), []);
    noPageErrors(page);
  } finally {
    await context.close();
  }
});

test("a page without the written answer asks once, early: the app takes the page's early answer", async () => {
  const { context, page } = await contextAs(browser, 'dev@demo.test', { serviceWorkers: 'block' });
  try {
    await recordFetches(page);
    await withoutWrittenAnswer(page);
    await openWizard(page);
    // /api/v1/me was asked for once, before the main wasm (so while it downloads and compiles), and
    // the app asked no more: it took that answer.
    const fetched = (await page.evaluate(() => window.__fetched)).filter((p) => p === '/api/v1/me' || p.endsWith('_bg.wasm'));
    assert.equal(fetched.length, 2, fetched.join(', '));
    assert.equal(fetched[0], '/api/v1/me', `asked for before the wasm: ${fetched.join(', ')}`);
    assert.match(fetched[1], /^\/appreg-web-[0-9a-f]+_bg\.wasm$/);
    assert.deepEqual(await untaken(page), [], 'the app took the early answer');
    assert.equal(await meRequests(page), 1, 'one request for /api/v1/me');
    noPageErrors(page);
  } finally {
    await context.close();
  }
});

test("a first visit to the partner page takes its apps from the page's early request, sent before the wasm", async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test', { serviceWorkers: 'block' });
  try {
    await apiCreateApp(cookie, { template: 'server-to-server', name: uniq('E2E early list') });
    await recordFetches(page);
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === APPS);
    const shown = await openPartnerPage(page);
    // Asked for once, while the page was parsed (from the written answer), so before the main wasm;
    // the app asked no more, for the apps or for /me.
    const fetched = (await page.evaluate(() => window.__fetched)).filter((p) => p.startsWith('/api/') || p.endsWith('_bg.wasm'));
    assert.equal(fetched[0], APPS, `asked for before anything else: ${fetched.join(', ')}`);
    assert.match(fetched[1] ?? '', /^\/appreg-web-[0-9a-f]+_bg\.wasm$/, fetched.join(', '));
    assert.equal(fetched.filter((p) => p === APPS).length, 1, fetched.join(', '));
    assert.equal(await requestsFor(page, APPS), 1, 'one request for the apps');
    assert.equal(await meRequests(page), 0, 'no request for /api/v1/me');
    assert.deepEqual(await untaken(page), [], 'the app took the early answer');
    // What it shows is that answer: the partner's first page of apps.
    const { items } = await (await answered).json();
    assert.ok(items.length > 0, 'the demo partner has apps');
    assert.equal(shown.length, items.length);
    assert.ok(shown[0].includes(items[0].name), `${shown[0]} is ${items[0].name}`);
    noPageErrors(page);
  } finally {
    await context.close();
  }
});

test("without the written answer, the early script asks for /me and then the partner page's apps: the app takes both", async () => {
  const { context, page } = await contextAs(browser, 'dev@demo.test', { serviceWorkers: 'block' });
  try {
    await recordFetches(page);
    await withoutWrittenAnswer(page);
    await openPartnerPage(page);
    const fetched = (await page.evaluate(() => window.__fetched)).filter((p) => p.startsWith('/api/'));
    assert.deepEqual(fetched.slice(0, 2), ['/api/v1/me', APPS], fetched.join(', '));
    assert.equal(fetched.filter((p) => p === APPS).length, 1, fetched.join(', '));
    assert.equal(await requestsFor(page, APPS), 1, 'one request for the apps');
    assert.equal(await meRequests(page), 1, 'one request for /api/v1/me');
    assert.deepEqual(await untaken(page), [], 'the app took both early answers');
    noPageErrors(page);
  } finally {
    await context.close();
  }
});

test("a failed early request is reported by the app, and Try again asks anew", async () => {
  const { context, page } = await contextAs(browser, 'dev@demo.test', { serviceWorkers: 'block' });
  try {
    let down = true;
    let asked = 0;
    await withoutWrittenAnswer(page);
    await page.route('**/api/v1/me', (route) => { asked += 1; return down ? route.abort('connectionrefused') : route.continue(); });
    await page.goto(`${BASE}/#/new/template`);
    const alert = page.locator('#me-failed');
    await alert.getByText('The server could not be reached. Check your connection and try again.').waitFor();
    const before = asked;
    down = false;
    await alert.getByRole('button', { name: 'Try again' }).click();
    await atStep(page, 'Choose a template and app type');
    assert.ok(asked > before, 'Try again sent a request of its own');
    // The early request's failure was handed to the app, never reported as an unhandled rejection.
    noPageErrors(page);
  } finally {
    await context.close();
  }
});

test("the address follows the wizard's steps: Next adds a history entry, the browser's Back and Forward move between steps", async () => {
  const { context, page } = await contextAs(browser, 'dev@demo.test', { serviceWorkers: 'block' });
  try {
    await openWizard(page);
    await templateRadio(page, 'web').check();
    const entries = await page.evaluate(() => history.length);
    await nextButton(page).click();
    await atStep(page, 'Name your application');
    // Written right after the step is drawn (routes::write_route_soon), as a new entry.
    await until(() => page.evaluate(() => location.hash), (h) => h === '#/new/name', { what: 'the address of the name step' });
    assert.equal(await page.evaluate(() => history.length), entries + 1, 'one new entry');
    await page.goBack();
    await atStep(page, 'Choose a template and app type');
    assert.equal(await page.evaluate(() => location.hash), '#/new/template');
    assert.ok(await templateRadio(page, 'web').isChecked(), 'the choice is kept');
    await page.goForward();
    await atStep(page, 'Name your application');
    noPageErrors(page);
  } finally {
    await context.close();
  }
});
