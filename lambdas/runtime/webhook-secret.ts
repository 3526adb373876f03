/**
 * The inventory webhook's shared secret. On AWS it lives in Secrets Manager (its ARN in the environment),
 * fetched through Powertools' parameters utility and cached for five minutes, so a rotated secret takes
 * effect without a deployment; locally the runner passes it as INVENTORY_WEBHOOK_SECRET.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { ConfigError } from './config';

export const inventoryWebhookSecret = async (): Promise<string> => {
  const local = process.env.INVENTORY_WEBHOOK_SECRET;
  if (local) return local;
  const arn = process.env.INVENTORY_WEBHOOK_SECRET_ARN;
  if (!arn)
    throw new ConfigError('Missing INVENTORY_WEBHOOK_SECRET_ARN (or INVENTORY_WEBHOOK_SECRET locally)');
  const secret = await getSecret(arn, { maxAge: 300 });
  if (typeof secret !== 'string' || secret.length === 0)
    throw new ConfigError('The inventory webhook secret is empty');
  return secret;
};
