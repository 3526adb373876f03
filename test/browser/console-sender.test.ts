/**
 * The console's settings page, in a real browser, against a platform that may send from shop.example only:
 * a From on another domain is refused next to the From field, with the identities that would do; a From on
 * the verified domain is saved. Screenshot: test-results/console-sender-refused.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, signInToConsole } from '../support/browser';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');

let platform: TestPlatform;
let browser: Browser;

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  platform = await startTestPlatform({ senderIdentities: ['shop.example'] });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

/** The text of the error shown next to a field (the element its aria-describedby names), once there is one. */
const fieldError = async (field: Locator): Promise<string> => {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await field.evaluate((element) =>
      (element.getAttribute('aria-describedby') ?? '')
        .split(/\s+/)
        .map((id) => document.getElementById(id))
        .filter((node) => node && node.classList.contains('field-error') && !node.hidden)
        .map((node) => node!.textContent ?? '')
        .join(' ')
        .trim(),
    );
    if (text || Date.now() > deadline) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

test('a From outside the verified identities is refused next to the From field; one inside is saved', async () => {
  const pageErrors: string[] = [];
  const page: Page = await signInToConsole(browser, platform.baseUrl, platform.adminToken, { pageErrors });
  const context = page.context();
  try {
    await page.getByRole('heading', { level: 1, name: 'Site settings' }).waitFor();

    const from = page.getByRole('textbox', { name: 'From', exact: true });
    await from.fill('Corner Shop <hello@elsewhere.example>');
    await page
      .getByRole('textbox', { name: 'Postal address' })
      .fill('Corner Shop Ltd, 1 Quay Street, Bristol');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await fieldError(from)).toBe(
      'elsewhere.example is not a verified sending identity; verified: shop.example',
    );
    expect(await from.getAttribute('aria-invalid')).toBe('true');
    await page.locator('#settings-result').filter({ hasText: 'The settings were not saved.' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-sender-refused.png'), fullPage: true });
    expect((await platform.admin('GET', '/api/admin/settings')).body.sender.from).not.toContain('elsewhere');

    await from.fill('Corner Shop <hello@shop.example>');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('#settings-result').filter({ hasText: 'Settings saved.' }).waitFor();
    expect(await from.getAttribute('aria-invalid')).toBeNull();
    expect((await platform.admin('GET', '/api/admin/settings')).body.sender.from).toBe(
      'Corner Shop <hello@shop.example>',
    );
    expect(pageErrors).toEqual([]);
  } finally {
    await context.close();
  }
});
