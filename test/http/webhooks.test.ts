/**
 * Outbound webhook endpoints through the admin API (docs/api.md `PUT /api/admin/webhooks/{id}`): saved only
 * when their URL, secret and events are valid, listed and read without their secret, deleted; their
 * deliveries listed newest first.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { expectError } from './helpers';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform?.stop());

const SECRET = 'erp-shared-secret-0123456789';
const endpoint = (overrides: Record<string, unknown> = {}) => ({
  url: 'https://erp.example/hooks/backorders',
  secret: SECRET,
  events: ['backorder.created', 'backorder.cancelled'],
  ...overrides,
});

const put = (id: string, body: unknown) => platform.admin('PUT', `/api/admin/webhooks/${id}`, body);

test('every webhook route needs the admin token', async () => {
  for (const [method, path] of [
    ['GET', '/api/admin/webhooks'],
    ['GET', '/api/admin/webhooks/erp'],
    ['PUT', '/api/admin/webhooks/erp'],
    ['DELETE', '/api/admin/webhooks/erp'],
    ['GET', '/api/admin/webhooks/erp/deliveries'],
  ]) {
    const anonymous = await platform.request(method, path, {
      json: method === 'PUT' ? endpoint() : undefined,
    });
    expectError(anonymous, 401, 'UNAUTHORIZED');
    const wrong = await platform.request(method, path, {
      headers: { authorization: 'Bearer not-the-token' },
    });
    expectError(wrong, 401, 'UNAUTHORIZED');
  }
  expect((await platform.admin('GET', '/api/admin/webhooks/erp')).status).toBe(404);
});

test('an endpoint is created (201), read, listed, updated (200) and deleted, and its secret never comes back', async () => {
  const created = await put('erp', endpoint());
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    id: 'erp',
    url: 'https://erp.example/hooks/backorders',
    events: ['backorder.created', 'backorder.cancelled'],
    active: true,
    secretSet: true,
    secretLast4: '6789',
  });

  const updated = await put('erp', endpoint({ events: ['backorder.fulfilled'], active: false }));
  expect(updated.status).toBe(200);
  expect(updated.body).toMatchObject({ id: 'erp', events: ['backorder.fulfilled'], active: false });
  expect(updated.body.createdAt).toBe(created.body.createdAt);

  const read = await platform.admin('GET', '/api/admin/webhooks/erp');
  expect(read.status).toBe(200);
  expect(read.body).toMatchObject({ id: 'erp', events: ['backorder.fulfilled'], active: false });
  const listed = await platform.admin('GET', '/api/admin/webhooks');
  expect(listed.status).toBe(200);
  expect(listed.body.items.map((w: { id: string }) => w.id)).toContain('erp');

  for (const answer of [created, updated, read, listed]) {
    expect(JSON.stringify(answer.body)).not.toContain(SECRET);
    expect(JSON.stringify(answer.body)).not.toMatch(/"secret"/);
  }

  const deliveries = await platform.admin('GET', '/api/admin/webhooks/erp/deliveries');
  expect(deliveries).toMatchObject({ status: 200, body: { items: [], cursor: null } });

  const deleted = await platform.admin('DELETE', '/api/admin/webhooks/erp');
  expect(deleted).toMatchObject({ status: 200, body: { id: 'erp', deleted: true } });
  expectError(await platform.admin('GET', '/api/admin/webhooks/erp'), 404, 'NOT_FOUND');
  expectError(await platform.admin('DELETE', '/api/admin/webhooks/erp'), 404, 'NOT_FOUND');
  expectError(await platform.admin('GET', '/api/admin/webhooks/erp/deliveries'), 404, 'NOT_FOUND');
});

test.each([
  ['a URL that is not a URL', { url: 'erp.example/hooks' }, 'url'],
  ['plain http to a public host', { url: 'http://erp.example/hooks' }, 'url'],
  ['credentials in the URL', { url: 'https://erp:pw@erp.example/hooks' }, 'url'],
  ['a URL over 2048 characters', { url: `https://erp.example/${'a'.repeat(2100)}` }, 'url'],
  ['a secret under 16 characters', { secret: 'too-short' }, 'secret'],
  ['no secret', { secret: undefined }, 'secret'],
  ['an unknown event', { events: ['backorder.created', 'order.shipped'] }, 'events.1'],
  ['no events', { events: [] }, 'events'],
  ['the same event twice', { events: ['backorder.created', 'backorder.created'] }, 'events'],
  ['an unknown field', { retries: 3 }, 'retries'],
  ['active that is not a boolean', { active: 'yes' }, 'active'],
])('an endpoint with %s is refused with 400 VALIDATION naming the field', async (_label, overrides, path) => {
  const response = await put('refused', endpoint(overrides));
  expectError(response, 400, 'VALIDATION');
  expect(response.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  expect((await platform.admin('GET', '/api/admin/webhooks/refused')).status).toBe(404);
});

test('a body that is not an object, and an id outside the rule, are refused', async () => {
  expectError(await put('refused', ['https://erp.example']), 400, 'VALIDATION');
  expectError(await put('Not_An_Id', endpoint()), 400, 'VALIDATION');
  expectError(await platform.admin('GET', '/api/admin/webhooks/Not_An_Id'), 404, 'NOT_FOUND');
  expectError(await platform.admin('DELETE', '/api/admin/webhooks/Not_An_Id'), 404, 'NOT_FOUND');
});

test('plain http is accepted to the machine itself, for a receiver run next to npm start', async () => {
  const response = await put('local-erp', endpoint({ url: 'http://localhost:4000/hooks' }));
  expect(response.status).toBe(201);
  await platform.admin('DELETE', '/api/admin/webhooks/local-erp');
});

test('a deliveries cursor or limit that is not valid is refused', async () => {
  await put('paged', endpoint());
  expectError(
    await platform.admin('GET', '/api/admin/webhooks/paged/deliveries?cursor=nope'),
    400,
    'VALIDATION',
  );
  expectError(await platform.admin('GET', '/api/admin/webhooks/paged/deliveries?limit=0'), 400, 'VALIDATION');
  expectError(
    await platform.admin('GET', '/api/admin/webhooks/paged/deliveries?limit=abc'),
    400,
    'VALIDATION',
  );
  expect((await platform.admin('GET', '/api/admin/webhooks/paged/deliveries?limit=5')).status).toBe(200);
  await platform.admin('DELETE', '/api/admin/webhooks/paged');
});
