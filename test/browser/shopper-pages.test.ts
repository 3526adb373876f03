/**
 * The shopper's pages in a real browser (Debian's Chromium through playwright-core) against the whole
 * local platform: what a shopper sees and can do on /p/{sku} and /status, not how the pages are built.
 * Screenshots of each step land in test-results/ for a human to look at.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestPlatform } from '../support/platform';
import { useSingleOptIn } from '../support/settings';
import { uniqueEmail, waitForEmails } from '../support/mailbox';

type Platform = Awaited<ReturnType<typeof startTestPlatform>>;

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');
// A product name a marketer could type that must never become markup on a shopper's screen.
const HOSTILE_NAME = '<script>alert(1)</script> Tee';

let platform: Platform;
let browser: Browser;
let context: BrowserContext;
/** Every alert/confirm a page opened: a product name that ran as script would show up here. */
let dialogs: string[];
let pageErrors: string[];

/** A SKU of its own per run, so reruns against a persisted data dir start with an empty queue. */
function uniqueSku(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
}

async function putProduct(sku: string, body: unknown): Promise<void> {
  const response = await platform.admin('PUT', `/api/admin/products/${encodeURIComponent(sku)}`, body);
  expect([200, 201]).toContain(response.status);
}

async function backordersFor(sku: string): Promise<Array<{ status: string; quantity: number }>> {
  const response = await platform.admin('GET', `/api/admin/backorders?sku=${encodeURIComponent(sku)}`);
  expect(response.status).toBe(200);
  return (response.body as { items: Array<{ status: string; quantity: number }> }).items;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function openLandingPage(sku: string): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${platform.baseUrl}/p/${encodeURIComponent(sku)}`);
  return page;
}

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  platform = await startTestPlatform();
  // Consent counts at once (a shop's choice): the unsubscribe page test needs a marketing email.
  await useSingleOptIn(platform);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

beforeEach(async () => {
  dialogs = [];
  pageErrors = [];
  // A phone-sized screen: the pages are built mobile first.
  context = await browser.newContext({ viewport: { width: 390, height: 844 } });
});

afterEach(async () => {
  await context?.close();
});

test('a shopper backorders a product, finds their place in the queue, and cancels', async () => {
  const sku = uniqueSku('TEE');
  await putProduct(sku, { name: HOSTILE_NAME, backorders: { enabled: true } });

  const page = await openLandingPage(sku);

  // The product name shows exactly as typed, as text: no script ran and no element was made from it.
  await page.getByRole('heading', { level: 1, name: HOSTILE_NAME, exact: true }).waitFor();
  expect(await page.locator('main script').count()).toBe(0);
  expect(dialogs).toEqual([]);

  const email = uniqueEmail('ada');
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="quantity"]').fill('2');
  await page.locator('input[name="marketingConsent"]').check();
  await screenshot(page, 'shopper-landing-filled');
  await page.getByRole('button', { name: 'Join the waiting list' }).click();

  const result = page.locator('[role="status"]');
  const statusLink = result.getByRole('link', { name: 'Check your place in the queue' });
  await statusLink.waitFor();
  // The token in the fragment: never sent to the server, so never in a request log.
  expect(await statusLink.getAttribute('href')).toMatch(/\/status\?id=[^&#]+#token=/);
  expect(await result.textContent()).toContain('number 1 in the queue');
  expect(await result.textContent()).toContain(email);
  await screenshot(page, 'shopper-landing-signed-up');

  // The confirmation email carries a link of its own to the same backorder; the shopper follows it.
  const [confirmationEmail] = await waitForEmails(platform.sesUrl, email, 1);
  const linkInEmail = /href="([^"]+\/status\?id=[^"]+)"/
    .exec(confirmationEmail?.body.html ?? '')?.[1]
    .replace(/&amp;/g, '&');
  expect(new URL(linkInEmail!).searchParams.get('id')).toBe(
    new URL((await statusLink.getAttribute('href'))!).searchParams.get('id'),
  );
  expect(confirmationEmail.body.html).not.toContain('<script>alert(1)');
  await page.goto(linkInEmail!);
  const state = page.locator('[role="status"]');
  await state.filter({ hasText: 'You are number 1 in the queue' }).waitFor();
  expect(await page.locator('#status-word').textContent()).toMatch(/waiting/i);
  expect(await page.locator('#quantity').textContent()).toBe('2 units');
  await page.getByRole('heading', { level: 1, name: HOSTILE_NAME, exact: true }).waitFor();
  await screenshot(page, 'shopper-status-waiting');

  // Cancelling asks first, in the page's own dialog.
  await page.getByRole('button', { name: 'Cancel my backorder' }).click();
  const confirmation = page.getByRole('dialog', { name: 'Cancel this backorder?' });
  await confirmation.waitFor();
  await screenshot(page, 'shopper-status-confirm-cancel');
  await confirmation.getByRole('button', { name: 'Yes, cancel it' }).click();

  await state.filter({ hasText: 'cancelled' }).waitFor();
  expect(await page.locator('#status-word').textContent()).toBe('Cancelled');
  expect(await page.getByRole('button', { name: 'Cancel my backorder' }).isVisible()).toBe(false);
  await screenshot(page, 'shopper-status-cancelled');

  const stored = await backordersFor(sku);
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({ status: 'cancelled', quantity: 2 });
  expect(dialogs).toEqual([]);
  expect(pageErrors).toEqual([]);
}, 30_000);

test('signing up again with an address already waiting says only that, and can have the links emailed', async () => {
  const sku = uniqueSku('AGAIN');
  await putProduct(sku, { name: 'Again tee', backorders: { enabled: true } });
  const email = uniqueEmail('again');
  const first = await platform.request('POST', '/api/backorders', {
    json: { sku, email, quantity: 3, name: 'First Signer' },
  });
  expect(first.status).toBe(201);
  await waitForEmails(platform.sesUrl, email, 1);

  const page = await openLandingPage(sku);
  await page.locator('input[name="email"]').fill(email.toUpperCase());
  await page.getByRole('button', { name: 'Join the waiting list' }).click();
  const result = page.locator('[role="status"]');
  await result.filter({ hasText: 'already on the waiting list' }).waitFor();
  // No link, no place, no quantity, no name: whoever typed the address may not own it.
  expect(await result.getByRole('link').count()).toBe(0);
  expect(await result.textContent()).not.toMatch(/number \d|3 units|First Signer/);
  await screenshot(page, 'shopper-landing-already');

  await result.getByRole('button', { name: 'Email me my links' }).click();
  await result.filter({ hasText: 'we have sent its links' }).waitFor();
  const mails = await waitForEmails(platform.sesUrl, email, 2);
  expect(mails.map((m) => m.subject)).toContain('Your backorder link for Again tee');
  expect(pageErrors).toEqual([]);
}, 30_000);

test('a product that cannot be backordered says so and shows no form', async () => {
  const sku = uniqueSku('ANTIQUE');
  await putProduct(sku, { name: 'One-of-a-kind antique clock', backorders: { enabled: false } });

  const page = await openLandingPage(sku);

  await page.getByText('This product cannot be backordered.').waitFor();
  expect(await page.locator('form').isVisible()).toBe(false);
  expect(await page.locator('input[name="email"]').isVisible()).toBe(false);
  await screenshot(page, 'shopper-landing-closed');
  expect(pageErrors).toEqual([]);
}, 30_000);

test('a product with variants offers a picker: a closed variant says so, choosing one opens its page', async () => {
  const productId = uniqueSku('TEE');
  const [small, medium, large] = [uniqueSku('TEE-S'), uniqueSku('TEE-M'), uniqueSku('TEE-L')];
  await putProduct(small, { name: 'Tee', productId, options: { size: 'S', colour: 'Blue' } });
  await putProduct(medium, { name: 'Tee', productId, options: { size: 'M', colour: '<b>Blue</b>' } });
  await putProduct(large, {
    name: 'Tee',
    productId,
    options: { size: 'L', colour: 'Blue' },
    backorders: { enabled: false },
  });

  const page = await openLandingPage(small);
  const picker = page.getByRole('combobox', { name: 'Choose a variant' });
  await picker.waitFor();
  expect(await picker.inputValue()).toBe(small);
  const labels = await picker.locator('option').allTextContents();
  // By SKU, options shown as text (markup in a value stays text), the closed one marked.
  expect(labels.sort()).toEqual(
    ['L / Blue (not available for backorder)', 'M / <b>Blue</b>', 'S / Blue'].sort(),
  );
  await screenshot(page, 'shopper-landing-variants');

  await Promise.all([page.waitForURL(`**/p/${large}`), picker.selectOption(large)]);
  await page.getByText('This product cannot be backordered.').waitFor();
  expect(await page.getByRole('combobox', { name: 'Choose a variant' }).inputValue()).toBe(large);
  expect(await page.locator('input[name="email"]').isVisible()).toBe(false);
  expect(pageErrors).toEqual([]);
}, 30_000);

test('a bot that fills the hidden honeypot field is thanked but not signed up', async () => {
  const sku = uniqueSku('HONEY');
  await putProduct(sku, { name: 'Honey jar', backorders: { enabled: true } });

  const page = await openLandingPage(sku);
  await page.locator('input[name="email"]').fill('bot@example.com');
  await page.locator('input[name="website"]').fill('https://spam.example', { force: true });
  await page.getByRole('button', { name: 'Join the waiting list' }).click();

  await page.locator('[role="status"]').filter({ hasText: 'You are on the waiting list' }).waitFor();
  expect(await backordersFor(sku)).toEqual([]);
}, 30_000);

test('the unsubscribe page unsubscribes only after its button is pressed, and says so', async () => {
  const sku = uniqueSku('UNSUB');
  await putProduct(sku, { name: 'Unsubscribe tee', backorders: { enabled: true } });
  const campaign = await platform.admin('PUT', '/api/admin/campaigns/unsub-page', {
    name: 'Unsubscribe page',
    active: true,
    audience: { skus: [sku] },
    steps: [{ id: 's1', delay: 'PT0S', subject: 'News', html: '<p>News</p>' }],
  });
  expect(campaign.body).toMatchObject({ id: 'unsub-page', active: true });
  const email = uniqueEmail('unsubpage');
  const signup = await platform.request('POST', '/api/backorders', {
    json: { sku, email, marketingConsent: true },
  });
  expect(signup.status).toBe(201);
  // The scheduler ticks every second in tests: the first step arrives with its unsubscribe link.
  // Never before the confirmation, though the campaign's enrolment job may run after the signup.
  const [, news] = await waitForEmails(platform.sesUrl, email, 2, 30_000);
  expect(news?.subject).toBe('News');
  const link = /href="([^"]*\/unsubscribe\?token=[^"]+)"/
    .exec(news?.body.html ?? '')?.[1]
    .replace(/&amp;/g, '&');
  expect(link).toBeDefined();

  const page = await context.newPage();
  await page.goto(link!.replace(/^https?:\/\/[^/]+/, platform.baseUrl));
  await page.getByRole('heading', { name: 'Unsubscribe from updates' }).waitFor();
  await screenshot(page, 'shopper-unsubscribe');
  await page.getByRole('button', { name: 'Unsubscribe' }).click();
  await page.locator('[role="status"]').filter({ hasText: 'you are unsubscribed' }).waitFor();
  await screenshot(page, 'shopper-unsubscribed');
});
