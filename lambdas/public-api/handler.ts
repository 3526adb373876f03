/**
 * Shopper routes: product data for the landing page, signup, status, cancel, the shopper's data (export and
 * erasure), "email me my links", the health check and the API's own OpenAPI description.
 *
 * A backorder's link token arrives in `Authorization: Bearer <token>` (what the status page sends: headers
 * stay out of request logs) or, as the contract also allows, in `?token=`.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { apiHandler, json, redirect, textBody, type ApiRequest, type RouteHandler } from '../runtime/http';
import { logger } from '../runtime/logger';
import { checkHealth } from '../use-cases/health';
import { signUp } from '../use-cases/signup';
import { cancelAsShopper, countStepClick, findWithToken, shopperView } from '../use-cases/shopper-backorder';
import { keepPlace } from '../use-cases/keep-place';
import { productPage, productVariants } from '../use-cases/product-page';
import { eraseShopperData, exportFileName, exportShopperData } from '../use-cases/shopper-data';
import { confirmMarketingConsent, unsubscribe } from '../use-cases/marketing-consent';
import { emailMyLinks } from '../use-cases/shopper-links';
import { followClaimLink } from '../use-cases/checkout-claims';
import { NotFoundError } from '../runtime/errors';
import { corsFor } from '../use-cases/cors';
import { isLocale } from '../../i18n/locales';

/** The link token of a backorder request: the bearer header wins over the query string. */
const linkToken = ({ headers, query }: ApiRequest): string | undefined => {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return bearer ? bearer[1] : query.token;
};

/** How long browsers may keep the API's own description: it changes only with a deploy. */
const OPENAPI_MAX_AGE_SECONDS = 300;

let openApiText: Promise<string> | undefined;

/**
 * The OpenAPI document (docs/openapi.json, bundled with the function), serialised once per instance. Loaded on
 * first use, so other routes' cold starts do not pay for it.
 */
const openApi = (): Promise<string> =>
  (openApiText ??= import('../../docs/openapi.json').then(({ default: document }) =>
    JSON.stringify(document),
  ));

/**
 * A browser's CORS preflight for a route a shop's own pages may call (the storefront embed): the answer's
 * CORS headers, added for every answer, say whether the page's origin may go on.
 */
const preflight: RouteHandler = async () => ({ status: 204 });

export const routes: Record<string, RouteHandler> = {
  'GET /api/health': async () => json(200, await checkHealth()),

  // Public by design: it describes every route and schema, and holds no secret, setting or data.
  'GET /api/openapi.json': async () =>
    textBody(200, await openApi(), 'application/json; charset=utf-8', {
      'cache-control': `public, max-age=${OPENAPI_MAX_AGE_SECONDS}`,
    }),

  'GET /api/products/{sku}': async ({ pathParameters }) => json(200, await productPage(pathParameters.sku)),

  'GET /api/products/by-product/{productId}': async ({ pathParameters }) =>
    json(200, await productVariants(pathParameters.productId)),

  'POST /api/backorders': async ({ body, sourceIp, remainingMs, headers }) => {
    const { created, backorder } = await signUp(body, sourceIp, {
      remainingMs,
      acceptLanguage: headers['accept-language'],
    });
    return json(created ? 201 : 200, backorder);
  },

  'GET /api/backorders/{id}': async (request) => {
    const linked = await findWithToken(request.pathParameters.id, linkToken(request));
    // Opened from a nurture email: the step's click is counted (once per backorder).
    const [view] = await Promise.all([shopperView(linked), countStepClick(linked, request.query.via)]);
    return json(200, view);
  },

  // Everything stored about the shopper, as a file to keep (an email link only).
  'GET /api/backorders/{id}/export': async (request) => {
    const linked = await findWithToken(request.pathParameters.id, linkToken(request));
    return json(200, await exportShopperData(linked), {
      'content-disposition': `attachment; filename="${exportFileName(linked.backorder.id)}"`,
    });
  },

  // Erases the shopper's personal data everywhere (an email link only); repeating it answers the same (and
  // completes a half-done one).
  'DELETE /api/backorders/{id}': async (request) =>
    json(200, await eraseShopperData(request.pathParameters.id, linkToken(request))),

  'POST /api/backorders/{id}/cancel': async (request) => {
    const { backorder } = await findWithToken(request.pathParameters.id, linkToken(request));
    const cancelled = await cancelAsShopper(backorder);
    return json(200, { id: cancelled.id, status: cancelled.status });
  },

  // "Keep my place": the answer to an expected-date update that asked (harmless to repeat).
  'POST /api/backorders/{id}/keep': async (request) => {
    const { backorder } = await findWithToken(request.pathParameters.id, linkToken(request));
    return json(200, await keepPlace(backorder));
  },

  // "Complete your order" (an allocated reservation's link): to the shop's checkout, or to the status page.
  // Never cached (each click is the shopper's own), and the link's token is not passed on as a referrer.
  'GET /r/{id}': async (request) =>
    redirect(await followClaimLink(request.pathParameters.id, linkToken(request)), 302, {
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    }),

  // Always the same answer, whether or not the address has backorders: nothing to learn by asking.
  'POST /api/links': async ({ body, sourceIp }) => json(202, await emailMyLinks(body, sourceIp)),

  // RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" as a form; the page posts nothing.
  'POST /api/unsubscribe': async ({ query }) => {
    await unsubscribe(query.token);
    return json(200, { unsubscribed: true });
  },

  // Opened from the confirmation email in a browser: confirm, then show the outcome on the confirm page.
  'GET /api/confirm': async ({ query }) => {
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

const api = apiHandler(routes, { formRoutes: ['POST /api/unsubscribe'], cors: corsFor });
export const dispatch = api.dispatch;
export const handler = api.handler.use(injectLambdaContext(logger));
