/**
 * The webhook queue's messages: one per event and endpoint, so each endpoint's deliveries are retried,
 * delayed and dead-lettered on their own.
 */
import { sendMessages } from '../runtime/sqs';
import { queueUrl } from '../runtime/config';
import type { BackorderEvent } from '../domain/webhook';

export interface WebhookMessage {
  webhookId: string;
  /** The whole event: the sender signs and posts exactly this, whenever it gets to it. */
  event: BackorderEvent;
}

/** Queues deliveries ten per request, a few requests at once; throws if any entry was refused. */
export const enqueueWebhookDeliveries = (messages: WebhookMessage[]): Promise<void> =>
  sendMessages(
    queueUrl('webhook'),
    messages.map((message) => JSON.stringify(message)),
  );
