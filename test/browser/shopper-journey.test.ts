/**
 * A shopper's whole journey in a real browser (Debian's Chromium through playwright-core) against the whole
 * local platform: the landing page, the confirmation email found in the SES store and opened like an inbox
 * would, the status page, a restock from the ERP's signed inventory webhook, the restock email, and the
 * units reserved; and the cancel path. Each page and each email is saved as test-results/journey-<step>.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { postInventory } from '../support/shop';
import { linkParts } from '../http/helpers';
import { launchChromium } from '../support/browser';
import { emailsTo, uniqueEmail, type StoredEmail } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');

let platform: TestPlatform;
let browser: Browser;
let context: BrowserContext;
let pageErrors: string[];

const uniqueSku = (label: string): string =>
  `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`.toUpperCase();

async function screenshot(page: Page, step: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `journey-${step}.png`), fullPage: true });
}

async function newPage(): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return page;
}

/** An out-of-stock product open to backorders, as a marketer sets it up in the console. */
async function outOfStockProduct(label: string, name: string): Promise<string> {
  const sku = uniqueSku(label);
  const response = await platform.admin('PUT', `/api/admin/products/${encodeURIComponent(sku)}`, {
    name,
    stock: 0,
    expectedRestockDate: '2031-03-14',
    backorders: { enabled: true },
  });
  expect([200, 201]).toContain(response.status);
  return sku;
}

/** The ERP reports free units, signed with the shared secret exactly as it would be in production. */
async function restockFromErp(sku: string, available: number): Promise<void> {
  const response = await postInventory(platform, { eventId: `erp-${randomUUID()}`, sku, available });
  expect(response.status).toBe(202);
}

/** Signs up on /p/{sku} the way a shopper does: typing into the form and pressing its button. */
async function signUpOnLandingPage(
  page: Page,
  sku: string,
  shopper: { email: string; name: string; quantity: number },
  step: string,
): Promise<void> {
  await page.goto(`${platform.baseUrl}/p/${encodeURIComponent(sku)}`);
  const form = page.locator('form');
  await form.locator('input[name="email"]').waitFor();
  await form.locator('input[name="email"]').fill(shopper.email);
  await form.locator('input[name="quantity"]').fill(String(shopper.quantity));
  await form.locator('input[name="name"]').fill(shopper.name);
  await screenshot(page, `${step}-landing-filled`);
  await page.getByRole('button', { name: 'Join the waiting list' }).click();
  await page
    .locator('[role="status"]')
    .getByRole('link', { name: 'Check your place in the queue' })
    .waitFor();
  await screenshot(page, `${step}-landing-signed-up`);
}

/** Waits for the email whose subject matches, among those the address received. */
async function waitForEmail(address: string, subject: RegExp): Promise<StoredEmail> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = (await emailsTo(platform.sesUrl, address)).find((email) => subject.test(email.subject));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`No email "${subject.source}" reached ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The private status link of an email, from its HTML part and its text part (which must agree). */
function statusLinkIn(email: StoredEmail): string {
  const fromHtml = /href="([^"]*\/status\?id=[^"]+)"/
    .exec(email.body.html ?? '')?.[1]
    ?.replace(/&amp;/g, '&');
  const fromText = /(https?:\/\/\S+\/status\?id=\S+)/.exec(email.body.text ?? '')?.[1];
  expect(fromHtml).toBeDefined();
  expect(fromText).toBe(fromHtml);
  expect(fromHtml!.startsWith(`${platform.baseUrl}/status?`)).toBe(true);
  return fromHtml!;
}

/**
 * Shows the email's HTML part in a tab of its own, as a mail client would (not inside one of the shop's pages,
 * whose Content-Security-Policy would strip the email's inline styles), saves it, then follows the named link
 * in it: the shopper lands where the email sends them, in that tab.
 */
async function openEmail(email: StoredEmail, step: string, linkName: string): Promise<Page> {
  expect(email.body.html).toBeDefined();
  const page = await newPage();
  await page.setContent(email.body.html!);
  await screenshot(page, step);
  // It reads on a phone without scrolling sideways, long private link included.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    page.viewportSize()!.width,
  );
  const link = page.getByRole('link', { name: linkName });
  expect(await link.getAttribute('href')).toBe(statusLinkIn(email));
  await Promise.all([page.waitForURL(/\/status\?id=/), link.click()]);
  return page;
}

async function backorderFromApi(statusUrl: string) {
  const { id, token } = linkParts(statusUrl);
  const response = await platform.request('GET', `/api/backorders/${id}?token=${encodeURIComponent(token)}`);
  expect(response.status).toBe(200);
  return response.body as { status: string; position: number | null; quantity: number };
}

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  [platform, browser] = await Promise.all([startTestPlatform(), launchChromium()]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

beforeEach(async () => {
  pageErrors = [];
  context = await browser.newContext({ viewport: { width: 390, height: 844 } });
});

afterEach(async () => {
  await context?.close();
});

test('a shopper signs up, follows the confirmation email to their place in the queue, and after a restock finds their units reserved', async () => {
  const sku = await outOfStockProduct('LAMP', 'Brass desk lamp');
  const email = uniqueEmail('journey.ada');
  const landing = await newPage();

  await signUpOnLandingPage(landing, sku, { email, name: 'Ada', quantity: 2 }, 'ada');
  const result = landing.locator('[role="status"]');
  expect(await result.textContent()).toContain('number 1 in the queue');

  // The confirmation email, as the shopper finds it in their inbox.
  const confirmation = await waitForEmail(email, /on the list for Brass desk lamp/);
  expect(confirmation.body.text).toContain('You are number 1 in the queue');
  const statusUrl = statusLinkIn(confirmation);
  // The page's link and the email's open the same backorder, each with its own token (the email's also
  // downloads and deletes the shopper's data).
  const pageLink = await result
    .getByRole('link', { name: 'Check your place in the queue' })
    .getAttribute('href');
  expect(linkParts(pageLink!).id).toBe(linkParts(statusUrl).id);
  expect(linkParts(pageLink!).token).not.toBe(linkParts(statusUrl).token);
  const page = await openEmail(confirmation, 'ada-email-confirmation', 'See your place in the queue');

  const state = page.locator('[role="status"]');
  await state.filter({ hasText: 'You are number 1 in the queue.' }).waitFor();
  await page.getByRole('heading', { level: 1, name: 'Brass desk lamp' }).waitFor();
  expect(await page.locator('#status-word').textContent()).toBe('Waiting in the queue');
  expect(await page.locator('#quantity').textContent()).toBe('2 units');
  expect(await page.getByRole('button', { name: 'Cancel my backorder' }).isVisible()).toBe(true);
  await screenshot(page, 'ada-status-waiting');

  // The ERP receives the goods and tells the shop, signed with the shared secret.
  await restockFromErp(sku, 2);

  const restock = await waitForEmail(email, /Good news: Brass desk lamp is back/);
  expect(restock.body.text).toContain('2 × Brass desk lamp are now set aside for you');
  // Tokens are kept only as hashes, so each email carries a fresh token for the same backorder.
  const restockStatusUrl = statusLinkIn(restock);
  expect(new URL(restockStatusUrl).searchParams.get('id')).toBe(new URL(statusUrl).searchParams.get('id'));
  const allocated = await openEmail(restock, 'ada-email-restock', 'See your backorder');

  const allocatedState = allocated.locator('[role="status"]');
  await allocatedState.filter({ hasText: 'reserved for you' }).waitFor();
  expect(await allocatedState.textContent()).toContain(
    'Good news: 2 units of Brass desk lamp are reserved for you.',
  );
  expect(await allocated.locator('#status-word').textContent()).toBe('Reserved for you');
  expect(await allocated.locator('#timeline').textContent()).toContain('Units were reserved for you');
  await screenshot(allocated, 'ada-status-allocated');
  expect(await backorderFromApi(restockStatusUrl)).toMatchObject({
    status: 'allocated',
    position: null,
    quantity: 2,
  });

  // The link from the first email still works, and now shows the same news.
  await page.reload();
  await state.filter({ hasText: 'reserved for you' }).waitFor();
  expect(await page.locator('#status-word').textContent()).toBe('Reserved for you');
  expect(await backorderFromApi(statusUrl)).toMatchObject({ status: 'allocated' });
  // One confirmation, one restock alert: nothing sent twice.
  expect((await emailsTo(platform.sesUrl, email)).map((sent) => sent.subject).sort()).toEqual([
    'Good news: Brass desk lamp is back, and yours is set aside',
    "You're on the list for Brass desk lamp",
  ]);
  expect(pageErrors).toEqual([]);
});

test('a shopper who cancels from their status page leaves the queue, and a later restock passes them by', async () => {
  const sku = await outOfStockProduct('KETTLE', 'Enamel kettle');
  const email = uniqueEmail('journey.bea');
  const landing = await newPage();

  await signUpOnLandingPage(landing, sku, { email, name: 'Bea', quantity: 1 }, 'bea');
  // Someone else joins behind her.
  const nextShopper = uniqueEmail('journey.cy');
  const behind = await platform.request('POST', '/api/backorders', { json: { sku, email: nextShopper } });
  expect(behind.body).toMatchObject({ status: 'waiting', position: 2 });

  const confirmation = await waitForEmail(email, /on the list for Enamel kettle/);
  const statusUrl = statusLinkIn(confirmation);
  const page = await openEmail(confirmation, 'bea-email-confirmation', 'See your place in the queue');
  const state = page.locator('[role="status"]');
  await state.filter({ hasText: 'You are number 1 in the queue.' }).waitFor();
  await screenshot(page, 'bea-status-waiting');

  // Cancelling asks first, in the page's own dialog.
  await page.getByRole('button', { name: 'Cancel my backorder' }).click();
  const dialog = page.getByRole('dialog', { name: 'Cancel this backorder?' });
  await dialog.waitFor();
  expect(await dialog.textContent()).toContain('You will lose your place in the queue for Enamel kettle');
  await screenshot(page, 'bea-status-confirm-cancel');
  await dialog.getByRole('button', { name: 'Yes, cancel it' }).click();

  await state.filter({ hasText: 'Your backorder has been cancelled.' }).waitFor();
  expect(await page.locator('#status-word').textContent()).toBe('Cancelled');
  expect(await page.getByRole('button', { name: 'Cancel my backorder' }).isVisible()).toBe(false);
  await screenshot(page, 'bea-status-cancelled');
  expect(await backorderFromApi(statusUrl)).toMatchObject({ status: 'cancelled', position: null });

  // One unit arrives: it goes to the shopper behind her, not to her.
  await restockFromErp(sku, 1);
  await waitForEmail(nextShopper, /Good news: Enamel kettle is back/);
  expect(await backorderFromApi(behind.body.statusUrl)).toMatchObject({ status: 'allocated' });
  expect(await backorderFromApi(statusUrl)).toMatchObject({ status: 'cancelled' });
  expect((await emailsTo(platform.sesUrl, email)).map((sent) => sent.subject)).toEqual([
    "You're on the list for Enamel kettle",
  ]);

  // Coming back to her link later, she still sees it cancelled.
  await page.reload();
  await state.filter({ hasText: 'This backorder is cancelled.' }).waitFor();
  await screenshot(page, 'bea-status-after-restock');
  expect(pageErrors).toEqual([]);
});
