// Shared helpers: Debian's Chromium through playwright-core, sign-in, axe-core.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
export const BASE = process.env.APPREG_URL ?? 'http://127.0.0.1:8080';
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
  const page = await context.newPage();
  page.on('pageerror', (e) => { page.__errors = [...(page.__errors ?? []), String(e)]; });
  return { context, page };
}

export async function api(method, urlPath, { body, cookie, headers = {} } = {}) {
  const res = await fetch(BASE + urlPath, {
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

export async function apiSignIn(email) {
  const r = await api('POST', '/api/v1/session', { body: { email, password: 'demo-password' } });
  if (r.status !== 200) throw new Error(`sign-in ${email}: ${r.status}`);
  return r.headers.get('set-cookie').split(';')[0];
}

/** Runs axe-core in the page and returns its violations. */
export async function axe(page) {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }));
  });
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}
