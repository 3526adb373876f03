/**
 * API Gateway's part before an admin route, for the local gateway: the Lambda authorizer (the same handler as
 * on AWS) called with a REQUEST event (payload 2.0), its answer cached per Authorization header for as long as
 * the stack caches it (lib/access.ts AUTHORIZER_CACHE_SECONDS), so local tests see what a cached answer does.
 * A request without the header never gets here: like API Gateway, the gateway answers it 401 itself.
 */
import { AUTHORIZER_CACHE_SECONDS } from '../lib/access';
import { asApiInvocation } from './api-priority';
import type { LambdaHandler } from './handlers';
import { lambdaContext } from './lambda-context';

export interface AuthorizerAnswer {
  isAuthorized: boolean;
  context?: Record<string, string>;
}

export interface AuthorizerRequest {
  method: string;
  path: string;
  rawQueryString: string;
  routeKey: string;
  /** As API Gateway receives them (the gateway's `forwardedHeaders`). */
  headers: Record<string, string>;
  sourceIp: string;
}

const cache = new Map<string, { answer: AuthorizerAnswer; until: number }>();
/** Enough for every credential a test run uses; a flood of new ones starts the cache over. */
const CACHE_LIMIT = 10_000;

export const callAuthorizer = async (
  authorizer: LambdaHandler,
  request: AuthorizerRequest,
): Promise<AuthorizerAnswer> => {
  const { headers } = request;
  const authorization = headers.authorization;
  const cached = cache.get(authorization);
  if (cached && cached.until > Date.now()) return cached.answer;
  const event = {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${request.method}${request.path}`,
    identitySource: [authorization],
    routeKey: request.routeKey,
    rawPath: request.path,
    rawQueryString: request.rawQueryString,
    headers,
    requestContext: { http: { method: request.method, path: request.path, sourceIp: request.sourceIp } },
  };
  const answer = (await asApiInvocation(() =>
    authorizer(event, lambdaContext('authorizer')),
  )) as AuthorizerAnswer;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(authorization, { answer, until: Date.now() + AUTHORIZER_CACHE_SECONDS * 1000 });
  return answer;
};
