/**
 * Waiting backorders written straight to the tables, shaped exactly as `insertBackorder` writes them: tests
 * and benchmarks need queues of thousands, which through the API (and its confirmation emails) would take
 * minutes and measure something else.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { newBackorderId, hashToken, newToken } from '../../lambdas/runtime/tokens';
import { listKeysOf, listPartitions, queueKeyOf } from '../../lambdas/domain/backorder';

export interface SeededBackorder {
  id: string;
  email: string;
  quantity: number;
  /** The raw status token (only its hash is stored). */
  token: string;
  row: Record<string, unknown>;
}

/** Rows for a queue on one SKU, oldest first, one second apart, ending `endMs`. */
export const waitingBackorders = (
  sku: string,
  quantities: readonly number[],
  options: { label: string; endMs?: number; marketingConsent?: boolean },
): SeededBackorder[] => {
  const endMs = options.endMs ?? Date.now();
  return quantities.map((quantity, i) => {
    const createdMs = endMs - (quantities.length - i) * 1000;
    const createdAt = new Date(createdMs).toISOString();
    const id = newBackorderId(createdMs);
    const email = `${options.label}-${i}@example.com`;
    const token = newToken();
    const queueKey = queueKeyOf(createdAt, id);
    return {
      id,
      email,
      quantity,
      token,
      row: {
        id,
        sku,
        email,
        emailKey: email,
        quantity,
        name: `Shopper ${i}`,
        segment: 'b2c',
        marketingConsent: options.marketingConsent ?? false,
        ...(options.marketingConsent ? { consentedAt: createdAt } : {}),
        locale: 'en',
        status: 'waiting',
        createdAt,
        updatedAt: createdAt,
        queueKey,
        waitingKey: queueKey,
        ...listKeysOf({ id, sku }),
        statusTokenHashes: [hashToken(token)],
        events: [{ at: createdAt, type: 'created', by: 'shopper' }],
      },
    };
  });
};

/** Writes items 25 at a time with a few requests in flight, retrying what DynamoDB left unprocessed. */
export const batchWrite = async (
  dynamo: DynamoDBDocumentClient,
  table: string,
  items: readonly Record<string, unknown>[],
  parallel = 4,
): Promise<void> => {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < chunks.length) {
        let requests = chunks[next++].map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; requests.length > 0; attempt++) {
          if (attempt > 10) throw new Error(`BatchWrite to ${table}: items still unprocessed`);
          if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * attempt));
          const { UnprocessedItems } = await dynamo.send(
            new BatchWriteCommand({ RequestItems: { [table]: requests } }),
          );
          requests = (UnprocessedItems?.[table] ?? []) as typeof requests;
        }
      }
    }),
  );
};

/**
 * Every backorder row of a SKU as stored, in no particular order: the ids from its bySku shards (the index
 * projects keys only), then the rows by key, consistently.
 */
export const rowsOfSku = async (
  dynamo: DynamoDBDocumentClient,
  table: string,
  sku: string,
): Promise<Record<string, unknown>[]> => {
  const ids: string[] = [];
  for (const shard of listPartitions(sku)) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dynamo.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'bySku',
          KeyConditionExpression: 'skuShard = :shard',
          ExpressionAttributeValues: { ':shard': shard },
          ExclusiveStartKey: start,
        }),
      );
      ids.push(...(page.Items ?? []).map((item) => String(item.id)));
      start = page.LastEvaluatedKey;
    } while (start);
  }
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    let keys: Record<string, unknown>[] = ids.slice(i, i + 100).map((id) => ({ id }));
    while (keys.length > 0) {
      const { Responses, UnprocessedKeys } = await dynamo.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
      );
      rows.push(...(Responses?.[table] ?? []));
      keys = UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return rows;
};
