// Item 2: validation as the user types, and the browser's verdict equals the server's (/api/v1/check).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, contextAs, api, apiSignIn, uniq, startWizard, templateRadio, nextButton, atStep, isDisabled, until,
} from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Opens the wizard's redirect step for `template` (signed in as dev). */
async function redirectStep(template) {
  const { context, page } = await contextAs(browser, 'dev@demo.test');
  await page.goto(`${process.env.APPREG_URL}/#/`);
  await startWizard(page);
  await templateRadio(page, template).check();
  await nextButton(page).click();
  await atStep(page, 'Name your application');
  await page.getByLabel('Application name').fill(uniq('E2E validation'));
  await until(() => isDisabled(nextButton(page)), (d) => !d, { what: 'Next enabled' });
  await nextButton(page).click();
  await atStep(page, 'Redirect URLs');
  return { context, page };
}

/** What the page shows for one redirect URL input: findings (rule, severity), canonical, aria-invalid. */
function shown(input) {
  return input.evaluate((el) => {
    const [, findingsId, canonicalId] = el.getAttribute('aria-describedby').split(' ');
    const items = [...document.getElementById(findingsId).querySelectorAll('li')];
    const findings = items.map((li) => ({ rule: li.dataset.rule, severity: li.className, text: li.textContent }));
    const sev = findings.map((f) => f.severity);
    const verdict = sev.includes('error') ? 'error' : sev.includes('warning') ? 'warning' : 'ok';
    const code = document.getElementById(canonicalId).querySelector('code');
    return {
      value: el.value, verdict, rules: findings.map((f) => `${f.rule}:${f.severity}`),
      stored: code ? code.textContent : null, invalid: el.getAttribute('aria-invalid'),
      next: document.getElementById('next').disabled,
    };
  });
}

test('native: myapp://callback is refused as it is typed and blocks Next; fixing it unblocks', async () => {
  const { context, page } = await redirectStep('native');
  try {
    await page.getByRole('button', { name: 'Add More' }).click();
    const url2 = page.getByLabel('Redirect URL 2', { exact: true });
    await url2.pressSequentially('myapp://callback');
    const msg = page.locator('li[data-rule="RU-PRIVATE-SCHEME"]');
    await msg.waitFor();
    assert.match(await msg.textContent(), /reverse-domain form/);
    assert.equal(await url2.getAttribute('aria-invalid'), 'true');
    assert.equal(await isDisabled(nextButton(page)), true);
    // Next says where to look; the message itself is shown (and announced) once, at the field.
    assert.match(await page.locator('#next-reason').textContent(), /fix the redirect URLs \(1 error, shown above\)/);
    assert.equal(await page.getByText(/reverse-domain form/).count(), 1);
    await nextButton(page).click({ force: true }); // a disabled Next does nothing
    assert.equal(await page.getByRole('heading', { level: 2, name: 'Redirect URLs' }).count(), 1);

    await url2.fill('');
    await url2.pressSequentially('com.example.myapp:/callback');
    await msg.waitFor({ state: 'detached' });
    assert.equal(await url2.getAttribute('aria-invalid'), 'false');
    await until(() => isDisabled(nextButton(page)), (d) => d === false, { what: 'Next enabled after the fix' });
  } finally {
    await context.close();
  }
});

test('web: http://app.example.com/cb is refused as it is typed and blocks Next; https unblocks', async () => {
  const { context, page } = await redirectStep('web');
  try {
    const url1 = page.getByLabel('Redirect URL 1', { exact: true });
    await url1.pressSequentially('http://app.example.com/cb');
    const msg = page.locator('li[data-rule="RU-HTTPS"]');
    await msg.waitFor();
    assert.match(await msg.textContent(), /https/);
    assert.equal(await url1.getAttribute('aria-invalid'), 'true');
    assert.equal(await isDisabled(nextButton(page)), true);
    // Fix it by typing: put the "s" after "http".
    await url1.press('Home');
    for (let i = 0; i < 4; i++) await url1.press('ArrowRight');
    await url1.press('s');
    assert.equal(await url1.inputValue(), 'https://app.example.com/cb');
    await msg.waitFor({ state: 'detached' });
    await until(() => isDisabled(nextButton(page)), (d) => d === false, { what: 'Next enabled after the fix' });
    await nextButton(page).click();
    await atStep(page, 'Technical contact');
  } finally {
    await context.close();
  }
});

const LONG = `https://app.example.com/${'a'.repeat(2100)}`;
const TABLE = [
  ['web', 'https://app.example.com/callback'],
  ['web', 'http://app.example.com/cb'],
  ['web', 'http://127.0.0.1:8080/cb'],
  ['web', 'http://localhost:3000/cb'],
  ['web', 'http://[::1]:3000/cb'],
  ['web', 'https://app.example.com/cb#frag'],
  ['web', 'https://app.example.com/cb#'],
  ['web', 'javascript:alert(1)'],
  ['web', 'data:text/html,hi'],
  ['web', 'https://user:pw@app.example.com/cb'],
  ['web', 'http://localhost@evil.example/cb'],
  ['web', 'https://*.example.com/cb'],
  ['web', 'https://app.example.com/a/../cb'],
  ['web', 'https://app.example.com/a/%2e%2E/cb'],
  ['web', 'https://app.example.com/%G1'],
  ['web', 'https://app.example.com/cb%00'],
  ['web', 'https://app.example.com/cb?next=https://evil.example/'],
  ['web', 'https://app.example.com/cb?code=123'],
  ['web', 'https://bücher.de/cb'],
  ['web', 'HTTPS://App.Example.COM:443/cb'],
  ['web', 'app.example.com/cb'],
  ['web', '/cb'],
  ['web', '  https://app.example.com/cb  '],
  ['web', 'https://app.example.com/c b'],
  ['web', 'https://203.0.113.5/cb'],
  ['web', 'http://127.0.0.2/cb'],
  ['web', 'com.example.app:/cb'],
  ['web', '^https://app\\.example\\.com/cb$'],
  ['web', '^https://.*$'],
  ['web', '^https://app\\.example\\.com.*$'],
  ['web', '^https://app\\.example\\.com/cb'],
  ['web', '^https://app\\.example\\.com/(cb$'],
  ['web', '^https://app.example.com/cb$'],
  // RU-PATTERN-HOST-END / -ALTERNATION (rules of 2026-11-28) and their near-misses.
  ['web', '^https://app\\.example\\.com/$|^http://evil\\.example/$'],
  ['web', '^https://app\\.example\\.com(/|\\.evil\\.example/)cb$'],
  ['web', '^https://app\\.example\\.com:[^/]*/cb$'],
  ['web', '^https://app\\.example\\.com(:\\d+)?/cb$'],
  ['web', '^https://app\\.example\\.com/(cb|callback)$'],
  ['web', '^https://app\\.example\\.com/.*$'],
  ['web', '^http://127\\.0\\.0\\.1(?x)/ cb$'],
  ['web', 'https://app.example.com/cb?next=//evil.example'],
  ['web', 'https://app.example.com/cb?next=https:evil.example'],
  ['web', LONG],
  ['native', 'myapp://callback'],
  ['native', 'urn:ietf:wg:oauth:2.0:oob'],
  ['native', 'http://127.0.0.1/cb'],
  ['native', 'http://[::1]:8080/cb'],
  ['native', 'com.example.app:/oauth2redirect'],
  ['native', 'http://app.example.com/cb'],
  ['native', 'https://app.example.com/cb'],
  ['native', '^http://127.0.0.1\\:\\d{4,10}$'],
  ['native', '^http://127\\.0\\.0\\.1:\\d{4,5}(/[^?#]*)?$'],
  ['server-to-server', 'https://service.example.com/cb'],
  ['server-to-server', 'http://127.0.0.1:9000/cb'],
  ['server-to-server', 'http://localhost:9000/cb'],
  ['server-to-server', 'ftp://files.example.com/cb'],
  ['server-to-server', 'vbscript:msgbox'],
];

test(`the page's verdict equals the server's for ${TABLE.length} redirect URLs, one at a time`, async () => {
  assert.ok(TABLE.length >= 30);
  // The server: POST /api/v1/check, kind redirect, one value per request (the page has one entry too).
  const cookie = await apiSignIn('dev@demo.test');
  const server = [];
  for (const [template, value] of TABLE) {
    const r = await api('POST', '/api/v1/check', { cookie, body: { template, kind: 'redirect', values: [value] } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const c = r.json.checks[0];
    server.push({
      verdict: c.verdict,
      // The page shows RU-CANONICAL as the "Stored as" line, not as a finding.
      rules: c.findings.filter((f) => f.rule !== 'RU-CANONICAL').map((f) => `${f.rule}:${f.severity}`),
      stored: c.canonical !== null && c.canonical !== value.trim() ? c.canonical : null,
    });
  }
  const verdicts = new Set(server.map((s) => s.verdict));
  assert.deepEqual([...verdicts].sort(), ['error', 'ok', 'warning'], 'the table mixes every verdict');

  for (const template of ['web', 'native', 'server-to-server']) {
    const { context, page } = await redirectStep(template);
    try {
      if (template === 'server-to-server') await page.getByRole('button', { name: 'Add More' }).click();
      const input = page.getByLabel('Redirect URL 1', { exact: true });
      for (const [i, [t, value]] of TABLE.entries()) {
        if (t !== template) continue;
        await input.fill(value);
        const want = server[i];
        let got;
        try {
          got = await until(() => shown(input), (g) => g.value === value && g.verdict === want.verdict
            && JSON.stringify(g.rules) === JSON.stringify(want.rules), { timeout: 2000, what: value });
        } catch {
          got = await shown(input);
        }
        const label = `${template} ${JSON.stringify(value.slice(0, 80))}`;
        assert.equal(got.verdict, want.verdict, `verdict of ${label}`);
        assert.deepEqual(got.rules, want.rules, `rule IDs of ${label}`);
        assert.equal(got.stored, want.stored, `canonical form of ${label}`);
        assert.equal(got.invalid, String(want.verdict === 'error'), `aria-invalid of ${label}`);
        assert.equal(got.next, want.verdict === 'error', `Next disabled iff error, ${label}`);
      }
    } finally {
      await context.close();
    }
  }
});

test('a list: duplicates and near-duplicates are found the same way in the page and on the server', async () => {
  const values = ['https://a.example.com/cb', 'https://a.example.com/cb/', 'HTTPS://A.example.com/cb', 'http://a.example.com/x'];
  const cookie = await apiSignIn('dev@demo.test');
  const r = await api('POST', '/api/v1/check', { cookie, body: { template: 'web', kind: 'redirect', values } });
  const want = r.json.checks.map((c) => c.findings.filter((f) => f.rule !== 'RU-CANONICAL').map((f) => `${f.rule}:${f.severity}`));
  assert.ok(want.flat().some((x) => x.startsWith('RU-DUPLICATE')), JSON.stringify(want));
  assert.ok(want.flat().some((x) => x.startsWith('RU-NEAR-DUPLICATE')), JSON.stringify(want));
  const { context, page } = await redirectStep('web');
  try {
    for (const [i, v] of values.entries()) {
      if (i > 0) await page.getByRole('button', { name: 'Add More' }).click();
      await page.getByLabel(`Redirect URL ${i + 1}`, { exact: true }).fill(v);
    }
    assert.equal(await page.locator('#url-count').textContent(), '4 / 100');
    const got = await until(async () => {
      const out = [];
      for (let i = 0; i < values.length; i++) out.push((await shown(page.getByLabel(`Redirect URL ${i + 1}`, { exact: true }))).rules);
      return out;
    }, (g) => JSON.stringify(g) === JSON.stringify(want), { timeout: 2000, what: 'list findings' }).catch(() => null);
    assert.deepEqual(got, want);
  } finally {
    await context.close();
  }
});
