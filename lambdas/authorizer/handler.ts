/**
 * The admin routes' Lambda authorizer (API Gateway HTTP API, REQUEST type, simple responses; the local
 * gateway calls this same handler before every admin route).
 *
 * It finds out who is calling (lambdas/use-cases/identify-caller.ts) and hands that to the admin function in
 * the authorizer context; it never refuses. Deciding is the admin function's, from the one route table
 * (lib/access.ts), because only there can the answer be the contract's: HTTP APIs cannot shape an
 * authorizer's refusal (a bare 403 `{"message":"Forbidden"}`), while the contract says 401 `UNAUTHORIZED` for
 * a wrong or revoked credential and 403 `FORBIDDEN` for a route the caller's role or scopes do not cover.
 * A request with no Authorization header at all never gets here (it is the identity source): API Gateway
 * answers 401 itself.
 *
 * API Gateway caches the answer per Authorization header for a short while (lib/api.ts), so a busy ERP's key
 * is not looked up on every request; revocation still takes effect at once (lambdas/use-cases/access.ts).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { callerContext, type CallerContext } from '../runtime/caller';
import { logger } from '../runtime/logger';
import { loadOnce } from '../runtime/load-once';

const loadIdentifyCaller = loadOnce(() => import('../use-cases/identify-caller'));

export const authorize = async (
  event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers'>,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<CallerContext>> => {
  const header = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization');
  // Loaded with the first request, not with the function: it brings the Cognito token verifier and the API
  // keys' store (DynamoDB), of which a request uses one.
  const { identifyCaller } = await loadIdentifyCaller();
  const caller = await identifyCaller(header?.[1]);
  if (!caller) logger.info('admin request without a valid credential');
  return { isAuthorized: true, context: callerContext(caller) };
};

export const handler = middy(authorize).use(injectLambdaContext(logger));
