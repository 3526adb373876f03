/**
 * Counter rows of the statistics, in the ledger table. Writers never update a counter on its own: they add
 * `counterUpdates(...)` to the transaction of the conditional write that makes their event happen once, so a
 * retried or redelivered event, which fails that condition, moves no counter (ARCHITECTURE.md, "Statistics").
 * Readers fetch the shard rows by key (BatchGetItem), never by scanning.
 */
import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { mapWithLimit } from '../runtime/concurrency';
import type { TransactItem } from '../runtime/transact';
import type { CounterChanges } from '../domain/statistics';

/** One `ADD` per counter row; attribute names go through placeholders (some, like `waiting`, are plain words). */
export const counterUpdates = (changes: CounterChanges): TransactItem[] =>
  changes.entries().map(([key, attributes]) => {
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    const adds = Object.entries(attributes).map(([attribute, by], i) => {
      names[`#c${i}`] = attribute;
      values[`:c${i}`] = by;
      return `#c${i} :c${i}`;
    });
    return {
      Update: {
        TableName: tableName('ledger'),
        Key: { key },
        UpdateExpression: `ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  });

const BATCH_GET_KEYS = 100;
const PARALLEL_READS = 4;

/** The counter rows with these keys (absent rows are simply missing from the map). */
export const readCounterRows = async (
  keys: readonly string[],
): Promise<Map<string, Record<string, unknown>>> => {
  const ledger = tableName('ledger');
  const unique = [...new Set(keys)];
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += BATCH_GET_KEYS) chunks.push(unique.slice(i, i + BATCH_GET_KEYS));
  const rows = new Map<string, Record<string, unknown>>();
  await mapWithLimit(chunks, PARALLEL_READS, async (chunk) => {
    let pending: Record<string, unknown>[] | undefined = chunk.map((key) => ({ key }));
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      // What DynamoDB left unprocessed (throttled) is asked again after a growing pause.
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const page: BatchGetCommandOutput = await dynamo.send(
        new BatchGetCommand({ RequestItems: { [ledger]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of page.Responses?.[ledger] ?? []) rows.set(item.key as string, item);
      pending = page.UnprocessedKeys?.[ledger]?.Keys;
    }
  });
  return rows;
};
