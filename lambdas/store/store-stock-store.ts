/**
 * A store connector's stock on the product item: what the store last said (`storeStock`) and the store's own
 * time of it (`storeStockAt`, ms), next to the free units (`stock`) it sets. Every write is conditioned on
 * the mark as read, so two deliveries about one product racing each other cannot both decide from the same
 * old mark; the free units themselves are set through the inventory webhook's exactly-once transaction
 * (allocation-store.ts `setFreeStockOnce`, ledger row `inventory-store#<connector>:<delivery>#<sku>`).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { conditionFailedAt, isConditionFailure } from '../runtime/transact';
import type { StoreMark } from '../domain/store-webhooks';
import { setFreeStockOnce } from './free-stock-store';
import { productItems } from './catalog-store';

const PROJECTION = 'sku, storeStock, storeStockAt';

const markOf = (item: Record<string, unknown>): StoreMark | undefined =>
  item.storeStock === undefined
    ? undefined
    : {
        figure: Number(item.storeStock),
        at: item.storeStockAt === undefined ? undefined : Number(item.storeStockAt),
      };

/** Which of these SKUs are products, with each one's mark (undefined: no store has set it yet). */
export const storeMarks = async (skus: readonly string[]): Promise<Map<string, StoreMark | undefined>> =>
  new Map((await productItems(skus, PROJECTION)).map((item) => [item.sku as string, markOf(item)]));

/** One product's mark again (after a race); null when the product is gone. */
export const storeMarkOf = async (sku: string): Promise<StoreMark | undefined | null> => {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('products'),
      Key: { sku },
      ProjectionExpression: PROJECTION,
      ConsistentRead: true,
    }),
  );
  return Item ? markOf(Item) : null;
};

/** "The mark is still what was read": the condition of every write here. */
const asRead = (previous: StoreMark | undefined) => {
  const atRead =
    previous?.at === undefined ? 'attribute_not_exists(storeStockAt)' : 'storeStockAt = :previousAt';
  return {
    condition:
      previous === undefined
        ? 'attribute_not_exists(storeStock) AND attribute_not_exists(storeStockAt)'
        : `storeStock = :previousFigure AND ${atRead}`,
    values: {
      ...(previous ? { ':previousFigure': previous.figure } : {}),
      ...(previous?.at !== undefined ? { ':previousAt': previous.at } : {}),
    },
  };
};

/** `raced`: the mark changed since it was read (read it again and decide again). */
export type StoreStockWrite = 'set' | 'duplicate' | 'raced';

/**
 * Sets the free units to the store's figure and the mark to it, once per delivery (`delivery` is
 * `<connector>:<delivery key>`), if the mark is still `previous`. The store's time is kept when the delivery
 * has none.
 */
export const setStoreStockOnce = async (
  sku: string,
  figure: number,
  sourceAt: number | undefined,
  previous: StoreMark | undefined,
  delivery: string,
  at: string,
): Promise<StoreStockWrite> => {
  const read = asRead(previous);
  try {
    const applied = await setFreeStockOnce(sku, figure, { storeDelivery: delivery }, at, {
      set: `storeStock = :available${sourceAt === undefined ? '' : ', storeStockAt = :sourceAt'}`,
      condition: read.condition,
      values: { ...read.values, ...(sourceAt === undefined ? {} : { ':sourceAt': sourceAt }) },
    });
    return applied ? 'set' : 'duplicate';
  } catch (error) {
    // The product's condition: the mark moved (or the product was deleted, which the next read tells).
    if (error instanceof TransactionCanceledException && conditionFailedAt(error, 1)) return 'raced';
    throw error;
  }
};

/**
 * The same figure again, told at a later time: only the store's time moves on, so that a delivery older
 * than this one, arriving late, is recognised as stale.
 */
export const advanceStoreMark = async (
  sku: string,
  previous: StoreMark,
  sourceAt: number,
): Promise<'advanced' | 'raced'> => {
  const read = asRead(previous);
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('products'),
        Key: { sku },
        UpdateExpression: 'SET storeStockAt = :sourceAt',
        ConditionExpression: `attribute_exists(sku) AND ${read.condition}`,
        ExpressionAttributeValues: { ...read.values, ':sourceAt': sourceAt },
      }),
    );
    return 'advanced';
  } catch (error) {
    if (isConditionFailure(error)) return 'raced';
    throw error;
  }
};
