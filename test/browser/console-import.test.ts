/**
 * The console's CSV import in a real browser against the whole local platform: a marketer picks a file in
 * Products → Import CSV, watches it finish, reads the line that was not imported in the table, and finds the
 * new products in the list; a file without a name column is refused at the file field, nothing imported.
 * Screenshots land in test-results/console-import-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium, signInToConsole } from '../support/browser';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { uniqueSku } from '../support/shop';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');

let platform: TestPlatform;
let browser: Browser;
let context: BrowserContext;
const pageErrors: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  platform = await startTestPlatform();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await platform?.stop();
});

const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `console-import-${name}.png`), fullPage: true });

const chooseFile = (page: Page, name: string, text: string) =>
  page.getByLabel('A CSV file of products').setInputFiles({
    name,
    mimeType: 'text/csv',
    buffer: Buffer.from(text),
  });

test('a marketer imports a CSV file and reads what was not imported', async () => {
  const [tee, mug] = [uniqueSku('ui-tee'), uniqueSku('ui-mug')];
  const page = await signInToConsole(browser, platform.baseUrl, platform.adminToken, {
    timeoutMs: 15_000,
    pageErrors,
  });
  context = page.context();
  await page.getByRole('heading', { level: 1, name: 'Site settings' }).waitFor();
  await page.getByRole('link', { name: 'Products' }).click();
  await page.getByRole('heading', { level: 1, name: 'Products' }).waitFor();

  await page.getByText('Import CSV').click();
  // A file without a name column: refused whole, said at the file.
  await chooseFile(page, 'no-name.csv', `sku,stock\n${tee},1\n`);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByText('The file has no name column').waitFor();
  await screenshot(page, 'refused');

  // Semicolons and a BOM, as a spreadsheet in a comma-decimal locale saves it; line 3 is bad.
  await chooseFile(page, 'products.csv', `\uFEFFsku;name;stock\r\n${tee};Tee;4\r\n${mug};Mug;many\r\n`);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByText('Import done. 2 rows: 1 created, 0 updated, 0 unchanged, 1 not imported.').waitFor();
  const table = page.getByRole('table', { name: 'Rows not imported' });
  await table.getByRole('row', { name: /3 stock: must be a whole number of 0 or more/ }).waitFor();
  expect(await page.locator('#product-import-progress').evaluate((p: HTMLProgressElement) => p.value)).toBe(
    2,
  );
  // The list shows what the import added.
  await page.getByRole('row', { name: new RegExp(tee) }).waitFor();
  await screenshot(page, 'done');

  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'done-narrow');
  expect(pageErrors).toEqual([]);
});
