/**
 * A product's expected restock date moves, in a real browser against the whole local platform: the marketer
 * changes it twice in the console's product editor (the notice says, before saving, that the one shopper
 * waiting gets one email, and once saved when it goes out); with the platform's quiet period cut to seconds
 * (ETA_DEBOUNCE_SECONDS), the shopper gets one email with the last date, which slipped far enough to ask
 * whether they still want to wait. Its cancel link only opens the cancel question (nothing is cancelled); its
 * keep link keeps their place by itself, once; the status page shows the dates they were told and their
 * choice, and the console's timeline shows the email and the choice. Screenshots land in
 * test-results/eta-updates-*.png.
 */
import { type Browser, type Page } from 'playwright-core';
import { journeyPages, launchChromium, signInToConsole } from '../support/browser';
import { emailsTo, waitForEmails, type StoredEmail } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { signUpShopper, uniqueSku } from '../support/shop';

const DAY = 24 * 3_600_000;
/**
 * The platform's window after a date's first change before it emails (10 minutes on AWS): long enough that the
 * second save, made after reopening the editor, lands inside it on a loaded machine too.
 */
const QUIET_SECONDS = 30;

let platform: TestPlatform;
let browser: Browser;
const journey = journeyPages('eta-updates');
const { pageErrors, screenshot } = journey;

beforeAll(async () => {
  [platform, browser] = await Promise.all([
    startTestPlatform({
      environment: { POWERTOOLS_LOG_LEVEL: 'ERROR', ETA_DEBOUNCE_SECONDS: String(QUIET_SECONDS) },
    }),
    launchChromium(),
  ]);
}, 60_000);

afterAll(async () => {
  await journey.close();
  await browser?.close();
  await platform?.stop();
});

const newPage = (): Promise<Page> => journey.newPage(browser);

/** A calendar day `days` after today (UTC), as the API writes it. */
const dayFromToday = (days: number): string => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
/** The day as the English pages and emails write it: "March 1, 2025". */
const written = (day: string): string =>
  new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));

/** Waits for the email to the address whose HTML part contains `text`. */
const waitForEmailWith = async (address: string, text: string): Promise<StoredEmail> => {
  const deadline = Date.now() + (QUIET_SECONDS + 20) * 1000;
  for (;;) {
    const found = (await emailsTo(platform.sesUrl, address)).find((email) => email.body.html?.includes(text));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`No email with "${text}" reached ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

/** The status link of an email that carries `choice` (keep or cancel), from its HTML part. */
const choiceLinkIn = (email: StoredEmail, choice: 'keep' | 'cancel'): URL => {
  const href = new RegExp(`href="([^"]*/status\\?[^"]*choice=${choice}[^"]*)"`)
    .exec(email.body.html ?? '')?.[1]
    ?.replace(/&amp;/g, '&');
  expect(href).toBeDefined();
  return new URL(href!);
};

/** The product editor of `sku` in the console, its date field and its notice. */
const openEditor = async (page: Page, sku: string) => {
  await page.goto(`${platform.baseUrl}/console/#/products/${sku}`);
  await page.getByRole('heading', { level: 1, name: `Edit ${sku}` }).waitFor();
  return {
    date: page.getByLabel('Expected restock date'),
    notice: page.locator('[data-test="eta-notice"]'),
  };
};

test('the marketer moves the date; the shopper gets one email with the last date, opens "keep" and sees their dates and choice', async () => {
  const signedUpUnder = dayFromToday(20);
  const nudged = dayFromToday(25); // 5 days later: no question by itself
  const slipped = dayFromToday(50); // 30 days past the date they signed up under: more than the 14 days
  const sku = uniqueSku('ETA');
  const created = await platform.admin('PUT', `/api/admin/products/${sku}`, {
    name: 'Walnut desk lamp',
    stock: 0,
    expectedRestockDate: signedUpUnder,
    backorders: { enabled: true },
  });
  expect(created.status).toBe(201);
  const ada = await signUpShopper(platform, { sku, label: 'eta.ada', name: 'Ada', locale: 'en' });
  await waitForEmails(platform.sesUrl, ada.email, 1);

  // ---- the marketer changes the date: told before saving whom it will email --------------------------
  const consolePage = await signInToConsole(browser, platform.baseUrl, platform.adminToken, {
    hash: `#/products/${sku}`,
    pageErrors,
  });
  try {
    await consolePage.getByRole('heading', { level: 1, name: `Edit ${sku}` }).waitFor();
    const first = {
      date: consolePage.getByLabel('Expected restock date'),
      notice: consolePage.locator('[data-test="eta-notice"]'),
    };
    expect(await first.date.inputValue()).toBe(signedUpUnder);
    // Nothing changed yet, nothing due: nothing to say.
    expect(await first.notice.isVisible()).toBe(false);
    await first.date.fill(nudged);
    await first.notice
      .filter({ hasText: '1 shopper waiting will get one email with the new date' })
      .waitFor();
    expect(await first.notice.textContent()).toContain('10 minutes after your last change');
    await screenshot(consolePage, 'editor-notice');
    // Back to the saved date: no change, no notice.
    await first.date.fill(signedUpUnder);
    expect(await first.notice.textContent()).toBe('');
    expect(await first.notice.isVisible()).toBe(false);
    await first.date.fill(nudged);
    await consolePage.getByRole('button', { name: 'Save product' }).click();
    await consolePage
      .locator('#products-result')
      .filter({ hasText: `Product ${sku} saved.` })
      .waitFor();

    // A second change within the quiet period: the editor says when the pending email goes out.
    const second = await openEditor(consolePage, sku);
    await second.notice.filter({ hasText: 'The email with the saved date goes out on' }).waitFor();
    await second.date.fill(slipped);
    await second.notice
      .filter({ hasText: '1 shopper waiting will get one email with the new date' })
      .waitFor();
    expect(await second.notice.textContent()).toContain('Until you save, the pending email goes out on');
    await screenshot(consolePage, 'editor-pending');
    await consolePage.getByRole('button', { name: 'Save product' }).click();
    await consolePage
      .locator('#products-result')
      .filter({ hasText: `Product ${sku} saved.` })
      .waitFor();
  } finally {
    await consolePage.context().close();
  }

  // ---- one email, with the last date, asking whether to keep waiting ----------------------------------
  const update = await waitForEmailWith(ada.email, 'choice=keep');
  expect(update.body.text).toContain(written(slipped));
  const keepUrl = choiceLinkIn(update, 'keep');
  const cancelUrl = choiceLinkIn(update, 'cancel');
  for (const link of [keepUrl, cancelUrl]) {
    expect(link.origin).toBe(platform.baseUrl);
    expect(link.pathname).toBe('/status');
    expect(link.searchParams.get('id')).toBe(ada.id);
    expect(new URLSearchParams(link.hash.slice(1)).get('token')).toBeTruthy();
  }
  // Several changes made one email: none ever named the date in between.
  const all = await emailsTo(platform.sesUrl, ada.email);
  expect(all.filter((email) => email.body.text?.includes(written(nudged)))).toEqual([]);
  expect(all.filter((email) => email.body.html?.includes('choice=keep'))).toHaveLength(1);

  // ---- the cancel link only asks: nothing is cancelled unless the shopper says so -----------------------
  const status = await newPage();
  await status.goto(cancelUrl.href);
  const question = status.getByRole('dialog', { name: 'Cancel this backorder?' });
  await question.waitFor();
  await screenshot(status, 'cancel-question');
  await question.getByRole('button', { name: 'Keep my backorder' }).click();
  await question.waitFor({ state: 'hidden' });
  expect(new URL(status.url()).searchParams.has('choice')).toBe(false);
  const choice = status.locator('[data-test="eta-choice"]');
  expect(await choice.isVisible()).toBe(true);
  expect(await choice.textContent()).toContain(
    `Walnut desk lamp is now expected back on ${written(slipped)}. Do you still want to wait?`,
  );
  expect(await status.locator('[data-test="keep-place"]').isVisible()).toBe(true);
  const read = async () =>
    (await platform.request('GET', `/api/backorders/${ada.id}?token=${encodeURIComponent(ada.token)}`)).body;
  const before = await read();
  expect(before.status).toBe('waiting');
  expect(before.etaChoice).toMatchObject({ date: slipped, keptAt: null });

  // ---- the keep link: one click in the email keeps their place -------------------------------------------
  await status.goto(keepUrl.href);
  const kept = status.locator('[data-test="eta-kept"]');
  await kept.filter({ hasText: 'You chose to keep your place on' }).waitFor();
  expect(await choice.isVisible()).toBe(false);
  expect(new URL(status.url()).searchParams.has('choice')).toBe(false);
  const history = status.locator('[data-test="eta-history"] li');
  expect(await history.allTextContents()).toEqual([
    expect.stringContaining(written(signedUpUnder)),
    expect.stringContaining(written(slipped)),
  ]);
  expect(await history.first().textContent()).toContain('When you signed up');
  expect(await history.last().getAttribute('aria-current')).toBe('true');
  expect(await history.last().textContent()).toContain('Current');
  expect(await status.locator('#status-word').textContent()).toBe('Waiting in the queue');
  await screenshot(status, 'status-kept');
  const after = await read();
  expect(after.status).toBe('waiting');
  expect(after.etaChoice.keptAt).toEqual(expect.any(String));
  expect(after.etaHistory.map((entry: { date: string | null }) => entry.date)).toEqual([
    signedUpUnder,
    slipped,
  ]);

  // The link again: already kept, nothing asked again, the same answer.
  await status.goto(keepUrl.href);
  await kept.filter({ hasText: 'You chose to keep your place on' }).waitFor();
  expect((await read()).etaChoice.keptAt).toBe(after.etaChoice.keptAt);

  // ---- customer service sees the email and the choice in the backorder's timeline --------------------
  const lookup = await signInToConsole(browser, platform.baseUrl, platform.adminToken, {
    hash: `#/lookup?search=1&email=${encodeURIComponent(ada.email)}`,
    pageErrors,
  });
  try {
    const card = lookup.locator('#lookup-backorders > li').first();
    const timeline = card.getByRole('list', { name: `Timeline of ${sku}` });
    await timeline.and(lookup.locator('[data-timeline="full"]')).waitFor();
    const updateEntry = timeline.locator('li').filter({ hasText: 'Expected date update' });
    await updateEntry.waitFor();
    expect(await updateEntry.textContent()).toContain('asked to keep or cancel');
    await timeline.locator('li').filter({ hasText: 'Kept their place after the date moved' }).waitFor();
    await screenshot(lookup, 'timeline');
  } finally {
    await lookup.context().close();
  }

  expect(pageErrors).toEqual([]);
}, 120_000);
