/**
 * Every console route (each route of lib/platform.ts with `auth: 'admin'`) refuses a caller without valid
 * admin credentials with 401 in the contract's shape, and nothing changes: no table, no email. Tried: no
 * Authorization header, malformed ones, wrong tokens, and JWT-shaped tokens that are expired or wrongly
 * signed. The local gateway runs the same Lambda authorizer as AWS (lambdas/authorizer/handler.ts), with the
 * runner's role tokens standing in for Cognito (whose ID tokens test/unit/access.test.ts verifies; the CDK
 * wiring is tested in test/cdk). Behind it, the admin function itself fails closed when a request arrives
 * without a caller.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ORIGIN_VERIFY_HEADER, routeKey, routes, type RouteDefinition } from '../../lib/platform';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { waitForEmails } from '../support/mailbox';
import { batchWrite, waitingBackorders } from '../support/backorder-rows';
import {
  ALL_TABLES,
  documentClient,
  send,
  sesMessageIds,
  settledSnapshot,
  snapshotTables,
} from '../support/hostile';
import { expectError, newProduct, signUp } from './helpers';

let platform: TestPlatform;
let guardedSku: string;
let guardedId: string;
let before: Record<string, string[]>;
let mailBefore: Set<string>;
const tag = randomBytes(3).toString('hex');

const adminRoutes = routes.filter((route) => route.auth === 'admin');

beforeAll(async () => {
  platform = await startTestPlatform();
  guardedSku = await newProduct(platform, 'auth-guarded', { stock: 0 });
  // A campaign, a supplier and a webhook endpoint that a refused call must not touch.
  for (const [path, body] of Object.entries(existingBodies())) {
    const answer = await platform.admin('PUT', path, body);
    expect(answer.status).toBeLessThan(300);
  }
  // Written straight to the table: a waiting backorder with no confirmation email still on its way.
  const [guard] = waitingBackorders(guardedSku, [1], { label: `guard.${tag}` });
  await batchWrite(documentClient(), platform.tableNames.backorders, [guard.row]);
  guardedId = guard.id;
  before = await settledSnapshot(platform);
  mailBefore = await sesMessageIds(platform);
});
afterAll(async () => platform?.stop());

const campaign = {
  name: 'Planted',
  active: true,
  steps: [{ id: 'one', delay: 'PT0S', subject: 'Hi', html: '<p>Hi</p>' }],
};
const existingBodies = (): Record<string, unknown> => ({
  [`/api/admin/campaigns/c-${tag}`]: campaign,
  [`/api/admin/suppliers/s-${tag}`]: {
    name: 'Supplier',
    email: `supplier.${tag}@example.com`,
    batch: { every: 'week', day: 'MON' },
  },
  [`/api/admin/webhooks/w-${tag}`]: {
    url: 'https://erp.example/hook',
    secret: 'a-secret-of-sixteen-or-more',
    // Not an event the fixtures cause: its delivery retries would change the tables under the test.
    events: ['backorder.fulfilled'],
  },
});

/** A concrete request for a route, with a body that would be accepted (and change something) if authorised. */
const requestFor = (route: RouteDefinition): { path: string; body?: unknown } => {
  const path = route.path
    .replace('{sku}', guardedSku)
    .replace('{batchId}', 'B1')
    .replace('{id}', () => {
      if (route.path.startsWith('/api/admin/backorders/')) return guardedId;
      if (route.path.startsWith('/api/admin/campaigns/')) return `c-${tag}`;
      if (route.path.startsWith('/api/admin/suppliers/')) return `s-${tag}`;
      return `w-${tag}`;
    });
  const bodies: Record<string, unknown> = {
    'PUT /api/admin/settings': {
      backorders: { enabled: false, segments: [] },
      doubleOptIn: true,
      sender: { from: 'evil@intruder.example', postalAddress: 'Nowhere' },
    },
    'PUT /api/admin/products/{sku}': { name: 'Hijacked', stock: 99, backorders: { enabled: false } },
    'PUT /api/admin/campaigns/{id}': { ...campaign, name: 'Hijacked', active: false },
    'POST /api/admin/campaigns/{id}/preview': { stepId: 'one' },
    'POST /api/admin/campaigns/{id}/test': { stepId: 'one', to: 'evil@intruder.example' },
    'POST /api/admin/templates/preview': { subject: 'x', html: '<p>x</p>' },
    'POST /api/admin/inventory': { sku: guardedSku, available: 5 },
    'PUT /api/admin/webhooks/{id}': {
      url: 'https://attacker.example/hook',
      secret: 'another-secret-of-sixteen',
      events: ['backorder.created'],
    },
    'PUT /api/admin/suppliers/{id}': {
      name: 'Hijacked',
      email: 'evil@intruder.example',
      batch: { every: 'week', day: 'MON' },
    },
  };
  const query = route.path === '/api/admin/emails' ? `?email=guard.${tag}-0%40example.com` : '';
  return { path: path + query, body: bodies[routeKey(route)] };
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (payload: Record<string, unknown>, key: string, alg = 'HS256') => {
  const head = `${b64({ alg, typ: 'JWT' })}.${b64(payload)}`;
  if (alg === 'none') return `${head}.`;
  return `${head}.${createHmac('sha256', key).update(head).digest('base64url')}`;
};
const now = () => Math.floor(Date.now() / 1000);
const claims = (exp: number) => ({ sub: 'admin', 'cognito:groups': ['admins'], iat: exp - 3600, exp });

/** Authorization headers (or their absence) that must all be refused. */
const credentials = (t: string): [string, Record<string, string>][] => [
  ['no Authorization header', {}],
  ['"Bearer" alone', { authorization: 'Bearer' }],
  ['"Bearer " and nothing', { authorization: 'Bearer ' }],
  ['"Basic x"', { authorization: 'Basic x' }],
  [
    'Basic with the token as password',
    { authorization: `Basic ${Buffer.from(`admin:${t}`).toString('base64')}` },
  ],
  ['"bearer  tok" (lower case, two spaces)', { authorization: 'bearer  tok' }],
  ['the token with trailing junk', { authorization: `Bearer ${t} junk` }],
  ['the token with a suffix', { authorization: `Bearer ${t}x` }],
  ['the token cut short', { authorization: `Bearer ${t.slice(0, -1)}` }],
  ['the token twice', { authorization: `Bearer ${t},Bearer ${t}` }],
  ['the token after two spaces', { authorization: `Bearer  ${t}` }],
  ['the token with a Latin-1 space after it', { authorization: `Bearer ${t}\u00a0` }],
  ['the bare token without a scheme', { authorization: t }],
  ['another scheme with the token', { authorization: `Token ${t}` }],
  ['a wrong token', { authorization: `Bearer ${randomBytes(24).toString('base64url')}` }],
  ['a huge header (12 KB)', { authorization: `Bearer ${'A'.repeat(12_000)}` }],
  ['the token in another header', { 'x-api-key': t, 'x-authorization': `Bearer ${t}` }],
  ['the token as a cookie', { cookie: `token=${t}; authorization=Bearer ${t}` }],
  ['an expired JWT signed with the admin token', { authorization: `Bearer ${jwt(claims(now() - 60), t)}` }],
  [
    'an unexpired JWT signed with a wrong key',
    { authorization: `Bearer ${jwt(claims(now() + 3600), 'not-the-key')}` },
  ],
  ['an unsigned JWT (alg none)', { authorization: `Bearer ${jwt(claims(now() + 3600), '', 'none')}` }],
  [
    'a JWT whose signature is the admin token',
    { authorization: `Bearer ${b64({ alg: 'HS256' })}.${b64(claims(now() + 3600))}.${t}` },
  ],
];
const labels = credentials('').map(([label]) => label);

describe('every admin route refuses a caller without valid credentials: 401, and nothing changes', () => {
  test('the admin routes are the ones of lib/platform.ts', () => {
    expect(adminRoutes.length).toBeGreaterThanOrEqual(30);
    expect(adminRoutes.every((route) => route.path.startsWith('/api/admin/'))).toBe(true);
  });

  test.each(labels)('%s → 401 UNAUTHORIZED on every admin route', async (label) => {
    const headers = new Map(credentials(platform.adminToken)).get(label)!;
    const answers = await Promise.all(
      adminRoutes.map(async (route) => {
        const { path, body } = requestFor(route);
        return [route, await platform.request(route.method, path, { json: body, headers })] as const;
      }),
    );
    for (const [route, answer] of answers) {
      try {
        expectError(answer, 401, 'UNAUTHORIZED');
      } catch (error) {
        throw new Error(`${routeKey(route)}: ${(error as Error).message}`, { cause: error });
      }
      expect(JSON.stringify(answer.body)).not.toContain(platform.adminToken);
    }
  });

  test('the token in the query string instead → 401 on every admin route', async () => {
    for (const route of adminRoutes) {
      const { path, body } = requestFor(route);
      const separator = path.includes('?') ? '&' : '?';
      for (const name of ['token', 'access_token', 'authorization']) {
        const answer = await platform.request(
          route.method,
          `${path}${separator}${name}=${platform.adminToken}`,
          {
            json: body,
          },
        );
        expectError(answer, 401, 'UNAUTHORIZED');
      }
    }
  });

  test('a header too large for the gateway is refused in the contract shape (431), not with a bare status', async () => {
    const answer = await send(platform, {
      method: 'GET',
      path: '/api/admin/settings',
      headers: { authorization: `Bearer ${'A'.repeat(20_000)}` },
    });
    expect(answer.status).toBe(431);
    expect(answer.body).toEqual({
      error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request headers are too large', details: [] },
    });
  });

  test('the admin function itself refuses a request that reached it without an authorizer', async () => {
    // As if a route were ever wired without the authorizer: the handler fails closed.
    const { dispatch } = (await import('../../lambdas/admin-api/handler')) as {
      dispatch: (event: APIGatewayProxyEventV2) => Promise<{ statusCode?: number; body?: string }>;
    };
    // The streamed routes' function has no authorizer in front by design: it identifies callers itself
    // (test/http/exports.test.ts).
    for (const route of adminRoutes.filter((adminRoute) => adminRoute.function === 'adminApi')) {
      const { path, body } = requestFor(route);
      const url = new URL(path, 'http://localhost');
      const event = {
        version: '2.0',
        routeKey: routeKey(route),
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        // Through CloudFront (its origin header), but with no authorizer's claims.
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${platform.adminToken}`,
          [ORIGIN_VERIFY_HEADER]: platform.originVerifySecret,
        },
        queryStringParameters: Object.fromEntries(url.searchParams),
        pathParameters: { sku: guardedSku, id: guardedId, batchId: 'B1' },
        requestContext: { http: { method: route.method, path: url.pathname, sourceIp: '127.0.0.1' } },
        body: body === undefined ? undefined : JSON.stringify(body),
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEventV2;
      const result = await dispatch(event);
      expect({ route: routeKey(route), status: result.statusCode }).toEqual({
        route: routeKey(route),
        status: 401,
      });
      expect(JSON.parse(result.body ?? '{}').error.code).toBe('UNAUTHORIZED');
    }
  });

  test('nothing changed: every table as before, and no email was sent', async () => {
    expect(await snapshotTables(platform, ALL_TABLES)).toEqual(before);
    // A barrier: one real signup's confirmation is the only email since the refused calls began.
    const email = `barrier.${tag}@example.com`;
    expect((await signUp(platform, { sku: guardedSku, email })).status).toBe(201);
    expect(await waitForEmails(platform.sesUrl, email)).toHaveLength(1);
    const added = [...(await sesMessageIds(platform))].filter((id) => !mailBefore.has(id));
    expect(added).toHaveLength(1);
  });

  // Last, because with the token these requests do change things (a supplier and a test email at
  // intruder.example get mail: not the attacker's domain, which hostile-public.test.ts checks no email reaches).
  test('with the right token the same requests get past authentication (the 401s were about credentials)', async () => {
    for (const route of adminRoutes) {
      const { path, body } = requestFor(route);
      const answer = await platform.admin(route.method, path, body);
      const seen = {
        route: routeKey(route),
        authenticated: answer.status !== 401,
        failed: answer.status >= 500,
      };
      expect(seen).toEqual({ route: routeKey(route), authenticated: true, failed: false });
    }
  });
});
