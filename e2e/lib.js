// Shared helpers: Debian's Chromium through playwright-core, sign-in, axe-core.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, crc32 } from 'node:zlib';

const require = createRequire(import.meta.url);
export const BASE = process.env.APPREG_URL ?? 'http://127.0.0.1:8080';
/** The port of the suite's server; the ports after it are the suite's: +1 its SMTP sink, +2 the host
 * origin it lists with --embed-origin, +3 an origin it does not list, +4 and +5 portals of their own. */
export const PORT = Number(new URL(BASE).port);
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SHOTS = process.env.APPREG_SHOTS ?? '/tmp/appreg-shots';
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
}

export async function newPage(browser, opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...opts });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  page.on('pageerror', (e) => { page.__errors = [...(page.__errors ?? []), String(e)]; });
  return { context, page };
}

export async function api(method, urlPath, { body, cookie, headers = {}, base = BASE } = {}) {
  const res = await fetch(base + urlPath, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(cookie ? { cookie, 'x-requested-with': 'appreg' } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, headers: res.headers };
}

export async function apiSignIn(email, base = BASE) {
  const r = await api('POST', '/api/v1/session', { body: { email, password: 'demo-password' }, base });
  if (r.status !== 200) throw new Error(`sign-in ${email}: ${r.status}`);
  return r.headers.get('set-cookie').split(';')[0];
}

/** Runs axe-core in the page and returns its violations. */
export async function axe(page) {
  // Evaluated through the DevTools protocol: the page's CSP (no inline scripts) stays on for the app.
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }));
  });
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

// ---------------------------------------------------------------------------------------------
// Test helpers shared by tests/*.test.js. playwright-core has no `expect`, so waiting is done with
// locators (`waitFor`) and `until` (polls a condition; fails with the last value seen).

export const PASSWORD = 'demo-password';

/** A name no other test uses (NAME-* allows letters, digits, space, - _ & ( ) , ! @ + [ ]). */
export function uniq(prefix) {
  return `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

/** Polls `fn` until `ok(value)` holds; throws with the last value after `timeout` ms. */
export async function until(fn, ok = Boolean, { timeout = 5000, interval = 25, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (ok(last)) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** A browser context already signed in as `email` (the session cookie from the API). */
export async function contextAs(browser, email, { base = BASE, ...opts } = {}) {
  const cookie = await apiSignIn(email, base);
  const [name, value] = cookie.split('=');
  const { context, page } = await newPage(browser, opts);
  const url = new URL(base);
  await context.addCookies([{ name, value, domain: url.hostname, path: '/', httpOnly: true, sameSite: 'Strict' }]);
  return { context, page, cookie };
}

/** Signs in through the sign-in form and waits for the partner page. */
export async function signIn(page, email, { partnerName = 'Demo Partner AS' } = {}) {
  await page.goto(`${BASE}/#/`);
  await page.getByRole('heading', { name: 'Sign in to the Developer Portal' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (partnerName) await page.getByRole('heading', { level: 1, name: partnerName }).waitFor();
}

export const TEMPLATE_TITLES = {
  web: 'Web app',
  native: 'Native app',
  'server-to-server': 'Server-to-server',
  mirroring: 'Custom database mirroring',
  erp: 'Standard ERP sync and quote',
  empty: 'Empty (DIY)',
};
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export const templateRadio = (page, template) =>
  page.getByRole('radio', { name: new RegExp(`^${esc(TEMPLATE_TITLES[template])}`) });
export const nextButton = (page) => page.getByRole('button', { name: 'Next', exact: true });
export const backButton = (page) => page.getByRole('button', { name: 'Back', exact: true });
export const stepHeading = (page, name) => page.getByRole('heading', { level: 2, name, exact: true });

/** Waits for a step's heading and checks that it has the focus (the wizard moves it there). */
export async function atStep(page, name) {
  const h = stepHeading(page, name);
  await h.waitFor();
  // The focused element is looked for inside shadow roots too (the embedded wizard lives in one).
  const focused = (el) => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    return a === el;
  };
  await until(() => h.evaluate(focused), Boolean, { what: `focus on "${name}"` });
  return h;
}

/** Whether a button is disabled, read from the DOM. */
export const isDisabled = (locator) => locator.evaluate((b) => b.disabled);

/** Clicks "Create App" on the partner page and waits for step 1. */
export async function startWizard(page) {
  await page.getByRole('button', { name: 'Create App' }).click();
  await atStep(page, 'Choose a template and app type');
}

/** Walks the wizard from the partner page to the review step (see `walkToReview`). */
export async function wizardToReview(page, opts) {
  await startWizard(page);
  await walkToReview(page, opts);
}

/** From step 1, on screen, to the review step for `template` with `name` and `urls`/`endpoints`. */
export async function walkToReview(page, { template, name, urls, endpoints, appType, onStep = async () => {} }) {
  await templateRadio(page, template).check();
  if (appType) await page.getByRole('radio', { name: appType, exact: true }).check();
  await onStep('template');
  await nextButton(page).click();
  await atStep(page, 'Name your application');
  await page.getByLabel('Application name').fill(name);
  await until(() => isDisabled(nextButton(page)), (d) => !d, { what: 'Next enabled on the name step' });
  await onStep('name');
  await nextButton(page).click();
  if (['web', 'native', 'server-to-server'].includes(template)) {
    await atStep(page, 'Redirect URLs');
    for (const [i, u] of (urls ?? []).entries()) {
      if (i > 0 && (await page.getByLabel(`Redirect URL ${i + 1}`, { exact: true }).count()) === 0) {
        await page.getByRole('button', { name: 'Add More' }).click();
      }
      await page.getByLabel(`Redirect URL ${i + 1}`, { exact: true }).fill(u);
    }
    await onStep('urls');
    await nextButton(page).click();
  } else if (['mirroring', 'erp'].includes(template)) {
    await atStep(page, 'Integration points');
    for (const [legend, url] of Object.entries(endpoints ?? {})) {
      const group = page.getByRole('group', { name: legend });
      await group.getByRole('switch').click();
      await group.getByLabel('Endpoint URL').fill(url);
    }
    await onStep('urls');
    await nextButton(page).click();
  }
  await atStep(page, 'Technical contact');
  await onStep('contact');
  await nextButton(page).click();
  await atStep(page, 'Review and create');
  await onStep('review');
}

/** On the review step: "Create Application", then the success page; returns the client ID shown. */
export async function createAndWait(page) {
  await page.getByRole('button', { name: 'Create Application' }).click();
  await page.getByRole('heading', { level: 1, name: 'Your app is registered' }).waitFor();
  return (await page.locator('#client-id').textContent()).trim();
}

/** The partner's apps with this exact name, from the API. */
export async function appsNamed(cookie, name, partner = 'demo', base = BASE) {
  const r = await api('GET', `/api/v1/partners/${partner}/applications?limit=100&query=${encodeURIComponent(name)}`, { cookie, base });
  if (r.status !== 200) throw new Error(`list apps: ${r.status}`);
  return r.json.items.filter((a) => a.name === name);
}

/** Creates an app through the API (for tests about what comes after the wizard). */
export async function apiCreateApp(cookie, body, partner = 'demo', base = BASE) {
  const r = await api('POST', `/api/v1/partners/${partner}/applications`, {
    cookie, base,
    body: { technical_contact: 'dev@demo.test', app_type: 'custom', ...body },
    headers: { 'idempotency-key': `e2e-${Date.now()}-${Math.random().toString(36).slice(2)}` },
  });
  if (r.status !== 201) throw new Error(`create app: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

/** Fails when the page threw an uncaught error. */
export function noPageErrors(page) {
  if (page.__errors?.length) throw new Error(`page errors: ${page.__errors.join('\n')}`);
}

// ---------------------------------------------------------------------------------------------
// Portals of a test's own: for the tests that stop the server (offline start) or deploy a new build.

/** A copy of the built SPA (dist/) in a fresh folder, to serve and to change. */
export function copyDist() {
  const dir = mkdtempSync('/tmp/appreg-build-');
  cpSync(path.join(ROOT, 'dist'), dir, { recursive: true });
  return dir;
}

/** Starts `appreg serve --demo` on `port` with its own static folder and SQLite file; `stop()` ends it. */
export async function startPortal({ port, staticDir, dbFile, args = [] }) {
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(path.join(ROOT, 'target/debug/appreg'), ['serve', '--addr', `127.0.0.1:${port}`,
    '--database-url', `sqlite://${dbFile}`, '--static', staticDir, '--demo', ...args],
  { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((r) => proc.once('exit', r));
  try {
    await until(async () => {
      if (proc.exitCode !== null) throw new Error(`appreg serve exited: ${log}`);
      try { return (await fetch(`${url}/healthz`)).ok; } catch { return false; }
    }, Boolean, { timeout: 20000, what: `the portal on ${url}` });
  } catch (e) {
    proc.kill('SIGKILL');
    throw e;
  }
  return {
    url,
    log: () => log,
    stop: async () => { if (proc.exitCode === null) proc.kill('SIGTERM'); await exited; },
  };
}

/** A portal of the test's own on `port` (a copy of dist/, a fresh database) and a page signed in to it,
 * controlled by its service worker and visited twice through it (which keeps /api/v1/me for an offline
 * start). */
export async function portalWithWorker(browser, port) {
  const staticDir = copyDist();
  const dbFile = path.join(mkdtempSync('/tmp/appreg-portal-'), 'portal.db');
  const portal = await startPortal({ port, staticDir, dbFile });
  const { context, page } = await contextAs(browser, 'dev@demo.test', { base: portal.url });
  const home = () => page.getByRole('heading', { level: 1, name: 'Demo Partner AS' }).waitFor();
  await page.goto(`${portal.url}/#/`);
  await home();
  await controlled(page);
  await page.reload();
  await home();
  return { portal, staticDir, dbFile, base: portal.url, context, page };
}

/** Waits until the page is controlled by the portal's service worker. */
export async function controlled(page) {
  await until(() => page.evaluate(() => Boolean(navigator.serviceWorker?.controller)), Boolean,
    { timeout: 20000, what: 'the service worker controls the page' });
}

// ---------------------------------------------------------------------------------------------
// A host portal on another origin, embedding the wizard with the one tag (examples/embed.html).

/** The origin the suite's server lists with --embed-origin (e2e/serve.sh), and one it does not list. */
export const HOST_PORT = PORT + 2;
export const UNLISTED_PORT = PORT + 3;

/** Serves examples/ on `port` as a host portal would: the tag pointing at `portal`, and the strict
 * Content-Security-Policy docs/embedding.md tells hosts to send. */
export async function startHost(port, portal = BASE) {
  const dir = path.join(ROOT, 'examples');
  const csp = `default-src 'self'; script-src 'self' ${portal} 'wasm-unsafe-eval'; style-src 'self' ${portal}; `
    + `connect-src ${portal}; img-src 'self' ${portal} data: blob:; object-src 'none'; base-uri 'none'`;
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };
  const server = http.createServer((req, res) => {
    const name = path.basename(new URL(req.url, 'http://host').pathname) || 'embed.html';
    let body;
    try { body = readFileSync(path.join(dir, name), 'utf8'); } catch { res.writeHead(404).end(); return; }
    res.writeHead(200, {
      'content-type': types[path.extname(name)] ?? 'application/octet-stream',
      'content-security-policy': csp,
      'cache-control': 'no-store',
    });
    res.end(body.replaceAll('http://127.0.0.1:8080', portal));
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

/** A portal API token of the user signed in with `cookie` (what a host's own sign-in hands the wizard). */
export async function apiToken(cookie, scope = 'write', base = BASE) {
  const r = await api('POST', '/api/v1/tokens', { cookie, base, body: { name: uniq('E2E host'), scope, expires_in_days: 1 } });
  if (r.status !== 201 && r.status !== 200) throw new Error(`token: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

/** A valid w×h RGB PNG, built here so the test needs no image files. */
export function png(w, h) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3, 0x5a)]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
