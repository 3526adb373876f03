/**
 * Only CloudFront reaches the API. On AWS, API Gateway's own endpoint is public: anyone can call it directly
 * and send whatever headers they like, CloudFront-Viewer-Address included. This file runs the platform with
 * that endpoint open too (`executeApiUrl`, no CloudFront in front), next to the site's door (`url`), where the
 * local gateway plays CloudFront: it sets the viewer's address and adds the origin secret header.
 *
 * A request that goes around CloudFront is refused (403 FORBIDDEN) before any work: no signup, no setting, no
 * stock change. The per-address signup limit therefore counts the address CloudFront saw, which a client
 * cannot forge; IPv6 clients count per /64, IPv4-mapped addresses as the IPv4 address.
 */
import http from 'node:http';
import { ORIGIN_VERIFY_HEADER } from '../../lib/platform';
import { signatureHeader } from '../../lambdas/runtime/signature';
import { emailsTo, uniqueEmail, waitForEmails } from '../support/mailbox';
import { startTestPlatform, type HttpResult, type TestPlatform } from '../support/platform';
import { adminBackorders, expectError, newProduct, sleep } from './helpers';

const LIMIT = 2;

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ signupRateLimit: LIMIT, executeApiEndpoint: true });
});
afterAll(async () => platform?.stop());

/** A request to API Gateway's own endpoint, around CloudFront, with exactly the headers given. */
const direct = async (
  method: string,
  path: string,
  options: { json?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult> => {
  const body = options.json === undefined ? options.raw : JSON.stringify(options.json);
  const response = await fetch(`${platform.executeApiUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    body,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: kept as text, and the assertions below say so.
  }
  return { status: response.status, headers: response.headers, body: parsed };
};

/** A signup through the site from a local address of its own (127.0.0.x), with extra headers of the client's. */
const siteSignUpFrom = (localAddress: string, json: unknown, headers: Record<string, string> = {}) =>
  new Promise<number>((resolve, reject) => {
    const body = JSON.stringify(json);
    const request = http.request(
      {
        host: '127.0.0.1',
        port: platform.port,
        method: 'POST',
        path: '/api/backorders',
        localAddress,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });

/** What CloudFront sends for a viewer at `address`: the origin secret and the viewer's address and port. */
const asCloudFrontFor = (address: string) => ({
  [ORIGIN_VERIFY_HEADER]: platform.originVerifySecret,
  'cloudfront-viewer-address': `${address}:51234`,
});

const expectForbidden = (response: HttpResult) => {
  expectError(response, 403, 'FORBIDDEN');
  expect(JSON.stringify(response.body)).not.toContain(platform.originVerifySecret);
};

/** The limit counts per clock minute: start a burst only when it cannot straddle two minutes. */
const awayFromMinuteBoundary = async () => {
  const intoMinute = (Date.now() / 1000) % 60;
  if (intoMinute > 56) await sleep((61 - intoMinute) * 1000);
};

describe('around CloudFront, straight to the API', () => {
  test.each([
    ['no origin header', {}, '127.0.0.71'],
    ['a guessed origin header', { [ORIGIN_VERIFY_HEADER]: 'guess' }, '127.0.0.72'],
    ['a forged viewer address', { 'cloudfront-viewer-address': '198.51.100.77:443' }, '127.0.0.73'],
  ])('a signup with %s is refused before any work, and no backorder exists', async (_, headers, site) => {
    const sku = await newProduct(platform, 'origin-direct');
    const email = uniqueEmail('origin-direct');
    expectForbidden(await direct('POST', '/api/backorders', { json: { sku, email }, headers }));
    // A body that is not JSON is not parsed either: the same 403, not a 400 that would tell the route apart.
    expectForbidden(await direct('POST', '/api/backorders', { raw: '{nope', headers }));

    // The same signup through the site works: the refusal was the missing secret, nothing else.
    const other = uniqueEmail('origin-site');
    expect(await siteSignUpFrom(site, { sku, email: other })).toBe(201);
    expect((await adminBackorders(platform, { email })).body.items).toEqual([]);
    // Once the site signup's confirmation is out, the refused one has had the time to (not) get one.
    expect(await waitForEmails(platform.sesUrl, other)).toHaveLength(1);
    expect(await emailsTo(platform.sesUrl, email)).toEqual([]);
  });

  test('with the secret CloudFront holds, the same request to the same endpoint goes through', async () => {
    const sku = await newProduct(platform, 'origin-right');
    const email = uniqueEmail('origin-right');
    const answer = await direct('POST', '/api/backorders', {
      json: { sku, email },
      headers: asCloudFrontFor('198.51.100.20'),
    });
    expect(answer.status).toBe(201);
    expect((await adminBackorders(platform, { email })).body.items).toHaveLength(1);
  });

  test("the console's routes refuse a caller with a valid admin token but no origin secret; nothing is saved", async () => {
    const before = (await platform.admin('GET', '/api/admin/settings')).body;
    const settings = {
      ...before,
      sender: { from: 'Intruder <x@attacker.example>', postalAddress: 'Nowhere' },
    };
    const bearer = { authorization: `Bearer ${platform.adminToken}` };
    expectForbidden(await direct('PUT', '/api/admin/settings', { json: settings, headers: bearer }));
    expectForbidden(await direct('GET', '/api/admin/products', { headers: bearer }));
    expect((await platform.admin('GET', '/api/admin/settings')).body).toEqual(before);
  });

  test("the ERP's webhook refuses a validly signed update without the origin secret; the stock is unchanged", async () => {
    const sku = await newProduct(platform, 'origin-stock', { stock: 3 });
    const raw = JSON.stringify({ sku, available: 40 });
    const signed = { 'x-signature': signatureHeader(platform.webhookSecret, raw) };
    expectForbidden(await direct('POST', '/api/webhooks/inventory', { raw, headers: signed }));
    expect((await platform.admin('GET', `/api/admin/products/${sku}`)).body.stock).toBe(3);
  });

  test('API Gateway’s endpoint serves no pages', async () => {
    expect((await direct('GET', '/console/')).status).toBe(404);
  });
});

describe('the per-address signup limit counts the address CloudFront saw', () => {
  test('a forged CloudFront-Viewer-Address moves nothing: overwritten at the site, refused around it', async () => {
    const sku = await newProduct(platform, 'origin-forged');
    await awayFromMinuteBoundary();
    const client = '127.0.0.61';
    for (let i = 0; i < LIMIT; i++)
      expect(await siteSignUpFrom(client, { sku, email: uniqueEmail(`origin-forged-${i}`) })).toBe(201);
    // Through the site, the header is CloudFront's own: the client's copy never reaches the API.
    const forged = { 'cloudfront-viewer-address': '198.51.100.99:443' };
    expect(await siteSignUpFrom(client, { sku, email: uniqueEmail('origin-forged-site') }, forged)).toBe(429);
    // Around the site, a forged header comes with no secret: refused, and no backorder was made.
    const email = uniqueEmail('origin-forged-direct');
    expectForbidden(
      await direct('POST', '/api/backorders', {
        json: { sku, email },
        headers: { 'cloudfront-viewer-address': '198.51.100.100:443' },
      }),
    );
    expect((await adminBackorders(platform, { email })).body.items).toEqual([]);
  });

  test('two IPv6 viewers of one /64 share one limit; a viewer of the next /64 has its own', async () => {
    const sku = await newProduct(platform, 'origin-ipv6');
    await awayFromMinuteBoundary();
    const signUpAs = (address: string, label: string) =>
      direct('POST', '/api/backorders', {
        json: { sku, email: uniqueEmail(label) },
        headers: asCloudFrontFor(address),
      });
    for (let i = 0; i < LIMIT; i++)
      expect((await signUpAs(`2001:db8:60:1::${i + 1}`, `v6-${i}`)).status).toBe(201);
    // Another host of the same /64, written out in full: the same client.
    const sameLan = await signUpAs('2001:0db8:0060:0001:abcd:ef01:2345:6789', 'v6-same-lan');
    expectError(sameLan, 429, 'RATE_LIMITED');
    // The neighbouring /64 is someone else.
    expect((await signUpAs('2001:db8:60:2::1', 'v6-next-lan')).status).toBe(201);
  });

  test('"email me my links" counts an IPv6 client per /64 too, so rotating the host half gains nothing', async () => {
    await awayFromMinuteBoundary();
    const askAs = (address: string, label: string) =>
      direct('POST', '/api/links', {
        json: { email: uniqueEmail(label) },
        headers: asCloudFrontFor(address),
      });
    for (let i = 0; i < LIMIT; i++)
      expect((await askAs(`2001:db8:61:1::${i + 1}`, `links-v6-${i}`)).status).toBe(202);
    expectError(await askAs('2001:db8:61:1:ffff::9', 'links-v6-same-lan'), 429, 'RATE_LIMITED');
    expect((await askAs('2001:db8:61:2::1', 'links-v6-next-lan')).status).toBe(202);
  });

  test('an IPv4-mapped IPv6 viewer counts as the IPv4 address it is', async () => {
    const sku = await newProduct(platform, 'origin-mapped');
    await awayFromMinuteBoundary();
    const signUpAs = (address: string, label: string) =>
      direct('POST', '/api/backorders', {
        json: { sku, email: uniqueEmail(label) },
        headers: asCloudFrontFor(address),
      });
    for (let i = 0; i < LIMIT; i++) expect((await signUpAs('198.51.100.30', `v4-${i}`)).status).toBe(201);
    expectError(await signUpAs('::ffff:198.51.100.30', 'v4-mapped'), 429, 'RATE_LIMITED');
    // IPv4 stays per address: the next address is another client.
    expect((await signUpAs('198.51.100.31', 'v4-next')).status).toBe(201);
  });
});
