/**
 * The machine's Chromium (or Chrome), driven by playwright-core (no browser download): headless, and without
 * the background networking that a closed network would refuse.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where a Chromium or Chrome usually is: `CHROMIUM_PATH` first, then Debian/Ubuntu, Fedora, macOS. */
const CANDIDATES = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** The browser the tests drive, or a one-line way to get one. */
export const chromiumPath = (): string => {
  const found = CANDIDATES.find((path): path is string => Boolean(path) && fs.existsSync(path!));
  if (found) return found;
  throw new Error(
    'No Chromium for the browser tests: install it (Debian/Ubuntu: apt-get install -y chromium; ' +
      'macOS: brew install --cask chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable',
  );
};

export const launchChromium = async (): Promise<Browser> => {
  const executablePath = chromiumPath();
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
};

export interface ConsoleSignIn {
  /** The console address after `/console/`: `#/lookup`. */
  hash?: string;
  viewport?: { width: number; height: number };
  acceptDownloads?: boolean;
  /** Each wait's limit (10 s). */
  timeoutMs?: number;
  /** Where the page's uncaught errors are collected, for the test that checks there were none. */
  pageErrors?: string[];
}

/**
 * A new browser context on the console, signed in with `token` (the admin's, a marketer's, support's, or
 * anything a test wants refused): the steps every console test starts with. The sign-in's outcome is the
 * test's to wait for. Close it with `page.context().close()`.
 */
export const signInToConsole = async (
  browser: Browser,
  baseUrl: string,
  token: string,
  options: ConsoleSignIn = {},
): Promise<Page> => {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    acceptDownloads: options.acceptDownloads,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(options.timeoutMs ?? 10_000);
  if (options.pageErrors) page.on('pageerror', (error) => options.pageErrors!.push(error.message));
  await page.goto(`${baseUrl}/console/${options.hash ?? ''}`);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
};

/** Where browser tests leave their screenshots. */
export const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');

/**
 * A journey's pages (a shopper's inbox, status page…): all on one phone-sized context, made on first use, each
 * with the file's 10 s waits and its uncaught errors collected in `pageErrors`; screenshots named
 * `<name>-<shot>.png`. `close()` in the file's `afterAll`.
 */
export const journeyPages = (name: string, viewport = { width: 390, height: 844 }) => {
  let context: BrowserContext | undefined;
  const pageErrors: string[] = [];
  return {
    pageErrors,
    newPage: async (browser: Browser): Promise<Page> => {
      context ??= await browser.newContext({ viewport });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      page.on('pageerror', (error) => pageErrors.push(error.message));
      return page;
    },
    screenshot: (page: Page, shot: string) => {
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      return page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${shot}.png`), fullPage: true });
    },
    close: async (): Promise<void> => {
      await context?.close();
    },
  };
};
