/**
 * The inventory webhook's shared secret. On AWS it lives in Secrets Manager (its ARN in the environment),
 * fetched through Powertools' parameters utility and cached for five minutes, so a rotated secret takes
 * effect without a deployment; locally the runner passes it as INVENTORY_WEBHOOK_SECRET.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { ConfigError, secretSource } from './config';

export const inventoryWebhookSecret = async (): Promise<string> => {
  const source = secretSource('INVENTORY_WEBHOOK_SECRET_ARN');
  if ('secret' in source) return source.secret;
  const secret = await getSecret(source.arn, { maxAge: 300 });
  if (typeof secret !== 'string' || secret.length === 0)
    throw new ConfigError('The inventory webhook secret is empty');
  return secret;
};
