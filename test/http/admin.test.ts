/**
 * The console API (docs/api.md, admin routes): every /api/admin/* route needs `Authorization: Bearer <token>` (none
 * or wrong → 401 and nothing changes); customer service's lookup GET /api/admin/backorders (filters, oldest
 * first, cursor pages) and POST /api/admin/backorders/{id}/cancel|fulfil. Also routing: the health check,
 * and an unknown /api route is a 404 in the error shape.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { uniqueEmail } from '../support/mailbox';
import {
  adminBackorders,
  expectError,
  linkParts,
  newProduct,
  oldestFirst,
  signUp,
  statusOf,
  uniqueSku,
} from './helpers';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform?.stop());

// Shared by the access tests below: a product and a waiting backorder that must survive every refused call.
let guardedSku: string;
let guardedId: string;
beforeAll(async () => {
  guardedSku = await newProduct(platform, 'auth', { name: 'Guarded' });
  guardedId = (await signUp(platform, { sku: guardedSku, email: uniqueEmail('auth') })).body.id;
});

const newSku = uniqueSku('auth-new');

/** Every admin route, with a body that would be accepted if the caller were authenticated. */
const adminRoutes = (): [string, string, unknown][] => [
  ['GET', '/api/admin/settings', undefined],
  [
    'PUT',
    '/api/admin/settings',
    {
      backorders: { enabled: false, segments: [] },
      doubleOptIn: true,
      sender: { from: 'evil@example.com', postalAddress: 'Nowhere' },
    },
  ],
  ['GET', '/api/admin/products', undefined],
  ['GET', `/api/admin/products/${guardedSku}`, undefined],
  ['PUT', `/api/admin/products/${guardedSku}`, { name: 'Hijacked', backorders: { enabled: false } }],
  ['PUT', `/api/admin/products/${newSku}`, { name: 'Planted' }],
  ['GET', '/api/admin/backorders', undefined],
  ['GET', `/api/admin/backorders?sku=${guardedSku}`, undefined],
  ['POST', `/api/admin/backorders/${guardedId}/cancel`, undefined],
  ['POST', `/api/admin/backorders/${guardedId}/fulfil`, undefined],
  ['POST', '/api/admin/inventory', { sku: guardedSku, available: 5 }],
  [
    'POST',
    '/api/admin/backorders',
    {
      sku: guardedSku,
      email: 'planted@example.com',
      order: { id: 'PLANTED-1', amount: { value: 1, currency: 'EUR' } },
    },
  ],
  ['POST', `/api/admin/backorders/${guardedId}/extend`, { by: 'P1D' }],
  ['POST', '/api/admin/claims/verify', { claim: `${guardedId}-AAAAAAAAAAAAAAAAAAAAAA` }],
];

const credentials: [string, (token: string) => Record<string, string>][] = [
  ['no Authorization header', () => ({})],
  ['a wrong bearer token', () => ({ authorization: 'Bearer not-the-admin-token' })],
  [
    'the token with one character changed',
    (t) => ({ authorization: `Bearer ${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}` }),
  ],
  ['a prefix of the token', (t) => ({ authorization: `Bearer ${t.slice(0, 8)}` })],
  ['the token with a suffix', (t) => ({ authorization: `Bearer ${t}x` })],
  ['"Basic x"', () => ({ authorization: 'Basic x' })],
  [
    'Basic with the token as password',
    (t) => ({ authorization: `Basic ${Buffer.from(`admin:${t}`).toString('base64')}` }),
  ],
  ['the bare token without a scheme', (t) => ({ authorization: t })],
  ['"Bearer" alone', () => ({ authorization: 'Bearer ' })],
  ['the token in the query string instead', () => ({})],
];

describe('without valid admin credentials', () => {
  test.each(credentials)('%s → 401 UNAUTHORIZED on every admin route', async (label, headersFor) => {
    const inQuery = label.includes('query string');
    const responses = await Promise.all(
      adminRoutes().map(([method, path, body]) =>
        platform.request(
          method,
          inQuery ? `${path}${path.includes('?') ? '&' : '?'}token=${platform.adminToken}` : path,
          {
            json: body,
            headers: headersFor(platform.adminToken),
          },
        ),
      ),
    );
    for (const response of responses) {
      expectError(response, 401, 'UNAUTHORIZED');
      expect(JSON.stringify(response.body)).not.toContain(platform.adminToken);
    }
  });

  test('nothing changed: settings, products and the backorder are as before', async () => {
    const settings = await platform.admin('GET', '/api/admin/settings');
    expect(settings.status).toBe(200);
    expect(settings.body.backorders.enabled).toBe(true);
    expect(settings.body.sender.from).not.toContain('evil@');

    const product = await platform.admin('GET', `/api/admin/products/${guardedSku}`);
    expect(product.body).toMatchObject({ sku: guardedSku, name: 'Guarded', stock: 0 });
    expect(product.body.backorders).toBeUndefined();
    expectError(await platform.admin('GET', `/api/admin/products/${newSku}`), 404, 'NOT_FOUND');

    const backorders = await platform.admin('GET', `/api/admin/backorders?sku=${guardedSku}`);
    expect(backorders.body.items).toEqual([expect.objectContaining({ id: guardedId, status: 'waiting' })]);
    expect(backorders.body.items[0].events.map((e: { type: string }) => e.type)).toEqual(['created']);
  });

  test('with the right token the same routes answer', async () => {
    expect((await platform.admin('GET', '/api/admin/settings')).status).toBe(200);
    expect((await platform.admin('GET', '/api/admin/products')).status).toBe(200);
    expect((await platform.admin('GET', '/api/admin/backorders')).status).toBe(200);
  });
});

describe('routing', () => {
  test('GET /api/health → 200 {"ok":true} without credentials', async () => {
    const response = await platform.request('GET', '/api/health');
    expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { ok: true } });
  });

  test.each([
    ['GET', '/api/does-not-exist'],
    ['POST', '/api/does-not-exist'],
    ['GET', '/api/'],
    ['GET', '/api/backorders'],
    ['DELETE', '/api/products/ANY'],
    ['GET', '/api/backorders/ABC/cancel'],
    ['GET', '/api/products/A/B'],
  ])('%s %s → 404 NOT_FOUND in the error shape', async (method, path) => {
    expectError(await platform.request(method, path), 404, 'NOT_FOUND');
  });

  test('an unknown admin route is 404 (or 401 without credentials), never a 500', async () => {
    expectError(await platform.admin('GET', '/api/admin/does-not-exist'), 404, 'NOT_FOUND');
    const anonymous = await platform.request('GET', '/api/admin/does-not-exist');
    expect([401, 404]).toContain(anonymous.status);
    expectError(anonymous, anonymous.status, anonymous.status === 401 ? 'UNAUTHORIZED' : 'NOT_FOUND');
  });
});

interface Created {
  id: string;
  email: string;
  statusUrl: string;
  createdAt: string;
}

/** `count` shoppers sign up at once; returned in queue order (oldest first). */
const signUpMany = async (sku: string, label: string, count: number): Promise<Created[]> => {
  const responses = await Promise.all(
    Array.from({ length: count }, (_, i) => signUp(platform, { sku, email: uniqueEmail(`${label}-${i}`) })),
  );
  for (const response of responses) expect(response.status).toBe(201);
  return oldestFirst(responses.map((response) => response.body as Created));
};

const ids = (items: { id: string }[]) => items.map((item) => item.id);
const adminCancel = (id: string) => platform.admin('POST', `/api/admin/backorders/${id}/cancel`);
const adminFulfil = (id: string) => platform.admin('POST', `/api/admin/backorders/${id}/fulfil`);

/** Follows the cursor to the end; returns every page. */
const allPages = async (query: Record<string, string | number>) => {
  const pages: { items: { id: string }[]; cursor: string | null }[] = [];
  let cursor: string | null = null;
  do {
    const response = await adminBackorders(platform, cursor ? { ...query, cursor } : query);
    expect(response.status).toBe(200);
    pages.push(response.body);
    cursor = response.body.cursor;
  } while (cursor && pages.length < 50);
  return pages;
};

describe('GET /api/admin/backorders', () => {
  test('by SKU: {items, cursor:null}, every backorder of the SKU, oldest first, with no secrets', async () => {
    const sku = await newProduct(platform, 'list-sku');
    const created = await signUpMany(sku, 'list-sku', 4);
    await signUpMany(await newProduct(platform, 'list-sku-other'), 'list-sku-other', 1);

    const response = await adminBackorders(platform, { sku });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['cursor', 'items']);
    expect(response.body.cursor).toBeNull();
    expect(ids(response.body.items)).toEqual(ids(created));
    const [first] = response.body.items;
    expect(first).toMatchObject({
      id: created[0].id,
      sku,
      email: created[0].email,
      quantity: 1,
      status: 'waiting',
      createdAt: created[0].createdAt,
      events: [expect.objectContaining({ type: 'created' })],
    });
    const text = JSON.stringify(response.body.items);
    expect(text).not.toMatch(/tokenhash|statusToken/i);
    for (const { statusUrl } of created) expect(text).not.toContain(linkParts(statusUrl).token);
  });

  test('by email: case-insensitive and trimmed, across SKUs, oldest first', async () => {
    const [skuA, skuB] = [
      await newProduct(platform, 'list-mail-a'),
      await newProduct(platform, 'list-mail-b'),
    ];
    const email = uniqueEmail('List.Mail');
    const a = await signUp(platform, { sku: skuA, email });
    const b = await signUp(platform, { sku: skuB, email: email.toUpperCase() });
    await signUp(platform, { sku: skuA, email: uniqueEmail('list-mail-someone-else') });

    for (const variant of [email, email.toUpperCase(), email.toLowerCase(), ` ${email} `]) {
      const response = await adminBackorders(platform, { email: variant });
      expect(response.status).toBe(200);
      expect(ids(response.body.items)).toEqual([a.body.id, b.body.id]);
    }
    const both = await adminBackorders(platform, { email, sku: skuB });
    expect(ids(both.body.items)).toEqual([b.body.id]);
    expect((await adminBackorders(platform, { email: uniqueEmail('nobody') })).body).toEqual({
      items: [],
      cursor: null,
    });
  });

  test('by status, alone or with a SKU', async () => {
    const sku = await newProduct(platform, 'list-status');
    const created = await signUpMany(sku, 'list-status', 4);
    expect((await adminCancel(created[1].id)).status).toBe(200);
    expect((await adminFulfil(created[2].id)).status).toBe(200);

    const byStatus = async (status: string) =>
      ids((await allPages({ sku, status })).flatMap((page) => page.items));
    expect(await byStatus('waiting')).toEqual([created[0].id, created[3].id]);
    expect(await byStatus('cancelled')).toEqual([created[1].id]);
    expect(await byStatus('fulfilled')).toEqual([created[2].id]);
    expect(await byStatus('allocated')).toEqual([]);

    const cancelledAnywhere = ids(
      (await allPages({ status: 'cancelled', limit: 200 })).flatMap((p) => p.items),
    );
    expect(cancelledAnywhere).toContain(created[1].id);
    expect(cancelledAnywhere).not.toContain(created[0].id);
  });

  test('without filters: everything, oldest first', async () => {
    const sku = await newProduct(platform, 'list-all');
    const created = await signUpMany(sku, 'list-all', 2);
    const items = (await allPages({ limit: 200 })).flatMap((page) => page.items) as unknown as Created[];
    const position = ids(created).map((id) => ids(items).indexOf(id));
    expect(position.every((p) => p >= 0)).toBe(true);
    expect(position[0]).toBeLessThan(position[1]);
    const times = items.map((item) => item.createdAt);
    expect([...times].sort()).toEqual(times);
  });

  test('pages: ?limit=2 answers 2 and a cursor; following it gives the rest, without overlap or gaps', async () => {
    const sku = await newProduct(platform, 'list-pages');
    const created = await signUpMany(sku, 'list-pages', 5);

    const first = await adminBackorders(platform, { sku, limit: 2 });
    expect(first.status).toBe(200);
    expect(ids(first.body.items)).toEqual(ids(created.slice(0, 2)));
    expect(typeof first.body.cursor).toBe('string');

    const pages = await allPages({ sku, limit: 2 });
    for (const page of pages) expect(page.items.length).toBeLessThanOrEqual(2);
    const seen = pages.flatMap((page) => ids(page.items));
    expect(seen).toEqual(ids(created));
    expect(pages[pages.length - 1].cursor).toBeNull();
  });

  test('pages by email follow the same rules', async () => {
    const email = uniqueEmail('list-pages-mail');
    const created: string[] = [];
    for (let i = 0; i < 3; i++) {
      const sku = await newProduct(platform, `list-pages-mail-${i}`);
      created.push((await signUp(platform, { sku, email })).body.id);
    }
    const pages = await allPages({ email: email.toUpperCase(), limit: 2 });
    expect(pages[0].items).toHaveLength(2);
    expect(pages.flatMap((page) => ids(page.items))).toEqual(created);
  });

  test.each<[string, string]>([
    ['not base64url', '!!!not-a-cursor!!!'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['a JSON array', Buffer.from('["a"]').toString('base64url')],
    ['an empty object', Buffer.from('{}').toString('base64url')],
    ['unknown keys', Buffer.from('{"admin":"yes"}').toString('base64url')],
    ['non-string values', Buffer.from('{"id":1,"sku":2,"queueKey":3}').toString('base64url')],
    ['too long', 'A'.repeat(5000)],
  ])('a bad cursor (%s) → 400 VALIDATION', async (_label, cursor) => {
    const sku = await newProduct(platform, 'list-bad-cursor');
    expectError(await adminBackorders(platform, { sku, cursor }), 400, 'VALIDATION');
  });

  test('a forged cursor holding only part of a key → 400 VALIDATION, not 500', async () => {
    const partial = Buffer.from('{"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV"}').toString('base64url');
    expectError(await adminBackorders(platform, { cursor: partial }), 400, 'VALIDATION');
    const sku = await newProduct(platform, 'list-partial-cursor');
    expectError(await adminBackorders(platform, { sku, cursor: partial }), 400, 'VALIDATION');
  });

  test('a cursor from one SKU used for another → 400 VALIDATION (or its page), not 500', async () => {
    const skuA = await newProduct(platform, 'list-cursor-a');
    const skuB = await newProduct(platform, 'list-cursor-b');
    await signUpMany(skuA, 'list-cursor-a', 3);
    await signUpMany(skuB, 'list-cursor-b', 1);
    const { cursor } = (await adminBackorders(platform, { sku: skuA, limit: 1 })).body;
    expect(typeof cursor).toBe('string');
    const response = await adminBackorders(platform, { sku: skuB, cursor });
    expect(response.status).not.toBe(500);
    if (response.status !== 200) expectError(response, 400, 'VALIDATION');
    const byEmail = await adminBackorders(platform, { email: uniqueEmail('x'), cursor });
    expect(byEmail.status).not.toBe(500);
    if (byEmail.status !== 200) expectError(byEmail, 400, 'VALIDATION');
  });

  test.each<[string, Record<string, string>]>([
    ['an unknown status', { status: 'lost' }],
    ['limit 0', { limit: '0' }],
    ['limit -1', { limit: '-1' }],
    ['limit 1.5', { limit: '1.5' }],
    ['limit abc', { limit: 'abc' }],
    ['limit 100000', { limit: '100000' }],
    ['a malformed SKU', { sku: 'has space' }],
    ['an email over 254 characters', { email: `${'a'.repeat(250)}@example.com` }],
  ])('%s → 400 VALIDATION', async (_label, query) => {
    expectError(await adminBackorders(platform, query), 400, 'VALIDATION');
  });
});

describe('POST /api/admin/backorders/{id}/cancel and /fulfil', () => {
  const lastEvent = (body: { events: { type: string; by?: string }[] }) =>
    body.events[body.events.length - 1];

  test('cancel → 200 with the backorder cancelled, the event says who, and the shopper sees it', async () => {
    const sku = await newProduct(platform, 'admin-cancel');
    const [shopper, behind] = await signUpMany(sku, 'admin-cancel', 2);
    const response = await adminCancel(shopper.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: shopper.id, sku, status: 'cancelled' });
    expect(lastEvent(response.body)).toEqual({
      at: expect.any(String),
      type: 'cancelled',
      by: expect.any(String),
    });
    expect(lastEvent(response.body).by).not.toMatch(/^(shopper|system)?$/);
    expect(JSON.stringify(response.body)).not.toMatch(/tokenhash/i);

    const seen = await statusOf(platform, shopper.statusUrl);
    expect(seen.body).toMatchObject({ status: 'cancelled', position: null });
    expect((await statusOf(platform, behind.statusUrl)).body.position).toBe(1);
  });

  test('cancel again is harmless: 200, still one cancelled event', async () => {
    const sku = await newProduct(platform, 'admin-cancel-twice');
    const [shopper] = await signUpMany(sku, 'admin-cancel-twice', 1);
    await adminCancel(shopper.id);
    const again = await adminCancel(shopper.id);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('cancelled');
    expect(again.body.events.filter((e: { type: string }) => e.type === 'cancelled')).toHaveLength(1);
  });

  test('fulfil → 200 with the backorder fulfilled and who did it; again is harmless', async () => {
    const sku = await newProduct(platform, 'admin-fulfil');
    const [shopper, behind] = await signUpMany(sku, 'admin-fulfil', 2);
    const response = await adminFulfil(shopper.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: shopper.id, status: 'fulfilled' });
    expect(lastEvent(response.body)).toEqual({
      at: expect.any(String),
      type: 'fulfilled',
      by: expect.any(String),
    });
    expect(lastEvent(response.body).by).not.toMatch(/^(shopper|system)?$/);

    const again = await adminFulfil(shopper.id);
    expect(again.status).toBe(200);
    expect(again.body.events.filter((e: { type: string }) => e.type === 'fulfilled')).toHaveLength(1);

    expect((await statusOf(platform, shopper.statusUrl)).body).toMatchObject({
      status: 'fulfilled',
      position: null,
    });
    expect((await statusOf(platform, behind.statusUrl)).body.position).toBe(1);
  });

  test('fulfilling a cancelled backorder is refused with 409 CONFLICT and changes nothing', async () => {
    const sku = await newProduct(platform, 'admin-fulfil-cancelled');
    const [shopper] = await signUpMany(sku, 'admin-fulfil-cancelled', 1);
    await adminCancel(shopper.id);
    const before = (await statusOf(platform, shopper.statusUrl)).body;
    const response = await adminFulfil(shopper.id);
    expectError(response, 409, 'CONFLICT');
    expect(response.body.error.message).toMatch(/cancelled/);
    expect((await statusOf(platform, shopper.statusUrl)).body).toEqual(before);
  });

  test('cancelling a fulfilled backorder is refused with 409 CONFLICT and changes nothing', async () => {
    const sku = await newProduct(platform, 'admin-cancel-fulfilled');
    const [shopper] = await signUpMany(sku, 'admin-cancel-fulfilled', 1);
    await adminFulfil(shopper.id);
    const before = (await statusOf(platform, shopper.statusUrl)).body;
    for (const response of [
      await adminCancel(shopper.id),
      await platform.request('POST', cancelPath(shopper)),
    ]) {
      expectError(response, 409, 'CONFLICT');
      expect(response.body.error.message).toMatch(/fulfilled/);
    }
    expect((await statusOf(platform, shopper.statusUrl)).body).toEqual(before);
  });

  test('an unknown or malformed id → 404 NOT_FOUND', async () => {
    for (const id of ['01ARZ3NDEKTSV4RRFFQ69G5FAV', 'not-an-id', 'x'.repeat(300)]) {
      expectError(await adminCancel(id), 404, 'NOT_FOUND');
      expectError(await adminFulfil(id), 404, 'NOT_FOUND');
    }
  });

  test.each([
    ['no body and no Content-Type', {}],
    [
      'an empty body with Content-Type: application/json',
      { raw: '', headers: { 'content-type': 'application/json' } },
    ],
    ['an empty body with Content-Type: text/plain', { raw: '', headers: { 'content-type': 'text/plain' } }],
  ])('the actions accept %s', async (_label, options: { raw?: string; headers?: Record<string, string> }) => {
    const sku = await newProduct(platform, 'admin-empty-body');
    const [one, two] = await signUpMany(sku, 'admin-empty-body', 2);
    const auth = { authorization: `Bearer ${platform.adminToken}` };
    const cancel = await platform.request('POST', `/api/admin/backorders/${one.id}/cancel`, {
      ...options,
      headers: { ...options.headers, ...auth },
    });
    expect({ status: cancel.status, state: cancel.body.status }).toEqual({ status: 200, state: 'cancelled' });
    const fulfil = await platform.request('POST', `/api/admin/backorders/${two.id}/fulfil`, {
      ...options,
      headers: { ...options.headers, ...auth },
    });
    expect({ status: fulfil.status, state: fulfil.body.status }).toEqual({ status: 200, state: 'fulfilled' });
  });

  test('after an admin cancel the shopper may sign up again', async () => {
    const sku = await newProduct(platform, 'admin-cancel-resignup');
    const [shopper] = await signUpMany(sku, 'admin-cancel-resignup', 1);
    await adminCancel(shopper.id);
    const again = await signUp(platform, { sku, email: shopper.email });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(shopper.id);
  });
});

const cancelPath = (shopper: Created) =>
  `/api/backorders/${shopper.id}/cancel?token=${encodeURIComponent(linkParts(shopper.statusUrl).token)}`;
