/**
 * The store connectors through HTTP (docs/connectors.md): a store's secret saved write-only with the
 * settings, and Shopify's products/update webhook, delivered as Shopify sends it. A good delivery sets free
 * units and a waiting shopper is allocated; the same delivery again, the same figure again or an older state
 * changes nothing; an unsigned, wrongly signed or unconfigured delivery is 401, a body not Shopify's is 400,
 * a huge one 413, and nothing changes. Every delivery shows in the console's list, refusals included.
 * WooCommerce's connector: store-connectors-woocommerce.test.ts. The tests run in order.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { signUpShopper } from '../support/shop';
import {
  connectStore,
  deliveriesOf,
  freeUnitsOf,
  postShopify,
  shopifyProduct,
} from '../support/store-webhooks';
import { waitForValue } from '../support/wait';
import { expectError, newProduct, sleep, statusOf } from './helpers';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform?.stop());

const SECRET = '4e1c2a7f9b3d5e8a0c6f2b4d8e1a3c5f7b9d0e2a4c6e8f1b3d5a7c9e0f2b4d6a';

const stockOf = (sku: string) => freeUnitsOf(platform, sku);

const deliveries = () => deliveriesOf(platform, 'shopify');

describe('the secret, with the settings', () => {
  test('a new shop has no store connected', async () => {
    const settings = await platform.admin('GET', '/api/admin/settings');
    expect(settings.body.connectors).toEqual({
      shopify: { configured: false },
      woocommerce: { configured: false },
    });
  });

  test('a secret is saved with the settings and never shown again', async () => {
    const saved = await connectStore(platform, 'shopify', SECRET);
    expect(saved.status).toBe(200);
    expect(saved.body.connectors).toEqual({
      shopify: { configured: true },
      woocommerce: { configured: false },
    });
    const read = await platform.admin('GET', '/api/admin/settings');
    expect(read.body.connectors.shopify).toEqual({ configured: true });
    expect(JSON.stringify([saved.body, read.body])).not.toContain(SECRET.slice(0, 16));
  });

  test('the settings form (no connectors) and a body sent back as GET showed it keep the secret', async () => {
    const { connectors: _shown, ...site } = (await platform.admin('GET', '/api/admin/settings')).body;
    const form = await platform.admin('PUT', '/api/admin/settings', { ...site, doubleOptIn: false });
    expect(form.status).toBe(200);
    expect(form.body.connectors.shopify).toEqual({ configured: true });
    const echoed = await platform.admin('PUT', '/api/admin/settings', {
      ...(await platform.admin('GET', '/api/admin/settings')).body,
    });
    expect(echoed.body).toMatchObject({ doubleOptIn: false, connectors: { shopify: { configured: true } } });
  });

  test('a bad secret is a 400 naming it, and nothing of the save is written', async () => {
    const before = (await platform.admin('GET', '/api/admin/settings')).body;
    for (const connectors of [
      { shopify: { secret: 'too-short' } },
      { woocommerce: { secret: 'x'.repeat(257) } },
      { magento: { secret: SECRET } },
      { shopify: { secret: SECRET, url: 'https://x.example' } },
    ]) {
      const refused = await platform.admin('PUT', '/api/admin/settings', {
        ...before,
        doubleOptIn: !before.doubleOptIn,
        connectors,
      });
      expectError(refused, 400, 'VALIDATION');
      expect(refused.body.error.details[0].path).toMatch(/^connectors/);
    }
    expect((await platform.admin('GET', '/api/admin/settings')).body).toEqual(before);
  });
});

describe("Shopify's products/update webhook", () => {
  let sku: string;
  let first: Awaited<ReturnType<typeof signUpShopper>>;
  let second: Awaited<ReturnType<typeof signUpShopper>>;
  const delivered = {
    body: {} as Record<string, unknown>,
    webhookId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
  };

  test('a delivery sets the free units and the waiting shopper is allocated', async () => {
    sku = await newProduct(platform, 'shopify-tee');
    first = await signUpShopper(platform, { sku, quantity: 2, label: 'shopify-first' });
    delivered.body = shopifyProduct(
      [
        { sku, quantity: 5, title: 'M' },
        { sku: 'NOT-OURS-1', quantity: 9, title: 'L' },
        { sku: null, quantity: 3, title: 'S' },
      ],
      { updatedAt: '2026-03-02T10:15:00-05:00' },
    );
    const answer = await postShopify(platform, delivered.body, {
      secret: SECRET,
      webhookId: delivered.webhookId,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      outcome: 'accepted',
      reason: '1 SKU set, 1 unknown SKU ignored, 1 entry without a SKU ignored',
      skus: [sku],
    });
    expect(
      await waitForValue(async () => (await statusOf(platform, first.statusUrl)).body.status, 'allocated'),
    ).toEqual('allocated');
    expect(await waitForValue(() => stockOf(sku), 3)).toEqual(3);
  });

  test('the same delivery again answers 200 and changes nothing', async () => {
    // Wants 4 of the 3 left: waits. Were the delivery applied again (5 free), it would be allocated.
    second = await signUpShopper(platform, { sku, quantity: 4, label: 'shopify-second' });
    const again = await postShopify(platform, delivered.body, {
      secret: SECRET,
      webhookId: delivered.webhookId,
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'duplicate', skus: [] });
    await sleep(1500);
    expect(await stockOf(sku)).toBe(3);
    expect((await statusOf(platform, second.statusUrl)).body.status).toBe('waiting');
  });

  test('the same figure in a new delivery (the product edited) does not hand the units out again', async () => {
    const edited = shopifyProduct([{ sku, quantity: 5 }], { updatedAt: '2026-03-02T11:00:00-05:00' });
    const answer = await postShopify(platform, edited, { secret: SECRET });
    expect(answer.body).toMatchObject({
      outcome: 'accepted',
      reason: 'nothing set, 1 SKU unchanged',
      skus: [],
    });
    await sleep(1000);
    expect(await stockOf(sku)).toBe(3);
    expect((await statusOf(platform, second.statusUrl)).body.status).toBe('waiting');
  });

  test('a new figure is set, and the next shopper is allocated', async () => {
    const restocked = shopifyProduct([{ sku, quantity: 8 }], { updatedAt: '2026-03-02T12:00:00-05:00' });
    expect((await postShopify(platform, restocked, { secret: SECRET })).body.skus).toEqual([sku]);
    expect(
      await waitForValue(async () => (await statusOf(platform, second.statusUrl)).body.status, 'allocated'),
    ).toEqual('allocated');
    expect(await waitForValue(() => stockOf(sku), 4)).toEqual(4);
  });

  test('an older state arriving late (a retry of hours ago) is ignored', async () => {
    const late = shopifyProduct([{ sku, quantity: 1 }], { updatedAt: '2026-03-02T11:30:00-05:00' });
    const answer = await postShopify(platform, late, { secret: SECRET });
    expect(answer.body.reason).toBe('nothing set, 1 SKU older than the figure already set, ignored');
    expect(await stockOf(sku)).toBe(4);
  });

  test('a negative quantity (oversold) sets 0', async () => {
    const oversold = shopifyProduct([{ sku, quantity: -2 }], { updatedAt: '2026-03-02T13:00:00-05:00' });
    expect((await postShopify(platform, oversold, { secret: SECRET })).body.skus).toEqual([sku]);
    expect(await stockOf(sku)).toBe(0);
  });

  test('unknown SKUs only: 200, nothing set', async () => {
    const answer = await postShopify(platform, shopifyProduct([{ sku: 'NOT-OURS-2', quantity: 4 }]), {
      secret: SECRET,
    });
    expect(answer.body).toEqual({
      outcome: 'accepted',
      reason: 'nothing set, 1 unknown SKU ignored',
      skus: [],
    });
  });

  test('a product of many variants, far past 16 KiB, is read whole', async () => {
    const big = await newProduct(platform, 'shopify-big');
    const body = shopifyProduct([
      ...Array.from({ length: 240 }, (_, i) => ({ sku: `OTHER-${i}`, quantity: i })),
      { sku: big, quantity: 6 },
    ]);
    expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(160 * 1024);
    const answer = await postShopify(platform, body, { secret: SECRET });
    expect(answer.status).toBe(200);
    expect(answer.body.skus).toEqual([big]);
    expect(await stockOf(big)).toBe(6);
  });

  test('another topic is not read: 200, ignored', async () => {
    const answer = await postShopify(
      platform,
      { id: 1, line_items: [] },
      { secret: SECRET, topic: 'orders/create' },
    );
    expect(answer.body).toMatchObject({ outcome: 'ignored' });
  });
});

describe('refused deliveries change nothing', () => {
  let sku: string;
  const body = () => shopifyProduct([{ sku, quantity: 7 }], { updatedAt: '2026-03-03T10:00:00Z' });

  beforeAll(async () => {
    sku = await newProduct(platform, 'shopify-refused');
  });

  test.each<[string, { secret?: string; signature?: string | null }]>([
    ['no signature', { signature: null }],
    ['a signature made with another secret', { secret: `${SECRET.slice(1)}0` }],
    ['a garbled signature', { signature: 'bm90IGEgc2lnbmF0dXJl' }],
  ])('%s → 401', async (_label, how) => {
    expectError(await postShopify(platform, body(), how), 401, 'UNAUTHORIZED');
    expect(await stockOf(sku)).toBe(0);
  });

  test('a body that is not a product, once the signature holds → 400; unsigned, 401 first', async () => {
    for (const raw of [
      '{"id":1,"line_items":[]}',
      'not json',
      '{"id":1,"variants":[{"sku":"A","inventory_quantity":"5"}]}',
    ]) {
      expectError(await postShopify(platform, raw, { secret: SECRET }), 400, 'VALIDATION');
      expectError(await postShopify(platform, raw, { signature: null }), 401, 'UNAUTHORIZED');
    }
  });

  test('a body over 1 MiB → 413', async () => {
    const huge = shopifyProduct(
      Array.from({ length: 2000 }, (_, i) => ({ sku: `${sku}-${i}`, quantity: 1 })),
    );
    const raw = JSON.stringify(huge);
    expect(Buffer.byteLength(raw)).toBeGreaterThan(1024 * 1024);
    expectError(await postShopify(platform, raw, { secret: SECRET }), 413, 'PAYLOAD_TOO_LARGE');
  });

  test('a disconnected store is refused as if unsigned, and can be connected again', async () => {
    expect((await connectStore(platform, 'shopify', null)).body.connectors.shopify).toEqual({
      configured: false,
    });
    expectError(await postShopify(platform, body(), { secret: SECRET }), 401, 'UNAUTHORIZED');
    expect(await stockOf(sku)).toBe(0);
    await connectStore(platform, 'shopify', SECRET);
    expect((await postShopify(platform, body(), { secret: SECRET })).body.skus).toEqual([sku]);
    expect(await stockOf(sku)).toBe(7);
  });
});

describe("the console's list of deliveries", () => {
  test('newest first, with outcome and reason; unsigned ones of a minute counted on one row', async () => {
    const items = await deliveries();
    expect(items[0]).toMatchObject({ outcome: 'accepted', status: 200, count: 1 });
    expect(items[0].skus).toHaveLength(1);
    const times = items.map((item) => item.receivedAt);
    expect(times).toEqual([...times].sort().reverse());
    const outcomes = new Set(items.map((item) => item.outcome));
    expect([...outcomes].sort()).toEqual(['accepted', 'duplicate', 'ignored', 'refused']);
    expect(items.find((item) => item.outcome === 'duplicate')).toMatchObject({
      deliveryId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      topic: 'products/update',
      reason: 'already received: nothing changed',
    });
    const refusals = items.filter((item) => item.status === 401);
    const count = (reason: string) =>
      refusals.filter((item) => item.reason === reason).reduce((sum, item) => sum + item.count, 0);
    expect(count('refused: bad signature')).toBe(2);
    expect(count('refused: no signature')).toBe(1 + 3);
    expect(count('refused: no secret is set for this store')).toBe(1);
    expect(items.filter((item) => item.status === 400)).toHaveLength(3);
    expect(items.find((item) => item.status === 400)!.reason).toMatch(/^refused: The body is not/);
  });

  test('at most the newest 50; an unknown store is 404; the admin token is needed', async () => {
    for (let i = 0; i < 50; i++)
      await postShopify(platform, shopifyProduct([{ sku: 'NOT-OURS-3', quantity: i }]), { secret: SECRET });
    expect(await deliveries()).toHaveLength(50);
    expectError(await platform.admin('GET', '/api/admin/connectors/magento/deliveries'), 404, 'NOT_FOUND');
    expectError(
      await platform.request('GET', '/api/admin/connectors/shopify/deliveries'),
      401,
      'UNAUTHORIZED',
    );
  });
});
