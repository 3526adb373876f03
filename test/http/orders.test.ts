/**
 * From alert to order, as clients see it (docs/orders.md): bad input to the new routes and bodies gets the
 * contract's 4xx and changes nothing; API keys reach paid orders and claim checks only with their scopes;
 * the "complete your order" link answers a wrong link like the status page does.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { uniqueEmail } from '../support/mailbox';
import { adminBackorders, expectError, newProduct, signUp } from './helpers';

let platform: TestPlatform;
let sku: string;
let waitingId: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  sku = await newProduct(platform, 'orders', { name: 'Orders tee', backorders: { enabled: true } });
  waitingId = (await signUp(platform, { sku, email: uniqueEmail('orders') })).body.id;
});
afterAll(async () => platform?.stop());

const order = (overrides: Record<string, unknown> = {}) => ({
  sku,
  email: uniqueEmail('paid'),
  order: { id: `O-${Math.random().toString(36).slice(2)}`, amount: { value: 2999, currency: 'EUR' } },
  ...overrides,
});

const asKey = async (scopes: string[]) => {
  const made = await platform.admin('POST', '/api/admin/api-keys', { name: scopes.join(' '), scopes });
  expect(made.status).toBe(201);
  const key = made.body.key as string;
  return (method: string, path: string, json?: unknown) =>
    platform.request(method, path, { json, headers: { authorization: `Bearer ${key}` } });
};

test.each([
  ['no order', { order: undefined }],
  ['a negative amount', { order: { id: 'A-1', amount: { value: -1, currency: 'EUR' } } }],
  ['an amount in major units', { order: { id: 'A-2', amount: { value: 29.99, currency: 'EUR' } } }],
  ['a currency in lower case', { order: { id: 'A-3', amount: { value: 1, currency: 'eur' } } }],
  [
    'an order id of 101 characters',
    { order: { id: 'x'.repeat(101), amount: { value: 1, currency: 'EUR' } } },
  ],
  [
    'an order id with a control character',
    { order: { id: 'A\u0000', amount: { value: 1, currency: 'EUR' } } },
  ],
  ['an unknown field', { price: 1 }],
  ['a quantity of 0', { quantity: 0 }],
  ['a bad email', { email: 'not-an-address' }],
  ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }],
])('a paid order with %s → 400, nothing queued', async (_label, overrides) => {
  const before = (await adminBackorders(platform, { sku })).body.items.length;
  expectError(await platform.admin('POST', '/api/admin/backorders', order(overrides)), 400, 'VALIDATION');
  expect((await adminBackorders(platform, { sku })).body.items).toHaveLength(before);
});

test('a paid order for an unknown product → 404; API keys need backorders:write', async () => {
  expectError(
    await platform.admin('POST', '/api/admin/backorders', order({ sku: 'NO-SUCH-SKU' })),
    404,
    'NOT_FOUND',
  );
  const reader = await asKey(['backorders:read']);
  expectError(await reader('POST', '/api/admin/backorders', order()), 403, 'FORBIDDEN');
  const writer = await asKey(['backorders:write']);
  const placed = await writer('POST', '/api/admin/backorders', order());
  expect(placed.status).toBe(201);
  expect(placed.body).toMatchObject({ kind: 'order', status: 'waiting', created: true });
});

test('claim checks: bad bodies → 400, an unknown claim → 404, keys need backorders:read', async () => {
  for (const body of [{}, { claim: 42 }, { claim: 'x', extra: 1 }, { claim: 'x'.repeat(201) }])
    expectError(await platform.admin('POST', '/api/admin/claims/verify', body), 400, 'VALIDATION');
  expectError(
    await platform.admin('POST', '/api/admin/claims/verify', {
      claim: `${waitingId}-AAAAAAAAAAAAAAAAAAAAAA`,
    }),
    404,
    'NOT_FOUND',
  );
  const products = await asKey(['products:read']);
  expectError(await products('POST', '/api/admin/claims/verify', { claim: 'x' }), 403, 'FORBIDDEN');
  const reader = await asKey(['backorders:read']);
  expectError(await reader('POST', '/api/admin/claims/verify', { claim: 'x' }), 404, 'NOT_FOUND');
});

test('extend and fulfil bodies: bad ones → 400; a waiting backorder has no hold to extend → 409; nothing changed', async () => {
  for (const body of [{}, { by: 'tomorrow' }, { by: 'P1D', extra: true }, { by: 'P31D' }])
    expectError(
      await platform.admin('POST', `/api/admin/backorders/${waitingId}/extend`, body),
      400,
      'VALIDATION',
    );
  expectError(
    await platform.admin('POST', `/api/admin/backorders/${waitingId}/extend`, { by: 'P1D' }),
    409,
    'CONFLICT',
  );
  expectError(
    await platform.admin('POST', '/api/admin/backorders/01JABCDEFGHJKMNPQRSTVWXYZ0/extend', { by: 'P1D' }),
    404,
    'NOT_FOUND',
  );
  for (const body of [
    { amount: { value: 1, currency: 'EUR' } },
    { orderId: 'X', amount: { value: 1, currency: 'euro' } },
    { orderId: 'X', note: 'hi' },
    { orderId: '' },
  ])
    expectError(
      await platform.admin('POST', `/api/admin/backorders/${waitingId}/fulfil`, body),
      400,
      'VALIDATION',
    );
  const [item] = (await adminBackorders(platform, { sku, status: 'waiting' })).body.items.filter(
    (b: { id: string }) => b.id === waitingId,
  );
  expect(item).toMatchObject({ status: 'waiting', kind: 'reservation', holdUntil: null });
  expect(item.order).toBeUndefined();
});

test('checkout settings: bad templates and holds → 400 and the saved settings stay', async () => {
  const current = (await platform.admin('GET', '/api/admin/settings')).body;
  for (const checkout of [
    { url: 'https://shop.example/{product}' },
    { url: 'javascript:alert(1)' },
    { hold: 'P31D' },
    { hold: 'PT5S' },
    { url: 'https://shop.example/', redirect: 'x' },
  ]) {
    expectError(
      await platform.admin('PUT', '/api/admin/settings', { ...current, checkout }),
      400,
      'VALIDATION',
    );
    expectError(
      await platform.admin('PUT', `/api/admin/products/${sku}`, { name: 'Orders tee', checkout }),
      400,
      'VALIDATION',
    );
  }
  expect((await platform.admin('GET', '/api/admin/settings')).body).toEqual(current);
  expect((await platform.admin('GET', `/api/admin/products/${sku}`)).body.checkout).toBeUndefined();
});

test('a "complete your order" link with a wrong token or id → 404, as the status page answers', async () => {
  for (const path of [`/r/${waitingId}?token=wrong`, `/r/${waitingId}`, '/r/not-an-id?token=x', '/r/'])
    expectError(await platform.request('GET', path), 404, 'NOT_FOUND');
});
