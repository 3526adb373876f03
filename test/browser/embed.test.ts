/**
 * The storefront embed in a real browser (docs/embed.md): a shop's own page, served from another origin by a
 * tiny server here, loads /embed.js from the platform and shows <backorder-form>. A shopper signs up through
 * it on an origin the shop allowed (settings `embed.allowedOrigins`); on any other origin the browser refuses
 * the API's answers and nothing is stored. The shop's own CSS cannot break the form; it speaks the language
 * it is given; closed products and the API's validation errors read as on the landing page.
 * Screenshots at 390 px and 1280 px land in test-results/embed-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { uniqueEmail, waitForEmails } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { allowEmbedOrigins } from '../support/settings';
import { newProduct, putProduct, uniqueSku } from '../support/shop';
import { shopProductPage, startShopSite, type ShopSite } from '../support/shop-site';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');

let platform: TestPlatform;
let browser: Browser;
let context: BrowserContext;
/** The shop whose origin is allowed, and a stranger's whose is not. */
let shop: ShopSite;
let stranger: ShopSite;
let consoleErrors: string[];
let pageErrors: string[];

/** A shop's product page with the two lines a shop pastes, and its own CSS. */
const shopPage = (element: string, css = '') => shopProductPage(platform.baseUrl, element, css);

const open = async (url: string): Promise<{ page: Page; form: Locator }> => {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(url);
  return { page, form: page.locator('backorder-form') };
};

const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `embed-${name}.png`), fullPage: true });

/** How far the page, and the form inside its shadow root, reach past the screen's width (0 when they do not). */
const overflow = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('backorder-form')?.shadowRoot?.querySelector('.root');
    const past = (root?.getBoundingClientRect().right ?? 0) - document.documentElement.clientWidth;
    return {
      page: Math.max(0, document.documentElement.scrollWidth - window.innerWidth),
      form: Math.max(0, past, (root?.scrollWidth ?? 0) - (root?.clientWidth ?? 0)),
    };
  });

/** The console's backorder lookup, by `email=…` or `sku=…`. */
const backordersOf = async (query: string) => {
  const response = await platform.admin('GET', `/api/admin/backorders?${query}`);
  expect(response.status).toBe(200);
  return response.body.items as any[];
};

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  platform = await startTestPlatform();
  [shop, stranger] = await Promise.all([startShopSite(), startShopSite()]);
  // Before any public call: the public function reads the list at most every 30 s.
  await allowEmbedOrigins(platform, [shop.origin]);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([shop?.close(), stranger?.close()]);
  await platform?.stop();
});

beforeEach(async () => {
  consoleErrors = [];
  pageErrors = [];
  // A phone first: shops' product pages are mostly read on one.
  context = await browser.newContext({ viewport: { width: 390, height: 844 } });
});

afterEach(async () => {
  await context?.close();
});

test('the script is an ES module any origin may load, with the site security headers', async () => {
  const response = await fetch(`${platform.baseUrl}/embed.js`, { headers: { origin: shop.origin } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
  expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('content-security-policy')).toBeTruthy();
  expect(await response.text()).toContain('customElements');
});

test('a shopper back-orders on a shop page of an allowed origin: place, link, stored, emailed', async () => {
  const sku = await newProduct(platform, 'EMBED', {
    name: 'Embedded tee',
    expectedRestockDate: '2030-03-01',
    backorders: { enabled: true, maxPerCustomer: 3 },
  });
  const { page, form } = await open(
    shop.page(shopPage(`<backorder-form sku="${sku}" segment="b2b"></backorder-form>`)),
  );

  await form.getByText('Embedded tee', { exact: true }).waitFor();
  await form.getByText('Expected back in stock: March 1, 2030').waitFor();
  expect(await page.evaluate(() => document.querySelector('backorder-form')?.shadowRoot?.mode)).toBe('open');
  // The shop's segment preselected; the company asked only of a business.
  expect(await form.getByRole('radio', { name: 'Business' }).isChecked()).toBe(true);
  expect(await form.getByLabel('Quantity').getAttribute('max')).toBe('3');
  await form.getByText('Up to 3 units per customer.').waitFor();

  const email = uniqueEmail('embed');
  await form.getByLabel('Email address').fill(email);
  await form.getByLabel('Quantity').fill('2');
  await form.getByLabel('Your name').fill('Ada Lovelace');
  await form.getByLabel('Company').fill('Analytical Engines Ltd');
  await form.getByLabel('Send me occasional updates').check();
  await form.getByRole('radio', { name: 'Personal' }).check();
  expect(await form.getByLabel('Company').isVisible()).toBe(false);
  await form.getByRole('radio', { name: 'Business' }).check();
  expect(await form.getByLabel('Company').isVisible()).toBe(true);
  await screenshot(page, 'filled-390');
  expect(await overflow(page)).toEqual({ page: 0, form: 0 });

  await form.getByRole('button', { name: 'Join the waiting list' }).click();
  const status = form.getByRole('status');
  const link = status.getByRole('link', { name: 'Check your place in the queue' });
  await link.waitFor();
  expect(await link.getAttribute('href')).toMatch(
    new RegExp(`^${platform.baseUrl}/status\\?id=[0-9A-Z]+#token=`),
  );
  expect(await status.textContent()).toContain('You are number 1 in the queue.');
  expect(await status.textContent()).toContain(email);
  expect(await status.getAttribute('aria-live')).toBe('polite');
  await screenshot(page, 'signed-up-390');
  expect(await overflow(page)).toEqual({ page: 0, form: 0 });

  const [stored] = await backordersOf(`email=${encodeURIComponent(email)}`);
  expect(stored).toMatchObject({
    sku,
    quantity: 2,
    segment: 'b2b',
    company: 'Analytical Engines Ltd',
    name: 'Ada Lovelace',
    locale: 'en',
    status: 'waiting',
  });
  const [confirmation] = await waitForEmails(platform.sesUrl, email, 1);
  expect(confirmation?.subject).toContain('Embedded tee');

  await page.setViewportSize({ width: 1280, height: 800 });
  await screenshot(page, 'signed-up-1280');
  expect(await overflow(page)).toEqual({ page: 0, form: 0 });
  expect(consoleErrors).toEqual([]);
  expect(pageErrors).toEqual([]);
}, 45_000);

test('an address already waiting hears only that, with no link, and can have its links emailed', async () => {
  const sku = await newProduct(platform, 'AGAIN', { name: 'Again tee' });
  const email = uniqueEmail('again');
  const first = await platform.request('POST', '/api/backorders', { json: { sku, email } });
  expect(first.status).toBe(201);
  await waitForEmails(platform.sesUrl, email, 1);

  const { form } = await open(shop.page(shopPage(`<backorder-form sku="${sku}"></backorder-form>`)));
  await form.getByLabel('Email address').fill(email.toUpperCase());
  await form.getByRole('button', { name: 'Join the waiting list' }).click();
  const status = form.getByRole('status');
  await status.filter({ hasText: 'already on the waiting list' }).waitFor();
  expect(await status.getByRole('link').count()).toBe(0);
  expect(await status.textContent()).not.toMatch(/number \d/);

  await status.getByRole('button', { name: 'Email me my links' }).click();
  await status.filter({ hasText: 'we have sent its links' }).waitFor();
  const mails = await waitForEmails(platform.sesUrl, email, 2);
  expect(mails.map((mail) => mail.subject)).toContain('Your backorder link for Again tee');
  expect(await backordersOf(`sku=${sku}`)).toHaveLength(1);
  expect(consoleErrors).toEqual([]);
}, 30_000);

test('on an origin the shop has not allowed, the browser refuses the answers and nothing is stored', async () => {
  const sku = await newProduct(platform, 'STRANGER', { name: 'Stranger tee' });
  const { page, form } = await open(
    stranger.page(shopPage(`<backorder-form sku="${sku}"></backorder-form>`)),
  );

  // The script itself loads anywhere; its calls to the API are what the browser keeps from the page.
  await form.getByRole('alert').filter({ hasText: 'We could not reach the shop.' }).waitFor();
  expect(await page.evaluate(() => customElements.get('backorder-form') !== undefined)).toBe(true);
  expect(await form.getByLabel('Email address').count()).toBe(0);
  expect(consoleErrors.join('\n')).toMatch(/blocked by CORS policy.*Access-Control-Allow-Origin/);
  await screenshot(page, 'refused-390');

  // A signup the page sends itself, as a form would: its preflight is refused, so it is never sent.
  const email = uniqueEmail('stranger');
  const outcome = await page.evaluate(
    async ({ url, body }) => {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return `answered ${response.status}`;
      } catch (error) {
        return `refused: ${(error as Error).name}`;
      }
    },
    { url: `${platform.baseUrl}/api/backorders`, body: { sku, email } },
  );
  expect(outcome).toBe('refused: TypeError');
  expect(await backordersOf(`email=${encodeURIComponent(email)}`)).toEqual([]);
}, 30_000);

test("the shop's aggressive CSS does not reach the form", async () => {
  const sku = await newProduct(platform, 'STYLED', { name: 'Styled tee' });
  const hostile = `
    * { color: red !important; font-size: 40px; letter-spacing: 4px; }
    button { display: none; }
    input, label { visibility: hidden !important; }
    form, p { display: none; }
    html { font-size: 5px; }`;
  const { page, form } = await open(
    shop.page(shopPage(`<backorder-form sku="${sku}"></backorder-form>`, hostile)),
  );

  const submit = form.getByRole('button', { name: 'Join the waiting list' });
  await submit.waitFor();
  expect(await submit.isVisible()).toBe(true);
  expect(await form.getByLabel('Email address').isVisible()).toBe(true);
  const label = form.getByText('Email address', { exact: true });
  const style = await label.evaluate((element) => {
    const computed = getComputedStyle(element);
    return { color: computed.color, fontSize: computed.fontSize, letterSpacing: computed.letterSpacing };
  });
  expect(style).toEqual({ color: 'rgb(26, 29, 35)', fontSize: '16px', letterSpacing: 'normal' });
  await screenshot(page, 'hostile-css-390');
  expect(await overflow(page)).toEqual({ page: 0, form: 0 });
}, 30_000);

test('locale="de" speaks German, dates included', async () => {
  const sku = await newProduct(platform, 'DE', {
    name: 'Deutsches Shirt',
    expectedRestockDate: '2030-03-01',
  });
  const { page, form } = await open(
    shop.page(shopPage(`<backorder-form sku="${sku}" locale="de"></backorder-form>`)),
  );

  await form.getByText('Voraussichtlich wieder verfügbar: 1. März 2030').waitFor();
  expect(await form.getByLabel('E-Mail-Adresse').isVisible()).toBe(true);
  expect(await form.getByLabel('Menge').isVisible()).toBe(true);
  expect(await form.getByRole('radio', { name: 'Privatperson' }).isChecked()).toBe(true);
  expect(await form.getByRole('group', { name: 'Ich bestelle als' }).isVisible()).toBe(true);

  // An empty address is caught before sending, in German.
  await form.getByRole('button', { name: 'Auf die Warteliste setzen' }).click();
  await form.getByText('Bitte geben Sie Ihre E-Mail-Adresse ein.').waitFor();
  await form
    .getByRole('status')
    .filter({ hasText: 'Bitte korrigieren Sie die markierten Felder.' })
    .waitFor();
  await screenshot(page, 'german-390');
}, 30_000);

test('a closed product says so and shows no form', async () => {
  const sku = uniqueSku('CLOSED');
  await putProduct(platform, sku, { name: 'One-of-a-kind clock', backorders: { enabled: false } });
  const { page, form } = await open(shop.page(shopPage(`<backorder-form sku="${sku}"></backorder-form>`)));

  await form.getByText('This product cannot be backordered.').waitFor();
  expect(await form.locator('form').count()).toBe(0);
  expect(await form.getByLabel('Email address').count()).toBe(0);
  await screenshot(page, 'closed-390');
  expect(pageErrors).toEqual([]);
}, 30_000);

test("the API's validation error shows next to its field, which gets the focus", async () => {
  const sku = await newProduct(platform, 'INVALID', { name: 'Picky tee' });
  const { page, form } = await open(shop.page(shopPage(`<backorder-form sku="${sku}"></backorder-form>`)));

  // The browser takes an address without a dot in its domain; the API does not.
  const email = 'shopper@localhost';
  await form.getByLabel('Email address').fill(email);
  await form.getByRole('button', { name: 'Join the waiting list' }).click();

  const field = form.getByLabel('Email address');
  await form.getByRole('status').filter({ hasText: 'Please correct the highlighted fields.' }).waitFor();
  expect(await field.getAttribute('aria-invalid')).toBe('true');
  const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
  const error = form.locator(`#${describedBy.split(' ')[0]}`);
  expect(await error.isVisible()).toBe(true);
  expect(await error.textContent()).toMatch(/valid email/);
  expect(
    await page.evaluate(() => document.querySelector('backorder-form')?.shadowRoot?.activeElement?.id),
  ).toBe('email');
  await screenshot(page, 'invalid-390');
  expect(await backordersOf(`sku=${sku}`)).toEqual([]);
}, 30_000);

test('product="…" offers a labelled picker of its variants; a closed one says so, an open one takes signups', async () => {
  const productId = uniqueSku('TEE');
  const variant = async (label: string, options: Record<string, string>, enabled: boolean) => {
    const sku = uniqueSku(label);
    const saved = await platform.admin('PUT', `/api/admin/products/${sku}`, {
      name: `Tee ${label}`,
      productId,
      options,
      backorders: { enabled },
    });
    expect(saved.status).toBe(201);
    return sku;
  };
  const medium = await variant('M', { size: 'M', colour: 'Blue' }, true);
  const large = await variant('L', { size: 'L', colour: 'Blue' }, false);
  const listed = await platform.request('GET', `/api/products/by-product/${productId}`);
  expect(listed.status).toBe(200);
  const nameOf = (sku: string) => {
    const found = listed.body.variants.find((v: any) => v.sku === sku);
    return Object.values(found.options as Record<string, string>).join(' / ');
  };

  const { page, form } = await open(
    shop.page(shopPage(`<backorder-form product="${productId}"></backorder-form>`)),
  );
  const picker = form.getByLabel('Variant');
  await form.getByText(`Tee M`, { exact: true }).waitFor();
  expect(await picker.locator('option').allTextContents()).toEqual(
    [large, medium].sort().map((sku) => (sku === large ? `${nameOf(sku)} (not available)` : nameOf(sku))),
  );
  // The first open variant is chosen first.
  expect(await picker.inputValue()).toBe(medium);
  expect(nameOf(medium)).toMatch(/^(M \/ Blue|Blue \/ M)$/);

  await picker.selectOption(large);
  await form.getByText('This product cannot be backordered.').waitFor();
  expect(await form.getByLabel('Email address').count()).toBe(0);
  await screenshot(page, 'variant-closed-390');

  await picker.selectOption(medium);
  const email = uniqueEmail('variant');
  await form.getByLabel('Email address').fill(email);
  await form.getByRole('button', { name: 'Join the waiting list' }).click();
  await form.getByRole('status').getByRole('link', { name: 'Check your place in the queue' }).waitFor();
  const [stored] = await backordersOf(`email=${encodeURIComponent(email)}`);
  expect(stored).toMatchObject({ sku: medium, quantity: 1 });
  expect(pageErrors).toEqual([]);
}, 30_000);
