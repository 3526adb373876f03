/**
 * Who is behind an admin request's `Authorization: Bearer <credential>`: the authorizer's whole job
 * (lambdas/authorizer/handler.ts), and the CSV exporter's, which CloudFront reaches without API Gateway.
 *
 * Three kinds of credential, told apart by their shape before anything is looked up:
 * - an API key (`bo_<id>_<secret>`, lambdas/domain/api-key.ts): its row, by id; the secret's hash compared in
 *   constant time; a revoked key is no caller;
 * - a Cognito ID token issued to the console's app client (on AWS): verified with aws-jwt-verify against the
 *   pool's published keys (signature, issuer, audience, expiry, token use); the roles are its groups;
 * - locally, one of the runner's console tokens (LOCAL_CONSOLE_TOKENS), every one compared in constant time.
 * Anything else, or nothing, is no caller: undefined, and the admin function answers 401.
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { consoleRoles, type ConsoleRole } from '../../lib/access';
import type { Caller } from '../runtime/caller';
import { consoleUserPool, localConsoleTokens } from '../runtime/config';
import { logger } from '../runtime/logger';
import { secretsEqual, tokenMatches } from '../runtime/tokens';
import { parseApiKey } from '../domain/api-key';
import { getApiKey } from '../store/api-key-store';

/** One scheme, one space, one credential of printable ASCII: anything looser is refused, not repaired. */
const BEARER = /^Bearer ([\x21-\x7e]{1,8192})$/;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const isRole = (value: unknown): value is ConsoleRole =>
  typeof value === 'string' && (consoleRoles as readonly string[]).includes(value);

/** The bearer credential of an Authorization header; undefined for any other form. */
export const bearerCredential = (authorization: string | undefined): string | undefined =>
  BEARER.exec(authorization ?? '')?.[1];

const apiKeyCaller = async (credential: string): Promise<Caller | undefined> => {
  const parsed = parseApiKey(credential);
  if (!parsed) return undefined;
  const row = await getApiKey(parsed.id);
  if (!row || row.revokedAt || !tokenMatches(parsed.secret, row.secretHash)) return undefined;
  return { kind: 'apiKey', principal: `api-key:${row.id}`, keyId: row.id, scopes: row.scopes };
};

const localTokenCaller = (credential: string): Caller | undefined => {
  let found: ConsoleRole | undefined;
  // Every token is compared, so the time taken does not tell which role (if any) came close.
  for (const [role, token] of Object.entries(localConsoleTokens()))
    if (secretsEqual(credential, token) && isRole(role)) found = role;
  return found ? { kind: 'staff', principal: `${found}@localhost`, roles: [found] } : undefined;
};

const makeVerifier = (pool: { userPoolId: string; clientId: string }) =>
  CognitoJwtVerifier.create({ ...pool, tokenUse: 'id' as const });

let verifier: { key: string; verifier: ReturnType<typeof makeVerifier> } | undefined;
/** Made once per cold start (and pool): it caches the pool's signing keys (JWKS) between requests. */
const cognitoVerifier = (pool: { userPoolId: string; clientId: string }) => {
  const key = `${pool.userPoolId} ${pool.clientId}`;
  if (verifier?.key !== key) verifier = { key, verifier: makeVerifier(pool) };
  return verifier.verifier;
};

const cognitoCaller = async (credential: string): Promise<Caller | undefined> => {
  const pool = consoleUserPool();
  if (!pool || !JWT_SHAPE.test(credential)) return undefined;
  let claims: Record<string, unknown>;
  try {
    claims = (await cognitoVerifier(pool).verify(credential)) as Record<string, unknown>;
  } catch (error) {
    // An expired or forged token is an everyday refusal; only an unreachable key set is worth a warning.
    if ((error as Error).name === 'JwksNotAvailableInCacheError' || (error as Error).name === 'FetchError')
      logger.warn('Cognito signing keys unavailable', { error: String(error) });
    return undefined;
  }
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'] : [];
  const principal = typeof claims.email === 'string' ? claims.email : String(claims.sub);
  return { kind: 'staff', principal, roles: groups.filter(isRole) };
};

export const identifyCaller = async (authorization: string | undefined): Promise<Caller | undefined> => {
  const credential = bearerCredential(authorization);
  if (!credential) return undefined;
  return (
    (await apiKeyCaller(credential)) ?? localTokenCaller(credential) ?? (await cognitoCaller(credential))
  );
};

/** For tests of the Cognito path: the pool's signing keys as Cognito publishes them, without fetching. */
export const primeCognitoKeys = (jwks: Parameters<ReturnType<typeof makeVerifier>['cacheJwks']>[0]): void => {
  const pool = consoleUserPool();
  if (!pool) throw new Error('No Cognito user pool is configured');
  cognitoVerifier(pool).cacheJwks(jwks);
};
