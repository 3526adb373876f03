/**
 * Stock from outside: the ERP's inventory webhook, and the store connectors' webhooks (Shopify, WooCommerce).
 * Each signature is checked on the raw body before anything is parsed, so an unsigned caller learns nothing
 * and changes nothing; then the stock update is the console's (ERP) or the store's figures (connectors).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { UnauthorizedError } from '../runtime/errors';
import { apiHandler, json, type RouteHandler } from '../runtime/http';
import { logger } from '../runtime/logger';
import { SIGNATURE_HEADER, signedRequestFingerprint, verifySignature } from '../runtime/signature';
import { inventoryWebhookSecret } from '../runtime/secrets';
import type { ConnectorName } from '../domain/connectors';
import { MAX_STORE_BODY_BYTES } from '../domain/body-limits';
import { loadOnce } from '../runtime/load-once';

const loadStoreDelivery = loadOnce(() => import('../use-cases/store-delivery'));
const loadInventory = loadOnce(() => import('../use-cases/inventory'));

const INVENTORY = 'POST /api/webhooks/inventory';

/** Each store's route. Its body is read raw: the signature covers the bytes as sent. */
const STORE_ROUTES: Record<string, ConnectorName> = {
  'POST /api/webhooks/shopify': 'shopify',
  'POST /api/webhooks/woocommerce': 'woocommerce',
};

const storeRoute =
  (connector: ConnectorName): RouteHandler =>
  async ({ headers, rawBytes }) => {
    // Loaded on a store's first delivery, as the ERP's route loads its own: a cold start pays for one.
    const { receiveStoreDelivery } = await loadStoreDelivery();
    return json(200, await receiveStoreDelivery(connector, headers, rawBytes));
  };

export const routes: Record<string, RouteHandler> = {
  // Reached only once `authenticate` below verified the signature: a replay of this very request is a no-op.
  [INVENTORY]: async ({ body, headers, rawBody }) => {
    const { receiveInventory } = await loadInventory();
    return json(
      202,
      await receiveInventory(body, Date.now(), signedRequestFingerprint(headers[SIGNATURE_HEADER], rawBody)),
    );
  },
  ...Object.fromEntries(Object.entries(STORE_ROUTES).map(([key, connector]) => [key, storeRoute(connector)])),
};

const api = apiHandler(routes, {
  rawBodyRoutes: Object.fromEntries(
    Object.keys(STORE_ROUTES).map((key) => [key, { maxBytes: MAX_STORE_BODY_BYTES }]),
  ),
  authenticate: async ({ routeKey, headers, rawBody }) => {
    // A store's route verifies its own signature (receiveStoreDelivery), with the store's secret, on the
    // raw bytes the router leaves unparsed; and it records refusals for the console.
    if (routeKey in STORE_ROUTES) return;
    const verdict =
      routeKey === INVENTORY
        ? verifySignature(await inventoryWebhookSecret(), headers[SIGNATURE_HEADER], rawBody)
        : 'missing';
    if (verdict !== 'valid') {
      logger.warn('inventory webhook refused', { verdict });
      // One answer for every failure: the caller is not told which part was wrong.
      throw new UnauthorizedError('Invalid or missing signature');
    }
  },
});

export const dispatch = api.dispatch;
export const handler = api.handler.use(injectLambdaContext(logger));
