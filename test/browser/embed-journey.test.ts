/**
 * A German shopper's whole journey through a shop's own page (issue 14's "how to show it"): a product page
 * on the shop's origin embeds the form in German; the shopper signs up there; the confirmation email is
 * German; its link opens the status page in German although the browser is English. (The same page on an
 * origin the shop did not list, refused by the browser with nothing stored: embed.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { statusLinksIn, uniqueEmail, waitForEmails } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { allowEmbedOrigins } from '../support/settings';
import { newProduct } from '../support/shop';
import { shopProductPage, startShopSite, type ShopSite } from '../support/shop-site';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');

let platform: TestPlatform;
let browser: Browser;
let context: BrowserContext;
let shop: ShopSite;

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  platform = await startTestPlatform();
  shop = await startShopSite();
  await allowEmbedOrigins(platform, [shop.origin]);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await platform?.stop();
});

beforeEach(async () => {
  // An English browser: the German comes from the shop's page, then from the backorder.
  context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
});
afterEach(async () => context?.close());

const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `embed-journey-${name}.png`), fullPage: true });

const backordersOf = async (email: string) =>
  (await platform.admin('GET', `/api/admin/backorders?email=${encodeURIComponent(email)}`)).body
    .items as any[];

test('a shopper signs up in German on the shop page, and the email and status page follow in German', async () => {
  const sku = await newProduct(platform, 'EMBED-DE', {
    name: 'Leinenhemd',
    expectedRestockDate: '2030-03-01',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(shop.page(shopProductPage(platform.baseUrl, `<backorder-form sku="${sku}" locale="de">`)));
  const form = page.locator('backorder-form');
  await form.getByText('Leinenhemd', { exact: true }).waitFor();
  await form.getByText(/1\. März 2030/).waitFor();

  const email = uniqueEmail('embed-de');
  await form.getByLabel('E-Mail-Adresse').fill(email);
  await form.getByRole('button', { name: /Warteliste/ }).click();
  const status = form.getByRole('status');
  await status.getByRole('link').waitFor();
  expect(await status.textContent()).toMatch(/Nummer 1/);
  await screenshot(page, 'signed-up-de');

  const [stored] = await backordersOf(email);
  expect(stored).toMatchObject({ sku, locale: 'de', status: 'waiting' });

  const [confirmation] = await waitForEmails(platform.sesUrl, email, 1);
  expect(confirmation.subject).toBe('Sie stehen auf der Liste für Leinenhemd');
  expect(confirmation.body.text).toContain('Sie sind Nummer 1 in der Warteschlange');
  expect(confirmation.body.text).toContain('1. März 2030');

  // The email's link, in an English browser: the page speaks the backorder's language.
  const [link] = statusLinksIn(confirmation);
  const statusPage = await context.newPage();
  await statusPage.goto(link);
  await statusPage.getByText('Leinenhemd').first().waitFor();
  expect(await statusPage.locator('html').getAttribute('lang')).toBe('de');
  await statusPage
    .getByText(/Nummer 1/)
    .first()
    .waitFor();
  await screenshot(statusPage, 'status-de');
});
