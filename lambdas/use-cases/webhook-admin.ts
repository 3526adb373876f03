/**
 * What marketers do with webhook endpoints in the console: save, read, list and delete them, and see each
 * endpoint's deliveries. A secret is write-only: answers say that one is set and how it ends, never what it is.
 */
import * as z from 'zod';
import { NotFoundError } from '../shared/errors';
import type { Webhook, WebhookDelivery } from '../domain/webhook';
import { webhookIdSchema, webhookSchema } from '../domain/webhook-schema';
import { parseOrThrow } from '../domain/validation';
import { deleteWebhook, getWebhook, listDeliveries, listWebhooks, saveWebhook } from '../store/webhook-store';
import { forgetWebhookCache } from './backorder-events';

export const webhookView = (webhook: Webhook) => {
  const { secret, ...visible } = webhook;
  return { ...visible, active: webhook.active !== false, secretSet: true, secretLast4: secret.slice(-4) };
};

export const deliveryView = (delivery: WebhookDelivery) => {
  const { expiresAt: _expiry, deliveryKey: _key, ...visible } = delivery;
  return { ...visible, lastStatus: delivery.lastStatus ?? null, lastError: delivery.lastError ?? null };
};

const notFound = (raw: string) => new NotFoundError(`Webhook ${raw} not found`);

const validWebhookId = (raw: string): string => {
  const id = webhookIdSchema.safeParse(raw);
  if (!id.success) throw notFound(raw);
  return id.data;
};

export const saveWebhookFromConsole = async (rawId: string, body: unknown) => {
  const id = parseOrThrow(webhookIdSchema, rawId, 'webhook id');
  const input = parseOrThrow(webhookSchema, body, 'webhook');
  const { webhook, created } = await saveWebhook(id, input);
  // This instance publishes with the new endpoint at once; the others within their cache's 30 s.
  forgetWebhookCache();
  return { webhook: webhookView(webhook), created };
};

export const webhookById = async (rawId: string) => {
  const webhook = await getWebhook(validWebhookId(rawId));
  if (!webhook) throw notFound(rawId);
  return webhookView(webhook);
};

export const allWebhooks = async () => ({ items: (await listWebhooks()).map(webhookView) });

export const removeWebhook = async (rawId: string) => {
  if (!(await deleteWebhook(validWebhookId(rawId)))) throw notFound(rawId);
  forgetWebhookCache();
  return { id: rawId, deleted: true };
};

const deliveriesQuery = z.object({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

/** An endpoint's deliveries, newest first; those of a deleted endpoint are gone with it from the console. */
export const webhookDeliveries = async (rawId: string, query: Record<string, string>) => {
  const { cursor, limit } = parseOrThrow(deliveriesQuery, query, 'query');
  const id = validWebhookId(rawId);
  if (!(await getWebhook(id))) throw notFound(rawId);
  const page = await listDeliveries(id, { cursor, limit });
  return { items: page.items.map(deliveryView), cursor: page.cursor };
};
