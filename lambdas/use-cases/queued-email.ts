/**
 * What the email queues' consumers share: the sender (transactional email), the nurturer (nurture steps) and
 * the alerter (restock alerts). Each queue has its own mailer per Lambda instance, paced to that queue's
 * share of the SES rate, so a burst on one never takes the rate another needs; each message is one email,
 * planned and then sent once.
 */
import { queues, sendRatePerBatch, type QueueDefinition, type QueueName } from '../../lib/platform';
import { emailSendRatePerSecond } from '../runtime/config';
import { logger } from '../runtime/logger';
import { SendPacer } from '../runtime/send-pacer';
import { createMailer, type Delivery } from './deliver-email';

export type Mailer = ReturnType<typeof createMailer>;

/** The queue's mailer, made on first use (the configured rate is read then, not when the module loads). */
export const queueMailer = (queue: QueueName): (() => Mailer) => {
  let mailer: Mailer | undefined;
  return () =>
    (mailer ??= createMailer(
      new SendPacer(
        sendRatePerBatch((queues as Record<QueueName, QueueDefinition>)[queue], emailSendRatePerSecond()),
      ),
    ));
};

/**
 * Handles one message of an email queue: plans its email (or nothing, when there is nothing left to send)
 * and sends it through the queue's mailer; throws to have the message retried.
 */
export const sendPlannedEmail = <M>(
  queue: QueueName,
  plan: (message: M) => Promise<Delivery | null>,
): ((message: M) => Promise<void>) => {
  const mailer = queueMailer(queue);
  return async (message) => {
    const delivery = await plan(message);
    if (!delivery) return;
    const outcome = await mailer().send(delivery);
    logger.debug('email processed', { emailId: delivery.emailId, outcome });
  };
};
