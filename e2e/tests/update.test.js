// A new build deployed while a page is open: the page says "A new version is available — Reload"; until
// the user reloads, every page (even a new one) runs the old build whole, from the service worker's cache,
// although the server no longer has its files; after Reload, only the new build's files are used.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { launch, until, startPortal, portalWithWorker, PORT } from '../lib.js';

let browser;
let portal;
before(async () => { browser = await launch(); });
after(async () => {
  await browser?.close();
  await portal?.stop();
});

// The page carries its stylesheet inline and names the file (for /embed.js and the service worker).
const cssOf = (dir) => readFileSync(path.join(dir, 'index.html'), 'utf8').match(/<meta name="appreg-css" content="\/(main-[0-9a-f]+\.css)"/)[1];

/** Build v2 from v1: a changed stylesheet under a new hashed name, inside the page too; the old
 *  stylesheet is gone. (The server allows the new inline style by its hash when it starts.) */
function deployNewBuild(v1) {
  const v2 = mkdtempSync('/tmp/appreg-build-v2-');
  cpSync(v1, v2, { recursive: true });
  const old = cssOf(v1);
  const css = `${readFileSync(path.join(v1, old), 'utf8').trim()}.appreg{--appreg-build: v2}`;
  const name = `main-${createHash('sha256').update(css).digest('hex').slice(0, 16)}.css`;
  for (const f of readdirSync(v2)) if (f.startsWith(old) || f.startsWith('index.html.')) rmSync(path.join(v2, f));
  writeFileSync(path.join(v2, name), css);
  const html = readFileSync(path.join(v1, 'index.html'), 'utf8')
    .replace(`/${old}`, `/${name}`)
    .replace(/<style>[^]*?<\/style>/, () => `<style>${css}</style>`);
  writeFileSync(path.join(v2, 'index.html'), html);
  return { dir: v2, css: name };
}

const stylesheet = (page) => page.evaluate(() => new URL(document.querySelector('meta[name=appreg-css]').content, location.href).pathname);
const buildMark = (page) => page.evaluate(() => getComputedStyle(document.querySelector('.appreg')).getPropertyValue('--appreg-build').trim());

test('a new build: the update prompt, the old build whole until Reload, then the new build only', async () => {
  const port = PORT + 5;
  const own = await portalWithWorker(browser, port);
  ({ portal } = own);
  const { staticDir: v1, dbFile, base, context, page } = own;
  const css1 = cssOf(v1);
  try {
    assert.equal(await page.locator('#update-prompt').count(), 0, 'no prompt without a new build');

    // Deploy: the server restarts on the new build; the old stylesheet no longer exists there.
    await portal.stop();
    const v2 = deployNewBuild(v1);
    portal = await startPortal({ port, staticDir: v2.dir, dbFile });
    assert.equal((await fetch(`${base}/${css1}`)).status, 404);
    // The open page checks for a new build every 10 minutes; the test asks now.
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    const prompt = page.locator('#update-prompt');
    await prompt.waitFor({ timeout: 20000 });
    assert.match(await prompt.innerText(), /A new version is available/);
    assert.equal(await page.getByRole('button', { name: 'Reload' }).count(), 1);

    // Before Reload, a new page runs the old build whole (from the cache), and shows the prompt too.
    const other = await context.newPage();
    await other.goto(`${base}/#/`);
    await other.getByRole('heading', { level: 1, name: 'Demo Partner AS' }).waitFor();
    assert.equal(await stylesheet(other), `/${css1}`);
    assert.equal(await buildMark(other), '', 'the old stylesheet applies');
    await other.locator('#update-prompt').waitFor();

    // Reload: the new worker takes over; the page has the new build's files only.
    await page.getByRole('button', { name: 'Reload' }).click();
    await until(() => stylesheet(page).catch(() => ''), (p) => p === `/${v2.css}`, { timeout: 20000, what: 'the new stylesheet' });
    await page.getByRole('heading', { level: 1, name: 'Demo Partner AS' }).waitFor();
    assert.equal(await buildMark(page), 'v2');
    // The main wasm, then the URL rules' module and its chunk, fetched once the page is idle.
    const files = await until(() => page.evaluate(() => performance.getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname).filter((p) => /\.(js|wasm|css)$/.test(p))), (fs) => fs.length >= 3,
    { timeout: 10000, what: 'the build\'s files' });
    const index = readFileSync(path.join(v2.dir, 'index.html'), 'utf8');
    // The on-demand modules (the URL rules are fetched on every start) are named by the build's loader.
    const loader = readFileSync(path.join(v2.dir, '__wasm_split.js'), 'utf8');
    const named = (f) => index.includes(`'${f}'`) || index.includes(`"${f}"`) || loader.includes(`".${f}"`);
    assert.ok(files.length >= 3, JSON.stringify(files));
    for (const f of files) assert.ok(named(f), `${f} belongs to the new build`);
    assert.ok(!files.includes(`/${css1}`));
    assert.equal(await page.locator('#update-prompt').count(), 0);
  } finally {
    await context.close();
  }
});
