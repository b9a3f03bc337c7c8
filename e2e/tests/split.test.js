// Code splitting (#16): the pages after Create (the console, the publish queue, sessions, the Messaging
// Center, e-mails) are a wasm module of their own. A first visit does not download it; the first of those
// pages fetches it once; a failed fetch says so and "Try again" loads it.
// The URL rules and the screens that need them (the wizard's steps after Name, the success page) are
// another (with a chunk of what they share with the console: the URL parser, the regex engine, ...):
// fetched once the first screen is drawn and the browser is idle, so the template and name steps work
// before they arrive; the URL step says it is loading until they do, and offers "Try again" if they cannot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { launch, contextAs, apiCreateApp, uniq, templateRadio, nextButton, atStep, isDisabled, until, noPageErrors, BASE, ROOT } from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const onDemand = (url) => /\/(split|chunk)_[A-Za-z0-9_]+-[0-9a-f]{16}\.wasm$/.test(new URL(url).pathname);
const laterModule = (url) => /\/split_later-[0-9a-f]{16}\.wasm$/.test(new URL(url).pathname);
// The rules' own module and the chunk it shares with the console (the URL parser, IDNA, the regex engine).
const rulesModule = (url) => /\/(split_rules|chunk_[0-9]+)-[0-9a-f]{16}\.wasm$/.test(new URL(url).pathname);
const names = (urls) => urls.map((u) => new URL(u).pathname.replace(/-[0-9a-f]{16}\.wasm$/, '')).sort();

test('the release build has an on-demand module; the glue, its loader and the CSS are inside the page', async () => {
  const files = readdirSync(path.join(ROOT, 'dist'));
  assert.ok(files.some((f) => /^split_later-[0-9a-f]{16}\.wasm$/.test(f)), `no split_later module in dist/: ${files}`);
  assert.ok(files.some((f) => /^split_rules-[0-9a-f]{16}\.wasm$/.test(f)), `no split_rules module in dist/: ${files}`);
  // The URL parser's IDNA and the regex engine are not in the main module (a direct call into the URL
  // rules from a first screen would pull them back): their messages are in an on-demand module only.
  const text = (f) => readFileSync(path.join(ROOT, 'dist', f)).toString('latin1');
  const main = files.find((f) => /^appreg-web-[0-9a-f]+_bg\.wasm$/.test(f));
  const onDemandFiles = files.filter((f) => /^(split|chunk)_.*\.wasm$/.test(f));
  for (const marker of ['found unclosed character class', 'PUNYCODE_ENCODE_MAX_INPUT_LENGTH']) {
    assert.ok(!text(main).includes(marker), `the main module has "${marker}"`);
    assert.ok(onDemandFiles.some((f) => text(f).includes(marker)), `no on-demand module has "${marker}"`);
  }
  const res = await fetch(`${BASE}/`);
  const html = await res.text();
  // What the first screen needs besides the main wasm is inside the page (scripts/wasm-split/inline.py):
  // the glue and the loader as one module script, the CSS as a <style>, so a slow link carries them in the
  // round trip it would otherwise idle for. The page asks for no script or stylesheet file.
  assert.doesNotMatch(html, /<link rel="(modulepreload|stylesheet)"/);
  assert.doesNotMatch(html, /<script[^>]* src=/);
  const script = html.match(/<script type="module">([^]*?)<\/script>/)?.[1] ?? assert.fail('no inline module script');
  const style = html.match(/<style>([^]*?)<\/style>/)?.[1] ?? assert.fail('no inline style');
  assert.doesNotMatch(script, /\bimport\s*[*{("']|import\.meta/, 'the inline script is one bundle');
  assert.match(script, /"\.\/split_rules-[0-9a-f]{16}\.wasm"/, 'the loader is in the bundle');
  // The main wasm's preload comes first, before the inlined text, so the browser asks for it from the
  // page's first bytes.
  const at = (re) => html.search(re);
  assert.ok(at(/<link rel="preload" href="\/appreg-web-[0-9a-f]+_bg\.wasm"/) < at(/<style>/), 'the wasm preload comes before the style');
  // Without an integrity attribute, which Chromium ignores on an `as="fetch"` preload (with a console
  // warning on every load) and the glue's fetch that takes the response does not carry.
  const preload = html.match(/<link rel="preload" href="\/appreg-web-[0-9a-f]+_bg\.wasm"[^>]*>/)[0];
  assert.doesNotMatch(preload, /integrity=/);
  // Besides the bundle, one small classic script at the end of the body: the early GET /api/v1/me for a
  // page without the answer written in, and the partner page's first apps (index.html; start.test.js).
  // This page is the shared one (no cookie), so it has no data block.
  const classic = [...html.matchAll(/<script>([^]*?)<\/script>/g)].map((m) => m[1]);
  assert.equal(classic.length, 1, 'one classic inline script');
  assert.match(classic[0], /^\{let e=document\.getElementById\("appreg-me"\)/);
  assert.match(classic[0], /g\("\/api\/v1\/me",a\)/);
  assert.ok(at(/<script>/) > at(/<body>/), 'the early script is in the body');
  assert.doesNotMatch(html, /id="appreg-me"/);
  // The policy allows exactly these scripts and the style by their hashes (no 'unsafe-inline').
  const csp = res.headers.get('content-security-policy');
  const sha = (t) => `'sha256-${createHash('sha256').update(t).digest('base64')}'`;
  assert.ok(csp.includes(`script-src 'self' 'wasm-unsafe-eval' ${sha(script)} ${sha(classic[0])};`), csp);
  assert.ok(csp.includes(`style-src 'self' ${sha(style)};`), csp);
  assert.doesNotMatch(csp, /unsafe-inline/);
  // The files stay in the build, named by the page (for /embed.js and the service worker), minified,
  // and the inline style is the stylesheet's text.
  for (const [file, re] of [['glue', /<meta name="appreg-glue" content="(\/appreg-web-[0-9a-f]+\.js)"/], ['CSS', /<meta name="appreg-css" content="(\/main-[0-9a-f]+\.css)"/], ['loader', /<meta name="appreg-loader" content="(\/__wasm_split\.js)"/]]) {
    const [, href] = html.match(re) ?? assert.fail(`index.html does not name the ${file}`);
    const r = await fetch(`${BASE}${href}`);
    assert.equal(r.status, 200, href);
    const body = await r.text();
    assert.ok(body.split('\n').length < 5, `the ${file} is not minified`);
    if (file === 'CSS') assert.equal(style, body.trim(), 'the inline style is the stylesheet');
  }
  assert.doesNotMatch(html, /<link[^>]*split_later/, 'the page does not ask for the on-demand module');
  // The worker's build lists it, so it is kept for offline use.
  const sw = await (await fetch(`${BASE}/sw.js`)).text();
  assert.match(sw, /"\/split_later-[0-9a-f]{16}\.wasm"/);
  assert.match(sw, /"\/split_rules-[0-9a-f]{16}\.wasm"/);
  assert.match(sw, /"\/chunk_[0-9]+-[0-9a-f]{16}\.wasm"/);
});

test('the wizard works without the on-demand module; the console fetches it once for every later page', async () => {
  // No service worker: the page's own requests are all there is.
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test', { serviceWorkers: 'block' });
  try {
    const fetched = [];
    page.on('request', (r) => { if (onDemand(r.url())) fetched.push(r.url()); });
    // What the page asked for in vain (the browser's own requests, such as /favicon.ico, only show
    // in the console).
    const missing = [];
    page.on('response', (r) => { if (r.status() === 404) missing.push(new URL(r.url()).pathname); });
    page.on('console', (m) => {
      if (m.type() === 'error' && /Failed to load resource/.test(m.text())) missing.push(new URL(m.location().url).pathname);
    });
    await page.goto(`${BASE}/#/new/template`);
    await atStep(page, 'Choose a template and app type');
    await templateRadio(page, 'web').check();
    await nextButton(page).click();
    await atStep(page, 'Name your application');
    await page.goto(`${BASE}/#/`);
    await page.getByRole('heading', { level: 1, name: 'Demo Partner AS' }).waitFor();
    assert.deepEqual(fetched.filter(laterModule), [], 'the wizard and the partner page do not download the later pages');
    assert.deepEqual(missing, [], 'a first visit asks for nothing the server does not have (no /favicon.ico)');
    // The URL rules arrive by themselves, once: their module and the chunk they share with the console.
    await until(() => fetched.length, (n) => n === 2, { what: 'the rules module and its chunk' });
    assert.deepEqual(names(fetched).map((n) => n.replace(/_[0-9]+$/, '_N')), ['/chunk_N', '/split_rules']);
    fetched.length = 0;

    const app = await apiCreateApp(cookie, { template: 'web', name: uniq('E2E split'), redirect_urls: ['https://app.example.com/cb'] });
    await page.goto(`${BASE}/#/apps/${app.id}`);
    await page.getByRole('heading', { level: 1, name: app.name }).waitFor();
    assert.deepEqual(names(fetched), ['/split_later'], 'one fetch of the module; the shared chunk is there already');
    for (const [hash, heading] of [['#/messages', 'Messaging Center'], ['#/sessions', 'Sessions'], ['#/notifications', 'E-mail notifications']]) {
      await page.goto(`${BASE}/${hash}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    }
    assert.deepEqual(names(fetched), ['/split_later'], 'still one fetch');
    noPageErrors(page);
  } finally {
    await context.close();
  }
});

test('when the module cannot be fetched the page says so, and "Try again" loads it', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test', { serviceWorkers: 'block' });
  try {
    const app = await apiCreateApp(cookie, { template: 'web', name: uniq('E2E split retry'), redirect_urls: ['https://app.example.com/cb'] });
    let refused = 0;
    await page.route((url) => onDemand(url.href), (route) => { refused += 1; return route.abort('internetdisconnected'); });
    await page.goto(`${BASE}/#/apps/${app.id}`);
    const alert = page.locator('#later-unavailable');
    await alert.waitFor();
    assert.equal(await alert.getAttribute('role'), 'alert');
    assert.match(await alert.textContent(), /could not be loaded\. Check your connection, then try again\./);
    assert.equal(await page.locator('p.loading').count(), 0, 'no "Loading…" next to the error');
    assert.ok(refused >= 1);
    await page.unrouteAll();
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('heading', { level: 1, name: app.name }).waitFor();
    await page.getByRole('navigation', { name: 'App sections' }).waitFor();
    assert.equal(await alert.count(), 0, 'the alert is gone');
    noPageErrors(page);
  } finally {
    await context.close();
  }
});

/** Step 1 to the URL step of a Web app, on screen. */
async function toUrlStep(page) {
  await atStep(page, 'Choose a template and app type');
  await templateRadio(page, 'web').check();
  await nextButton(page).click();
  await atStep(page, 'Name your application');
  await page.getByLabel('Application name').fill(uniq('E2E rules'));
  await until(() => isDisabled(nextButton(page)), (d) => !d, { what: 'Next enabled on the name step' });
  await nextButton(page).click();
  await atStep(page, 'Redirect URLs');
}

/** The findings shown for redirect URL 1, as rule ids. */
const firstUrlRules = (page) => page.getByLabel('Redirect URL 1', { exact: true }).evaluate((el) => {
  const id = el.getAttribute('aria-describedby').split(' ')[1];
  return [...document.getElementById(id).querySelectorAll('li')].map((li) => li.dataset.rule);
});

test('the template and name steps work before the URL rules arrive; the URL step waits for them, then judges', async () => {
  const { context, page } = await contextAs(browser, 'dev@demo.test', { serviceWorkers: 'block' });
  try {
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    let asked = 0;
    await page.route((url) => rulesModule(url.href), async (route) => { asked += 1; await held; await route.continue(); });
    await page.goto(`${BASE}/#/new/template`);
    await toUrlStep(page);
    assert.ok(asked >= 1, 'the rules were asked for');
    const loading = page.locator('#rules-loading');
    assert.equal(await loading.textContent(), 'Loading the checks for this step…');
    assert.equal(await loading.getAttribute('role'), 'status');
    assert.equal(await page.getByLabel('Redirect URL 1', { exact: true }).count(), 0, 'the step comes with its rules');
    assert.equal(await isDisabled(nextButton(page)), true, 'Next waits for the checks');
    assert.match(await page.locator('#next-reason').textContent(), /still loading/);
    // Back works meanwhile, and the name is kept.
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await atStep(page, 'Name your application');
    await nextButton(page).click();
    await atStep(page, 'Redirect URLs');

    release();
    await loading.waitFor({ state: 'detached' });
    await atStep(page, 'Redirect URLs');
    await page.getByLabel('Redirect URL 1', { exact: true }).fill('https://app.example.com/cb#x');
    await until(() => firstUrlRules(page), (r) => r.includes('RU-FRAGMENT'), { what: 'RU-FRAGMENT shown once the rules are in' });
    assert.equal(await isDisabled(nextButton(page)), true, 'an error holds Next');
    await page.getByLabel('Redirect URL 1', { exact: true }).fill('https://app.example.com/cb');
    await until(() => isDisabled(nextButton(page)), (d) => !d, { what: 'Next enabled for a good URL' });
    noPageErrors(page);
  } finally {
    await context.close();
  }
});

test('when the URL rules cannot be fetched the URL step says so, and "Try again" loads them', async () => {
  const { context, page } = await contextAs(browser, 'dev@demo.test', { serviceWorkers: 'block' });
  try {
    let refused = 0;
    await page.route((url) => rulesModule(url.href), (route) => { refused += 1; return route.abort('internetdisconnected'); });
    await page.goto(`${BASE}/#/new/template`);
    await toUrlStep(page);
    const alert = page.locator('#rules-unavailable');
    await alert.waitFor();
    assert.equal(await alert.getAttribute('role'), 'alert');
    assert.match(await alert.textContent(), /could not be loaded\. Check your connection, then try again\./);
    assert.equal(await page.locator('#rules-loading').count(), 0, 'no "Loading…" next to the error');
    assert.ok(refused >= 1);
    await page.unrouteAll();
    await alert.getByRole('button', { name: 'Try again' }).click();
    await alert.waitFor({ state: 'detached' });
    await atStep(page, 'Redirect URLs');
    await page.getByLabel('Redirect URL 1', { exact: true }).fill('https://app.example.com/cb#x');
    await until(() => firstUrlRules(page), (r) => r.includes('RU-FRAGMENT'), { what: 'RU-FRAGMENT after Try again' });
    noPageErrors(page);
  } finally {
    await context.close();
  }
});

test('the success page opened by its address waits for its module, then shows the app', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test', { serviceWorkers: 'block' });
  try {
    const app = await apiCreateApp(cookie, { template: 'web', name: uniq('E2E created'), redirect_urls: ['https://app.example.com/cb'] });
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route((url) => rulesModule(url.href), async (route) => { await held; await route.continue(); });
    await page.goto(`${BASE}/#/apps/${app.id}/created`);
    const loading = page.locator('#rules-loading');
    await loading.waitFor();
    assert.equal(await loading.textContent(), 'Loading…');
    release();
    await page.getByRole('heading', { level: 1, name: 'Your app is registered' }).waitFor();
    await until(() => page.locator('#client-id').textContent(), (t) => t === app.client_ids.sod, { what: 'the client ID' });
    assert.equal(await loading.count(), 0);
    noPageErrors(page);
  } finally {
    await context.close();
  }
});
