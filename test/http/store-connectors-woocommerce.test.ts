/**
 * WooCommerce's product.updated webhook through HTTP (docs/connectors.md), delivered as WooCommerce sends
 * it: the body as PHP's json_encode writes it, signed over those bytes, with WooCommerce's headers; and the
 * unsigned ping it sends when a webhook is saved. Shopify's connector and the secret's settings:
 * store-connectors.test.ts. The tests run in order.
 */
import { storeSignature } from '../../lambdas/domain/store-webhooks';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { signUpShopper } from '../support/shop';
import {
  connectStore,
  phpJson,
  pingWooCommerce,
  postWooCommerce,
  wooCommerceProduct,
  wooDeliveryId,
  deliveriesOf,
  freeUnitsOf,
} from '../support/store-webhooks';
import { waitForValue } from '../support/wait';
import { expectError, newProduct, sleep, statusOf } from './helpers';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform?.stop());

// As WooCommerce generates them: 50 characters, symbols and spaces included.
const SECRET = 'q7 L]x{2<Tb~`9+r=,Vd.;K:/?|wM-_E3[hN}>u8 Z!s@#$%^&';

const stockOf = (sku: string) => freeUnitsOf(platform, sku);

const deliveries = () => deliveriesOf(platform, 'woocommerce');

test('the ping of a newly saved webhook → 200 before any secret is set, and nothing changes', async () => {
  const sku = await newProduct(platform, 'woo-ping');
  const ping = await pingWooCommerce(platform, 3);
  expect(ping.status).toBe(200);
  expect(ping.body).toMatchObject({ outcome: 'ping', skus: [] });
  expect(await stockOf(sku)).toBe(0);
  expect((await deliveries())[0]).toMatchObject({ outcome: 'ping', status: 200, deliveryId: null });
});

test('a signed delivery before a secret is set → 401, recorded as such', async () => {
  const sku = await newProduct(platform, 'woo-no-secret');
  expectError(
    await postWooCommerce(platform, wooCommerceProduct(sku, 5), { secret: SECRET }),
    401,
    'UNAUTHORIZED',
  );
  expect(await stockOf(sku)).toBe(0);
  expect((await deliveries())[0]).toMatchObject({
    outcome: 'refused',
    status: 401,
    reason: 'refused: no secret is set for this store',
    topic: 'product.updated',
  });
});

describe('connected', () => {
  let sku: string;
  beforeAll(async () => {
    expect((await connectStore(platform, 'woocommerce', SECRET)).body.connectors.woocommerce).toEqual({
      configured: true,
    });
    sku = await newProduct(platform, 'woo-tee');
  });

  test('product.updated sets the free units (signed over PHP’s JSON) and the waiting shopper is allocated', async () => {
    const shopper = await signUpShopper(platform, { sku, quantity: 3, label: 'woo-shopper' });
    const product = wooCommerceProduct(sku, 4, { modifiedGmt: '2026-03-02T15:15:00' });
    expect(phpJson(product)).toContain('\\/');
    expect(phpJson(product)).toContain('\\u2013');
    const deliveryId = wooDeliveryId();
    const answer = await postWooCommerce(platform, product, { secret: SECRET, deliveryId });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ outcome: 'accepted', reason: '1 SKU set', skus: [sku] });
    expect(
      await waitForValue(async () => (await statusOf(platform, shopper.statusUrl)).body.status, 'allocated'),
    ).toEqual('allocated');
    expect(await waitForValue(() => stockOf(sku), 1)).toEqual(1);

    // The same delivery again: 200, nothing set twice.
    const again = await postWooCommerce(platform, product, { secret: SECRET, deliveryId });
    expect(again.body).toMatchObject({ outcome: 'duplicate' });
    await sleep(1000);
    expect(await stockOf(sku)).toBe(1);
  });

  test('another delivery of the same second shares its delivery id: it is applied, not a duplicate', async () => {
    const other = await newProduct(platform, 'woo-same-second');
    const deliveryId = wooDeliveryId();
    const first = await postWooCommerce(
      platform,
      wooCommerceProduct(other, 2, { modifiedGmt: '2026-03-02T16:00:00' }),
      { secret: SECRET, deliveryId },
    );
    const second = await postWooCommerce(
      platform,
      wooCommerceProduct(sku, 9, { modifiedGmt: '2026-03-02T16:00:00' }),
      { secret: SECRET, deliveryId },
    );
    expect([first.body.skus, second.body.skus]).toEqual([[other], [sku]]);
    expect([await stockOf(other), await stockOf(sku)]).toEqual([2, 9]);
  });

  test('a variation is a delivery of its own; oversold stock (negative) sets 0', async () => {
    const variation = await newProduct(platform, 'woo-variation');
    const body = wooCommerceProduct(variation, -4, { type: 'variation', modifiedGmt: '2026-03-02T16:05:00' });
    expect((await postWooCommerce(platform, body, { secret: SECRET })).body.skus).toEqual([variation]);
    expect(await stockOf(variation)).toBe(0);
  });

  test('stock not managed (stock_quantity null) and unknown SKUs are ignored: 200', async () => {
    const unmanaged = await postWooCommerce(
      platform,
      wooCommerceProduct(sku, null, { modifiedGmt: '2026-03-02T17:00:00' }),
      { secret: SECRET },
    );
    expect(unmanaged.body).toEqual({
      outcome: 'accepted',
      reason: 'nothing set, 1 SKU without a stock quantity (not tracked) ignored',
      skus: [],
    });
    const unknown = await postWooCommerce(platform, wooCommerceProduct('NOT-IN-CATALOGUE', 3), {
      secret: SECRET,
    });
    expect(unknown.body.reason).toBe('nothing set, 1 unknown SKU ignored');
    expect(await stockOf(sku)).toBe(9);
  });

  test('bad signature, no signature, a signature over other bytes → 401, nothing changes', async () => {
    const product = wooCommerceProduct(sku, 1, { modifiedGmt: '2026-03-02T18:00:00' });
    expectError(await postWooCommerce(platform, product, { secret: `${SECRET}!` }), 401, 'UNAUTHORIZED');
    expectError(await postWooCommerce(platform, product, { signature: null }), 401, 'UNAUTHORIZED');
    // Signed as plain JSON, sent as PHP writes it: the bytes differ, so does the signature.
    const signature = storeSignature(SECRET, JSON.stringify(product));
    expectError(await postWooCommerce(platform, product, { signature }), 401, 'UNAUTHORIZED');
    expect(await stockOf(sku)).toBe(9);
  });

  test('a body that is not a product → 400 once signed; another topic → 200, ignored', async () => {
    const order = { id: 4750, status: 'processing', line_items: [{ sku, quantity: 1 }] };
    expectError(await postWooCommerce(platform, order, { secret: SECRET }), 400, 'VALIDATION');
    const ignored = await postWooCommerce(platform, order, { secret: SECRET, topic: 'order.created' });
    expect(ignored.body).toMatchObject({ outcome: 'ignored' });
    expect(await stockOf(sku)).toBe(9);
  });

  test('a ping body on Shopify’s route is no ping: 401', async () => {
    const response = await platform.request('POST', '/api/webhooks/shopify', {
      raw: 'webhook_id=3',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectError(response, 401, 'UNAUTHORIZED');
  });

  test('the list shows each of them, newest first', async () => {
    const items = await deliveries();
    expect(items.map((item) => item.outcome)).toEqual(
      expect.arrayContaining(['ping', 'accepted', 'duplicate', 'ignored', 'refused']),
    );
    expect(items.at(-1)).toMatchObject({ outcome: 'ping' });
    expect(items.find((item) => item.status === 400)?.reason).toMatch(/^refused: The body is not a product/);
  });
});
