/**
 * Sealing a product's books of tickets once no ticket of them can be issued any more: a place behind a sealed
 * book reads its count from the summary instead of its pages (queue-store.ts's placeInQueue).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { transactWrite, type TransactItem } from '../runtime/transact';
import { BLOCK_FRESH_MS, BOOK_SIZE, firstPageOf, PAGES_PER_BOOK, SHARDS } from '../domain/queue-tickets';
import {
  bookKey,
  getMany,
  pageKey,
  queueTable,
  readSummary,
  shardKey,
  slotsOf,
  summaryKey,
  ticketsKey,
  toSummary,
} from './queue-rows';

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
          TableName: queueTable(),
          Item: { key: bookKey(sku, book), pages: counts },
          ConditionExpression: 'attribute_not_exists(#key)',
          ExpressionAttributeNames: { '#key': 'key' },
        },
      },
      {
        Update: {
          TableName: queueTable(),
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
            TableName: queueTable(),
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
