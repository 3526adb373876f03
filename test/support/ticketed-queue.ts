/**
 * A product's queue of shoppers with tickets, written straight to the tables as the platform stores it
 * (lambdas/store/queue-store.ts, lambdas/store/backorder-store.ts): tests and benchmarks need queues of up to a
 * million, which through the API would take hours and measure something else.
 *
 * Tickets 0…depth−1 all wait: the backorder rows carry `ticket` and `waitingKey = ticketKey(ticket)`; the
 * `queues` items are the counter (`tickets#<sku>` → next = depth), every page's set of waiting slots, and, as
 * the sealer leaves a queue that has been filling for a while, every book wholly below the one the next
 * ticket falls in sealed: its `book#` item with its pages' counts, its pages marked `sealed`, its total on
 * `summary#<sku>` (lowestBook 0, sealedBelow, books, and legacyDone: no backorder from before tickets).
 * Not written: the shoppers' signup claims (ledger) and the product's counters, which no place and no other
 * shopper's signup or status read looks at.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  BOOK_SIZE,
  bookOf,
  PAGE_SIZE,
  PAGES_PER_BOOK,
  pageOf,
  slotOf,
  ticketKey,
} from '../../lambdas/domain/queue-tickets';
import { batchWrite, waitingBackorders, type SeededBackorder } from './backorder-rows';

export interface TicketedQueue {
  sku: string;
  depth: number;
  /** Books wholly below the next ticket's, all sealed. */
  sealedBelow: number;
  /** The `queues` table's items: counter, pages, sealed books, summary. */
  queueItems: Record<string, unknown>[];
  /**
   * Waiting backorders of tickets from…to−1 (one second apart, the last one a second before `endMs`): made on
   * demand, in slices, since a million rows do not fit in memory at once.
   */
  rows(from: number, to: number): (SeededBackorder & { ticket: number })[];
}

/** Slots of tickets from…to−1 on one page. */
const slotsBetween = (from: number, to: number): Set<number> => {
  const slots = new Set<number>();
  for (let ticket = from; ticket < to; ticket++) slots.add(slotOf(ticket));
  return slots;
};

export const ticketedQueue = (
  sku: string,
  depth: number,
  options: { label: string; endMs?: number },
): TicketedQueue => {
  const endMs = options.endMs ?? Date.now();
  const sealedBelow = Math.floor(depth / BOOK_SIZE);
  const queueItems: Record<string, unknown>[] = [{ key: `tickets#${sku}`, next: depth }];
  const pages = depth === 0 ? 0 : pageOf(depth - 1) + 1;
  for (let page = 0; page < pages; page++) {
    const slots = slotsBetween(page * PAGE_SIZE, Math.min(depth, (page + 1) * PAGE_SIZE));
    // One version per change, as the slots' ADDs at signup would have left it (the sealer conditions on it).
    queueItems.push({
      key: `page#${sku}#${page}`,
      slots,
      version: slots.size,
      ...(bookOf(page * PAGE_SIZE) < sealedBelow ? { sealed: true } : {}),
    });
  }
  const books: Record<string, number> = {};
  for (let book = 0; book < sealedBelow; book++) {
    const counts: Record<string, number> = {};
    for (let page = book * PAGES_PER_BOOK; page < (book + 1) * PAGES_PER_BOOK; page++)
      counts[String(page)] = PAGE_SIZE;
    queueItems.push({ key: `book#${sku}#${book}`, pages: counts });
    books[String(book)] = BOOK_SIZE;
  }
  queueItems.push({ key: `summary#${sku}`, lowestBook: 0, sealedBelow, books, legacyDone: true });

  const rows = (from: number, to: number) => {
    const count = Math.max(0, to - from);
    // Shopper `from + i` signed up (depth − from − i) seconds before endMs: the order of the tickets.
    const seeded = waitingBackorders(sku, new Array<number>(count).fill(1), {
      label: `${options.label}-${from}`,
      endMs: endMs - (depth - to) * 1000,
    });
    return seeded.map((backorder, i) => {
      const ticket = from + i;
      return {
        ...backorder,
        ticket,
        row: { ...backorder.row, ticket, waitingKey: ticketKey(ticket) },
      };
    });
  };
  return { sku, depth, sealedBelow, queueItems, rows };
};

/** Backorder rows written per slice: a slice's rows are made just before they are written. */
const ROWS_PER_SLICE = 5_000;

/** Writes the queue's items and every waiting shopper's row, `parallel` batch writes in flight. */
export const writeTicketedQueue = async (
  dynamo: DynamoDBDocumentClient,
  tables: { backorders: string; queues: string },
  queue: TicketedQueue,
  parallel = 8,
): Promise<void> => {
  await batchWrite(dynamo, tables.queues, queue.queueItems, parallel);
  for (let from = 0; from < queue.depth; from += ROWS_PER_SLICE) {
    const slice = queue.rows(from, Math.min(queue.depth, from + ROWS_PER_SLICE));
    await batchWrite(
      dynamo,
      tables.backorders,
      slice.map((b) => b.row),
      parallel,
    );
  }
};
