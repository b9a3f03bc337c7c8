// Offline for real: after one visit online, the service worker starts the app in a NEW page with the
// server gone and the browser offline; every step validates, the draft survives a reload, "Create
// Application" is queued; when the server and the network are back, exactly one app is created.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, uniq, until, templateRadio, nextButton, atStep, isDisabled, walkToReview, appsNamed, apiSignIn,
  startPortal, portalWithWorker, PORT,
} from '../lib.js';

let browser;
let portal;
before(async () => { browser = await launch(); });
after(async () => {
  await browser?.close();
  await portal?.stop();
});

test('offline start from the service worker: a new page validates, keeps the draft, queues Create, sends it once', async () => {
  // A portal of this test's own: it is stopped (the network is gone, not only the emulated one).
  const port = PORT + 4;
  const own = await portalWithWorker(browser, port);
  ({ portal } = own);
  const { staticDir, dbFile, base, context, page } = own;
  try {
    // The second visit went through the worker, which keeps the account data for an offline start.
    await until(() => page.evaluate(async () => Boolean(await caches.match('/api/v1/me'))), Boolean, { what: 'the offline copy of /me' });
    await page.close();

    await portal.stop();
    await context.setOffline(true);

    // A new page: the app shell, the wasm and the account come from the worker.
    const fresh = await context.newPage();
    await fresh.goto(`${base}/#/new`);
    await atStep(fresh, 'Choose a template and app type');
    await fresh.getByText('You are offline.').waitFor();
    const note = await fresh.locator('#stored-note').innerText();
    assert.match(note, /You see your account and apps as saved on this device (just now|.* ago) \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
    assert.equal(await fresh.locator('#stored-note time').count(), 1);

    // Every step still checks the input.
    await templateRadio(fresh, 'web').check();
    await nextButton(fresh).click();
    await atStep(fresh, 'Name your application');
    const name = uniq('E2E offline');
    await fresh.getByLabel('Application name').fill('Bad/name');
    await fresh.locator('#app-name-findings li[data-rule="NAME-CHAR"]').waitFor();
    assert.equal(await isDisabled(nextButton(fresh)), true);
    await fresh.getByLabel('Application name').fill(name);
    await fresh.getByText('The name could not be checked now').waitFor();
    await until(() => isDisabled(nextButton(fresh)), (d) => !d, { what: 'Next enabled offline' });
    await nextButton(fresh).click();
    await atStep(fresh, 'Redirect URLs');
    const url = fresh.getByLabel('Redirect URL 1', { exact: true });
    await url.fill('http://offline.example.com/cb');
    await fresh.locator('li[data-rule="RU-HTTPS"]').waitFor();
    assert.equal(await isDisabled(nextButton(fresh)), true);
    await url.fill('https://offline.example.com/cb');
    await until(() => isDisabled(nextButton(fresh)), (d) => !d, { what: 'Next enabled' });
    await nextButton(fresh).click();
    await atStep(fresh, 'Technical contact');

    // The draft survives a reload, still offline.
    await fresh.reload();
    const offer = fresh.getByRole('region', { name: 'Resume your draft?' });
    await offer.waitFor();
    assert.ok((await offer.innerText()).includes(name));
    await offer.getByRole('button', { name: 'Resume' }).click();
    await atStep(fresh, 'Review and create');
    const summary = await fresh.locator('#summary').innerText();
    assert.ok(summary.includes(name) && summary.includes('https://offline.example.com/cb'), summary);

    // "Create Application" is queued.
    await fresh.getByRole('button', { name: 'Create Application' }).click();
    const notice = fresh.locator('#queued-notice');
    await notice.waitFor();
    assert.match(await notice.textContent(), /Queued: you are offline\. The application is created once, automatically/);
    assert.equal(await isDisabled(fresh.getByRole('button', { name: 'Create Application' })), true, 'no second click while queued');

    // The server and the network come back: sent once, the success page opens.
    portal = await startPortal({ port, staticDir, dbFile });
    const cookie = await apiSignIn('dev@demo.test', base);
    assert.equal((await appsNamed(cookie, name, 'demo', base)).length, 0, 'nothing created while offline');
    await context.setOffline(false);
    await fresh.getByRole('heading', { level: 1, name: 'Your app is registered' }).waitFor({ timeout: 20000 });
    assert.match(await fresh.locator('#client-id').textContent(), /^[0-9a-f]{32}$/);
    // Another offline/online round and a reload do not send it again.
    await context.setOffline(true);
    await context.setOffline(false);
    await fresh.reload();
    await fresh.getByRole('heading', { level: 1, name: 'Your app is registered' }).waitFor();
    assert.equal(await fresh.getByRole('region', { name: 'Resume your draft?' }).count(), 0, 'the draft is gone');
    await new Promise((r) => setTimeout(r, 500));
    const apps = await appsNamed(cookie, name, 'demo', base);
    assert.equal(apps.length, 1, 'exactly one application');
    assert.equal(await fresh.locator('#client-id').textContent(), apps[0].client_ids.sod);
  } finally {
    await context.close();
    await portal.stop();
    portal = null;
  }
});

test('Background Sync: with no page of the app open, the worker sends the queued create; the page later gets the same app', async () => {
  const port = PORT + 4;
  const own = await portalWithWorker(browser, port);
  ({ portal } = own);
  const { staticDir, dbFile, base, context, page } = own;
  try {
    // Queue a create with the server gone.
    await portal.stop();
    await context.setOffline(true);
    const name = uniq('E2E sync');
    await page.goto(`${base}/#/new`);
    await atStep(page, 'Choose a template and app type');
    await walkToReview(page, { template: 'empty', name });
    await page.getByRole('button', { name: 'Create Application' }).click();
    await page.locator('#queued-notice').waitFor();
    // The worker holds a copy of the request.
    await until(() => page.evaluate(async () => (await (await caches.open('appreg-outbox')).keys()).length), (n) => n === 1, { what: 'the worker\'s copy' });

    // Every page of the app closes; the server comes back; the browser fires the sync (through DevTools,
    // from a page of another origin, which the worker does not count as the app's).
    await page.close();
    await context.setOffline(false);
    portal = await startPortal({ port, staticDir, dbFile });
    const cookie = await apiSignIn('dev@demo.test', base);
    assert.equal((await appsNamed(cookie, name, 'demo', base)).length, 0);
    const blank = await context.newPage();
    const cdp = await context.newCDPSession(blank);
    const registration = new Promise((resolve) => cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const r = registrations.find((x) => x.scopeURL.startsWith(base));
      if (r) resolve(r.registrationId);
    }));
    await cdp.send('ServiceWorker.enable');
    const registrationId = await registration;
    await cdp.send('ServiceWorker.dispatchSyncEvent', { origin: base, registrationId, tag: 'appreg-outbox', lastChance: false });
    const apps = await until(() => appsNamed(cookie, name, 'demo', base), (a) => a.length > 0, { timeout: 15000, what: 'the app sent by the worker' });
    assert.equal(apps.length, 1);
    await blank.close();

    // The page opens again: its own queue sends the same key, the server replays the same app.
    const again = await context.newPage();
    await again.goto(`${base}/#/`);
    await again.getByRole('heading', { level: 1, name: 'Your app is registered' }).waitFor({ timeout: 20000 });
    assert.equal(await again.locator('#client-id').textContent(), apps[0].client_ids.sod);
    assert.equal((await appsNamed(cookie, name, 'demo', base)).length, 1, 'still exactly one application');
    assert.equal(await again.evaluate(async () => (await (await caches.open('appreg-outbox')).keys()).length), 0, 'the worker forgot its copy');
  } finally {
    await context.close();
    await portal.stop();
    portal = null;
  }
});
