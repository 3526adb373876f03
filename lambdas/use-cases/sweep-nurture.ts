/**
 * The nurture sweeper (the scheduler, every minute): finds the steps that fell due, claims each with a
 * conditional write (so concurrent sweepers queue each step once), and hands them to the nurture queue. It
 * reads every bucket from its watermark to now, so a late or paused scheduler catches up instead of
 * skipping; a claim is a lease, so a step whose message was lost is queued again after it.
 */
import { BUCKET_MS, bucketStart, shardsOfBucket } from '../domain/due-index';
import type { NurtureMessage } from '../messages/nurture';
import { enqueueNurtureSteps } from '../store/email-queue';
import { dueEntries, leaseDueEntry, type DueEntry } from '../store/enrolment-store';
import { advanceWatermark, getWatermark } from '../store/sweeper-state';

/** How long a queued step waits for its send before a later sweep queues it again. */
export const STEP_LEASE_MS = 15 * 60_000;
/** On the very first run, look back this far: enrolments may predate the sweeper. */
const FIRST_RUN_LOOKBACK_MS = 2 * BUCKET_MS;
/** Stop starting new buckets after this long, well inside the function's timeout; the next run goes on. */
const TIME_BUDGET_MS = 120_000;
// Per shard; the eight shards of a bucket are swept at once, within the SDK client's 50 sockets.
const PARALLEL_CLAIMS = 6;
/**
 * A bucket counts as finished only this long after it ended: a step placed "due now" by a worker whose clock
 * (or write) lags a little must still land in a bucket the sweeper will read again.
 */
const SETTLE_MS = 5 * 60_000;

export interface SweepReport {
  buckets: number;
  due: number;
  queued: number;
  /** Start of the first bucket not yet fully swept. */
  watermark: number;
}

/** Claims due entries a few at a time and queues each claimed chunk at once, so sending starts early. */
const claimAndQueue = async (entries: DueEntry[], nowMs: number): Promise<number> => {
  let queued = 0;
  for (let i = 0; i < entries.length; i += PARALLEL_CLAIMS) {
    const chunk = entries.slice(i, i + PARALLEL_CLAIMS);
    const claimed = await Promise.all(chunk.map((entry) => leaseDueEntry(entry, nowMs + STEP_LEASE_MS)));
    const messages: NurtureMessage[] = chunk
      .filter((_entry, n) => claimed[n])
      .map((entry) => ({
        kind: 'nurture',
        backorderId: entry.backorderId,
        campaignId: entry.campaignId,
        stepId: entry.nextStepId,
        stepIndex: entry.nextStepIndex,
      }));
    await enqueueNurtureSteps(messages);
    queued += messages.length;
  }
  return queued;
};

/** Queues every due entry of one shard of a bucket, page by page; returns [due, queued]. */
const sweepShard = async (bucket: string, nowMs: number): Promise<[number, number]> => {
  let due = 0;
  let queued = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dueEntries(bucket, nowMs, start);
    due += page.entries.length;
    queued += await claimAndQueue(page.entries, nowMs);
    start = page.next;
  } while (start);
  return [due, queued];
};

export const sweepDueSteps = async (
  nowMs: number = Date.now(),
  clock: () => number = Date.now,
): Promise<SweepReport> => {
  const startedAt = clock();
  const currentBucket = bucketStart(nowMs);
  let bucket = (await getWatermark()) ?? bucketStart(nowMs - FIRST_RUN_LOOKBACK_MS);
  const report: SweepReport = { buckets: 0, due: 0, queued: 0, watermark: bucket };
  for (; bucket <= currentBucket; bucket += BUCKET_MS) {
    if (clock() - startedAt > TIME_BUDGET_MS) break;
    const results = await Promise.all(shardsOfBucket(bucket).map((shard) => sweepShard(shard, nowMs)));
    report.buckets++;
    for (const [due, queued] of results) {
      report.due += due;
      report.queued += queued;
    }
    // The current bucket can still receive steps falling due later in it: it is swept again next time.
    if (bucket + BUCKET_MS + SETTLE_MS <= nowMs) report.watermark = bucket + BUCKET_MS;
  }
  await advanceWatermark(report.watermark);
  return report;
};
