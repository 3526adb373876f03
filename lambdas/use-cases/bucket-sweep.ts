/**
 * The one way due work is swept out of an hourly-bucket index (lambdas/domain/due-index.ts): nurture steps
 * and holds. Every bucket from the sweeper's watermark to now is read, shard by shard, so a late or paused
 * scheduler catches up instead of skipping; what each entry needs (a lease and a message) is the caller's.
 */
import { BUCKET_MS, bucketStart, shardsOfBucket } from '../domain/due-index';
import { advanceWatermark, getWatermark, type SweeperName } from '../store/sweeper-state';

/** On the very first run, look back this far: entries may predate the sweeper. */
const FIRST_RUN_LOOKBACK_MS = 2 * BUCKET_MS;
/** Stop starting new buckets after this long, well inside the function's timeout; the next run goes on. */
const TIME_BUDGET_MS = 120_000;
/**
 * A bucket counts as finished only this long after it ended: an entry placed "due now" by a worker whose
 * clock (or write) lags a little must still land in a bucket the sweeper will read again.
 */
const SETTLE_MS = 5 * 60_000;

export interface SweepReport {
  buckets: number;
  due: number;
  queued: number;
  /** Start of the first bucket not yet fully swept. */
  watermark: number;
}

/**
 * Sweeps one shard of a bucket (`<hour>#<shard>`) to the end; returns [due, queued, settled]: `settled`
 * false when what it queued may come back (a lease not yet run out), so the bucket must be read again.
 */
export type ShardSweep = (bucket: string, nowMs: number) => Promise<[number, number, boolean?]>;

export const sweepBuckets = async (
  sweeper: SweeperName,
  sweepShard: ShardSweep,
  nowMs: number,
  clock: () => number,
): Promise<SweepReport> => {
  const startedAt = clock();
  const currentBucket = bucketStart(nowMs);
  let bucket = (await getWatermark(sweeper)) ?? bucketStart(nowMs - FIRST_RUN_LOOKBACK_MS);
  const report: SweepReport = { buckets: 0, due: 0, queued: 0, watermark: bucket };
  // The watermark passes only buckets that are done, and only in order: one left open holds it.
  let held = false;
  for (; bucket <= currentBucket; bucket += BUCKET_MS) {
    if (clock() - startedAt > TIME_BUDGET_MS) break;
    const results = await Promise.all(shardsOfBucket(bucket).map((shard) => sweepShard(shard, nowMs)));
    report.buckets++;
    for (const [due, queued] of results) {
      report.due += due;
      report.queued += queued;
    }
    // The current bucket can still receive entries falling due later in it: it is swept again next time.
    const done =
      bucket + BUCKET_MS + SETTLE_MS <= nowMs && results.every(([, , settled]) => settled !== false);
    held ||= !done;
    if (!held) report.watermark = bucket + BUCKET_MS;
  }
  await advanceWatermark(sweeper, report.watermark);
  return report;
};

/** Pages through a shard: each page's entries handed to `handle`, which answers how many it queued. */
export const sweepPages =
  <E>(
    page: (
      bucket: string,
      nowMs: number,
      start?: Record<string, unknown>,
    ) => Promise<{
      entries: E[];
      next?: Record<string, unknown>;
    }>,
    handle: (entries: E[], nowMs: number) => Promise<number>,
  ): ShardSweep =>
  async (bucket, nowMs) => {
    let due = 0;
    let queued = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const found = await page(bucket, nowMs, start);
      due += found.entries.length;
      queued += await handle(found.entries, nowMs);
      start = found.next;
    } while (start);
    return [due, queued];
  };
