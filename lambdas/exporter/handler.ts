/**
 * The console's CSV exports, streamed through the function's URL behind CloudFront (lib/web.ts): no API
 * Gateway and no authorizer in front, so the caller is identified here with the authorizer's own code
 * (lambdas/use-cases/identify-caller.ts) and admitted by the one route table (lib/access.ts), after the origin
 * secret (lambdas/runtime/streamed-http.ts).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logger } from '../runtime/logger';
import { streamedApiHandler } from '../runtime/streamed-http';
import { routes } from './routes';
import { loadOnce } from '../runtime/load-once';

const loadIdentifyCaller = loadOnce(() => import('../use-cases/identify-caller'));
const loadAccess = loadOnce(() => import('../use-cases/access'));

const api = streamedApiHandler(routes, {
  // Loaded with the first request (the caller's API key is read from DynamoDB), not with the function.
  admit: async (headers, routeKey) => {
    const [{ identifyCaller }, { admitCaller }] = await Promise.all([loadIdentifyCaller(), loadAccess()]);
    return admitCaller(await identifyCaller(headers.authorization), routeKey);
  },
});

export const dispatch = api.dispatch;
export const handler = api.handler.use(injectLambdaContext(logger));
