/**
 * The platform's secrets: the inventory webhook's shared HMAC secret and the origin secret CloudFront adds to
 * every /api/* request. On AWS each lives in Secrets Manager (its ARN in the environment), fetched through
 * Powertools' parameters utility and cached for five minutes, so a rotated secret takes effect without a
 * deployment; locally the runner passes the secret itself (lambdas/runtime/config.ts `secretSource`).
 */
import { ConfigError, secretSource } from './config';
import { loadOnce } from './load-once';

const loadSecrets = loadOnce(() => import('@aws-lambda-powertools/parameters/secrets'));

const readSecret = async (
  name: 'INVENTORY_WEBHOOK_SECRET_ARN' | 'ORIGIN_VERIFY_SECRET_ARN' | 'CLAIM_SECRET_ARN',
): Promise<string> => {
  const source = secretSource(name);
  if ('secret' in source) return source.secret;
  // Loaded on the first read of a deployed secret, not with the function: it brings the Secrets Manager
  // client (about 100 ms of a cold start), which the local runner never needs. Its cache lives in the
  // module, so it is loaded once and kept.
  const { getSecret } = await loadSecrets();
  const secret = await getSecret(source.arn, { maxAge: 300 });
  if (typeof secret !== 'string' || secret.length === 0)
    throw new ConfigError(`The secret in ${name} is empty`);
  return secret;
};

export const inventoryWebhookSecret = (): Promise<string> => readSecret('INVENTORY_WEBHOOK_SECRET_ARN');

export const originVerifySecret = (): Promise<string> => readSecret('ORIGIN_VERIFY_SECRET_ARN');

/** The key claim codes are signed with (lambdas/domain/claim.ts). */
export const claimSecret = (): Promise<string> => readSecret('CLAIM_SECRET_ARN');
