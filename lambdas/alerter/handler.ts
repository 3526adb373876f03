/**
 * Alert queue consumer: restock alerts, a batch at a time. The batch is claimed in the send ledger with one
 * request and recorded with one, so an alert costs little more than its SES call; each record still succeeds
 * or fails on its own (partial batch response), throttled ones come back with backoff, poison ones reach the
 * dead-letter queue.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { queues, sendRatePerBatch } from '../../lib/platform';
import { emailSendRatePerSecond, queueUrl } from '../runtime/config';
import { logger } from '../runtime/logger';
import { backOff, isTransientFailure } from '../runtime/retry-backoff';
import { SendPacer } from '../runtime/send-pacer';
import { createMailer } from '../use-cases/deliver-email';
import { planRestockAlert } from '../use-cases/plan-restock-alert';

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

const restockAlert = z.object({
  kind: z.literal('restock'),
  backorderId: text(200),
  sku: text(64),
  productName: text(400),
  quantity: z.int().check(z.gte(1)),
  email: z.email(),
  name: z.optional(z.string().check(z.maxLength(200))),
  statusToken: text(200),
  allocatedAt: text(40),
});

let mailer: ReturnType<typeof createMailer> | undefined;

export const sendAlerts = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  mailer ??= createMailer(new SendPacer(sendRatePerBatch(queues.alert, emailSendRatePerSecond())));
  const failures: SQSBatchItemFailure[] = [];
  const transient: SQSRecord[] = [];
  const valid: { record: SQSRecord; alert: z.infer<typeof restockAlert> }[] = [];
  for (const record of event.Records) {
    try {
      valid.push({ record, alert: restockAlert.parse(JSON.parse(record.body)) });
    } catch (error) {
      // Poison: it fails every time and so reaches the dead-letter queue.
      logger.error('malformed restock alert', {
        messageId: record.messageId,
        error: (error as Error).message,
      });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  try {
    const outcomes = await mailer.sendBatch(valid.map(({ alert }) => planRestockAlert(alert)));
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') return;
      const { record } = valid[i];
      failures.push({ itemIdentifier: record.messageId });
      if (isTransientFailure(outcome.reason)) transient.push(record);
      else
        logger.error('restock alert failed', { messageId: record.messageId, error: String(outcome.reason) });
    });
  } catch (error) {
    // The batch claim itself failed (DynamoDB unavailable): every record is retried, none was sent.
    logger.warn('restock alert batch failed', { error: (error as Error).message });
    for (const { record } of valid) {
      failures.push({ itemIdentifier: record.messageId });
      if (isTransientFailure(error)) transient.push(record);
    }
  }
  if (transient.length > 0) await backOff(queueUrl('alert'), transient);
  return { batchItemFailures: failures };
};

export const handler = middy(sendAlerts).use(injectLambdaContext(logger));
