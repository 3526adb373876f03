/**
 * The nurture sweeper (the scheduler, every minute): finds the steps that fell due, claims each with a
 * conditional write (so concurrent sweepers queue each step once), and hands them to the nurture queue. It
 * reads every bucket from its watermark to now, so a late or paused scheduler catches up instead of
 * skipping; a claim is a lease, so a step whose message was lost is queued again after it.
 */
import type { NurtureMessage } from '../messages/nurture';
import { enqueueNurtureSteps } from '../store/email-queue';
import { dueEntries, leaseDueEntry, type DueEntry } from '../store/enrolment-store';
import { sweepBuckets, sweepPages, type SweepReport } from './bucket-sweep';

export type { SweepReport };

/** How long a queued step waits for its send before a later sweep queues it again. */
export const STEP_LEASE_MS = 15 * 60_000;
// Per shard; the eight shards of a bucket are swept at once, within the SDK client's 50 sockets.
const PARALLEL_CLAIMS = 6;

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

export const sweepDueSteps = (
  nowMs: number = Date.now(),
  clock: () => number = Date.now,
): Promise<SweepReport> =>
  sweepBuckets('nurture-sweeper', sweepPages(dueEntries, claimAndQueue), nowMs, clock);
