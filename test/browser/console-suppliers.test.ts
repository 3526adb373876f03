/**
 * The console's Suppliers section in a real browser against the whole local platform: a marketer adds a
 * supplier (a bad email is refused next to its field; names show as text, never markup), links a product to
 * it in the product editor, sends a batch now, sees its lines, and downloads its CSV, which a strict RFC 4180
 * reader reads back, quotes, commas and non-ASCII included. The supplier gets the email with the same file.
 * Screenshots land in test-results/console-suppliers-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { emulatorClients } from '../../local/platform';
import { launchChromium, signInToConsole } from '../support/browser';
import { uniqueEmail, waitForEmails } from '../support/mailbox';
import { emulatorEndpoints, startTestPlatform, type TestPlatform } from '../support/platform';
import { batchWrite, waitingBackorders } from '../support/backorder-rows';
import { parse as parseCsv } from '../support/csv-reader';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');
const SKU = 'CONSOLE-SUPPLY-1';
const PRODUCT_NAME = 'Café "Crème", grande — 日本';
const SUPPLIER_NAME = 'Acme <b>Textiles</b> & Co';

let platform: TestPlatform;
let dynamo: DynamoDBDocumentClient;
let browser: Browser;
let context: BrowserContext;
const pageErrors: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  platform = await startTestPlatform();
  dynamo = DynamoDBDocumentClient.from(emulatorClients(emulatorEndpoints()).dynamo);
  browser = await launchChromium();
  await platform.admin('PUT', `/api/admin/products/${SKU}`, {
    name: PRODUCT_NAME,
    backorders: { enabled: true },
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await platform?.stop();
  dynamo?.destroy();
});

const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `console-suppliers-${name}.png`), fullPage: true });

test('a marketer adds a supplier, links a product, sends a batch now and downloads its CSV', async () => {
  const supplierEmail = uniqueEmail('acme');
  const page = await signInToConsole(browser, platform.baseUrl, platform.adminToken, {
    acceptDownloads: true,
    pageErrors,
  });
  context = page.context();
  await page.getByRole('heading', { level: 1, name: 'Site settings' }).waitFor();

  // ---- a new supplier: a bad address is refused next to its field, then it is saved ---------------------
  await page.getByRole('link', { name: 'Suppliers' }).click();
  await page.getByRole('heading', { level: 1, name: 'Suppliers' }).waitFor();
  await page.locator('#suppliers-result').filter({ hasText: 'No suppliers yet' }).waitFor();
  await page.getByRole('link', { name: 'New supplier' }).click();
  await page.getByRole('heading', { level: 1, name: 'New supplier' }).waitFor();
  await page.getByRole('textbox', { name: 'Supplier id' }).fill('acme');
  await page.getByRole('textbox', { name: 'Name' }).fill(SUPPLIER_NAME);
  const email = page.getByRole('textbox', { name: 'Email for batches' });
  await email.fill('orders at acme');
  expect(await page.getByRole('radio', { name: 'Every week' }).isChecked()).toBe(true);
  await page.getByRole('combobox', { name: 'Day' }).selectOption('TUE');
  await page.getByRole('combobox', { name: 'At (UTC)' }).selectOption({ label: '07:00' });
  await page.getByRole('spinbutton', { name: 'Minimum units' }).fill('5');
  await page.getByRole('button', { name: 'Save supplier' }).click();
  await page.locator('#supplier-email-error').filter({ hasText: 'valid email' }).waitFor();
  expect(await email.getAttribute('aria-invalid')).toBe('true');
  await screenshot(page, 'editor-error');

  // A daily batch has no day to choose.
  await page.getByRole('radio', { name: 'Every day' }).check();
  expect(await page.getByRole('combobox', { name: 'Day' }).isVisible()).toBe(false);
  await page.getByRole('radio', { name: 'Every week' }).check();

  await email.fill(supplierEmail);
  await page.getByRole('button', { name: 'Save supplier' }).click();
  await page.locator('#suppliers-result').filter({ hasText: 'created.' }).waitFor();
  const card = page.locator('[data-supplier-id="acme"]');
  expect(await card.getByRole('heading', { level: 2 }).textContent()).toBe(SUPPLIER_NAME);
  expect(await card.locator('b').count()).toBe(0); // text, never markup
  const cardText = await card.textContent();
  expect(cardText).toContain('Every Tuesday at 07:00 UTC, when at least 5 units are waiting');
  expect(cardText).toContain('None yet');
  const saved = await platform.admin('GET', '/api/admin/suppliers/acme');
  expect(saved.body).toMatchObject({
    email: supplierEmail,
    batch: { every: 'week', day: 'TUE', hour: 7, minUnits: 5 },
  });

  // ---- the product editor links the product to the supplier --------------------------------------------
  await page.getByRole('link', { name: 'Products' }).click();
  await page.getByRole('heading', { level: 1, name: 'Products' }).waitFor();
  await page.getByRole('link', { name: `Edit ${SKU}` }).click();
  await page.getByRole('heading', { level: 1, name: `Edit ${SKU}` }).waitFor();
  const supplierChoice = page.getByRole('combobox', { name: 'Supplier' });
  expect(await supplierChoice.inputValue()).toBe('');
  await supplierChoice.selectOption({ label: `${SUPPLIER_NAME} (acme)` });
  await page.getByRole('button', { name: 'Save product' }).click();
  await page
    .locator('#products-result')
    .filter({ hasText: `Product ${SKU} saved.` })
    .waitFor();
  expect((await platform.admin('GET', `/api/admin/products/${SKU}`)).body.supplierId).toBe('acme');

  // Shoppers backordered it a few minutes ago (rows written as signups write them).
  const rows = waitingBackorders(SKU, [1, 2], { label: 'supplied', endMs: Date.now() - 5 * 60_000 });
  await batchWrite(
    dynamo,
    platform.tableNames.backorders,
    rows.map((r) => r.row),
  );

  // ---- the supplier's batches: none yet, then one sent now ----------------------------------------------
  await page.getByRole('link', { name: 'Suppliers' }).click();
  await card.waitFor();
  expect(await card.textContent()).toContain(SKU);
  await card.getByRole('link', { name: 'Batches' }).click();
  await page.getByRole('heading', { level: 1, name: `Batches for ${SUPPLIER_NAME}` }).waitFor();
  await page.locator('#supplier-batches-result').filter({ hasText: 'No batches yet' }).waitFor();
  await page.getByRole('button', { name: 'Send batch now' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Send batch now' }).click();
  await page
    .locator('#supplier-batches-result')
    .filter({ hasText: `Batch sent to ${supplierEmail}: 3 units of 1 product.` })
    .waitFor();
  const batchCard = page.locator('#supplier-batches > li').first();
  const line = batchCard.locator('tbody tr').first();
  expect(await line.locator('th').textContent()).toBe(SKU);
  expect(await line.textContent()).toContain(PRODUCT_NAME);
  expect(await line.locator('td').nth(1).textContent()).toBe('3');
  expect(await batchCard.textContent()).toContain('Sent on demand');
  await screenshot(page, 'batches');

  // ---- the CSV download is the file the supplier got ------------------------------------------------------
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    batchCard.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^backorders-acme-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  expect(parseCsv(csv)).toEqual([
    ['sku', 'name', 'units', 'backorders', 'oldest'],
    [SKU, PRODUCT_NAME, '3', '2', String(rows[0].row.createdAt)],
  ]);
  await page.locator('#supplier-batches-result').filter({ hasText: 'Downloaded' }).waitFor();

  const [mail] = await waitForEmails(platform.sesUrl, supplierEmail, 1);
  expect(mail.subject).toBe(`Backorders for ${SUPPLIER_NAME}: 3 units of 1 product`);
  expect(Buffer.from(mail.attachments?.[0]?.content ?? '', 'base64').toString('utf8')).toBe(csv);

  // Once the email is out, the console says so.
  await page.getByRole('link', { name: 'Back to suppliers' }).click();
  await card.getByRole('link', { name: 'Batches' }).click();
  await page.locator('#supplier-batches > li').first().filter({ hasText: 'Email sent' }).waitFor();
  expect(pageErrors).toEqual([]);
}, 90_000);
