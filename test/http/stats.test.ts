/**
 * GET /api/admin/stats (docs/api.md): the contract's shape, `{"products":[{"sku","waiting","allocated",
 * "fulfilled","cancelled","unitsWaiting"}],"emails":{"sent","bounced","complained","unsubscribed"}}`, with
 * the figures added beyond it (median wait, share cancelled while waiting, nurture steps, waiting units per
 * day); 401 without valid admin credentials; a bad `days` is a 400.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { uniqueEmail, waitForEmails } from '../support/mailbox';
import { expectError, newProduct, signUp } from './helpers';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform?.stop());

const isCount = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;

test('answers the contract shape, every figure a count, with the extra figures next to them', async () => {
  const sku = await newProduct(platform, 'stats', { name: 'Stats <shape> tee' });
  const email = uniqueEmail('stats');
  expect((await signUp(platform, { sku, email, quantity: 2 })).status).toBe(201);
  await waitForEmails(platform.sesUrl, email, 1);
  const campaign = await platform.admin('PUT', '/api/admin/campaigns/stats-shape', {
    name: 'Shape',
    active: false,
    steps: [{ id: 'first', delay: 'P1D', subject: 'Hello {{ shopper.name }}', html: '<p>Hi</p>' }],
  });
  expect(campaign.status).toBe(201);

  const response = await platform.admin('GET', '/api/admin/stats');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const { products, emails, steps, days } = response.body;

  expect(Array.isArray(products)).toBe(true);
  for (const product of products) {
    expect(typeof product.sku).toBe('string');
    for (const field of ['waiting', 'allocated', 'fulfilled', 'cancelled', 'unitsWaiting'])
      expect(isCount(product[field])).toBe(true);
  }
  const mine = products.find((p: { sku: string }) => p.sku === sku);
  expect(mine).toMatchObject({
    sku,
    name: 'Stats <shape> tee',
    waiting: 1,
    allocated: 0,
    fulfilled: 0,
    cancelled: 0,
    unitsWaiting: 2,
    created: 1,
    cancelledWhileWaiting: 0,
    cancelledWhileWaitingShare: 0,
    medianWaitSeconds: null,
  });
  expect(days).toBe(30);
  expect(mine.daily).toHaveLength(30);
  expect(mine.daily.at(-1)).toEqual({
    day: new Date().toISOString().slice(0, 10),
    unitsAdded: 2,
    unitsRemoved: 0,
    unitsWaiting: 2,
  });

  for (const field of ['sent', 'bounced', 'complained', 'unsubscribed'])
    expect(isCount(emails[field])).toBe(true);
  expect(emails.sent).toBeGreaterThanOrEqual(1);
  expect(emails.sentByKind.confirmation).toBeGreaterThanOrEqual(1);

  expect(steps).toContainEqual({
    clicks: 0,
    campaignId: 'stats-shape',
    campaignName: 'Shape',
    campaignActive: false,
    stepId: 'first',
    position: 1,
    subject: 'Hello {{ shopper.name }}',
    sent: 0,
    cancelledAfter: 0,
  });
});

test('the window of the daily series is chosen with days=1…366; anything else is a 400', async () => {
  const week = await platform.admin('GET', '/api/admin/stats?days=7');
  expect(week.status).toBe(200);
  expect(week.body.days).toBe(7);
  for (const product of week.body.products) expect(product.daily).toHaveLength(7);
  for (const bad of ['0', '367', 'x', '1.5'])
    expectError(await platform.admin('GET', `/api/admin/stats?days=${bad}`), 400, 'VALIDATION');
});

test('without valid admin credentials → 401 UNAUTHORIZED, and no figure is given away', async () => {
  for (const headers of <Record<string, string>[]>[
    {},
    { authorization: 'Bearer not-the-admin-token' },
    { authorization: `Bearer ${platform.adminToken}x` },
  ]) {
    const response = await platform.request('GET', '/api/admin/stats', { headers });
    expectError(response, 401, 'UNAUTHORIZED');
    expect(response.body).not.toHaveProperty('products');
  }
  expectError(
    await platform.request('GET', `/api/admin/stats?token=${encodeURIComponent(platform.adminToken)}`),
    401,
    'UNAUTHORIZED',
  );
});
