/**
 * Each product's waiting counts (rows in queue-rows.ts): moving them with every change of a backorder's
 * waiting status, and reading a place in the queue from them.
 *
 * The invariant: for every ticket of a waiting backorder, its slot is in its page's set, and for a sealed book
 * the book's and the summary's counts equal its pages' sets. Every change of a backorder's waiting status
 * moves the set (and, for a sealed book, both counts) in the same transaction; the page's `sealed` flag,
 * conditioned on in each change and set by the sealing transaction, makes a change and a seal of the same
 * book exclude each other.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { mapWithLimit } from '../runtime/concurrency';
import { transactWrite, type TransactItem } from '../runtime/transact';
import { listPartitions } from '../domain/backorder';
import { bookOf, bookOfPage, pageOf, pagesToRead, placeOf, slotOf } from '../domain/queue-tickets';
import {
  bookKey,
  getMany,
  pageKey,
  queueTable,
  readSummary,
  slotsOf,
  summaryKey,
  toSummary,
} from './queue-rows';
import { everyQueryPage } from './every-page';
import { indexReads, queryIndex } from './index-reads';

/** A ticket joining (+1) or leaving (−1) the product's waiting queue. */
export interface WaitingChange {
  sku: string;
  ticket: number;
  delta: 1 | -1;
}

/** One update adding `delta` to each named count of a map attribute (a book's pages, the summary's books). */
const addToCounts = (
  key: string,
  map: 'pages' | 'books',
  deltas: readonly (readonly [number, number])[],
  condition: string,
): TransactItem => {
  const names: Record<string, string> = {};
  const values: Record<string, number> = { ':zero': 0 };
  const sets = deltas.map(([name, delta], i) => {
    names[`#n${i}`] = String(name);
    values[`:d${i}`] = delta;
    return `${map}.#n${i} = if_not_exists(${map}.#n${i}, :zero) + :d${i}`;
  });
  return {
    Update: {
      TableName: queueTable(),
      Key: { key },
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

/**
 * The items that move the counts for changes of one SKU, as part of the caller's transaction. `sealedBelow`
 * is what the caller read (from readSummary); when a page turns out sealed meanwhile, its condition fails and
 * the caller reads again and retries (isSealedRefusal).
 */
export const waitingChangeItems = (
  changes: readonly WaitingChange[],
  sealedBelow: number,
): TransactItem[] => {
  if (changes.length === 0) return [];
  const sku = changes[0].sku;
  const byPage = new Map<number, { add: number[]; remove: number[] }>();
  for (const change of changes) {
    const page = pageOf(change.ticket);
    const entry = byPage.get(page) ?? { add: [], remove: [] };
    (change.delta > 0 ? entry.add : entry.remove).push(slotOf(change.ticket));
    byPage.set(page, entry);
  }
  const items: TransactItem[] = [];
  const bookDeltas = new Map<number, Map<number, number>>();
  for (const [page, { add, remove }] of byPage) {
    const sealed = bookOfPage(page) < sealedBelow;
    // One update per item in a transaction, and a set cannot be added to and taken from in one expression.
    if (add.length > 0 && remove.length > 0)
      throw new Error(`page ${page} of ${sku}: tickets join and leave in one change`);
    items.push({
      Update: {
        TableName: queueTable(),
        Key: { key: pageKey(sku, page) },
        UpdateExpression: add.length
          ? 'ADD slots :add, version :one'
          : 'DELETE slots :remove ADD version :one',
        ConditionExpression: sealed ? 'attribute_exists(sealed)' : 'attribute_not_exists(sealed)',
        ExpressionAttributeValues: {
          ':one': 1,
          ...(add.length ? { ':add': new Set(add) } : {}),
          ...(remove.length ? { ':remove': new Set(remove) } : {}),
        },
      },
    });
    if (sealed) {
      const book = bookOfPage(page);
      const pages = bookDeltas.get(book) ?? new Map<number, number>();
      pages.set(page, (pages.get(page) ?? 0) + add.length - remove.length);
      bookDeltas.set(book, pages);
    }
  }
  const summaryDeltas: [number, number][] = [];
  for (const [book, pages] of bookDeltas) {
    items.push(addToCounts(bookKey(sku, book), 'pages', [...pages], 'attribute_exists(pages)'));
    summaryDeltas.push([book, [...pages.values()].reduce((a, b) => a + b, 0)]);
  }
  if (summaryDeltas.length > 0)
    items.push(addToCounts(summaryKey(sku), 'books', summaryDeltas, 'attribute_exists(sealedBelow)'));
  return items;
};

/**
 * Whether a cancelled transaction failed only because a queue item's seal state was not as read (a book was
 * sealed meanwhile): read the summary again and retry. `from` is the index of the first queue item.
 */
export const isSealedRefusal = (error: unknown, from: number): boolean => {
  if (!(error instanceof TransactionCanceledException)) return false;
  const reasons = error.CancellationReasons ?? [];
  const failed = reasons.map((r, i) => (r.Code === 'ConditionalCheckFailed' ? i : -1)).filter((i) => i >= 0);
  return failed.length > 0 && failed.every((i) => i >= from);
};

/** Pages per transaction of an allocation's changes: with their books and the summary, well under 100 items. */
const PAGES_PER_SETTLEMENT = 40;
const SETTLEMENT_MEMORY_SECONDS = 24 * 3600;

/**
 * Takes an allocation page's tickets out of the counts, once however often the page is retried: the tickets
 * are split by page into fixed chunks, and each chunk's transaction also writes its marker
 * (`settled#<sku>#<ref>#<n>`) if absent. Runs before the page is settled, so a retried page repeats whatever
 * was left.
 */
export const leaveQueueOnce = async (sku: string, ref: string, tickets: readonly number[]): Promise<void> => {
  const pages = [...new Set(tickets.map(pageOf))].sort((a, b) => a - b);
  const chunks: number[][] = [];
  for (let i = 0; i < pages.length; i += PAGES_PER_SETTLEMENT)
    chunks.push(pages.slice(i, i + PAGES_PER_SETTLEMENT));
  let sealedBelow = (await readSummary(sku)).sealedBelow;
  const expiresAt = Math.floor(Date.now() / 1000) + SETTLEMENT_MEMORY_SECONDS;
  for (const [n, chunk] of chunks.entries()) {
    const inChunk = new Set(chunk);
    const changes = tickets
      .filter((ticket) => inChunk.has(pageOf(ticket)))
      .map((ticket): WaitingChange => ({ sku, ticket, delta: -1 }));
    for (let attempt = 0; ; attempt++) {
      const marker: TransactItem = {
        Put: {
          TableName: queueTable(),
          Item: { key: `settled#${sku}#${ref}#${n}`, expiresAt },
          ConditionExpression: 'attribute_not_exists(#key)',
          ExpressionAttributeNames: { '#key': 'key' },
        },
      };
      try {
        await transactWrite(() => [marker, ...waitingChangeItems(changes, sealedBelow)]);
        break;
      } catch (error) {
        const reasons =
          error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
        // Done by an earlier try of this page.
        if (reasons[0]?.Code === 'ConditionalCheckFailed') break;
        if (attempt >= 3 || !isSealedRefusal(error, 1)) throw error;
        sealedBelow = (await readSummary(sku)).sealedBelow;
      }
    }
  }
};

// ---- reading ---------------------------------------------------------------------------------------------

/**
 * Waiting backorders of the SKU from before tickets (their keys sort before every ticket's), counted in each
 * of the SKU's index shards side by side. Only until none is left (`legacyDone`).
 */
const legacyWaiting = async (sku: string, before?: string): Promise<number> => {
  const counts = await Promise.all(
    listPartitions(sku).map(async (shard) => {
      let count = 0;
      await everyQueryPage(
        queryIndex(indexReads.olderWaiting, {
          KeyConditionExpression: 'skuShard = :shard AND waitingKey < :before',
          ExpressionAttributeValues: { ':shard': shard, ':before': before ?? 't' },
          Select: 'COUNT',
        }),
        (page) => (count += page.count),
      );
      return count;
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0);
};

/**
 * 1-based place of a waiting backorder in its product's queue: with a ticket, from the summary, its book
 * and the pages before it (one request for a ticket in a sealed book, two at the queue's end); a backorder
 * from before tickets is counted among those older ones.
 */
export const placeInQueue = async (
  sku: string,
  waiting: { ticket?: number; queueKey: string },
): Promise<number> => (await placesInQueue(sku, [waiting]))[0];

/**
 * The places of several waiting backorders of one product, in the order given, from one read of the rows
 * they share (a page of an export reads each page set once, not once per backorder): the summary, their
 * books and pages in one request, then the pages before them that the first did not bring.
 */
const LEGACY_COUNTS = 4;

/** The rows a place reads first (summary, books, pages of these tickets): a caller may read them along. */
export const firstPlaceKeys = (sku: string, tickets: readonly number[]): string[] =>
  tickets.length === 0
    ? []
    : [
        summaryKey(sku),
        ...new Set(tickets.flatMap((ticket) => [bookKey(sku, bookOf(ticket)), pageKey(sku, pageOf(ticket))])),
      ];

export const placesInQueue = async (
  sku: string,
  waiting: readonly { ticket?: number; queueKey: string }[],
  /** The `firstPlaceKeys` rows, when the caller read them with its own (keyed by `key`; absent ones missing). */
  firstRows?: ReadonlyMap<string, Record<string, unknown>>,
): Promise<number[]> => {
  const tickets = waiting.flatMap(({ ticket }) => (ticket === undefined ? [] : [ticket]));
  const first = firstRows ? new Map(firstRows) : await getMany(firstPlaceKeys(sku, tickets));
  const summary = toSummary(first.get(summaryKey(sku)));
  const toRead = [...new Set(tickets.flatMap((ticket) => pagesToRead(ticket, summary)))];
  const [pages, legacyAhead] = await Promise.all([
    getMany(toRead.map((page) => pageKey(sku, page)).filter((key) => !first.has(key))),
    tickets.length === 0 || summary.legacyDone ? 0 : legacyWaiting(sku),
  ]);
  for (const [key, item] of first) pages.set(key, item);
  if (tickets.length > 0 && !summary.legacyDone && legacyAhead === 0) await markLegacyDone(sku);
  const pageSlots = new Map<number, number[]>();
  for (const page of toRead) pageSlots.set(page, slotsOf(pages.get(pageKey(sku, page))));
  // A backorder from before tickets counts those older than it (16 queries): a few at a time.
  return mapWithLimit(waiting, LEGACY_COUNTS, async ({ ticket, queueKey }) =>
    ticket === undefined
      ? (await legacyWaiting(sku, queueKey)) + 1
      : placeOf(ticket, {
          summary,
          bookPages: first.get(bookKey(sku, bookOf(ticket)))?.pages as Record<string, number> | undefined,
          pageSlots,
          legacyAhead,
        }),
  );
};

/** No backorder from before tickets waits any more: none ever will again, so places stop looking. */
const markLegacyDone = async (sku: string): Promise<void> => {
  await dynamo.send(
    new UpdateCommand({
      TableName: queueTable(),
      Key: { key: summaryKey(sku) },
      UpdateExpression: 'SET legacyDone = :yes',
      ExpressionAttributeValues: { ':yes': true },
    }),
  );
};

// ---- sealing ---------------------------------------------------------------------------------------------
