/**
 * The account's SES send rate (EMAIL_SEND_RATE_PER_SECOND), as the platform spends it. Before each send, a
 * sending queue's consumer asks how fast it may send now: its queue's share by what the three sending queues
 * have waiting (lambdas/domain/send-rate.ts), split across the queue's concurrent batches. The nurture sweeper
 * asks how long a step it queues may wait behind the rate, and leases the step for that long. Unpaced (rate
 * 0, the default locally and in the bench) neither reads anything, so no request is added.
 */
import {
  queues,
  sendingQueues,
  sendRateFloor,
  sendRatePerBatch,
  type QueueDefinition,
  type QueueName,
} from '../../lib/platform';
import { shareSendRate, stepLeaseMs, type SendingQueue } from '../domain/send-rate';
import { emailSendRatePerSecond } from '../runtime/config';
import { logger } from '../runtime/logger';
import { queueDepths } from '../store/queue-depths';

const sending = sendingQueues();
const sendingNames = sending.map((queue) => queue.name as QueueName);

const asSendingQueues = (depths: Partial<Record<QueueName, number>>): SendingQueue<QueueName>[] =>
  sending.map((queue) => ({
    name: queue.name as QueueName,
    depth: depths[queue.name as QueueName] ?? 0,
    floor: sendRateFloor(queue),
    firstClaim: queue.sendRate?.firstClaim ?? 1,
  }));

let oneProcessPerQueue = false;

/**
 * The local runner hosts every batch of a queue in one process, where they share the queue's one pacer: that
 * pacer paces to the queue's whole share. On Lambda each batch is an instance of its own, with its own pacer,
 * pacing to its part of the share.
 */
export const paceEachQueueInOneProcess = (): void => {
  oneProcessPerQueue = true;
};

/**
 * Sends per second this instance may make from `queue` now; 0: unpaced. Its consumer asks with a message in
 * hand, so its queue counts as having work even when the reading is older than that message. Without a
 * reading (SQS failed), each sending queue paces to an equal part, which keeps the total within the rate.
 */
export const sendRateNow = async (queue: QueueName): Promise<number> => {
  const rate = emailSendRatePerSecond();
  if (!(rate > 0)) return 0;
  const { depths } = await queueDepths(sendingNames);
  const share =
    depths && sendingNames.includes(queue)
      ? shareSendRate(rate, asSendingQueues({ ...depths, [queue]: Math.max(1, depths[queue] ?? 0) }))[queue]
      : rate / sending.length;
  return oneProcessPerQueue
    ? share
    : sendRatePerBatch((queues as Record<QueueName, QueueDefinition>)[queue], share);
};

/** Steps leased since the reading the last lease was counted from: they are queued behind its depth. */
let leasedSince = { at: Number.NaN, steps: 0 };

/**
 * How long the last of `steps` nurture steps leased now may wait before it is sent: `baseMs` unpaced, else
 * that plus the time the steps ahead of it take at the rate nurture can count on (lambdas/domain/send-rate.ts
 * stepLeaseMs), which needs the nurture queue's depth alone. Without a reading, four times the base: too long
 * a lease only delays the retry of a lost message, too short a one queues a waiting step twice.
 */
export const nurtureStepLeaseMs = async (baseMs: number, steps = 1): Promise<number> => {
  const rate = emailSendRatePerSecond();
  if (!(rate > 0)) return baseMs;
  const reading = await queueDepths(['nurture']);
  if (leasedSince.at !== reading.at) leasedSince = { at: reading.at, steps: 0 };
  leasedSince.steps += steps;
  if (!reading.depths) {
    logger.warn('nurture step leased without the queue depths', { leaseMs: 4 * baseMs });
    return 4 * baseMs;
  }
  return stepLeaseMs({
    rate,
    queues: asSendingQueues(reading.depths),
    queue: 'nurture',
    queuedSince: leasedSince.steps,
    baseMs,
  });
};
