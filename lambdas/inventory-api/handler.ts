/**
 * The ERP's inventory webhook. The signature is checked on the raw body before anything is parsed, so an
 * unsigned caller learns nothing and changes nothing; then the stock update is the console's.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { UnauthorizedError } from '../runtime/errors';
import { apiHandler, json, type RouteHandler } from '../runtime/http';
import { logger } from '../runtime/logger';
import { SIGNATURE_HEADER, signedRequestFingerprint, verifySignature } from '../runtime/signature';
import { inventoryWebhookSecret } from '../runtime/secrets';
import { receiveInventory } from '../use-cases/inventory';

export const routes: Record<string, RouteHandler> = {
  // Reached only once `authenticate` below verified the signature: a replay of this very request is a no-op.
  'POST /api/webhooks/inventory': async ({ body, headers, rawBody }) =>
    json(
      202,
      await receiveInventory(body, Date.now(), signedRequestFingerprint(headers[SIGNATURE_HEADER], rawBody)),
    ),
};

const api = apiHandler(routes, {
  authenticate: async ({ headers, rawBody }) => {
    const verdict = verifySignature(await inventoryWebhookSecret(), headers[SIGNATURE_HEADER], rawBody);
    if (verdict !== 'valid') {
      logger.warn('inventory webhook refused', { verdict });
      // One answer for every failure: the caller is not told which part was wrong.
      throw new UnauthorizedError('Invalid or missing signature');
    }
  },
});

export const dispatch = api.dispatch;
export const handler = api.handler.use(injectLambdaContext(logger));
