/**
 * What the email queues' consumers share: the sender (transactional email), the nurturer (nurture steps) and
 * the alerter (restock alerts). Each queue has one pacer per Lambda instance, asking before each send for the
 * queue's current share of the SES rate (lambdas/use-cases/send-rate.ts): what the transactional and alert
 * backlogs need first, every unit left to nurture; each message is one email, planned and then sent once,
 * a batch at a time.
 */
import type { QueueName } from '../../lib/platform';
import { SendPacer } from '../runtime/send-pacer';
import { createMailer, type Delivery } from './deliver-email';
import { sendRateNow } from './send-rate';

export type Mailer = ReturnType<typeof createMailer>;

/**
 * A second of the rate a pacer may send at once: what its batch could not send while it read and recorded,
 * so the rate is used while the batch works (lambdas/runtime/send-pacer.ts).
 */
const BURST_SECONDS = 1;

/** One pacer per queue and instance, however many mailers are made for it: together they keep its rate. */
const pacers = new Map<QueueName, SendPacer>();
const pacerOf = (queue: QueueName): SendPacer => {
  let pacer = pacers.get(queue);
  if (!pacer) {
    pacer = new SendPacer(() => sendRateNow(queue), undefined, undefined, BURST_SECONDS);
    pacers.set(queue, pacer);
  }
  return pacer;
};

/** The queue's mailer, made on first use (the configured rate is read at each send, not when the module loads). */
export const queueMailer = (queue: QueueName): (() => Mailer) => {
  let mailer: Mailer | undefined;
  return () => (mailer ??= createMailer(pacerOf(queue)));
};

/**
 * Handles a batch of an email queue's messages together: plans their emails at once (a planner that reads
 * what the batch needs once) and sends them as one batch through the queue's mailer (ledger claims and
 * records a batch at a time). Answers each message's outcome, in order.
 */
export const sendPlannedBatch = <M>(
  queue: QueueName,
  planBatch: (messages: M[]) => Promise<PromiseSettledResult<Delivery | null>[]>,
): ((batch: { message: M }[]) => Promise<PromiseSettledResult<unknown>[]>) => {
  const mailer = queueMailer(queue);
  return async (batch) => {
    const planned = await planBatch(batch.map(({ message }) => message));
    const deliveries = planned.flatMap((plan) =>
      plan.status === 'fulfilled' && plan.value ? [plan.value] : [],
    );
    const sent = deliveries.length > 0 ? await mailer().sendBatch(deliveries) : [];
    let next = 0;
    return planned.map((plan): PromiseSettledResult<unknown> => {
      if (plan.status === 'rejected') return plan;
      return plan.value ? sent[next++] : { status: 'fulfilled', value: 'nothing to send' };
    });
  };
};
