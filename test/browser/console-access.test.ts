/**
 * Console roles and API keys in a real browser against the whole local platform: an admin makes an API key
 * (shown once, then listed without it), the key works on the API, the admin revokes it and it stops at once;
 * a marketer and a support agent sign in with their own tokens and see only their role's sections, a shared
 * link to a section outside their role lands on one of theirs. Screenshots land in
 * test-results/console-access-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium, signInToConsole } from '../support/browser';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');

let platform: TestPlatform;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  platform = await startTestPlatform();
  browser = await launchChromium();
}, 60_000);

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `console-access-${name}.png`), fullPage: true });

const signIn = async (token: string, hash = ''): Promise<Page> => {
  const page = await signInToConsole(browser, platform.baseUrl, token, { hash, pageErrors });
  contexts.push(page.context());
  return page;
};

const navSections = async (page: Page) =>
  page
    .locator('#console-nav li:not([hidden]) a[data-view]')
    .evaluateAll((links) => links.map((link) => (link as HTMLElement).dataset.view));

test('an admin makes an API key, sees it once, and revokes it', async () => {
  const page = await signIn(platform.adminToken);
  await page.getByRole('heading', { level: 1, name: 'Site settings' }).waitFor();
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
  await page.locator('#api-keys-result').filter({ hasText: 'No API keys yet' }).waitFor();

  // Nothing ticked: the form says so at the field, and nothing is made.
  await page.locator('#api-key-name').fill('ERP stock sync');
  await page.getByRole('button', { name: 'Make key' }).click();
  await page.locator('#api-key-scopes-error').filter({ hasText: 'Tick at least one scope' }).waitFor();

  await page.getByRole('checkbox', { name: /^inventory:write/ }).check();
  await page.getByRole('checkbox', { name: /^products:read/ }).check();
  await page.getByRole('button', { name: 'Make key' }).click();
  await page.locator('#api-key-form-result').filter({ hasText: 'it is not shown again' }).waitFor();
  const key = await page.getByLabel('The new key (shown once)').inputValue();
  expect(key).toMatch(/^bo_[0-9A-Z]{16}_[A-Za-z0-9_-]{43}$/);
  const card = page.locator('#api-keys-list li').filter({ hasText: 'ERP stock sync' });
  await card.waitFor();
  expect(await card.textContent()).toContain('inventory:write, products:read');
  expect(await page.locator('#api-keys-list').textContent()).not.toContain(key.slice(21));
  await screenshot(page, 'made');

  // The key works on the API; then it is revoked and stops at once.
  const withKey = () =>
    platform.request('GET', '/api/admin/products', { headers: { authorization: `Bearer ${key}` } });
  expect((await withKey()).status).toBe(200);
  await card.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('button', { name: 'Revoke key' }).click();
  await page.locator('#api-keys-result').filter({ hasText: 'is revoked' }).waitFor();
  expect(
    await page.locator('#api-keys-list li').filter({ hasText: 'ERP stock sync' }).textContent(),
  ).toContain('Revoked');
  expect((await withKey()).status).toBe(401);
  // Shown once: after a reload the key is nowhere on the page.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
  await page.locator('#api-keys-list li').first().waitFor();
  expect(await page.content()).not.toContain(key.slice(21));
  await screenshot(page, 'revoked');
});

test("a marketer sees the marketer's sections only, and a link to API keys lands on one of them", async () => {
  const page = await signIn(platform.marketerToken, '#/api-keys');
  await page.getByRole('heading', { level: 1, name: 'Products' }).waitFor();
  expect(await navSections(page)).toEqual(['products', 'campaigns', 'dashboard', 'embed']);
  expect(page.url()).toContain('#/products');
  await screenshot(page, 'marketer');
});

test('customer service sees the shopper lookup only', async () => {
  const page = await signIn(platform.supportToken);
  await page.getByRole('heading', { level: 1, name: 'Shoppers and backorders' }).waitFor();
  expect(await navSections(page)).toEqual(['lookup']);
});

test('no page errors', () => {
  expect(pageErrors).toEqual([]);
});
