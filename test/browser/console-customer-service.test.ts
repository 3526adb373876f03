/**
 * Customer service in the console (/console/#/lookup) in a real browser (Debian's Chromium through
 * playwright-core) against the whole local platform: an agent finds a shopper by email, reads each
 * backorder's timeline (events with who did them, the emails sent and how they fared, webhook deliveries),
 * sends the shopper a fresh status link that works, and cancels on their behalf. Whatever the shopper typed
 * shows as text. Screenshots land in test-results/console-cs-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium, signInToConsole } from '../support/browser';
import { startTestPlatform } from '../support/platform';
import { emailsTo, uniqueEmail, waitForEmails } from '../support/mailbox';

type Platform = Awaited<ReturnType<typeof startTestPlatform>>;

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');
// What a shopper could type as their name: it must stay text in the console.
const HOSTILE_NAME = '<img src=x onerror="window.hacked=1"> Ida';

let platform: Platform;
let browser: Browser;
let context: BrowserContext;
let pageErrors: string[];

function uniqueSku(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `console-cs-${name}.png`), fullPage: true });
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

test('an agent finds a shopper, reads the timeline, resends the status link and cancels for them', async () => {
  const sku = uniqueSku('CS');
  expect(
    (
      await platform.admin('PUT', `/api/admin/products/${sku}`, {
        name: 'Linen apron',
        backorders: { enabled: true },
      })
    ).status,
  ).toBe(201);
  const shopper = uniqueEmail('ida');
  const signup = await platform.request('POST', '/api/backorders', {
    json: { sku, email: shopper, name: HOSTILE_NAME, quantity: 2 },
  });
  expect(signup.status).toBe(201);
  await waitForEmails(platform.sesUrl, shopper, 1);

  const page = await signInToConsole(browser, platform.baseUrl, platform.adminToken, {
    hash: '#/lookup',
    pageErrors,
  });
  context = page.context();
  await page.getByRole('heading', { level: 1, name: 'Shoppers and backorders' }).waitFor();

  // ---- find the shopper: the card shows the backorder and, once loaded, its whole timeline -------------
  await page.getByRole('textbox', { name: "Shopper's email" }).fill(shopper);
  await page.getByRole('button', { name: 'Search' }).click();
  await page
    .locator('#lookup-result')
    .filter({ hasText: `1 backorder for ${shopper}` })
    .waitFor();
  const card = page.locator('#lookup-backorders > li').first();
  const timeline = card.getByRole('list', { name: `Timeline of ${sku}` });
  await timeline.and(page.locator('[data-timeline="full"]')).waitFor();
  expect(await timeline.locator('li').allTextContents()).toEqual([
    expect.stringMatching(/Joined the waiting list by shopper$/),
    expect.stringMatching(/Confirmation email “You're on the list for Linen apron” Sent$/),
  ]);
  // The name is text, never markup.
  expect(await card.textContent()).toContain(HOSTILE_NAME);
  expect(await card.locator('img').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { hacked?: number }).hacked)).toBeUndefined();
  await screenshot(page, 'timeline');

  // ---- resend the status link: asked first, then sent, and the link in it works -------------------------
  await card.getByRole('button', { name: 'Resend status link' }).click();
  const dialog = page.getByRole('dialog', { name: 'Send a new status link?' });
  await dialog.waitFor();
  expect(await dialog.textContent()).toContain(shopper);
  await dialog.getByRole('button', { name: 'Send the link' }).click();
  await page
    .locator('#lookup-result')
    .filter({ hasText: `A new status link is on its way to ${shopper}` })
    .waitFor();

  const emails = await waitForEmails(platform.sesUrl, shopper, 2);
  const resent = emails.find((email) => email.subject === 'Your backorder link for Linen apron');
  expect(resent).toBeDefined();
  const link = /https?:\/\/\S+\/status\?id=\S+/.exec(resent!.body.text ?? '')![0];
  const statusPage = await context.newPage();
  await statusPage.goto(link.replace(/^https?:\/\/[^/]+/, platform.baseUrl));
  await statusPage.locator('[role="status"]').filter({ hasText: 'You are number 1 in the queue' }).waitFor();
  await statusPage.close();

  // The timeline shows it (it reloads itself a moment after the request: on a loaded machine, maybe while it
  // is still being recorded, so whether it says Sent is read after the cancel below has reloaded it again).
  await timeline.locator('li').filter({ hasText: 'Status link email' }).waitFor();

  // ---- cancel on the shopper's behalf: the timeline says who did it --------------------------------------
  await card.getByRole('button', { name: 'Cancel backorder' }).click();
  const confirm = page.getByRole('dialog', { name: 'Cancel this backorder?' });
  await confirm.getByRole('button', { name: 'Cancel backorder' }).click();
  await page.locator('#lookup-result').filter({ hasText: 'is cancelled' }).waitFor();
  const cancelled = page.locator('#lookup-backorders > li').first();
  expect(await cancelled.textContent()).toContain('Cancelled');
  await cancelled
    .getByRole('list', { name: `Timeline of ${sku}` })
    .locator('li')
    .filter({ hasText: 'Cancelled by admin@localhost' })
    .waitFor();
  expect(
    await cancelled
      .getByRole('list', { name: `Timeline of ${sku}` })
      .locator('li')
      .filter({ hasText: 'Status link email' })
      .textContent(),
  ).toMatch(/requested by admin@localhost Sent$/);
  expect(await cancelled.getByRole('button', { name: 'Cancel backorder' }).count()).toBe(0);
  // A cancelled backorder's shopper may still want their link.
  expect(await cancelled.getByRole('button', { name: 'Resend status link' }).count()).toBe(1);
  await screenshot(page, 'cancelled');

  expect((await emailsTo(platform.sesUrl, shopper)).length).toBe(2);
  expect(pageErrors).toEqual([]);
}, 90_000);
