/**
 * The eta scenario's set-up and its readings (./eta.ts measures): a product with an expected restock date and
 * N shoppers waiting for it, written straight to the tables as a signup leaves them (ticketed rows and their
 * queue, test/support/ticketed-queue.ts, plus the date each signed up under, `etaAtSignup`, as
 * `placeBackorder` records it); the scheduler's tick, run by the bench; and what the fan-out left on the rows.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SeededBackorder } from '../../test/support/backorder-rows';
import { ticketedQueue, writeTicketedQueue } from '../../test/support/ticketed-queue';
import type { BenchStack } from '../lib/stack';
import { readRows } from './holds-setup';

const BATCH_WRITE_PARALLEL = 8;
const DAY_MS = 86_400_000;

const dayFromToday = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);

/**
 * The dates: half the shoppers signed up under `early`, half under `late` (the product's date before the
 * change); the change moves it to `next`, 21 days past `early` and 7 past `late`, so with the site's default
 * rule (ask past 14 days) the first half is asked to keep their place or cancel, the second half only told.
 */
export const etaDates = () => ({ early: dayFromToday(60), late: dayFromToday(74), next: dayFromToday(81) });
export type EtaDates = ReturnType<typeof etaDates>;

/** Even shoppers signed up under the early date (and are asked), odd ones under the late date. */
export const signedUpEarly = (index: number) => index % 2 === 0;

export const productBody = (name: string, expectedRestockDate: string) => ({
  name,
  stock: 0,
  backorders: { enabled: true, maxPerCustomer: 10 },
  expectedRestockDate,
});

/** The settings, the product (its date `late`) and `count` waiting backorders of one unit, oldest first. */
export const seedWaiting = async (
  stack: BenchStack,
  dynamo: DynamoDBDocumentClient,
  product: { sku: string; name: string },
  run: string,
  count: number,
  dates: EtaDates,
): Promise<SeededBackorder[]> => {
  await stack.admin('PUT', '/api/admin/settings', {
    backorders: { enabled: true, segments: ['b2c', 'b2b'] },
    doubleOptIn: false,
    sender: { from: 'Bench Shop <shop@bench.example>', postalAddress: '1 Bench Street, Testville' },
  });
  // A new product's date is its first, not a change: this save opens no window.
  await stack.admin('PUT', `/api/admin/products/${product.sku}`, productBody(product.name, dates.late));
  const queue = ticketedQueue(product.sku, count, { label: `eta-${run}` });
  const rows = queue.rows(0, count).map((b, i) => ({
    ...b,
    row: { ...b.row, etaAtSignup: signedUpEarly(i) ? dates.early : dates.late },
  }));
  const { backorders, queues } = stack.platform.tableNames;
  await writeTicketedQueue(
    dynamo,
    { backorders, queues },
    { ...queue, rows: (from, to) => rows.slice(from, to) },
    BATCH_WRITE_PARALLEL,
  );
  return rows;
};

export interface Tick {
  /** Milliseconds of performance.now(). */
  startedAt: number;
  endedAt?: number;
  queued?: number;
  error?: string;
}

/**
 * The scheduler's tick as the local runner makes it (local/schedules.ts), every `everyMs`, a tick skipped
 * while the previous one still runs; only the expected-date sweep, the scheduler's one job with work here.
 */
export const startTicks = (sweep: () => Promise<{ queued: number }>, everyMs: number) => {
  const ticks: Tick[] = [];
  let running: Promise<unknown> | undefined;
  const tick = () => {
    if (running) return;
    const entry: Tick = { startedAt: performance.now() };
    ticks.push(entry);
    running = sweep()
      .then((report) => (entry.queued = report.queued))
      .catch((error: unknown) => (entry.error = String(error)))
      .finally(() => {
        entry.endedAt = performance.now();
        running = undefined;
      });
  };
  const timer = setInterval(tick, everyMs);
  tick();
  return {
    ticks,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
};

/**
 * What the fan-out left on each backorder, read once the email queue has drained: recorded as told of this
 * announcement (`etaNotified`, written with the email's link), and asked exactly when its date slipped past
 * the rule.
 */
export const outcome = async (
  stack: BenchStack,
  dynamo: DynamoDBDocumentClient,
  rows: readonly SeededBackorder[],
  version: number,
  nextDate: string,
) => {
  const read = await readRows(
    dynamo,
    stack.platform.tableNames.backorders,
    rows.map((b) => b.id),
    ['id', 'status', 'etaNotified', 'etaTold', 'etaAsk'],
  );
  let notRecorded = 0;
  let askedWrongly = 0;
  let asked = 0;
  rows.forEach((b, i) => {
    const row = read.get(b.id);
    if (row?.etaNotified !== version || row.etaTold !== nextDate) notRecorded++;
    const wasAsked = (row?.etaAsk as { version?: number } | undefined)?.version === version;
    if (wasAsked) asked++;
    if (wasAsked !== signedUpEarly(i)) askedWrongly++;
  });
  return { notRecorded, asked, askedWrongly };
};
