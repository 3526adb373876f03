/**
 * The shopper's data rights on the status page (/status?id=…#token=…) in a real browser (Debian's Chromium
 * through playwright-core) against the whole local platform: with the link from their email, a shopper
 * downloads everything kept about them as a file, then deletes it after confirming; afterwards the page and
 * their link lead nowhere, and they can sign up again. Opened with the sign-up page's link, the page offers
 * no data buttons, says where the email link is, and can have it sent. Screenshots land in
 * test-results/shopper-data-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestPlatform } from '../support/platform';
import { emailLinkTokenFor, emailsTo, uniqueEmail, waitForEmails } from '../support/mailbox';
import { linkParts } from '../http/helpers';

type Platform = Awaited<ReturnType<typeof startTestPlatform>>;

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');
// A product name a marketer could type that must never become markup on a shopper's screen.
const HOSTILE_NAME = '<script>alert(1)</script> Apron';

let platform: Platform;
let browser: Browser;
let context: BrowserContext;
let dialogs: string[];
let pageErrors: string[];

function uniqueSku(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `shopper-data-${name}.png`), fullPage: true });
}

/** The API path behind a status link: GET /api/backorders/{id}?token=… */
function statusApiPath(statusUrl: string): string {
  const { id, token } = linkParts(statusUrl);
  return `/api/backorders/${id}?token=${encodeURIComponent(token)}`;
}

async function openStatusPage(statusUrl: string): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(statusUrl);
  return page;
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

beforeEach(async () => {
  dialogs = [];
  pageErrors = [];
  context = await browser.newContext({ viewport: { width: 390, height: 844 }, acceptDownloads: true });
});

afterEach(async () => {
  await context?.close();
});

test('a shopper downloads their data, then deletes it after confirming', async () => {
  const sku = uniqueSku('DATA');
  const otherSku = uniqueSku('DATA2');
  for (const [code, name] of [
    [sku, HOSTILE_NAME],
    [otherSku, 'Wool socks'],
  ]) {
    const saved = await platform.admin('PUT', `/api/admin/products/${code}`, {
      name,
      backorders: { enabled: true },
    });
    expect(saved.status).toBe(201);
  }
  const email = uniqueEmail('dora');
  const signup = await platform.request('POST', '/api/backorders', {
    json: { sku, email, name: 'Dora Data', company: 'Data & Daughters' },
  });
  expect(signup.status).toBe(201);
  const second = await platform.request('POST', '/api/backorders', { json: { sku: otherSku, email } });
  expect(second.status).toBe(201);
  // The link in the confirmation email: the kind that may download and delete.
  const emailToken = await emailLinkTokenFor(platform.sesUrl, email, signup.body.id);
  const statusUrl = `${platform.baseUrl}/status?id=${signup.body.id}#token=${encodeURIComponent(emailToken)}`;

  const page = await openStatusPage(statusUrl);
  await page.getByRole('heading', { level: 1, name: HOSTILE_NAME, exact: true }).waitFor();
  const yourData = page.getByRole('region', { name: 'Your data' });
  await screenshot(page, 'status');

  // ---- download: a JSON file with both backorders -------------------------------------------------------
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    yourData.getByRole('button', { name: 'Download my data' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`backorder-data-${signup.body.id}.json`);
  const file = JSON.parse(fs.readFileSync((await download.path())!, 'utf8'));
  expect(file.email).toBe(email);
  expect(file.backorders.map((b: { id: string }) => b.id)).toEqual([signup.body.id, second.body.id]);
  expect(file.backorders[0]).toMatchObject({ name: 'Dora Data', company: 'Data & Daughters' });
  expect(await yourData.getByRole('button', { name: 'Download my data' }).isEnabled()).toBe(true);

  // ---- delete: asked first; keeping changes nothing ------------------------------------------------------
  await yourData.getByRole('button', { name: 'Delete my data' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete all your data?' });
  await confirm.waitFor();
  expect(await confirm.textContent()).toContain('This cannot be undone');
  await screenshot(page, 'confirm-delete');
  await confirm.getByRole('button', { name: 'Keep my data' }).click();
  await confirm.waitFor({ state: 'hidden' });
  expect((await platform.request('GET', statusApiPath(statusUrl))).status).toBe(200);

  await yourData.getByRole('button', { name: 'Delete my data' }).click();
  await confirm.getByRole('button', { name: 'Yes, delete everything' }).click();
  const erased = page.getByRole('status').filter({ hasText: 'Your data has been deleted.' });
  await erased.waitFor();
  await page.getByRole('heading', { level: 1, name: 'Your data has been deleted' }).waitFor();
  expect(await page.locator('#backorder').isVisible()).toBe(false);
  await screenshot(page, 'deleted');

  // Both backorders are anonymous now, and the link leads nowhere.
  for (const code of [sku, otherSku]) {
    const { body } = await platform.admin('GET', `/api/admin/backorders?sku=${code}`);
    expect(body.items).toEqual([expect.objectContaining({ status: 'cancelled', email: '' })]);
  }
  expect((await platform.request('GET', statusApiPath(statusUrl))).status).toBe(404);
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Backorder not found' }).waitFor();

  // The same address can sign up again.
  const again = await platform.request('POST', '/api/backorders', { json: { sku, email } });
  expect(again.status).toBe(201);

  expect(dialogs).toEqual([]);
  expect(pageErrors).toEqual([]);
}, 60_000);

test("opened with the sign-up page's link, the page offers no data buttons and sends the email links on request", async () => {
  const sku = uniqueSku('PAGELINK');
  const saved = await platform.admin('PUT', `/api/admin/products/${sku}`, { name: 'Linen apron' });
  expect(saved.status).toBe(201);
  const email = uniqueEmail('pagelink');
  const signup = await platform.request('POST', '/api/backorders', { json: { sku, email } });
  expect(signup.status).toBe(201);
  await waitForEmails(platform.sesUrl, email);

  const page = await openStatusPage(String(signup.body.statusUrl));
  await page.getByRole('heading', { level: 1, name: 'Linen apron', exact: true }).waitFor();
  const yourData = page.getByRole('region', { name: 'Your data' });
  await yourData.getByText('open the link in an email we sent you').waitFor();
  expect(await yourData.getByRole('button', { name: 'Download my data' }).isVisible()).toBe(false);
  expect(await yourData.getByRole('button', { name: 'Delete my data' }).isVisible()).toBe(false);
  // Cancelling still works with this link.
  expect(await page.getByRole('button', { name: 'Cancel my backorder' }).isVisible()).toBe(true);
  // The token never sits in the page's query string, where logs and history would keep it.
  expect(new URL(page.url()).search).not.toContain('token');
  await screenshot(page, 'page-link');

  await yourData.getByRole('button', { name: 'Email me my links' }).click();
  await yourData.getByText(`We sent your links to ${email}`).waitFor();
  const links = (await waitForEmails(platform.sesUrl, email, 2)).find((m) =>
    m.subject.startsWith('Your backorder link'),
  );
  expect(links).toBeDefined();
  expect((await emailsTo(platform.sesUrl, email)).length).toBe(2);
  expect(pageErrors).toEqual([]);
}, 60_000);
