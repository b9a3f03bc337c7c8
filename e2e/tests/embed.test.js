// Item 8: examples/embed.html hosts the wizard; the host page receives `appreg:created` with the id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, contextAs, uniq, until, wizardToReview, createAndWait, api, BASE,
} from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the embedded wizard mounts into #appreg and dispatches appreg:created with the id', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    await page.addInitScript(() => {
      window.__events = [];
      document.addEventListener('appreg:created', (e) => window.__events.push({ type: e.type, target: e.target.id, detail: { ...e.detail } }));
      document.addEventListener('appreg:cancelled', (e) => window.__events.push({ type: e.type, target: e.target.id }));
    });
    await page.goto(`${BASE}/embed.html`);
    // The SPA lives inside the host's layout, not in <body>.
    const host = page.locator('#appreg');
    await host.getByRole('heading', { level: 1, name: 'Demo Partner AS' }).waitFor();
    assert.equal(await page.locator('header.portal-header').textContent(), 'Acme partner portal');
    assert.equal(await page.locator('body > .appreg').count(), 0);
    assert.equal(await host.locator('.appreg').count(), 1);
    // The host themes it through the custom properties.
    const accent = await host.locator('.appreg').evaluate((el) => getComputedStyle(el).getPropertyValue('--appreg-accent').trim());
    assert.equal(accent, '#7a3e9d');
    // The host's own form validates with the exported validators.
    await until(() => page.locator('#probe-out').textContent(), (t) => t.startsWith('error: RU-FRAGMENT'), { what: 'host probe' });

    // Cancel first: appreg:cancelled.
    await host.getByRole('button', { name: 'Create App' }).click();
    await host.getByRole('button', { name: 'Cancel' }).click(); // nothing entered yet: no question
    await until(() => page.evaluate(() => window.__events), (e) => e.length === 1, { what: 'cancelled event' });
    assert.deepEqual(await page.evaluate(() => window.__events), [{ type: 'appreg:cancelled', target: 'appreg' }]);

    const name = uniq('E2E embedded');
    await wizardToReview(page, { template: 'web', name, urls: ['https://embedded.example.com/cb'] });
    const clientId = await createAndWait(page);
    const events = await until(() => page.evaluate(() => window.__events), (e) => e.length === 2, { what: 'created event' });
    const created = events[1];
    assert.equal(created.type, 'appreg:created');
    assert.equal(created.target, 'appreg');
    assert.match(created.detail.id, /\S/);
    assert.equal(created.detail.client_id, clientId);
    assert.ok(page.url().endsWith(`embed.html#/apps/${created.detail.id}/created`), page.url());
    // The host page's own listener logged it.
    await until(() => page.locator('#events').textContent(), (t) => t.includes(`created: id=${created.detail.id} client_id=${clientId}`), { what: 'host log' });
    const r = await api('GET', `/api/v1/applications/${created.detail.id}`, { cookie });
    assert.equal(r.status, 200);
    assert.equal(r.json.name, name);
  } finally {
    await context.close();
  }
});
