// One-tag embedding on another origin (examples/embed.html served on a second port, which the suite's
// server lists with --embed-origin): the host's token signs the wizard in, every event arrives in order
// with its documented detail, an app is created; an unlisted origin gets no CORS grant; the host's
// aggressive stylesheet does not change the wizard; axe finds nothing inside the host page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  launch, newPage, apiSignIn, apiToken, api, apiCreateApp, uniq, until, atStep, nextButton, isDisabled, createAndWait,
  walkToReview, png, startHost, axe, shot, BASE, HOST_PORT, UNLISTED_PORT, ROOT,
} from '../lib.js';

let browser;
let host;
let unlisted;
before(async () => {
  browser = await launch();
  host = await startHost(HOST_PORT);
  unlisted = await startHost(UNLISTED_PORT);
});
after(async () => {
  await browser?.close();
  await host?.close();
  await unlisted?.close();
});

const EVENTS = ['ready', 'step', 'validity', 'created', 'cancelled', 'signed-out', 'error'];

/** A fresh browser (no portal cookie at all) on the host page, recording every appreg event and every
 * request the page sends to the portal. */
async function hostPage(token, query = '') {
  const { context, page } = await newPage(browser);
  await page.addInitScript((types) => {
    window.__events = [];
    for (const t of types) {
      document.addEventListener(`appreg:${t}`, (e) => window.__events.push({ type: t, target: e.target.id, detail: e.detail }));
    }
  }, EVENTS);
  const portalRequests = [];
  page.on('request', (r) => {
    if (r.url().startsWith(`${BASE}/api/`)) portalRequests.push(r);
  });
  await page.goto(`${host.url}/embed.html?token=${encodeURIComponent(token)}${query}`);
  return { context, page, portalRequests };
}

const events = (page) => page.evaluate(() => window.__events);

test('a host on another origin embeds the wizard with one tag and a token, hears every event, creates an app', async () => {
  const cookie = await apiSignIn('dev@demo.test');
  const write = await apiToken(cookie, 'write');
  const { context, page, portalRequests } = await hostPage(write.token);
  try {
    // data-template="web" on the element: the wizard opens at step 1 with Web app chosen.
    await atStep(page, 'Choose a template and app type');
    assert.equal(await page.getByRole('radio', { name: /^Web app/ }).isChecked(), true);
    // The host's own form validates with the exported core validators.
    await until(() => page.locator('#probe-out').textContent(), (t) => t.startsWith('error: RU-FRAGMENT'), { what: 'host probe' });
    await shot(page, 'embedded-host');

    const name = uniq('E2E embedded');
    await walkToReview(page, { template: 'web', name, urls: ['https://embedded.example.com/cb'] });
    const clientId = await createAndWait(page);

    const seen = await until(() => events(page), (e) => e.some((x) => x.type === 'created'), { what: 'created event' });
    // In order: ready, then per step its appreg:step and its verdicts, then created; all on the element.
    assert.ok(seen.every((e) => e.target === 'appreg'), JSON.stringify(seen));
    assert.deepEqual(seen[0], { type: 'ready', target: 'appreg', detail: { partner: 'demo' } });
    const steps = seen.filter((e) => e.type === 'step').map((e) => e.detail);
    assert.deepEqual(steps.map((s) => [s.step, s.index, s.count]), [
      ['template', 1, 5], ['name', 2, 5], ['redirect-urls', 3, 5], ['contact', 4, 5], ['review', 5, 5],
    ]);
    assert.equal(steps[1].title, 'Name');
    // Each appreg:step is followed by that step's verdict; the last verdict before the next step is valid.
    for (let i = 0; i < seen.length; i++) {
      if (seen[i].type !== 'step') continue;
      assert.deepEqual(seen[i + 1].type, 'validity', JSON.stringify(seen.slice(i, i + 2)));
      assert.equal(seen[i + 1].detail.step, seen[i].detail.step);
      const next = seen.findIndex((e, j) => j > i && e.type !== 'validity');
      const last = seen[next - 1];
      assert.equal(last.type, 'validity');
      assert.equal(last.detail.valid, true, `the step ${seen[i].detail.step} was valid when left: ${JSON.stringify(seen)}`);
    }
    // The name step was invalid before a name was typed.
    assert.ok(seen.some((e) => e.type === 'validity' && e.detail.step === 'name' && e.detail.valid === false));
    const created = seen.at(-1);
    assert.equal(created.type, 'created');
    assert.deepEqual(Object.keys(created.detail).sort(), ['client_id', 'id']);
    assert.equal(created.detail.client_id, clientId);
    assert.ok(!JSON.stringify(seen).toLowerCase().includes('secret'), 'no secret in any event');
    assert.deepEqual(seen.filter((e) => ['cancelled', 'signed-out', 'error'].includes(e.type)), []);

    // The host's token did it: bearer on every API request, no cookie, no CSRF header.
    assert.ok(portalRequests.length >= 4, `${portalRequests.length} API requests`);
    for (const r of portalRequests) {
      const h = await r.allHeaders();
      assert.equal(h.authorization, `Bearer ${write.token}`, r.url());
      assert.equal(h.cookie, undefined, r.url());
      assert.equal(h['x-requested-with'], undefined, r.url());
    }
    const app = await api('GET', `/api/v1/applications/${created.detail.id}`, { cookie });
    assert.equal(app.status, 200);
    assert.equal(app.json.name, name);
    // The host page's own listener logged it too.
    await until(() => page.locator('#events').textContent(), (t) => t.includes(`created {"id":"${created.detail.id}"`), { what: 'host log' });

    // axe inside the host page (it checks the shadow root too).
    assert.deepEqual(await axe(page), []);
  } finally {
    await context.close();
  }
});

test('the host fills in the name and the contact; a refused create is appreg:error, Cancel is appreg:cancelled, a revoked token is appreg:signed-out', async () => {
  const cookie = await apiSignIn('dev@demo.test');
  const read = await apiToken(cookie, 'read');
  const prefilled = uniq('E2E prefilled');
  const { context, page } = await hostPage(read.token, `&name=${encodeURIComponent(prefilled)}&contact=admin@demo.test`);
  try {
    await atStep(page, 'Choose a template and app type');
    await nextButton(page).click();
    await atStep(page, 'Name your application');
    assert.equal(await page.getByLabel('Application name').inputValue(), prefilled, 'data-name fills in the name');
    await until(() => isDisabled(nextButton(page)), (d) => !d, { what: 'Next enabled' });
    await nextButton(page).click();
    await page.getByLabel('Redirect URL 1', { exact: true }).fill('https://read.example.com/cb');
    await until(() => isDisabled(nextButton(page)), (d) => !d, { what: 'Next enabled' });
    await nextButton(page).click();
    await atStep(page, 'Technical contact');
    assert.equal(await page.getByLabel("Technical contact's email").inputValue(), 'admin@demo.test', 'data-contact sets the technical contact');
    await nextButton(page).click();
    await atStep(page, 'Review and create');
    assert.ok((await page.locator('#summary').innerText()).includes(prefilled));
    await page.getByRole('button', { name: 'Create Application' }).click();
    const withError = await until(() => events(page), (e) => e.some((x) => x.type === 'error'), { what: 'error event' });
    const error = withError.find((e) => e.type === 'error');
    assert.equal(error.detail.status, 403);
    assert.match(error.detail.message, /scope read/);
    // Cancel (something was entered: it asks first).
    await page.getByRole('button', { name: 'Cancel this registration' }).click();
    await page.getByRole('button', { name: 'Discard registration' }).click();
    const withCancel = await until(() => events(page), (e) => e.some((x) => x.type === 'cancelled'), { what: 'cancelled event' });
    assert.deepEqual(withCancel.at(-1), { type: 'cancelled', target: 'appreg', detail: {} });
    assert.ok(withCancel.findIndex((e) => e.type === 'error') < withCancel.length - 1);

    // The token is revoked while the wizard is open: the next request says so, and the host is told.
    assert.equal((await api('DELETE', `/api/v1/tokens/${read.id}`, { cookie })).status, 204);
    await page.getByRole('button', { name: 'Create App' }).click();
    await atStep(page, 'Choose a template and app type');
    await nextButton(page).click();
    await atStep(page, 'Name your application');
    await until(() => isDisabled(nextButton(page)), (d) => !d, { what: 'Next enabled' });
    await nextButton(page).click();
    await page.getByLabel('Redirect URL 1', { exact: true }).fill('https://read.example.com/cb');
    await until(() => isDisabled(nextButton(page)), (d) => !d, { what: 'Next enabled' });
    await nextButton(page).click();
    await nextButton(page).click();
    await page.getByRole('button', { name: 'Create Application' }).click();
    const withOut = await until(() => events(page), (e) => e.some((x) => x.type === 'signed-out'), { what: 'signed-out event' });
    assert.deepEqual(withOut.at(-1), { type: 'signed-out', target: 'appreg', detail: { reason: 'unauthenticated' } });
    assert.equal(withOut.filter((e) => e.type === 'error').length, 1, 'a 401 is signed-out, not another error');
    await page.locator('#token-refused').waitFor();
  } finally {
    await context.close();
  }

  // The host's token is revoked: the wizard says so and tells the host.
  const gone = await apiToken(cookie, 'write');
  assert.equal((await api('DELETE', `/api/v1/tokens/${gone.id}`, { cookie })).status, 204);
  const second = await hostPage(gone.token);
  try {
    const seen = await until(() => events(second.page), (e) => e.length > 0, { what: 'an event' });
    assert.deepEqual(seen, [{ type: 'signed-out', target: 'appreg', detail: { reason: 'unauthenticated' } }]);
    await second.page.locator('#token-refused').waitFor();
  } finally {
    await second.context.close();
  }
});

test("signed in with the host's token, the App Store section shows its uploaded images (fetched with the token)", async () => {
  const cookie = await apiSignIn('dev@demo.test');
  const write = await apiToken(cookie, 'write');
  const app = await apiCreateApp(cookie, { template: 'empty', app_type: 'standard', name: uniq('E2E embedded store') });
  const { context, page, portalRequests } = await hostPage(write.token, `#/apps/${app.id}/app-store`);
  try {
    await page.getByRole('heading', { level: 2, name: 'App Store' }).waitFor();
    await page.getByLabel('Upload a logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png(256, 256) });
    await until(() => page.locator('#upload-status').textContent(), (t) => t === 'Uploaded.', { what: 'uploaded' });
    // An <img> pointing at the portal would go without the token and be refused: the preview is shown
    // from the bytes fetched with it, and so is the listing card's logo.
    const logo = page.getByRole('img', { name: 'Logo preview' });
    await until(() => logo.evaluate((i) => i.complete && i.naturalWidth), (w) => w === 256, { what: 'logo preview loads' });
    assert.match(await logo.getAttribute('src'), /^blob:/);
    await until(() => page.locator('.listing-card img').evaluate((i) => i.complete && i.naturalWidth), (w) => w === 256, { what: 'listing card logo' });
    const fetched = portalRequests.filter((r) => /\/app-store\/images\/[0-9a-f]+$/.test(new URL(r.url()).pathname));
    assert.ok(fetched.length >= 1, portalRequests.map((r) => r.url()).join('\n'));
    for (const r of fetched) {
      const h = await r.allHeaders();
      assert.equal(h.authorization, `Bearer ${write.token}`, r.url());
      assert.equal(h.cookie, undefined, r.url());
    }
    // Leaving the section lets the blob URLs go.
    const url = await logo.getAttribute('src');
    await page.evaluate((id) => { location.hash = `#/apps/${id}`; }, app.id);
    await page.getByRole('img', { name: 'Logo preview' }).waitFor({ state: 'detached' });
    // (An image, not fetch: the host's policy lets images, not connections, use blob: URLs.)
    const gone = await page.evaluate((u) => new Promise((done) => {
      const img = new Image();
      img.onload = () => done('still there');
      img.onerror = () => done('revoked');
      img.src = u;
    }), url);
    assert.equal(gone, 'revoked');
  } finally {
    await context.close();
  }
});

test("signed in with the host's token, a ticket's attachment downloads (fetched with the token)", async () => {
  const cookie = await apiSignIn('dev@demo.test');
  const write = await apiToken(cookie, 'write');
  const app = await apiCreateApp(cookie, { template: 'web', name: uniq('E2E embedded ticket'), redirect_urls: ['https://app.example.com/cb'] });
  const req = await api('POST', `/api/v1/applications/${app.id}/publish-requests`, { cookie, body: { environment: 'stage', message: 'Please publish to Stage.' } });
  assert.equal(req.status, 201, JSON.stringify(req.json));
  const ticket = (await api('GET', '/api/v1/tickets', { cookie })).json.find((t) => t.application_id === app.id);
  const image = png(40, 30);
  const form = new FormData();
  form.append('body', 'The consent screen, attached.');
  form.append('file', new Blob([image], { type: 'image/png' }), 'consent.png');
  const sent = await fetch(`${BASE}/api/v1/tickets/${ticket.id}/messages`, { method: 'POST', headers: { cookie, 'x-requested-with': 'appreg' }, body: form });
  assert.equal(sent.status, 201, await sent.text());

  const { context, page, portalRequests } = await hostPage(write.token, `#/messages/${ticket.id}`);
  try {
    // A link to the portal would go without the token (a 401 page): the file is fetched with it and saved.
    const link = page.locator('#conversation a', { hasText: 'consent.png' });
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), 'consent.png');
    assert.deepEqual(await readFile(await download.path()), image);
    assert.equal(new URL(page.url()).origin, host.url, 'the host page stays');
    const fetched = portalRequests.filter((r) => r.url().includes('/attachments/'));
    assert.equal(fetched.length, 1, portalRequests.map((r) => r.url()).join('\n'));
    const h = await fetched[0].allHeaders();
    assert.equal(h.authorization, `Bearer ${write.token}`);
    assert.equal(h.cookie, undefined);
    assert.equal(await page.locator('#reply-status').textContent(), '');
  } finally {
    await context.close();
  }
});

test('an origin not listed with --embed-origin gets no CORS grant; a listed one gets exactly its own', async () => {
  const cookie = await apiSignIn('dev@demo.test');
  const { token } = await apiToken(cookie, 'write');
  const preflight = (origin) => fetch(`${BASE}/api/v1/me`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
  });
  const listed = await preflight(host.url);
  assert.equal(listed.status, 204);
  assert.equal(listed.headers.get('access-control-allow-origin'), host.url);
  assert.match(listed.headers.get('access-control-allow-headers'), /authorization/);
  assert.equal(listed.headers.get('access-control-allow-credentials'), null);
  const refused = await preflight(unlisted.url);
  assert.equal(refused.status, 403);
  assert.equal(refused.headers.get('access-control-allow-origin'), null);
  // The bearer token itself is refused from an unlisted origin, even without the browser's CORS check.
  const me = (origin) => fetch(`${BASE}/api/v1/me`, { headers: { origin, authorization: `Bearer ${token}` } });
  assert.equal((await me(host.url)).status, 200);
  const denied = await me(unlisted.url);
  assert.equal(denied.status, 403);
  assert.equal(denied.headers.get('access-control-allow-origin'), null);
  // The loader is not granted to the unlisted origin either: its page cannot start the wizard.
  const loader = await fetch(`${BASE}/embed.js`, { headers: { origin: unlisted.url } });
  assert.equal(loader.headers.get('access-control-allow-origin'), null);

  // In a browser: the same page on the unlisted origin never gets the wizard.
  const { context, page } = await newPage(browser);
  const failed = [];
  page.on('console', (m) => { if (m.type() === 'error') failed.push(m.text()); });
  try {
    await page.goto(`${unlisted.url}/embed.html?token=${token}`);
    await until(() => failed.length > 0, Boolean, { timeout: 10000, what: 'a CORS failure in the console' });
    assert.ok(failed.some((t) => /CORS|Access-Control-Allow-Origin/.test(t)), failed.join('\n'));
    assert.equal(await page.locator('#appreg').evaluate((el) => el.shadowRoot?.querySelector('.appreg') ?? null), null);
  } finally {
    await context.close();
  }
});

test("the host's aggressive stylesheet does not change the wizard (screenshot within a small pixel difference)", async () => {
  const cookie = await apiSignIn('dev@demo.test');
  const { token } = await apiToken(cookie, 'write');
  const { context, page } = await hostPage(token);
  try {
    await atStep(page, 'Choose a template and app type');
    await page.mouse.move(0, 0);
    // The wizard's own root inside the shadow root (Playwright's CSS pierces open shadow roots).
    const wizard = page.locator('#appreg .appreg');
    const plain = await wizard.screenshot({ animations: 'disabled', caret: 'hide' });
    // A stylesheet of the host's own origin (CSP 'self'), restyling *, button, input and more.
    await page.addStyleTag({ url: `${host.url}/embed-aggressive.css` });
    const restyled = await page.locator('p.portal-name').evaluate((el) => getComputedStyle(el).fontStyle);
    assert.equal(restyled, 'italic', 'the aggressive sheet applies to the host page');
    const styled = await wizard.screenshot({ animations: 'disabled', caret: 'hide' });
    const diff = await pixelDiff(page, plain, styled);
    console.log(`embedded wizard under the aggressive host stylesheet: ${diff.changed} of ${diff.total} pixels differ (${(100 * diff.changed / diff.total).toFixed(3)} %), size ${diff.size}`);
    assert.equal(diff.sameSize, true, `same size: ${diff.size}`);
    assert.ok(diff.changed / diff.total < 0.005, `at most 0.5 % of the pixels differ: ${diff.changed}/${diff.total}`);
  } finally {
    await context.close();
  }
});

/** Compares two PNGs pixel by pixel in a blank page's canvas. */
async function pixelDiff(page, a, b) {
  const blank = await page.context().newPage();
  try {
    return await blank.evaluate(async ([a64, b64]) => {
      const load = async (b) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b}`;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width;
        c.height = img.height;
        const ctx = c.getContext('2d');
        ctx.drawImage(img, 0, 0);
        return ctx.getImageData(0, 0, img.width, img.height);
      };
      const [x, y] = [await load(a64), await load(b64)];
      const sameSize = x.width === y.width && x.height === y.height;
      const size = `${x.width}x${x.height} and ${y.width}x${y.height}`;
      if (!sameSize) return { sameSize, size, changed: x.width * x.height, total: x.width * x.height };
      let changed = 0;
      for (let i = 0; i < x.data.length; i += 4) {
        const d = Math.abs(x.data[i] - y.data[i]) + Math.abs(x.data[i + 1] - y.data[i + 1]) + Math.abs(x.data[i + 2] - y.data[i + 2]);
        if (d > 24) changed++;
      }
      return { sameSize, size, changed, total: x.width * x.height };
    }, [a.toString('base64'), b.toString('base64')]);
  } finally {
    await blank.close();
  }
}

test('examples/embed.d.ts declares exactly what /embed.js exports and every event, and type-checks', async () => {
  const dts = readFileSync(path.join(ROOT, 'examples/embed.d.ts'), 'utf8');
  const declared = [...dts.matchAll(/^export (?:function|const) (\w+)/gm)].map((m) => m[1]).sort();
  const events = [...dts.matchAll(/"appreg:([a-z-]+)": CustomEvent/g)].map((m) => m[1]).sort();
  assert.deepEqual(events, [...EVENTS].sort());
  const cookie = await apiSignIn('dev@demo.test');
  const { token } = await apiToken(cookie, 'read');
  const { context, page } = await hostPage(token);
  try {
    await atStep(page, 'Choose a template and app type');
    const exported = await page.evaluate(async (url) => Object.keys(await import(url)).sort(), `${BASE}/embed.js`);
    assert.deepEqual(declared, exported);
    // The validators (a module of their own in the release build) answer as soon as the import resolves.
    const rules = await page.evaluate(async (url) => {
      const m = await import(url);
      const [check] = JSON.parse(m.validateRedirectUrls('web', JSON.stringify(['https://app.example.com/cb#x'])));
      const match = JSON.parse(m.matchRedirectUrl(JSON.stringify(['https://app.example.com/cb']), 'https://app.example.com/cb'));
      return { rules: check.findings.map((f) => f.rule), matched: match.matched };
    }, `${BASE}/embed.js`);
    assert.ok(rules.rules.includes('RU-FRAGMENT'), JSON.stringify(rules));
    assert.equal(rules.matched, 0);
  } finally {
    await context.close();
  }
  // A host's TypeScript against the declarations: compiles under --strict; the misuse lines stay errors.
  const tsc = path.join(ROOT, 'e2e/node_modules/.bin/tsc');
  execFileSync(tsc, ['--strict', '--noEmit', '--target', 'es2022', '--module', 'es2022', '--moduleResolution', 'bundler',
    '--lib', 'es2022,dom', path.join(ROOT, 'e2e/types/embed-usage.ts')], { stdio: 'pipe' });
});
