/**
 * Each product's queue bookkeeping (the `queues` table; rules in lambdas/domain/queue-tickets.ts). Owns:
 *
 * - `tickets#<sku>` → `next`: the next ticket no block has leased (ADD only).
 * - `shard#<sku>#<s>` → `start, size, used, claimedAt, version`: the block shard `s` issues from.
 * - `page#<sku>#<page>` → `slots` (number set of the page's waiting tickets), `version`, `sealed`.
 * - `book#<sku>#<book>` → `pages` (waiting per page): written once the book is sealed.
 * - `summary#<sku>` → `lowestBook, sealedBelow, books` (waiting per sealed book), `legacyDone`.
 * - `settled#<ref>#<chunk>`: an allocation page's queue changes, made once.
 *
 * The invariant: for every ticket of a waiting backorder, its slot is in its page's set, and for a sealed book
 * the book's and the summary's counts equal its pages' sets. Every change of a backorder's waiting status
 * moves the set (and, for a sealed book, both counts) in the same transaction; the page's `sealed` flag,
 * conditioned on in each change and set by the sealing transaction, makes a change and a seal of the same
 * book exclude each other.
 */
import { BatchGetCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { dynamo } from '../shared/dynamo';
import { tableName } from '../shared/config';
import { transactWrite, type TransactItem } from '../shared/transact';
import {
  BLOCK_FRESH_MS,
  BOOK_SIZE,
  bookOf,
  bookOfPage,
  emptySummary,
  firstPageOf,
  nextBlockSize,
  PAGES_PER_BOOK,
  pageOf,
  pagesToRead,
  placeOf,
  SHARDS,
  slotOf,
  ticketKey,
  type SealedSummary,
} from '../domain/queue-tickets';

const table = () => tableName('queues');
const ticketsKey = (sku: string) => `tickets#${sku}`;
const shardKey = (sku: string, shard: number) => `shard#${sku}#${shard}`;
const pageKey = (sku: string, page: number) => `page#${sku}#${page}`;
const bookKey = (sku: string, book: number) => `book#${sku}#${book}`;
const summaryKey = (sku: string) => `summary#${sku}`;

const conditionFailed = (error: unknown) => (error as Error).name === 'ConditionalCheckFailedException';

// ---- tickets ---------------------------------------------------------------------------------------------

export interface IssuedTicket {
  ticket: number;
  /** Set when this ticket's block began a new book: the books below it may now be sealed. */
  crossedIntoBook?: number;
}

interface ShardBlock {
  start: number;
  size: number;
  used: number;
  claimedAt: number;
  version: number;
}

/**
 * Issues a ticket for a signup on `sku`: from a random shard's fresh block when it has room (one write), else
 * from a new block leased off the SKU's counter. Every ticket is issued once; a block leased but not used up
 * within BLOCK_FRESH_MS is abandoned (its numbers are never anyone's: gaps count for nothing).
 */
export const issueTicket = async (sku: string, nowMs = Date.now()): Promise<IssuedTicket> => {
  for (let attempt = 0; attempt < 8; attempt++) {
    const shard = Math.floor(Math.random() * SHARDS);
    let previous: ShardBlock | undefined;
    try {
      const { Attributes } = await dynamo.send(
        new UpdateCommand({
          TableName: table(),
          Key: { key: shardKey(sku, shard) },
          UpdateExpression: 'SET used = used + :one',
          ConditionExpression: 'used < size AND claimedAt >= :fresh',
          ExpressionAttributeValues: { ':one': 1, ':fresh': nowMs - BLOCK_FRESH_MS },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const block = Attributes as ShardBlock;
      return { ticket: block.start + block.used - 1 };
    } catch (error) {
      if (!conditionFailed(error)) throw error;
      const old = (error as { Item?: Record<string, { N?: string }> }).Item;
      previous = old?.start
        ? {
            start: Number(old.start.N),
            size: Number(old.size?.N),
            used: Number(old.used?.N),
            claimedAt: Number(old.claimedAt?.N),
            version: Number(old.version?.N ?? 0),
          }
        : undefined;
    }
    const size = nextBlockSize(previous, nowMs);
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: { key: ticketsKey(sku) },
        UpdateExpression: 'ADD #next :size',
        ExpressionAttributeNames: { '#next': 'next' },
        ExpressionAttributeValues: { ':size': size },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const start = Number(Attributes?.next) - size;
    // The block reaches into a book no earlier ticket was in: the books before it are closing.
    const last = bookOf(start + size - 1);
    const crossedIntoBook = last > bookOf(start - 1) ? last : undefined;
    // Kept on the shard even when used up at once: the next signup here sees how fast blocks fill.
    try {
      await dynamo.send(
        new UpdateCommand({
          TableName: table(),
          Key: { key: shardKey(sku, shard) },
          UpdateExpression:
            'SET #start = :start, size = :size, used = :one, claimedAt = :now, version = :version',
          ConditionExpression: previous
            ? 'version = :seen'
            : 'attribute_not_exists(#start) OR claimedAt < :fresh',
          ExpressionAttributeNames: { '#start': 'start' },
          ExpressionAttributeValues: {
            ':start': start,
            ':size': size,
            ':one': 1,
            ':now': nowMs,
            ':version': (previous?.version ?? 0) + 1,
            ...(previous ? { ':seen': previous.version } : { ':fresh': nowMs - BLOCK_FRESH_MS }),
          },
        }),
      );
      return { ticket: start, crossedIntoBook };
    } catch (error) {
      // Another signup renewed this shard first: this block is abandoned (a gap), try again.
      if (!conditionFailed(error)) throw error;
    }
  }
  throw new Error(`No ticket for ${sku}: its shards kept changing`);
};

// ---- changes of waiting ----------------------------------------------------------------------------------

/** A ticket joining (+1) or leaving (−1) the product's waiting queue. */
export interface WaitingChange {
  sku: string;
  ticket: number;
  delta: 1 | -1;
}

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
        TableName: table(),
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
    const names: Record<string, string> = {};
    const values: Record<string, number> = { ':zero': 0 };
    const sets = [...pages].map(([page, delta], i) => {
      names[`#p${i}`] = String(page);
      values[`:d${i}`] = delta;
      return `pages.#p${i} = if_not_exists(pages.#p${i}, :zero) + :d${i}`;
    });
    items.push({
      Update: {
        TableName: table(),
        Key: { key: bookKey(sku, book) },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(pages)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    });
    summaryDeltas.push([book, [...pages.values()].reduce((a, b) => a + b, 0)]);
  }
  if (summaryDeltas.length > 0) {
    const names: Record<string, string> = {};
    const values: Record<string, number> = { ':zero': 0 };
    const sets = summaryDeltas.map(([book, delta], i) => {
      names[`#b${i}`] = String(book);
      values[`:d${i}`] = delta;
      return `books.#b${i} = if_not_exists(books.#b${i}, :zero) + :d${i}`;
    });
    items.push({
      Update: {
        TableName: table(),
        Key: { key: summaryKey(sku) },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(sealedBelow)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    });
  }
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
          TableName: table(),
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

const toSummary = (item: Record<string, unknown> | undefined): SealedSummary & { legacyDone?: boolean } =>
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
    new GetCommand({ TableName: table(), Key: { key: summaryKey(sku) }, ConsistentRead: true }),
  );
  return toSummary(Item);
};

/** Items by key, 100 per request, strongly consistent, retrying what DynamoDB left unprocessed. */
const getMany = async (keys: readonly string[]): Promise<Map<string, Record<string, unknown>>> => {
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
          new BatchGetCommand({ RequestItems: { [table()]: { Keys: pending, ConsistentRead: true } } }),
        );
        for (const item of Responses?.[table()] ?? []) found.set(String(item.key), item);
        pending = (UnprocessedKeys?.[table()]?.Keys ?? []) as Record<string, unknown>[];
      }
    }),
  );
  return found;
};

const slotsOf = (item: Record<string, unknown> | undefined): number[] =>
  item?.slots instanceof Set ? [...(item.slots as Set<number>)].map(Number) : [];

/** Waiting backorders of the SKU from before tickets (their keys sort before every ticket's). */
const legacyWaiting = async (sku: string, before?: string): Promise<number> => {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName('backorders'),
        IndexName: 'waitingBySku',
        KeyConditionExpression: 'sku = :sku AND waitingKey < :before',
        ExpressionAttributeValues: { ':sku': sku, ':before': before ?? 't' },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
};

/**
 * 1-based place of a waiting backorder in its product's queue: with a ticket, from the summary, its book
 * and the pages before it (one request for a ticket in a sealed book, two at the queue's end); a backorder
 * from before tickets is counted among those older ones.
 */
export const placeInQueue = async (
  sku: string,
  waiting: { ticket?: number; queueKey: string },
): Promise<number> => {
  if (waiting.ticket === undefined) return (await legacyWaiting(sku, waiting.queueKey)) + 1;
  const { ticket } = waiting;
  const first = await getMany([summaryKey(sku), bookKey(sku, bookOf(ticket)), pageKey(sku, pageOf(ticket))]);
  const summaryItem = first.get(summaryKey(sku));
  const summary = toSummary(summaryItem);
  const wanted = pagesToRead(ticket, summary).map((page) => pageKey(sku, page));
  const [pages, legacyAhead] = await Promise.all([
    getMany(wanted.filter((key) => !first.has(key))),
    summary.legacyDone ? 0 : legacyWaiting(sku),
  ]);
  for (const [key, item] of first) pages.set(key, item);
  if (!summary.legacyDone && legacyAhead === 0) await markLegacyDone(sku);
  const pageSlots = new Map<number, number[]>();
  for (const page of pagesToRead(ticket, summary))
    pageSlots.set(page, slotsOf(pages.get(pageKey(sku, page))));
  const book = first.get(bookKey(sku, bookOf(ticket)));
  return placeOf(ticket, {
    summary,
    bookPages: book?.pages as Record<string, number> | undefined,
    pageSlots,
    legacyAhead,
  });
};

/** No backorder from before tickets waits any more: none ever will again, so places stop looking. */
const markLegacyDone = async (sku: string): Promise<void> => {
  await dynamo.send(
    new UpdateCommand({
      TableName: table(),
      Key: { key: summaryKey(sku) },
      UpdateExpression: 'SET legacyDone = :yes',
      ExpressionAttributeValues: { ':yes': true },
    }),
  );
};

// ---- sealing ---------------------------------------------------------------------------------------------

/** Extra wait beyond a block's freshness before a book counts as closed: clocks of workers differ a little. */
const SEAL_MARGIN_MS = 2_000;

export type SealOutcome = 'sealed' | 'already' | 'open';

/**
 * Seals the SKU's lowest unsealed book if no ticket of it can be issued any more: its pages' waiting counts
 * go onto one book item and its total onto the summary, and each page is marked sealed, in one transaction
 * conditioned on every page being as read. 'open' when a shard may still issue into it.
 */
export const sealNextBook = async (
  sku: string,
  nowMs = Date.now(),
): Promise<{ outcome: SealOutcome; book: number }> => {
  for (let attempt = 0; attempt < 5; attempt++) {
    const keys = [
      summaryKey(sku),
      ticketsKey(sku),
      ...Array.from({ length: SHARDS }, (_, s) => shardKey(sku, s)),
    ];
    const state = await getMany(keys);
    const summaryItem = state.get(summaryKey(sku));
    const summary = toSummary(summaryItem);
    const book = summary.sealedBelow;
    const next = Number(state.get(ticketsKey(sku))?.next ?? 0);
    const bookEnd = (book + 1) * BOOK_SIZE;
    if (next < bookEnd) return { outcome: 'open', book };
    const stillIssuing = Array.from({ length: SHARDS }, (_, s) => state.get(shardKey(sku, s))).some(
      (block) =>
        block !== undefined &&
        Number(block.start) < bookEnd &&
        Number(block.claimedAt) >= nowMs - BLOCK_FRESH_MS - SEAL_MARGIN_MS,
    );
    if (stillIssuing) return { outcome: 'open', book };
    const pageNumbers = Array.from({ length: PAGES_PER_BOOK }, (_, i) => firstPageOf(book) + i);
    const pages = await getMany(pageNumbers.map((page) => pageKey(sku, page)));
    const counts: Record<string, number> = {};
    let total = 0;
    for (const page of pageNumbers) {
      const waiting = slotsOf(pages.get(pageKey(sku, page))).length;
      if (waiting > 0) counts[page] = waiting;
      total += waiting;
    }
    const items: TransactItem[] = [
      {
        Put: {
          TableName: table(),
          Item: { key: bookKey(sku, book), pages: counts },
          ConditionExpression: 'attribute_not_exists(#key)',
          ExpressionAttributeNames: { '#key': 'key' },
        },
      },
      {
        Update: {
          TableName: table(),
          Key: { key: summaryKey(sku) },
          UpdateExpression:
            'SET sealedBelow = :after, lowestBook = if_not_exists(lowestBook, :book), books.#book = :total',
          ConditionExpression:
            summaryItem?.sealedBelow === undefined
              ? 'attribute_not_exists(sealedBelow)'
              : 'sealedBelow = :book',
          ExpressionAttributeNames: { '#book': String(book) },
          ExpressionAttributeValues: { ':after': book + 1, ':book': book, ':total': total },
        },
      },
      ...pageNumbers.map((page): TransactItem => {
        const item = pages.get(pageKey(sku, page));
        return {
          Update: {
            TableName: table(),
            Key: { key: pageKey(sku, page) },
            UpdateExpression: 'SET sealed = :yes',
            ConditionExpression: item ? 'version = :version' : 'attribute_not_exists(#key)',
            ...(item ? {} : { ExpressionAttributeNames: { '#key': 'key' } }),
            ExpressionAttributeValues: { ':yes': true, ...(item ? { ':version': item.version } : {}) },
          },
        };
      }),
    ];
    // The summary may not exist yet: the first seal creates it with an empty map to add to.
    if (summaryItem?.sealedBelow === undefined) {
      const update = items[1].Update!;
      update.UpdateExpression =
        'SET sealedBelow = :after, lowestBook = if_not_exists(lowestBook, :book), books = :books';
      delete update.ExpressionAttributeNames;
      update.ExpressionAttributeValues = { ':after': book + 1, ':book': book, ':books': { [book]: total } };
    }
    try {
      await transactWrite(() => items);
      return { outcome: 'sealed', book };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      // A page changed, or another sealer got there: read again.
    }
  }
  throw new Error(`Book of ${sku} kept changing while it was sealed`);
};

/** Seals every book below `book` that can be sealed now; answers the books sealed. */
export const sealBooksBelow = async (sku: string, book: number, nowMs = Date.now()): Promise<number> => {
  let sealed = 0;
  for (;;) {
    const summary = await readSummary(sku);
    if (summary.sealedBelow >= book) return sealed;
    const { outcome } = await sealNextBook(sku, nowMs);
    if (outcome === 'open') return sealed;
    if (outcome === 'sealed') sealed++;
  }
};

export { ticketKey };
