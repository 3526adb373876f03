/**
 * API keys for machines and roles for console staff (docs/api.md "Access"): every admin route × every single
 * scope key and every console role is let through or refused with 403 FORBIDDEN exactly as lib/access.ts
 * says (test/unit/access.test.ts pins that table to the contract); keys are shown once and stored hashed, a
 * revoked key stops at once although the gateway caches the authorizer's answer, and bad requests to make
 * one change nothing.
 */
import { randomBytes } from 'node:crypto';
import { apiKeyScopes, routeAccess, type ApiKeyScope, type ConsoleRole } from '../../lib/access';
import { routeKey, routes, type RouteDefinition } from '../../lib/platform';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { documentClient } from '../support/hostile';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expectError, newProduct } from './helpers';

let platform: TestPlatform;
let sku: string;
const keys = {} as Record<ApiKeyScope, string>;

const adminRoutes = routes.filter((route) => route.auth === 'admin');

const as = (credential: string) => (method: string, path: string, json?: unknown) =>
  platform.request(method, path, { json, headers: { authorization: `Bearer ${credential}` } });

const makeKey = async (name: string, scopes: string[]) => {
  const answer = await platform.admin('POST', '/api/admin/api-keys', { name, scopes });
  expect(answer.status).toBe(201);
  return answer.body as { id: string; key: string; name: string; scopes: string[] };
};

beforeAll(async () => {
  platform = await startTestPlatform();
  sku = await newProduct(platform, 'keys', { stock: 0 });
  for (const scope of apiKeyScopes) keys[scope] = (await makeKey(`only ${scope}`, [scope])).key;
});
afterAll(async () => platform?.stop());

/**
 * A request that changes nothing whether or not it is let through: unknown ids (404 once admitted), empty
 * bodies (400 once admitted), reads. What is asserted is only whether the caller got past the access check.
 */
const harmless = (route: RouteDefinition): { path: string; body?: unknown } => {
  const path = route.path
    .replace('{sku}', `NO-SUCH-${randomBytes(3).toString('hex')}`)
    .replace('{id}', '0000000000000000')
    .replace('{batchId}', 'B1')
    .replace('{connector}', 'shopify')
    .replace('{productId}', 'none');
  const query = route.path === '/api/admin/emails' ? '?email=nobody%40example.com' : '';
  return { path: path + query, body: ['POST', 'PUT'].includes(route.method) ? {} : undefined };
};

const outcomes = async (credential: string) =>
  Promise.all(
    adminRoutes.map(async (route) => {
      const { path, body } = harmless(route);
      const answer = await as(credential)(route.method, path, body);
      return { route: routeKey(route), answer };
    }),
  );

describe('every admin route, for every single-scope key and every console role', () => {
  test.each([...apiKeyScopes])(
    'a key with only %s: its routes let through, every other → 403',
    async (scope) => {
      for (const { route, answer } of await outcomes(keys[scope])) {
        const allowed = routeAccess[route]?.scope === scope;
        expect({ route, refused: answer.status === 403 }).toEqual({ route, refused: !allowed });
        if (allowed) expect({ route, status: answer.status }).not.toEqual({ route, status: 401 });
        else expectError(answer, 403, 'FORBIDDEN');
      }
    },
  );

  const roleToken = (role: ConsoleRole) =>
    ({ admin: platform.adminToken, marketer: platform.marketerToken, support: platform.supportToken })[role];

  test.each(['admin', 'marketer', 'support'] as const)(
    '%s: the routes of the role let through, every other → 403',
    async (role) => {
      for (const { route, answer } of await outcomes(roleToken(role))) {
        const allowed = role === 'admin' || (routeAccess[route]?.roles as readonly string[]).includes(role);
        expect({ route, refused: answer.status === 403 }).toEqual({ route, refused: !allowed });
        expect({ route, status: answer.status }).not.toEqual({ route, status: 401 });
        expect(answer.status).toBeLessThan(500);
      }
    },
  );

  test('what a key may do, it does: read products, post stock, read backorders', async () => {
    expect((await as(keys['products:read'])('GET', `/api/admin/products/${sku}`)).status).toBe(200);
    expect(
      (await as(keys['inventory:write'])('POST', '/api/admin/inventory', { sku, available: 3 })).status,
    ).toBe(202);
    expect((await as(keys['products:read'])('GET', `/api/admin/products/${sku}`)).body.stock).toBe(3);
    expect((await as(keys['backorders:read'])('GET', `/api/admin/backorders?sku=${sku}`)).status).toBe(200);
  });

  test('GET /api/admin/me names the caller and the routes it may call', async () => {
    const me = await as(platform.supportToken)('GET', '/api/admin/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ principal: 'support@localhost', kind: 'staff', roles: ['support'] });
    expect(me.body.routes).toContain('POST /api/admin/backorders/{id}/cancel');
    expect(me.body.routes).not.toContain('PUT /api/admin/settings');
  });
});

describe('making, listing and revoking keys', () => {
  test('the key is shown once, listed without it, and stored only as a hash', async () => {
    const made = await makeKey('ERP', ['backorders:read', 'inventory:write', 'backorders:read']);
    expect(made.key).toMatch(/^bo_[0-9A-Z]{16}_[A-Za-z0-9_-]{43}$/);
    expect(made.scopes).toEqual(['backorders:read', 'inventory:write']);
    const list = await platform.admin('GET', '/api/admin/api-keys');
    const listed = list.body.items.find((item: { id: string }) => item.id === made.id);
    expect(listed).toMatchObject({
      name: 'ERP',
      scopes: made.scopes,
      createdBy: 'admin@localhost',
      revokedAt: null,
    });
    expect(JSON.stringify(list.body)).not.toContain(made.key.slice(21));
    const { Items } = await documentClient().send(
      new ScanCommand({ TableName: platform.tableNames.apiKeys }),
    );
    const stored = JSON.stringify(Items);
    expect(stored).toContain(made.id);
    expect(stored).not.toContain(made.key.slice(21));
  });

  test('last use is shown once the key is used', async () => {
    const made = await makeKey('reader', ['products:read']);
    const before = (await platform.admin('GET', '/api/admin/api-keys')).body.items.find(
      (item: { id: string }) => item.id === made.id,
    );
    expect(before.lastUsedAt).toBeNull();
    expect((await as(made.key)('GET', '/api/admin/products')).status).toBe(200);
    const after = (await platform.admin('GET', '/api/admin/api-keys')).body.items.find(
      (item: { id: string }) => item.id === made.id,
    );
    expect(Date.parse(after.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  test('revoking takes effect at once, although the gateway caches the authorizer for a minute', async () => {
    const made = await makeKey('to revoke', ['products:read']);
    expect((await as(made.key)('GET', '/api/admin/products')).status).toBe(200);
    const revoked = await platform.admin('DELETE', `/api/admin/api-keys/${made.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expectError(await as(made.key)('GET', '/api/admin/products'), 401, 'UNAUTHORIZED');
    // Revoking again is harmless; an unknown id is 404.
    expect((await platform.admin('DELETE', `/api/admin/api-keys/${made.id}`)).status).toBe(200);
    expectError(await platform.admin('DELETE', '/api/admin/api-keys/0000000000000000'), 404, 'NOT_FOUND');
    expectError(await platform.admin('DELETE', '/api/admin/api-keys/not-an-id'), 404, 'NOT_FOUND');
  });

  test('an unknown key, a key with a wrong secret, or a mangled one → 401', async () => {
    const made = await makeKey('genuine', ['products:read']);
    const wrongSecret = `${made.key.slice(0, 20)}_${randomBytes(32).toString('base64url')}`;
    const unknownId = `bo_ZZZZZZZZZZZZZZZZ_${made.key.slice(21)}`;
    for (const credential of [wrongSecret, unknownId, made.key.slice(0, -1), `${made.key}x`])
      expectError(await as(credential)('GET', '/api/admin/products'), 401, 'UNAUTHORIZED');
  });

  test.each([
    ['no name', { scopes: ['products:read'] }],
    ['an empty name', { name: ' ', scopes: ['products:read'] }],
    ['no scopes', { name: 'x', scopes: [] }],
    ['an unknown scope', { name: 'x', scopes: ['settings:write'] }],
    ['an unknown field', { name: 'x', scopes: ['products:read'], admin: true }],
    ['a name with a control character', { name: 'a\u0007b', scopes: ['products:read'] }],
  ])('%s → 400, and no key is made', async (_label, body) => {
    const before = (await platform.admin('GET', '/api/admin/api-keys')).body.items.length;
    expectError(await platform.admin('POST', '/api/admin/api-keys', body), 400, 'VALIDATION');
    expect((await platform.admin('GET', '/api/admin/api-keys')).body.items.length).toBe(before);
  });

  test('only an admin makes keys: a marketer, support, or a key with every scope → 403', async () => {
    const everything = await makeKey('everything', [...apiKeyScopes]);
    for (const credential of [platform.marketerToken, platform.supportToken, everything.key])
      expectError(
        await as(credential)('POST', '/api/admin/api-keys', { name: 'x', scopes: ['products:read'] }),
        403,
        'FORBIDDEN',
      );
  });

  // Last: it fills the shop's allowance of keys.
  test('at most 50 live keys: the 51st → 409 CONFLICT; revoking one makes room', async () => {
    const live = async () =>
      (await platform.admin('GET', '/api/admin/api-keys')).body.items.filter(
        (item: { revokedAt: string | null }) => item.revokedAt === null,
      );
    const made: { id: string }[] = [];
    for (let count = (await live()).length; count < 50; count++)
      made.push(await makeKey(`filler ${count}`, ['products:read']));
    expect(await live()).toHaveLength(50);
    expectError(
      await platform.admin('POST', '/api/admin/api-keys', {
        name: 'one too many',
        scopes: ['products:read'],
      }),
      409,
      'CONFLICT',
    );
    expect(await live()).toHaveLength(50);
    expect((await platform.admin('DELETE', `/api/admin/api-keys/${made[0].id}`)).status).toBe(200);
    await makeKey('room again', ['products:read']);
    expect(await live()).toHaveLength(50);
  });
});
