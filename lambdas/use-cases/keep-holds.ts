/**
 * The hold keeper: what happens when a hold's reminder or end falls due (the sweeper leased it and queued
 * it: ./sweep-holds.ts).
 *
 * - Reminder: queued once (its email id is one per backorder), then the hold's entry moves on to the expiry,
 *   conditioned on the entry the sweeper leased, so a redelivery does nothing the second time.
 * - Expiry: the status change `allocated → expired`, conditioned on the hold's end having come (an extension
 *   moves it) and on the backorder being a reservation (a paid order never expires). It gives the units back,
 *   releases the shopper's claim on the SKU (they may join again), counts, and owes the expiry email, the
 *   `backorder.expired` event and an allocation run for the next in line, all in one transaction with its
 *   outbox row. A fulfil racing it is conditioned on the same status: exactly one of the two wins.
 *
 * A batch's expiries are published together, so 10 expired holds of one product ask for one allocation.
 */
import { logger } from '../runtime/logger';
import { isHeld, kindOf, type Backorder } from '../domain/backorder';
import { expiryChanges } from '../domain/funnel';
import { reminderDueMs } from '../domain/hold-time';
import type { HoldMessage } from '../messages/hold';
import { getBackorder, StatusConflict } from '../store/backorder-store';
import { enqueueEmail } from '../store/email-queue';
import { dropOrderHold, markReminded } from '../store/hold-store';
import { publishOwedRows, type OwedRow } from './outbox';
import { allocatedUnitsBack, closeBackorder } from './shopper-backorder';

/** The backorder a due hold names, with a paid order's stray hold removed (its allocation's second write lost). */
const heldBackorder = async (id: string): Promise<Backorder | undefined> => {
  const backorder = await getBackorder(id);
  if (backorder && kindOf(backorder) === 'order' && backorder.holdUntil) await dropOrderHold(id);
  return backorder;
};

const remind = async (message: HoldMessage, atMs: number): Promise<void> => {
  const backorder = await heldBackorder(message.backorderId);
  if (!isHeld(backorder) || backorder.remindedAt) return;
  // Extended since the sweep leased it: the reminder falls due later, under the new end (its entry moved).
  if (reminderDueMs(Date.parse(backorder.allocatedAt), Date.parse(backorder.holdUntil)) > atMs) return;
  // The email first: if marking fails after it, a redelivery queues it again and the send ledger keeps one.
  await enqueueEmail({ kind: 'holdReminder', backorderId: backorder.id });
  const marked = await markReminded(
    backorder.id,
    message.leasedKey,
    Date.parse(backorder.holdUntil),
    new Date(atMs).toISOString(),
  );
  if (!marked) logger.info('hold changed while reminding; its entry stays as it is', { id: backorder.id });
};

const expire = async (message: HoldMessage, atMs: number): Promise<OwedRow | undefined> => {
  const backorder = await heldBackorder(message.backorderId);
  // Ordered, cancelled or extended meanwhile: nothing to do (a status change removed the entry, an
  // extension moved it on).
  if (!isHeld(backorder) || Date.parse(backorder.holdUntil) > atMs) return undefined;
  const at = new Date(atMs).toISOString();
  try {
    const closed = await closeBackorder(
      backorder,
      {
        from: ['allocated'],
        to: 'expired',
        by: 'system',
        units: allocatedUnitsBack,
        condition: {
          expression: 'holdUntil <= :now AND (attribute_not_exists(kind) OR kind = :reservation)',
          values: { ':now': at, ':reservation': 'reservation' },
        },
        counters: (before) => expiryChanges(before, at),
        alsoOwed: (before) => [{ kind: 'email', message: { kind: 'holdExpired', backorderId: before.id } }],
      },
      atMs,
      false,
    );
    return { id: closed.outboxId, entries: closed.owed, known: [closed.backorder] };
  } catch (error) {
    // The shop fulfilled it, the shopper cancelled, or customer service extended it first: that one won.
    if (error instanceof StatusConflict) return undefined;
    throw error;
  }
};

/** Handles a batch of due holds; one result per message (a rejected one is retried by the queue). */
export const keepHolds = async (
  messages: readonly HoldMessage[],
  nowMs = Date.now(),
): Promise<PromiseSettledResult<void>[]> => {
  const owed: OwedRow[] = [];
  const results = await Promise.allSettled(
    messages.map(async (message) => {
      const atMs = Math.max(nowMs, Date.parse(message.sweptAt));
      if (message.kind === 'remind') return remind(message, atMs);
      const row = await expire(message, atMs);
      if (row) owed.push(row);
    }),
  );
  // Each expiry's outbox row is written: if publishing fails, the scheduler publishes the rows in a minute.
  if (owed.length > 0)
    await publishOwedRows(owed).catch((error: unknown) =>
      logger.warn('expired holds left for the outbox sweep', { rows: owed.length, error: String(error) }),
    );
  return results;
};
