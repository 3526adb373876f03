/**
 * A product's free units as the shop reports them (the ERP's inventory webhook, the console, a store
 * connector): set on the product item, next to the allocation state that spends them (allocation-store.ts),
 * each reported event applied once.
 */
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { conditionFailedAt, isConditionFailure } from '../runtime/transact';

/** Sets the free units of a product (a stock update without an event id); false when the product does not exist. */
export const setFreeStock = async (sku: string, available: number, at: string): Promise<boolean> => {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('products'),
        Key: { sku },
        UpdateExpression: 'SET stock = :available, stockUpdatedAt = :at',
        ConditionExpression: 'attribute_exists(sku)',
        ExpressionAttributeValues: { ':available': available, ':at': at },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** How long an inventory event id is remembered: ERPs retry for hours, not months. */
const EVENT_MEMORY_SECONDS = 30 * 24 * 3600;

/** What makes a stock update "the same" as one already applied. */
export type StockUpdateIdentity =
  /** The sender's own event id: remembered 30 days. */
  | { eventId: string }
  /**
   * A signed request without an event id, by a fingerprint of what was signed (timestamp and body): the
   * same request captured and sent again. Remembered well past the signature's 300 s window.
   */
  | { signedRequest: string }
  /** A store connector's delivery (lambdas/store/store-stock-store.ts): remembered 30 days. */
  | { storeDelivery: string };

/** A signed request older than this is refused as stale anyway; its fingerprint need not be kept longer. */
const SIGNED_REQUEST_MEMORY_SECONDS = 3600;

/**
 * Sets a product's free units for one event, once: the event's row in the ledger and the stock change are one
 * transaction, so a repeated event (the ERP retrying, or a captured request replayed) changes nothing, and
 * after an allocation spent units a late duplicate cannot hand them out again. Answers false for a duplicate.
 */
export const setFreeStockOnce = async (
  sku: string,
  available: number,
  identity: StockUpdateIdentity,
  at: string,
  /** More to set and check on the product in the same write: a store connector's mark of what it said. */
  guard?: { set: string; condition: string; values: Record<string, unknown> },
): Promise<boolean> => {
  const [key, memorySeconds] =
    'eventId' in identity
      ? [`inventory#${identity.eventId}#${sku}`, EVENT_MEMORY_SECONDS]
      : 'storeDelivery' in identity
        ? [`inventory-store#${identity.storeDelivery}#${sku}`, EVENT_MEMORY_SECONDS]
        : [`inventory-signed#${identity.signedRequest}#${sku}`, SIGNED_REQUEST_MEMORY_SECONDS];
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName('ledger'),
              Item: { key, available, at, expiresAt: Math.floor(Date.parse(at) / 1000) + memorySeconds },
              ConditionExpression: 'attribute_not_exists(#key)',
              ExpressionAttributeNames: { '#key': 'key' },
            },
          },
          {
            Update: {
              TableName: tableName('products'),
              Key: { sku },
              UpdateExpression: `SET stock = :available, stockUpdatedAt = :at${guard ? `, ${guard.set}` : ''}`,
              // A guard that fails cancels the transaction as a missing product does: the caller's to read.
              ConditionExpression: `attribute_exists(sku)${guard ? ` AND (${guard.condition})` : ''}`,
              ExpressionAttributeValues: { ':available': available, ':at': at, ...guard?.values },
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailedAt(error, 0)) return false;
    throw error;
  }
};
