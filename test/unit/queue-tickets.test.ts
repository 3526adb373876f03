/**
 * A place in the queue as numbers (lambdas/domain/queue-tickets.ts): the place read from a summary of sealed
 * books, a sealed book's page counts and unsealed pages' slots equals the plain rank of the ticket among
 * those waiting, whatever is sealed; ticket keys sort as their numbers, after every key from before tickets.
 */
import fc from 'fast-check';
import {
  BOOK_SIZE,
  bookOf,
  bookOpenedBy,
  BURST_GAP_MS,
  continuesBurst,
  HOT_BURST,
  issuesDirectly,
  showsDrop,
  MAX_BLOCK,
  nextBlockSize,
  PAGE_SIZE,
  PAGES_PER_BOOK,
  pageOf,
  pagesToRead,
  placeOf,
  slotOf,
  ticketKey,
  ticketOfKey,
  type SealedSummary,
} from '../../lambdas/domain/queue-tickets';

describe('ticket keys', () => {
  test('sort as their numbers, negative ones (older backorders given tickets) first', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: -1e12, max: 1e12 }), (a, b) => {
        expect(Math.sign(ticketKey(a).localeCompare(ticketKey(b)))).toBe(Math.sign(a - b));
        expect(ticketOfKey(ticketKey(a))).toBe(a);
      }),
    );
  });

  test('sort after every waiting key from before tickets (createdAt#id)', () => {
    expect('2026-12-03T18:00:00.000Z#01M8YHRBBJ7TRAMNTX3F2RD42D' < ticketKey(-1e12)).toBe(true);
    expect(ticketOfKey('2026-12-03T18:00:00.000Z#01M8YHRBBJ7TRAMNTX3F2RD42D')).toBeUndefined();
  });
});

/** The counts the store keeps for a set of waiting tickets, with books below `sealedBelow` sealed. */
const countsFor = (waiting: readonly number[], sealedBelow: number, lowestBook: number) => {
  const books: Record<string, number> = {};
  const bookPages = new Map<number, Record<string, number>>();
  const slots = new Map<number, number[]>();
  for (const ticket of waiting) {
    const book = bookOf(ticket);
    if (book < sealedBelow) {
      books[book] = (books[book] ?? 0) + 1;
      const pages = bookPages.get(book) ?? {};
      pages[pageOf(ticket)] = (pages[pageOf(ticket)] ?? 0) + 1;
      bookPages.set(book, pages);
    }
    slots.set(pageOf(ticket), [...(slots.get(pageOf(ticket)) ?? []), slotOf(ticket)]);
  }
  const summary: SealedSummary = { lowestBook, sealedBelow, books };
  return { summary, bookPages, slots };
};

describe('a place', () => {
  test('equals the rank among waiting tickets, whichever books are sealed and whatever left before', () => {
    const ticket = fc.integer({ min: -2 * BOOK_SIZE, max: 5 * BOOK_SIZE - 1 });
    fc.assert(
      fc.property(
        fc.uniqueArray(ticket, { minLength: 1, maxLength: 300 }),
        fc.integer({ min: -2, max: 5 }),
        fc.nat({ max: 20 }),
        (waiting, sealedBelow, legacyAhead) => {
          const lowestBook = -2;
          const { summary, bookPages, slots } = countsFor(
            waiting,
            Math.max(sealedBelow, lowestBook),
            lowestBook,
          );
          const sorted = [...waiting].sort((a, b) => a - b);
          for (const [rank, mine] of sorted.entries()) {
            const needed = pagesToRead(mine, summary);
            const pageSlots = new Map(needed.map((page) => [page, slots.get(page) ?? []]));
            const place = placeOf(mine, {
              summary,
              bookPages: bookPages.get(bookOf(mine)) ?? (bookOf(mine) < summary.sealedBelow ? {} : undefined),
              pageSlots,
              legacyAhead,
            });
            expect(place).toBe(legacyAhead + rank + 1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('reads at most its own page in a sealed book, and only unsealed books\u2019 pages otherwise', () => {
    const summary: SealedSummary = { lowestBook: 0, sealedBelow: 60, books: {} };
    // Deep in a sealed queue: the page itself, nothing else.
    expect(pagesToRead(30 * BOOK_SIZE + 5 * PAGE_SIZE + 7, summary)).toEqual([30 * PAGES_PER_BOOK + 5]);
    // At the end of a million tickets with the last book open: its pages.
    const last = 61 * BOOK_SIZE - 1;
    expect(pagesToRead(last, summary)).toHaveLength(PAGES_PER_BOOK);
    // And the book before it too while that one waits to be sealed.
    expect(pagesToRead(last, { ...summary, sealedBelow: 59 })).toHaveLength(2 * PAGES_PER_BOOK);
  });
});

describe('block sizes', () => {
  const now = 1_000_000;
  test('one ticket unless signups crowd the shard, so numbers are neither wasted nor given out of turn', () => {
    expect(nextBlockSize(undefined, now)).toBe(1);
    expect(nextBlockSize({ size: 64, used: 64, claimedAt: now - 5_000 }, now)).toBe(1);
    expect(nextBlockSize({ size: 8, used: 3, claimedAt: now - 200 }, now)).toBe(1);
    // Used up, but over a quarter second: one signup after another, not a crowd.
    expect(nextBlockSize({ size: 1, used: 1, claimedAt: now - 600 }, now)).toBe(1);
  });

  test('double while blocks fill fast (a drop), at most MAX_BLOCK', () => {
    expect(nextBlockSize({ size: 1, used: 1, claimedAt: now - 10 }, now)).toBe(2);
    expect(nextBlockSize({ size: 32, used: 32, claimedAt: now - 10 }, now)).toBe(64);
    expect(nextBlockSize({ size: MAX_BLOCK, used: MAX_BLOCK, claimedAt: now - 10 }, now)).toBe(MAX_BLOCK);
  });
});

test('a signup that lost every race for a ticket is answered 503 with Retry-After, never 500', async () => {
  const { errorResponse } = await import('../../lambdas/runtime/http');
  const { TicketContention } = await import('../../lambdas/store/ticket-store');
  const answer = errorResponse(new TicketContention('DROP-1'));
  expect(answer.statusCode).toBe(503);
  expect(JSON.parse(String(answer.body)).error.code).toBe('UNAVAILABLE');
  expect(answer.headers?.['Retry-After']).toBe('1');
});

describe('how a ticket is taken', () => {
  const now = 1_000_000;

  test('straight off the counter unless the product is hot', () => {
    expect(issuesDirectly({}, now)).toBe(true);
    expect(issuesDirectly({ hotUntil: now }, now)).toBe(true);
    expect(issuesDirectly({ hotUntil: now + 1 }, now)).toBe(false);
  });

  test('a direct ticket carries on a burst only within BURST_GAP_MS of the last', () => {
    expect(continuesBurst({}, now)).toBe(false);
    expect(continuesBurst({ directAt: now - BURST_GAP_MS }, now)).toBe(true);
    expect(continuesBurst({ directAt: now - BURST_GAP_MS - 1 }, now)).toBe(false);
  });

  test('the HOT_BURST-th ticket of a burst shows a drop, and no earlier one or one after a pause', () => {
    const close = now - 1;
    expect(showsDrop({ directAt: close, burst: HOT_BURST - 2 }, now)).toBe(false);
    expect(showsDrop({ directAt: close, burst: HOT_BURST - 1 }, now)).toBe(true);
    expect(showsDrop({ directAt: now - BURST_GAP_MS - 1, burst: 10 * HOT_BURST }, now)).toBe(false);
  });

  test('a ticket or block opens a book when it holds the book’s first ticket', () => {
    expect(bookOpenedBy(0, 1)).toBe(0);
    expect(bookOpenedBy(BOOK_SIZE - 1, 1)).toBeUndefined();
    expect(bookOpenedBy(BOOK_SIZE, 1)).toBe(1);
    expect(bookOpenedBy(BOOK_SIZE - 2, 4)).toBe(1);
    expect(bookOpenedBy(BOOK_SIZE + 1, 4)).toBeUndefined();
  });
});
