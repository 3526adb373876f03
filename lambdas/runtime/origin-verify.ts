/**
 * Only CloudFront reaches the API: CloudFront adds the origin secret to every /api/* request as
 * ORIGIN_VERIFY_HEADER, and the API functions refuse any request without it, first thing, before the route or
 * the body is looked at. API Gateway's own endpoint stays public (CloudFront needs it: disabling it takes a
 * custom domain), so without this anyone could call it directly, CloudFront's viewer headers included.
 *
 * On AWS the secret lives in Secrets Manager (its ARN in ORIGIN_VERIFY_SECRET_ARN), read through Powertools'
 * parameters utility and cached for five minutes; the local runner, which plays CloudFront, passes its own
 * secret as ORIGIN_VERIFY_SECRET. With neither, every request fails with a ConfigError: closed, never open.
 */
import { ORIGIN_VERIFY_HEADER } from '../../lib/platform';
import { ForbiddenError } from './errors';
import { originVerifySecret } from './secrets';
import { secretsEqual } from './tokens';

/**
 * Checks the origin header (in constant time) and removes it from the request's headers, so no handler, log
 * line or answer ever carries it. Throws 403 FORBIDDEN when it is missing or wrong: the caller is not asked
 * to authenticate (401), it is simply not allowed past CloudFront's back.
 */
export const verifyOrigin = async (
  headers: Record<string, string>,
  eventHeaders: Record<string, string | undefined> | undefined,
): Promise<void> => {
  const given = headers[ORIGIN_VERIFY_HEADER];
  delete headers[ORIGIN_VERIFY_HEADER];
  for (const name of Object.keys(eventHeaders ?? {}))
    if (name.toLowerCase() === ORIGIN_VERIFY_HEADER) delete eventHeaders![name];
  const expected = await originVerifySecret();
  if (given === undefined || !secretsEqual(given, expected))
    throw new ForbiddenError('Requests to the API must come through the site');
};
