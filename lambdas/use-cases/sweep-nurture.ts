/**
 * The nurture sweeper (the scheduler, every minute): finds the steps that fell due and hands them to the
 * nurture queue, each once. It reads every bucket from its watermark to now, so a late or paused scheduler
 * catches up instead of skipping.
 *
 * What it queued of a shard it claims with one conditional write per page (lambdas/store/swept-ranges.ts):
 * concurrent sweepers queue each page once, and the next sweeps read on from there. The claim is a lease: a
 * step whose message was lost is still in its shard when the lease ends, and the shard is then read from its
 * start again. So a bucket counts as swept (the watermark passes it) only once a sweep after its lease found
 * nothing left in it. A step that comes due late inside a range already claimed (a writer's lagging clock)
 * waits for the same lease.
 */
import type { NurtureMessage } from '../messages/nurture';
import { enqueueNurtureSteps } from '../store/email-queue';
import { dueEntries, type DueEntry } from '../store/enrolment-store';
import { claimSweptRange, readSweptRange } from '../store/swept-ranges';
import { sweepBuckets, type ShardSweep, type SweepReport } from './bucket-sweep';
import { nurtureStepLeaseMs } from './send-rate';

export type { SweepReport };

/**
 * How long a queued step waits for its send before a later sweep queues it again, unpaced; paced, this plus
 * its wait behind the SES rate (lambdas/use-cases/send-rate.ts nurtureStepLeaseMs).
 */
export const STEP_LEASE_MS = 15 * 60_000;

/**
 * How far behind the clock the scheduler sweeps (lambdas/scheduler/handler.ts). The due index is a global
 * secondary index: a step written a moment ago may show there after steps due later in its shard, and a
 * claim through those would pass over it until the lease ends. Five seconds outlast an index's usual lag
 * and the enroller's write; a sweep runs every minute, so a step due now goes out at the next one all the same.
 */
export const DUE_INDEX_SETTLE_MS = 5_000;

const messageOf = (entry: DueEntry): NurtureMessage => ({
  kind: 'nurture',
  backorderId: entry.backorderId,
  campaignId: entry.campaignId,
  stepId: entry.nextStepId,
  stepIndex: entry.nextStepIndex,
});

/**
 * One shard of a bucket: while its claim's lease runs, the steps due after what was claimed; once it has run
 * out (or with no claim yet), every step due in it. Each page is claimed, then queued.
 */
const sweepShard: ShardSweep = async (shard, nowMs) => {
  const claim = await readSweptRange(shard);
  const leased = claim !== undefined && claim.leaseUntil > nowMs;
  let after = leased ? claim.through : undefined;
  let seen = claim?.through;
  let due = 0;
  let queued = 0;
  for (let more = true; more;) {
    const page = await dueEntries(shard, nowMs, after);
    more = page.more;
    if (page.entries.length === 0) break;
    due += page.entries.length;
    const through = page.entries[page.entries.length - 1].dueKey;
    const leaseUntil = nowMs + (await nurtureStepLeaseMs(STEP_LEASE_MS, page.entries.length));
    // Another sweeper claimed this shard since it was read: those steps are its to queue.
    if (!(await claimSweptRange(shard, seen, through, leaseUntil, nowMs))) return [due, queued, false];
    await enqueueNurtureSteps(page.entries.map(messageOf));
    queued += page.entries.length;
    seen = after = through;
  }
  return [due, queued, !leased && due === 0];
};

export const sweepDueSteps = (
  nowMs: number = Date.now(),
  clock: () => number = Date.now,
): Promise<SweepReport> => sweepBuckets('nurture-sweeper', sweepShard, nowMs, clock);
