// App Store information (#13): standard apps only; red fields block saving, orange ones publishing;
// images are uploaded (their type read from their bytes), previewed, and the listing is requested.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, contextAs, apiSignIn, apiCreateApp, api, uniq, until, isDisabled, axe, png, BASE } from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('App Store: hidden on custom apps; red fields block saving, orange ones publishing; images; request', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    const custom = await apiCreateApp(cookie, { template: 'empty', name: uniq('E2E custom store') });
    await page.goto(`${BASE}/#/apps/${custom.id}`);
    await page.getByRole('heading', { level: 1, name: custom.name }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'App Store' }).count(), 0, 'custom: no App Store');

    const app = await apiCreateApp(cookie, { template: 'empty', app_type: 'standard', name: uniq('E2E store') });
    await page.goto(`${BASE}/#/apps/${app.id}/app-store`);
    await page.getByRole('heading', { level: 2, name: 'App Store' }).waitFor();
    const save = page.getByRole('button', { name: 'Save draft' });
    const publish = page.getByRole('button', { name: 'Request to publish the listing' });

    // Red: the listing name and the short description are needed to save.
    await page.getByLabel(/^Homepage/).fill('http://example.com');
    await page.locator('#as-homepage-findings li.error[data-rule="APPSTORE-URL"]').waitFor();
    assert.equal(await isDisabled(save), true, 'an http URL and no name: nothing can be saved');
    await page.getByLabel(/^Homepage/).fill('https://example.com');
    assert.equal(await isDisabled(save), true, 'still no name');
    assert.ok(await page.locator('#as-name-findings li.error').count() >= 1);
    const listing = uniq('E2E listing');
    await page.getByLabel(/^Listing name/).fill(listing);
    await page.getByLabel(/^Short description/).fill('Syncs your orders both ways.');
    await until(() => isDisabled(save), (d) => d === false, { what: 'Save enabled with the red fields' });
    // Orange: still missing for publishing, shown but not blocking the save.
    assert.ok(await page.locator('#as-long-findings li.publish').count() >= 1, 'long description is orange');
    await save.click();
    await until(() => page.locator('#app-store-status').textContent(), (t) => t === 'Saved.', { what: 'saved' });
    assert.equal(await isDisabled(publish), true, 'orange fields block publishing');
    await page.locator('#publish-app-store-why').filter({ hasText: 'orange' }).waitFor();
    const r1 = await api('GET', `/api/v1/applications/${app.id}/app-store`, { cookie });
    assert.equal(r1.json.info.listing_name, listing);
    assert.equal(r1.json.can_publish, false);

    // Fill in the orange fields, with a logo and a screenshot uploaded and previewed.
    await page.getByLabel(/^Long description/).fill('A longer text about what the integration does.');
    await page.getByLabel(/^Support page/).fill('https://example.com/support');
    await page.getByLabel(/^Privacy policy/).fill('https://example.com/privacy');
    await page.getByLabel(/^Terms of use/).fill('https://example.com/terms');
    await page.getByLabel(/^Support e-mail/).fill('support@example.com');
    await page.getByRole('group', { name: /^Categories/ }).getByLabel('Sales').check();
    await page.getByRole('group', { name: /^Supported languages/ }).getByLabel('English').check();
    // A "PNG" that is not one is refused by the server, which reads the bytes.
    await page.getByLabel('Upload a logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('GIF89a not a png') });
    await until(() => page.locator('#upload-status').textContent(), (t) => t.length > 0 && t !== 'Uploading…', { what: 'refused' });
    assert.notEqual(await page.locator('#upload-status').textContent(), 'Uploaded.');
    await page.getByLabel('Upload a logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png(256, 256) });
    await page.getByRole('img', { name: 'Logo preview' }).waitFor();
    await until(() => page.getByRole('img', { name: 'Logo preview' }).evaluate((i) => i.complete && i.naturalWidth), (w) => w === 256, { what: 'logo preview loads' });
    await page.getByLabel('Upload a screenshot').setInputFiles({ name: 'shot.png', mimeType: 'image/png', buffer: png(640, 400) });
    await page.getByRole('img', { name: 'Screenshot 1 preview' }).waitFor();
    // The listing card shows what customers will see.
    const card = page.getByRole('figure', { name: 'Preview of the listing' });
    assert.match(await card.textContent(), new RegExp(listing));
    // Typing elsewhere in the form leaves the images as they are (each is fetched once, not per keystroke).
    const marked = [page.getByRole('img', { name: 'Logo preview' }), page.getByRole('img', { name: 'Screenshot 1 preview' }), card.locator('img')];
    await until(() => card.locator('img').evaluate((i) => i.complete && i.naturalWidth), (w) => w === 256, { what: 'card logo loads' });
    // (A view drawn again keeps its element but runs its component again: a new fetch, and no src until
    // it is done.)
    const srcs = await Promise.all(marked.map((img) => img.getAttribute('src')));
    assert.ok(srcs.every((s) => s?.startsWith('blob:')), srcs.join(' '));
    await page.getByLabel(/^Listing name/).press('End');
    await page.getByLabel(/^Listing name/).pressSequentially(' plus');
    await until(() => card.textContent(), (t) => t.includes(`${listing} plus`), { what: 'card follows the name' });
    assert.deepEqual(await Promise.all(marked.map((img) => img.getAttribute('src'))), srcs);
    await page.getByLabel(/^Listing name/).fill(listing);
    assert.match(await card.textContent(), /Sales/);
    assert.deepEqual(await axe(page), []);

    await save.click();
    await until(() => page.locator('#app-store-status').textContent(), (t) => t === 'Saved.', { what: 'saved again' });
    await until(() => isDisabled(publish), (d) => d === false, { what: 'publish enabled' });
    await publish.click();
    await until(() => page.locator('#app-store-status').textContent(), (t) => t.startsWith('Requested'), { what: 'requested' });
    const queue = await api('GET', '/api/v1/publish-requests?state=pending', { cookie: await apiSignIn('appmanager@demo.test') });
    assert.ok(queue.json.some((q) => q.application_id === app.id && q.kind === 'app-store'), JSON.stringify(queue.json));

    // An image that cannot be fetched says why beside it, with Try again, which fetches it anew.
    let refuse = true;
    await page.route('**/app-store/images/**', (route) => (refuse && route.request().method() === 'GET'
      ? route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Service unavailable.', status: 503, detail: 'Try again in a minute.' }) })
      : route.continue()));
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'App Store' }).waitFor();
    const logoBox = page.locator('.thumb').filter({ has: page.getByRole('img', { name: 'Logo preview' }) });
    const failed = logoBox.getByRole('alert');
    await failed.waitFor();
    assert.equal(await failed.textContent(), 'The image could not be loaded: Service unavailable. Try again in a minute. Try again');
    assert.equal(await page.getByRole('img', { name: 'Logo preview' }).getAttribute('src'), null);
    refuse = false;
    await failed.getByRole('button', { name: 'Try again' }).click();
    await until(() => page.getByRole('img', { name: 'Logo preview' }).evaluate((i) => i.complete && i.naturalWidth), (w) => w === 256, { what: 'the logo loads after Try again' });
    assert.equal(await logoBox.getByRole('alert').count(), 0, 'the message goes when the image is there');
    await page.unroute('**/app-store/images/**');
  } finally {
    await context.close();
  }
});
