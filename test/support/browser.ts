/**
 * The machine's Chromium (or Chrome), driven by playwright-core (no browser download): headless, and without
 * the background networking that a closed network would refuse.
 */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
