// Versions and the change log (#13): every save is logged with its diff and a snapshot; a labelled new
// version; publish to SOD; a request to publish that the app manager approves, seeing the diff; badges.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, contextAs, apiCreateApp, api, uniq, until, isDisabled, BASE } from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const nav = (page) => page.getByRole('navigation', { name: 'App sections' });
async function section(page, title) {
  await nav(page).getByRole('link', { name: title, exact: true }).click();
  await page.getByRole('heading', { level: 2, name: title, exact: true }).waitFor();
}

test('edit URLs → the change log shows the diff and a snapshot → a labelled version → request → the app manager sees the diff and approves → badges change', async () => {
  const dev = await contextAs(browser, 'dev@demo.test', { acceptDownloads: true });
  const mgr = await contextAs(browser, 'appmanager@demo.test');
  try {
    const app = await apiCreateApp(dev.cookie, { template: 'web', name: uniq('E2E versions'), redirect_urls: ['https://app.example.com/cb'] });
    const page = dev.page;
    await page.goto(`${BASE}/#/apps/${app.id}/authentication`);
    await page.getByRole('heading', { level: 1, name: app.name }).waitFor();
    const redirects = page.getByRole('group', { name: 'Allowed redirect URLs' });
    await redirects.getByRole('button', { name: 'Add More' }).click();
    await redirects.getByLabel('Redirect URL 2', { exact: true }).fill('https://app.example.com/second');
    await page.getByRole('button', { name: 'Save URLs' }).click();
    await until(() => page.locator('#save-status').textContent(), (t) => t === 'Saved.', { what: 'saved' });

    // The change log: the edit, in words, with its snapshot.
    await section(page, 'Change log');
    const edit = page.locator('#change-log li.change[data-action="edit"]').first();
    await edit.waitFor();
    assert.match(await edit.textContent(), /https:\/\/app\.example\.com\/second/);
    assert.match(await edit.textContent(), /dev@demo\.test/);
    assert.equal(await page.locator('#change-log li.change[data-action="create"]').count(), 1);
    const [download] = await Promise.all([page.waitForEvent('download'), edit.getByRole('button', { name: /^Download JSON of/ }).click()]);
    const snapshot = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.ok(JSON.stringify(snapshot).includes('https://app.example.com/second'), JSON.stringify(snapshot));

    // A new version with a label; it becomes the current draft.
    await section(page, 'Versions');
    await page.getByLabel('Label').fill('Release 2');
    await page.getByRole('button', { name: 'Add New Configuration' }).click();
    await until(() => page.locator('#version-status').textContent(), (t) => /Release 2/.test(t), { what: 'new version' });
    const v2 = page.locator('#version-list tr', { hasText: 'Release 2' });
    await v2.waitFor();
    assert.match(await v2.textContent(), /\(current\)/);
    // Request Stage for it.
    await v2.getByRole('button', { name: 'Request Stage' }).click();
    await until(() => page.locator('#version-status').textContent(), (t) => t.startsWith('Requested'), { what: 'requested' });
    await until(() => v2.locator('.state.pending').count(), (n) => n === 1, { what: 'pending badge' });

    // The app manager sees what is to be approved, as a diff, and approves.
    const mp = mgr.page;
    await mp.goto(`${BASE}/#/publish-requests`);
    const item = mp.getByRole('listitem', { name: `${app.name} to Stage` });
    await item.waitFor();
    await until(() => item.locator('.diff').textContent().catch(() => ''), (t) => t.includes('https://app.example.com/second'), { what: 'diff shown' });
    await item.getByRole('button', { name: `Approve ${app.name} to Stage` }).click();
    await until(() => mp.locator('#review-status').textContent(), (t) => t.includes('published'), { what: 'approved' });

    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Versions' }).waitFor();
    const row = page.locator('#version-list tr', { hasText: 'Release 2' });
    await until(() => row.locator('.state.published').count(), (n) => n >= 1, { what: 'published badge' });
    const r = await api('GET', `/api/v1/applications/${app.id}/versions`, { cookie: dev.cookie });
    const info = r.json.find((v) => v.label === 'Release 2');
    assert.equal(info.stage, 'published');
  } finally {
    await dev.context.close();
    await mgr.context.close();
  }
});

test('a version label is checked as typed (VERSION-LABEL)', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    const app = await apiCreateApp(cookie, { template: 'empty', name: uniq('E2E label') });
    await page.goto(`${BASE}/#/apps/${app.id}/versions`);
    await page.getByRole('heading', { level: 2, name: 'Versions' }).waitFor();
    const add = page.getByRole('button', { name: 'Add New Configuration' });
    assert.equal(await isDisabled(add), true, 'an empty label');
    await page.getByLabel('Label').fill('x'.repeat(81));
    await page.getByLabel('Label').blur();
    await page.locator('#version-label-findings li[data-rule="VERSION-LABEL"]').waitFor();
    assert.equal(await isDisabled(add), true);
    await page.getByLabel('Label').fill('x'.repeat(80));
    await until(() => isDisabled(add), (d) => d === false, { what: 'enabled' });
  } finally {
    await context.close();
  }
});
