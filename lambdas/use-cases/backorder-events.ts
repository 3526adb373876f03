/**
 * Events for the shop's own systems (ERP, CRM): what happened to a backorder or a product, queued as one
 * signed delivery per subscribed endpoint. Producers call this on their hot paths (a signup's confirmation,
 * a restock of 10 000 allocations), so it reads the endpoints at most every 30 s per instance and makes no
 * SQS call at all when nobody listens. Events are at least once: receivers drop repeats by event id.
 */
import type { Backorder } from '../domain/backorder';
import { backorderEvent, subscribes, type ProductEtaEvent, type WebhookEventType } from '../domain/webhook';
import { listWebhooks } from '../store/webhook-store';
import type { WebhookMessage } from '../messages/webhook';
import { enqueueWebhookDeliveries } from '../store/webhook-queue';
import { recent } from '../runtime/recent';

export type BackorderEventType = WebhookEventType;

/** How long an instance trusts its copy of the endpoints: a console change reaches every instance by then. */
const ENDPOINT_CACHE_MS = 30_000;

const endpoints = recent(listWebhooks, ENDPOINT_CACHE_MS);

/** Drops this instance's copy of the endpoints (after the console changed them, and in tests). */
export const forgetWebhookCache = (): void => endpoints.forget();

/** Queues one signed delivery per subscribed endpoint and backorder; no endpoint subscribed → no SQS call. Throws if SQS refuses any. */
export const publishBackorderEvents = async (
  type: BackorderEventType,
  backorders: Backorder[],
  at: string,
  options: { anonymous?: boolean } = {},
): Promise<void> => {
  if (backorders.length === 0) return;
  const subscribed = (await endpoints.get()).filter((webhook) => subscribes(webhook, type));
  if (subscribed.length === 0) return;
  const messages: WebhookMessage[] = [];
  for (const backorder of backorders) {
    const event = backorderEvent(type, backorder, at, options);
    for (const webhook of subscribed) messages.push({ webhookId: webhook.id, event });
  }
  await enqueueWebhookDeliveries(messages);
};

/** Queues a product's event to every subscribed endpoint (none subscribed: no SQS call). */
export const publishProductEvent = async (event: ProductEtaEvent): Promise<void> => {
  const subscribed = (await endpoints.get()).filter((webhook) => subscribes(webhook, event.type));
  if (subscribed.length === 0) return;
  await enqueueWebhookDeliveries(subscribed.map((webhook) => ({ webhookId: webhook.id, event })));
};
