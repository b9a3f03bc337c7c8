// Code splitting (#16): the pages after Create (the console, the publish queue, sessions, the Messaging
// Center, e-mails) are a wasm module of their own. A first visit does not download it; the first of those
// pages fetches it once; a failed fetch says so and "Try again" loads it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { launch, contextAs, apiCreateApp, uniq, templateRadio, nextButton, atStep, noPageErrors, BASE, ROOT } from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const onDemand = (url) => /\/(split|chunk)_[A-Za-z0-9_]+-[0-9a-f]{16}\.wasm$/.test(new URL(url).pathname);

test('the release build has an on-demand module, and its loader is preloaded with the glue', async () => {
  const files = readdirSync(path.join(ROOT, 'dist'));
  assert.ok(files.some((f) => /^split_later-[0-9a-f]{16}\.wasm$/.test(f)), `no split_later module in dist/: ${files}`);
  const html = await (await fetch(`${BASE}/`)).text();
  assert.match(html, /<link rel="modulepreload" href="\/__wasm_split\.js"/);
  assert.doesNotMatch(html, /split_later/, 'the page does not name the on-demand module');
  // The worker's build lists it, so it is kept for offline use.
  const sw = await (await fetch(`${BASE}/sw.js`)).text();
  assert.match(sw, /"\/split_later-[0-9a-f]{16}\.wasm"/);
});

test('the wizard works without the on-demand module; the console fetches it once for every later page', async () => {
  // No service worker: the page's own requests are all there is.
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test', { serviceWorkers: 'block' });
  try {
    const fetched = [];
    page.on('request', (r) => { if (onDemand(r.url())) fetched.push(r.url()); });
    await page.goto(`${BASE}/#/new/template`);
    await atStep(page, 'Choose a template and app type');
    await templateRadio(page, 'web').check();
    await nextButton(page).click();
    await atStep(page, 'Name your application');
    await page.goto(`${BASE}/#/`);
    await page.getByRole('heading', { level: 1, name: 'Demo Partner AS' }).waitFor();
    assert.deepEqual(fetched, [], 'the wizard and the partner page do not download the later pages');

    const app = await apiCreateApp(cookie, { template: 'web', name: uniq('E2E split'), redirect_urls: ['https://app.example.com/cb'] });
    await page.goto(`${BASE}/#/apps/${app.id}`);
    await page.getByRole('heading', { level: 1, name: app.name }).waitFor();
    assert.equal(fetched.length, 1, `one fetch of the module: ${fetched}`);
    for (const [hash, heading] of [['#/messages', 'Messaging Center'], ['#/sessions', 'Sessions'], ['#/notifications', 'E-mail notifications']]) {
      await page.goto(`${BASE}/${hash}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    }
    assert.equal(fetched.length, 1, `still one fetch: ${fetched}`);
    noPageErrors(page);
  } finally {
    await context.close();
  }
});

test('when the module cannot be fetched the page says so, and "Try again" loads it', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test', { serviceWorkers: 'block' });
  try {
    const app = await apiCreateApp(cookie, { template: 'web', name: uniq('E2E split retry'), redirect_urls: ['https://app.example.com/cb'] });
    let refused = 0;
    await page.route((url) => onDemand(url.href), (route) => { refused += 1; return route.abort('internetdisconnected'); });
    await page.goto(`${BASE}/#/apps/${app.id}`);
    const alert = page.locator('#later-unavailable');
    await alert.waitFor();
    assert.equal(await alert.getAttribute('role'), 'alert');
    assert.match(await alert.textContent(), /could not be loaded\. Check your connection, then try again\./);
    assert.equal(await page.locator('p.loading').count(), 0, 'no "Loading…" next to the error');
    assert.ok(refused >= 1);
    await page.unrouteAll();
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('heading', { level: 1, name: app.name }).waitFor();
    await page.getByRole('navigation', { name: 'App sections' }).waitFor();
    assert.equal(await alert.count(), 0, 'the alert is gone');
    noPageErrors(page);
  } finally {
    await context.close();
  }
});
