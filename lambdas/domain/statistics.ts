/**
 * The shop's statistics as counters, pure rules only: which counter rows an event moves and by how much, how
 * the rows are spread over shards, the wait-time histogram and its median, and how shard rows add up.
 *
 * Every event that changes a figure (a signup, a status change, an allocation, an email recorded sent, an
 * unsubscribe) turns into a `CounterChanges`: per counter row, the amounts to ADD. The stores write them in
 * the same DynamoDB transaction as the conditional write that makes the event happen once, so a counter moves
 * exactly when the event happens, never twice (ARCHITECTURE.md, "Statistics").
 */
import type { BackorderStatus } from './backorder';
import { shardOf } from './shards';

/**
 * Counter rows per product, per email figure and per nurture step, so no single row takes every write: a
 * drop of 5 000 signups a second on one product puts 5 000 / 16 ≈ 313 transactional writes (626 WCU) a
 * second on each of its rows, under DynamoDB's 1 000 per item. (Rows of the 8 shards of earlier releases are
 * read and summed with the rest: counters only ever add.)
 */
export const STATS_SHARDS = 16;

/** The shard of a backorder's product counters: the same for every event of that backorder. */
export const counterShardOf = (id: string): number => shardOf(id, STATS_SHARDS);

/** Any shard: where a count lands does not matter for the sum, and a retry on another row avoids the conflict. */
export const anyShard = (): number => Math.floor(Math.random() * STATS_SHARDS);

// ---- counter rows (keys in the ledger table) ------------------------------------------------------------

export const productRowKey = (sku: string, shard: number) => `stats#product#${sku}#${shard}`;
/** Units that joined and left a SKU's waiting queue per UTC day, one row per month and shard. */
export const unitsRowKey = (sku: string, month: string, shard: number) =>
  `stats#units#${sku}#${month}#${shard}`;
export const emailRowKey = (shard: number) => `stats#emails#${shard}`;
export const stepRowKey = (campaignId: string, stepId: string, shard: number) =>
  `stats#step#${campaignId}#${stepId}#${shard}`;

/** Attributes of the units rows: `added_05` / `removed_05` are the units of the 5th of the row's month. */
export const unitsAddedAttribute = (day: number) => `added_${String(day).padStart(2, '0')}`;
export const unitsRemovedAttribute = (day: number) => `removed_${String(day).padStart(2, '0')}`;

/** `YYYY-MM` and the day of the month, in UTC, of an ISO instant. */
const monthAndDay = (iso: string): { month: string; day: number } => ({
  month: iso.slice(0, 7),
  day: Number(iso.slice(8, 10)),
});

// ---- wait-time histogram ------------------------------------------------------------------------------

/** Buckets per doubling of the wait: each bucket is 19 % wider than the one before. */
const BUCKETS_PER_DOUBLING = 4;
/** The last bucket starts at 2^30 s (34 years): nothing waits longer. */
export const LAST_WAIT_BUCKET = 1 + 30 * BUCKETS_PER_DOUBLING;

/**
 * Bucket of a wait in seconds: 0 holds waits under a second; bucket b ≥ 1 holds [2^((b-1)/4), 2^(b/4)).
 */
export const waitBucket = (seconds: number): number => {
  if (!(seconds >= 1)) return 0;
  return Math.min(LAST_WAIT_BUCKET, 1 + Math.floor(Math.log2(seconds) * BUCKETS_PER_DOUBLING));
};

/** The seconds a bucket spans, [from, to). */
export const waitBucketRange = (bucket: number): [number, number] =>
  bucket === 0 ? [0, 1] : [2 ** ((bucket - 1) / BUCKETS_PER_DOUBLING), 2 ** (bucket / BUCKETS_PER_DOUBLING)];

export const waitAttribute = (bucket: number) => `wait_${bucket}`;

/** The histogram held by a counter row's `wait_<bucket>` attributes. */
export const histogramOf = (row: Record<string, unknown>): Map<number, number> => {
  const histogram = new Map<number, number>();
  for (const [name, value] of Object.entries(row)) {
    const match = /^wait_(\d+)$/.exec(name);
    if (match) histogram.set(Number(match[1]), Number(value));
  }
  return histogram;
};

/**
 * The median of the waits a histogram counts, or null when it counts none. Within the bucket holding the
 * middle wait the waits are taken as spread evenly on a log scale (linearly in the first bucket), so the
 * estimate is off by at most a bucket's width (19 %) and usually far less.
 */
export const medianFromHistogram = (histogram: ReadonlyMap<number, number>): number | null => {
  const buckets = [...histogram.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const middle = total / 2;
  let below = 0;
  for (const [bucket, count] of buckets) {
    if (below + count >= middle) {
      const fraction = (middle - below) / count;
      const [from, to] = waitBucketRange(bucket);
      return bucket === 0 ? from + (to - from) * fraction : from * (to / from) ** fraction;
    }
    below += count;
  }
  return waitBucketRange(buckets[buckets.length - 1][0])[1];
};

// ---- what an event changes ----------------------------------------------------------------------------

/** Per counter row, the amounts to ADD to its attributes. */
export class CounterChanges {
  private readonly rows = new Map<string, Map<string, number>>();

  add(row: string, attribute: string, by: number): this {
    if (by === 0) return this;
    const attributes = this.rows.get(row) ?? new Map<string, number>();
    attributes.set(attribute, (attributes.get(attribute) ?? 0) + by);
    this.rows.set(row, attributes);
    return this;
  }

  merge(other: CounterChanges): this {
    for (const [row, attributes] of other.entries())
      for (const [attribute, by] of Object.entries(attributes)) this.add(row, attribute, by);
    return this;
  }

  /** Each row once, without attributes that add up to nothing. */
  entries(): [string, Record<string, number>][] {
    return [...this.rows.entries()]
      .map(([row, attributes]): [string, Record<string, number>] => [
        row,
        Object.fromEntries([...attributes.entries()].filter(([, by]) => by !== 0)),
      ])
      .filter(([, attributes]) => Object.keys(attributes).length > 0);
  }
}

/** What the counters need to know of a backorder: nothing personal, nothing that ever changes. */
export interface CountedBackorder {
  id: string;
  sku: string;
  quantity: number;
  createdAt: string;
}

const waitingUnits = (changes: CounterChanges, b: CountedBackorder, at: string, sign: 1 | -1) => {
  const { month, day } = monthAndDay(at);
  const row = unitsRowKey(b.sku, month, counterShardOf(b.id));
  return sign > 0
    ? changes.add(row, unitsAddedAttribute(day), b.quantity)
    : changes.add(row, unitsRemovedAttribute(day), b.quantity);
};

/** A new backorder joins the queue. */
export const signupChanges = (b: CountedBackorder): CounterChanges => {
  const row = productRowKey(b.sku, counterShardOf(b.id));
  const changes = new CounterChanges()
    .add(row, 'created', 1)
    .add(row, 'waiting', 1)
    .add(row, 'unitsWaiting', b.quantity);
  return waitingUnits(changes, b, b.createdAt, 1);
};

/** A signup rolled back (its confirmation could not be queued): as if it never happened. */
export const signupUndoChanges = (b: CountedBackorder): CounterChanges => {
  const row = productRowKey(b.sku, counterShardOf(b.id));
  const { month, day } = monthAndDay(b.createdAt);
  return new CounterChanges()
    .add(row, 'created', -1)
    .add(row, 'waiting', -1)
    .add(row, 'unitsWaiting', -b.quantity)
    .add(unitsRowKey(b.sku, month, counterShardOf(b.id)), unitsAddedAttribute(day), -b.quantity);
};

const waitSeconds = (b: CountedBackorder, at: string): number =>
  Math.max(0, (Date.parse(at) - Date.parse(b.createdAt)) / 1000);

/**
 * A backorder moves from one status to another at `at`: one less in the old status, one more in the new;
 * leaving `waiting` takes its units off the waiting units (that day) and, when the shopper got the units
 * (allocated, or fulfilled straight from waiting), adds the wait to the histogram.
 */
export const statusChanges = (
  b: CountedBackorder,
  from: BackorderStatus,
  to: BackorderStatus,
  at: string,
): CounterChanges => {
  const row = productRowKey(b.sku, counterShardOf(b.id));
  const changes = new CounterChanges().add(row, from, -1).add(row, to, 1);
  if (from === 'waiting' && to !== 'waiting') {
    changes.add(row, 'unitsWaiting', -b.quantity);
    waitingUnits(changes, b, at, -1);
    if (to === 'cancelled') changes.add(row, 'cancelledWhileWaiting', 1);
    else changes.add(row, waitAttribute(waitBucket(waitSeconds(b, at))), 1);
  }
  if (to === 'waiting' && from !== 'waiting') {
    changes.add(row, 'unitsWaiting', b.quantity);
    waitingUnits(changes, b, at, 1);
  }
  return changes;
};

/** Backorders a restock allocated, each at its own `allocatedAt`. */
export const allocationChanges = (
  allocated: readonly (CountedBackorder & { allocatedAt: string })[],
): CounterChanges =>
  allocated.reduce(
    (changes, b) => changes.merge(statusChanges(b, 'waiting', 'allocated', b.allocatedAt)),
    new CounterChanges(),
  );

/** `count` emails of one kind recorded sent; a nurture email also counts for its step. */
export const emailsSentChanges = (
  kind: string,
  count: number,
  shard: number,
  step?: { campaignId: string; stepId: string },
): CounterChanges => {
  const changes = new CounterChanges()
    .add(emailRowKey(shard), 'sent', count)
    .add(emailRowKey(shard), `sent_${kind}`, count);
  if (step) changes.add(stepRowKey(step.campaignId, step.stepId, shard), 'sent', count);
  return changes;
};

export const unsubscribedChanges = (shard: number): CounterChanges =>
  new CounterChanges().add(emailRowKey(shard), 'unsubscribed', 1);

/** A waiting backorder cancelled after these nurture steps were its sequences' latest emails. */
export const cancelledAfterStepsChanges = (
  b: Pick<CountedBackorder, 'id'>,
  steps: readonly { campaignId: string; stepId: string }[],
): CounterChanges =>
  steps.reduce(
    (changes, step) =>
      changes.add(stepRowKey(step.campaignId, step.stepId, counterShardOf(b.id)), 'cancelledAfter', 1),
    new CounterChanges(),
  );

// ---- reading: shards add up -----------------------------------------------------------------------------

export const PRODUCT_COUNTERS = [
  'created',
  'waiting',
  'allocated',
  'fulfilled',
  'cancelled',
  'cancelledWhileWaiting',
  'unitsWaiting',
] as const;
export type ProductCounter = (typeof PRODUCT_COUNTERS)[number];

/** Adds up numeric attributes of shard rows (a missing row or attribute counts as zero). */
export const sumRows = (rows: readonly (Record<string, unknown> | undefined)[]): Record<string, number> => {
  const sums: Record<string, number> = {};
  for (const row of rows)
    for (const [name, value] of Object.entries(row ?? {}))
      if (typeof value === 'number') sums[name] = (sums[name] ?? 0) + value;
  return sums;
};

export interface ProductFigures extends Record<ProductCounter, number> {
  medianWaitSeconds: number | null;
  /** Backorders whose wait ended with units (allocated, or fulfilled straight from waiting). */
  waitsMeasured: number;
  /** Of every backorder created, the share cancelled while it was still waiting (null before the first). */
  cancelledWhileWaitingShare: number | null;
}

/** A product's figures from the sum of its shard rows. */
export const productFigures = (summed: Record<string, number>): ProductFigures => {
  const counters = Object.fromEntries(PRODUCT_COUNTERS.map((name) => [name, summed[name] ?? 0])) as Record<
    ProductCounter,
    number
  >;
  const histogram = histogramOf(summed);
  const median = medianFromHistogram(histogram);
  return {
    ...counters,
    medianWaitSeconds: median === null ? null : Math.round(median),
    waitsMeasured: [...histogram.values()].reduce((a, b) => a + b, 0),
    cancelledWhileWaitingShare:
      counters.created > 0
        ? Math.round((counters.cancelledWhileWaiting / counters.created) * 10_000) / 10_000
        : null,
  };
};

export interface DailyUnits {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  unitsAdded: number;
  unitsRemoved: number;
  /** Units waiting at the end of the day. */
  unitsWaiting: number;
}

/** The UTC days from `days - 1` days before `todayIso` to that day, oldest first. */
export const lastDays = (todayIso: string, days: number): string[] => {
  const end = Date.parse(`${todayIso.slice(0, 10)}T00:00:00.000Z`);
  return Array.from({ length: days }, (_, i) =>
    new Date(end - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
};

/**
 * Units waiting at the end of each day: the level now, minus what each later day added and plus what it
 * removed. Exact as far back as the window goes, without reading anything older.
 */
export const dailyUnits = (
  days: readonly string[],
  /** Summed units rows by month (`YYYY-MM`). */
  months: ReadonlyMap<string, Record<string, number>>,
  unitsWaitingNow: number,
): DailyUnits[] => {
  const moves = days.map((day) => {
    const row = months.get(day.slice(0, 7)) ?? {};
    const date = Number(day.slice(8, 10));
    return {
      day,
      unitsAdded: row[unitsAddedAttribute(date)] ?? 0,
      unitsRemoved: row[unitsRemovedAttribute(date)] ?? 0,
    };
  });
  let level = unitsWaitingNow;
  const series: DailyUnits[] = new Array(moves.length);
  for (let i = moves.length - 1; i >= 0; i--) {
    series[i] = { ...moves[i], unitsWaiting: level };
    level -= moves[i].unitsAdded - moves[i].unitsRemoved;
  }
  return series;
};
