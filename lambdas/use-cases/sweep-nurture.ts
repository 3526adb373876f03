/**
 * The nurture sweeper (the scheduler, every minute): finds the steps that fell due, claims each with a
 * conditional write (so concurrent sweepers queue each step once), and hands them to the nurture queue. It
 * reads every bucket from its watermark to now, so a late or paused scheduler catches up instead of
 * skipping; a claim is a lease, so a step whose message was lost is queued again after it.
 */
import type { NurtureMessage } from '../messages/nurture';
import { enqueueNurtureSteps } from '../store/email-queue';
import { dueEntries, leaseDueEntries, type DueEntry } from '../store/enrolment-store';
import { sweepBuckets, sweepPages, type SweepReport } from './bucket-sweep';
import { nurtureStepLeaseMs } from './send-rate';

export type { SweepReport };

/**
 * How long a queued step waits for its send before a later sweep queues it again, unpaced; paced, this plus
 * its wait behind the SES rate (lambdas/use-cases/send-rate.ts nurtureStepLeaseMs).
 */
export const STEP_LEASE_MS = 15 * 60_000;
/**
 * Entries leased in one request (one transaction while no other sweeper contests them) and then queued:
 * large enough that a lease costs a fiftieth of a request, small enough that sending starts early.
 */
const CLAIM_CHUNK = 50;

/** Claims due entries a chunk at a time and queues each claimed chunk at once, so sending starts early. */
const claimAndQueue = async (entries: DueEntry[], nowMs: number): Promise<number> => {
  let queued = 0;
  for (let i = 0; i < entries.length; i += CLAIM_CHUNK) {
    const chunk = entries.slice(i, i + CLAIM_CHUNK);
    const leaseUntil = nowMs + (await nurtureStepLeaseMs(STEP_LEASE_MS, chunk.length));
    const claimed = await leaseDueEntries(chunk, leaseUntil);
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
