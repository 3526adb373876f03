/**
 * Outbound webhooks, the pure part: which events exist, what an event's body looks like, and how one
 * delivery attempt's answer decides what happens next (delivered, retried with backoff, or failed for good).
 * No zod and no AWS here, so the webhook sender stays small.
 */
import { kindOf, type Backorder, type BackorderKind, type ShopOrder } from './backorder';

export const WEBHOOK_EVENT_TYPES = [
  'backorder.created',
  'backorder.cancelled',
  'backorder.allocated',
  'backorder.fulfilled',
  /** A reservation's hold ran out before the shopper ordered: its units went back to the queue. */
  'backorder.expired',
  /** A product's expected restock date moved, and its waiting shoppers are being told (lambdas/domain/eta.ts). */
  'product.eta_changed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** An endpoint as stored: the secret signs every delivery and never leaves the platform again. */
export interface Webhook {
  id: string;
  url: string;
  secret: string;
  events: WebhookEventType[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export const DELIVERY_STATES = ['pending', 'delivered', 'failed', 'dead', 'blocked'] as const;
/**
 * pending: not delivered yet, retrying; delivered: a 2xx answer; failed: refused for good (a 4xx other than
 * 408/429, or a redirect), not retried; dead: retries exhausted, the message is in the dead-letter queue;
 * blocked: not sent, the endpoint's address is private or internal (lambdas/domain/webhook-address.ts).
 */
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export interface WebhookDelivery {
  webhookId: string;
  /** `<event createdAt>#<event id>`: newest first is a descending query. */
  deliveryKey: string;
  eventId: string;
  eventType: WebhookEventType;
  /** The backorder a backorder event is about. */
  backorderId?: string;
  /** The product a product event is about. */
  sku?: string;
  /** When the event happened. */
  createdAt: string;
  state: DeliveryState;
  attempts: number;
  lastStatus?: number;
  lastError?: string;
  lastAttemptAt: string;
  deliveredAt?: string;
  /** Epoch seconds: the row expires 30 days after its last attempt. */
  expiresAt: number;
}

/**
 * The backorder as receivers see it: no tokens, hashes or internal keys. (Type aliases, not interfaces, so an
 * event is a webhook queue message's event as lambdas/messages/webhook.ts checks it, open to more fields.)
 */
export type BackorderEventData = {
  id: string;
  sku: string;
  /** null when the event must carry no personal data (the cancel of a shopper's erasure). */
  email: string | null;
  name: string | null;
  company: string | null;
  segment: string;
  quantity: number;
  status: string;
  kind: BackorderKind;
  /** A paid order's (the ERP ships it on `backorder.allocated`), or the order a fulfil named. */
  order?: ShopOrder;
  createdAt: string;
};

export type BackorderEvent = {
  /** `<type>:<backorder id>`: the same event always has the same id, so receivers can drop repeats. */
  id: string;
  type: WebhookEventType;
  createdAt: string;
  data: { backorder: BackorderEventData };
};

/**
 * The event body. `anonymous` leaves out whatever names the shopper (address, name, company): an erasure
 * cancels the shopper's backorders, and the shop hears of the cancel without being handed the data the
 * shopper asked to erase.
 */
export const backorderEvent = (
  type: WebhookEventType,
  backorder: Backorder,
  at: string,
  options: { anonymous?: boolean } = {},
): BackorderEvent => ({
  id: `${type}:${backorder.id}`,
  type,
  createdAt: at,
  data: {
    backorder: {
      id: backorder.id,
      sku: backorder.sku,
      email: options.anonymous || backorder.erasedAt ? null : backorder.email,
      name: options.anonymous ? null : (backorder.name ?? null),
      company: options.anonymous ? null : (backorder.company ?? null),
      segment: backorder.segment,
      quantity: backorder.quantity,
      status: backorder.status,
      kind: kindOf(backorder),
      ...(backorder.order ? { order: backorder.order } : {}),
      createdAt: backorder.createdAt,
    },
  },
});

/** A product's expected date moved: announced once per window (`id` names the announcement). */
export type ProductEtaEvent = {
  id: string;
  type: 'product.eta_changed';
  createdAt: string;
  data: { sku: string; expectedRestockDate: string | null; previous: string | null };
};

export const productEtaEvent = (
  sku: string,
  version: number,
  change: { expectedRestockDate: string | null; previous: string | null },
  at: string,
): ProductEtaEvent => ({
  id: `product.eta_changed:${sku}:${version}`,
  type: 'product.eta_changed',
  createdAt: at,
  data: { sku, ...change },
});

export const deliveryKeyOf = (event: Pick<BackorderEvent, 'id' | 'createdAt'>): string =>
  `${event.createdAt}#${event.id}`;

/** Whether an endpoint wants this event now. */
export const subscribes = (webhook: Pick<Webhook, 'active' | 'events'>, type: WebhookEventType): boolean =>
  webhook.active !== false && webhook.events.includes(type);

/** How long a receiver has to answer; a slow endpoint holds up only its own delivery. */
export const DELIVERY_TIMEOUT_MS = 5_000;

/**
 * What an HTTP status means for a delivery. 2xx: delivered. 408, 429 and 5xx are the receiver saying "not
 * now": retried. Anything else (other 4xx, and 3xx since redirects are never followed: the signed request
 * would go somewhere the shop did not configure) will not change by retrying: failed, shown in the console.
 */
export const verdictFor = (status: number): 'delivered' | 'retry' | 'failed' => {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'failed';
};

/** Webhook retries wait 10 s, 20 s, 40 s … up to 15 minutes (SQS's own visibility limit is far above). */
export const WEBHOOK_BACKOFF = { baseSeconds: 10, maxSeconds: 900 } as const;

/**
 * Whether this receive is the last before the queue moves the message to its dead-letter queue: a failure
 * now is final, so it is recorded as `dead` rather than `pending`.
 */
export const isLastAttempt = (receiveCount: number, maxReceiveCount: number): boolean =>
  receiveCount >= maxReceiveCount;

/** The failure as one short line for the console: no stack, no newlines, at most 200 characters. */
export const shortError = (text: string): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
};
