/**
 * Too many signups → 429 RATE_LIMITED with Retry-After (docs/local.md, docs/api.md): per client address and per email,
 * per minute. This file runs its own platform with a limit of 3. Different client addresses are real ones
 * (127.0.0.x on the loopback interface), not a header the client could forge.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { emailsTo, uniqueEmail, waitForEmails } from '../support/mailbox';
import { adminBackorders, expectError, newProduct, requestFrom, sleep } from './helpers';

const LIMIT = 3;

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ signupRateLimit: LIMIT });
});
afterAll(async () => platform?.stop());

/** The limit counts per clock minute: start a burst only when it cannot straddle two minutes. */
const awayFromMinuteBoundary = async () => {
  const intoMinute = (Date.now() / 1000) % 60;
  if (intoMinute > 56) await sleep((61 - intoMinute) * 1000);
};

const expectRateLimited = (response: Awaited<ReturnType<typeof requestFrom>>) => {
  expectError(response, 429, 'RATE_LIMITED');
  const retryAfter = response.headers.get('retry-after');
  expect(retryAfter).toMatch(/^[1-9]\d*$/);
  expect(Number(retryAfter)).toBeLessThanOrEqual(60);
};

test('the 4th signup from the same client address within a minute → 429 with Retry-After, and nothing is stored', async () => {
  const sku = await newProduct(platform, 'rate-address');
  await awayFromMinuteBoundary();
  const client = '127.0.0.11';
  const allowedEmails = Array.from({ length: LIMIT }, (_, i) => uniqueEmail(`rate-address-${i}`));
  for (const allowedEmail of allowedEmails) {
    const allowed = await requestFrom(platform, client, 'POST', '/api/backorders', {
      sku,
      email: allowedEmail,
    });
    expect(allowed.status).toBe(201);
  }
  const email = uniqueEmail('rate-address-over');
  const refused = await requestFrom(platform, client, 'POST', '/api/backorders', { sku, email });
  expectRateLimited(refused);
  expect((await adminBackorders(platform, { email })).body.items).toEqual([]);
  expect((await adminBackorders(platform, { sku })).body.items).toHaveLength(LIMIT);

  // Another shopper's machine is not held back by this one.
  const other = await requestFrom(platform, '127.0.0.12', 'POST', '/api/backorders', {
    sku,
    email: uniqueEmail('rate-address-other'),
  });
  expect(other.status).toBe(201);

  // Once the allowed shoppers' confirmations are out, the refused one has had the same time to (not) get one.
  for (const allowedEmail of allowedEmails)
    expect(await waitForEmails(platform.sesUrl, allowedEmail)).toHaveLength(1);
  expect(await emailsTo(platform.sesUrl, email)).toEqual([]);
});

test('the 4th signup of the same email within a minute → 429, even across SKUs and client addresses', async () => {
  const skus = await Promise.all([1, 2, 3, 4].map((n) => newProduct(platform, `rate-email-${n}`)));
  await awayFromMinuteBoundary();
  const email = uniqueEmail('rate-email');
  for (let i = 0; i < LIMIT; i++) {
    const allowed = await requestFrom(platform, `127.0.0.${21 + i}`, 'POST', '/api/backorders', {
      sku: skus[i],
      email,
    });
    expect(allowed.status).toBe(201);
  }
  const refused = await requestFrom(platform, '127.0.0.29', 'POST', '/api/backorders', {
    sku: skus[3],
    email: email.toUpperCase(),
  });
  expectRateLimited(refused);
  expect((await adminBackorders(platform, { sku: skus[3] })).body.items).toEqual([]);
  expect((await adminBackorders(platform, { email })).body.items).toHaveLength(LIMIT);
  expect(await waitForEmails(platform.sesUrl, email, LIMIT)).toHaveLength(LIMIT);
});

test('a forged CloudFront-Viewer-Address header does not dodge the per-address limit', async () => {
  const sku = await newProduct(platform, 'rate-forged');
  await awayFromMinuteBoundary();
  const answers = [];
  for (let i = 0; i <= LIMIT; i++) {
    answers.push(
      await platform.request('POST', '/api/backorders', {
        json: { sku, email: uniqueEmail(`rate-forged-${i}`) },
        headers: { 'cloudfront-viewer-address': `198.51.100.${i + 1}:443` },
      }),
    );
  }
  expect(answers.slice(0, LIMIT).map((a) => a.status)).toEqual([201, 201, 201]);
  expectRateLimited(answers[LIMIT]);
});

test('reading the product page is not rate limited', async () => {
  const sku = await newProduct(platform, 'rate-reads');
  for (let i = 0; i < LIMIT * 3; i++) {
    expect((await requestFrom(platform, '127.0.0.31', 'GET', `/api/products/${sku}`)).status).toBe(200);
  }
});
