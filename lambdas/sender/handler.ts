/**
 * Email queue consumer. Each record is one email; failures are reported per record (partial batch response)
 * so one bad message never re-sends the others, and poison messages end in the dead-letter queue.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
// zod's mini build: the same validation, a tenth of the bundle (the sender must stay small to start fast).
import * as z from 'zod/mini';
import { queues, sendRatePerBatch } from '../../lib/platform';
import { emailSendRatePerSecond, queueUrl } from '../shared/config';
import { processQueueBatch } from '../shared/queue-batch';
import { logger } from '../shared/http';
import { SendPacer } from '../shared/send-pacer';
import { createMailer } from '../use-cases/deliver-email';
import { planDelivery } from '../use-cases/plan-delivery';

const id = z.string().check(z.minLength(1), z.maxLength(200));

const emailMessage = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('confirmation'),
    backorderId: id,
    statusToken: id,
    consentToken: z.optional(id),
  }),
  z.object({
    kind: z.literal('nurture'),
    backorderId: id,
    campaignId: id,
    stepId: id,
    stepIndex: z.int().check(z.gte(0)),
  }),
  z.object({ kind: z.literal('test'), testId: id, campaignId: id, stepId: id, to: z.email() }),
  z.object({ kind: z.literal('supplierBatch'), supplierId: id, batchId: id }),
  z.object({
    kind: z.literal('statusLink'),
    backorderId: id,
    requestId: id,
    statusToken: id,
    requestedBy: id,
  }),
]);

let mailer: ReturnType<typeof createMailer> | undefined;

export const deliverRecord = async (record: SQSRecord): Promise<void> => {
  mailer ??= createMailer(new SendPacer(sendRatePerBatch(queues.email, emailSendRatePerSecond())));
  const message = emailMessage.parse(JSON.parse(record.body));
  const delivery = await planDelivery(message);
  if (!delivery) return;
  const outcome = await mailer.send(delivery);
  logger.debug('email processed', { emailId: delivery.emailId, outcome });
};

export const sendEmails = (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> =>
  processQueueBatch(event, context, queueUrl('email'), deliverRecord);

export const handler = middy(sendEmails).use(injectLambdaContext(logger));
