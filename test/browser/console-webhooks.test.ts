/**
 * The console's Webhooks section in a real browser against the whole local platform, with a local HTTP
 * server playing the shop's ERP: a marketer adds an endpoint (a plain-http public address and a private one
 * are refused next to its field), sees it listed without its secret, a shopper signs up, and the marketer
 * sees the delivery of that backorder.created event, a refused one (its status, never the receiver's words),
 * and a blocked one (its name re-pointed at an internal address), with their state. Screenshots land in
 * test-results/console-webhooks-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium, signInToConsole } from '../support/browser';
import { uniqueEmail } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');
const SKU = 'CONSOLE-HOOKS-1';
const SECRET = 'console-webhook-secret-4321';

let platform: TestPlatform;
let erp: WebhookReceiver;
let browser: Browser;
let context: BrowserContext;
const pageErrors: string[] = [];
/** The runner's stand-in for DNS: names under .shop.test answer what the test says. */
const dns = new Map<string, string[]>();

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  platform = await startTestPlatform({ webhookResolver: (name) => dns.get(name) });
  erp = await startWebhookReceiver();
  browser = await launchChromium();
  await platform.admin('PUT', `/api/admin/products/${SKU}`, {
    name: 'Hooked tee',
    backorders: { enabled: true },
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await platform?.stop();
  await erp?.close();
});

const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `console-webhooks-${name}.png`), fullPage: true });

const waitForDeliveryState = async (webhookId: string, state: string) => {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const { body } = await platform.admin('GET', `/api/admin/webhooks/${webhookId}/deliveries`);
    if (body.items?.some((d: { state: string }) => d.state === state)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${state} delivery to ${webhookId}`);
};

test('a marketer adds a webhook endpoint and sees its deliveries, failures included', async () => {
  const receiverUrl = erp.respond('/erp/backorders', () => ({ status: 204 }));
  const page = await signInToConsole(browser, platform.baseUrl, platform.adminToken, { pageErrors });
  context = page.context();
  await page.getByRole('heading', { level: 1, name: 'Site settings' }).waitFor();

  // ---- a new endpoint: a plain-http public address is refused, then the local receiver is saved ----------
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
  await page.locator('#webhooks-result').filter({ hasText: 'No endpoints yet' }).waitFor();
  await page.getByRole('link', { name: 'New endpoint' }).click();
  await page.getByRole('heading', { level: 1, name: 'New webhook endpoint' }).waitFor();
  await page.getByRole('textbox', { name: 'Endpoint id' }).fill('erp');
  const url = page.getByRole('textbox', { name: 'URL' });
  await url.fill('http://erp.example/hooks');
  await page.getByLabel('Signing secret').fill(SECRET);
  expect(await page.getByRole('checkbox', { name: 'Backorder created' }).isChecked()).toBe(true);
  await page.getByRole('checkbox', { name: 'Backorder cancelled' }).check();
  await page.getByRole('button', { name: 'Save endpoint' }).click();
  await page.locator('#webhook-url-error').filter({ hasText: 'https' }).waitFor();
  expect(await url.getAttribute('aria-invalid')).toBe('true');
  await screenshot(page, 'editor-error');

  await url.fill('https://169.254.169.254/latest/meta-data/');
  await page.getByRole('button', { name: 'Save endpoint' }).click();
  await page
    .locator('#webhook-url-error')
    .filter({
      hasText: 'must not point to a private or internal address (169.254.169.254 is a link-local address)',
    })
    .waitFor();
  expect(await url.getAttribute('aria-invalid')).toBe('true');

  await url.fill(receiverUrl);
  await page.getByRole('button', { name: 'Save endpoint' }).click();
  await page.locator('#webhooks-result').filter({ hasText: 'Webhook endpoint erp created.' }).waitFor();
  const card = page.locator('[data-webhook-id="erp"]');
  const cardText = await card.textContent();
  expect(cardText).toContain(receiverUrl);
  expect(cardText).toContain('Backorder created, cancelled');
  expect(cardText).toContain('ends in …4321');
  expect(cardText).not.toContain(SECRET);
  await screenshot(page, 'list');

  // ---- a second endpoint, saved through the API, refuses events -------------------------------------------
  const refusing = await platform.admin('PUT', '/api/admin/webhooks/crm', {
    url: erp.respond('/crm', () => ({ status: 422, body: 'unknown <sku>' })),
    secret: SECRET,
    events: ['backorder.created'],
  });
  expect(refusing.status).toBe(201);

  // ---- a third, whose name pointed to a public address when saved and points inside by the time it is sent --
  dns.set('erp.moved.shop.test', ['93.184.215.14']);
  const moved = await platform.admin('PUT', '/api/admin/webhooks/moved', {
    url: `https://erp.moved.shop.test:${new URL(erp.baseUrl).port}/moved`,
    secret: SECRET,
    events: ['backorder.created'],
  });
  expect(moved.status).toBe(201);
  dns.set('erp.moved.shop.test', ['0.0.0.0']);

  // ---- a shopper signs up: the ERP hears of it, and the console shows the delivery ----------------------
  const signup = await platform.request('POST', '/api/backorders', {
    json: { sku: SKU, email: uniqueEmail('hooked') },
  });
  expect(signup.status).toBe(201);
  await erp.waitForRequests('/erp/backorders', 1);
  await waitForDeliveryState('erp', 'delivered');
  await waitForDeliveryState('crm', 'failed');
  await waitForDeliveryState('moved', 'blocked');

  await card.getByRole('link', { name: 'Deliveries' }).click();
  await page.getByRole('heading', { level: 1, name: 'Deliveries to erp' }).waitFor();
  const row = page.locator('#webhook-deliveries tbody tr').first();
  await row.waitFor();
  const rowText = await row.textContent();
  expect(rowText).toContain('backorder.created');
  expect(rowText).toContain(signup.body.id);
  expect(rowText).toContain('Delivered');
  expect(rowText).toContain('HTTP 204');
  await screenshot(page, 'deliveries');

  await page.getByRole('link', { name: 'Back to webhooks' }).click();
  await page.locator('[data-webhook-id="crm"]').getByRole('link', { name: 'Deliveries' }).click();
  await page.getByRole('heading', { level: 1, name: 'Deliveries to crm' }).waitFor();
  const refused = page.locator('#webhook-deliveries tbody tr').first();
  await refused.waitFor();
  expect(await refused.textContent()).toContain('Failed, not retried');
  // The status only: what a receiver answers never reaches the console, as text or as markup.
  expect(await refused.textContent()).toContain('HTTP 422');
  expect(await refused.textContent()).not.toContain('unknown');
  expect(await refused.locator('sku').count()).toBe(0);

  await page.getByRole('link', { name: 'Back to webhooks' }).click();
  await page.locator('[data-webhook-id="moved"]').getByRole('link', { name: 'Deliveries' }).click();
  await page.getByRole('heading', { level: 1, name: 'Deliveries to moved' }).waitFor();
  const blocked = page.locator('#webhook-deliveries tbody tr').first();
  await blocked.waitFor();
  const blockedText = await blocked.textContent();
  expect(blockedText).toContain('Blocked, not sent');
  expect(blockedText).toContain('Not sent: the address is private or internal.');
  expect(blockedText).toContain('not sent: erp.moved.shop.test resolves to an unspecified address');
  expect(erp.requests('/moved')).toHaveLength(0);
  await screenshot(page, 'blocked');

  // ---- deleting asks first, then the endpoint is gone -----------------------------------------------------
  await page.getByRole('link', { name: 'Back to webhooks' }).click();
  await page.locator('[data-webhook-id="crm"]').getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Delete endpoint' }).click();
  await page.locator('#webhooks-result').filter({ hasText: 'Webhook endpoint crm deleted.' }).waitFor();
  expect(await page.locator('[data-webhook-id="crm"]').count()).toBe(0);
  expect((await platform.admin('GET', '/api/admin/webhooks/crm')).status).toBe(404);
  expect(pageErrors).toEqual([]);
}, 60_000);
