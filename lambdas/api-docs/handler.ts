/**
 * The API's own description: `GET /api/openapi.json` answers docs/openapi.json (built by lib/openapi.ts).
 *
 * A function of its own, so the document (about 120 KB) is not part of the shopper function's bundle, which
 * every signup and status read loads and compiles. It reads no table, queue or setting: the origin secret is
 * all it is given (lib/platform-functions.ts).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import document from '../../docs/openapi.json';
import { corsHeaders } from '../domain/cors';
import { apiHandler, textBody, type RouteHandler } from '../runtime/http';
import { logger } from '../runtime/logger';

/** How long browsers may keep the API's own description: it changes only with a deploy. */
const OPENAPI_MAX_AGE_SECONDS = 300;

let openApiText: string | undefined;

export const routes: Record<string, RouteHandler> = {
  // Public by design: it describes every route and schema, and holds no secret, setting or data. Serialised
  // once per instance, on first use.
  'GET /api/openapi.json': async () =>
    textBody(200, (openApiText ??= JSON.stringify(document)), 'application/json; charset=utf-8', {
      'cache-control': `public, max-age=${OPENAPI_MAX_AGE_SECONDS}`,
    }),
};

const api = apiHandler(routes, {
  // Not a route a shop's own pages may call (lambdas/domain/cors.ts), so no origin is ever allowed and the
  // shop's list need not be read: every answer, errors included, says `Vary: Origin` alone, as the shopper
  // function's answers to its routes outside the embed's do.
  cors: async (question) => corsHeaders({ ...question, allowedOrigins: [] }),
});
export const dispatch = api.dispatch;
export const handler = api.handler.use(injectLambdaContext(logger));
