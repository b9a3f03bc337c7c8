// Item 7: offline: every step validates, the draft survives a reload, "Create Application" is queued and
// sent exactly once when the browser is back online.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, contextAs, uniq, until, startWizard, templateRadio, nextButton, atStep, isDisabled, appsNamed, BASE,
} from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('offline: validates, keeps the draft over a reload, queues the create and sends it once', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  const creates = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/partners/demo/applications')) creates.push(r.headers()['idempotency-key']); });
  try {
    await page.goto(`${BASE}/#/`);
    await startWizard(page);
    await context.setOffline(true);
    await page.getByText('You are offline.').waitFor();

    // Every step still checks the input.
    await templateRadio(page, 'web').check();
    await nextButton(page).click();
    await atStep(page, 'Name your application');
    const name = uniq('E2E offline');
    await page.getByLabel('Application name').fill('Bad/name');
    await page.locator('#app-name-findings li[data-rule="NAME-CHAR"]').waitFor();
    assert.equal(await isDisabled(nextButton(page)), true);
    await page.getByLabel('Application name').fill(name);
    await page.getByText('The name could not be checked now').waitFor();
    await until(() => isDisabled(nextButton(page)), (d) => !d, { what: 'Next enabled offline' });
    await nextButton(page).click();
    await atStep(page, 'Redirect URLs');
    const url = page.getByLabel('Redirect URL 1', { exact: true });
    await url.fill('http://offline.example.com/cb');
    await page.locator('li[data-rule="RU-HTTPS"]').waitFor();
    assert.equal(await isDisabled(nextButton(page)), true);
    await url.fill('https://offline.example.com/cb');
    await until(() => isDisabled(nextButton(page)), (d) => !d, { what: 'Next enabled' });
    await nextButton(page).click();
    await atStep(page, 'Technical contact');

    // The draft survives a reload (the page itself comes from the server: reload online).
    await context.setOffline(false);
    await page.reload();
    const offer = page.getByRole('region', { name: 'Resume your draft?' });
    await offer.waitFor();
    assert.ok((await offer.innerText()).includes(name));
    await offer.getByRole('button', { name: 'Resume' }).click();
    // Every step is valid, so the draft opens at the review.
    await atStep(page, 'Review and create');
    const summary = await page.locator('#summary').innerText();
    assert.ok(summary.includes(name) && summary.includes('https://offline.example.com/cb'), summary);

    // Offline again: "Create Application" is queued, nothing reaches the server.
    await context.setOffline(true);
    await page.getByText('You are offline.').waitFor();
    await page.getByRole('button', { name: 'Create Application' }).click();
    const notice = page.locator('#queued-notice');
    await notice.waitFor();
    assert.match(await notice.textContent(), /Queued: you are offline\. The application is created once, automatically/);
    assert.equal(await isDisabled(page.getByRole('button', { name: 'Create Application' })), true, 'no second click while queued');
    assert.equal((await appsNamed(cookie, name)).length, 0, 'nothing created while offline');

    // Back online: sent once, the success page opens.
    await context.setOffline(false);
    await page.getByRole('heading', { level: 1, name: 'Your app is registered' }).waitFor();
    assert.match(await page.locator('#client-id').textContent(), /^[0-9a-f]{32}$/);
    // Another offline/online round and a reload do not send it again.
    await context.setOffline(true);
    await context.setOffline(false);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Your app is registered' }).waitFor();
    assert.equal(await page.getByRole('region', { name: 'Resume your draft?' }).count(), 0, 'the draft is gone');
    const apps = await appsNamed(cookie, name);
    assert.equal(apps.length, 1, 'exactly one application');
    assert.equal(await page.locator('#client-id').textContent(), apps[0].client_ids.sod);
    const keys = creates.filter(Boolean);
    assert.ok(keys.length >= 1 && new Set(keys).size === 1, `one idempotency key: ${JSON.stringify(keys)}`);
  } finally {
    await context.close();
  }
});
