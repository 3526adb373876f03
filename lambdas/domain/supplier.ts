/**
 * Suppliers and their batches: when a supplier's batch falls due, which backorders a batch covers, and how
 * its lines read. Pure rules only; persistence lives in lambdas/store/supplier-store.ts.
 *
 * A batch covers a window of the queue order (`queueKey` = createdAt#id): every backorder created after the
 * supplier's previous batch's cutoff, up to this batch's cutoff. The window's bounds are instants, written as
 * `<ISO instant>#~`: `~` sorts after every id character, so a bound never equals a real queue key and
 * "after the previous bound, up to this one" is one DynamoDB BETWEEN.
 */

export const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const DEFAULT_BATCH_HOUR = 6;
export const DEFAULT_MIN_UNITS = 1;

/** Every week on `day` at `hour` (UTC), or every day at `hour` (UTC). */
export type BatchSchedule =
  | { every: 'week'; day: Weekday; hour: number; minUnits: number }
  | { every: 'day'; hour: number; minUnits: number };

export interface Supplier {
  id: string;
  name: string;
  email: string;
  batch: BatchSchedule;
  /** The language of its batch emails ("de"); absent: English. */
  locale?: string;
  createdAt: string;
  updatedAt: string;
  /** Cutoff instant (ISO) of the last batch: the next batch covers backorders created after it. */
  watermark?: string;
  /** The latest scheduled moment (ISO) already handled, with or without a batch (below `minUnits`). */
  scheduledThrough?: string;
  lastBatchId?: string;
  lastBatchAt?: string;
  /** Batches whose email is not yet known to be sent; the scheduler re-queues them when they linger. */
  pendingBatches?: Set<string>;
}

export interface SupplierBatchLine {
  sku: string;
  name: string;
  /** Units of the SKU's backorders in the window that still wait. */
  units: number;
  /** How many backorders those units come from. */
  backorders: number;
  /** When the oldest of them was created (ISO). */
  oldest: string;
}

export type BatchTrigger = 'schedule' | 'manual';

export interface SupplierBatch {
  supplierId: string;
  batchId: string;
  /** Snapshot at batch time: the email goes where the batch said, even if the supplier is edited meanwhile. */
  supplierName: string;
  sentTo: string;
  /** The language the email goes out in (absent on batches made before suppliers had one: English). */
  locale?: string;
  trigger: BatchTrigger;
  lines: SupplierBatchLine[];
  units: number;
  backorders: number;
  /** The window: backorders created after `windowFrom` (absent: from the beginning) up to `windowTo`. */
  windowFrom?: string;
  windowTo: string;
  createdAt: string;
  /** Last time its email message was queued (the scheduler re-queues a batch whose email lingers). */
  queuedAt?: string;
  /** When its email was sent (by the sender, once). */
  sentAt?: string;
}

const DAY_MS = 86_400_000;

/**
 * How far behind now a batch's window ends. A signup stamps `createdAt` before its write lands (the write
 * can take seconds: a slow Lambda, SDK retries, another instance's clock a little ahead) and the waiting
 * index is eventually consistent. A window ending at "now" could be closed, and the watermark moved past a
 * backorder whose row appears a moment later: that backorder would never be in any batch. Two minutes is far
 * beyond the API's 10 s timeout, clock skew between Lambdas and index propagation; what is created in those
 * two minutes simply goes into the next batch.
 */
export const WINDOW_LAG_MS = 2 * 60_000;

/** A window bound: sorts after every queue key created at or before `iso`, before every later one. */
export const windowBound = (iso: string): string => `${iso}#~`;

/** The end of a batch's window made now: never before the previous one, so windows never overlap. */
export const windowEnd = (nowMs: number, previous?: string): string => {
  const cutoff = new Date(nowMs - WINDOW_LAG_MS).toISOString();
  return previous && previous > cutoff ? previous : cutoff;
};

/** The most recent scheduled moment at or before `nowMs` (UTC). */
export const latestSlot = (schedule: BatchSchedule, nowMs: number): number => {
  const now = new Date(nowMs);
  const todayAtHour = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), schedule.hour);
  if (schedule.every === 'day') return todayAtHour <= nowMs ? todayAtHour : todayAtHour - DAY_MS;
  const daysBack = (now.getUTCDay() - WEEKDAYS.indexOf(schedule.day) + 7) % 7;
  const slot = todayAtHour - daysBack * DAY_MS;
  return slot <= nowMs ? slot : slot - 7 * DAY_MS;
};

/** The next scheduled moment after `nowMs`. */
export const nextSlot = (schedule: BatchSchedule, nowMs: number): number =>
  latestSlot(schedule, nowMs) + (schedule.every === 'day' ? DAY_MS : 7 * DAY_MS);

/**
 * Whether a scheduled batch is due: a scheduled moment passed that was not handled yet. However many moments
 * passed while the scheduler was down, the supplier is due once; handling it marks the latest moment, so one
 * batch covers the whole time (its window runs from the previous batch).
 */
export const isDue = (
  schedule: BatchSchedule,
  scheduledThrough: string | undefined,
  nowMs: number,
): boolean => scheduledThrough === undefined || latestSlot(schedule, nowMs) > Date.parse(scheduledThrough);

/** Totals of a batch's lines. */
export const batchTotals = (lines: readonly SupplierBatchLine[]) => ({
  units: lines.reduce((sum, line) => sum + line.units, 0),
  backorders: lines.reduce((sum, line) => sum + line.backorders, 0),
});

/** `backorders-<supplier>-<YYYY-MM-DD>.csv`: the supplier id is already safe in a file name. */
export const batchFileName = (batch: Pick<SupplierBatch, 'supplierId' | 'createdAt'>): string =>
  `backorders-${batch.supplierId}-${batch.createdAt.slice(0, 10)}.csv`;
