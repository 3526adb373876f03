/**
 * The webhook queue's message: one per event and endpoint, so each endpoint's deliveries are retried,
 * delayed and dead-lettered on their own. Queued by lambdas/store/webhook-queue.ts, read by
 * lambdas/webhook-sender.
 *
 * The event is checked for what delivering it needs only: the sender signs and posts the event as it was
 * queued (lambdas/domain/webhook.ts builds it), byte for byte, and with any field a later version adds.
 */
import * as z from 'zod/mini';
import { WEBHOOK_EVENT_TYPES } from '../domain/webhook';
import { id, sku, text } from './fields';

export const webhookMessage = z.object({
  webhookId: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/)),
  // Loose objects: fields this version does not know are kept, and posted.
  event: z.looseObject({
    id,
    type: z.enum(WEBHOOK_EVENT_TYPES),
    createdAt: text(200),
    // A backorder event names its backorder; a product event its SKU.
    data: z.union([z.looseObject({ backorder: z.looseObject({ id }) }), z.looseObject({ sku })]),
  }),
});

export type WebhookMessage = z.infer<typeof webhookMessage>;

/** The event as the sender posts it. */
export type QueuedEvent = WebhookMessage['event'];
