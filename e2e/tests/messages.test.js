// The Messaging Center (#14): a request to publish is a ticket both sides see; replies with images;
// the approval is written into the ticket; the e-mails reach the SMTP server (when the run has one).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, contextAs, apiCreateApp, api, uniq, until, axe, shot, png, BASE } from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The messages the test SMTP server received so far (APPREG_SMTP_LOG, one JSON object a line). */
async function mails() {
  const file = process.env.APPREG_SMTP_LOG;
  if (!file) return null;
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

test('request → a ticket for both sides → a reply with an image → approval in the ticket → e-mail', async () => {
  const dev = await contextAs(browser, 'dev@demo.test');
  const mgr = await contextAs(browser, 'appmanager@demo.test');
  try {
    const app = await apiCreateApp(dev.cookie, { template: 'web', name: uniq('E2E ticket'), redirect_urls: ['https://app.example.com/cb'] });
    const req = await api('POST', `/api/v1/applications/${app.id}/publish-requests`, { cookie: dev.cookie, body: { environment: 'stage', message: 'Please publish to Stage.' } });
    assert.equal(req.status, 201, JSON.stringify(req.json));

    // The partner's developer sees the ticket.
    const page = dev.page;
    await page.goto(`${BASE}/#/messages`);
    await page.getByRole('heading', { level: 1, name: 'Messaging Center' }).waitFor();
    const mine = page.locator('#ticket-list li', { hasText: app.name });
    await mine.waitFor();
    assert.match(await mine.textContent(), /Open/);

    // The app manager sees it too, unread, and replies with an image.
    const mp = mgr.page;
    await mp.goto(`${BASE}/#/messages`);
    await mp.locator('#unread-count').waitFor();
    const theirs = mp.locator('#ticket-list li', { hasText: app.name });
    await theirs.locator('.badge', { hasText: 'new' }).waitFor();
    await theirs.getByRole('link').click();
    await mp.getByRole('heading', { level: 1, name: new RegExp(app.name) }).waitFor();
    assert.match(await mp.locator('#conversation').textContent(), /Please publish to Stage\./);
    await mp.getByLabel('Message').fill('Could you add a screenshot of the consent screen?');
    await mp.getByLabel(/^Images/).setInputFiles({ name: 'consent.png', mimeType: 'image/png', buffer: png(40, 30) });
    await mp.getByRole('button', { name: 'Send reply' }).click();
    // The reply is in the conversation (the page reads the ticket again), and "Sent." stays announced.
    await mp.locator('#conversation li', { hasText: 'Could you add a screenshot of the consent screen?' }).waitFor();
    assert.equal(await mp.locator('#reply-status').textContent(), 'Sent.');
    await until(() => mp.locator('#ticket-state').textContent(), (t) => t === 'Waiting for partner', { what: 'waiting' });
    await mp.locator('#conversation a', { hasText: 'consent.png' }).waitFor();
    assert.deepEqual(await axe(mp), []);
    await shot(mp, 'messaging-ticket');

    // The partner sees the reply (and its image, served as a download) and marks it answered.
    await page.reload();
    const row = page.locator('#ticket-list li', { hasText: app.name });
    await row.locator('.badge', { hasText: 'new' }).waitFor();
    assert.deepEqual(await axe(page), []);
    await shot(page, 'messaging-center');
    await row.getByRole('link').click();
    await page.locator('#conversation', { hasText: 'consent screen' }).waitFor();
    const href = await page.locator('#conversation a', { hasText: 'consent.png' }).getAttribute('href');
    const att = await fetch(new URL(href, BASE), { headers: { cookie: dev.cookie } });
    assert.equal(att.status, 200);
    assert.equal(att.headers.get('x-content-type-options'), 'nosniff');
    assert.match(att.headers.get('content-disposition') ?? '', /^attachment/);
    await page.getByRole('button', { name: 'Mark as answered' }).click();
    await until(() => page.locator('#ticket-state').textContent(), (t) => t === 'Open', { what: 'open again' });
    assert.equal(await page.locator('#reply-status').textContent(), "Marked as answered: it is the app managers' turn.");

    // Approval is written into the ticket, which closes.
    const ok = await api('POST', `/api/v1/publish-requests/${req.json.id}/approve`, { cookie: mgr.cookie });
    assert.equal(ok.status, 200);
    await page.reload();
    await until(() => page.locator('#ticket-state').textContent(), (t) => t === 'Closed', { what: 'closed' });
    assert.match(await page.locator('#conversation').textContent(), /Approved/);

    // The e-mail about the approval reaches the SMTP server.
    if (process.env.APPREG_SMTP_LOG) {
      await until(async () => (await mails()).filter((m) => m.to.includes('dev@demo.test') && /approved/i.test(m.subject) && m.subject.includes(app.name)).length,
        (n) => n === 1, { timeout: 20000, what: 'approval e-mail' });
    }
  } finally {
    await dev.context.close();
    await mgr.context.close();
  }
});

test('marketing reads conversations but cannot reply; another partner does not see them', async () => {
  const dev = await contextAs(browser, 'dev@demo.test');
  const mkt = await contextAs(browser, 'marketing@demo.test');
  const other = await contextAs(browser, 'other@demo.test');
  try {
    const app = await apiCreateApp(dev.cookie, { template: 'empty', name: uniq('E2E ticket roles') });
    const req = await api('POST', `/api/v1/applications/${app.id}/publish-requests`, { cookie: dev.cookie, body: { environment: 'production', message: 'Go.' } });
    assert.equal(req.status, 201);
    await mkt.page.goto(`${BASE}/#/messages`);
    await mkt.page.locator('#ticket-list li', { hasText: app.name }).getByRole('link').click();
    await mkt.page.locator('#conversation', { hasText: 'Go.' }).waitFor();
    assert.equal(await mkt.page.getByRole('button', { name: 'Send reply' }).count(), 0);
    await other.page.goto(`${BASE}/#/messages`);
    await other.page.getByRole('heading', { level: 1, name: 'Messaging Center' }).waitFor();
    await other.page.locator('#ticket-list, .empty').first().waitFor();
    assert.equal(await other.page.locator('#ticket-list li', { hasText: app.name }).count(), 0);
  } finally {
    await dev.context.close();
    await mkt.context.close();
    await other.context.close();
  }
});

test('an expiring secret produces its reminder e-mail', { skip: !process.env.APPREG_SMTP_LOG && 'no SMTP server in this run' }, async () => {
  const { context, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    const app = await apiCreateApp(cookie, { template: 'empty', name: uniq('E2E reminder') });
    const s = await api('POST', `/api/v1/applications/${app.id}/secrets`, { cookie, body: { environment: 'sod', description: 'soon', expires_in_days: 1 } });
    assert.equal(s.status, 201);
    await until(async () => (await mails()).filter((m) => m.to.includes('dev@demo.test') && /expire/i.test(m.subject) && m.subject.includes(app.name)).length,
      (n) => n >= 1, { timeout: 60000, interval: 500, what: 'reminder e-mail' });
    const all = (await mails()).filter((m) => m.subject.includes(app.name));
    assert.ok(all.every((m) => !m.body.includes(s.json.secret)), 'no secret in any e-mail');
  } finally {
    await context.close();
  }
});

test('notification preferences: a kind turned off stays off', async () => {
  const { context, page, cookie } = await contextAs(browser, 'admin@demo.test');
  try {
    await page.goto(`${BASE}/#/notifications`);
    await page.getByRole('heading', { level: 1, name: 'E-mail notifications' }).waitFor();
    const box = page.getByRole('group', { name: 'Send me e-mails about' }).getByRole('checkbox').first();
    await box.waitFor();
    const kind = (await box.getAttribute('id')).replace('notify-', '');
    assert.equal(await box.isChecked(), true);
    await box.uncheck();
    await until(() => page.locator('#notifications-status').textContent(), (t) => t === 'Saved.', { what: 'saved' });
    const r = await api('GET', '/api/v1/me/notifications', { cookie });
    assert.equal(r.json.kinds.find((k) => k.kind === kind).enabled, false);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'E-mail notifications' }).waitFor();
    await until(() => page.locator(`#notify-${kind}`).isChecked(), (c) => c === false, { what: 'still off' });
    assert.deepEqual(await axe(page), []);
    await page.locator(`#notify-${kind}`).check();
    await until(async () => (await api('GET', '/api/v1/me/notifications', { cookie })).json.kinds.find((k) => k.kind === kind).enabled, Boolean, { what: 'on again' });
  } finally {
    await context.close();
  }
});
