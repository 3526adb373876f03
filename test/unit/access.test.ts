/**
 * Who may call which admin route (lib/access.ts), pinned to the contract (docs/api.md "Access"): every admin
 * route has a row, a new route without one fails here; the API-key scopes cover exactly the routes the
 * contract names; console roles; the caller as the authorizer hands it over; and Cognito ID tokens verified
 * as aws-jwt-verify verifies them, against a key set made here.
 */
import { generateKeyPairSync, createSign, type KeyObject } from 'node:crypto';
import { apiKeyScopes, routeAccess } from '../../lib/access';
import { routeKey, routes } from '../../lib/platform';
import { callerContext, callerFromContext, type Caller } from '../../lambdas/runtime/caller';
import { mayCall } from '../../lambdas/use-cases/access';
import { parseApiKey, newApiKey, newApiKeyId } from '../../lambdas/domain/api-key';

const adminRouteKeys = routes.filter((route) => route.auth === 'admin').map(routeKey);

describe('the access table', () => {
  test('every admin route has a row, and every row is an admin route', () => {
    expect(Object.keys(routeAccess).sort()).toEqual([...adminRouteKeys].sort());
  });

  test('the scopes cover exactly the routes the contract gives them', () => {
    const covered = (scope: string) =>
      Object.entries(routeAccess)
        .filter(([, access]) => access.scope === scope)
        .map(([key]) => key)
        .sort();
    expect(covered('products:read')).toEqual(
      ['GET /api/admin/products', 'GET /api/admin/products/{sku}', 'GET /api/admin/products.csv'].sort(),
    );
    expect(covered('products:write')).toEqual(
      [
        'PUT /api/admin/products/{sku}',
        'POST /api/admin/products/import',
        'GET /api/admin/imports/{id}',
      ].sort(),
    );
    expect(covered('inventory:write')).toEqual(['POST /api/admin/inventory']);
    expect(covered('backorders:read')).toEqual(
      [
        'GET /api/admin/backorders',
        'GET /api/admin/backorders/{id}',
        'GET /api/admin/backorders.csv',
        'POST /api/admin/claims/verify',
      ].sort(),
    );
    expect(covered('backorders:write')).toEqual(
      [
        'POST /api/admin/backorders/{id}/cancel',
        'POST /api/admin/backorders/{id}/fulfil',
        'POST /api/admin/backorders/{id}/extend',
        'POST /api/admin/backorders',
      ].sort(),
    );
  });

  test('no key reaches settings, campaigns, webhooks, suppliers, connectors or API keys', () => {
    const consoleOnly =
      /^\w+ \/api\/admin\/(settings|campaigns|templates|webhooks|suppliers|connectors|api-keys|stats|emails|me)/;
    for (const [key, access] of Object.entries(routeAccess))
      if (consoleOnly.test(key)) expect({ key, scope: access.scope }).toEqual({ key, scope: undefined });
  });
});

describe('mayCall', () => {
  const staff = (...roles: ('admin' | 'marketer' | 'support')[]): Caller => ({
    kind: 'staff',
    principal: 'someone@shop.example',
    roles,
  });
  const key = (...scopes: (typeof apiKeyScopes)[number][]): Caller => ({
    kind: 'apiKey',
    principal: 'api-key:X',
    keyId: 'X',
    scopes,
  });

  test('an admin may call every admin route, and a route missing from the table', () => {
    for (const route of [...adminRouteKeys, 'GET /api/admin/not-yet-in-the-table'])
      expect(mayCall(staff('admin'), route)).toBe(true);
  });

  test('a marketer: campaigns, products, stock, statistics; not settings, webhooks, suppliers, keys, cancel', () => {
    const marketer = staff('marketer');
    for (const route of [
      'PUT /api/admin/campaigns/{id}',
      'PUT /api/admin/products/{sku}',
      'POST /api/admin/products/import',
      'POST /api/admin/inventory',
      'GET /api/admin/stats',
    ])
      expect([route, mayCall(marketer, route)]).toEqual([route, true]);
    for (const route of [
      'PUT /api/admin/settings',
      'PUT /api/admin/webhooks/{id}',
      'PUT /api/admin/suppliers/{id}',
      'POST /api/admin/api-keys',
      'POST /api/admin/backorders/{id}/cancel',
    ])
      expect([route, mayCall(marketer, route)]).toEqual([route, false]);
  });

  test('support: lookup, cancel, fulfil, resend; not products, campaigns or settings', () => {
    const agent = staff('support');
    for (const route of [
      'GET /api/admin/backorders',
      'POST /api/admin/backorders/{id}/cancel',
      'POST /api/admin/backorders/{id}/fulfil',
      'POST /api/admin/backorders/{id}/status-link',
      'GET /api/admin/emails',
    ])
      expect([route, mayCall(agent, route)]).toEqual([route, true]);
    for (const route of [
      'PUT /api/admin/products/{sku}',
      'PUT /api/admin/campaigns/{id}',
      'PUT /api/admin/settings',
    ])
      expect([route, mayCall(agent, route)]).toEqual([route, false]);
  });

  test('a member of no group may call nothing; two roles add up', () => {
    for (const route of adminRouteKeys) expect(mayCall(staff(), route)).toBe(false);
    expect(mayCall(staff('marketer', 'support'), 'PUT /api/admin/campaigns/{id}')).toBe(true);
    expect(mayCall(staff('marketer', 'support'), 'POST /api/admin/backorders/{id}/cancel')).toBe(true);
  });

  test('a key only where one of its scopes covers the route, never on a route without a scope', () => {
    expect(mayCall(key('products:read'), 'GET /api/admin/products')).toBe(true);
    expect(mayCall(key('products:read'), 'PUT /api/admin/products/{sku}')).toBe(false);
    expect(mayCall(key(...apiKeyScopes), 'GET /api/admin/settings')).toBe(false);
    expect(mayCall(key(...apiKeyScopes), 'GET /api/admin/not-yet-in-the-table')).toBe(false);
  });
});

describe('the caller, as the authorizer hands it over', () => {
  test('staff and keys survive the trip through the authorizer context', () => {
    const callers: Caller[] = [
      { kind: 'staff', principal: 'ana@shop.example', roles: ['marketer', 'support'] },
      {
        kind: 'apiKey',
        principal: 'api-key:ABC',
        keyId: 'ABC',
        scopes: ['products:read', 'inventory:write'],
      },
    ];
    for (const caller of callers) expect(callerFromContext(callerContext(caller))).toEqual(caller);
    expect(callerFromContext(callerContext(undefined))).toBeUndefined();
  });

  test('anything not made by callerContext is no caller, and unknown roles or scopes are dropped', () => {
    for (const context of [
      undefined,
      null,
      'staff',
      {},
      { caller: 'staff' },
      { caller: 'root', principal: 'x' },
    ])
      expect(callerFromContext(context)).toBeUndefined();
    expect(callerFromContext({ caller: 'apiKey', principal: 'x' })).toBeUndefined();
    expect(callerFromContext({ caller: 'staff', principal: 'x', roles: 'root admin' })).toEqual({
      kind: 'staff',
      principal: 'x',
      roles: ['admin'],
    });
    expect(
      callerFromContext({ caller: 'apiKey', principal: 'x', keyId: 'K', scopes: 'all products:read' }),
    ).toEqual({ kind: 'apiKey', principal: 'x', keyId: 'K', scopes: ['products:read'] });
  });
});

describe('API key format', () => {
  test('a new key parses back to its id and secret; anything else does not parse', () => {
    const id = newApiKeyId();
    const { key, secret } = newApiKey(id);
    expect(parseApiKey(key)).toEqual({ id, secret });
    expect(newApiKey(id).secret).not.toBe(secret);
    for (const other of [
      '',
      key.slice(0, -1),
      `${key}x`,
      key.replace('bo_', 'bx_'),
      'eyJ.a.b',
      'x'.repeat(64),
    ])
      expect(parseApiKey(other)).toBeUndefined();
  });
});

describe('Cognito ID tokens (aws-jwt-verify, with the pool keys cached here instead of fetched)', () => {
  const userPoolId = 'eu-west-1_TestPool1';
  const clientId = 'console-client-id';
  const issuer = `https://cognito-idp.eu-west-1.amazonaws.com/${userPoolId}`;
  let privateKey: KeyObject;
  let identify: typeof import('../../lambdas/use-cases/identify-caller');

  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const sign = (claims: Record<string, unknown>, kid = 'key-1', key = privateKey) => {
    const head = `${b64({ alg: 'RS256', kid, typ: 'JWT' })}.${b64(claims)}`;
    const signature = createSign('RSA-SHA256').update(head).sign(key).toString('base64url');
    return `${head}.${signature}`;
  };
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (overrides: Record<string, unknown> = {}) => ({
    sub: 'user-1',
    email: 'ana@shop.example',
    'cognito:groups': ['marketer'],
    iss: issuer,
    aud: clientId,
    token_use: 'id',
    iat: now(),
    exp: now() + 3600,
    ...overrides,
  });

  beforeAll(async () => {
    process.env.CONSOLE_USER_POOL_ID = userPoolId;
    process.env.CONSOLE_CLIENT_ID = clientId;
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    privateKey = pair.privateKey;
    identify = await import('../../lambdas/use-cases/identify-caller');
    const jwk = pair.publicKey.export({ format: 'jwk' });
    identify.primeCognitoKeys({ keys: [{ ...jwk, kid: 'key-1', alg: 'RS256', use: 'sig' }] } as never);
  });
  afterAll(() => {
    delete process.env.CONSOLE_USER_POOL_ID;
    delete process.env.CONSOLE_CLIENT_ID;
  });

  test('a valid ID token of a marketer is a marketer, named by email', async () => {
    expect(await identify.identifyCaller(`Bearer ${sign(claims())}`)).toEqual({
      kind: 'staff',
      principal: 'ana@shop.example',
      roles: ['marketer'],
    });
  });

  test('groups that are not roles are dropped; no group is no role', async () => {
    const caller = await identify.identifyCaller(
      `Bearer ${sign(claims({ 'cognito:groups': ['admins', 'support'] }))}`,
    );
    expect(caller).toMatchObject({ roles: ['support'] });
    const none = await identify.identifyCaller(`Bearer ${sign(claims({ 'cognito:groups': undefined }))}`);
    expect(none).toMatchObject({ kind: 'staff', roles: [] });
  });

  test.each([
    ['expired', () => sign(claims({ exp: now() - 60 }))],
    ['another client', () => sign(claims({ aud: 'other-client' }))],
    [
      'another pool',
      () => sign(claims({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' })),
    ],
    ['an access token', () => sign(claims({ token_use: 'access' }))],
    [
      'signed by another key',
      () => sign(claims(), 'key-1', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
    ],
    ['an unknown key id', () => sign(claims(), 'key-2')],
    ['unsigned (alg none)', () => `${b64({ alg: 'none', kid: 'key-1' })}.${b64(claims())}.`],
  ])('%s → no caller', async (_label, token) => {
    expect(await identify.identifyCaller(`Bearer ${token()}`)).toBeUndefined();
  });

  test('not a Bearer credential → no caller, nothing looked up', async () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Basic abc',
      `bearer ${sign(claims())}`,
      `Bearer  ${sign(claims())}`,
    ])
      expect(await identify.identifyCaller(header)).toBeUndefined();
  });
});
