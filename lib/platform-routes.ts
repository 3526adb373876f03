/**
 * The routes of the platform's declarative description (lib/platform.ts, which re-exports this module): every
 * HTTP route with the function that serves it, and the throttling class each one belongs to. Who may call an
 * admin route is lib/access.ts.
 */
import type { FunctionName } from './platform';

export type RouteAuth = 'public' | 'admin';

export interface RouteDefinition {
  /** `OPTIONS`: a CORS preflight of a route the storefront embed calls (lambdas/domain/cors.ts). */
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';
  /** API Gateway v2 path template, e.g. /api/products/{sku}. */
  path: string;
  function: FunctionName;
  auth: RouteAuth;
  /**
   * Answered as a stream, larger than API Gateway's Lambda integration can carry (6 MB, buffered): such a route
   * is not on API Gateway; CloudFront sends its path to the function's URL (invoke mode RESPONSE_STREAM, lib/web.ts),
   * and the function checks the origin secret and the caller itself. A literal path, without parameters.
   */
  streamed?: true;
}

export const routes: readonly RouteDefinition[] = [
  { method: 'GET', path: '/api/health', function: 'publicApi', auth: 'public' },
  // The OpenAPI document of these routes (docs/openapi.json, built by lib/openapi.ts), from a function of its
  // own: the shopper function's bundle would otherwise carry the whole document.
  { method: 'GET', path: '/api/openapi.json', function: 'apiDocs', auth: 'public' },
  { method: 'GET', path: '/api/products/{sku}', function: 'publicApi', auth: 'public' },
  // The variants of one product, for the landing page's and the embed's picker.
  { method: 'GET', path: '/api/products/by-product/{productId}', function: 'publicApi', auth: 'public' },
  { method: 'POST', path: '/api/backorders', function: 'publicApi', auth: 'public' },
  { method: 'GET', path: '/api/backorders/{id}', function: 'publicApi', auth: 'public' },
  { method: 'POST', path: '/api/backorders/{id}/cancel', function: 'publicApi', auth: 'public' },
  // "Keep my place" after an expected date slipped far (docs/updates.md).
  { method: 'POST', path: '/api/backorders/{id}/keep', function: 'publicApi', auth: 'public' },
  { method: 'POST', path: '/api/unsubscribe', function: 'publicApi', auth: 'public' },
  { method: 'GET', path: '/api/confirm', function: 'publicApi', auth: 'public' },
  { method: 'GET', path: '/api/backorders/{id}/export', function: 'publicApi', auth: 'public' },
  { method: 'DELETE', path: '/api/backorders/{id}', function: 'publicApi', auth: 'public' },
  // A shopper who lost their links asks for them by email: always 202, whether or not the address is known.
  { method: 'POST', path: '/api/links', function: 'publicApi', auth: 'public' },
  // "Complete your order": an allocated shopper's link to the shop's checkout (a 302), recording the click.
  // Outside /api/ since it is a page a shopper opens; CloudFront sends /r/* to the API as it does /api/*.
  { method: 'GET', path: '/r/{id}', function: 'publicApi', auth: 'public' },
  // CORS preflights of the routes a shop's own pages may call (the storefront embed); the answer's headers
  // say whether the page's origin is one the shop allowed.
  { method: 'OPTIONS', path: '/api/products/{sku}', function: 'publicApi', auth: 'public' },
  { method: 'OPTIONS', path: '/api/products/by-product/{productId}', function: 'publicApi', auth: 'public' },
  { method: 'OPTIONS', path: '/api/backorders', function: 'publicApi', auth: 'public' },
  { method: 'OPTIONS', path: '/api/links', function: 'publicApi', auth: 'public' },
  // Authenticated by its HMAC signature, not by the admin authorizer.
  { method: 'POST', path: '/api/webhooks/inventory', function: 'inventoryApi', auth: 'public' },
  // The store connectors: each authenticated by the store's own signature (docs/connectors.md).
  { method: 'POST', path: '/api/webhooks/shopify', function: 'inventoryApi', auth: 'public' },
  { method: 'POST', path: '/api/webhooks/woocommerce', function: 'inventoryApi', auth: 'public' },

  { method: 'GET', path: '/api/admin/settings', function: 'adminApi', auth: 'admin' },
  { method: 'PUT', path: '/api/admin/settings', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/products', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/products/{sku}', function: 'adminApi', auth: 'admin' },
  { method: 'PUT', path: '/api/admin/products/{sku}', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/backorders', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/backorders/{id}/cancel', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/backorders/{id}/fulfil', function: 'adminApi', auth: 'admin' },
  // Paid orders: the shop's checkout sold an out-of-stock item and queues it (docs/orders.md).
  { method: 'POST', path: '/api/admin/backorders', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/backorders/{id}/extend', function: 'adminApi', auth: 'admin' },
  // The shop's checkout verifies the claim code an allocated shopper brings before selling the held units.
  { method: 'POST', path: '/api/admin/claims/verify', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/campaigns', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/campaigns/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'PUT', path: '/api/admin/campaigns/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'DELETE', path: '/api/admin/campaigns/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/campaigns/{id}/preview', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/campaigns/{id}/test', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/templates/preview', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/emails', function: 'adminApi', auth: 'admin' },
  // A product CSV file (text/csv, up to 1 MiB) imported by the import queue; its report.
  { method: 'POST', path: '/api/admin/products/import', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/imports/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/inventory', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/webhooks', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/webhooks/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'PUT', path: '/api/admin/webhooks/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'DELETE', path: '/api/admin/webhooks/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/webhooks/{id}/deliveries', function: 'adminApi', auth: 'admin' },
  {
    method: 'GET',
    path: '/api/admin/connectors/{connector}/deliveries',
    function: 'adminApi',
    auth: 'admin',
  },
  { method: 'GET', path: '/api/admin/suppliers', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/suppliers/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'PUT', path: '/api/admin/suppliers/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/suppliers/{id}/batches', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/suppliers/{id}/batches', function: 'adminApi', auth: 'admin' },
  {
    method: 'GET',
    path: '/api/admin/suppliers/{id}/batches/{batchId}/csv',
    function: 'adminApi',
    auth: 'admin',
  },
  { method: 'GET', path: '/api/admin/stats', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/backorders/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/backorders/{id}/status-link', function: 'adminApi', auth: 'admin' },
  // Who the caller is and what they may do (the console shows only the sections of its role).
  { method: 'GET', path: '/api/admin/me', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/api-keys', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/api-keys', function: 'adminApi', auth: 'admin' },
  { method: 'DELETE', path: '/api/admin/api-keys/{id}', function: 'adminApi', auth: 'admin' },
  // CSV exports, streamed: CloudFront sends these paths to the exporter's URL, not to API Gateway.
  { method: 'GET', path: '/api/admin/products.csv', function: 'exporter', auth: 'admin', streamed: true },
  { method: 'GET', path: '/api/admin/backorders.csv', function: 'exporter', auth: 'admin', streamed: true },
];

/**
 * Header CloudFront adds, with the origin secret, to every request it sends to the API; the API functions
 * refuse any request without it (lambdas/runtime/origin-verify.ts), since the API's own endpoint is public.
 */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/** Paths the API serves besides `/api/*`: the "complete your order" links, `/r/{id}` (CloudFront and the local gateway send them to the API). */
export const CLAIM_LINK_PREFIX = '/r/';

/** Whether a request path is the API's (rather than a page or file of the site). */
export const isApiPath = (pathname: string): boolean =>
  pathname.startsWith('/api/') || pathname.startsWith(CLAIM_LINK_PREFIX);

export type ThrottleClass = 'signup' | 'shopper' | 'console' | 'erp';

export interface ThrottleClassDefinition {
  /** Fraction of the stage's default rate and burst (the ceiling) a route of this class may use. */
  share: number;
  purpose: string;
}

/**
 * Route throttling classes. API Gateway gives every route the stage default unless the route has its own
 * setting; a class gives its routes a budget of their own, at most the stage default, so a flood at the
 * shop's door stays small next to what every route shares (Lambda concurrency, the account's API limit).
 */
export const throttleClasses = {
  signup: {
    share: 0.4,
    purpose: 'Public routes that write or send email without a token: signups, lost-link requests.',
  },
  shopper: {
    share: 1,
    purpose: 'Shopper pages: product data, status, cancel, consent, unsubscribe, export.',
  },
  console: { share: 0.2, purpose: 'The console: a few marketers, never a crowd.' },
  erp: {
    share: 0.4,
    purpose:
      "Machine clients: the ERP's and the stores' stock updates, the shop checkout's paid orders and claim checks.",
  },
} as const satisfies Record<ThrottleClass, ThrottleClassDefinition>;

/**
 * The throttling class of every route API Gateway serves, by route key: test/cdk/edge.test.ts fails for a route
 * without one. Streamed routes are not on API Gateway and have none (docs/security.md says what bounds them).
 */
export const routeThrottles: Readonly<Record<string, ThrottleClass>> = {
  'GET /api/health': 'shopper',
  'GET /api/openapi.json': 'shopper',
  'GET /api/products/{sku}': 'shopper',
  'GET /api/products/by-product/{productId}': 'shopper',
  'POST /api/backorders': 'signup',
  'GET /api/backorders/{id}': 'shopper',
  'POST /api/backorders/{id}/cancel': 'shopper',
  'POST /api/backorders/{id}/keep': 'shopper',
  'POST /api/unsubscribe': 'shopper',
  'GET /api/confirm': 'shopper',
  'GET /api/backorders/{id}/export': 'shopper',
  'DELETE /api/backorders/{id}': 'shopper',
  'POST /api/links': 'signup',
  'GET /r/{id}': 'shopper',
  'OPTIONS /api/products/{sku}': 'shopper',
  'OPTIONS /api/products/by-product/{productId}': 'shopper',
  'OPTIONS /api/backorders': 'shopper',
  'OPTIONS /api/links': 'shopper',
  'POST /api/webhooks/inventory': 'erp',
  'POST /api/webhooks/shopify': 'erp',
  'POST /api/webhooks/woocommerce': 'erp',
  'GET /api/admin/settings': 'console',
  'PUT /api/admin/settings': 'console',
  'GET /api/admin/products': 'console',
  'GET /api/admin/products/{sku}': 'console',
  'PUT /api/admin/products/{sku}': 'console',
  'GET /api/admin/backorders': 'console',
  'POST /api/admin/backorders/{id}/cancel': 'console',
  'POST /api/admin/backorders/{id}/fulfil': 'console',
  'POST /api/admin/backorders': 'erp',
  'POST /api/admin/backorders/{id}/extend': 'console',
  'POST /api/admin/claims/verify': 'erp',
  'GET /api/admin/campaigns': 'console',
  'GET /api/admin/campaigns/{id}': 'console',
  'PUT /api/admin/campaigns/{id}': 'console',
  'DELETE /api/admin/campaigns/{id}': 'console',
  'POST /api/admin/campaigns/{id}/preview': 'console',
  'POST /api/admin/campaigns/{id}/test': 'console',
  'POST /api/admin/templates/preview': 'console',
  'GET /api/admin/emails': 'console',
  'POST /api/admin/products/import': 'console',
  'GET /api/admin/imports/{id}': 'console',
  'POST /api/admin/inventory': 'console',
  'GET /api/admin/webhooks': 'console',
  'GET /api/admin/webhooks/{id}': 'console',
  'PUT /api/admin/webhooks/{id}': 'console',
  'DELETE /api/admin/webhooks/{id}': 'console',
  'GET /api/admin/webhooks/{id}/deliveries': 'console',
  'GET /api/admin/connectors/{connector}/deliveries': 'console',
  'GET /api/admin/suppliers': 'console',
  'GET /api/admin/suppliers/{id}': 'console',
  'PUT /api/admin/suppliers/{id}': 'console',
  'POST /api/admin/suppliers/{id}/batches': 'console',
  'GET /api/admin/suppliers/{id}/batches': 'console',
  'GET /api/admin/suppliers/{id}/batches/{batchId}/csv': 'console',
  'GET /api/admin/stats': 'console',
  'GET /api/admin/backorders/{id}': 'console',
  'POST /api/admin/backorders/{id}/status-link': 'console',
  'GET /api/admin/me': 'console',
  'GET /api/admin/api-keys': 'console',
  'POST /api/admin/api-keys': 'console',
  'DELETE /api/admin/api-keys/{id}': 'console',
};

/** API Gateway's route key for a route: "GET /api/products/{sku}". Handlers dispatch on it. */
export const routeKey = (route: Pick<RouteDefinition, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;
