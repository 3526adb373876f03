/**
 * From restock alert to order in a real browser against the whole local platform and a shop of its own
 * (another local origin): the alert email's "Complete your order" lands the shopper on the shop's checkout
 * with the SKU, quantity and claim code filled in; the shop, as a machine with an API key, verifies the claim
 * and fulfils the backorder with its order and amount; the shopper's status page then says "Ordered"; and
 * the console's dashboard counts one alert, one click (the status page's own "Complete your order" opened
 * too is the same shopper), one order after the alert and the revenue. Screenshots land in
 * test-results/claim-journey-*.png.
 */
import { randomUUID } from 'node:crypto';
import { type Browser, type Page } from 'playwright-core';
import { journeyPages, launchChromium, signInToConsole } from '../support/browser';
import { emailsTo, type StoredEmail } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { postInventory, signUpShopper, uniqueSku } from '../support/shop';
import { startShopSite, type ShopSite } from '../support/shop-site';

const DAY = 24 * 3_600_000;

let platform: TestPlatform;
let shop: ShopSite;
let browser: Browser;
const journey = journeyPages('claim-journey');
const { pageErrors, screenshot } = journey;

beforeAll(async () => {
  [platform, shop, browser] = await Promise.all([startTestPlatform(), startShopSite(), launchChromium()]);
  // The shop's checkout takes the three placeholders in its query; units are held for a day. Consent counts
  // at once (PUT replaces the whole document: the current one is sent back changed).
  const current = await platform.admin('GET', '/api/admin/settings');
  const saved = await platform.admin('PUT', '/api/admin/settings', {
    ...current.body,
    doubleOptIn: false,
    checkout: { url: `${shop.checkoutUrl}?sku={sku}&qty={quantity}&claim={claim}`, hold: 'P1D' },
  });
  expect(saved.status).toBe(200);
}, 60_000);

afterAll(async () => {
  await journey.close();
  await browser?.close();
  await shop?.close();
  await platform?.stop();
});

const newPage = (): Promise<Page> => journey.newPage(browser);

/** Waits for the email to the address whose HTML part contains `text`. */
const waitForEmailWith = async (address: string, text: string): Promise<StoredEmail> => {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = (await emailsTo(platform.sesUrl, address)).find((email) => email.body.html?.includes(text));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`No email with "${text}" reached ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** The claim link (`/r/{id}?token=…`) of an email, from its HTML part and its text part (which must agree). */
const claimLinkIn = (email: StoredEmail): string => {
  const fromHtml = /href="([^"]*\/r\/[^"]+)"/.exec(email.body.html ?? '')?.[1]?.replace(/&amp;/g, '&');
  const fromText = /(https?:\/\/\S+\/r\/\S+)/.exec(email.body.text ?? '')?.[1];
  expect(fromHtml).toBeDefined();
  expect(fromText).toBe(fromHtml);
  return fromHtml!;
};

/** A page at the shop's checkout (any query). */
const atCheckout = (url: URL): boolean => url.href.startsWith(`${shop.checkoutUrl}?`);

/** What the shop's checkout page shows it was asked to sell. */
const checkoutShows = async (page: Page) => {
  await page.locator('[data-test="checkout"]').waitFor();
  return {
    sku: await page.locator('[data-test="sku"]').textContent(),
    qty: await page.locator('[data-test="qty"]').textContent(),
    claim: await page.locator('[data-test="claim"]').textContent(),
  };
};

/** The shop's own server calling the platform with its API key, as its checkout does. */
const asShop = async (key: string, method: string, route: string, json?: unknown) => {
  const response = await fetch(`${platform.baseUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: response.status, body: (await response.json()) as any };
};

test('alert email → "Complete your order" → the shop\'s checkout → verified and fulfilled with an API key → "Ordered", and the dashboard counts it', async () => {
  const sku = uniqueSku('CLAIM');
  const product = await platform.admin('PUT', `/api/admin/products/${sku}`, {
    name: 'Linen apron',
    stock: 0,
    backorders: { enabled: true },
  });
  expect(product.status).toBe(201);
  const ada = await signUpShopper(platform, { sku, label: 'claim.ada', quantity: 2, name: 'Ada' });

  // ---- the restock, and its alert with the claim link ------------------------------------------------
  const restockedAt = Date.now();
  const restocked = await postInventory(platform, { eventId: `erp-${randomUUID()}`, sku, available: 2 });
  expect(restocked.status).toBe(202);
  const alert = await waitForEmailWith(ada.email, 'Complete your order');
  const claimUrl = claimLinkIn(alert);
  expect(claimUrl.startsWith(`${platform.baseUrl}/r/${ada.id}?token=`)).toBe(true);

  // The shopper opens the email and presses its button: the platform sends them on to the shop's checkout.
  const inbox = await newPage();
  await inbox.setContent(alert.body.html!);
  await screenshot(inbox, 'email-alert');
  const button = inbox.getByRole('link', { name: 'Complete your order' });
  expect(await button.getAttribute('href')).toBe(claimUrl);
  await Promise.all([inbox.waitForURL(atCheckout), button.click()]);
  const landed = await checkoutShows(inbox);
  expect(landed.sku).toBe(sku);
  expect(landed.qty).toBe('2');
  expect(landed.claim).toMatch(new RegExp(`^${ada.id}-[A-Za-z0-9_-]{22}$`));
  const claim = landed.claim!;
  expect(new URL(inbox.url()).searchParams.get('claim')).toBe(claim);
  await screenshot(inbox, 'checkout');

  // ---- before the order: the status page offers the same way to the checkout, and says until when -------
  const status = await newPage();
  await status.goto(ada.statusUrl);
  await status.locator('#status-word').filter({ hasText: 'Reserved for you' }).waitFor();
  const completeOrder = status.locator('[data-test="complete-order"]');
  expect(await completeOrder.isVisible()).toBe(true);
  expect(await status.locator('[data-test="hold-until"]').textContent()).toMatch(/^Held for you until .+/);
  const holdUntil = await status.locator('[data-test="hold-until"] time').getAttribute('datetime');
  // A day's hold from the restock (give or take the time the allocation took).
  expect(Math.abs(Date.parse(holdUntil!) - (restockedAt + DAY))).toBeLessThan(60_000);
  await screenshot(status, 'status-held');
  // Opened from the status page too: the same checkout, the same claim; still one shopper who clicked.
  await Promise.all([status.waitForURL(atCheckout), completeOrder.click()]);
  expect(await checkoutShows(status)).toEqual(landed);

  // ---- the shop's server verifies the claim and fulfils, with an API key -----------------------------
  const made = await platform.admin('POST', '/api/admin/api-keys', {
    name: 'Corner Shop checkout',
    scopes: ['backorders:read', 'backorders:write'],
  });
  expect(made.status).toBe(201);
  const key = made.body.key as string;
  const verified = await asShop(key, 'POST', '/api/admin/claims/verify', { claim });
  expect(verified.status).toBe(200);
  expect(verified.body).toEqual({
    backorderId: ada.id,
    sku,
    quantity: 2,
    holdUntil,
    status: 'allocated',
  });
  const fulfilled = await asShop(key, 'POST', `/api/admin/backorders/${ada.id}/fulfil`, {
    orderId: 'SHOP-42',
    amount: { value: 5998, currency: 'EUR' },
  });
  expect(fulfilled.status).toBe(200);
  expect(fulfilled.body).toMatchObject({
    id: ada.id,
    status: 'fulfilled',
    holdUntil: null,
    order: { id: 'SHOP-42', amount: { value: 5998, currency: 'EUR' } },
  });
  // The claim now tells the shop the units are sold.
  expect((await asShop(key, 'POST', '/api/admin/claims/verify', { claim })).body.status).toBe('fulfilled');

  // ---- the shopper's status page: ordered, nothing left to complete ----------------------------------
  await status.goto(ada.statusUrl);
  await status.locator('#status-word').filter({ hasText: 'Ordered' }).waitFor();
  expect(await status.locator('#status-word').textContent()).toBe('Ordered');
  expect(await status.locator('#state').textContent()).toContain(
    'Ordered: the shop has confirmed your order.',
  );
  expect(await status.locator('[data-test="complete-order"]').isVisible()).toBe(false);
  expect(await status.locator('[data-test="hold-until"]').isVisible()).toBe(false);
  expect(await status.locator('#timeline').textContent()).toContain('You opened the shop’s checkout');
  await screenshot(status, 'status-ordered');
  // The alert's link, opened again now, leads to the status page instead of the checkout.
  await Promise.all([inbox.waitForURL(/\/status\?id=/), inbox.goto(claimUrl)]);
  await inbox.locator('#status-word').filter({ hasText: 'Ordered' }).waitFor();

  // ---- the dashboard: one alert, one click, one order after it, €59.98 -------------------------------
  const consolePage = await signInToConsole(browser, platform.baseUrl, platform.adminToken, {
    viewport: { width: 1280, height: 900 },
    pageErrors,
  });
  try {
    await consolePage.getByRole('heading', { level: 1, name: 'Site settings' }).waitFor();
    await consolePage.getByRole('link', { name: 'Dashboard' }).click();
    await consolePage.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await consolePage.locator('#dashboard-result').filter({ hasText: 'Figures as of' }).waitFor();
    const row = consolePage.locator(`#funnel-table tbody tr[data-sku="${sku}"]`);
    await row.waitFor();
    const cell = async (label: string) =>
      (await row.locator(`td[data-label="${label}"]`).textContent())?.trim();
    expect(await row.locator('th').textContent()).toContain('Linen apron');
    expect(await cell('Alerts sent')).toBe('1');
    expect(await cell('Clicked')).toBe('1');
    expect(await cell('Ordered after alert')).toBe('1');
    expect(await cell('Conversion')).toBe('100%');
    expect(await cell('Holds expired')).toBe('0');
    expect(await cell('Revenue')).toContain('59.98');
    expect(await cell('Revenue')).toContain('€');
    expect(await cell('Paid orders')).toBe('0');
    await row.scrollIntoViewIfNeeded();
    await screenshot(consolePage, 'dashboard');
  } finally {
    await consolePage.context().close();
  }

  expect(pageErrors).toEqual([]);
}, 120_000);
