/**
 * Customer service over HTTP (docs/api.md, admin routes): GET /api/admin/backorders/{id} is one backorder with its
 * timeline, POST /api/admin/backorders/{id}/status-link sends the shopper a fresh status link. Both need the
 * admin bearer token, never show token hashes, and refuse unknown and erased backorders.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { emailedStatusLink, uniqueEmail, waitForEmails } from '../support/mailbox';
import { expectError, linkParts, newProduct, signUp } from './helpers';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform?.stop());

const UNKNOWN_ID = '01JD8X4N5Q6R7S8T9V0W1X2Y3Z';

const newBackorder = async (label: string) => {
  const sku = await newProduct(platform, label);
  const email = uniqueEmail(label);
  const response = await signUp(platform, { sku, email, name: 'Cass Service' });
  expect(response.status).toBe(201);
  return { sku, email, ...linkParts(response.body.statusUrl) };
};

describe('without the admin token', () => {
  test.each([
    ['GET', `/api/admin/backorders/${UNKNOWN_ID}`],
    ['POST', `/api/admin/backorders/${UNKNOWN_ID}/status-link`],
  ])('%s %s answers 401, with a wrong token too', async (method, path) => {
    expectError(await platform.request(method, path), 401, 'UNAUTHORIZED');
    expectError(
      await platform.request(method, path, { headers: { authorization: 'Bearer not-the-token' } }),
      401,
      'UNAUTHORIZED',
    );
  });
});

describe('GET /api/admin/backorders/{id}', () => {
  test('answers the backorder (no token hashes, no internal keys) and its timeline', async () => {
    const backorder = await newBackorder('cs-detail');
    await waitForEmails(platform.sesUrl, backorder.email, 1);
    const response = await platform.admin('GET', `/api/admin/backorders/${backorder.id}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: backorder.id,
      sku: backorder.sku,
      email: backorder.email,
      name: 'Cass Service',
      status: 'waiting',
      quantity: 1,
    });
    const text = JSON.stringify(response.body);
    for (const internal of [
      'statusTokenHashes',
      'erasedTokenHashes',
      'queueKey',
      'waitingKey',
      'listPartition',
      'skuShard',
    ])
      expect(text).not.toContain(internal);
    expect(text).not.toContain(backorder.token);
    expect(response.body.timeline[0]).toEqual({
      at: response.body.createdAt,
      type: 'created',
      by: 'shopper',
    });
    expect(response.body.timeline).toContainEqual(
      expect.objectContaining({ type: 'email', kind: 'confirmation', outcome: 'sent' }),
    );
  });

  test('an unknown or malformed id answers 404', async () => {
    expectError(await platform.admin('GET', `/api/admin/backorders/${UNKNOWN_ID}`), 404, 'NOT_FOUND');
    expectError(await platform.admin('GET', '/api/admin/backorders/nope'), 404, 'NOT_FOUND');
  });
});

describe('POST /api/admin/backorders/{id}/status-link', () => {
  test('answers 202 and queues one email', async () => {
    const backorder = await newBackorder('cs-link');
    const response = await platform.admin('POST', `/api/admin/backorders/${backorder.id}/status-link`);
    expect(response.status).toBe(202);
    expect(response.body).toEqual({
      id: backorder.id,
      emailId: expect.stringMatching(new RegExp(`^status-link#${backorder.id}#.+`)),
      queued: true,
    });
    const emails = await waitForEmails(platform.sesUrl, backorder.email, 2);
    expect(emails.map((e) => e.subject).sort()).toEqual([
      `You're on the list for Product ${backorder.sku}`,
      `Your backorder link for Product ${backorder.sku}`,
    ]);
  });

  test('is limited to 5 per backorder and hour: the 6th answers 429 with Retry-After', async () => {
    const backorder = await newBackorder('cs-limit');
    for (let i = 0; i < 5; i++) {
      expect((await platform.admin('POST', `/api/admin/backorders/${backorder.id}/status-link`)).status).toBe(
        202,
      );
    }
    const refused = await platform.admin('POST', `/api/admin/backorders/${backorder.id}/status-link`);
    expectError(refused, 429, 'RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('an unknown backorder, or one whose shopper erased their data, answers 404', async () => {
    expectError(
      await platform.admin('POST', `/api/admin/backorders/${UNKNOWN_ID}/status-link`),
      404,
      'NOT_FOUND',
    );
    const backorder = await newBackorder('cs-erased');
    // Erased through the link of the confirmation email (an email link: the one that may erase).
    const emailed = linkParts(await emailedStatusLink(platform.sesUrl, backorder.email));
    const erased = await platform.request(
      'DELETE',
      `/api/backorders/${backorder.id}?token=${encodeURIComponent(emailed.token)}`,
    );
    expect(erased.status).toBe(200);
    expectError(
      await platform.admin('POST', `/api/admin/backorders/${backorder.id}/status-link`),
      404,
      'NOT_FOUND',
    );
  });
});
