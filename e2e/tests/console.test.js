// The app console (#12): sections by address, edits that survive a reload, delete and restore,
// confirmations, readable time and badges, roles, "Start coding", and the partner page at scale.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, contextAs, apiSignIn, apiCreateApp, api, uniq, until, isDisabled, axe, BASE } from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Opens a section of an app's console and waits for its heading. */
async function openSection(page, app, slug, title) {
  await page.goto(`${BASE}/#/apps/${app.id}/${slug}`);
  await page.getByRole('heading', { level: 1, name: app.name }).waitFor();
  await page.getByRole('heading', { level: 2, name: title, exact: true }).waitFor();
}


test('the console has a section navigation; each section is an address with aria-current', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    const app = await apiCreateApp(cookie, { template: 'web', name: uniq('E2E nav'), redirect_urls: ['https://app.example.com/cb'] });
    await openSection(page, app, 'overview', 'Overview');
    const nav = page.getByRole('navigation', { name: 'App sections' });
    const titles = await nav.getByRole('link').allTextContents();
    assert.deepEqual(titles, ['Overview', 'Authentication', 'Integration', 'Keys', 'Versions', 'Publishing', 'Change log', 'Settings']);
    for (const [title, slug] of [['Keys', 'keys'], ['Settings', 'settings'], ['Authentication', 'authentication']]) {
      await nav.getByRole('link', { name: title }).click();
      await page.getByRole('heading', { level: 2, name: title, exact: true }).waitFor();
      assert.ok(page.url().endsWith(`#/apps/${app.id}/${slug}`), page.url());
      assert.equal(await nav.locator('[aria-current="page"]').textContent(), title);
      // The focus moves to the section's heading.
      await until(() => page.evaluate(() => document.activeElement?.id), (id) => id === 'section-title', { what: 'focus on the section' });
    }
    // Back goes to the previous section.
    await page.goBack();
    await page.getByRole('heading', { level: 2, name: 'Settings', exact: true }).waitFor();
    assert.equal(await page.locator('h1').count(), 1, 'one h1 per page');
  } finally {
    await context.close();
  }
});

test('endpoints, error e-mails and the technical contact are edited on Integration and survive a reload', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    const app = await apiCreateApp(cookie, { template: 'erp', name: uniq('E2E integration'), app_type: 'standard' });
    await openSection(page, app, 'integration', 'Integration');
    const erp = page.getByRole('group', { name: 'ERP Sync' });
    await erp.getByRole('switch').click();
    await erp.getByLabel('Endpoint URL').fill('http://erp.example.com/sync');
    await erp.locator('.findings li.error').first().waitFor();
    const save = page.getByRole('button', { name: 'Save integration' });
    assert.equal(await isDisabled(save), true, 'an http endpoint is an error');
    await erp.getByLabel('Endpoint URL').fill('https://erp.example.com/sync');

    const mails = page.getByRole('group', { name: 'Send error e-mails' });
    await mails.getByRole('switch').click();
    await mails.getByRole('button', { name: 'Add More' }).click();
    await mails.getByLabel('Recipient 1', { exact: true }).fill('ops@example.com');
    await mails.getByRole('button', { name: 'Add More' }).click();
    await mails.getByLabel('Recipient 2', { exact: true }).fill('OPS@example.com');
    await mails.locator('li[data-rule="EP-ERROR-EMAIL"]').first().waitFor();
    assert.equal(await isDisabled(save), true, 'a duplicate recipient is an error');
    await mails.getByRole('button', { name: 'Remove recipient 2' }).click();

    // The technical contact, picked with the type-ahead.
    const contact = page.getByLabel("Technical contact's email");
    await contact.fill('ad');
    await page.getByRole('button', { name: /Ada Admin/ }).click();
    assert.equal(await contact.inputValue(), 'admin@demo.test');

    await until(() => isDisabled(save), (d) => d === false, { what: 'Save enabled' });
    await save.click();
    await until(() => page.locator('#integration-status').textContent(), (t) => t === 'Saved.', { what: 'saved' });
    const r = await api('GET', `/api/v1/applications/${app.id}`, { cookie });
    assert.deepEqual(r.json.endpoints.erp_sync, { url: 'https://erp.example.com/sync', enabled: true });
    assert.deepEqual(r.json.error_emails, { send: true, recipients: ['ops@example.com'] });
    assert.equal(r.json.technical_contact, 'admin@demo.test');

    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Integration' }).waitFor();
    assert.equal(await page.getByRole('group', { name: 'ERP Sync' }).getByLabel('Endpoint URL').inputValue(), 'https://erp.example.com/sync');
    assert.equal(await page.getByRole('group', { name: 'ERP Sync' }).getByRole('switch').getAttribute('aria-checked'), 'true');
    assert.equal(await page.getByLabel('Recipient 1', { exact: true }).inputValue(), 'ops@example.com');
    assert.equal(await page.getByLabel("Technical contact's email").inputValue(), 'admin@demo.test');
  } finally {
    await context.close();
  }
});

test('post-logout URLs are edited in the list editor, shown in canonical form, and survive a reload', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    const app = await apiCreateApp(cookie, { template: 'web', name: uniq('E2E logout'), redirect_urls: ['https://app.example.com/cb'] });
    await openSection(page, app, 'authentication', 'Authentication');
    const logout = page.getByRole('group', { name: 'Post-logout redirect URLs' });
    await logout.getByRole('button', { name: 'Add More' }).click();
    await logout.getByLabel('Post-logout URL 1', { exact: true }).fill('https://app.example.com/bye#x');
    await logout.locator('li[data-rule="RU-FRAGMENT"]').waitFor();
    // The message comes first; the rule ID is at its end.
    assert.match(await logout.locator('li[data-rule="RU-FRAGMENT"]').textContent(), /^A redirect URL must not contain a fragment.* \(RU-FRAGMENT\)$/);
    await logout.getByLabel('Post-logout URL 1', { exact: true }).fill('HTTPS://App.Example.com/bye');
    await logout.getByText('Stored as https://app.example.com/bye').waitFor();
    assert.equal(await logout.locator('#app-logout-count').textContent(), '1 / 100');
    await page.getByRole('button', { name: 'Save URLs' }).click();
    await until(() => page.locator('#save-status').textContent(), (t) => t === 'Saved.', { what: 'saved' });
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Authentication' }).waitFor();
    assert.equal(await page.getByLabel('Post-logout URL 1', { exact: true }).inputValue(), 'https://app.example.com/bye');
    const r = await api('GET', `/api/v1/applications/${app.id}`, { cookie });
    assert.deepEqual(r.json.post_logout_urls, ['https://app.example.com/bye']);
  } finally {
    await context.close();
  }
});

test('Stage and Production use SOD\'s URLs until they get their own, which the current version keeps', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    const app = await apiCreateApp(cookie, { template: 'web', name: uniq('E2E env urls'), redirect_urls: ['https://app.example.com/cb'] });
    const current = async () => {
      const versions = await api('GET', `/api/v1/applications/${app.id}/versions`, { cookie });
      const n = versions.json.find((v) => v.current).number;
      return (await api('GET', `/api/v1/applications/${app.id}/versions/${n}`, { cookie })).json.config.environment_urls;
    };
    await openSection(page, app, 'authentication', 'Authentication');
    const stage = page.getByRole('group', { name: 'Stage', exact: true });
    await stage.getByText("Stage uses SOD's redirect and CORS URLs.").waitFor();
    const own = page.getByLabel('Stage has its own redirect and CORS URLs');
    await own.check();
    // Its own lists start as SOD's, in the same list editor with the same core rules.
    const entry = page.getByLabel('Stage redirect URL 1', { exact: true });
    assert.equal(await entry.inputValue(), 'https://app.example.com/cb');
    await entry.fill('https://stage.example.com/cb#x');
    await stage.locator('li[data-rule="RU-FRAGMENT"]').waitFor();
    const save = page.getByRole('button', { name: 'Save Stage and Production URLs' });
    assert.equal(await isDisabled(save), true, 'a fragment is an error');
    await entry.fill('HTTPS://Stage.Example.com/cb');
    await stage.getByText('Stored as https://stage.example.com/cb').waitFor();
    assert.deepEqual(await axe(page), [], 'axe: the section with Stage\'s own lists open');
    await stage.getByRole('group', { name: 'Stage CORS origins' }).getByRole('button', { name: 'Add More' }).click();
    await page.getByLabel('Stage CORS origin 1', { exact: true }).fill('https://stage.example.com');
    await save.click();
    await until(() => page.locator('#save-env-status').textContent(), (t) => t === 'Saved.', { what: 'saved' });
    // Saved: the editor shows the stored (canonical) form; the version has it, SOD's list is unchanged.
    assert.equal(await entry.inputValue(), 'https://stage.example.com/cb');
    const stored = await current();
    assert.deepEqual(stored.stage, { redirect_urls: ['https://stage.example.com/cb'], cors_urls: ['https://stage.example.com'] });
    assert.equal(stored.production ?? null, null);
    const a = await api('GET', `/api/v1/applications/${app.id}`, { cookie });
    assert.deepEqual(a.json.redirect_urls, ['https://app.example.com/cb']);
    // The tester answers for the environment chosen: Stage by its own list (as just saved), SOD by the
    // app's, Production, which has none of its own, by SOD's.
    const probe = page.getByLabel('redirect_uri your app sends');
    const result = page.locator('#probe-result');
    const verdict = (want, what) => until(() => result.getAttribute('class'), (c) => c === want, { what });
    await page.getByLabel('Environment', { exact: true }).selectOption('stage');
    await page.locator('#probe-list').getByText("Tested against Stage's own redirect URLs in the current version.").waitFor();
    await probe.fill('https://stage.example.com/cb');
    await verdict('ok', "Stage's own URL accepted for Stage");
    await page.getByLabel('Environment', { exact: true }).selectOption('sod');
    await page.locator('#probe-list').getByText("Tested against SOD's redirect URLs.").waitFor();
    await verdict('error', "Stage's own URL refused for SOD");
    await page.getByLabel('Environment', { exact: true }).selectOption('production');
    await page.locator('#probe-list').getByText("Production uses SOD's redirect URLs: tested against those.").waitFor();
    await verdict('error', "Stage's own URL refused for Production");
    await probe.fill('https://app.example.com/cb');
    await verdict('ok', "SOD's URL accepted for Production");
    assert.deepEqual(await axe(page), [], 'axe: the tester with an environment chosen');
    // After a reload, from the version.
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Authentication' }).waitFor();
    await entry.waitFor();
    assert.equal(await entry.inputValue(), 'https://stage.example.com/cb');
    assert.equal(await own.isChecked(), true);
    assert.equal(await page.getByLabel('Production has its own redirect and CORS URLs').isChecked(), false);
    // Someone else gives Production its own URLs meanwhile: Save then saves nothing, keeps what was
    // typed, and shows what is stored now.
    const fresh = await api('GET', `/api/v1/applications/${app.id}`, { cookie });
    const theirs = { stage: stored.stage, production: { redirect_urls: ['https://prod.example.com/cb'], cors_urls: [] } };
    const r = await api('PATCH', `/api/v1/applications/${app.id}`, { cookie, headers: { 'if-match': fresh.headers.get('etag') }, body: { environment_urls: theirs } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    await entry.fill('https://stage2.example.com/cb');
    await save.click();
    await until(() => page.locator('#save-env-status').textContent(), (t) => t.startsWith('Someone else changed this app meanwhile'), { what: 'conflict' });
    assert.equal(await entry.inputValue(), 'https://stage2.example.com/cb');
    await page.locator('#env-conflict-theirs').getByText('https://prod.example.com/cb').waitFor();
    // Unchecked and saved: Stage uses SOD's again (Production keeps its own).
    await own.uncheck();
    await save.click();
    await until(() => page.locator('#save-env-status').textContent(), (t) => t === 'Saved.', { what: 'saved again' });
    const after = await current();
    assert.equal(after.stage ?? null, null);
    assert.equal(after.production ?? null, null, 'saving again replaced theirs with what the page shows: Production unchecked');
  } finally {
    await context.close();
  }
});

test('capabilities are added after the wizard, with the consent warning before saving', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    const app = await apiCreateApp(cookie, { template: 'server-to-server', name: uniq('E2E capabilities') });
    await openSection(page, app, 'settings', 'Settings');
    const caps = page.getByRole('group', { name: 'Capabilities' });
    assert.equal(await page.locator('#consent-warning').count(), 0);
    await caps.getByLabel(/^Database mirroring/).check();
    const warning = page.getByRole('alert').filter({ hasText: 'Tenant administrators must consent again.' });
    await warning.waitFor();
    assert.match(await warning.textContent(), /Database mirroring/);
    assert.match(await warning.textContent(), /locked out/);
    await page.getByRole('button', { name: 'Save and ask tenants to consent again' }).click();
    await until(() => page.locator('#capabilities-status').textContent(), (t) => t === 'Saved.', { what: 'saved' });
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Settings' }).waitFor();
    assert.equal(await page.getByRole('group', { name: 'Capabilities' }).getByLabel(/^Database mirroring/).isChecked(), true);
    assert.equal(await page.locator('#consent-warning').count(), 0, 'saved: nothing new to consent to');
    const r = await api('GET', `/api/v1/applications/${app.id}`, { cookie });
    assert.ok(r.json.capabilities.includes('database_mirroring'), JSON.stringify(r.json.capabilities));
  } finally {
    await context.close();
  }
});

test('delete asks for the name; the name is free again; the administrator restores the app', async () => {
  const dev = await contextAs(browser, 'dev@demo.test');
  const admin = await contextAs(browser, 'admin@demo.test');
  try {
    const name = uniq('E2E delete');
    const app = await apiCreateApp(dev.cookie, { template: 'empty', name });
    const page = dev.page;
    await openSection(page, app, 'settings', 'Settings');
    assert.match(await page.locator('#delete-consequence').textContent(), /its name is free again/);
    await page.getByRole('button', { name: 'Delete app' }).click();
    const dialog = page.getByRole('alertdialog');
    const yes = dialog.getByRole('button', { name: 'Yes, delete it' });
    assert.equal(await isDisabled(yes), true, 'the name must be typed first');
    await dialog.getByLabel('App name').fill(name.slice(0, -1));
    assert.equal(await isDisabled(yes), true);
    await dialog.getByLabel('App name').fill(name);
    await yes.click();
    await page.getByRole('heading', { level: 1, name: 'Demo Partner AS' }).waitFor();
    assert.equal((await api('GET', `/api/v1/applications/${app.id}`, { cookie: dev.cookie })).status, 404);
    const free = await api('GET', `/api/v1/partners/demo/applications/name-available?name=${encodeURIComponent(name)}`, { cookie: dev.cookie });
    assert.equal(free.json.available, true, 'the name is free again');

    // The administrator sees it among the deleted apps and restores it.
    const ap = admin.page;
    await ap.goto(`${BASE}/#/`);
    await ap.getByRole('heading', { level: 1, name: 'Demo Partner AS' }).waitFor();
    await ap.getByRole('button', { name: 'Deleted apps you can restore' }).click();
    await ap.getByRole('button', { name: `Restore ${name}` }).click();
    await until(() => ap.locator('#restore-status').textContent(), (t) => t === `${name} is restored.`, { what: 'restored' });
    const back = await api('GET', `/api/v1/applications/${app.id}`, { cookie: dev.cookie });
    assert.equal(back.status, 200);
    assert.equal(back.json.status, 'active');
  } finally {
    await dev.context.close();
    await admin.context.close();
  }
});

test('an app published to Stage is deactivated instead: read-only, and the administrator restores it', async () => {
  const dev = await contextAs(browser, 'dev@demo.test');
  const admin = await contextAs(browser, 'admin@demo.test');
  const managerCookie = await apiSignIn('appmanager@demo.test');
  try {
    const name = uniq('E2E deactivate');
    const app = await apiCreateApp(dev.cookie, { template: 'empty', name });
    const req = await api('POST', `/api/v1/applications/${app.id}/publish-requests`, { cookie: dev.cookie, body: { environment: 'stage', message: '' } });
    assert.equal(req.status, 201);
    assert.equal((await api('POST', `/api/v1/publish-requests/${req.json.id}/approve`, { cookie: managerCookie })).status, 200);
    const page = dev.page;
    await openSection(page, app, 'settings', 'Settings');
    assert.match(await page.locator('#delete-consequence').textContent(), /deactivated/);
    await page.getByRole('button', { name: 'Deactivate app' }).click();
    await page.getByRole('alertdialog').getByLabel('App name').fill(name);
    await page.getByRole('button', { name: 'Yes, delete it' }).click();
    await page.locator('#read-only-note').filter({ hasText: 'deactivated and read-only' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Restore app' }).count(), 0, 'a developer cannot restore');
    await page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Authentication' }).click();
    await page.getByRole('heading', { level: 2, name: 'Authentication' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save URLs' }).count(), 0, 'read-only');

    await openSection(admin.page, app, 'settings', 'Settings');
    await admin.page.getByRole('button', { name: 'Restore app' }).click();
    await admin.page.getByRole('button', { name: 'Delete app' }).or(admin.page.getByRole('button', { name: 'Deactivate app' })).waitFor();
    assert.equal((await api('GET', `/api/v1/applications/${app.id}`, { cookie: dev.cookie })).json.status, 'active');
  } finally {
    await dev.context.close();
    await admin.context.close();
  }
});

test('revoke asks first and names the secret; Cancel keeps it; an expiring secret has a badge everywhere', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    const app = await apiCreateApp(cookie, { template: 'empty', name: uniq('E2E revoke') });
    const s = await api('POST', `/api/v1/applications/${app.id}/secrets`, { cookie, body: { environment: 'sod', description: 'ci', expires_in_days: 12 } });
    assert.equal(s.status, 201);
    const last4 = s.json.secret.slice(-4);
    await openSection(page, app, 'keys', 'Keys');
    const item = page.locator('#secret-list li').filter({ hasText: `…${last4}` });
    // Readable time: relative text with the absolute date beside it, and the badge.
    const time = item.locator('time');
    assert.match(await time.textContent(), /^expires in 1[12] days$/);
    assert.equal(await time.getAttribute('datetime'), s.json.expires_at);
    assert.match(await item.textContent(), /\(\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\)/);
    await item.locator('.badge', { hasText: 'Expires soon' }).waitFor();

    const revoke = page.getByRole('button', { name: `Revoke the SOD (development) secret ending in ${last4}` });
    await revoke.click();
    const dialog = page.getByRole('alertdialog', { name: new RegExp(`secret ending in ${last4}`) });
    await dialog.waitFor();
    // Cancel has the focus, so Enter does not revoke.
    await until(() => page.evaluate(() => document.activeElement?.textContent), (t) => t === 'Cancel', { what: 'focus on Cancel' });
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal((await api('GET', `/api/v1/applications/${app.id}/secrets`, { cookie })).json.length, 1, 'still there');

    // The partner page shows the badge on the app's tile or row.
    await page.goto(`${BASE}/#/`);
    await page.getByRole('heading', { level: 1, name: 'Demo Partner AS' }).waitFor();
    await page.getByLabel('Search by name').or(page.locator('#app-tiles')).first().waitFor();
    if (await page.getByLabel('Search by name').count()) await page.getByLabel('Search by name').fill(app.name);
    const row = page.locator('#app-list tr, #app-tiles li').filter({ hasText: app.name });
    await row.locator('.badge', { hasText: 'Expires soon' }).waitFor();

    await openSection(page, app, 'keys', 'Keys');
    await page.getByRole('button', { name: `Revoke the SOD (development) secret ending in ${last4}` }).click();
    await page.getByRole('button', { name: 'Revoke secret' }).click();
    await until(async () => (await api('GET', `/api/v1/applications/${app.id}/secrets`, { cookie })).json.length, (n) => n === 0, { what: 'revoked' });
    await until(() => page.locator('#secret-list').textContent(), (t) => t.includes('No secrets yet.'), { what: 'list updated' });
  } finally {
    await context.close();
  }
});

test('removing a certificate asks first and names it; generating a key pair shows Generating…', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    const app = await apiCreateApp(cookie, { template: 'server-to-server', name: uniq('E2E certificate') });
    await openSection(page, app, 'keys', 'Keys');
    await page.getByLabel('Description').last().fill('signing key');
    const generate = page.locator('#add-certificate');
    await generate.click();
    // While the key pair is made, the button is disabled and says so (it may be quick; then the
    // private key offer follows at once).
    await until(async () => (await generate.textContent()) === 'Generating…' || (await page.getByText('Download the private key now.').count()) > 0, Boolean, { what: 'pending or done' });
    await page.getByText('Download the private key now.').waitFor();
    const item = page.locator('#certificate-list li').filter({ hasText: 'signing key' });
    await item.waitFor();
    await item.getByRole('button', { name: 'Remove the SOD (development) certificate “signing key”' }).click();
    const dialog = page.getByRole('alertdialog', { name: /certificate “signing key”/ });
    await dialog.getByRole('button', { name: 'Remove certificate' }).click();
    await until(() => page.locator('#certificate-list').textContent(), (t) => t.includes('No certificates yet.'), { what: 'removed' });
  } finally {
    await context.close();
  }
});

test('marketing sees every section without a single edit control', async () => {
  const dev = await contextAs(browser, 'dev@demo.test');
  const mkt = await contextAs(browser, 'marketing@demo.test');
  try {
    const app = await apiCreateApp(dev.cookie, { template: 'erp', name: uniq('E2E marketing'), app_type: 'standard' });
    await api('POST', `/api/v1/applications/${app.id}/secrets`, { cookie: dev.cookie, body: { environment: 'sod', description: '', expires_in_days: 90 } });
    const page = mkt.page;
    await page.goto(`${BASE}/#/`);
    await page.getByRole('heading', { level: 1, name: 'Demo Partner AS' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create App' }).count(), 0);
    for (const [slug, title] of [['overview', 'Overview'], ['authentication', 'Authentication'], ['integration', 'Integration'], ['keys', 'Keys'], ['versions', 'Versions'], ['publishing', 'Publishing'], ['changes', 'Change log'], ['app-store', 'App Store'], ['settings', 'Settings']]) {
      await openSection(page, app, slug, title);
      await page.locator('#read-only-note').waitFor();
      if (slug === 'keys') await until(() => page.locator('#secret-list li').count(), (n) => n === 1, { what: 'secret listed' });
      if (slug === 'publishing') await page.locator('#publish-list li').first().waitFor();
      const body = page.locator('.section-body');
      // The redirect tester's URL and environment change nothing: they are not edit controls.
      const controls = await body.locator('input:not(#probe), textarea, select:not(#probe-env), button:not(.copy):not(#download-start-coding):not(.retry):not(.download)').count();
      assert.equal(controls, 0, `no edit control on ${title}`);
    }
  } finally {
    await dev.context.close();
    await mkt.context.close();
  }
});

test('the app manager opens the app from the queue, read-only, with what is to be approved', async () => {
  const dev = await contextAs(browser, 'dev@demo.test');
  const mgr = await contextAs(browser, 'appmanager@demo.test');
  try {
    const app = await apiCreateApp(dev.cookie, { template: 'web', name: uniq('E2E review'), redirect_urls: ['https://app.example.com/cb'] });
    const r = await api('POST', `/api/v1/applications/${app.id}/publish-requests`, { cookie: dev.cookie, body: { environment: 'stage', message: 'Please review the redirect URL.' } });
    assert.equal(r.status, 201);
    const page = mgr.page;
    await page.goto(`${BASE}/#/publish-requests`);
    await page.getByRole('heading', { level: 1, name: 'Publish requests' }).waitFor();
    await page.getByRole('link', { name: `Open ${app.name}` }).click();
    await page.getByRole('heading', { level: 1, name: app.name }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Publishing' }).waitFor();
    await page.locator('#read-only-note').filter({ hasText: 'app manager' }).waitFor();
    const pending = page.locator('#publish-list li.pending');
    await pending.waitFor();
    assert.match(await pending.textContent(), /Stage \(staging\): pending|Stage.*pending/);
    assert.match(await pending.textContent(), /Please review the redirect URL\./);
    assert.equal(await page.getByRole('button', { name: 'Request to publish' }).count(), 0);
    await page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Authentication' }).click();
    await page.locator('#app-redirect').getByText('https://app.example.com/cb').waitFor();
  } finally {
    await dev.context.close();
    await mgr.context.close();
  }
});

test('the publish picker offers only the environments that may be requested next', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    const app = await apiCreateApp(cookie, { template: 'erp', name: uniq('E2E picker'), app_type: 'standard' });
    await openSection(page, app, 'publishing', 'Publishing');
    const options = await page.getByLabel('Environment').locator('option').allTextContents();
    assert.equal(options.length, 1, `a standard app goes to Stage first: ${options}`);
    assert.match(options[0], /Stage/);
    await page.getByRole('button', { name: 'Request to publish' }).click();
    await page.locator('#nothing-to-request').waitFor();
  } finally {
    await context.close();
  }
});

test('"Start coding" shows the authority, discovery document and token endpoint for each environment', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    const app = await apiCreateApp(cookie, { template: 'native', name: uniq('E2E start coding'), redirect_urls: ['http://127.0.0.1/cb'] });
    await openSection(page, app, 'overview', 'Overview');
    for (const [env, host] of [['sod', 'sod.superoffice.com'], ['stage', 'qaonline.superoffice.com'], ['production', 'online.superoffice.com']]) {
      const box = page.locator(`.env-endpoints[data-env="${env}"]`);
      assert.equal(await box.locator('.authority').textContent(), `https://${host}/login`);
      assert.match(await box.locator('.discovery').textContent(), new RegExp(`^https://${host.replace(/\./g, '\\.')}/login/.*openid-configuration$`));
      assert.match(await box.locator('.token-endpoint').textContent(), new RegExp(`^https://${host.replace(/\./g, '\\.')}/login/.*token`));
      assert.match(await box.locator('.snippet').textContent(), /PKCE/);
    }
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download as JSON' }).click()]);
    const file = JSON.parse(await (await import('node:fs/promises')).readFile(await download.path(), 'utf8'));
    assert.equal(file.environments.length, 3);
    assert.equal(file.environments[0].client_id, app.client_ids.sod);
    assert.ok(file.environments.every((e) => e.authority && e.discovery_url && e.token_endpoint && e.quickstart));
    // Each client ID has its own copy button.
    assert.equal(await page.getByRole('button', { name: /^Copy client ID for / }).count(), 3);
  } finally {
    await context.close();
  }
});

test('the success page fits the template, allows one secret per visit, and warns before leaving it', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    const mirror = await apiCreateApp(cookie, { template: 'mirroring', name: uniq('E2E mirror next') });
    await page.goto(`${BASE}/#/apps/${mirror.id}/created`);
    await page.getByRole('heading', { level: 1, name: 'Your app is registered' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'New client secret' }).count(), 0, 'Mirroring: no secret');
    assert.equal(await page.getByRole('link', { name: 'View or change CORS and redirection URLs' }).count(), 0, 'Mirroring: no redirect URLs');
    const native = await apiCreateApp(cookie, { template: 'native', name: uniq('E2E native next'), redirect_urls: ['http://127.0.0.1/cb'] });
    await page.goto(`${BASE}/#/apps/${native.id}/created`);
    await page.getByRole('heading', { level: 1, name: 'Your app is registered' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Add a certificate' }).count(), 0, 'Native: no certificate');

    await page.getByRole('button', { name: 'New client secret' }).click();
    await page.getByLabel(/New client secret \(expires/).waitFor();
    assert.equal(await page.getByRole('button', { name: 'New client secret' }).count(), 0, 'one secret per visit');
    await page.locator('#one-secret-note').waitFor();
    // Leaving asks first; dismissing stays.
    let asked = 0;
    page.on('dialog', async (d) => { asked += 1; assert.match(d.message(), /shown only once/); await (asked === 1 ? d.dismiss() : d.accept()); });
    await page.getByRole('link', { name: 'Request to publish' }).click();
    await until(() => asked, (n) => n === 1, { what: 'asked' });
    await page.getByLabel(/New client secret \(expires/).waitFor();
    assert.ok(page.url().endsWith('/created'), page.url());
    await page.getByRole('link', { name: 'Request to publish' }).click();
    await page.getByRole('heading', { level: 2, name: 'Publishing' }).waitFor();
  } finally {
    await context.close();
  }
});

test('switching template asks before it drops entered redirect URLs, and keeps them where they fit', async () => {
  const { context, page } = await contextAs(browser, 'dev@demo.test');
  try {
    await page.goto(`${BASE}/#/`);
    await page.getByRole('button', { name: 'Create App' }).click();
    const radio = (t) => page.getByRole('radio', { name: new RegExp(`^${t}`) });
    await radio('Web app').check();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByLabel('Application name').fill(uniq('E2E switch'));
    await until(() => isDisabled(page.getByRole('button', { name: 'Next', exact: true })), (d) => !d, { what: 'Next' });
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByLabel('Redirect URL 1', { exact: true }).fill('https://app.example.com/cb');
    await page.getByRole('link', { name: /1\. Template/ }).click();
    // Web → Server-to-server keeps the URL (checked again by the new template's rules).
    await radio('Server-to-server').check();
    // Server-to-server → Mirroring would drop it: asked; dismissing keeps Server-to-server.
    const messages = [];
    page.once('dialog', async (d) => { messages.push(d.message()); await d.dismiss(); });
    await radio('Custom database mirroring').click();
    await until(() => messages.length, (n) => n === 1, { what: 'asked' });
    assert.match(messages[0], /drops the redirect URL you entered/);
    assert.equal(await radio('Server-to-server').isChecked(), true);
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    assert.equal(await page.getByLabel('Redirect URL 1', { exact: true }).inputValue(), 'https://app.example.com/cb');
  } finally {
    await context.close();
  }
});

test('150 apps are all reachable from the partner page: server-side search, filters and "Show more"', async () => {
  const { context, page, cookie } = await contextAs(browser, 'other@demo.test');
  try {
    const stamp = Date.now().toString(36);
    for (let i = 0; i < 150; i += 1) {
      await apiCreateApp(cookie, { template: i % 10 === 0 ? 'native' : 'empty', name: `Scale ${stamp} ${String(i).padStart(3, '0')}`, technical_contact: 'other@demo.test', ...(i % 10 === 0 ? { redirect_urls: ['http://127.0.0.1/cb'] } : {}) }, 'other');
    }
    // One more app that the search leaves out, newest and first by name: the unfiltered first page then
    // differs from the search's answer (with only the 150, both would be the same 50 rows, and "Show
    // more" could go on the unfiltered list until the search's answer replaced it).
    await apiCreateApp(cookie, { template: 'empty', name: `A ${stamp} outside the search`, technical_contact: 'other@demo.test' }, 'other');
    await page.goto(`${BASE}/#/`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByLabel('Search by name').fill(`Scale ${stamp}`);
    const rows = page.locator('#app-list tbody tr');
    // The server's answer to the search (not the unfiltered first page, which has 50 rows too).
    await until(() => rows.locator('td:first-child a').allTextContents(), (t) => t.length === 50 && t.every((n) => n.startsWith(`Scale ${stamp}`)), { what: 'first page of the search' });
    await page.getByRole('button', { name: 'Show more apps' }).click();
    await until(() => rows.count(), (n) => n === 100, { what: 'second page' });
    await page.getByRole('button', { name: 'Show more apps' }).click();
    await until(() => rows.count(), (n) => n === 150, { what: 'third page' });
    await until(() => page.getByRole('button', { name: 'Show more apps' }).count(), (n) => n === 0, { what: 'no more to show' });
    assert.match(await page.locator('#app-count').textContent(), /^150 apps shown$/);
    const names = await rows.locator('td:first-child a').allTextContents();
    assert.equal(new Set(names).size, 150);
    assert.ok(names.includes(`Scale ${stamp} 149`));
    // The server filters by template too.
    await page.getByLabel('Template').selectOption({ label: 'Native app' });
    await until(() => rows.count(), (n) => n === 15, { what: 'native only' });
    // The last one opens.
    await page.getByLabel('Template').selectOption({ label: 'All templates' });
    await page.getByLabel('Search by name').fill(`Scale ${stamp} 149`);
    await until(() => rows.count(), (n) => n === 1, { what: 'one match' });
    await rows.getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: `Scale ${stamp} 149` }).waitFor();
  } finally {
    await context.close();
  }
});
