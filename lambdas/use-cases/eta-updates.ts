/**
 * The expected-date sweeper (the scheduler, every minute): finds the products whose date window ended or whose
 * fan-out was left by a sweeper that stopped, announces the date (history, counter, the shop's
 * `product.eta_changed`, in one transaction) and fans it out: page by page over the SKU's waiting backorders,
 * one email message each on the email queue, the fan-out's place saved after every page under a lease.
 *
 * Exactly once per shopper, whatever happens: a page queued again (a crash before its place was saved, a
 * sweeper taking over a lapsed lease) queues emails whose ledger ids (`eta:<sku>:<version>:<backorder>`) were
 * claimed already, so the sender drops them; of concurrent sweepers, one holds the lease (lambdas/store/eta-store.ts).
 */
import { randomUUID } from 'node:crypto';
import { logger } from '../runtime/logger';
import { anyShard } from '../domain/statistics';
import { etaChangeChanges } from '../domain/funnel';
import { productEtaEvent } from '../domain/webhook';
import type { EtaFanout, EtaWindow } from '../domain/eta';
import type { EmailMessage } from '../messages/email';
import { waitingPage } from '../store/allocation-store';
import { enqueueEmails } from '../store/email-queue';
import {
  advanceFanout,
  announce,
  dropStaleEntry,
  dropWindow,
  dueEtas,
  finishFanout,
  readEtaItem,
  takeOverFanout,
  type DueEta,
  type EtaItem,
} from '../store/eta-store';
import { counterUpdates } from '../store/stats-store';
import type { OutboxEntry } from '../store/outbox-store';
import { owe, publishOwedOrLeave } from './outbox';
import { sweepBuckets, sweepPages, type SweepReport } from './bucket-sweep';

/** How long a fan-out is its sweeper's without news: a page takes well under a second. */
export const ETA_LEASE_MS = 2 * 60_000;
/** Waiting backorders per page: each page is a handful of index reads and 25 queue requests. */
export const ETA_PAGE_SIZE = 250;
/** A sweeper hands a fan-out on after this long, so the scheduler's other work and next tick are not held up. */
const FANOUT_BUDGET_MS = 90_000;

export interface EtaSweepOptions {
  pageSize?: number;
  clock?: () => number;
  /** Where a page's emails go: the email queue (tests put a failing one in its place). */
  enqueue?: (messages: readonly EmailMessage[]) => Promise<void>;
}

/** The options settled, and the sweep's own time: its `now`, moving on as the clock does. */
type Sweep = Required<EtaSweepOptions> & { now: () => number };

/** Queues one page's emails; answers the cursor of the next page (undefined: that was the last). */
const queuePage = async (
  sku: string,
  fanout: EtaFanout,
  { pageSize, enqueue }: Sweep,
): Promise<{ queued: number; cursor?: string }> => {
  const page = await waitingPage(sku, fanout.cursor, pageSize);
  const messages: EmailMessage[] = page.items.map((waiting) => ({
    kind: 'etaUpdate',
    backorderId: waiting.id,
    sku,
    version: fanout.version,
    date: fanout.date,
    previous: fanout.previous,
    productName: fanout.productName,
  }));
  await enqueue(messages);
  return { queued: messages.length, cursor: page.items.length > 0 ? page.cursor : undefined };
};

/** Goes through the waiting backorders from the fan-out's place while the lease is ours and time is left. */
const runFanout = async (sku: string, start: EtaFanout, options: Sweep): Promise<number> => {
  const { clock } = options;
  const deadline = clock() + FANOUT_BUDGET_MS;
  const fanout = { ...start };
  let queuedNow = 0;
  for (;;) {
    const page = await queuePage(sku, fanout, options);
    queuedNow += page.queued;
    fanout.queued += page.queued;
    if (!page.cursor) break;
    fanout.cursor = page.cursor;
    const more = clock() < deadline;
    // Out of time: the place is saved and the lease handed back at once, for the next tick to go on.
    const saved = await advanceFanout(
      sku,
      fanout.leaseId,
      fanout,
      more ? options.now() + ETA_LEASE_MS : options.now(),
    );
    if (!saved || !more) return queuedNow;
  }
  // The end: finished against the item as it is now (a save may have opened the next window meanwhile).
  for (let attempt = 0; attempt < 5; attempt++) {
    const item = await readEtaItem(sku);
    if (!item?.etaFanout || item.etaFanout.leaseId !== fanout.leaseId) break;
    if (await finishFanout(item, fanout.leaseId, options.now())) {
      logger.info('expected date announced', { sku, version: fanout.version, queued: fanout.queued });
      break;
    }
  }
  return queuedNow;
};

/** The window ended: announce its date (unless it came back to the one announced before) and fan it out. */
const closeWindow = async (
  item: EtaItem & { etaWindow: EtaWindow },
  nowMs: number,
  options: Sweep,
): Promise<number> => {
  const date = item.expectedRestockDate ?? null;
  if (date === item.etaWindow.previous) {
    await dropWindow(item);
    return 0;
  }
  const at = new Date(nowMs).toISOString();
  const fanout: EtaFanout = {
    version: item.etaWindow.version,
    date,
    previous: item.etaWindow.previous,
    productName: item.name,
    leaseId: randomUUID(),
    leaseUntil: new Date(options.now() + ETA_LEASE_MS).toISOString(),
    queued: 0,
    startedAt: at,
  };
  const outboxId = `eta#${item.sku}#${fanout.version}`;
  const owed: OutboxEntry[] = [
    {
      kind: 'productEvent',
      event: productEtaEvent(
        item.sku,
        fanout.version,
        { expectedRestockDate: date, previous: fanout.previous },
        at,
      ),
    },
  ];
  const announced = await announce(item, fanout, [
    owe(outboxId, owed, nowMs),
    ...counterUpdates(etaChangeChanges(item.sku, anyShard(), at)),
  ]);
  if (!announced) return 0;
  await publishOwedOrLeave(outboxId, owed);
  return runFanout(item.sku, fanout, options);
};

/** What one due entry stands for, done: a window's end, or a fan-out whose lease lapsed. */
const handleDue = async (entry: DueEta, nowMs: number, options: Sweep): Promise<number> => {
  const item = await readEtaItem(entry.sku);
  // Moved on since the index was read (another sweeper, or a save): nothing of this entry's to do.
  if (!item || item.etaDueKey !== entry.etaDueKey) return 0;
  if (item.etaFanout) {
    const leaseId = randomUUID();
    if (!(await takeOverFanout(item.sku, entry.etaDueKey, leaseId, options.now() + ETA_LEASE_MS))) return 0;
    return runFanout(item.sku, { ...item.etaFanout, leaseId }, options);
  }
  if (item.etaWindow) {
    if (Date.parse(item.etaWindow.until) > nowMs) return 0;
    return closeWindow({ ...item, etaWindow: item.etaWindow }, nowMs, options);
  }
  await dropStaleEntry(item);
  return 0;
};

export const sweepEtaChanges = (
  nowMs: number = Date.now(),
  options: EtaSweepOptions = {},
): Promise<SweepReport> => {
  const clock = options.clock ?? Date.now;
  const started = clock();
  const settled: Sweep = {
    pageSize: options.pageSize ?? ETA_PAGE_SIZE,
    clock,
    enqueue: options.enqueue ?? enqueueEmails,
    // Leases are counted from the sweep's now (an injected one in tests), so sweeps at later nows see them end.
    now: () => nowMs + (clock() - started),
  };
  const handle = async (entries: DueEta[], at: number): Promise<number> => {
    let queued = 0;
    // One product after another: a fan-out's pages are already many requests at once.
    for (const entry of entries) queued += await handleDue(entry, at, settled);
    return queued;
  };
  return sweepBuckets('eta-sweeper', sweepPages(dueEtas, handle), nowMs, settled.clock);
};
