/**
 * The local runner opens its port before the handlers are loaded (docs/local.md: `GET /api/health` says
 * when every part is ready). A client that calls the API in that window, or while the runner stops, is told
 * to come back (503 with Retry-After, in the contract's error shape), never handed a 500; the pages are
 * served all along. The gateway is built here exactly as local/platform.ts builds it: an empty handler table
 * filled in later, and a readiness flag.
 */
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { createGateway } from '../../local/gateway';
import type { LambdaHandler } from '../../local/handlers';
import type { HttpResult } from '../support/platform';
import { expectError } from './helpers';

let server: http.Server;
let baseUrl: string;
let ready = false;
const handlers: Record<string, LambdaHandler> = {};
const adminToken = 'readiness-admin-token';

const call = async (method: string, path: string, init: RequestInit = {}): Promise<HttpResult> => {
  const response = await fetch(`${baseUrl}${path}`, { method, ...init });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // A page, not JSON.
  }
  return { status: response.status, headers: response.headers, body };
};

/** One request of each kind a shopper's page, a marketer's console and the ERP make. */
const API_CALLS: Array<[string, string, RequestInit]> = [
  ['GET', '/api/products/LAMP-1', {}],
  [
    'POST',
    '/api/backorders',
    {
      body: JSON.stringify({ sku: 'LAMP-1', email: 'early@example.com' }),
      headers: { 'content-type': 'application/json' },
    },
  ],
  ['GET', '/api/backorders/01ABC?token=t', {}],
  ['POST', '/api/backorders/01ABC/cancel?token=t', {}],
  ['POST', '/api/webhooks/inventory', { body: '{"sku":"LAMP-1","available":1}' }],
  ['GET', '/api/admin/products', { headers: { authorization: `Bearer ${adminToken}` } }],
];

beforeAll(async () => {
  server = createGateway({ handlers, isReady: () => ready });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
});

describe('while the platform is starting', () => {
  test('health says it is not ready yet', async () => {
    const response = await call('GET', '/api/health');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ ok: false });
  });

  test.each(API_CALLS)(
    '%s %s is told to come back later, not failed with a 500',
    async (method, path, init) => {
      const response = await call(method, path, init);
      expectError(response, 503, 'UNAVAILABLE');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(response.headers.get('cache-control')).toBe('no-store');
    },
  );

  test('an unknown API route is still a 404', async () => {
    expectError(await call('GET', '/api/nothing-here'), 404, 'NOT_FOUND');
  });

  test('the pages are already served', async () => {
    for (const page of ['/p/LAMP-1', '/status?id=01ABC&token=t', '/console/']) {
      const response = await call('GET', page);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    }
  });
});

describe('once every part is ready', () => {
  const seen: string[] = [];

  beforeAll(() => {
    const answer =
      (name: string): LambdaHandler =>
      async (event) => {
        seen.push(`${name} ${(event as { routeKey: string }).routeKey}`);
        return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
      };
    Object.assign(handlers, {
      publicApi: answer('publicApi'),
      inventoryApi: answer('inventoryApi'),
      adminApi: answer('adminApi'),
      // The admin routes' authorizer, played by the gateway before the admin function.
      authorizer: async () => ({
        isAuthorized: true,
        context: { caller: 'staff', principal: 'a', roles: 'admin' },
      }),
    });
    ready = true;
  });

  afterAll(() => {
    ready = false;
  });

  test('the same requests reach their handlers', async () => {
    for (const [method, path, init] of API_CALLS) {
      const response = await call(method, path, init);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.headers.get('retry-after')).toBeNull();
    }
    expect(seen).toEqual([
      'publicApi GET /api/products/{sku}',
      'publicApi POST /api/backorders',
      'publicApi GET /api/backorders/{id}',
      'publicApi POST /api/backorders/{id}/cancel',
      'inventoryApi POST /api/webhooks/inventory',
      'adminApi GET /api/admin/products',
    ]);
  });

  test('and when it stops again, requests are told to come back rather than failed', async () => {
    ready = false;
    const response = await call('GET', '/api/products/LAMP-1');
    expectError(response, 503, 'UNAVAILABLE');
    expect(response.headers.get('retry-after')).not.toBeNull();
  });
});
