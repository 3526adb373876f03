/**
 * A delivery of a store's stock webhook (POST /api/webhooks/shopify, /api/webhooks/woocommerce), from the
 * raw body to its answer: WooCommerce's creation ping (200, nothing else), the signature with the store's
 * secret before anything is read (401 for a missing or wrong one, or when no secret is set), a topic the
 * platform does not read (200, ignored), the body's shape (400), a delivery already read (200, duplicate),
 * then the stock figures (store-stock.ts). Every delivery is recorded for the console, refused ones too.
 */
import { ContractError, UnauthorizedError, ValidationError } from '../runtime/errors';
import { logger } from '../runtime/logger';
import { isTransientFailure } from '../runtime/transient-failure';
import type { ConnectorDelivery, ConnectorName } from '../domain/connectors';
import {
  STOCK_TOPICS,
  STORE_HEADERS,
  acceptedReason,
  deliveryKey,
  headerText,
  isWooCommercePing,
  readStockReport,
  verifyStoreSignature,
} from '../domain/store-webhooks';
import {
  deliveryDone,
  getConnectorSecrets,
  markDeliveryDone,
  recordDelivery,
  recordUnsigned,
} from '../store/connector-store';
import { applyStoreStock } from './store-stock';

/** The answer a store gets (it reads only the status; the body helps whoever tests by hand). */
export interface StoreDeliveryAnswer {
  outcome: ConnectorDelivery['outcome'];
  reason: string;
  skus: string[];
}

type Row = Omit<ConnectorDelivery, 'count'>;

/** The record is for the console: failing to write it must not change what the store is answered. */
const noted = async (write: Promise<void>): Promise<void> => {
  try {
    await write;
  } catch (error) {
    logger.warn('store delivery not recorded', { error: String(error) });
  }
};

const UNSIGNED: Record<string, string> = {
  'no-secret': 'refused: no secret is set for this store',
  missing: 'refused: no signature',
  malformed: 'refused: bad signature',
  mismatch: 'refused: bad signature',
};

export const receiveStoreDelivery = async (
  connector: ConnectorName,
  headers: Record<string, string>,
  body: Buffer,
  nowMs = Date.now(),
): Promise<StoreDeliveryAnswer> => {
  const names = STORE_HEADERS[connector];
  const deliveryId = headerText(headers[names.deliveryId]);
  const topic = headerText(headers[names.topic]);
  const receivedAt = new Date(nowMs).toISOString();
  const row = (outcome: Row['outcome'], status: number, reason: string, skus: string[] = []): Row => ({
    receivedAt,
    deliveryId,
    topic,
    outcome,
    reason,
    status,
    skus: skus.slice(0, 100),
  });
  const answer = async (record: Row): Promise<StoreDeliveryAnswer> => {
    await noted(recordDelivery(connector, record));
    return { outcome: record.outcome, reason: record.reason, skus: record.skus };
  };

  // Unsigned by WooCommerce, and it changes nothing: answered before any secret is needed (and, as anyone
  // can send it, recorded as the unsigned refusals are).
  if (connector === 'woocommerce' && isWooCommercePing(body)) {
    const ping = row('ping', 200, "WooCommerce's test delivery when the webhook is saved");
    await noted(recordUnsigned(connector, { ...ping, kind: 'ping' }));
    return { outcome: ping.outcome, reason: ping.reason, skus: [] };
  }

  const secret = (await getConnectorSecrets())[connector];
  const verdict =
    secret === undefined ? 'no-secret' : verifyStoreSignature(secret, headers[names.signature], body);
  if (verdict !== 'valid') {
    logger.warn('store webhook refused', { connector, verdict });
    await noted(recordUnsigned(connector, { ...row('refused', 401, UNSIGNED[verdict]), kind: verdict }));
    // One answer for every failure: the caller is not told which part was wrong.
    throw new UnauthorizedError('Invalid or missing signature');
  }

  if (topic !== null && topic !== STOCK_TOPICS[connector])
    return answer(row('ignored', 200, `topic ${topic} is not read: subscribe ${STOCK_TOPICS[connector]}`));

  let report;
  try {
    report = readStockReport[connector](body);
  } catch (error) {
    if (error instanceof ValidationError) {
      const detail = error.details[0];
      const why = detail
        ? `${error.message}: ${detail.path ? `${detail.path}: ` : ''}${detail.message}`
        : error.message;
      await noted(recordDelivery(connector, row('refused', 400, `refused: ${why}`.slice(0, 300))));
    }
    throw error;
  }

  const key = deliveryKey(connector, deliveryId, body);
  if (await deliveryDone(connector, key))
    return answer(row('duplicate', 200, 'already received: nothing changed'));

  try {
    const result = await applyStoreStock(connector, key, report, receivedAt);
    await markDeliveryDone(connector, key, receivedAt);
    return answer(row('accepted', 200, acceptedReason(result, report), result.set));
  } catch (error) {
    // A 503 the store retries (what was set stays set, once): the retry is recorded with what it did.
    if (error instanceof ContractError || isTransientFailure(error))
      await noted(recordDelivery(connector, row('refused', 503, 'busy, not read to the end: to be retried')));
    throw error;
  }
};
