// Items 9 and 10: axe-core finds no violation on any step or page, at 1280 px and 375 px, light and dark;
// a screenshot of each goes to APPREG_SHOTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, newPage, contextAs, axe, shot, signIn, uniq, until, apiSignIn, apiCreateApp, api, templateRadio,
  nextButton, atStep, isDisabled, wizardToReview, startHost, apiToken, BASE, HOST_PORT,
} from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const VARIANTS = [
  { width: 1280, height: 900, colorScheme: 'light' },
  { width: 1280, height: 900, colorScheme: 'dark' },
  { width: 375, height: 812, colorScheme: 'light' },
  { width: 375, height: 812, colorScheme: 'dark' },
];

for (const v of VARIANTS) {
  const tag = `${v.width}-${v.colorScheme}`;
  test(`axe: 0 violations on every step and page, ${v.width} px ${v.colorScheme} (with screenshots)`, async () => {
    const opts = { viewport: { width: v.width, height: v.height }, colorScheme: v.colorScheme, isMobile: v.width < 500, hasTouch: v.width < 500 };
    const found = [];
    let n = 0;
    const check = async (page, what) => {
      n += 1;
      const violations = await axe(page);
      if (violations.length) found.push({ page: what, violations });
      await shot(page, `${tag}-${String(n).padStart(2, '0')}-${what}`);
    };

    const { context, page } = await newPage(browser, opts);
    try {
      // Sign-in, with a wrong password first (the error state).
      await page.goto(`${BASE}/#/`);
      await page.getByRole('heading', { name: 'Sign in to the Developer Portal' }).waitFor();
      await check(page, 'sign-in');
      // An unknown account, so the rate limit of the demo accounts is never touched.
      await page.getByLabel('Email').fill(`nobody-${tag}@demo.test`);
      await page.getByLabel('Password').fill('wrong-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('The email or password is wrong.').waitFor();
      await check(page, 'sign-in-error');
      await signIn(page, 'dev@demo.test');
      await check(page, 'partner-page');

      // The wizard: every step, with findings shown where a step has them.
      const name = uniq('E2E a11y');
      await wizardToReview(page, {
        template: 'web', name, urls: ['http://127.0.0.1:8080/cb', 'https://app.example.com/cb'],
        onStep: async (step) => {
          if (step === 'template') await check(page, 'step1-template');
          if (step === 'name') {
            const input = page.getByLabel('Application name');
            await input.fill('My.App');
            await page.locator('#app-name-findings li').first().waitFor();
            await check(page, 'step2-name-error');
            await input.fill(name);
            await page.getByText('The name is free.').waitFor();
            await check(page, 'step2-name');
          }
          if (step === 'urls') {
            await page.locator('li[data-rule="RU-DEV-ONLY"]').waitFor();
            await check(page, 'step3-redirect-urls');
          }
          if (step === 'contact') {
            await check(page, 'step4-contact');
            await page.getByRole('button', { name: 'Clear' }).click();
            await page.getByLabel("Technical contact's email").fill('ad');
            await page.getByRole('button', { name: /Ada Admin/ }).waitFor();
            await check(page, 'step4-contact-search');
            await page.getByRole('button', { name: 'Set me as the technical contact' }).click();
          }
          if (step === 'review') await check(page, 'step5-review');
        },
      });
      await page.getByRole('button', { name: 'Create Application' }).click();
      await page.getByRole('heading', { level: 1, name: 'Your app is registered' }).waitFor();
      await check(page, 'success');
      await page.getByRole('button', { name: 'New client secret' }).click();
      await page.getByLabel(/New client secret \(expires/).waitFor();
      await check(page, 'success-secret');

      // The console, section by section: findings, a generated key pair, a publish request, the
      // delete confirmation.
      const section = async (title) => {
        await page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: title, exact: true }).click();
        await page.getByRole('heading', { level: 2, name: title, exact: true }).waitFor();
      };
      page.once('dialog', (d) => d.accept()); // "the secret is shown only once: leave?"
      await page.getByRole('link', { name: 'View or change CORS and redirection URLs' }).click();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      await page.getByRole('heading', { level: 2, name: 'Authentication' }).waitFor();
      await page.locator('#app-cors-add').click();
      await page.getByLabel('CORS origin 1', { exact: true }).fill('https://spa.example.com/path');
      await page.locator('#app-cors-0-findings li').first().waitFor();
      await page.getByLabel('redirect_uri your app sends').fill('https://app.example.com/cb');
      await page.locator('#probe-result.ok').waitFor();
      await check(page, 'console-authentication');
      await section('Overview');
      await page.locator('.start-coding .authority').first().waitFor();
      await check(page, 'console-overview');
      await section('Integration');
      await check(page, 'console-integration');
      await section('Keys');
      await page.locator('#secret-list li').filter({ hasText: '·' }).first().waitFor();
      await page.getByRole('button', { name: 'Generate a key pair' }).click();
      await page.getByText('Download the private key now.').waitFor();
      await page.locator('#certificate-list li button').first().click();
      await page.getByRole('alertdialog').first().waitFor();
      await check(page, 'console-keys');
      await section('Publishing');
      await page.locator('#sec-publish').getByRole('button', { name: 'Request to publish' }).click();
      await page.getByText('Requested. An app manager reviews it.').waitFor();
      await check(page, 'console-publishing');
      await section('Versions');
      await page.locator('#version-list tbody tr').first().waitFor();
      await check(page, 'console-versions');
      await section('Change log');
      await page.locator('#change-log li').first().waitFor();
      await check(page, 'console-changes');
      await section('Settings');
      await check(page, 'console-settings');
      // App Store information (a standard app), with red and orange marks.
      const std = await apiCreateApp(await apiSignIn('dev@demo.test'), { template: 'erp', app_type: 'standard', name: uniq('E2E a11y store') });
      await page.goto(`${BASE}/#/apps/${std.id}/app-store`);
      await page.getByRole('heading', { level: 2, name: 'App Store' }).waitFor();
      await page.getByLabel(/^Homepage/).fill('http://example.com');
      await page.locator('#as-homepage-findings li').first().waitFor();
      await check(page, 'console-app-store');

      // Integration points (ERP) and the Empty template's shorter stepper.
      await page.goto(`${BASE}/#/`);
      await page.getByRole('button', { name: 'Create App' }).click();
      await templateRadio(page, 'erp').check();
      await check(page, 'step1-erp-licenses');
      await nextButton(page).click();
      await atStep(page, 'Name your application');
      await page.getByLabel('Application name').fill(uniq('E2E a11y erp'));
      await until(() => isDisabled(nextButton(page)), (d) => !d, { what: 'Next' });
      await nextButton(page).click();
      await atStep(page, 'Integration points');
      const erp = page.getByRole('group', { name: 'ERP Sync' });
      await erp.getByRole('switch').click();
      await erp.getByLabel('Endpoint URL').fill('http://erp.example.com');
      await erp.locator('.findings li').first().waitFor();
      await check(page, 'step3-integration-points');
      await page.getByRole('button', { name: 'Cancel this registration' }).click();
      await page.getByRole('alertdialog').waitFor();
      await check(page, 'cancel-confirmation');
      await page.getByRole('button', { name: 'Discard registration' }).click();

      // Offline banner and the draft offer.
      await page.getByRole('button', { name: 'Create App' }).click();
      await templateRadio(page, 'empty').check();
      await context.setOffline(true);
      await page.getByText('You are offline.').waitFor();
      await check(page, 'offline');
      await context.setOffline(false);
      await page.reload();
      await page.getByRole('region', { name: 'Resume your draft?' }).waitFor();
      await check(page, 'resume-offer');
      await page.getByRole('button', { name: 'Discard' }).click();

      // Not found (another partner's app).
      const other = await apiSignIn('other@demo.test');
      const foreign = await apiCreateApp(other, { template: 'empty', name: uniq('E2E foreign'), technical_contact: 'other@demo.test' }, 'other');
      await page.goto(`${BASE}/#/apps/${foreign.id}`);
      await page.getByRole('heading', { level: 1, name: 'App not found' }).waitFor();
      await check(page, 'not-found');
    } finally {
      await context.close();
    }

    // The app manager's queue.
    const mgr = await contextAs(browser, 'appmanager@demo.test', opts);
    try {
      await mgr.page.goto(`${BASE}/#/publish-requests`);
      await mgr.page.getByRole('heading', { level: 1, name: 'Publish requests' }).waitFor();
      await mgr.page.locator('#review-list li').first().waitFor();
      await check(mgr.page, 'app-manager-queue');
      // The Messaging Center and one conversation.
      await mgr.page.goto(`${BASE}/#/messages`);
      await mgr.page.locator('#ticket-list li').first().waitFor();
      await check(mgr.page, 'messaging-center');
      await mgr.page.locator('#ticket-list li a').first().click();
      await mgr.page.locator('#conversation li').first().waitFor();
      await check(mgr.page, 'messaging-ticket');
    } finally {
      await mgr.context.close();
    }

    // The embedding example, on its host's own origin with the one tag and a token.
    const hostSite = await startHost(HOST_PORT);
    const emb = await newPage(browser, opts);
    try {
      const { token } = await apiToken(await apiSignIn('dev@demo.test'));
      await emb.page.goto(`${hostSite.url}/embed.html?token=${token}`);
      await emb.page.getByRole('heading', { level: 2, name: 'Choose a template and app type' }).waitFor();
      await check(emb.page, 'embedded');
    } finally {
      await emb.context.close();
      await hostSite.close();
    }

    assert.ok(n >= 20, `checked ${n} pages`);
    assert.deepEqual(found, [], JSON.stringify(found, null, 1));
  });
}
