/**
 * Places in a product's queue for bulk email. Counting the backorders ahead of each shopper reads the whole
 * queue ahead of them, so 10 000 nurture emails on one product would read it 10 000 times. Instead a Lambda
 * instance reads a product's waiting queue keys once (keys only, page by page), keeps them for a short
 * while, and finds each shopper's place by binary search. A place in a marketing email may so be up to
 * REFRESH_MS old; the status page and the signup answer count exactly.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/dynamo';
import { tableName } from '../shared/config';

const REFRESH_MS = 30_000;

interface Snapshot {
  keys: string[];
  loadedAt: number;
  loading?: Promise<string[]>;
}

const snapshots = new Map<string, Snapshot>();

const loadWaitingKeys = async (sku: string): Promise<string[]> => {
  const keys: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName('backorders'),
        IndexName: 'waitingBySku',
        KeyConditionExpression: 'sku = :sku',
        ExpressionAttributeValues: { ':sku': sku },
        ProjectionExpression: 'waitingKey',
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) keys.push(item.waitingKey as string);
    start = page.LastEvaluatedKey;
  } while (start);
  return keys; // the index returns them in queue order
};

const waitingKeys = async (sku: string, nowMs: number): Promise<string[]> => {
  const current = snapshots.get(sku);
  if (current && nowMs - current.loadedAt < REFRESH_MS) return current.keys;
  if (current?.loading) return current.loading;
  const loading = loadWaitingKeys(sku);
  snapshots.set(sku, { keys: current?.keys ?? [], loadedAt: current?.loadedAt ?? 0, loading });
  try {
    const keys = await loading;
    snapshots.set(sku, { keys, loadedAt: nowMs });
    return keys;
  } catch (error) {
    snapshots.delete(sku);
    throw error;
  }
};

/** 1-based place of the backorder with this queue key among the product's waiting backorders. */
export const approximatePosition = async (
  sku: string,
  queueKey: string,
  nowMs = Date.now(),
): Promise<number> => {
  const keys = await waitingKeys(sku, nowMs);
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle] < queueKey) low = middle + 1;
    else high = middle;
  }
  return low + 1;
};
