/**
 * The rows of each product's queue bookkeeping (the `queues` table; rules in lambdas/domain/queue-tickets.ts):
 *
 * - `tickets#<sku>` → `next`: the next ticket no one holds (ADD only); `directAt, burst`: the last ticket
 *   taken straight off it and the burst it was part of; `hotUntil`: until when tickets come from the shards.
 * - `shard#<sku>#<s>` → `start, size, used, claimedAt, version`: the block shard `s` issues from.
 * - `page#<sku>#<page>` → `slots` (number set of the page's waiting tickets), `version`, `sealed`.
 * - `book#<sku>#<book>` → `pages` (waiting per page): written once the book is sealed.
 * - `summary#<sku>` → `lowestBook, sealedBelow, books` (waiting per sealed book), `legacyDone`.
 * - `settled#<sku>#<ref>#<n>`: an allocation page's queue changes (chunk n), made once.
 *
 * Tickets are issued in ticket-store.ts, counts moved and places read in queue-store.ts, books sealed in
 * queue-sealing.ts.
 */
import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { emptySummary, type SealedSummary, type TicketCounter } from '../domain/queue-tickets';

export const queueTable = () => tableName('queues');
export const ticketsKey = (sku: string) => `tickets#${sku}`;
export const shardKey = (sku: string, shard: number) => `shard#${sku}#${shard}`;
export const pageKey = (sku: string, page: number) => `page#${sku}#${page}`;
export const bookKey = (sku: string, book: number) => `book#${sku}#${book}`;
export const summaryKey = (sku: string) => `summary#${sku}`;

/** The counter row's fields a signup reads with its product: they say how to take the ticket. */
export const toTicketCounter = (item: Record<string, unknown> | undefined): TicketCounter => ({
  next: typeof item?.next === 'number' ? item.next : undefined,
  directAt: typeof item?.directAt === 'number' ? item.directAt : undefined,
  burst: typeof item?.burst === 'number' ? item.burst : undefined,
  hotUntil: typeof item?.hotUntil === 'number' ? item.hotUntil : undefined,
});

export const toSummary = (
  item: Record<string, unknown> | undefined,
): SealedSummary & { legacyDone?: boolean } =>
  item?.sealedBelow === undefined
    ? { ...emptySummary(), legacyDone: item?.legacyDone === true }
    : {
        lowestBook: Number(item.lowestBook ?? 0),
        sealedBelow: Number(item.sealedBelow),
        books: Object.fromEntries(
          Object.entries((item.books ?? {}) as Record<string, unknown>).map(([b, n]) => [b, Number(n)]),
        ),
        legacyDone: item.legacyDone === true,
      };

export const readSummary = async (sku: string): Promise<SealedSummary> => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: queueTable(), Key: { key: summaryKey(sku) }, ConsistentRead: true }),
  );
  return toSummary(Item);
};

/** Items by key, 100 per request, strongly consistent, retrying what DynamoDB left unprocessed. */
export const getMany = async (keys: readonly string[]): Promise<Map<string, Record<string, unknown>>> => {
  const found = new Map<string, Record<string, unknown>>();
  const chunks: string[][] = [];
  for (let i = 0; i < keys.length; i += 100) chunks.push(keys.slice(i, i + 100));
  await Promise.all(
    chunks.map(async (chunk) => {
      let pending: Record<string, unknown>[] = chunk.map((key) => ({ key }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 8) throw new Error('queue counts: keys left unread');
        if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
        const { Responses, UnprocessedKeys } = await dynamo.send(
          new BatchGetCommand({ RequestItems: { [queueTable()]: { Keys: pending, ConsistentRead: true } } }),
        );
        for (const item of Responses?.[queueTable()] ?? []) found.set(String(item.key), item);
        pending = (UnprocessedKeys?.[queueTable()]?.Keys ?? []) as Record<string, unknown>[];
      }
    }),
  );
  return found;
};

export const slotsOf = (item: Record<string, unknown> | undefined): number[] =>
  item?.slots instanceof Set ? [...(item.slots as Set<number>)].map(Number) : [];
