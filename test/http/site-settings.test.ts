/**
 * Site settings: GET/PUT /api/admin/settings (docs/api.md, admin routes), and what the site-wide policy means for
 * products without a policy of their own (§5 "Who may backorder"). The tests in this file change the one
 * settings record of their platform, so they run in order and each sets what it needs.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { emailsTo, uniqueEmail, waitForEmails } from '../support/mailbox';
import { adminBackorders, expectError, newProduct, signUp } from './helpers';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform?.stop());

const settings = (overrides: { enabled?: boolean; segments?: string[]; publicBaseUrl?: string } = {}) => ({
  backorders: { enabled: overrides.enabled ?? true, segments: overrides.segments ?? ['b2c', 'b2b'] },
  doubleOptIn: false,
  sender: {
    from: 'Corner Shop <shop@corner.example>',
    replyTo: 'help@corner.example',
    postalAddress: '1 Corner Street, 1000 Town',
  },
  ...(overrides.publicBaseUrl ? { publicBaseUrl: overrides.publicBaseUrl } : {}),
});

/**
 * Settings as saved and read back: an optional section left out takes its default; the answer also says
 * whether each store connector's secret is set (none here: store-connectors.test.ts).
 */
const NO_CONNECTORS = { shopify: { configured: false }, woocommerce: { configured: false } };
const withDefaults = (body: Record<string, unknown>) => ({
  embed: { allowedOrigins: [] },
  etaSlip: { askAfterDays: 14 },
  ...body,
  connectors: NO_CONNECTORS,
});

const putSettings = async (body: Record<string, unknown>) => {
  const response = await platform.admin('PUT', '/api/admin/settings', body);
  expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: withDefaults(body) });
  return response;
};

const productPage = (sku: string) => platform.request('GET', `/api/products/${sku}`);

describe('GET /api/admin/settings', () => {
  test('before anything is saved: backorders open to B2C and B2B, double opt-in, a sender', async () => {
    const response = await platform.admin('GET', '/api/admin/settings');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      backorders: { enabled: true, segments: ['b2c', 'b2b'] },
      // On for a new shop: a stranger who types someone's address cannot opt them in to marketing.
      doubleOptIn: true,
      sender: { from: expect.any(String), postalAddress: expect.any(String) },
    });
  });
});

describe('PUT /api/admin/settings', () => {
  test('a valid body → 200 echoing it, and GET then returns exactly it', async () => {
    const body = settings({ publicBaseUrl: 'https://shop.example/' });
    await putSettings(body);
    const read = await platform.admin('GET', '/api/admin/settings');
    expect(read.status).toBe(200);
    expect(read.body).toEqual(withDefaults(body));

    const minimal = {
      backorders: { enabled: true, segments: ['b2c'] },
      doubleOptIn: true,
      sender: { from: 'shop@corner.example', postalAddress: 'PO Box 1' },
    };
    await putSettings(minimal);
    expect((await platform.admin('GET', '/api/admin/settings')).body).toEqual(withDefaults(minimal));

    const embedding = {
      ...minimal,
      embed: { allowedOrigins: ['https://shop.example', 'http://localhost:8080'] },
    };
    await putSettings(embedding);
    expect((await platform.admin('GET', '/api/admin/settings')).body).toEqual(withDefaults(embedding));
  });

  const valid = settings();
  test.each<[string, unknown]>([
    ['an unknown top-level field', { ...valid, theme: 'dark' }],
    ['an unknown field in backorders', { ...valid, backorders: { ...valid.backorders, maxPerCustomer: 3 } }],
    ['an unknown field in sender', { ...valid, sender: { ...valid.sender, bcc: 'spy@example.com' } }],
    [
      'a from address that is not an address',
      { ...valid, sender: { ...valid.sender, from: 'not an address' } },
    ],
    [
      'a from address with CR LF',
      { ...valid, sender: { ...valid.sender, from: 'a@corner.example\r\nBcc: x@y.example' } },
    ],
    ['a replyTo that is not an address', { ...valid, sender: { ...valid.sender, replyTo: 'nope' } }],
    ['an empty postal address', { ...valid, sender: { ...valid.sender, postalAddress: '' } }],
    ['segments ["x"]', { ...valid, backorders: { enabled: true, segments: ['x'] } }],
    ['a repeated segment', { ...valid, backorders: { enabled: true, segments: ['b2b', 'b2b'] } }],
    ['enabled as a string', { ...valid, backorders: { enabled: 'yes', segments: ['b2c'] } }],
    ['doubleOptIn missing', { backorders: valid.backorders, sender: valid.sender }],
    ['sender missing', { backorders: valid.backorders, doubleOptIn: false }],
    ['a javascript: publicBaseUrl', { ...valid, publicBaseUrl: 'javascript:alert(1)' }],
    ['a publicBaseUrl that is not a URL', { ...valid, publicBaseUrl: 'shop' }],
    ['an allowed origin with a path', { ...valid, embed: { allowedOrigins: ['https://shop.example/p'] } }],
    [
      'an allowed origin with a trailing slash',
      { ...valid, embed: { allowedOrigins: ['https://shop.example/'] } },
    ],
    ['an allowed origin in upper case', { ...valid, embed: { allowedOrigins: ['https://Shop.example'] } }],
    [
      'an allowed origin with its default port',
      { ...valid, embed: { allowedOrigins: ['https://shop.example:443'] } },
    ],
    ['an allowed origin "null"', { ...valid, embed: { allowedOrigins: ['null'] } }],
    ['an allowed origin "*"', { ...valid, embed: { allowedOrigins: ['*'] } }],
    ['a javascript: allowed origin', { ...valid, embed: { allowedOrigins: ['javascript:alert(1)'] } }],
    [
      'a repeated allowed origin',
      { ...valid, embed: { allowedOrigins: ['https://a.example', 'https://a.example'] } },
    ],
    [
      '51 allowed origins',
      { ...valid, embed: { allowedOrigins: Array.from({ length: 51 }, (_, i) => `https://s${i}.example`) } },
    ],
    ['an unknown field in embed', { ...valid, embed: { allowedOrigins: [], theme: 'dark' } }],
    ['null', null],
    ['an array', [valid]],
    ['no body', undefined],
  ])('%s → 400 VALIDATION and the settings are unchanged', async (_label, body) => {
    const before = (await platform.admin('GET', '/api/admin/settings')).body;
    expectError(await platform.admin('PUT', '/api/admin/settings', body), 400, 'VALIDATION');
    expect((await platform.admin('GET', '/api/admin/settings')).body).toEqual(before);
  });

  test('a body that is not JSON → 415, too large → 413, malformed → 400; settings unchanged', async () => {
    const before = (await platform.admin('GET', '/api/admin/settings')).body;
    const auth = { authorization: `Bearer ${platform.adminToken}` };
    const text = JSON.stringify(settings({ enabled: false }));
    const asText = await platform.request('PUT', '/api/admin/settings', {
      raw: text,
      headers: { ...auth, 'content-type': 'text/plain' },
    });
    expectError(asText, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const large = await platform.request('PUT', '/api/admin/settings', {
      raw: text + ' '.repeat(16 * 1024),
      headers: { ...auth, 'content-type': 'application/json' },
    });
    expectError(large, 413, 'PAYLOAD_TOO_LARGE');
    const malformed = await platform.request('PUT', '/api/admin/settings', {
      raw: text.slice(0, -1),
      headers: { ...auth, 'content-type': 'application/json' },
    });
    expectError(malformed, 400, 'VALIDATION');
    expect((await platform.admin('GET', '/api/admin/settings')).body).toEqual(before);
  });
});

describe('the site policy applies to products without their own', () => {
  test('site disabled: a product without its own policy is closed (page and signup 409)', async () => {
    await putSettings(settings({ enabled: false }));
    const sku = await newProduct(platform, 'site-off');
    expect((await productPage(sku)).body).toMatchObject({ sku, backordersEnabled: false });
    const email = uniqueEmail('site-off');
    expectError(await signUp(platform, { sku, email }), 409, 'BACKORDERS_DISABLED');
    expectError(await signUp(platform, { sku, email, segment: 'b2b' }), 409, 'BACKORDERS_DISABLED');
    expect((await adminBackorders(platform, { sku })).body.items).toEqual([]);
  });

  test('site disabled, but a product with its own enabled policy: open (page and signup 201)', async () => {
    await putSettings(settings({ enabled: false }));
    const sku = await newProduct(platform, 'site-off-product-on', { backorders: { enabled: true } });
    expect((await productPage(sku)).body).toMatchObject({
      backordersEnabled: true,
      segments: ['b2c', 'b2b'],
      maxPerCustomer: 10,
    });
    expect((await signUp(platform, { sku, email: uniqueEmail('site-off-product-on') })).status).toBe(201);
  });

  test('site enabled, but a product with its own disabled policy: closed', async () => {
    await putSettings(settings({ enabled: true }));
    const sku = await newProduct(platform, 'site-on-product-off', { backorders: { enabled: false } });
    expect((await productPage(sku)).body.backordersEnabled).toBe(false);
    expectError(
      await signUp(platform, { sku, email: uniqueEmail('site-on-product-off') }),
      409,
      'BACKORDERS_DISABLED',
    );
  });

  test('re-enabling the site opens products without their own policy again', async () => {
    await putSettings(settings({ enabled: false }));
    const sku = await newProduct(platform, 'site-toggle');
    expectError(
      await signUp(platform, { sku, email: uniqueEmail('site-toggle-1') }),
      409,
      'BACKORDERS_DISABLED',
    );
    await putSettings(settings({ enabled: true }));
    expect((await productPage(sku)).body.backordersEnabled).toBe(true);
    expect((await signUp(platform, { sku, email: uniqueEmail('site-toggle-2') })).status).toBe(201);
  });

  test('site B2B only: a product without its own policy takes B2B and refuses B2C', async () => {
    await putSettings(settings({ segments: ['b2b'] }));
    const sku = await newProduct(platform, 'site-b2b');
    expect((await productPage(sku)).body).toMatchObject({ backordersEnabled: true, segments: ['b2b'] });
    expectError(
      await signUp(platform, { sku, email: uniqueEmail('site-b2b-c') }),
      409,
      'BACKORDERS_DISABLED',
    );
    expect((await signUp(platform, { sku, email: uniqueEmail('site-b2b-b'), segment: 'b2b' })).status).toBe(
      201,
    );
  });

  test("site B2B only, but the product's own segments win", async () => {
    await putSettings(settings({ segments: ['b2b'] }));
    const sku = await newProduct(platform, 'site-b2b-product-b2c', {
      backorders: { enabled: true, segments: ['b2c'] },
    });
    expect((await productPage(sku)).body).toMatchObject({ backordersEnabled: true, segments: ['b2c'] });
    expect((await signUp(platform, { sku, email: uniqueEmail('own-b2c') })).status).toBe(201);
    expectError(
      await signUp(platform, { sku, email: uniqueEmail('own-b2c-b'), segment: 'b2b' }),
      409,
      'BACKORDERS_DISABLED',
    );
  });
});

describe('sender and links follow the settings', () => {
  test('the confirmation comes from the configured sender and links to the configured publicBaseUrl', async () => {
    await putSettings(settings({ publicBaseUrl: 'https://shop.example' }));
    const sku = await newProduct(platform, 'site-links');
    const email = uniqueEmail('site-links');
    const response = await signUp(platform, { sku, email });
    expect(response.status).toBe(201);
    expect(response.body.statusUrl).toMatch(
      new RegExp(`^https://shop\\.example/status\\?id=${response.body.id}#token=`),
    );
    const [mail] = await waitForEmails(platform.sesUrl, email);
    expect(mail).toBeDefined();
    expect(mail.from).toContain('shop@corner.example');
    expect(mail.body.text).toMatch(
      new RegExp(`https://shop\\.example/status\\?id=${response.body.id}#token=`),
    );
    expect(mail.body.text).toContain('1 Corner Street, 1000 Town');
    expect(await emailsTo(platform.sesUrl, email)).toHaveLength(1);
  });
});
