/**
 * What the two email queue consumers share: the sender (transactional email) and the nurturer (nurture
 * steps). Each record is one email, planned and then sent once through a mailer paced to the queue's own
 * share of the SES rate; failures are reported per record, transient ones retried with backoff on that queue.
 */
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { queues, sendRatePerBatch, type QueueDefinition, type QueueName } from '../../lib/platform';
import { emailSendRatePerSecond, queueUrl } from '../runtime/config';
import { logger } from '../runtime/logger';
import { processQueueBatch } from '../runtime/queue-batch';
import { SendPacer } from '../runtime/send-pacer';
import { createMailer, type Delivery } from '../use-cases/deliver-email';

export interface EmailQueueConsumer {
  /** Sends the email one record names (or nothing, when there is nothing left to send); throws to retry it. */
  deliverRecord(record: SQSRecord): Promise<void>;
  consume(event: SQSEvent, context?: Context): Promise<SQSBatchResponse>;
}

export const emailQueueConsumer = <M>(
  queue: QueueName,
  /** Validates a record's JSON body; throws on a malformed (poison) message. */
  parse: (body: unknown) => M,
  plan: (message: M) => Promise<Delivery | null>,
): EmailQueueConsumer => {
  let mailer: ReturnType<typeof createMailer> | undefined;
  const deliverRecord = async (record: SQSRecord): Promise<void> => {
    mailer ??= createMailer(
      new SendPacer(
        sendRatePerBatch((queues as Record<QueueName, QueueDefinition>)[queue], emailSendRatePerSecond()),
      ),
    );
    const delivery = await plan(parse(JSON.parse(record.body)));
    if (!delivery) return;
    const outcome = await mailer.send(delivery);
    logger.debug('email processed', { emailId: delivery.emailId, outcome });
  };
  return {
    deliverRecord,
    consume: (event, context) => processQueueBatch(event, context, queueUrl(queue), deliverRecord),
  };
};
