// Item 3: client secrets (shown once, last four afterwards, at most two live) and certificates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, contextAs, apiCreateApp, api, uniq, until, BASE } from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Every text and form value in the page, to look for a secret. */
const everything = (page) => page.evaluate(() => document.body.innerText + '\n'
  + [...document.querySelectorAll('input, textarea')].map((i) => i.value).join('\n'));

test('"New client secret" shows the secret once; after a reload only its last four characters show', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    const app = await apiCreateApp(cookie, { template: 'web', name: uniq('E2E secret'), redirect_urls: ['https://app.example.com/cb'] });
    await page.goto(`${BASE}/#/apps/${app.id}/created`);
    await page.getByRole('heading', { level: 1, name: 'Your app is registered' }).waitFor();
    await page.getByRole('button', { name: 'New client secret' }).click();
    const warning = page.getByRole('alert').filter({ hasText: 'Copy this secret now.' });
    await warning.waitFor();
    assert.match(await warning.textContent(), /shown only this once/);
    const box = page.getByLabel(/New client secret \(expires/);
    const secret = await box.inputValue();
    assert.ok(secret.length >= 43, `at least 256 bits, URL-safe: ${secret}`);
    assert.match(secret, /^[A-Za-z0-9_-]+$/);
    // The download carries it too.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download as JSON' }).click()]);
    const file = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.equal(file.client_secret, secret);
    assert.equal(file.client_id, app.client_ids.sod);
    // … with where to sign in with it ("Start coding").
    assert.equal(file.authority, 'https://sod.superoffice.com/login');
    assert.match(file.discovery_url, /^https:\/\/sod\.superoffice\.com\/login\/.*openid-configuration$/);
    assert.match(file.token_endpoint, /^https:\/\/sod\.superoffice\.com\/login\//);

    // Leaving while the secret is shown asks first (the browser's own "Leave site?" question).
    const asked = [];
    page.once('dialog', async (d) => { asked.push(d.type()); await d.accept(); });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Your app is registered' }).waitFor();
    assert.deepEqual(asked, ['beforeunload']);
    await page.getByRole('button', { name: 'New client secret' }).waitFor();
    assert.equal(await page.getByLabel(/New client secret \(expires/).count(), 0);
    assert.ok(!(await everything(page)).includes(secret), 'the secret is gone after a reload');

    await page.goto(`${BASE}/#/apps/${app.id}/keys`);
    const list = page.locator('#secret-list li');
    await until(() => list.allTextContents(), (t) => t.some((x) => /…[A-Za-z0-9_-]{4} ·/.test(x)), { what: 'secret list' });
    const items = await list.allTextContents();
    assert.equal(items.length, 1);
    assert.ok(items[0].includes(`…${secret.slice(-4)}`), items[0]);
    assert.ok(items[0].startsWith('SOD (development)'), items[0]);
    assert.ok(!(await everything(page)).includes(secret), 'the app page never shows the secret');
    // Nor does the API.
    const r = await api('GET', `/api/v1/applications/${app.id}/secrets`, { cookie });
    assert.ok(!JSON.stringify(r.json).includes(secret));
  } finally {
    await context.close();
  }
});

test('a third live secret in one environment is refused with a clear message', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    const app = await apiCreateApp(cookie, { template: 'empty', name: uniq('E2E three secrets') });
    await page.goto(`${BASE}/#/apps/${app.id}/keys`);
    await page.getByRole('heading', { level: 1, name: app.name }).waitFor();
    const section = page.locator('#sec-secrets');
    await section.getByLabel('Environment').selectOption({ label: 'Stage' });
    const make = section.getByRole('button', { name: 'New client secret' });
    const list = page.locator('#secret-list li');
    for (const n of [1, 2]) {
      await make.click();
      await section.getByLabel(/New client secret \(expires/).waitFor();
      await until(() => list.allTextContents(), (t) => t.filter((x) => x.startsWith('Stage')).length === n, { what: `${n} secrets listed` });
    }
    await make.click();
    const refusal = section.getByRole('alert').filter({ hasText: 'two live client secrets' });
    await refusal.waitFor();
    assert.match(await refusal.textContent(), /already has two live client secrets in Stage\. Revoke the one you no longer use/);
    assert.equal(await section.getByLabel(/New client secret \(expires/).count(), 0, 'no secret shown on refusal');
    assert.equal((await list.allTextContents()).length, 2);
    // SOD still takes one: the limit is per environment.
    await section.getByLabel('Environment').selectOption({ label: 'SOD (development)' });
    await make.click();
    await section.getByLabel(/New client secret \(expires/).waitFor();
    await until(() => list.allTextContents(), (t) => t.length === 3, { what: '3 secrets listed' });
  } finally {
    await context.close();
  }
});

test("a generated certificate's private key is offered once", async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test', { acceptDownloads: true });
  try {
    const app = await apiCreateApp(cookie, { template: 'server-to-server', name: uniq('E2E certificate') });
    await page.goto(`${BASE}/#/apps/${app.id}/certificates`);
    const section = page.locator('#sec-certificates');
    await section.getByText('No certificates yet.').waitFor();
    await section.getByRole('button', { name: 'Generate a key pair' }).click();
    const warning = section.getByRole('alert').filter({ hasText: 'Download the private key now.' });
    await warning.waitFor();
    assert.match(await warning.textContent(), /shown only this once; only the public key is kept/);
    const [pem] = await Promise.all([page.waitForEvent('download'), warning.getByRole('button', { name: 'Download PEM' }).click()]);
    const key = await readFile(await pem.path(), 'utf8');
    assert.match(key, /^-----BEGIN (RSA )?PRIVATE KEY-----/);
    const [xml] = await Promise.all([page.waitForEvent('download'), warning.getByRole('button', { name: 'Download RSA XML' }).click()]);
    assert.match(await readFile(await xml.path(), 'utf8'), /^<RSAKeyValue>.*<D>/s);
    await until(() => section.locator('li').allTextContents(), (t) => t.some((x) => x.startsWith('SOD (development) · added')), { what: 'certificate listed' });

    await page.reload();
    await until(() => section.locator('li').allTextContents(), (t) => t.some((x) => x.startsWith('SOD (development) · added')), { what: 'certificate listed after reload' });
    assert.equal(await section.getByRole('button', { name: 'Download PEM' }).count(), 0, 'gone after a reload');
    const r = await api('GET', `/api/v1/applications/${app.id}/certificates`, { cookie });
    assert.equal(r.json.length, 1);
    assert.ok(!JSON.stringify(r.json).includes('PRIVATE KEY'), 'the server keeps only the public key');
    // One per environment.
    await section.getByRole('button', { name: 'Generate a key pair' }).click();
    await section.getByRole('alert').filter({ hasNotText: 'Download' }).waitFor();
  } finally {
    await context.close();
  }
});
