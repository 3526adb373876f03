/**
 * A product's queue as numbers: every signup takes a ticket, the queue's order is the tickets' order, and a
 * shopper's place is the number of waiting tickets before theirs, plus one. Pure rules only (persistence in
 * lambdas/store/queue-store.ts).
 *
 * Tickets are grouped so that a place is a few reads at any depth: a *page* is 256 consecutive tickets and
 * keeps the set of its tickets still waiting; a *book* is 8 pages (2 048 tickets). Once no ticket of a book
 * can still be issued, the book is *sealed*: its pages' counts are kept on one book item and its total on the
 * product's summary, so the waiting before any ticket is read from the summary (earlier books), its book
 * (earlier pages) and its page (earlier tickets).
 *
 * A quiet product's tickets come straight off its counter, one write each. A product in a drop (HOT_BURST
 * signups in a row, each within BURST_GAP_MS of the one before) is *hot* for HOT_FOR_MS: its tickets are
 * issued in blocks leased to one of SHARDS shards for at most BLOCK_FRESH_MS (see ticket-store.ts), so the
 * drop writes many keys instead of one; among shoppers who signed up within that second, the order is the
 * tickets', not the clock's. Every busy block leased renews the heat, so a drop stays on the shards until it
 * calms down.
 */

export const PAGE_SIZE = 256;
/**
 * Small books: a place at the queue's end reads the pages of the open book before it (at most 7, and 8 more
 * while the previous book waits to be sealed); the summary keeps one count per sealed book (~490 at a
 * million tickets, a few kilobytes).
 */
export const PAGES_PER_BOOK = 8;
export const BOOK_SIZE = PAGE_SIZE * PAGES_PER_BOOK;

/** Ticket shards: every signup writes one shard's block item, so each takes a sixteenth of a drop's rate. */
export const SHARDS = 16;
/** The largest block a shard leases: at 5 000 signups a second the SKU's ticket counter moves ~80 times. */
export const MAX_BLOCK = 64;
/** How long a shard may issue from its block: tickets are first-come to within this. */
export const BLOCK_FRESH_MS = 1_000;

/**
 * Tickets of backorders from before tickets existed are negative (assigned newest first, so the oldest is
 * the most negative). The offset keeps every key positive and of one width, so keys sort as numbers.
 */
const KEY_OFFSET = 1e15;

/** The waiting index's sort key of a ticket: `t` and 16 digits. (Keys from before tickets start with a year.) */
export const ticketKey = (ticket: number): string => `t${String(ticket + KEY_OFFSET).padStart(16, '0')}`;

export const ticketOfKey = (key: string): number | undefined =>
  /^t\d{16}$/.test(key) ? Number(key.slice(1)) - KEY_OFFSET : undefined;

export const pageOf = (ticket: number): number => Math.floor(ticket / PAGE_SIZE);
export const bookOf = (ticket: number): number => Math.floor(ticket / BOOK_SIZE);
export const bookOfPage = (page: number): number => Math.floor(page / PAGES_PER_BOOK);
/** A ticket's slot within its page, 0…255. */
export const slotOf = (ticket: number): number => ticket - pageOf(ticket) * PAGE_SIZE;
export const firstPageOf = (book: number): number => book * PAGES_PER_BOOK;

/**
 * The product's summary of sealed books: books are sealed in order, so every book below `sealedBelow` is
 * sealed and its waiting count is in `books` (a book missing from it has none waiting).
 */
export interface SealedSummary {
  /** The book of the first ticket ever issued (negative when older backorders were given tickets). */
  lowestBook: number;
  sealedBelow: number;
  books: Readonly<Record<string, number>>;
}

export const emptySummary = (lowestBook = 0): SealedSummary => ({
  lowestBook,
  sealedBelow: lowestBook,
  books: {},
});

/** The pages whose waiting slots a place needs: every page of unsealed books before it, and its own book's. */
export const pagesToRead = (ticket: number, summary: SealedSummary): number[] => {
  const page = pageOf(ticket);
  const book = bookOf(ticket);
  const pages: number[] = [];
  for (let b = Math.max(summary.sealedBelow, summary.lowestBook); b < book; b++)
    for (let p = firstPageOf(b); p < firstPageOf(b + 1); p++) pages.push(p);
  if (book >= summary.sealedBelow) for (let p = firstPageOf(book); p < page; p++) pages.push(p);
  pages.push(page);
  return pages;
};

/** What a place is made of, as read. */
export interface QueueCounts {
  summary: SealedSummary;
  /** Waiting per page of the ticket's book, when that book is sealed (from the book item). */
  bookPages?: Readonly<Record<string, number>>;
  /** Waiting slots of each page read (pagesToRead). */
  pageSlots: ReadonlyMap<number, readonly number[]>;
  /** Waiting backorders from before tickets: all of them ahead of every ticket. */
  legacyAhead: number;
}

/** 1-based place of a waiting ticket among its product's waiting backorders. */
export const placeOf = (ticket: number, counts: QueueCounts): number => {
  const { summary } = counts;
  const page = pageOf(ticket);
  const book = bookOf(ticket);
  const slotsIn = (p: number) => counts.pageSlots.get(p)?.length ?? 0;
  let ahead = counts.legacyAhead;
  for (let b = summary.lowestBook; b < book; b++) {
    if (b < summary.sealedBelow) ahead += summary.books[b] ?? 0;
    else for (let p = firstPageOf(b); p < firstPageOf(b + 1); p++) ahead += slotsIn(p);
  }
  for (let p = firstPageOf(book); p < page; p++)
    ahead += book < summary.sealedBelow ? (counts.bookPages?.[p] ?? 0) : slotsIn(p);
  const slot = slotOf(ticket);
  ahead += (counts.pageSlots.get(page) ?? []).filter((s) => s < slot).length;
  return ahead + 1;
};

/** A block used up this fast means signups are crowding this shard: the next one may be bigger. */
export const BUSY_BLOCK_MS = 250;

/**
 * The size of a shard's next block: one ticket unless the shard is crowded (a bigger block left unused
 * would waste numbers, and one kept over a second would let later shoppers in ahead of earlier ones); twice
 * the last one when it was used up within BUSY_BLOCK_MS (a drop: fewer writes on the SKU's ticket counter),
 * at most MAX_BLOCK.
 */
export const nextBlockSize = (
  previous: { size: number; used: number; claimedAt: number } | undefined,
  nowMs: number,
) =>
  previous && previous.used >= previous.size && nowMs - previous.claimedAt < BUSY_BLOCK_MS
    ? Math.min(MAX_BLOCK, previous.size * 2)
    : 1;

/** A product's ticket counter row (`tickets#<sku>`), as a signup reads it with the product. */
export interface TicketCounter {
  /** The next ticket no one holds. */
  next?: number;
  /** When the last ticket was taken straight off the counter (ms). */
  directAt?: number;
  /** Direct tickets in a row, each within BURST_GAP_MS of the one before. */
  burst?: number;
  /** Until when the product's signups lease blocks on the shards (ms). */
  hotUntil?: number;
}

/** Direct tickets closer than this are one burst: ~100 a second and more. */
export const BURST_GAP_MS = 10;
/**
 * A burst this long is a drop: the counter row would soon take more writes than one DynamoDB item should
 * (about 1 000 a second). At a steady 200 signups a second, a burst of 50 is a one-in-a-thousand run; at
 * 1 000 a second it is the first twentieth of a second.
 */
export const HOT_BURST = 50;
/** How long one sign of a drop keeps the product on the shards. */
export const HOT_FOR_MS = 5_000;
/** A shard's block this big was leased because its last one went in BUSY_BLOCK_MS: the drop goes on. */
export const HOT_BLOCK = 4;

/** Whether a signup takes its ticket straight off the counter: unless the product is in a drop. */
export const issuesDirectly = (counter: TicketCounter, nowMs: number): boolean =>
  !(counter.hotUntil !== undefined && counter.hotUntil > nowMs);

/** Whether a direct ticket at `nowMs` carries on the counter's burst (else it starts a new one). */
export const continuesBurst = (counter: TicketCounter, nowMs: number): boolean =>
  counter.directAt !== undefined && nowMs - counter.directAt <= BURST_GAP_MS;

/** Whether a direct ticket, given the counter as it was just before it, shows a drop. */
export const showsDrop = (before: TicketCounter, nowMs: number): boolean =>
  continuesBurst(before, nowMs) && (before.burst ?? 0) + 1 >= HOT_BURST;

/** The book a ticket or block starting at `start` opens, when it is the first ticket of that book. */
export const bookOpenedBy = (start: number, size: number): number | undefined => {
  const last = bookOf(start + size - 1);
  return last > bookOf(start - 1) ? last : undefined;
};
