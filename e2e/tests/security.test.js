// Item 5: another partner's app is "not found"; markup in a name is refused and never rendered as HTML.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, contextAs, apiCreateApp, api, uniq, until, startWizard, templateRadio, nextButton, atStep,
  isDisabled, BASE,
} from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("signed in as other@demo.test, the demo partner's app URL shows \"not found\"", async () => {
  const dev = await contextAs(browser, 'dev@demo.test');
  const other = await contextAs(browser, 'other@demo.test');
  try {
    const app = await apiCreateApp(dev.cookie, { template: 'web', name: uniq('E2E private'), redirect_urls: ['https://app.example.com/cb'] });
    // The owner sees it.
    await dev.page.goto(`${BASE}/#/apps/${app.id}`);
    await dev.page.getByRole('heading', { level: 1, name: app.name }).waitFor();

    for (const path of [`#/apps/${app.id}`, `#/apps/${app.id}/created`, `#/apps/${app.id}/urls`]) {
      await other.page.goto(`${BASE}/${path}`);
      const alert = other.page.getByRole('alert').filter({ hasText: /not found/i });
      await alert.waitFor();
      await other.page.getByRole('heading', { level: 1, name: 'App not found' }).waitFor();
      assert.equal(await other.page.getByRole('heading', { name: 'Your app is registered' }).count(), 0, `${path}: no success heading`);
      const text = await other.page.locator('body').innerText();
      assert.ok(!text.includes(app.name), `${path}: the name is not shown`);
      assert.ok(!text.includes(app.client_ids.sod), `${path}: the client ID is not shown`);
      assert.equal(await other.page.getByRole('button', { name: 'New client secret' }).count(), 0);
    }
    // The API answers 404 (not 403) to everything about it.
    for (const [m, p] of [['GET', ''], ['GET', '/secrets'], ['POST', '/secrets'], ['GET', '/certificates']]) {
      const r = await api(m, `/api/v1/applications/${app.id}${p}`, { cookie: other.cookie, body: m === 'POST' ? { environment: 'sod', description: '', expires_in_days: 30 } : undefined });
      assert.equal(r.status, 404, `${m} ${p}`);
    }
  } finally {
    await dev.context.close();
    await other.context.close();
  }
});

const XSS = '<img src=x onerror=alert(1)>';

test('an app name with <img src=x onerror=alert(1)> is rejected and never rendered as HTML', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  const imgs = () => page.evaluate(() => document.querySelectorAll('img').length);
  try {
    await page.goto(`${BASE}/#/`);
    await startWizard(page);
    await templateRadio(page, 'web').check();
    await nextButton(page).click();
    await atStep(page, 'Name your application');
    const name = page.getByLabel('Application name');
    await name.fill(XSS);
    const finding = page.locator('#app-name-findings li[data-rule="NAME-CHAR"]').first();
    await finding.waitFor();
    assert.match(await finding.textContent(), /'<'/);
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    assert.equal(await isDisabled(nextButton(page)), true);
    assert.equal(await imgs(), 0);

    // The draft is autosaved; after a reload the resume offer shows the name as text.
    await page.reload();
    const offer = page.getByRole('region', { name: 'Resume your draft?' });
    await offer.waitFor();
    assert.ok((await offer.innerText()).includes(XSS), 'the name is shown as text');
    assert.equal(await imgs(), 0);
    await offer.getByRole('button', { name: 'Resume' }).click();
    await atStep(page, 'Name your application');
    assert.equal(await page.getByLabel('Application name').inputValue(), XSS);
    assert.equal(await imgs(), 0);
    // The stepper refuses to jump past the invalid step by URL.
    await page.goto(`${BASE}/#/new/review`);
    await atStep(page, 'Name your application');

    // The server refuses it too, so it can never be stored and shown elsewhere.
    const r = await api('POST', '/api/v1/partners/demo/applications', {
      cookie, headers: { 'idempotency-key': `xss-${Date.now()}` },
      body: { template: 'empty', app_type: 'custom', name: XSS, technical_contact: 'dev@demo.test' },
    });
    assert.equal(r.status, 422);
    assert.ok(r.json.errors.some((e) => e.field === 'name' && e.rule === 'NAME-CHAR'), JSON.stringify(r.json));
    const check = await api('POST', '/api/v1/check', { cookie, body: { kind: 'name', values: [XSS] } });
    assert.equal(check.json.checks[0].verdict, 'error');

    // Markup inside other fields is text too: a redirect URL and the app page's tester.
    await page.getByLabel('Application name').fill(uniq('E2E markup'));
    await until(() => isDisabled(nextButton(page)), (d) => !d, { what: 'Next enabled' });
    await nextButton(page).click();
    await atStep(page, 'Redirect URLs');
    await page.getByLabel('Redirect URL 1', { exact: true }).fill(`https://app.example.com/${XSS}`);
    await page.locator('li[data-rule="RU-WHITESPACE"]').waitFor();
    assert.equal(await imgs(), 0);
    const app = await apiCreateApp(cookie, { template: 'web', name: uniq('E2E tester'), redirect_urls: ['https://app.example.com/cb'] });
    await page.goto(`${BASE}/#/apps/${app.id}/authentication`);
    await page.getByLabel('redirect_uri your app sends').fill(XSS);
    await until(() => page.locator('#probe-result').textContent(), (t) => t.length > 0, { what: 'tester answer' });
    await page.getByLabel('Redirect URL 1', { exact: true }).fill(XSS);
    await page.locator('#app-redirect-0-findings li').first().waitFor();
    assert.equal(await imgs(), 0);
    assert.deepEqual(dialogs, [], 'no dialog fired');
  } finally {
    await context.close();
  }
});
