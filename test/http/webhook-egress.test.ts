/**
 * Saving a webhook endpoint that points inside the network (docs/api.md, outbound webhook URLs): a marketer's
 * token can save an endpoint, and the platform then POSTs to it, so every private, loopback-when-not-allowed,
 * link-local, CGNAT, unique-local or unspecified address, in any spelling, is a 400 on `url` and nothing is
 * stored; a name is resolved on save and refused if any of its addresses is such; a name that does not
 * resolve is accepted; plain http goes only to the machine itself, and only while the local runner allows it
 * (its default, as here).
 *
 * Names under .shop.test are answered by the runner's webhook resolver (a stand-in for DNS the test controls);
 * no address here is ever connected to.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { expectError } from './helpers';

const NAMES: Record<string, string[]> = {
  'metadata.shop.test': ['169.254.169.254'],
  'intranet.shop.test': ['10.0.0.5'],
  'v6-intranet.shop.test': ['fd00::5'],
  'mapped.shop.test': ['::ffff:a00:1'],
  // Round-robin with one internal address: some deliveries would reach it.
  'mixed.shop.test': ['93.184.215.14', '172.16.0.9'],
  'cgnat.shop.test': ['100.64.0.7'],
  'nothing.shop.test': ['0.0.0.0'],
  'public.shop.test': ['93.184.215.14', '2606:4700::6810:84e5'],
  'gone.shop.test': [],
};

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({
    webhookResolver: (name) => (name.endsWith('.shop.test') ? (NAMES[name] ?? []) : undefined),
  });
});
afterAll(async () => platform?.stop());

const endpoint = (url: string) => ({
  url,
  secret: 'erp-shared-secret-0123456789',
  events: ['backorder.created'],
  // Never delivered to: no test here signs anyone up, and inactive endpoints get no events anyway.
  active: false,
});

let counter = 0;
const freshId = () => `egress-${++counter}-${Math.random().toString(36).slice(2, 8)}`;

test.each([
  // IP literals in every forbidden range, and in the spellings URL parsing turns into them.
  ['https://169.254.169.254/latest/meta-data/', 'is a link-local address'],
  ['https://0xa9.0xfe.0xa9.0xfe/latest/meta-data/', 'is a link-local address'],
  ['https://2852039166/latest/meta-data/', 'is a link-local address'],
  ['https://0251.0376.0251.0376/', 'is a link-local address'],
  ['https://[::ffff:169.254.169.254]/', 'is a link-local address'],
  ['https://10.0.0.5/hooks', 'is a private address'],
  ['https://0x0a.0.0.5/hooks', 'is a private address'],
  ['https://172.16.0.1/', 'is a private address'],
  ['https://192.168.1.20:8443/', 'is a private address'],
  ['https://[::ffff:10.0.0.1]/', 'is a private address'],
  ['https://[::ffff:a00:1]/', 'is a private address'],
  ['https://[64:ff9b::a00:1]/', 'is a private address'],
  ['https://[2002:a00:1::]/', 'is a private address'],
  ['https://100.64.0.1/', 'is a carrier-grade NAT address'],
  ['https://0.0.0.0/', 'is an unspecified address'],
  ['https://0/', 'is an unspecified address'],
  ['https://[::]/', 'is an unspecified address'],
  ['https://[fe80::1]/', 'is a link-local address'],
  ['https://[fd12:3456::1]/', 'is a unique-local address'],
  ['https://[fc00::1]/', 'is a unique-local address'],
  ['https://224.0.0.251/', 'is a multicast address'],
  // Names that resolve (now) to any forbidden address.
  ['https://metadata.shop.test/', 'metadata.shop.test resolves to a link-local address'],
  ['https://INTRANET.shop.test./hooks', 'intranet.shop.test resolves to a private address'],
  ['https://v6-intranet.shop.test/', 'v6-intranet.shop.test resolves to a unique-local address'],
  ['https://mapped.shop.test/', 'mapped.shop.test resolves to a private address'],
  ['https://mixed.shop.test/', 'mixed.shop.test resolves to a private address'],
  ['https://cgnat.shop.test/', 'cgnat.shop.test resolves to a carrier-grade NAT address'],
  ['https://nothing.shop.test/', 'nothing.shop.test resolves to an unspecified address'],
  // Plain http anywhere but the machine itself.
  ['http://erp.example/hooks', 'must use https'],
  ['http://public.shop.test/hooks', 'must use https'],
  ['http://93.184.215.14/hooks', 'must use https'],
  ['http://10.0.0.5/hooks', 'must use https'],
  ['http://localhost.evil.example/hooks', 'must use https'],
])('saving %s is a 400 on url (%s) and stores nothing', async (url, says) => {
  const id = freshId();
  const response = await platform.admin('PUT', `/api/admin/webhooks/${id}`, endpoint(url));
  expectError(response, 400, 'VALIDATION');
  expect(response.body.error.details).toEqual([{ path: 'url', message: expect.stringContaining(says) }]);
  // The address a name resolved to is not told back: the console must not map internal DNS.
  expect(JSON.stringify(response.body)).not.toMatch(
    /169\.254\.169\.254.*resolves|10\.0\.0\.5"|fd00::5|172\.16\.0\.9/,
  );
  expectError(await platform.admin('GET', `/api/admin/webhooks/${id}`), 404, 'NOT_FOUND');
});

test('an existing endpoint changed to a forbidden URL keeps its old URL', async () => {
  const id = freshId();
  const saved = await platform.admin(
    'PUT',
    `/api/admin/webhooks/${id}`,
    endpoint('https://public.shop.test/hooks'),
  );
  expect(saved.status).toBe(201);
  expectError(
    await platform.admin('PUT', `/api/admin/webhooks/${id}`, endpoint('https://metadata.shop.test/')),
    400,
    'VALIDATION',
  );
  expect((await platform.admin('GET', `/api/admin/webhooks/${id}`)).body.url).toBe(
    'https://public.shop.test/hooks',
  );
  await platform.admin('DELETE', `/api/admin/webhooks/${id}`);
});

test.each([
  // Loopback receivers, plain http included, while the local runner allows them.
  'http://127.0.0.1:4000/hooks',
  'http://127.0.0.2:4000/hooks',
  'http://localhost:4000/hooks',
  'http://localhost.:4000/hooks',
  'http://[::1]:4000/hooks',
  'https://localhost:4443/hooks',
  // A name that resolves only to public addresses.
  'https://public.shop.test/hooks',
  // Names that do not resolve (now): accepted, and checked again at every delivery.
  'https://gone.shop.test/hooks',
  'https://erp.invalid/hooks',
])('saving %s is accepted', async (url) => {
  const id = freshId();
  const response = await platform.admin('PUT', `/api/admin/webhooks/${id}`, endpoint(url));
  expect(response.status).toBe(201);
  expect(response.body.url).toBe(url);
  await platform.admin('DELETE', `/api/admin/webhooks/${id}`);
});
