/**
 * The platform description is the single source of routes: every function implements exactly the routes
 * declared for it, so the local gateway and API Gateway (both built from lib/platform.ts) reach real code.
 */
import { functions, isApiPath, queueConsumedBy, queues, routeKey, routes } from '../../lib/platform';
import { routes as publicRoutes } from '../../lambdas/public-api/handler';
import { routes as apiDocsRoutes } from '../../lambdas/api-docs/handler';
import { routes as adminRoutes } from '../../lambdas/admin-api/handler';
import { routes as exporterRoutes } from '../../lambdas/exporter/routes';

const implemented: Record<string, Record<string, unknown>> = {
  publicApi: publicRoutes,
  apiDocs: apiDocsRoutes,
  adminApi: adminRoutes,
  exporter: exporterRoutes,
};

describe('platform description', () => {
  test.each(Object.keys(implemented))('%s implements exactly its declared routes', (fn) => {
    const declared = routes
      .filter((r) => r.function === fn)
      .map(routeKey)
      .sort();
    expect(Object.keys(implemented[fn]).sort()).toEqual(declared);
  });

  test('every admin route lives under /api/admin/ and every route under /api/ or /r/ (claim links)', () => {
    for (const route of routes) {
      expect(isApiPath(route.path)).toBe(true);
      expect(route.auth === 'admin').toBe(route.path.startsWith('/api/admin/'));
    }
  });

  test('every queue has a consumer that exists and a redrive limit', () => {
    for (const queue of Object.values(queues)) {
      expect(functions[queue.consumer]).toBeDefined();
      expect(queue.maxReceiveCount).toBeGreaterThan(1);
      expect(queueConsumedBy(queue.consumer)).toBe(queue);
    }
  });

  test('a streamed route has a literal path: its function URL has no route key, the function matches the path', () => {
    const streamed = routes.filter((route) => route.streamed);
    expect(streamed.length).toBeGreaterThan(0);
    for (const route of streamed) expect(route.path).not.toMatch(/[{}*]/);
  });

  test('no route is declared twice', () => {
    const keys = routes.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
