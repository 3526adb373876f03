/**
 * The console's Dashboard in a real browser against the whole local platform: after shoppers sign up, one
 * cancels after a nurture email, a restock serves another and customer service fulfils it, a marketer opens
 * the dashboard and sees per product the waiting, allocated, fulfilled and cancelled backorders, units
 * waiting, the median wait and the share cancelled while waiting; the email figures; per nurture step what
 * was sent and the cancellations after it; the two charts (named SVG images with their numbers in tables
 * below). A product name that looks like markup is shown as text. Screenshots land in
 * test-results/console-dashboard-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium, signInToConsole } from '../support/browser';
import { uniqueEmail, waitForEmails } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { useSingleOptIn } from '../support/settings';
import { linkParts } from '../http/helpers';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const SKU = `DASH-${Date.now().toString(36)}`.toUpperCase();
const NAME = 'Dash <img src=x onerror="window.__pwned=1"> tee';

let platform: TestPlatform;
let browser: Browser;
let context: BrowserContext | undefined;
const pageErrors: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  platform = await startTestPlatform();
  // Consent counts at once (a shop's choice): the dashboard's nurture figures need steps sent.
  await useSingleOptIn(platform);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await platform?.stop();
});

const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `console-dashboard-${name}.png`), fullPage: true });

const signUp = async (quantity: number, label: string, marketingConsent: boolean) => {
  const email = uniqueEmail(label);
  const response = await platform.request('POST', '/api/backorders', {
    json: { sku: SKU, email, quantity, marketingConsent },
  });
  expect(response.status).toBe(201);
  return {
    id: response.body.id as string,
    email,
    token: linkParts(response.body.statusUrl).token,
  };
};

const openDashboard = async (viewport: { width: number; height: number }) => {
  await context?.close();
  const page = await signInToConsole(browser, platform.baseUrl, platform.adminToken, {
    viewport,
    pageErrors,
  });
  context = page.context();
  await page.getByRole('heading', { level: 1, name: 'Site settings' }).waitFor();
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await page.locator('#dashboard-result').filter({ hasText: 'Figures as of' }).waitFor();
  return page;
};

test('a marketer sees how backorders go: per product, email, nurture steps, and two charts', async () => {
  expect(
    (
      await platform.admin('PUT', `/api/admin/products/${SKU}`, {
        name: NAME,
        backorders: { enabled: true, maxPerCustomer: 5 },
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await platform.admin('PUT', '/api/admin/campaigns/dash-welcome', {
        name: 'Welcome <b>series</b>',
        active: true,
        audience: { skus: [SKU] },
        steps: [
          { id: 'hello', delay: 'PT0S', subject: 'Still on it, {{ shopper.name }}', html: '<p>Soon</p>' },
        ],
      })
    ).status,
  ).toBe(201);

  const ann = await signUp(2, 'dash-ann', true);
  const bob = await signUp(1, 'dash-bob', true);
  await signUp(3, 'dash-cy', false);
  // Ann and Bob get the nurture step; then Bob cancels (after that step), and 2 units serve Ann.
  await waitForEmails(platform.sesUrl, ann.email, 2, 20_000);
  await waitForEmails(platform.sesUrl, bob.email, 2, 20_000);
  await new Promise((r) => setTimeout(r, 1000));
  expect(
    (
      await platform.request(
        'POST',
        `/api/backorders/${bob.id}/cancel?token=${encodeURIComponent(bob.token)}`,
      )
    ).status,
  ).toBe(200);
  expect((await platform.admin('POST', '/api/admin/inventory', { sku: SKU, available: 2 })).status).toBe(202);
  const deadline = Date.now() + 20_000;
  while (
    (await platform.admin('GET', `/api/admin/backorders?sku=${SKU}&status=allocated`)).body.items.length < 1
  ) {
    if (Date.now() > deadline) throw new Error('the restock did not allocate');
    await new Promise((r) => setTimeout(r, 200));
  }

  const page = await openDashboard(DESKTOP);

  // ---- per product ------------------------------------------------------------------------------------
  const row = page.locator(`#dashboard-products tr[data-sku="${SKU}"]`);
  await row.waitFor();
  const cells = async () =>
    Object.fromEntries(
      await row
        .locator('td')
        .evaluateAll((tds) => tds.map((td) => [(td as HTMLElement).dataset.label, td.textContent?.trim()])),
    );
  expect(await cells()).toEqual({
    Waiting: '1',
    Allocated: '1',
    Fulfilled: '0',
    Cancelled: '1',
    'Units waiting': '3',
    'Median wait': expect.stringMatching(/^\d+ (s|min)$/),
    'Cancelled while waiting': '33.3%',
    // No expected date changed: nobody told, nobody asked.
    'Date changes': '0',
    'Kept after slip': '0',
    'Cancelled after slip': '0',
  });
  // The product's name is text, not markup: no image was injected, nothing ran.
  expect(await row.locator('th').textContent()).toContain(NAME);
  expect(await page.locator('#view-dashboard img').count()).toBe(0);
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();

  // ---- the waiting-units chart: a named image, its numbers in a table ----------------------------------
  const waitingChart = page.locator('#dashboard-waiting svg[role="img"]');
  await waitingChart.waitFor();
  expect(
    await page.getByRole('img', { name: /Units waiting at the end of each day, last 30 days/ }).count(),
  ).toBe(1);
  expect(await waitingChart.locator('desc').textContent()).toContain(`${NAME}:`);
  expect(await waitingChart.locator('polyline').count()).toBe(1);
  expect(await page.locator('#dashboard-waiting .chart-legend').textContent()).toContain(`${NAME} (${SKU})`);
  await page.getByText('Show the numbers').click();
  const numbers = page.locator('#dashboard-waiting details table');
  expect(await numbers.locator('tbody tr').count()).toBe(30);
  // Today: Ann (2) and Bob (1) and Cy (3) joined, Bob left and Ann was served: 3 units wait.
  expect(await numbers.locator('tbody tr').last().locator('td').textContent()).toBe('3');

  // ---- email --------------------------------------------------------------------------------------------
  const figure = (term: string) =>
    page
      .locator('#dashboard-emails dl > div')
      .filter({ has: page.locator('dt', { hasText: term }) })
      .locator('dd .figure');
  expect(Number(await figure('Sent').textContent())).toBeGreaterThanOrEqual(5); // 3 confirmations, 2 nurture
  expect(await figure('Unsubscribed').textContent()).toBe('0');
  expect(await figure('Bounced').textContent()).toBe('0');

  // ---- nurture steps: the bars and the table -------------------------------------------------------------
  const stepsChart = page.getByRole('img', { name: /Cancellations after each nurture step/ });
  expect(await stepsChart.count()).toBe(1);
  expect(await stepsChart.locator('desc').textContent()).toContain(
    'Welcome <b>series</b> · step 1: 1 cancelled after it, of 2 sent.',
  );
  const stepRow = page.locator('#dashboard-steps tr[data-campaign-id="dash-welcome"][data-step-id="hello"]');
  expect(await stepRow.locator('th').textContent()).toBe('Welcome <b>series</b> · step 1');
  expect(await stepRow.locator('td[data-label="Subject"]').textContent()).toBe(
    'Still on it, {{ shopper.name }}',
  );
  expect(await stepRow.locator('td[data-label="Sent"]').textContent()).toBe('2');
  expect(await stepRow.locator('td[data-label="Cancelled after"]').textContent()).toBe('1');
  expect(await page.locator('#view-dashboard b').count()).toBe(0);
  await screenshot(page, 'desktop');

  // ---- the period: last 7 days, kept in the address -------------------------------------------------------
  await page.getByLabel('Period').selectOption('7');
  await page.getByRole('img', { name: /last 7 days/ }).waitFor();
  expect(page.url()).toContain('#/dashboard?days=7');
  expect(await page.locator('#dashboard-waiting details table tbody tr').count()).toBe(7);

  // ---- on a phone: tables become cards, charts scale -------------------------------------------------------
  const phone = await openDashboard(PHONE);
  await phone.locator(`#dashboard-products tr[data-sku="${SKU}"]`).waitFor();
  const chartBox = await phone.locator('#dashboard-waiting svg').boundingBox();
  expect(chartBox!.width).toBeLessThanOrEqual(PHONE.width);
  await screenshot(phone, 'phone');

  expect(pageErrors).toEqual([]);
}, 120_000);
