/**
 * The console in a real browser against the whole local platform: a campaign step's versions per language
 * (tabs in the step editor, saved as `locales`, previewed per tab, errors shown on their tab), and the Embed
 * page (the snippet for a chosen product, the allowed sites, and a live preview of <backorder-form>).
 * Screenshots land in test-results/console-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { launchChromium, signInToConsole } from '../support/browser';
import { startTestPlatform } from '../support/platform';

type Platform = Awaited<ReturnType<typeof startTestPlatform>>;

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

let platform: Platform;
let browser: Browser;
let context: BrowserContext;
let pageErrors: string[];

const unique = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

async function screenshot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300);
  await page.screenshot({
    path: path.join(SCREENSHOTS, `console-${name}.png`),
    fullPage: true,
    style: '.form-actions--sticky, .step-preview { position: static !important; }',
  });
}

async function openConsole(viewport: { width: number; height: number }, hash: string): Promise<Page> {
  const page = await signInToConsole(browser, platform.baseUrl, platform.adminToken, {
    viewport,
    hash,
    pageErrors,
  });
  context = page.context();
  return page;
}

/** The text of the error shown next to a field (the element its aria-describedby names). */
async function fieldError(field: Locator): Promise<string> {
  return field.evaluate((element) =>
    (element.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => document.getElementById(id))
      .filter((node) => node && node.classList.contains('field-error') && !node.hidden)
      .map((node) => node!.textContent ?? '')
      .join(' ')
      .trim(),
  );
}

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  platform = await startTestPlatform();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

beforeEach(() => {
  pageErrors = [];
});

afterEach(async () => {
  await context?.close();
});

test('a campaign step gets a German version through the language tabs', async () => {
  const campaignId = unique('languages');
  const page = await openConsole(DESKTOP, '#/campaigns/new');
  await page.getByRole('heading', { level: 1, name: 'New campaign' }).waitFor();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Languages');
  await page.getByRole('textbox', { name: 'Campaign id' }).fill(campaignId);

  const step = page.locator('#steps > li').first();
  const preview = page.getByRole('region', { name: 'Preview of step 1' });
  const tabs = step.getByRole('tablist', { name: 'Languages of step 1' });
  expect(await tabs.getByRole('tab').allTextContents()).toEqual([
    'Default',
    'Deutsch',
    'Français',
    'Español',
    'English',
  ]);
  await step.getByRole('textbox', { name: 'Subject' }).fill('Thanks for waiting');
  await step.getByRole('textbox', { name: 'HTML body' }).fill('<p>Hello {{ shopper.name }}</p>');
  await preview.locator('.preview-subject').filter({ hasText: 'Thanks for waiting' }).waitFor();

  // Arrow keys move between the tabs and show their panel; an empty language says it sends the default.
  const defaultTab = tabs.getByRole('tab', { name: 'Default' });
  await defaultTab.focus();
  await page.keyboard.press('ArrowRight');
  const german = tabs.getByRole('tab', { name: /^Deutsch/ });
  expect(await german.getAttribute('aria-selected')).toBe('true');
  expect(await defaultTab.getAttribute('aria-selected')).toBe('false');
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Deutsch');
  await preview.getByText(/No version in Deutsch/).waitFor();

  // The German version: the preview shows its subject while its tab is chosen.
  const germanPanel = step.getByRole('tabpanel', { name: /^Deutsch/ });
  const germanHtml = germanPanel.getByRole('textbox', { name: 'HTML body' });
  await germanPanel.getByRole('textbox', { name: 'Subject' }).fill('Danke fürs Warten');
  await germanHtml.fill('<p>Hallo {{ shopper.nmae }}</p>');
  // A misspelt variable is marked at the German HTML body, and the tab says it has errors.
  await germanPanel.locator('.field-error').filter({ hasText: 'shopper.nmae' }).waitFor();
  expect(await fieldError(germanHtml)).toMatch(/shopper\.nmae/);
  await tabs.getByRole('tab', { name: 'Deutsch (has errors)' }).waitFor();
  await screenshot(page, 'campaign-language-error');

  // Saved from the default tab, the API's error on steps.0.locales.de.html brings the German tab back.
  await defaultTab.click();
  await preview.locator('.preview-subject').filter({ hasText: 'Thanks for waiting' }).waitFor();
  await page.getByRole('button', { name: 'Save campaign' }).click();
  await page.locator('#campaign-result').filter({ hasText: 'The campaign was not saved' }).waitFor();
  expect(await page.locator('#campaign-result').textContent()).toContain('Step 1, Deutsch, HTML body');
  expect(await german.getAttribute('aria-selected')).toBe('true');
  await tabs.getByRole('tab', { name: 'Deutsch (has errors)' }).waitFor();
  expect(await fieldError(germanHtml)).toMatch(/shopper\.nmae/);
  expect(await germanHtml.getAttribute('aria-invalid')).toBe('true');
  expect((await platform.admin('GET', `/api/admin/campaigns/${campaignId}`)).status).toBe(404);

  await germanHtml.fill('<p>Hallo {{ shopper.name }}</p>');
  await preview.locator('.preview-subject').filter({ hasText: 'Danke fürs Warten' }).waitFor();
  await preview.getByText('Preview up to date.').waitFor();
  expect(await german.textContent()).toBe('Deutsch');
  await page.getByRole('button', { name: 'Save campaign' }).click();
  await page.locator('#campaign-result').filter({ hasText: 'Campaign created' }).waitFor();
  await screenshot(page, 'campaign-languages');

  // Only the filled version is sent.
  const saved = await platform.admin('GET', `/api/admin/campaigns/${campaignId}`);
  expect(saved.body.steps[0]).toMatchObject({
    subject: 'Thanks for waiting',
    locales: { de: { subject: 'Danke fürs Warten', html: '<p>Hallo {{ shopper.name }}</p>' } },
  });
  expect(Object.keys(saved.body.steps[0].locales)).toEqual(['de']);

  // Loading the saved campaign fills the tabs.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Edit campaign: Languages' }).waitFor();
  await tabs.getByRole('tab', { name: /^Deutsch/ }).click();
  expect(await germanPanel.getByRole('textbox', { name: 'Subject' }).inputValue()).toBe('Danke fürs Warten');
  await preview.locator('.preview-subject').filter({ hasText: 'Danke fürs Warten' }).waitFor();
  expect(pageErrors).toEqual([]);
}, 90_000);

test('the Embed page gives the snippet for a product and previews the form', async () => {
  const sku = unique('EMBED').toUpperCase();
  const productId = unique('CHAIR').toUpperCase();
  expect(
    (
      await platform.admin('PUT', `/api/admin/products/${sku}`, {
        name: 'Lounge chair',
        productId,
        options: { Colour: 'green' },
      })
    ).status,
  ).toBeLessThan(300);
  await platform.admin('PUT', '/api/admin/settings', {
    ...(await platform.admin('GET', '/api/admin/settings')).body,
    embed: { allowedOrigins: ['https://shop.example'] },
  });

  const page = await openConsole(PHONE, '#/settings');
  await page.getByRole('heading', { level: 1, name: 'Site settings' }).waitFor();
  await page.getByRole('link', { name: 'Embed' }).click();
  await page.getByRole('heading', { level: 1, name: 'Embed the signup form' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'embed-title');

  await page.getByRole('combobox', { name: 'Product' }).selectOption(sku);
  const snippet = page.getByRole('textbox', { name: "Paste this into the shop's page" });
  expect(await snippet.getAttribute('readonly')).not.toBeNull();
  expect(await snippet.inputValue()).toBe(
    `<script type="module" src="${platform.baseUrl}/embed.js"></script>\n<backorder-form sku="${sku}"></backorder-form>`,
  );
  await page
    .getByRole('region', { name: 'Sites that may show it' })
    .getByText('https://shop.example')
    .waitFor();
  expect(
    await page
      .getByRole('link', { name: /Settings/ })
      .last()
      .getAttribute('href'),
  ).toBe('#/settings');

  // The preview: the same element a shop page shows, rendered in the console.
  // Waits until the element's shadow root shows the signup form's email field.
  const emailField = () =>
    page.waitForFunction(
      () =>
        !!document
          .querySelector('#embed-preview backorder-form')
          ?.shadowRoot?.querySelector('input[name="email"]'),
    );
  await emailField();
  expect(await page.locator('#embed-preview backorder-form').getAttribute('sku')).toBe(sku);

  // In German; and for all the product's variants, with a picker.
  await page.getByRole('combobox', { name: 'Language of the preview' }).selectOption('de');
  expect(await page.locator('#embed-preview backorder-form').getAttribute('locale')).toBe('de');
  await page.getByRole('radio', { name: /All variants of/ }).check();
  expect(await snippet.inputValue()).toContain(`<backorder-form product="${productId}"></backorder-form>`);
  await emailField();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

  await page.getByRole('button', { name: 'Copy snippet' }).click();
  await page
    .locator('#embed-copy-result')
    .filter({ hasText: /copied|selected/ })
    .waitFor();
  await screenshot(page, 'embed');
  expect(pageErrors).toEqual([]);
}, 60_000);
