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
import { planRestockAlert } from '../use-cases/plan-restock-alert';
import { queueMailer } from '../use-cases/queued-email';

const mailer = queueMailer('alert');

export const sendAlerts = consumeBatch({
  queue: 'alert',
  schema: restockAlertMessage,
  handleBatch: (alerts) => mailer().sendBatch(alerts.map(({ message }) => planRestockAlert(message))),
});

export const handler = middy(sendAlerts).use(injectLambdaContext(logger));
