/**
 * Every page, and every other file under web/, answers with the Content-Security-Policy and the other
 * security headers as a response header (lib/web-headers.ts, the same values the CloudFront response headers
 * policies send), and no page carries a policy of its own in a <meta http-equiv> tag, where it could drift.
 */
import {
  CONSOLE_CONTENT_SECURITY_POLICY,
  SECURITY_HEADERS,
  SITE_CONTENT_SECURITY_POLICY,
} from '../../lib/web-headers';
import { startTestPlatform, type TestPlatform } from '../support/platform';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform?.stop());

const META_POLICY = /<meta[^>]+http-equiv\s*=\s*["']?content-security-policy/i;

const SHOPPER_PAGES = [
  '/',
  '/p/ANTIQUE-CLOCK-1',
  '/status?id=01HZZZZZZZZZZZZZZZZZZZZZZZ',
  '/unsubscribe',
  '/confirm',
];
const CONSOLE_PAGES = ['/console/', '/console'];

describe('security headers of the site', () => {
  it.each(SHOPPER_PAGES)('%s answers with the site policy as a header and no meta tag', async (page) => {
    const response = await platform.request('GET', page);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toBe(SITE_CONTENT_SECURITY_POLICY);
    expect(String(response.body)).toMatch(/<html/);
    expect(String(response.body)).not.toMatch(META_POLICY);
  });

  it.each(CONSOLE_PAGES)('%s answers with the console policy as a header and no meta tag', async (page) => {
    const response = await platform.request('GET', page);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CONTENT_SECURITY_POLICY);
    expect(String(response.body)).toMatch(/Backorders console/);
    expect(String(response.body)).not.toMatch(META_POLICY);
  });

  it.each([
    '/',
    '/p/ANTIQUE-CLOCK-1',
    '/console/',
    '/assets/site.css',
    '/assets/console/main.js',
    '/assets/favicon.svg',
    '/no-such-page.txt',
  ])('%s carries every other security header too', async (path) => {
    const response = await platform.request('GET', path);
    expect(response.headers.get('content-security-policy')).toBeTruthy();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      expect(response.headers.get(name)).toBe(value);
    }
  });

  it('a page added later (the API reference at /api-docs/) gets the site policy without doing anything', async () => {
    const response = await platform.request('GET', '/api-docs/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(SITE_CONTENT_SECURITY_POLICY);
  });

  it('scripts and styles answer with the site policy, whatever page loads them', async () => {
    for (const path of ['/assets/console/main.js', '/assets/product.js', '/assets/console.css']) {
      const response = await platform.request('GET', path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toBe(SITE_CONTENT_SECURITY_POLICY);
    }
  });
});
