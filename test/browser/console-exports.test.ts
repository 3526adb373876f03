/**
 * The console's "Export CSV" buttons in a real browser against the whole local platform: the Products list
 * saves products.csv, the Shoppers search saves its SKU's and status's backorders, each read back by a strict
 * RFC 4180 reader; and an export that breaks off midway (DynamoDB failing after the file began) is reported,
 * with no file saved. Screenshots land in test-results/console-exports-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { emulatorClients } from '../../local/platform';
import { batchWrite } from '../support/backorder-rows';
import { launchChromium, signInToConsole } from '../support/browser';
import { failListingReadsPast } from '../support/listing-fault';
import { parse as parseCsv } from '../support/csv-reader';
import { emulatorEndpoints, startTestPlatform, type TestPlatform } from '../support/platform';
import { newProduct, signUpShopper } from '../support/shop';
import { ticketedQueue } from '../support/ticketed-queue';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');

let platform: TestPlatform;
let documents: DynamoDBDocumentClient;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  platform = await startTestPlatform();
  documents = DynamoDBDocumentClient.from(emulatorClients(emulatorEndpoints()).dynamo);
  browser = await launchChromium();
  page = await signInToConsole(browser, platform.baseUrl, platform.adminToken, {
    acceptDownloads: true,
    pageErrors,
  });
  context = page.context();
  await page.getByRole('heading', { level: 1, name: 'Site settings' }).waitFor();
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await platform?.stop();
  documents?.destroy();
});

/** A screenshot of the page, or of its visible part where a long list would make it huge. */
const screenshot = (name: string, fullPage = true) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `console-exports-${name}.png`), fullPage });

const today = () => new Date().toISOString().slice(0, 10);

/** Searches the Shoppers section by SKU, as an agent does. */
const searchBySku = async (sku: string) => {
  await page.getByRole('link', { name: 'Shoppers' }).click();
  await page.getByRole('textbox', { name: 'SKU' }).fill(sku);
  await page.getByRole('button', { name: 'Search' }).click();
  await page
    .locator('#lookup-result')
    .filter({ hasText: `of ${sku}` })
    .waitFor();
};

test('Products and Shoppers each export their list as CSV, with the search as its filter', async () => {
  const sku = await newProduct(platform, 'UI-EXPORT', { name: 'Tee, "Classic"', stock: 0 });
  const first = await signUpShopper(platform, { sku, name: '=cmd|calc' });
  const second = await signUpShopper(platform, { sku, quantity: 2 });

  await page.getByRole('link', { name: 'Products' }).click();
  await page.getByRole('heading', { level: 1, name: 'Products' }).waitFor();
  const [products] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(products.suggestedFilename()).toBe(`products-${today()}.csv`);
  const productRows = parseCsv(fs.readFileSync((await products.path())!, 'utf8'));
  expect(productRows[0].slice(0, 2)).toEqual(['sku', 'name']);
  expect(productRows.find((row) => row[0] === sku)?.slice(0, 2)).toEqual([sku, 'Tee, "Classic"']);
  await page
    .locator('#products-result')
    .filter({ hasText: `Downloaded products-${today()}.csv` })
    .waitFor();
  await screenshot('products');

  await searchBySku(sku);
  const [backorders] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: `Export the backorders of ${sku} as CSV` }).click(),
  ]);
  expect(backorders.suggestedFilename()).toBe(`backorders-${sku}-${today()}.csv`);
  const rows = parseCsv(fs.readFileSync((await backorders.path())!, 'utf8'));
  expect(rows.slice(1).map((row) => [row[0], row[3], row[6], row[9]])).toEqual([
    [first.id, "'=cmd|calc", '1', '1'],
    [second.id, '', '2', '2'],
  ]);
  await page.locator('#lookup-result').filter({ hasText: 'Downloaded' }).waitFor();
  await screenshot('shoppers');

  // A shopper's own backorders (a search by email) are not an export: the button is not offered.
  await page.getByRole('textbox', { name: "Shopper's email" }).fill(first.email);
  await page.getByRole('textbox', { name: 'SKU' }).fill('');
  await page.getByRole('button', { name: 'Search' }).click();
  await page
    .locator('#lookup-result')
    .filter({ hasText: `for ${first.email}` })
    .waitFor();
  expect(await page.locator('#lookup-export').isHidden()).toBe(true);
  expect(pageErrors).toEqual([]);
}, 90_000);

test('an export that breaks off midway is reported and nothing is saved', async () => {
  const sku = await newProduct(platform, 'UI-EXPORT-CUT', { stock: 0 });
  const queue = ticketedQueue(sku, 1_500, { label: `cut-${sku}` });
  await batchWrite(documents, platform.tableNames.queues, queue.queueItems);
  await batchWrite(
    documents,
    platform.tableNames.backorders,
    queue.rows(0, queue.depth).map((backorder) => backorder.row),
  );
  // DynamoDB fails once the file is under way: any read continuing a shard past the first few hundred rows.
  const cutAfter = String(queue.rows(600, 601)[0].row.queueKey);
  const fault = failListingReadsPast(cutAfter);
  try {
    await searchBySku(sku);
    let downloaded = false;
    page.on('download', () => (downloaded = true));
    await page.getByRole('button', { name: `Export the backorders of ${sku} as CSV` }).click();
    await page.locator('#lookup-result').filter({ hasText: 'The export did not complete' }).waitFor();
    await page.locator('#lookup-result').scrollIntoViewIfNeeded();
    await screenshot('cut-short', false);
    expect(downloaded).toBe(false);
  } finally {
    fault.remove();
  }
  expect(pageErrors).toEqual([]);
}, 90_000);
