/**
 * Items of several tables by key in as few requests as DynamoDB allows: one `BatchGetItem` carries up to 100
 * keys over any tables, so what a batch of messages needs from the backorders, campaigns, products and ledger
 * tables is one or two requests, not one per item. Keys DynamoDB leaves unprocessed (throttling) are asked
 * again with a short backoff.
 */
import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';

export type Key = Record<string, unknown>;

/** Keys to read, by physical table name. */
export type KeysByTable = Record<string, readonly Key[]>;

/** The items found, by physical table name (a table with nothing found has an empty list). */
export type ItemsByTable = Record<string, Record<string, unknown>[]>;

const MAX_KEYS = 100;
const MAX_ATTEMPTS = 8;

/** Splits the keys into requests of at most 100, filling each across tables. */
const chunked = (wanted: KeysByTable): KeysByTable[] => {
  const chunks: KeysByTable[] = [];
  let current: KeysByTable = {};
  let count = 0;
  for (const [table, keys] of Object.entries(wanted)) {
    for (const key of keys) {
      if (count === MAX_KEYS) {
        chunks.push(current);
        current = {};
        count = 0;
      }
      current[table] = [...(current[table] ?? []), key];
      count++;
    }
  }
  if (count > 0) chunks.push(current);
  return chunks;
};

/**
 * Reads every key given (duplicates must already be removed: DynamoDB refuses a request naming one twice).
 * Strongly consistent unless `consistent: false` (half the read units, for what may be a moment old).
 */
export const readByKeys = async (
  wanted: KeysByTable,
  { consistent = true }: { consistent?: boolean } = {},
): Promise<ItemsByTable> => {
  const found: ItemsByTable = Object.fromEntries(Object.keys(wanted).map((table) => [table, []]));
  await Promise.all(
    chunked(wanted).map(async (chunk) => {
      let pending: KeysByTable = chunk;
      for (let attempt = 0; Object.keys(pending).length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS) throw new Error('batch read: keys left unread after retries');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
        const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await dynamo.send(
          new BatchGetCommand({
            RequestItems: Object.fromEntries(
              Object.entries(pending).map(([table, keys]) => [
                table,
                { Keys: [...keys], ConsistentRead: consistent },
              ]),
            ),
          }),
        );
        for (const [table, items] of Object.entries(Responses ?? {})) found[table].push(...items);
        pending = Object.fromEntries(
          Object.entries(UnprocessedKeys ?? {}).flatMap(([table, request]) =>
            request.Keys && request.Keys.length > 0 ? [[table, request.Keys]] : [],
          ),
        );
      }
    }),
  );
  return found;
};
