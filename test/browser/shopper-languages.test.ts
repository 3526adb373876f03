/**
 * The shopper pages in the shopper's language (docs/signup.md, "Languages") in a real browser against the
 * whole local platform: `?lang=` first, then (status page) the backorder's own locale, then the browser's
 * languages, else English; `<html lang>` says which, and the signup carries the page's language so the
 * backorder keeps it. Screenshots land in test-results/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { uniqueEmail } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { linkParts, newProduct } from '../support/shop';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');

let platform: TestPlatform;
let browser: Browser;
let pageErrors: string[];
/** The contexts a test opened, closed after it (never from a page's own close event, mid-test). */
let contexts: BrowserContext[] = [];

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
  await Promise.all(contexts.map((context) => context.close()));
  contexts = [];
  expect(pageErrors).toEqual([]);
});

/** A page in a browser whose languages are `locale` (navigator.languages and Accept-Language). */
async function openPage(locale: string, address: string): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 390, height: 844 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${platform.baseUrl}${address}`);
  return page;
}

const htmlLang = (page: Page) => page.locator('html').getAttribute('lang');

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

test('?lang=de: a German landing page signs up a German backorder, whose status page stays German', async () => {
  const sku = await newProduct(platform, 'SPRACHE', {
    name: 'Emaillekanne',
    expectedRestockDate: '2031-03-01',
    backorders: { enabled: true, maxPerCustomer: 3 },
  });
  const page = await openPage('en-US', `/p/${sku}?lang=de`);
  await page.getByRole('heading', { level: 1, name: 'Emaillekanne' }).waitFor();
  expect(await htmlLang(page)).toBe('de');
  await page.getByLabel('E-Mail-Adresse').waitFor();
  expect(await page.locator('#quantity-hint').textContent()).toBe('Bis zu 3 Stück pro Kunde.');
  // The restock day as Germans write it.
  expect(await page.locator('#restock').textContent()).toBe('Voraussichtlich wieder verfügbar: 1. März 2031');
  expect(await page.getByRole('radio', { name: 'Privatperson' }).isChecked()).toBe(true);

  // The browser's own check, in German.
  await page.getByRole('button', { name: 'Auf die Warteliste setzen' }).click();
  await page
    .locator('#email-error')
    .filter({ hasText: 'Bitte geben Sie Ihre E-Mail-Adresse ein.' })
    .waitFor();

  const email = uniqueEmail('sprache');
  await page.locator('input[name="email"]').fill(email);
  await screenshot(page, 'shopper-languages-de-landing');
  await page.getByRole('button', { name: 'Auf die Warteliste setzen' }).click();
  const link = page
    .locator('[role="status"]')
    .getByRole('link', { name: 'Ihren Platz in der Warteschlange ansehen' });
  await link.waitFor();
  expect(await page.locator('[role="status"]').textContent()).toContain('Sie stehen auf der Warteliste.');
  await screenshot(page, 'shopper-languages-de-signed-up');

  // The backorder keeps the page's language: the status read says so.
  const statusUrl = new URL((await link.getAttribute('href'))!, platform.baseUrl).toString();
  const { id, token } = linkParts(statusUrl);
  const read = await platform.request('GET', `/api/backorders/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(read.status).toBe(200);
  expect(read.body.locale).toBe('de');

  // Opened in an English browser, the status page speaks the backorder's language.
  const { pathname, search, hash } = new URL(statusUrl);
  const status = await openPage('en-US', `${pathname}${search}${hash}`);
  await page.close();
  await status
    .locator('[role="status"]')
    .filter({ hasText: 'Sie sind Nummer 1 in der Warteschlange.' })
    .waitFor();
  expect(await htmlLang(status)).toBe('de');
  expect(await status.locator('#status-word').textContent()).toBe('In der Warteschlange');
  expect(await status.locator('#quantity').textContent()).toBe('1 Stück');
  await status.getByRole('button', { name: 'Meine Vorbestellung stornieren' }).waitFor();
  await status.getByRole('heading', { name: 'Verlauf' }).waitFor();
  expect(await status.title()).toBe('Ihre Vorbestellung: Emaillekanne');
  await screenshot(status, 'shopper-languages-de-status');

  // ?lang= overrides the backorder's language.
  await status.goto(statusUrl.replace('/status?', '/status?lang=fr&'));
  await status
    .locator('[role="status"]')
    .filter({ hasText: 'Vous êtes numéro 1 dans la file d’attente.' })
    .waitFor();
  expect(await htmlLang(status)).toBe('fr');
  expect(await status.locator('#status-word').textContent()).toBe('En file d’attente');
  await status.getByRole('button', { name: 'Annuler ma précommande' }).click();
  await status.getByRole('dialog', { name: 'Annuler cette précommande ?' }).waitFor();
  await screenshot(status, 'shopper-languages-fr-status-cancel');
  await status.close();
});

test.each([
  // The first of the browser's languages the platform speaks, whatever the region.
  {
    locale: 'es-MX',
    lang: 'es',
    name: 'Delantal de lino',
    email: 'Correo electrónico',
    submit: 'Unirme a la lista de espera',
  },
  // None it speaks: English.
  {
    locale: 'ja-JP',
    lang: 'en',
    name: 'Brass lamp',
    email: 'Email address',
    submit: 'Join the waiting list',
  },
])(
  'a browser whose language is $locale gets the landing page in $lang',
  async ({ locale, lang, ...words }) => {
    const sku = await newProduct(platform, 'IDIOMA', { name: words.name });
    const page = await openPage(locale, `/p/${sku}`);
    await page.getByRole('heading', { level: 1, name: words.name }).waitFor();
    expect(await htmlLang(page)).toBe(lang);
    await page.getByRole('button', { name: words.submit }).waitFor();
    await page.getByLabel(words.email).waitFor();
    await screenshot(page, `shopper-languages-${locale}-landing`);
    await page.close();
  },
);

test('the unsubscribe page in German', async () => {
  const page = await openPage('de-DE', '/unsubscribe?token=not-a-token');
  await page.getByRole('heading', { name: 'Neuigkeiten abbestellen' }).waitFor();
  expect(await htmlLang(page)).toBe('de');
  expect(await page.title()).toBe('Abbestellen');
  await screenshot(page, 'shopper-languages-de-unsubscribe');
  await page.getByRole('button', { name: 'Abbestellen' }).click();
  await page.locator('[role="status"]').filter({ hasText: 'Dieser Abmeldelink ist ungültig.' }).waitFor();
  await page.close();
});

test('the consent confirmation page in French, and in English for an outcome it does not know', async () => {
  const page = await openPage('en-US', '/confirm?result=confirmed&lang=fr');
  await page.getByRole('heading', { name: 'Merci, vous êtes abonné' }).waitFor();
  expect(await htmlLang(page)).toBe('fr');
  expect(await page.getByRole('status').textContent()).toBe(
    'Nous vous tiendrons informé pendant que vous attendez votre précommande.',
  );
  await page.goto(`${platform.baseUrl}/confirm?result=whatever`);
  await page.getByRole('heading', { name: 'Link not valid' }).waitFor();
  expect(await htmlLang(page)).toBe('en');
  await page.close();
});
