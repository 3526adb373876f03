/**
 * Email queue consumer: transactional email (confirmations, status links, "my links", test sends, supplier
 * batches).
 * Each record is one email, sent a batch at a time; failures are reported per record (partial batch
 * response) so one bad message never re-sends the others, and poison messages end in the dead-letter queue. Nurture steps have their own
 * queue and consumer (lambdas/nurturer), so a marketing burst never holds up a confirmation.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { emailQueueMessage, type EmailMessage, type EmailQueueMessage } from '../messages/email';
import type { Delivery } from '../use-cases/deliver-email';
import { logger } from '../runtime/logger';
import { consumeBatch } from '../runtime/queue-consumer';
import { loadOnce } from '../runtime/load-once';

const loadPlanDelivery = loadOnce(() => import('../use-cases/plan-delivery'));
const loadQueuedEmail = loadOnce(() => import('../use-cases/queued-email'));

/** The batch's emails; a nurture step on this queue (from before nurture had its own) is the sweeper's. */
const planBatch = async (messages: EmailQueueMessage[]): Promise<PromiseSettledResult<Delivery | null>[]> => {
  const { planDeliveries } = await loadPlanDelivery();
  const emails = messages.filter((m): m is EmailMessage => m.kind !== 'nurture');
  if (emails.length < messages.length)
    logger.info('nurture step on the email queue left to the sweeper, which queues it on the nurture queue');
  const planned = await planDeliveries(emails);
  let next = 0;
  return messages.map((m) => (m.kind === 'nurture' ? { status: 'fulfilled', value: null } : planned[next++]));
};

type SendBatch = (batch: { message: EmailQueueMessage }[]) => Promise<PromiseSettledResult<unknown>[]>;
let sending: Promise<SendBatch> | undefined;
/**
 * The mailer, loaded with the first batch rather than with the function (the planners, the stores, the
 * template engine, the MIME writer and the AWS SDK clients come with it), and made once per instance. Each
 * message is planned on its own; the ledger claims the batch's emails in one request and records their
 * sends in another, as the nurturer's and the alerter's, and its confirmations read what they need once.
 */
const sendBatch = () =>
  (sending ??= loadQueuedEmail().then(({ sendPlannedBatch }) => sendPlannedBatch('email', planBatch)));

export const sendEmails = consumeBatch({
  queue: 'email',
  schema: emailQueueMessage,
  handleBatch: async (batch) => (await sendBatch())(batch),
});

export const handler = middy(sendEmails).use(injectLambdaContext(logger));
