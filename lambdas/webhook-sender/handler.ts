/**
 * Webhook queue consumer. Each record is one event for one endpoint; the records of a batch are delivered
 * concurrently, each with its own 5 s limit, so a slow endpoint never holds up another's events. Failures
 * are reported per record (partial batch response): "not now" answers come back after an exponential
 * backoff, and a malformed message fails at the normal pace until it reaches the dead-letter queue.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
// zod's mini build, as in the email sender: the same validation in a fraction of the bundle.
import * as z from 'zod/mini';
import { queues } from '../../lib/platform';
import { queueUrl } from '../runtime/config';
import { logger } from '../runtime/logger';
import { processQueueBatch } from '../runtime/queue-batch';
import { WEBHOOK_BACKOFF, WEBHOOK_EVENT_TYPES, type Webhook } from '../domain/webhook';
import { getWebhook } from '../store/webhook-store';
import type { WebhookMessage } from '../store/webhook-queue';
import { DeliveryNotYet, deliverWebhook } from '../use-cases/deliver-webhook';

const text = z.string().check(z.minLength(1), z.maxLength(200));

// Checks the shape only: what is posted is the event exactly as it was queued.
const webhookMessage = z.object({
  webhookId: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/)),
  event: z.object({
    id: text,
    type: z.enum(WEBHOOK_EVENT_TYPES),
    createdAt: text,
    data: z.object({ backorder: z.looseObject({ id: text }) }),
  }),
});

type FindWebhook = (id: string) => Promise<Webhook | undefined>;

export const deliverRecord = async (record: SQSRecord, findWebhook: FindWebhook): Promise<void> => {
  const raw: unknown = JSON.parse(record.body);
  webhookMessage.parse(raw);
  const outcome = await deliverWebhook(raw as WebhookMessage, {
    receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'),
    maxReceiveCount: queues.webhook.maxReceiveCount,
    findWebhook,
  });
  logger.debug('webhook event processed', { messageId: record.messageId, outcome });
};

export const sendWebhooks = (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
  // One read per endpoint per batch, however many of its events the batch holds.
  const endpoints = new Map<string, Promise<Webhook | undefined>>();
  const findWebhook: FindWebhook = (id) => {
    let found = endpoints.get(id);
    if (!found) {
      found = getWebhook(id);
      endpoints.set(id, found);
    }
    return found;
  };
  return processQueueBatch(
    event,
    context,
    queueUrl('webhook'),
    (record) => deliverRecord(record, findWebhook),
    {
      // On the queue's last try no backoff: the message should reach the dead-letter queue without delay.
      isTransient: (error) => error instanceof DeliveryNotYet && !error.final,
      backoff: WEBHOOK_BACKOFF,
    },
  );
};

export const handler = middy(sendWebhooks).use(injectLambdaContext(logger));
