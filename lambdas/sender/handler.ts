/**
 * Email queue consumer: transactional email (confirmations, status links, "my links", test sends, supplier
 * batches).
 * Each record is one email; failures are reported per record (partial batch response) so one bad message
 * never re-sends the others, and poison messages end in the dead-letter queue. Nurture steps have their own
 * queue and consumer (lambdas/nurturer), so a marketing burst never holds up a confirmation.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
// zod's mini build: the same validation, a tenth of the bundle (the sender must stay small to start fast).
import * as z from 'zod/mini';
import { logger } from '../runtime/logger';
import { planDelivery } from '../use-cases/plan-delivery';
import { emailQueueConsumer } from './email-consumer';

const id = z.string().check(z.minLength(1), z.maxLength(200));

const emailMessage = z.discriminatedUnion('kind', [
  // (Confirmations queued before links were issued at compose time also carried tokens: they are ignored.)
  z.object({ kind: z.literal('confirmation'), backorderId: id }),
  z.object({
    kind: z.literal('links'),
    emailKey: z.string().check(z.minLength(3), z.maxLength(254)),
    emailId: id,
  }),
  z.object({ kind: z.literal('test'), testId: id, campaignId: id, stepId: id, to: z.email() }),
  z.object({ kind: z.literal('supplierBatch'), supplierId: id, batchId: id }),
  z.object({ kind: z.literal('statusLink'), backorderId: id, requestId: id, requestedBy: id }),
  // A nurture step queued here before nurture email had its own queue: left alone, not failed into the
  // dead-letter queue, because its sweeper lease lapses and the sweeper queues it again on the nurture queue.
  z.object({ kind: z.literal('nurture') }),
]);

const sender = emailQueueConsumer(
  'email',
  (body) => emailMessage.parse(body),
  (message) => {
    if (message.kind !== 'nurture') return planDelivery(message);
    logger.info('nurture step on the email queue left to the sweeper, which queues it on the nurture queue');
    return Promise.resolve(null);
  },
);

export const deliverRecord = sender.deliverRecord;

export const sendEmails = sender.consume;

export const handler = middy(sendEmails).use(injectLambdaContext(logger));
