// Item 6: a whole wizard run with the keyboard only (Tab, Shift+Tab, Space, Enter, typing).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, contextAs, uniq, until, appsNamed, BASE } from '../lib.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** What has the focus: tag, id, type, checked, and its text or label. */
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return { tag: 'body' };
  const label = el.labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? el.textContent;
  return { tag: el.tagName.toLowerCase(), id: el.id, type: el.type ?? null, checked: el.checked ?? null, text: (label ?? '').trim().slice(0, 60) };
});

/** Presses Tab (or Shift+Tab) until `want(focus)` holds; fails after `max` presses. */
async function tabTo(page, want, { back = false, max = 40, what } = {}) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    seen.push(f.id || f.text);
    if (want(f)) return i + 1;
  }
  throw new Error(`${back ? 'Shift+' : ''}Tab never reached ${what}; focus went through ${JSON.stringify(seen)}`);
}

/** A page's title is its h1; a wizard step's title is an h2 under the wizard's h1. */
async function headingFocused(page, name, tag = 'h2') {
  await until(() => focused(page), (f) => f.tag === tag && f.text === name, { what: `focus on the heading "${name}"` });
}

test('a whole wizard run with the keyboard only; focus moves to each step heading', async () => {
  const { context, page, cookie } = await contextAs(browser, 'dev@demo.test');
  try {
    await page.goto(`${BASE}/#/`);
    await headingFocused(page, 'Demo Partner AS', 'h1');
    await tabTo(page, (f) => f.text === 'Create App', { what: 'Create App' });
    await page.keyboard.press('Enter');

    // Step 1: Tab into the template group, pick with the arrow keys and Space.
    await headingFocused(page, 'Choose a template and app type');
    await tabTo(page, (f) => f.type === 'radio', { what: 'the template radios' });
    await page.keyboard.press('Space');
    let f = await focused(page);
    assert.equal(f.id, 'template-web');
    assert.equal(f.checked, true, 'Space checks the focused template');
    await page.keyboard.press('ArrowDown');
    f = await focused(page);
    assert.equal(f.id, 'template-native');
    await page.keyboard.press('ArrowUp');
    assert.equal((await focused(page)).id, 'template-web');
    assert.equal((await focused(page)).checked, true);
    await tabTo(page, (f) => f.id === 'next', { what: 'Next' });
    await page.keyboard.press('Enter');

    // Step 2: the name.
    await headingFocused(page, 'Name your application');
    await tabTo(page, (f) => f.id === 'app-name', { what: 'the name field' });
    const name = uniq('E2E keyboard');
    await page.keyboard.type(name);
    await tabTo(page, (f) => f.id === 'next', { what: 'Next' });
    await until(() => page.evaluate(() => document.getElementById('next').disabled), (d) => !d, { what: 'Next enabled' });
    await page.keyboard.press('Enter');

    // Step 3: a redirect URL, then Shift+Tab back to "Back" and return: nothing is lost.
    await headingFocused(page, 'Redirect URLs');
    await tabTo(page, (f) => f.text === 'Redirect URL 1', { what: 'Redirect URL 1' });
    await page.keyboard.type('https://keyboard.example.com/cb');
    await tabTo(page, (f) => f.text === 'Add More', { what: 'Add More' });
    await page.keyboard.press('Space');
    await until(() => page.locator('#url-count').textContent(), (t) => t === '2 / 100', { what: 'a second row' });
    await tabTo(page, (f) => f.text === 'Redirect URL 2', { back: true, what: 'Redirect URL 2' });
    await page.keyboard.type('https://keyboard.example.com/other');
    await tabTo(page, (f) => f.id === 'back', { what: 'Back' });
    await page.keyboard.press('Enter');
    await headingFocused(page, 'Name your application');
    assert.equal(await page.getByLabel('Application name').inputValue(), name);
    await tabTo(page, (f) => f.id === 'next', { what: 'Next' });
    await page.keyboard.press('Enter');
    await headingFocused(page, 'Redirect URLs');
    assert.equal(await page.getByLabel('Redirect URL 2', { exact: true }).inputValue(), 'https://keyboard.example.com/other');
    await tabTo(page, (f) => f.id === 'next', { what: 'Next' });
    await page.keyboard.press('Enter');

    // Step 4: the technical contact (me); Step 5: review and create with Space.
    await headingFocused(page, 'Technical contact');
    await tabTo(page, (f) => f.id === 'next', { what: 'Next' });
    await page.keyboard.press('Enter');
    await headingFocused(page, 'Review and create');
    await tabTo(page, (f) => f.text === 'Create Application', { what: 'Create Application' });
    await page.keyboard.press('Space');
    await headingFocused(page, 'Your app is registered', 'h1');
    assert.match(await page.locator('#client-id').textContent(), /^[0-9a-f]{32}$/);
    const apps = await appsNamed(cookie, name);
    assert.equal(apps.length, 1);
    assert.deepEqual(apps[0].redirect_urls, ['https://keyboard.example.com/cb', 'https://keyboard.example.com/other']);
  } finally {
    await context.close();
  }
});
