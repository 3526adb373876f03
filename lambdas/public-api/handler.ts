/**
 * Shopper routes: product data for the landing page, signup, status, cancel, the shopper's data (export and
 * erasure), "email me my links" and the health check. The API's own OpenAPI description has a function of its
 * own (lambdas/api-docs/handler.ts), so this one's bundle does not carry the document.
 *
 * A backorder's link token arrives in `Authorization: Bearer <token>` (what the status page sends: headers
 * stay out of request logs) or, as the contract also allows, in `?token=`.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { apiHandler, json, redirect, type ApiRequest, type RouteHandler } from '../runtime/http';
import { logger } from '../runtime/logger';
import { NotFoundError } from '../runtime/errors';
import { isLocale } from '../../i18n/locales';
import { loadOnce } from '../runtime/load-once';

const loadShopperBackorder = loadOnce(() => import('../use-cases/shopper-backorder'));
const loadShopperData = loadOnce(() => import('../use-cases/shopper-data'));
const loadMarketingConsent = loadOnce(() => import('../use-cases/marketing-consent'));
const loadHealth = loadOnce(() => import('../use-cases/health'));
const loadProductPage = loadOnce(() => import('../use-cases/product-page'));
const loadSignup = loadOnce(() => import('../use-cases/signup'));
const loadKeepPlace = loadOnce(() => import('../use-cases/keep-place'));
const loadCheckoutClaims = loadOnce(() => import('../use-cases/checkout-claims'));
const loadShopperLinks = loadOnce(() => import('../use-cases/shopper-links'));
const loadCors = loadOnce(() => import('../use-cases/cors'));

/*
 * Each route loads its use-case module when it is first called, not when the function loads: a cold start
 * pays for what the request it serves needs (its stores, the AWS SDK clients they use, their schemas), not for
 * every route's. The bundle still holds them all (esbuild runs each module's body on its first import).
 */
const shopperBackorder = () => loadShopperBackorder();
const shopperData = () => loadShopperData();
const marketingConsent = () => loadMarketingConsent();

/** The link token of a backorder request: the bearer header wins over the query string. */
const linkToken = ({ headers, query }: ApiRequest): string | undefined => {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return bearer ? bearer[1] : query.token;
};

/**
 * A browser's CORS preflight for a route a shop's own pages may call (the storefront embed): the answer's
 * CORS headers, added for every answer, say whether the page's origin may go on.
 */
const preflight: RouteHandler = async () => ({ status: 204 });

export const routes: Record<string, RouteHandler> = {
  'GET /api/health': async () => {
    const { checkHealth } = await loadHealth();
    return json(200, await checkHealth());
  },

  'GET /api/products/{sku}': async ({ pathParameters }) => {
    const { productPage } = await loadProductPage();
    return json(200, await productPage(pathParameters.sku));
  },

  'GET /api/products/by-product/{productId}': async ({ pathParameters }) => {
    const { productVariants } = await loadProductPage();
    return json(200, await productVariants(pathParameters.productId));
  },

  'POST /api/backorders': async ({ body, sourceIp, remainingMs, headers }) => {
    const { signUp } = await loadSignup();
    const { created, backorder } = await signUp(body, sourceIp, {
      remainingMs,
      acceptLanguage: headers['accept-language'],
    });
    return json(created ? 201 : 200, backorder);
  },

  'GET /api/backorders/{id}': async (request) => {
    const { findWithToken, shopperView, countStepClick } = await shopperBackorder();
    const linked = await findWithToken(request.pathParameters.id, linkToken(request));
    // Opened from a nurture email: the step's click is counted (once per backorder).
    const [view] = await Promise.all([shopperView(linked), countStepClick(linked, request.query.via)]);
    return json(200, view);
  },

  // Everything stored about the shopper, as a file to keep (an email link only).
  'GET /api/backorders/{id}/export': async (request) => {
    const [{ findWithToken }, { exportShopperData, exportFileName }] = await Promise.all([
      shopperBackorder(),
      shopperData(),
    ]);
    const linked = await findWithToken(request.pathParameters.id, linkToken(request));
    return json(200, await exportShopperData(linked), {
      'content-disposition': `attachment; filename="${exportFileName(linked.backorder.id)}"`,
    });
  },

  // Erases the shopper's personal data everywhere (an email link only); repeating it answers the same (and
  // completes a half-done one).
  'DELETE /api/backorders/{id}': async (request) => {
    const { eraseShopperData } = await shopperData();
    return json(200, await eraseShopperData(request.pathParameters.id, linkToken(request)));
  },

  'POST /api/backorders/{id}/cancel': async (request) => {
    const { findWithToken, cancelAsShopper } = await shopperBackorder();
    const { backorder } = await findWithToken(request.pathParameters.id, linkToken(request));
    const cancelled = await cancelAsShopper(backorder);
    return json(200, { id: cancelled.id, status: cancelled.status });
  },

  // "Keep my place": the answer to an expected-date update that asked (harmless to repeat).
  'POST /api/backorders/{id}/keep': async (request) => {
    const [{ findWithToken }, { keepPlace }] = await Promise.all([shopperBackorder(), loadKeepPlace()]);
    const { backorder } = await findWithToken(request.pathParameters.id, linkToken(request));
    return json(200, await keepPlace(backorder));
  },

  // "Complete your order" (an allocated reservation's link): to the shop's checkout, or to the status page.
  // Never cached (each click is the shopper's own), and the link's token is not passed on as a referrer.
  'GET /r/{id}': async (request) => {
    const { followClaimLink } = await loadCheckoutClaims();
    return redirect(await followClaimLink(request.pathParameters.id, linkToken(request)), 302, {
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
  },

  // Always the same answer, whether or not the address has backorders: nothing to learn by asking.
  'POST /api/links': async ({ body, sourceIp }) => {
    const { emailMyLinks } = await loadShopperLinks();
    return json(202, await emailMyLinks(body, sourceIp));
  },

  // RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" as a form; the page posts nothing.
  'POST /api/unsubscribe': async ({ query }) => {
    const { unsubscribe } = await marketingConsent();
    await unsubscribe(query.token);
    return json(200, { unsubscribed: true });
  },

  // Opened from the confirmation email in a browser: confirm, then show the outcome on the confirm page.
  'GET /api/confirm': async ({ query }) => {
    const { confirmMarketingConsent } = await marketingConsent();
    let result: string;
    try {
      result = await confirmMarketingConsent(query.token);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      result = 'invalid';
    }
    // The page's language rides along, only as one of ours (never text from the request).
    const lang = query.lang && isLocale(query.lang) ? `&lang=${query.lang}` : '';
    return redirect(`/confirm?result=${result}${lang}`);
  },

  'OPTIONS /api/products/{sku}': preflight,
  'OPTIONS /api/products/by-product/{productId}': preflight,
  'OPTIONS /api/backorders': preflight,
  'OPTIONS /api/links': preflight,
};

const api = apiHandler(routes, {
  formRoutes: ['POST /api/unsubscribe'],
  // Asked for every request, but it reads the settings (DynamoDB) only for one from another page's origin.
  cors: async (question) => (await loadCors()).corsFor(question),
});
export const dispatch = api.dispatch;
export const handler = api.handler.use(injectLambdaContext(logger));
