/**
 * The hold sweeper (the scheduler, every minute): finds the holds whose reminder or expiry fell due, leases
 * each with a conditional write (so concurrent sweepers queue each once) and hands them to the hold queue,
 * where the hold keeper acts on them (lambdas/use-cases/keep-holds.ts). Swept like nurture steps: every
 * bucket from the watermark to now, so nothing is skipped after downtime; a lease whose message was lost
 * comes back when it ends.
 */
import type { HoldMessage } from '../messages/hold';
import { enqueueDueHolds } from '../store/hold-queue';
import { dropHoldEntry, dueHolds, leaseHold, type DueHold } from '../store/hold-store';
import { mapWithLimit } from '../runtime/concurrency';
import { sweepBuckets, sweepPages, type SweepReport } from './bucket-sweep';

/**
 * How long a queued hold waits for its keeper before a later sweep queues it again: short, since an expiry
 * hands units to the next shopper in line, and the queue's first delivery normally takes a second.
 */
export const HOLD_LEASE_MS = 3 * 60_000;
/** Leases in flight per shard (eight shards at once stay within the SDK client's 50 sockets). */
const PARALLEL_LEASES = 6;

const leaseAndQueue = async (entries: DueHold[], nowMs: number): Promise<number> => {
  const sweptAt = new Date(nowMs).toISOString();
  const leased = await mapWithLimit(entries, PARALLEL_LEASES, async (entry) => {
    const leasedKey = await leaseHold(entry, nowMs + HOLD_LEASE_MS);
    // Not leased: another sweeper's now, or the hold ended and its entry stayed behind; remove the latter.
    if (!leasedKey) await dropHoldEntry(entry);
    return leasedKey;
  });
  const messages: HoldMessage[] = entries.flatMap((entry, n) => {
    const leasedKey = leased[n];
    return leasedKey ? [{ kind: entry.phase, backorderId: entry.backorderId, leasedKey, sweptAt }] : [];
  });
  await enqueueDueHolds(messages);
  return messages.length;
};

export const sweepDueHolds = (
  nowMs: number = Date.now(),
  clock: () => number = Date.now,
): Promise<SweepReport> => sweepBuckets('hold-sweeper', sweepPages(dueHolds, leaseAndQueue), nowMs, clock);
