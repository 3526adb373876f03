/**
 * Alert queue consumer: restock alerts, a batch at a time. The batch is claimed in the send ledger with one
 * request and recorded with one, so an alert costs little more than its SES call; each record still succeeds
 * or fails on its own (partial batch response), throttled ones come back with backoff, poison ones reach the
 * dead-letter queue. If the batch claim itself fails (DynamoDB unavailable), none was sent and every record
 * is retried.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { restockAlertMessage } from '../messages/alert';
import { logger } from '../runtime/logger';
import { consumeBatch } from '../runtime/queue-consumer';
import type { Mailer } from '../use-cases/queued-email';
import { loadOnce } from '../runtime/load-once';

const loadQueuedEmail = loadOnce(() => import('../use-cases/queued-email'));
const loadPlanRestockAlert = loadOnce(() => import('../use-cases/plan-restock-alert'));

let mailing: Promise<Mailer> | undefined;
/** The alert queue's mailer, loaded with the first batch rather than with the function, and made once. */
const mailer = () => (mailing ??= loadQueuedEmail().then(({ queueMailer }) => queueMailer('alert')()));

export const sendAlerts = consumeBatch({
  queue: 'alert',
  schema: restockAlertMessage,
  handleBatch: async (alerts) => {
    const [sender, { planRestockAlert }] = await Promise.all([mailer(), loadPlanRestockAlert()]);
    return sender.sendBatch(alerts.map(({ message }) => planRestockAlert(message)));
  },
});

export const handler = middy(sendAlerts).use(injectLambdaContext(logger));
