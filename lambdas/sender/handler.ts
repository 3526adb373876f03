/**
 * Email queue consumer: transactional email (confirmations, status links, "my links", test sends, supplier
 * batches).
 * Each record is one email; failures are reported per record (partial batch response) so one bad message
 * never re-sends the others, and poison messages end in the dead-letter queue. Nurture steps have their own
 * queue and consumer (lambdas/nurturer), so a marketing burst never holds up a confirmation.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { emailQueueMessage, type EmailQueueMessage } from '../messages/email';
import { logger } from '../runtime/logger';
import { consumeEach } from '../runtime/queue-consumer';
import { planDelivery } from '../use-cases/plan-delivery';
import { sendPlannedEmail } from '../use-cases/queued-email';

const plan = (message: EmailQueueMessage) => {
  if (message.kind !== 'nurture') return planDelivery(message);
  logger.info('nurture step on the email queue left to the sweeper, which queues it on the nurture queue');
  return Promise.resolve(null);
};

export const sendEmails = consumeEach({
  queue: 'email',
  schema: emailQueueMessage,
  handle: sendPlannedEmail('email', plan),
});

export const handler = middy(sendEmails).use(injectLambdaContext(logger));
