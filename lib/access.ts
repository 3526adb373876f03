/**
 * Who may call which admin route: one table, read by the admin functions (lambdas/runtime/access.ts) on every
 * request and by the tests that fail when an admin route has no row here.
 *
 * Two kinds of caller reach admin routes. Console staff carry a role (on AWS a Cognito group; locally the
 * token they were given): `admin` may do everything, `marketer` and `support` what their rows name. Machines
 * (the ERP, the shop's checkout) carry an API key whose scopes name what it may do; a route without a scope
 * is console-only, so a key there is refused whatever its scopes.
 */

export const consoleRoles = ['admin', 'marketer', 'support'] as const;
export type ConsoleRole = (typeof consoleRoles)[number];

export const apiKeyScopes = [
  'products:read',
  'products:write',
  'inventory:write',
  'backorders:read',
  'backorders:write',
] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

export interface RouteAccess {
  /** Console roles, besides `admin`, that may call the route. */
  roles: readonly Exclude<ConsoleRole, 'admin'>[];
  /** The API-key scope that covers the route; without one, no API key may call it. */
  scope?: ApiKeyScope;
}

const marketing = ['marketer'] as const;
const support = ['support'] as const;
const staff = ['marketer', 'support'] as const;
const adminOnly = [] as const;

/** Every admin route by route key. test/unit/access.test.ts fails for an admin route missing here. */
export const routeAccess: Readonly<Record<string, RouteAccess>> = {
  // Who am I: the console shows only the sections the signed-in role may use.
  'GET /api/admin/me': { roles: staff },

  // Site settings: everyone in the console reads them (the sender and embed origins show in several pages);
  // only an admin changes them, since they hold the connectors' secrets and the shop's sending identity.
  'GET /api/admin/settings': { roles: staff },
  'PUT /api/admin/settings': { roles: adminOnly },

  'GET /api/admin/products': { roles: staff, scope: 'products:read' },
  'GET /api/admin/products/{sku}': { roles: staff, scope: 'products:read' },
  'GET /api/admin/products.csv': { roles: staff, scope: 'products:read' },
  'PUT /api/admin/products/{sku}': { roles: marketing, scope: 'products:write' },
  'POST /api/admin/products/import': { roles: marketing, scope: 'products:write' },
  'GET /api/admin/imports/{id}': { roles: marketing, scope: 'products:write' },
  'POST /api/admin/inventory': { roles: marketing, scope: 'inventory:write' },

  'GET /api/admin/backorders': { roles: support, scope: 'backorders:read' },
  'GET /api/admin/backorders/{id}': { roles: support, scope: 'backorders:read' },
  'GET /api/admin/backorders.csv': { roles: support, scope: 'backorders:read' },
  'POST /api/admin/backorders/{id}/cancel': { roles: support, scope: 'backorders:write' },
  'POST /api/admin/backorders/{id}/fulfil': { roles: support, scope: 'backorders:write' },
  // Customer service extends a hold (once) for a shopper who asked.
  'POST /api/admin/backorders/{id}/extend': { roles: support, scope: 'backorders:write' },
  // The shop's checkout: it queues paid orders and verifies claim codes (docs/orders.md).
  'POST /api/admin/backorders': { roles: adminOnly, scope: 'backorders:write' },
  'POST /api/admin/claims/verify': { roles: support, scope: 'backorders:read' },
  'POST /api/admin/backorders/{id}/status-link': { roles: support },
  'GET /api/admin/emails': { roles: support },

  'GET /api/admin/campaigns': { roles: marketing },
  'GET /api/admin/campaigns/{id}': { roles: marketing },
  'PUT /api/admin/campaigns/{id}': { roles: marketing },
  'DELETE /api/admin/campaigns/{id}': { roles: marketing },
  'POST /api/admin/campaigns/{id}/preview': { roles: marketing },
  'POST /api/admin/campaigns/{id}/test': { roles: marketing },
  'POST /api/admin/templates/preview': { roles: marketing },
  'GET /api/admin/stats': { roles: marketing },

  'GET /api/admin/webhooks': { roles: adminOnly },
  'GET /api/admin/webhooks/{id}': { roles: adminOnly },
  'PUT /api/admin/webhooks/{id}': { roles: adminOnly },
  'DELETE /api/admin/webhooks/{id}': { roles: adminOnly },
  'GET /api/admin/webhooks/{id}/deliveries': { roles: adminOnly },
  'GET /api/admin/connectors/{connector}/deliveries': { roles: adminOnly },

  'GET /api/admin/suppliers': { roles: adminOnly },
  'GET /api/admin/suppliers/{id}': { roles: adminOnly },
  'PUT /api/admin/suppliers/{id}': { roles: adminOnly },
  'POST /api/admin/suppliers/{id}/batches': { roles: adminOnly },
  'GET /api/admin/suppliers/{id}/batches': { roles: adminOnly },
  'GET /api/admin/suppliers/{id}/batches/{batchId}/csv': { roles: adminOnly },

  'GET /api/admin/api-keys': { roles: adminOnly },
  'POST /api/admin/api-keys': { roles: adminOnly },
  'DELETE /api/admin/api-keys/{id}': { roles: adminOnly },
};

/**
 * How long API Gateway keeps the authorizer's answer for one Authorization header (lib/api.ts; the local
 * gateway does the same). Short: a Cognito token's groups changed by an administrator apply within it. An API
 * key's revocation does not wait for it (lambdas/use-cases/access.ts reads the key on every request).
 */
export const AUTHORIZER_CACHE_SECONDS = 60;
