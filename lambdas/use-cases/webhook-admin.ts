/**
 * What marketers do with webhook endpoints in the console: save, read, list and delete them, and see each
 * endpoint's deliveries. A secret is write-only: answers say that one is set and how it ends, never what it is.
 */
import * as z from 'zod';
import { webhookAllowLoopback } from '../runtime/config';
import { NotFoundError, ValidationError } from '../runtime/errors';
import { logger } from '../runtime/logger';
import { resolveHost } from '../runtime/webhook-resolver';
import type { Webhook, WebhookDelivery } from '../domain/webhook';
import { endpointHost, forbiddenMessage, refusedAddress, type EgressPolicy } from '../domain/webhook-address';
import { shownDeliveryError } from '../domain/webhook-failure';
import { webhookIdSchema, webhookSchemaFor } from '../domain/webhook-schema';
import { parseOrThrow } from '../domain/validation';
import { deleteWebhook, getWebhook, listDeliveries, listWebhooks, saveWebhook } from '../store/webhook-store';
import { forgetWebhookCache } from './backorder-events';

export const webhookView = (webhook: Webhook) => {
  const { secret, ...visible } = webhook;
  return { ...visible, active: webhook.active !== false, secretSet: true, secretLast4: secret.slice(-4) };
};

export const deliveryView = (delivery: WebhookDelivery) => {
  const { expiresAt: _expiry, deliveryKey: _key, ...visible } = delivery;
  // Our own words only: a row from before the egress rules may still hold a receiver's body.
  return {
    ...visible,
    lastStatus: delivery.lastStatus ?? null,
    lastError: shownDeliveryError(delivery.lastError),
  };
};

const notFound = (raw: string) => new NotFoundError(`Webhook ${raw} not found`);

const validWebhookId = (raw: string): string => {
  const id = webhookIdSchema.safeParse(raw);
  if (!id.success) throw notFound(raw);
  return id.data;
};

/** How long a save waits for DNS: a name that has not resolved by then counts as not resolving. */
const RESOLVE_TIMEOUT_MS = 3_000;

/** A name's addresses, or none when it does not resolve (now): such a name is checked again at delivery. */
const addressesOf = async (name: string): Promise<string[]> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<[]>((resolve) => {
    timer = setTimeout(() => resolve([]), RESOLVE_TIMEOUT_MS);
  });
  try {
    const found = await Promise.race([resolveHost(name), timeout]);
    return found.map((a) => a.address);
  } catch (error) {
    logger.debug('webhook endpoint name does not resolve; accepted, checked at each delivery', {
      code: (error as NodeJS.ErrnoException).code,
    });
    return [];
  } finally {
    clearTimeout(timer);
  }
};

/**
 * The endpoint's name, resolved now: refused if any of its addresses is private or internal (a round-robin
 * name with one internal address would reach it on some deliveries). The schema has judged an IP literal.
 */
const refuseInternalName = async (url: string, policy: EgressPolicy): Promise<void> => {
  const parsed = new URL(url);
  const host = endpointHost(parsed);
  if (host.kind !== 'name') return;
  for (const address of await addressesOf(host.name)) {
    const range = refusedAddress(address, parsed.protocol, policy);
    if (range) {
      const message = forbiddenMessage(host.name, range, true);
      throw new ValidationError('The webhook is not valid', [{ path: 'url', message }]);
    }
  }
};

export const saveWebhookFromConsole = async (rawId: string, body: unknown) => {
  const id = parseOrThrow(webhookIdSchema, rawId, 'webhook id');
  const policy: EgressPolicy = { allowLoopback: webhookAllowLoopback() };
  const input = parseOrThrow(webhookSchemaFor(policy), body, 'webhook');
  await refuseInternalName(input.url, policy);
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

export const deliveriesQuery = z.object({
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
