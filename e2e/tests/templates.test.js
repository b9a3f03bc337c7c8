// Item 1: every template's whole flow, from the sign-in form to the success page and the app page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newPage, signIn, uniq, wizardToReview, createAndWait, templateRadio, nextButton, atStep,
  until, noPageErrors,
} from '../lib.js';

const NATIVE_PATTERN = '^http://127\\.0\\.0\\.1:\\d{4,5}(/[^?#]*)?$';

const CASES = [
  {
    template: 'web', title: 'Web app', type: 'Custom',
    urls: ['https://app.example.com/callback', 'http://127.0.0.1:5000/cb'],
    caps: ['WebAPI', 'Webhook agent'],
    redirects: ['https://app.example.com/callback', 'http://127.0.0.1:5000/cb'],
    steps: ['1. Template', '2. Name', '3. Redirect URLs', '4. Technical contact', '5. Review and create'],
  },
  {
    template: 'native', title: 'Native app', type: 'Custom',
    // URL 1 keeps the pre-filled loopback pattern; "Add More" adds a claimed private-use scheme.
    urls: [NATIVE_PATTERN, 'com.example.app:/oauth2redirect'],
    caps: ['WebAPI', 'Webhook agent', 'loopback redirect pattern', 'Is native or mobile'],
    redirects: [NATIVE_PATTERN, 'com.example.app:/oauth2redirect'],
  },
  {
    template: 'server-to-server', title: 'Server-to-server', type: 'Standard', appType: 'Standard',
    urls: [], caps: ['WebAPI', 'Services88', 'Webhook agent', 'SystemToken claim'], redirects: [],
  },
  {
    template: 'mirroring', title: 'Custom database mirroring', type: 'Custom',
    endpoints: { 'Mirroring endpoint': 'https://mirror.example.com/hook' },
    caps: [], redirects: [], endpointText: { 'Mirroring endpoint': 'On: https://mirror.example.com/hook' },
  },
  {
    template: 'erp', title: 'Standard ERP sync and quote', type: 'Standard',
    endpoints: { 'ERP Sync': 'https://erp.example.com/sync' },
    caps: ['WebAPI', 'Services88', 'Webhook agent', 'SystemToken claim', 'ERPSync agent'], redirects: [],
    endpointText: { 'ERP Sync': 'On: https://erp.example.com/sync', Quote: 'Off' },
  },
  {
    template: 'empty', title: 'Empty (DIY)', type: 'Custom', caps: ['WebAPI', 'Services88', 'Webhook agent'],
    redirects: [], steps: ['1. Template', '2. Name', '3. Technical contact', '4. Review and create'],
  },
];

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const c of CASES) {
  test(`${c.title}: sign in, wizard, success page, app page`, async () => {
    const { context, page } = await newPage(browser);
    try {
      await signIn(page, 'dev@demo.test');
      const name = uniq(`E2E ${c.template}`);
      await wizardToReview(page, {
        template: c.template, name, urls: c.urls, endpoints: c.endpoints, appType: c.appType,
        onStep: async (step) => {
          if (step === 'template') {
            assert.equal(await templateRadio(page, c.template).isChecked(), true);
            if (c.steps) {
              const labels = (await page.locator('.stepper li').allTextContents()).map((s) => s.trim());
              assert.deepEqual(labels, c.steps);
            }
            if (c.template === 'mirroring' || c.template === 'erp') {
              // The chooser is shown fixed: the other app type is disabled.
              const other = c.type === 'Custom' ? 'Standard' : 'Custom';
              assert.equal(await page.getByRole('radio', { name: other, exact: true }).isDisabled(), true);
              assert.equal(await page.getByRole('radio', { name: c.type, exact: true }).isChecked(), true);
            }
          }
          if (step === 'urls' && c.template === 'native') {
            assert.equal(await page.getByLabel('Redirect URL 1', { exact: true }).inputValue(), NATIVE_PATTERN);
          }
          if (step === 'contact') {
            await page.getByText('You will be set as the technical contact.').waitFor();
          }
        },
      });
      // The review shows every choice.
      const summary = await page.locator('#summary').innerText();
      assert.match(summary, new RegExp(`Template\\s+${c.title.replace(/[()]/g, '\\$&')}`));
      assert.match(summary, new RegExp(`App type\\s+${c.type}`));
      assert.ok(summary.includes(name), summary);
      assert.match(summary, /Technical contact\s+dev@demo\.test/);
      const table = page.getByRole('table', { name: `Default configuration of ${c.title}` });
      const yes = await table.locator('tr.on th').allTextContents();
      assert.deepEqual(yes, c.caps);

      const clientId = await createAndWait(page);
      assert.match(clientId, /^[0-9a-f]{32}$/);
      assert.equal(await page.locator('#created-name').textContent(), name);
      // The next steps fit the template: no secret or redirect URLs for Mirroring, no certificate for Native.
      assert.equal(await page.getByRole('button', { name: 'New client secret' }).count(), c.template === 'mirroring' ? 0 : 1);
      assert.equal(await page.getByRole('link', { name: 'View or change CORS and redirection URLs' }).count(), c.template === 'mirroring' ? 0 : 1);
      assert.equal(await page.getByRole('link', { name: 'Add a certificate' }).count(), c.template === 'native' ? 0 : 1);
      await page.getByRole('link', { name: 'Request to publish' }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'App Store information' }).count(), c.type === 'Standard' ? 1 : 0);

      // The console's overview shows the configuration the template implies.
      await page.getByRole('link', { name: /^Start coding/ }).click();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      await page.getByRole('heading', { level: 2, name: 'Overview' }).waitFor();
      const text = await page.locator('#app-summary').innerText();
      assert.match(text, new RegExp(`Template\\s+${c.title.replace(/[()]/g, '\\$&')}`));
      assert.match(text, new RegExp(`App type\\s+${c.type}`));
      assert.match(text, /Technical contact\s+dev@demo\.test/);
      const env = (e) => page.locator(`#app-environments tr[data-env="${e}"]`);
      assert.equal(await env('sod').locator('.env-state').textContent(), 'Published');
      assert.equal(await env('sod').locator('.client-id code').textContent(), clientId);
      assert.equal(await env('stage').locator('.env-state').textContent(), 'Not published');
      assert.match(await env('stage').locator('.client-id code').textContent(), /^[0-9a-f]{32}$/);
      const caps = await page.locator('#app-capabilities li').allTextContents();
      assert.deepEqual(c.caps.length ? caps : [], c.caps);

      const nav = page.getByRole('navigation', { name: 'App sections' });
      await nav.getByRole('link', { name: 'Authentication' }).click();
      await page.getByRole('heading', { level: 2, name: 'Authentication' }).waitFor();
      if (c.template === 'mirroring') {
        await page.locator('#no-redirects').waitFor();
      } else {
        const redirects = await page.locator('#app-redirect-list input').evaluateAll((els) => els.map((e) => e.value));
        assert.deepEqual(redirects, c.redirects);
      }
      await nav.getByRole('link', { name: 'Integration' }).click();
      await page.getByRole('heading', { level: 2, name: 'Integration' }).waitFor();
      for (const [k, v] of Object.entries(c.endpointText ?? {})) {
        const group = page.getByRole('group', { name: k, exact: true });
        const on = v.startsWith('On: ');
        assert.equal(await group.getByRole('switch').getAttribute('aria-checked'), String(on));
        assert.equal(await group.getByLabel('Endpoint URL').inputValue(), on ? v.slice(4) : '');
      }
      noPageErrors(page);
    } finally {
      await context.close();
    }
  });
}

test('Custom database mirroring suggests "Data mirroring for <company>"', async () => {
  const { context, page } = await newPage(browser);
  try {
    await signIn(page, 'admin@demo.test');
    await page.getByRole('button', { name: 'Create App' }).click();
    await templateRadio(page, 'mirroring').check();
    await nextButton(page).click();
    await atStep(page, 'Name your application');
    assert.equal(await page.getByLabel('Application name').inputValue(), 'Data mirroring for Demo Partner AS');
    // Entered data: Cancel asks first, naming what is lost; "Keep editing" keeps it.
    await page.getByRole('button', { name: 'Cancel this registration' }).click();
    const ask = page.getByRole('alertdialog', { name: /Discard this registration\?/ });
    await ask.waitFor();
    await ask.getByRole('button', { name: 'Keep editing' }).click();
    await ask.waitFor({ state: 'hidden' });
    assert.equal(await page.getByLabel('Application name').inputValue(), 'Data mirroring for Demo Partner AS');
    await page.getByRole('button', { name: 'Cancel this registration' }).click();
    await ask.getByRole('button', { name: 'Discard registration' }).click();
    await page.getByRole('heading', { level: 1, name: 'Demo Partner AS' }).waitFor();
  } finally {
    await context.close();
  }
});
