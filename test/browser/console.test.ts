/**
 * The marketers' console (/console/) in a real browser (Debian's Chromium through playwright-core) against the
 * whole local platform: a marketer signs in, sets up the shop, a product and a nurture campaign with live
 * previews; a shopper who asked for updates gets the campaign's emails; customer service finds that shopper
 * and cancels their backorder. Screenshots of each step land in test-results/console-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { routeAccess } from '../../lib/access';
import { launchChromium } from '../support/browser';
import { startTestPlatform } from '../support/platform';
import { uniqueEmail, waitForEmails } from '../support/mailbox';

type Platform = Awaited<ReturnType<typeof startTestPlatform>>;

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

let platform: Platform;
let browser: Browser;
let context: BrowserContext;
let pageErrors: string[];

function uniqueSku(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
}

async function screenshot(page: Page, name: string): Promise<void> {
  // Sandboxed preview frames paint a moment after their content arrives.
  await page.waitForTimeout(300);
  // A full-page picture has one place for a sticky bar (the campaign form's save bar, a step's preview): where
  // the window was. There it painted over the Audience and Preview boxes as if they were cut off, so the
  // picture shows them in the flow of the page instead.
  await page.screenshot({
    path: path.join(SCREENSHOTS, `console-${name}.png`),
    fullPage: true,
    style: '.form-actions--sticky, .step-preview { position: static !important; }',
  });
}

async function openConsole(viewport = DESKTOP, hash = ''): Promise<Page> {
  context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${platform.baseUrl}/console/${hash}`);
  return page;
}

async function signIn(page: Page, token = platform.adminToken): Promise<void> {
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The text of the error shown next to a field (the element its aria-describedby names). */
async function fieldError(field: Locator): Promise<string> {
  return field.evaluate((element) =>
    (element.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => document.getElementById(id))
      .filter((node) => node && node.classList.contains('field-error') && !node.hidden)
      .map((node) => node!.textContent ?? '')
      .join(' ')
      .trim(),
  );
}

async function waitForFieldError(field: Locator, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await fieldError(field);
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`No field error matching ${pattern}; last: "${text}"`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const step = (page: Page, index: number) => page.locator('#steps > li').nth(index);
const preview = (page: Page, n: number) => page.getByRole('region', { name: `Preview of step ${n}` });

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

test('a marketer sets up a nurture campaign, the shopper gets it, and customer service cancels their backorder', async () => {
  const sku = uniqueSku('CONSOLE');
  const suffix = Math.random().toString(36).slice(2, 6);
  const campaignName = `Welcome while you wait ${suffix}`;
  const campaignId = `welcome-while-you-wait-${suffix}`;
  const marketer = uniqueEmail('marketer');
  const shopper = uniqueEmail('grace');

  // ---- sign in with the token npm start prints ----------------------------------------------------
  const page = await openConsole();
  await signIn(page);
  await page.getByRole('heading', { level: 1, name: 'Site settings' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'settings-title');

  // ---- settings: an invalid sender is refused next to its field, a valid one is saved ---------------
  const from = page.getByRole('textbox', { name: 'From', exact: true });
  await from.fill('not an address');
  await page
    .getByRole('textbox', { name: 'Postal address' })
    .fill('Console Shop Ltd, 1 Quay Street, Bristol');
  await page.getByRole('checkbox', { name: 'Accept backorders for out-of-stock products' }).check();
  await page.getByRole('checkbox', { name: 'Personal customers (B2C)' }).check();
  await page.getByRole('checkbox', { name: 'Business customers (B2B)' }).check();
  await page.getByRole('checkbox', { name: 'Double opt-in' }).uncheck();
  await page.getByRole('button', { name: 'Save settings' }).click();
  expect(await waitForFieldError(from, /email address/i)).toMatch(/email address/i);
  expect(await from.getAttribute('aria-invalid')).toBe('true');
  await screenshot(page, 'settings-error');

  // A site that is not an origin is refused next to the embed field; a pasted page address is cut to its site.
  const origins = page.getByRole('textbox', { name: /Shop pages that may show the backorder form/ });
  await from.fill('Console Shop <shop@example.com>');
  await origins.fill('shop.example');
  await page.getByRole('button', { name: 'Save settings' }).click();
  expect(await waitForFieldError(origins, /origin/i)).toMatch(/origin/i);
  await origins.fill('https://shop.example/products/tee?colour=blue\nhttp://localhost:8080');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.locator('#settings-result').filter({ hasText: 'Settings saved.' }).waitFor();
  expect(await from.getAttribute('aria-invalid')).toBeNull();
  const settings = await platform.admin('GET', '/api/admin/settings');
  expect(settings.body).toMatchObject({
    backorders: { enabled: true, segments: ['b2c', 'b2b'] },
    doubleOptIn: false,
    sender: {
      from: 'Console Shop <shop@example.com>',
      postalAddress: 'Console Shop Ltd, 1 Quay Street, Bristol',
    },
    embed: { allowedOrigins: ['https://shop.example', 'http://localhost:8080'] },
  });

  // ---- a product open to business customers only -----------------------------------------------------
  await page.getByRole('link', { name: 'Products' }).click();
  await page.getByRole('heading', { level: 1, name: 'Products' }).waitFor();
  await page.getByRole('link', { name: 'New product' }).click();
  await page.getByRole('heading', { level: 1, name: 'New product' }).waitFor();
  await page.getByRole('textbox', { name: 'SKU', exact: true }).fill(sku);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Standing desk, oak');
  await page.getByRole('textbox', { name: /Product id/ }).fill('DESK');
  await page.getByRole('textbox', { name: /Options/ }).fill('Wood: oak\nWidth: 160 cm');
  await page.getByRole('radio', { name: 'Open, with its own rules' }).check();
  await page.getByRole('checkbox', { name: 'Personal customers (B2C)' }).uncheck();
  await page.getByRole('spinbutton', { name: /Most units per customer/ }).fill('3');
  await screenshot(page, 'product-editor');
  await page.getByRole('button', { name: 'Save product' }).click();

  await page
    .locator('#products-result')
    .filter({ hasText: `Product ${sku} created.` })
    .waitFor();
  const row = page.getByRole('row').filter({ hasText: sku });
  expect(await row.textContent()).toContain('Open to B2B, max 3 each');
  expect(await row.textContent()).toContain('Variant of DESK: oak / 160 cm');
  expect(await row.getByRole('link', { name: /Landing page/ }).getAttribute('href')).toBe(`/p/${sku}`);
  await screenshot(page, 'products');
  const product = await platform.request('GET', `/api/products/${sku}`);
  expect(product.body).toMatchObject({
    backordersEnabled: true,
    segments: ['b2b'],
    maxPerCustomer: 3,
    productId: 'DESK',
    options: { Wood: 'oak', Width: '160 cm' },
  });

  // ---- a two-step campaign, with live preview --------------------------------------------------------
  await page.getByRole('link', { name: 'Campaigns' }).click();
  await page.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor();
  await page.getByRole('link', { name: 'New campaign' }).click();
  await page.getByRole('heading', { level: 1, name: 'New campaign' }).waitFor();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(campaignName);
  expect(await page.getByRole('textbox', { name: 'Campaign id' }).inputValue()).toBe(campaignId);
  await page.getByRole('combobox', { name: /Products \(SKUs\)/ }).fill(sku);
  await page.getByRole('textbox', { name: 'Send test emails to' }).fill(marketer);

  const first = step(page, 0);
  expect(await first.getByRole('spinbutton', { name: 'Delay of step 1' }).inputValue()).toBe('0');
  expect(await first.textContent()).toContain('after signup (or consent confirmation)');
  await first
    .getByRole('textbox', { name: 'HTML body' })
    .fill('<p>Hi {{ shopper.name }}, you are number {{ backorder.position }} for {{ product.name }}.</p>');
  // Typing the subject updates the preview as the marketer goes.
  await first
    .getByRole('textbox', { name: 'Subject' })
    .pressSequentially('Thanks for waiting', { delay: 20 });
  await preview(page, 1).locator('.preview-subject').filter({ hasText: 'Thanks for waiting' }).waitFor();
  await first
    .getByRole('textbox', { name: 'Subject' })
    .pressSequentially(', {{ shopper.name }}', { delay: 20 });
  await preview(page, 1)
    .locator('.preview-subject')
    .filter({ hasText: /^Thanks for waiting, (?!\{\{).+/ })
    .waitFor();
  await preview(page, 1).getByText('Preview up to date.').waitFor();
  await page.waitForTimeout(300);
  await preview(page, 1).screenshot({ path: path.join(SCREENSHOTS, 'console-campaign-preview.png') });
  const firstPreview = preview(page, 1).locator('iframe');
  expect(await firstPreview.getAttribute('sandbox')).toBe('');
  expect(await firstPreview.getAttribute('srcdoc')).toMatch(/you are number/);

  await page.getByRole('button', { name: 'Add a step' }).click();
  const second = step(page, 1);
  expect(await second.textContent()).toContain('step-2');
  expect(await second.textContent()).toContain('after the previous step');
  await second.getByRole('spinbutton', { name: 'Delay of step 2' }).fill('0');
  await second.getByRole('combobox', { name: 'Delay unit of step 2' }).selectOption('minutes');
  await second.getByRole('textbox', { name: 'Subject' }).fill('Still waiting for {{ product.name }}?');
  const secondHtml = second.getByRole('textbox', { name: 'HTML body' });
  await secondHtml.fill('<p>Good news is coming.</p>\n<p>Hello {{ shopper.nmae }}</p>');

  // The misspelt variable is named next to the HTML body, with its line.
  const templateError = await waitForFieldError(secondHtml, /shopper\.nmae/);
  expect(templateError).toMatch(/line 2/);
  // Screen readers hear it too.
  await preview(page, 2).getByRole('status').filter({ hasText: 'Step 2: Preview not updated' }).waitFor();
  await screenshot(page, 'campaign-template-error');

  // Saving refuses it too, and says where.
  await page.getByRole('button', { name: 'Save campaign' }).click();
  await page.locator('#campaign-result').filter({ hasText: 'The campaign was not saved' }).waitFor();
  expect(await page.locator('#campaign-result').textContent()).toContain('Step 2, HTML body');
  expect(await waitForFieldError(secondHtml, /shopper\.nmae/)).toMatch(/line 2/);
  expect((await platform.admin('GET', `/api/admin/campaigns/${campaignId}`)).status).toBe(404);

  await secondHtml.fill('<p>Good news is coming.</p>\n<p>Hello {{ shopper.name }}</p>');
  await preview(page, 2).getByText('Preview up to date.').waitFor();
  expect(await fieldError(secondHtml)).toBe('');
  await page.getByRole('button', { name: 'Save campaign' }).click();
  await page.locator('#campaign-result').filter({ hasText: 'Campaign created' }).waitFor();
  expect(page.url()).toContain(`#/campaigns/${campaignId}`);
  await screenshot(page, 'campaign-editor');

  const saved = await platform.admin('GET', `/api/admin/campaigns/${campaignId}`);
  expect(saved.body).toMatchObject({
    name: campaignName,
    active: false,
    audience: { skus: [sku] },
    steps: [
      { id: 'step-1', delay: 'PT0S', subject: 'Thanks for waiting, {{ shopper.name }}' },
      { id: 'step-2', delay: 'PT0S', subject: 'Still waiting for {{ product.name }}?' },
    ],
  });

  // A test email of the saved step reaches the marketer.
  await first.getByRole('button', { name: 'Send test email (step 1)' }).click();
  await first
    .getByRole('status')
    .filter({ hasText: `sent to ${marketer}` })
    .waitFor();
  expect((await waitForEmails(platform.sesUrl, marketer, 1)).length).toBeGreaterThanOrEqual(1);

  // Leaving with unsaved changes asks first; staying keeps them.
  const name = page.getByRole('textbox', { name: 'Name', exact: true });
  await name.fill(`${campaignName} (draft)`);
  await page.getByRole('link', { name: 'Back to campaigns' }).click();
  const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
  await leave.getByRole('button', { name: 'Stay here' }).click();
  await leave.waitFor({ state: 'hidden' });
  expect(await name.inputValue()).toBe(`${campaignName} (draft)`);
  // The old address comes back just after the dialog closes (a same-page navigation the driver learns of late).
  await page.waitForURL((url) => url.hash === `#/campaigns/${campaignId}`, { timeout: 5_000 });
  await name.fill(campaignName);

  // ---- activate it from the list -------------------------------------------------------------------------
  await page.getByRole('link', { name: 'Back to campaigns' }).click();
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: campaignName }) });
  await card.waitFor();
  expect(await card.textContent()).toContain('Inactive');
  await card.getByRole('button', { name: 'Activate', exact: true }).click();
  await page.locator('#campaigns-result').filter({ hasText: 'is active' }).waitFor();
  expect(await card.textContent()).toContain('Active');
  await card.getByRole('button', { name: 'Deactivate' }).waitFor();
  await screenshot(page, 'campaigns');
  expect((await platform.admin('GET', `/api/admin/campaigns/${campaignId}`)).body.active).toBe(true);

  // ---- a shopper who asked for updates signs up (closed for B2C, open for B2B) ------------------------
  const personal = await platform.request('POST', '/api/backorders', {
    json: { sku, email: uniqueEmail('personal'), segment: 'b2c' },
  });
  expect(personal.status).toBe(409);
  const signup = await platform.request('POST', '/api/backorders', {
    json: {
      sku,
      email: shopper,
      name: 'Grace',
      segment: 'b2b',
      company: 'Hopper Ltd',
      quantity: 2,
      marketingConsent: true,
    },
  });
  expect(signup.status).toBe(201);

  // Confirmation, then both steps (the scheduler ticks every second in tests).
  const received = await waitForEmails(platform.sesUrl, shopper, 3, 30_000);
  const subjects = received.map((email) => email.subject);
  expect(subjects).toContain('Thanks for waiting, Grace');
  expect(subjects).toContain('Still waiting for Standing desk, oak?');
  const stepTwo = received.find((email) => email.subject.startsWith('Still waiting'));
  expect(stepTwo?.body.html).toContain('Hello Grace');

  // ---- customer service finds the shopper, the backorder and the emails, and cancels -------------------
  await page.getByRole('link', { name: 'Shoppers' }).click();
  await page.getByRole('heading', { level: 1, name: 'Shoppers and backorders' }).waitFor();
  await page.getByRole('textbox', { name: "Shopper's email" }).fill(shopper);
  await page.getByRole('button', { name: 'Search' }).click();
  await page
    .locator('#lookup-result')
    .filter({ hasText: `1 backorder for ${shopper}` })
    .waitFor();
  const backorder = page.locator('#lookup-backorders > li').first();
  expect(await backorder.textContent()).toContain(sku);
  expect(await backorder.textContent()).toContain('Waiting');
  expect(await backorder.textContent()).toContain('2 units');
  expect(await backorder.getByRole('list').first().textContent()).toContain('Joined the waiting list');
  const emailRows = page.locator('#lookup-emails tbody tr');
  await emailRows.nth(2).waitFor();
  const emailTable = await page.locator('#lookup-emails').textContent();
  expect(emailTable).toContain('Thanks for waiting, Grace');
  expect(emailTable).toContain('Still waiting for Standing desk, oak?');
  await screenshot(page, 'lookup');

  // A campaign email can be shown as it renders for this shopper.
  await page
    .getByRole('row')
    .filter({ hasText: 'Thanks for waiting, Grace' })
    .getByRole('button', { name: /^Show/ })
    .click();
  const shown = page.getByRole('dialog', { name: 'Thanks for waiting, Grace' });
  await shown.waitFor();
  expect(await shown.locator('iframe').getAttribute('srcdoc')).toContain('Hi Grace');
  await shown.getByRole('button', { name: 'Close' }).click();
  await shown.waitFor({ state: 'hidden' });

  await backorder.getByRole('button', { name: 'Cancel backorder' }).click();
  const dialog = page.getByRole('dialog', { name: 'Cancel this backorder?' });
  await dialog.waitFor();
  expect(await dialog.textContent()).toContain(shopper);
  await screenshot(page, 'lookup-confirm-cancel');
  await dialog.getByRole('button', { name: 'Cancel backorder' }).click();
  await page.locator('#lookup-result').filter({ hasText: 'is cancelled' }).waitFor();
  const cancelled = page.locator('#lookup-backorders > li').first();
  expect(await cancelled.textContent()).toContain('Cancelled');
  expect(await cancelled.getByRole('button', { name: 'Cancel backorder' }).count()).toBe(0);
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H3');

  const stored = await platform.admin('GET', `/api/admin/backorders?email=${encodeURIComponent(shopper)}`);
  expect(stored.body.items).toHaveLength(1);
  expect(stored.body.items[0]).toMatchObject({ status: 'cancelled' });
  expect(stored.body.items[0].events.at(-1)).toMatchObject({ type: 'cancelled' });

  // The phone layout of the lookup, for a human to look at.
  await page.setViewportSize(PHONE);
  await screenshot(page, 'lookup-phone');
  expect(pageErrors).toEqual([]);
}, 120_000);

test('on a phone: a wrong token is refused, and an ended session asks to sign in again', async () => {
  const page = await openConsole(PHONE, '#/products');
  await screenshot(page, 'signin-phone');

  await signIn(page, 'not-the-token');
  const token = page.getByLabel('Admin token');
  expect(await waitForFieldError(token, /not accepted/)).toMatch(/not accepted/);
  await screenshot(page, 'signin-wrong-token-phone');

  // After signing in, the console shows the page that was asked for, with focus on its heading.
  await signIn(page);
  await page.getByRole('heading', { level: 1, name: 'Products' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'products-title');
  const nav = page.getByRole('navigation', { name: 'Console sections' });
  expect(await nav.getByRole('link', { name: 'Products' }).getAttribute('aria-current')).toBe('page');
  await screenshot(page, 'products-phone');

  // The token stops working (revoked, or a Cognito token expired): the next call returns to sign-in.
  await page.evaluate(() => sessionStorage.setItem('backorders.console.bearer', 'revoked'));
  await nav.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('alert').filter({ hasText: 'Sign in again' }).waitFor();
  expect(await nav.isVisible()).toBe(false);
  await screenshot(page, 'session-ended-phone');

  await signIn(page);
  await page.getByRole('heading', { level: 1, name: 'Site settings' }).waitFor();
  await page.locator('#settings-form').waitFor();
  await screenshot(page, 'settings-phone');

  // Step delays go to the API as ISO 8601 durations and read back as typed (duration.js, in the browser).
  const durations = await page.evaluate(`import('/assets/console/duration.js').then((d) => ({
    formatted: [[0, 'minutes'], [30, 'minutes'], [4, 'hours'], [2, 'days'], [1, 'weeks']].map(([a, u]) => d.formatDuration(a, u)),
    parsed: ['PT0S', 'PT30M', 'PT4H', 'P2D', 'P1W', 'PT90M', 'P14D', 'P1DT12H', 'P1M', 'PT30S', 'nonsense'].map(d.parseDuration),
  }))`);
  expect(durations).toEqual({
    formatted: ['PT0S', 'PT30M', 'PT4H', 'P2D', 'P1W'],
    parsed: [
      { amount: 0, unit: 'minutes' },
      { amount: 30, unit: 'minutes' },
      { amount: 4, unit: 'hours' },
      { amount: 2, unit: 'days' },
      { amount: 1, unit: 'weeks' },
      { amount: 90, unit: 'minutes' },
      { amount: 2, unit: 'weeks' },
      { amount: 36, unit: 'hours' },
      null,
      null,
      null,
    ],
  });
  expect(pageErrors).toEqual([]);
}, 60_000);

test('on AWS, staff sign in with their Cognito user, set a password at first sign-in, and the ID token is the bearer', async () => {
  const region = 'eu-west-1';
  const clientId = 'console-client-id';
  const payload = Buffer.from(JSON.stringify({ sub: 'user-1', exp: Math.floor(Date.now() / 1000) + 3600 }));
  const idToken = `eyJhbGciOiJSUzI1NiJ9.${payload.toString('base64url')}.signature`;
  const cognitoCalls: Array<{ target?: string; contentType?: string; body: any }> = [];
  const bearers: string[] = [];
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' };

  context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // What the CDK stack publishes next to the pages, and Cognito's own answers.
  await page.route('**/console-config.json', (route) =>
    route.fulfill({ json: { region, userPoolId: `${region}_Example`, userPoolClientId: clientId } }),
  );
  await page.route(`https://cognito-idp.${region}.amazonaws.com/`, async (route) => {
    const request = route.request();
    if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
    const headers = request.headers();
    const body = request.postDataJSON();
    cognitoCalls.push({ target: headers['x-amz-target'], contentType: headers['content-type'], body });
    const answer = (status: number, json: unknown) =>
      route.fulfill({
        status,
        headers: { ...cors, 'content-type': 'application/x-amz-json-1.1' },
        body: JSON.stringify(json),
      });
    if (headers['x-amz-target'] === 'AWSCognitoIdentityProviderService.InitiateAuth') {
      return body.AuthParameters.PASSWORD === 'Temporary-pass-1'
        ? answer(200, {
            ChallengeName: 'NEW_PASSWORD_REQUIRED',
            Session: 'challenge-session',
            ChallengeParameters: { USER_ID_FOR_SRP: 'user-1' },
          })
        : answer(400, { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    }
    return answer(200, {
      AuthenticationResult: { IdToken: idToken, AccessToken: 'access', ExpiresIn: 3600 },
    });
  });
  // Who signed in: an admin (the Cognito group), who may open every section.
  await page.route('**/api/admin/me', (route) => {
    bearers.push(route.request().headers()['authorization'] ?? '');
    return route.fulfill({
      json: {
        principal: 'marketer@example.com',
        kind: 'staff',
        roles: ['admin'],
        scopes: [],
        routes: Object.keys(routeAccess),
      },
    });
  });
  await page.route('**/api/admin/settings', (route) => {
    bearers.push(route.request().headers()['authorization'] ?? '');
    return route.fulfill({
      json: {
        backorders: { enabled: true, segments: ['b2c', 'b2b'] },
        doubleOptIn: false,
        sender: { from: 'shop@example.com', postalAddress: '1 Quay Street' },
      },
    });
  });

  await page.goto(`${platform.baseUrl}/console/`);
  await page.getByRole('textbox', { name: 'Email address' }).fill('marketer@example.com');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'The email address or password is not right.' }).waitFor();
  expect(await page.getByLabel('Admin token').isVisible()).toBe(false);
  await screenshot(page, 'cognito-signin-phone');

  await page.getByLabel('Password').fill('Temporary-pass-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const newPassword = page.getByLabel('New password');
  await newPassword.waitFor();
  await newPassword.fill('My-own-long-password-2');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { level: 1, name: 'Site settings' }).waitFor();

  expect(cognitoCalls).toEqual([
    {
      target: 'AWSCognitoIdentityProviderService.InitiateAuth',
      contentType: 'application/x-amz-json-1.1',
      body: {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: 'marketer@example.com', PASSWORD: 'wrong' },
      },
    },
    expect.objectContaining({ body: expect.objectContaining({ AuthParameters: expect.anything() }) }),
    {
      target: 'AWSCognitoIdentityProviderService.RespondToAuthChallenge',
      contentType: 'application/x-amz-json-1.1',
      body: {
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        ClientId: clientId,
        Session: 'challenge-session',
        ChallengeResponses: { USERNAME: 'user-1', NEW_PASSWORD: 'My-own-long-password-2' },
      },
    },
  ]);
  expect(bearers.length).toBeGreaterThan(0);
  expect(bearers.every((header) => header === `Bearer ${idToken}`)).toBe(true);
  expect(pageErrors).toEqual([]);
}, 60_000);

/**
 * Every console view, on a phone (390 px) and a desktop (1280 px): a screenshot of each in test-results/,
 * and nothing wider than the screen or cut off at the bottom of its box (an earlier campaign editor cut the
 * "Audience" and "Preview and test" boxes off).
 */
test('every view fits a phone and a desktop: nothing overflows its box', async () => {
  const sku = uniqueSku('LAYOUT-A-LONG-PRODUCT-SKU');
  const suffix = Math.random().toString(36).slice(2, 6);
  const put = async (path: string, body: unknown) => {
    const response = await platform.admin('PUT', path, body);
    expect({ path, status: response.status }).toEqual({ path, status: 201 });
  };
  await put(`/api/admin/suppliers/layout-${suffix}`, {
    name: 'Layout Supplies With A Rather Long Trading Name Ltd',
    email: `orders-${suffix}@supplier.example`,
    batch: { every: 'week', day: 'MON', hour: 6, minUnits: 1 },
  });
  await put(`/api/admin/products/${sku}`, {
    name: 'A product whose name is long enough to wrap on a phone screen',
    stock: 0,
    supplierId: `layout-${suffix}`,
  });
  await put(`/api/admin/campaigns/layout-${suffix}`, {
    name: 'Layout campaign',
    active: true,
    audience: { skus: [sku], segments: ['b2c'] },
    steps: [
      { id: 'step-1', delay: 'PT0S', subject: 'Hello {{ shopper.name }}', html: '<p>Soon.</p>' },
      { id: 'step-2', delay: 'P2D', subject: 'Still waiting', html: '<p>Still.</p>', text: 'Still.' },
    ],
  });
  await put(`/api/admin/webhooks/layout-${suffix}`, {
    url: 'https://93.184.215.14/hooks/backorders',
    secret: 'a-layout-secret-of-enough-length',
    events: ['backorder.created', 'backorder.cancelled'],
  });
  const email = uniqueEmail('layout');
  const signup = await platform.request('POST', '/api/backorders', { json: { sku, email, quantity: 2 } });
  expect(signup.status).toBe(201);

  const views: Array<[string, string]> = [
    ['settings', '#/settings'],
    ['products', '#/products'],
    ['product-editor', `#/products/${sku}`],
    ['campaigns', '#/campaigns'],
    ['campaign-editor', `#/campaigns/layout-${suffix}`],
    ['suppliers', '#/suppliers'],
    ['supplier-editor', `#/suppliers/layout-${suffix}`],
    ['supplier-batches', `#/suppliers/layout-${suffix}/batches`],
    ['lookup', `#/lookup?search=1&email=${encodeURIComponent(email)}`],
    ['webhooks', '#/webhooks'],
    ['webhook-editor', `#/webhooks/layout-${suffix}`],
    ['webhook-deliveries', `#/webhooks/layout-${suffix}/deliveries`],
    ['dashboard', '#/dashboard'],
  ];
  // Every view is looked at before the test fails, so one run shows everything to fix.
  const problems: string[] = [];
  for (const viewport of [PHONE, DESKTOP]) {
    const page = await openConsole(viewport, '#/settings');
    await signIn(page);
    await page.locator('#settings-form').waitFor();
    for (const [name, hash] of views) {
      await page.evaluate((target) => {
        location.hash = target;
      }, hash);
      await page.waitForFunction(
        () => document.getElementById('main')?.getAttribute('aria-busy') === 'false',
      );
      // Lists and previews fill in after the heading: wait until nothing says it is loading.
      await page.waitForFunction(
        () => !/Loading|Searching|Updating the preview/.test(document.body.innerText),
      );
      await screenshot(page, `layout-${name}-${viewport.width}`);
      const overflows = await page.evaluate(() => {
        const found: string[] = [];
        const name = (element: Element) =>
          `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}.${element.className}`;
        const root = document.documentElement;
        if (root.scrollWidth > window.innerWidth) {
          const past = Array.from(document.querySelectorAll('main *'))
            .filter((element) => element.getBoundingClientRect().right > window.innerWidth)
            .slice(-3)
            .map(name);
          found.push(`page is ${root.scrollWidth}px wide, screen ${window.innerWidth}px: ${past.join(', ')}`);
        }
        // Every section can be reached without scrolling a line sideways.
        for (const link of Array.from(document.querySelectorAll('#console-nav a')))
          if (link.getBoundingClientRect().right > window.innerWidth)
            found.push(`the ${link.textContent} link is off the screen`);
        const boxes = document.querySelectorAll('main fieldset, main .panel, main .card, main .field');
        for (const box of Array.from(boxes)) {
          if (!(box instanceof HTMLElement) || box.offsetParent === null) continue;
          if (box.scrollHeight > box.clientHeight + 1)
            found.push(`${name(box)} cuts off ${box.scrollHeight - box.clientHeight}px at the bottom`);
          if (box.scrollWidth > box.clientWidth + 1)
            found.push(`${name(box)} cuts off ${box.scrollWidth - box.clientWidth}px at the side`);
        }
        return found;
      });
      for (const overflow of overflows) problems.push(`${name} at ${viewport.width}px: ${overflow}`);
    }
    await context.close();
  }
  expect(problems).toEqual([]);
  expect(pageErrors).toEqual([]);
}, 240_000);
