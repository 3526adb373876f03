/**
 * How much the sending queues have to do: per queue, the messages waiting plus those being handled (in flight,
 * which includes a throttled send backing off), from one SQS GetQueueAttributes each. Read at most once per
 * DEPTH_TTL_MS per instance and shared by every send and lease meanwhile, so pacing by the depths costs a
 * few requests a second per instance while it sends, never one per email, and nothing while it is idle.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { QueueName } from '../../lib/platform';
import { queueUrl } from '../runtime/config';
import { logger } from '../runtime/logger';
import { sqs } from '../runtime/sqs';

/** How long a reading stands: the shares follow a change of demand within this long. */
export const DEPTH_TTL_MS = 2_000;

export interface DepthReading {
  /** When it was read (epoch ms). */
  at: number;
  /** Per queue; undefined when a read failed, and the caller falls back. */
  depths: Partial<Record<QueueName, number>> | undefined;
}

const depthOf = async (queue: QueueName): Promise<number> => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl(queue),
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const depth =
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  return Number.isFinite(depth) && depth > 0 ? depth : 0;
};

const read = (queues: readonly QueueName[], nowMs: number): Promise<DepthReading> =>
  Promise.all(queues.map(depthOf)).then(
    (depths): DepthReading => ({
      at: nowMs,
      depths: Object.fromEntries(queues.map((queue, i) => [queue, depths[i]])),
    }),
    (error: unknown): DepthReading => {
      logger.warn('sending queue depths not read', { queues: queues.join(','), error: String(error) });
      return { at: nowMs, depths: undefined };
    },
  );

interface Slot {
  /** When the last read started. */
  startedAt: number;
  pending: Promise<DepthReading>;
  /** The last reading that came back. */
  last?: DepthReading;
}

const readings = new Map<string, Slot>();

/**
 * The queues' depths as last read. Once that reading is DEPTH_TTL_MS old they are read anew, and meanwhile
 * the old reading answers while it is no older than twice that, so a busy instance's sends never wait on
 * SQS; an instance that was idle for longer waits for the new one. Callers at the same time share one read.
 * A failed read is logged and stands as long as a good one, so a failing SQS is not hammered.
 */
export const queueDepths = (
  queues: readonly QueueName[],
  nowMs: number = Date.now(),
): Promise<DepthReading> => {
  const key = queues.join(',');
  let slot = readings.get(key);
  if (!slot || nowMs - slot.startedAt >= DEPTH_TTL_MS || nowMs < slot.startedAt) {
    const next: Slot = { startedAt: nowMs, pending: read(queues, nowMs), last: slot?.last };
    void next.pending.then((reading) => (next.last = reading));
    readings.set(key, (slot = next));
  }
  const { last } = slot;
  return last && nowMs - last.at < 2 * DEPTH_TTL_MS && nowMs >= last.at
    ? Promise.resolve(last)
    : slot.pending;
};
