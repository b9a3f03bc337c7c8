// Item 4: after creation: edit redirect and CORS URLs, a stale edit from a second tab, publish and approve.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, contextAs, apiCreateApp, api, uniq, until, isDisabled, BASE } from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openUrls(page, app) {
  await page.goto(`${BASE}/#/apps/${app.id}/urls`);
  await page.getByRole('heading', { level: 1, name: app.name }).waitFor();
  await page.getByRole('group', { name: 'Allowed redirect URLs' }).waitFor();
}

/** The inputs of one list editor, by its legend. */
const entry = (page, list, label) => page.getByRole('group', { name: list }).getByLabel(label, { exact: true });
const values = (page, list) => page.getByRole('group', { name: list }).locator('input').evaluateAll((els) => els.map((e) => e.value));

test('redirect and CORS URLs are edited on the app page, checked as typed, and saved', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    const app = await apiCreateApp(cookie, { template: 'web', name: uniq('E2E edit'), redirect_urls: ['https://app.example.com/cb'] });
    await openUrls(page, app);
    const save = page.getByRole('button', { name: 'Save URLs' });
    assert.deepEqual(await values(page, 'Allowed redirect URLs'), ['https://app.example.com/cb']);

    const redirects = page.getByRole('group', { name: 'Allowed redirect URLs' });
    await redirects.getByRole('button', { name: 'Add More' }).click();
    await entry(page, 'Allowed redirect URLs', 'Redirect URL 2').fill('https://app.example.com/cb#x');
    await redirects.locator('li[data-rule="RU-FRAGMENT"]').waitFor();
    assert.equal(await entry(page, 'Allowed redirect URLs', 'Redirect URL 2').getAttribute('aria-invalid'), 'true');
    assert.equal(await isDisabled(save), true);
    const cors = page.getByRole('group', { name: 'CORS origins' });
    await cors.getByRole('button', { name: 'Add More' }).click();
    await entry(page, 'CORS origins', 'CORS origin 1').fill('https://spa.example.com/path');
    await cors.locator('li[data-rule="CORS-FORM"]').waitFor();

    await entry(page, 'Allowed redirect URLs', 'Redirect URL 2').fill('https://app.example.com/other');
    await entry(page, 'CORS origins', 'CORS origin 1').fill('https://spa.example.com');
    await until(() => isDisabled(save), (d) => d === false, { what: 'Save enabled' });
    await save.click();
    await until(() => page.locator('#save-status').textContent(), (t) => t === 'Saved.', { what: 'Saved.' });

    const r = await api('GET', `/api/v1/applications/${app.id}`, { cookie });
    assert.deepEqual(r.json.redirect_urls, ['https://app.example.com/cb', 'https://app.example.com/other']);
    assert.deepEqual(r.json.cors_urls, ['https://spa.example.com']);
    await page.reload();
    await page.getByRole('group', { name: 'CORS origins' }).waitFor();
    assert.deepEqual(await values(page, 'CORS origins'), ['https://spa.example.com']);
    assert.deepEqual(await values(page, 'Allowed redirect URLs'), ['https://app.example.com/cb', 'https://app.example.com/other']);
    // The tester uses the saved list.
    await page.getByLabel('redirect_uri your app sends').fill('https://app.example.com/other');
    await until(() => page.locator('#probe-result').getAttribute('class'), (c) => c === 'ok', { what: 'probe accepted' });
  } finally {
    await context.close();
  }
});

test('a stale edit from a second tab gets a clear conflict message and keeps what was typed', async () => {
  const { context, page: tab1, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    const app = await apiCreateApp(cookie, { template: 'web', name: uniq('E2E conflict'), redirect_urls: ['https://app.example.com/cb'] });
    const tab2 = await context.newPage();
    await openUrls(tab1, app);
    await openUrls(tab2, app);

    await tab1.getByRole('group', { name: 'CORS origins' }).getByRole('button', { name: 'Add More' }).click();
    await entry(tab1, 'CORS origins', 'CORS origin 1').fill('https://first.example.com');
    await tab1.getByRole('button', { name: 'Save URLs' }).click();
    await until(() => tab1.locator('#save-status').textContent(), (t) => t === 'Saved.', { what: 'tab 1 saved' });

    await tab2.getByRole('group', { name: 'Allowed redirect URLs' }).getByRole('button', { name: 'Add More' }).click();
    await entry(tab2, 'Allowed redirect URLs', 'Redirect URL 2').fill('https://app.example.com/from-tab-2');
    await tab2.getByRole('group', { name: 'CORS origins' }).getByRole('button', { name: 'Add More' }).click();
    await entry(tab2, 'CORS origins', 'CORS origin 1').fill('https://second.example.com');
    await tab2.getByRole('button', { name: 'Save URLs' }).click();
    const status = await until(() => tab2.locator('#save-status').textContent(), (t) => t.length > 0, { what: 'tab 2 answer' });
    assert.match(status, /Someone else changed this app meanwhile/);
    assert.deepEqual(await values(tab2, 'Allowed redirect URLs'), ['https://app.example.com/cb', 'https://app.example.com/from-tab-2'], 'nothing typed is lost');
    assert.deepEqual(await values(tab2, 'CORS origins'), ['https://second.example.com']);

    let r = await api('GET', `/api/v1/applications/${app.id}`, { cookie });
    assert.deepEqual(r.json.cors_urls, ['https://first.example.com'], 'the stale edit did not overwrite');
    assert.deepEqual(r.json.redirect_urls, ['https://app.example.com/cb']);
    // Their version is shown next to the kept text; saving again (now against it) applies tab 2's edit.
    const theirs = tab2.locator('#conflict-theirs');
    await theirs.waitFor();
    assert.match(await theirs.innerText(), /CORS origins\s+https:\/\/first\.example\.com/);
    await tab2.getByRole('button', { name: 'Save URLs' }).click();
    await until(() => tab2.locator('#save-status').textContent(), (t) => t === 'Saved.', { what: 'tab 2 saved after review' });
    r = await api('GET', `/api/v1/applications/${app.id}`, { cookie });
    assert.deepEqual(r.json.cors_urls, ['https://second.example.com']);
    assert.deepEqual(r.json.redirect_urls, ['https://app.example.com/cb', 'https://app.example.com/from-tab-2']);
  } finally {
    await context.close();
  }
});

test('request to publish; the app manager approves in another browser; the app shows "published"', async () => {
  const dev = await contextAs(browser, 'dev@demo.test');
  const manager = await contextAs(browser, 'appmanager@demo.test');
  try {
    const app = await apiCreateApp(dev.cookie, { template: 'web', name: uniq('E2E publish'), redirect_urls: ['https://app.example.com/cb'] });
    const page = dev.page;
    await page.goto(`${BASE}/#/apps/${app.id}/publish`);
    const section = page.locator('#sec-publish');
    const overview = page.locator('#app-environments tr[data-env="stage"] .env-state');
    const toOverview = () => page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Overview' }).click();
    const toPublishing = () => page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Publishing' }).click();
    await section.getByLabel('Environment').selectOption({ label: 'Stage' });
    await section.getByLabel('Message to the reviewer').fill('Ready for stage, please.');
    await section.getByRole('button', { name: 'Request to publish' }).click();
    await section.getByText('Requested. An app manager reviews it.').waitFor();
    await until(() => section.locator('#publish-list li').allTextContents(), (t) => t.some((x) => x.startsWith('Stage (test): pending') || /^Stage[^:]*: pending/.test(x)), { what: 'pending listed' });
    // The overview follows at once, and still says so after a reload.
    await toOverview();
    await until(() => overview.innerText(), (t) => t === 'Request pending', { what: 'overview: Stage pending, no reload' });
    await page.reload();
    await until(() => overview.innerText(), (t) => t === 'Request pending', { what: 'overview: Stage pending' });

    // The app manager's queue, in another browser context.
    const mp = manager.page;
    await mp.goto(`${BASE}/#/`);
    await mp.getByRole('heading', { level: 1, name: 'Publish requests' }).waitFor();
    const item = mp.getByRole('listitem', { name: `${app.name} to Stage` });
    await item.waitFor();
    assert.match(await item.textContent(), /Ready for stage, please\./);
    await item.getByRole('button', { name: `Approve ${app.name} to Stage` }).click();
    await until(() => mp.locator('#review-status').textContent(), (t) => t.includes(`${app.name} (Stage): published.`), { what: 'approved' });
    await item.waitFor({ state: 'detached' });

    await page.reload();
    await until(() => overview.innerText(), (t) => t === 'Published', { what: 'overview: Stage published' });
    assert.match(await page.locator('#app-environments tr[data-env="stage"] .client-id code').textContent(), /^[0-9a-f]{32}$/);
    await toPublishing();
    await until(() => section.locator('#publish-list li').allTextContents(), (t) => t.some((x) => /^Stage[^:]*: published/.test(x)), { what: 'published listed' });
    const r = await api('GET', `/api/v1/applications/${app.id}`, { cookie: dev.cookie });
    assert.equal(r.json.environments.stage, 'published');
  } finally {
    await dev.context.close();
    await manager.context.close();
  }
});

test('the app manager rejects with a reason; the developer sees it', async () => {
  const dev = await contextAs(browser, 'dev@demo.test');
  const manager = await contextAs(browser, 'appmanager@demo.test');
  try {
    const app = await apiCreateApp(dev.cookie, { template: 'empty', name: uniq('E2E reject') });
    const r = await api('POST', `/api/v1/applications/${app.id}/publish-requests`, { cookie: dev.cookie, body: { environment: 'production', message: '' } });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const mp = manager.page;
    await mp.goto(`${BASE}/#/publish-requests`);
    const item = mp.getByRole('listitem', { name: `${app.name} to Production` });
    const reject = item.getByRole('button', { name: `Reject ${app.name} to Production` });
    assert.equal(await isDisabled(reject), true, 'a reason is needed');
    await item.getByLabel(`Reason for rejecting ${app.name} to Production`).fill('Add a privacy policy first.');
    await reject.click();
    await until(() => mp.locator('#review-status').textContent(), (t) => t.includes('rejected'), { what: 'rejected' });
    await dev.page.goto(`${BASE}/#/apps/${app.id}/publish`);
    await until(() => dev.page.locator('#publish-list li').allTextContents(),
      (t) => t.some((x) => /^Production[^:]*: rejected/.test(x) && x.includes('Add a privacy policy first.')), { what: 'rejection shown' });
  } finally {
    await dev.context.close();
    await manager.context.close();
  }
});
