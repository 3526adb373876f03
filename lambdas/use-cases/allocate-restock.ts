/**
 * Allocation runs: free units to waiting backorders oldest first, whole backorders only, one page of the
 * SKU's queue per restock message.
 *
 * Why it never allocates twice, never spends more units than exist, and never forgets a restock:
 * - one run holds a SKU at a time (a leased claim on the product item); a restock arriving meanwhile asks the
 *   holder to rerun, and the holder hands the SKU to a successor that starts again from the head;
 * - a page's units leave the free stock in the same write that records which backorders they are for, and
 *   only then are the backorders allocated, each with a conditional write (waiting → allocated);
 * - units of backorders that left the queue meanwhile (cancelled) are given back once, when the page settles;
 * - a retried page finds its reservation and finishes it instead of planning again.
 * Each allocated backorder gets one restock alert (the alerter's claim makes it one, whatever is re-queued)
 * and a `backorder.allocated` event for the shop's webhooks.
 */
import { createHash } from 'node:crypto';
import { logger } from '../runtime/logger';
import { mapWithLimit } from '../runtime/concurrency';
import { hashToken, newToken } from '../runtime/tokens';
import { planAllocation } from '../domain/allocation';
import { allocationChanges } from '../domain/statistics';
import {
  endRun,
  finishPage,
  pageRef,
  readRunState,
  renewRun,
  requestRerun,
  reserve,
  reservedAtOrAfter,
  settle,
  takeRun,
  waitingPage,
  type RunState,
} from '../store/allocation-store';
import { allocateBackorders } from '../store/allocation-writes';
import { addEmailToken } from '../store/email-link-store';
import { getSiteSettings } from '../store/catalog-store';
import { effectiveCheckout } from '../domain/hold-time';
import { leaveQueueOnce } from '../store/queue-store';
import { enqueueAlerts } from '../store/alert-queue';
import type { RestockMessage } from '../messages/restock';
import { enqueueRestockPage } from '../store/restock-queue';
import { publishBackorderEvents } from './backorder-events';

/** Backorders planned per message: small enough for a few seconds' work, large enough to amortise it. */
export const PAGE_SIZE = 250;
/** Fresh links in flight for backorders an earlier try of the page allocated. */
const PARALLEL_WRITES = 32;

export type RestockOutcome =
  | 'allocated'
  | 'continued'
  | 'rerun-requested'
  | 'handed-over'
  | 'duplicate'
  | 'obsolete'
  | 'unknown-product';

/** The run that follows `runId` when a rerun was asked for: derived, so a retried hand-over names the same. */
const successorOf = (runId: string): string =>
  `run-${createHash('sha256').update(`${runId}:next`).digest('hex').slice(0, 24)}`;

export const handleRestockMessage = async (
  message: RestockMessage,
  messageId: string,
  nowMs = Date.now(),
): Promise<RestockOutcome> =>
  message.kind === 'start' ? startRun(message.sku, `run-${messageId}`, nowMs) : continueRun(message, nowMs);

const startRun = async (sku: string, runId: string, nowMs: number): Promise<RestockOutcome> => {
  // Each pass either acts or saw the SKU change under it; a handful of passes always settles.
  for (let pass = 0; pass < 8; pass++) {
    const state = await readRunState(sku);
    if (!state) return 'unknown-product';
    if (state.runId === runId) {
      // This start message again (redelivered): carry on where the run is, unless page 0 is done.
      if ((state.runPage ?? -1) >= 0) return 'duplicate';
      return runPage(state, runId, 0, undefined, nowMs);
    }
    if (state.runId && (state.runLeaseUntil ?? 0) >= nowMs) {
      if (await requestRerun(sku, state.runId, nowMs)) return 'rerun-requested';
      continue;
    }
    const taken = await takeRun(
      sku,
      runId,
      state.runId ? { from: 'expired', holder: state.runId } : { from: 'nobody' },
      nowMs,
    );
    if (taken) return runPage(taken, runId, 0, undefined, nowMs);
  }
  throw new Error(`Could not start an allocation run for ${sku}: the SKU kept changing`);
};

const continueRun = async (
  message: Extract<RestockMessage, { kind: 'page' }>,
  nowMs: number,
): Promise<RestockOutcome> => {
  const state = await readRunState(message.sku);
  if (!state) return 'unknown-product';
  if (state.runId === message.runId) {
    if (message.page <= (state.runPage ?? -1)) return 'duplicate';
    const renewed = await renewRun(message.sku, message.runId, nowMs);
    if (!renewed) return 'obsolete';
    return runPage(renewed, message.runId, message.page, message.cursor, nowMs);
  }
  if (message.predecessor !== undefined && message.page === 0) {
    const takeover =
      state.runId === message.predecessor
        ? ({ from: 'predecessor', holder: message.predecessor } as const)
        : !state.runId
          ? ({ from: 'nobody' } as const)
          : (state.runLeaseUntil ?? 0) < nowMs
            ? ({ from: 'expired', holder: state.runId } as const)
            : undefined;
    // Another run took the SKU after the predecessor's lease ran out: it starts from the head too.
    if (!takeover) return 'obsolete';
    const taken = await takeRun(message.sku, message.runId, takeover, nowMs);
    if (!taken) return 'obsolete';
    return runPage(taken, message.runId, 0, undefined, nowMs);
  }
  // A page of a run that was replaced (its lease ran out and another run started from the head).
  return 'obsolete';
};

/** One page of a run the caller holds. */
const runPage = async (
  held: RunState,
  runId: string,
  page: number,
  cursor: string | undefined,
  nowMs: number,
): Promise<RestockOutcome> => {
  let state = held;
  const sku = state.sku;
  // A page left half done, by this run's earlier attempt or by a run whose worker died, is finished first.
  if (state.reserved && !state.reserved.settled) state = await completeReservation(state, nowMs);

  const ref = pageRef(runId, page);
  let nextCursor: string | undefined;
  if (state.reserved?.ref === ref) {
    nextCursor = state.reserved.nextCursor;
  } else {
    const waiting = await waitingPage(sku, cursor, PAGE_SIZE);
    nextCursor = waiting.cursor;
    for (let attempt = 0; ; attempt++) {
      const plan = planAllocation(state.stock, waiting.items);
      if (plan.units === 0) break;
      const reserved = await reserve(sku, runId, page, {
        ids: plan.allocate.map((d) => d.id),
        quantities: plan.allocate.map((d) => d.quantity),
        units: plan.units,
        ...(nextCursor ? { nextCursor } : {}),
      });
      if (reserved) {
        state = await completeReservation(reserved, nowMs);
        break;
      }
      // The free stock changed under the plan (a stock update), the run lost the SKU, or another delivery of
      // this page's message reserved it first (then this plan is stale: that reservation is the page).
      const fresh = await readRunState(sku);
      if (!fresh || fresh.runId !== runId) return 'obsolete';
      if (fresh.reserved?.ref === ref) {
        state = fresh.reserved.settled ? fresh : await completeReservation(fresh, nowMs);
        nextCursor = fresh.reserved.nextCursor;
        break;
      }
      if (reservedAtOrAfter(fresh, runId, page)) return 'duplicate';
      if (attempt >= 8) throw new Error(`Could not reserve stock for ${sku}: it kept changing`);
      state = fresh;
    }
  }

  if (state.stock > 0 && nextCursor) {
    // Queue the next page before recording this one done: a crash in between repeats this page (harmless),
    // never skips the rest of the queue.
    await enqueueRestockPage({ kind: 'page', sku, runId, page: page + 1, cursor: nextCursor });
    await finishPage(sku, runId, page, nowMs);
    return 'continued';
  }
  if (await endRun(sku, runId)) return 'allocated';
  const now = await readRunState(sku);
  if (now?.runId !== runId || !now.rerun) return 'allocated';
  // Stock changed during the run: a successor walks the queue again from the head.
  await enqueueRestockPage({ kind: 'page', sku, runId: successorOf(runId), page: 0, predecessor: runId });
  return 'handed-over';
};

/**
 * Allocates the backorders a reservation is for, queues their alerts and events, and settles it: units of
 * backorders no longer waiting go back to the free stock, and the product's counters move by the backorders
 * this reservation allocated (now or in an earlier try: whoever settles counts them all, once). Safe to repeat.
 */
const completeReservation = async (state: RunState, nowMs: number): Promise<RunState> => {
  const reservation = state.reserved!;
  const at = new Date(nowMs).toISOString();
  // With a checkout to send them to, reservations are held for the shopper to order (one read per page).
  const checkout = effectiveCheckout(state.checkout, (await getSiteSettings())?.checkout);
  const tokens = reservation.ids.map(() => newToken());
  const outcomes = await allocateBackorders(
    reservation.ids.map((id, i) => ({ id, statusTokenHash: hashToken(tokens[i]) })),
    reservation.ref,
    at,
    checkout?.holdMs,
  );
  const results = await mapWithLimit(outcomes, PARALLEL_WRITES, async (result, i) => {
    if (result.outcome !== 'ours-already') return { ...result, statusToken: tokens[i] };
    // Allocated by an earlier try of this page, whose alert may not have been queued: a fresh link for it
    // (the alerter sends at most one alert, whichever message arrives first).
    const again = newToken();
    await addEmailToken(reservation.ids[i], hashToken(again));
    return { ...result, statusToken: again };
  });
  const allocated = results.flatMap((r) =>
    r.outcome === 'gone' ? [] : [{ ...r.backorder, token: r.statusToken }],
  );
  // Out of the queue's counts before the page is settled: a retried page repeats what was left, once.
  await leaveQueueOnce(
    state.sku,
    reservation.ref,
    allocated.flatMap((b) => (b.ticket === undefined ? [] : [b.ticket])),
  );
  const unitsBack = results.reduce(
    (sum, r, i) => (r.outcome === 'gone' ? sum + reservation.quantities[i] : sum),
    0,
  );
  await Promise.all([
    enqueueAlerts(
      allocated.map((b) => ({
        kind: 'restock' as const,
        backorderId: b.id,
        sku: b.sku,
        productName: state.name,
        quantity: b.quantity,
        email: b.email,
        ...(b.name ? { name: b.name } : {}),
        ...(b.locale ? { locale: b.locale } : {}),
        statusToken: b.token,
        allocatedAt: b.allocatedAt ?? at,
        ...(b.kind === 'order' ? { backorderKind: 'order' as const } : {}),
        ...(b.holdUntil ? { holdUntil: b.holdUntil } : {}),
        ...(b.timeZone ? { timeZone: b.timeZone } : {}),
      })),
    ),
    publishBackorderEvents(
      'backorder.allocated',
      allocated.map(({ token: _t, ...b }) => b),
      at,
    ),
  ]);
  if (unitsBack > 0)
    logger.info('units given back: backorders left the queue during allocation', {
      sku: state.sku,
      unitsBack,
    });
  const counters = allocationChanges(allocated.map((b) => ({ ...b, allocatedAt: b.allocatedAt ?? at })));
  return (
    (await settle(state.sku, reservation.ref, unitsBack, counters)) ??
    (await readRunState(state.sku)) ??
    state
  );
};
