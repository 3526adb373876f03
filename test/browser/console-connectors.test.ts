/**
 * The console's Connectors section in a real browser against the whole local platform: an admin copies
 * each store's webhook URL (this site's address), a secret that is too short is refused next to its field,
 * a good one connects Shopify without ever being shown again and survives a save of the settings form;
 * Shopify's delivery then shows in the list, and the store is disconnected. Screenshots land in
 * test-results/console-connectors-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium, signInToConsole } from '../support/browser';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { postShopify, shopifyProduct } from '../support/store-webhooks';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');
const SKU = 'CONSOLE-CONNECT-1';
const SECRET = '0f9e8d7c6b5a49382716a5b4c3d2e1f00f9e8d7c6b5a49382716a5b4c3d2e1f0';

let platform: TestPlatform;
let browser: Browser;
let context: BrowserContext;
const pageErrors: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  platform = await startTestPlatform();
  browser = await launchChromium();
  await platform.admin('PUT', `/api/admin/products/${SKU}`, { name: 'Connected tee' });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await platform?.stop();
});

const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `console-connectors-${name}.png`), fullPage: true });

test('an admin connects Shopify, sees its delivery, and disconnects it', async () => {
  const page = await signInToConsole(browser, platform.baseUrl, platform.adminToken, { pageErrors });
  context = page.context();
  await page.getByRole('heading', { level: 1, name: 'Site settings' }).waitFor();

  await page.getByRole('link', { name: 'Connectors' }).click();
  await page.getByRole('heading', { level: 1, name: 'Store connectors' }).waitFor();
  const shopify = page.getByRole('region', { name: 'Shopify', exact: true });
  await shopify.getByText('Not connected: no secret set').waitFor();
  expect(await page.locator('#connector-shopify-url').inputValue()).toBe(
    `${platform.baseUrl}/api/webhooks/shopify`,
  );
  expect(await page.locator('#connector-woocommerce-url').inputValue()).toBe(
    `${platform.baseUrl}/api/webhooks/woocommerce`,
  );
  await shopify.getByText('Product update').first().waitFor();
  await page.locator('#connector-woocommerce-deliveries-result', { hasText: 'No deliveries yet' }).waitFor();

  // ---- too short: the API's answer shows next to the field ----------------------------------------------
  const secret = page.locator('#connector-shopify-secret');
  await secret.fill('too-short');
  await shopify.getByRole('button', { name: 'Save secret' }).click();
  await page.locator('#connector-shopify-secret-error', { hasText: 'at least 16 characters' }).waitFor();
  expect(await secret.getAttribute('aria-invalid')).toBe('true');

  await secret.fill(SECRET);
  await shopify.getByRole('button', { name: 'Save secret' }).click();
  await page.locator('#connector-shopify-result', { hasText: 'Shopify connected' }).waitFor();
  await shopify.getByText('Connected', { exact: true }).waitFor();
  expect(await secret.inputValue()).toBe('');
  expect(await page.content()).not.toContain(SECRET);
  await screenshot(page, 'connected');

  // ---- the settings form, which knows nothing of connectors, keeps the secret ----------------------------
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { level: 1, name: 'Site settings' }).waitFor();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.locator('#settings-result', { hasText: 'Settings saved.' }).waitFor();
  const settings = await platform.admin('GET', '/api/admin/settings');
  expect(settings.body.connectors.shopify).toEqual({ configured: true });

  // ---- Shopify delivers; the list shows it ---------------------------------------------------------------
  const delivered = await postShopify(platform, shopifyProduct([{ sku: SKU, quantity: 3 }]), {
    secret: SECRET,
  });
  expect(delivered.body.skus).toEqual([SKU]);
  await page.getByRole('link', { name: 'Connectors' }).click();
  await page.getByRole('heading', { level: 1, name: 'Store connectors' }).waitFor();
  const row = page.locator('#connector-shopify-deliveries tbody tr').first();
  await row.filter({ hasText: 'Accepted' }).waitFor();
  expect(await row.textContent()).toContain('1 SKU set');
  expect(await row.textContent()).toContain(SKU);
  expect(await row.textContent()).toContain('products/update');
  await screenshot(page, 'deliveries');

  // ---- disconnected: asked first, then refused ------------------------------------------------------------
  await shopify.getByRole('button', { name: 'Disconnect' }).click();
  await page
    .getByRole('dialog', { name: 'Disconnect Shopify?' })
    .getByRole('button', { name: 'Disconnect' })
    .click();
  await page.locator('#connector-shopify-result', { hasText: 'Shopify disconnected.' }).waitFor();
  await shopify.getByText('Not connected: no secret set').waitFor();
  expect(
    (await postShopify(platform, shopifyProduct([{ sku: SKU, quantity: 1 }]), { secret: SECRET })).status,
  ).toBe(401);
  await shopify.getByRole('button', { name: 'Refresh' }).click();
  await page
    .locator('#connector-shopify-deliveries tbody tr')
    .first()
    .filter({ hasText: 'Refused' })
    .waitFor();

  expect(pageErrors).toEqual([]);
});

test('on a phone the page fits the screen, deliveries included', async () => {
  await postShopify(platform, shopifyProduct([{ sku: SKU, quantity: 2 }]), { signature: null });
  const page = await signInToConsole(browser, platform.baseUrl, platform.adminToken, {
    viewport: { width: 390, height: 844 },
    hash: '#/connectors',
    pageErrors,
  });
  const phone = page.context();
  try {
    await page.getByRole('heading', { level: 1, name: 'Store connectors' }).waitFor();
    await page.locator('#connector-shopify-deliveries tbody tr').first().waitFor();
    await screenshot(page, 'phone');
    const overflow = await page.evaluate(() => {
      const wider = Array.from(document.querySelectorAll('#view-connectors *')).filter(
        (element) => element.getBoundingClientRect().right > window.innerWidth,
      );
      return wider.map((element) => `${element.tagName.toLowerCase()}#${element.id}.${element.className}`);
    });
    expect(overflow).toEqual([]);
  } finally {
    await phone.close();
  }
  expect(pageErrors).toEqual([]);
});
