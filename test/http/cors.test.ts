/**
 * CORS for the storefront embed (docs/api.md, "Storefront embed"): a page on an origin the shop listed under
 * settings `embed.allowedOrigins` may call the three routes a signup form needs, and read every answer,
 * errors included; any other origin, any other route and every admin route get no
 * `Access-Control-Allow-Origin`, so the browser keeps those answers from the page. Every public answer says
 * `Vary: Origin`. The matrix: origin (allowed / other / none) × route (public for the embed / public other /
 * admin) × preflight or request.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { uniqueEmail } from '../support/mailbox';
import { newProduct, signUpShopper } from '../support/shop';
import { expectError } from './helpers';

const ALLOWED = 'https://shop.example';
const LOCAL_SHOP = 'http://localhost:8080';
const OTHER = 'https://evil.example';

let platform: TestPlatform;
let sku: string;
let statusPath: string;

const settingsWith = (allowedOrigins: string[]) => ({
  backorders: { enabled: true, segments: ['b2c', 'b2b'] },
  doubleOptIn: false,
  sender: { from: 'Corner Shop <shop@corner.example>', postalAddress: '1 Corner Street' },
  embed: { allowedOrigins },
});

const allowOrigins = async (origins: string[]) =>
  expect((await platform.admin('PUT', '/api/admin/settings', settingsWith(origins))).status).toBe(200);

beforeAll(async () => {
  platform = await startTestPlatform();
  await allowOrigins([ALLOWED, LOCAL_SHOP]);
  sku = await newProduct(platform, 'CORS', {
    name: 'Embeddable tee',
    productId: 'CORS-TEE',
    options: { size: 'M' },
  });
  const shopper = await signUpShopper(platform, { sku, label: 'cors-status' });
  statusPath = `/api/backorders/${shopper.id}?token=${encodeURIComponent(shopper.token)}`;
});
afterAll(async () => platform?.stop());

interface Call {
  method: string;
  path: () => string;
  json?: () => unknown;
}

/** What the embed calls: a product or its variants, a signup, "email me my links". */
const embeddable: Array<[string, Call]> = [
  ['GET /api/products/{sku}', { method: 'GET', path: () => `/api/products/${sku}` }],
  [
    'GET /api/products/by-product/{productId}',
    { method: 'GET', path: () => '/api/products/by-product/CORS-TEE' },
  ],
  [
    'POST /api/backorders',
    { method: 'POST', path: () => '/api/backorders', json: () => ({ sku, email: uniqueEmail('cors') }) },
  ],
  [
    'POST /api/links',
    { method: 'POST', path: () => '/api/links', json: () => ({ email: uniqueEmail('cors') }) },
  ],
];

const call = (c: Call, origin: string | undefined, extra: Record<string, string> = {}) =>
  platform.request(c.method, c.path(), {
    json: c.json?.(),
    headers: { ...(origin ? { origin } : {}), ...extra },
  });

const preflight = (path: string, origin: string | undefined, method: string) =>
  platform.request('OPTIONS', path, {
    headers: {
      ...(origin ? { origin } : {}),
      'access-control-request-method': method,
      'access-control-request-headers': 'content-type',
    },
  });

const varyNamesOrigin = (headers: Headers) =>
  expect((headers.get('vary') ?? '').split(',').map((v) => v.trim().toLowerCase())).toContain('origin');

describe.each(embeddable)('%s', (_route, c) => {
  test('from an allowed origin: the preflight allows it, and the answer carries that origin', async () => {
    for (const origin of [ALLOWED, LOCAL_SHOP]) {
      const asked = await preflight(c.path(), origin, c.method);
      expect(asked.status).toBe(204);
      expect(asked.headers.get('access-control-allow-origin')).toBe(origin);
      expect(asked.headers.get('access-control-allow-methods')).toBe(c.method);
      expect(asked.headers.get('access-control-allow-headers')).toBe('content-type');
      expect(Number(asked.headers.get('access-control-max-age'))).toBeGreaterThan(0);
      // The embed sends no cookies and no credentials: never allow them.
      expect(asked.headers.get('access-control-allow-credentials')).toBeNull();
      varyNamesOrigin(asked.headers);

      const answer = await call(c, origin);
      expect(answer.status).toBeLessThan(300);
      expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
      // So the embed can read how long a 429 asks it to wait.
      expect(answer.headers.get('access-control-expose-headers')).toBe('Retry-After');
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
      varyNamesOrigin(answer.headers);
    }
  });

  test.each([
    ['another origin', OTHER],
    ['an allowed origin spelled in upper case', 'https://SHOP.example'],
    ['an allowed host on another port', 'https://shop.example:8443'],
    ['an allowed host over http', 'http://shop.example'],
    ['a sandboxed page ("null")', 'null'],
    ['no origin at all', undefined],
  ])('from %s: no CORS header on the preflight or the answer', async (_label, origin) => {
    const asked = await preflight(c.path(), origin, c.method);
    expect(asked.status).toBe(204);
    expect(asked.headers.get('access-control-allow-origin')).toBeNull();
    expect(asked.headers.get('access-control-allow-methods')).toBeNull();
    varyNamesOrigin(asked.headers);

    const answer = await call(c, origin);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    varyNamesOrigin(answer.headers);
  });
});

test('an error answer to an allowed origin carries the origin too, so the embed can show it', async () => {
  const invalid = await platform.request('POST', '/api/backorders', {
    json: { sku, email: 'not an address' },
    headers: { origin: ALLOWED },
  });
  expectError(invalid, 400, 'VALIDATION');
  expect(invalid.headers.get('access-control-allow-origin')).toBe(ALLOWED);

  const missing = await platform.request('GET', '/api/products/NO-SUCH-SKU', {
    headers: { origin: ALLOWED },
  });
  expectError(missing, 404, 'NOT_FOUND');
  expect(missing.headers.get('access-control-allow-origin')).toBe(ALLOWED);

  const wrongType = await platform.request('POST', '/api/backorders', {
    raw: 'sku=x',
    headers: { origin: ALLOWED, 'content-type': 'text/plain' },
  });
  expectError(wrongType, 415, 'UNSUPPORTED_MEDIA_TYPE');
  expect(wrongType.headers.get('access-control-allow-origin')).toBe(ALLOWED);
});

test('public routes the embed does not call: Vary: Origin, never an allowed origin', async () => {
  for (const path of [statusPath, '/api/health', '/api/openapi.json']) {
    const answer = await platform.request('GET', path, { headers: { origin: ALLOWED } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    varyNamesOrigin(answer.headers);
  }
  // No preflight route either: a page cannot even ask.
  const asked = await preflight(statusPath, ALLOWED, 'GET');
  expect(asked.status).toBe(404);
  expect(asked.headers.get('access-control-allow-origin')).toBeNull();
});

test('admin routes: no CORS header for any origin, preflight or request', async () => {
  for (const origin of [ALLOWED, OTHER]) {
    const answer = await platform.request('GET', '/api/admin/settings', {
      headers: { origin, authorization: `Bearer ${platform.adminToken}` },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const asked = await preflight('/api/admin/settings', origin, 'PUT');
    expect(asked.status).toBe(404);
    expect(asked.headers.get('access-control-allow-origin')).toBeNull();
  }
});

test('a preflight changes nothing, and an origin taken off the list is refused at once', async () => {
  const products = `/api/products/${sku}`;
  const before = (await platform.admin('GET', `/api/admin/backorders?sku=${sku}`)).body.items.length;
  await preflight('/api/backorders', ALLOWED, 'POST');
  expect((await platform.admin('GET', `/api/admin/backorders?sku=${sku}`)).body.items.length).toBe(before);

  await allowOrigins([LOCAL_SHOP]);
  try {
    const answer = await platform.request('GET', products, { headers: { origin: ALLOWED } });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const still = await platform.request('GET', products, { headers: { origin: LOCAL_SHOP } });
    expect(still.headers.get('access-control-allow-origin')).toBe(LOCAL_SHOP);
  } finally {
    await allowOrigins([ALLOWED, LOCAL_SHOP]);
  }
});
