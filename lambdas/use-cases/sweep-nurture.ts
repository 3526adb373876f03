/**
 * The nurture sweeper (the scheduler, every minute): finds the steps that fell due, claims each with a
 * conditional write (so concurrent sweepers queue each step once), and hands them to the email queue. It
 * reads every bucket from its watermark to now, so a late or paused scheduler catches up instead of
 * skipping; a claim is a lease, so a step whose message was lost is queued again after it.
 */
import { bucketsBetween, minuteOf } from '../domain/due-index';
import { enqueueEmails, type EmailMessage } from '../store/email-queue';
import { dueEntries, leaseDueEntry, type DueEntry } from '../store/enrolment-store';
import { advanceWatermark, getWatermark } from '../store/sweeper-state';

const MINUTE_MS = 60_000;
/** How long a queued step waits for its send before a later sweep queues it again. */
export const STEP_LEASE_MS = 15 * MINUTE_MS;
/** On the very first run, look back this far: enrolments may predate the sweeper. */
const FIRST_RUN_LOOKBACK_MS = 60 * MINUTE_MS;
/** Minutes swept per run at most, so catching up after a long outage never nears the Lambda time limit. */
const MAX_MINUTES_PER_RUN = 180;
const PARALLEL_CLAIMS = 16;

export interface SweepReport {
  buckets: number;
  due: number;
  queued: number;
  watermark: number;
}

const claimAll = async (entries: DueEntry[], nowMs: number): Promise<EmailMessage[]> => {
  const messages: EmailMessage[] = [];
  for (let i = 0; i < entries.length; i += PARALLEL_CLAIMS) {
    const chunk = entries.slice(i, i + PARALLEL_CLAIMS);
    const claimed = await Promise.all(chunk.map((entry) => leaseDueEntry(entry, nowMs + STEP_LEASE_MS)));
    chunk.forEach((entry, n) => {
      if (!claimed[n]) return;
      messages.push({
        kind: 'nurture',
        backorderId: entry.backorderId,
        campaignId: entry.campaignId,
        stepId: entry.nextStepId,
        stepIndex: entry.nextStepIndex,
      });
    });
  }
  return messages;
};

export const sweepDueSteps = async (nowMs: number = Date.now()): Promise<SweepReport> => {
  const currentMinute = minuteOf(nowMs);
  const watermark = (await getWatermark()) ?? minuteOf(nowMs - FIRST_RUN_LOOKBACK_MS);
  const lastMinute = Math.min(currentMinute, watermark + (MAX_MINUTES_PER_RUN - 1) * MINUTE_MS);
  const report: SweepReport = { buckets: 0, due: 0, queued: 0, watermark };
  for (const bucket of bucketsBetween(watermark, lastMinute)) {
    report.buckets++;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dueEntries(bucket, nowMs, start);
      report.due += page.entries.length;
      const messages = await claimAll(page.entries, nowMs);
      await enqueueEmails(messages);
      report.queued += messages.length;
      start = page.next;
    } while (start);
  }
  // The current minute can still receive steps falling due later in it: it is swept again next time.
  report.watermark = lastMinute < currentMinute ? lastMinute + MINUTE_MS : currentMinute;
  await advanceWatermark(report.watermark);
  return report;
};
