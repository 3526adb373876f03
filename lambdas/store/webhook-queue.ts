/**
 * Queues webhook deliveries: one message per event and endpoint (the message: lambdas/messages/webhook.ts),
 * so each endpoint's deliveries are retried, delayed and dead-lettered on their own.
 */
import type { WebhookMessage } from '../messages/webhook';
import { sendMessages } from '../runtime/sqs';
import { queueUrl } from '../runtime/config';

/** Queues deliveries ten per request, a few requests at once; throws if any entry was refused. */
export const enqueueWebhookDeliveries = (messages: readonly WebhookMessage[]): Promise<void> =>
  sendMessages(
    queueUrl('webhook'),
    messages.map((message) => JSON.stringify(message)),
  );
