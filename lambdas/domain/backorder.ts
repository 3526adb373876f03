/**
 * The backorder: what a shopper asked for, where they stand, and what happened to it. Pure rules only;
 * persistence lives in lambdas/store/.
 */
import { shardOf } from './shards';

export const SEGMENTS = ['b2c', 'b2b'] as const;
export type Segment = (typeof SEGMENTS)[number];

export const STATUSES = ['waiting', 'allocated', 'fulfilled', 'cancelled', 'expired'] as const;
export type BackorderStatus = (typeof STATUSES)[number];

/** Statuses in which a shopper holds a claim on the product: a second signup returns this backorder. */
export const ACTIVE_STATUSES: readonly BackorderStatus[] = ['waiting', 'allocated'];

export type BackorderEventType =
  | 'created'
  | 'cancelled'
  | 'allocated'
  | 'fulfilled'
  | 'consent_confirmed'
  /** The hold ran out before the shopper ordered: the units went back to the queue. */
  | 'expired'
  /** The one reminder that the hold ends soon was queued. */
  | 'reminded'
  /** Customer service extended the hold (once). */
  | 'hold_extended'
  /** The shopper followed the "complete your order" link (recorded once). */
  | 'checkout_clicked'
  /** Asked after the expected date slipped far, the shopper chose to keep their place (lambdas/domain/eta.ts). */
  | 'eta_kept'
  /** The shopper had their personal data erased; the backorder stays as an anonymous record. */
  | 'erased';

/**
 * A reservation is a shopper's signup: units set aside when they arrive, held for a while for the shopper to
 * buy. An order was paid for already at the shop's checkout: it queues like the others but never expires,
 * and its allocation tells the shop's ERP to ship it.
 */
export const KINDS = ['reservation', 'order'] as const;
export type BackorderKind = (typeof KINDS)[number];

/** Money in minor units (cents), as shops and payment providers count it. */
export interface Amount {
  value: number;
  currency: string;
}

/** The shop's order behind a backorder: a paid order's from the start, a reservation's once fulfilled. */
export interface ShopOrder {
  id: string;
  amount?: Amount;
}

export interface BackorderEvent {
  at: string;
  type: BackorderEventType;
  /** Who caused it: "shopper", "system", or the administrator's identity. */
  by?: string;
}

export interface Backorder {
  id: string;
  sku: string;
  email: string;
  /** Lower-cased, trimmed email: the identity of a shopper. */
  emailKey: string;
  quantity: number;
  name?: string;
  company?: string;
  segment: Segment;
  marketingConsent: boolean;
  locale: string;
  /** The shopper's IANA time zone, as their browser said at signup: times in emails are shown in it. */
  timeZone?: string;
  /** Absent on backorders from before paid orders: those are reservations. */
  kind?: BackorderKind;
  order?: ShopOrder;
  status: BackorderStatus;
  createdAt: string;
  updatedAt: string;
  /** createdAt#id: the order of listings (console, a shopper's backorders), oldest first. */
  queueKey: string;
  /**
   * The place-in-line ticket (lambdas/domain/queue-tickets.ts): the queue's order is the tickets' order.
   * Absent on backorders from before tickets, which wait ahead of every ticket, in `queueKey` order.
   */
  ticket?: number;
  /**
   * SHA-256 of the *page links* issued: the status link a signup answers over HTTP, to whoever typed the
   * address. A page link reads and cancels this one backorder, nothing more.
   */
  statusTokenHashes: string[];
  /**
   * SHA-256 of the *email links* issued: every link the platform emailed to the backorder's address
   * (confirmation, nurture steps, restock alert, a resent status link, "my links"). Holding one proves access
   * to the mailbox, so it also exports and erases the shopper's data. Absent on rows that never had one.
   */
  emailTokenHashes?: string[];
  /** When marketing consent became effective: at signup, or when confirmed under double opt-in. */
  consentedAt?: string;
  /** When free units were set aside for it (status `allocated`). */
  allocatedAt?: string;
  /** While allocated with a hold: when the units go back to the queue unless the shop fulfils first. */
  holdUntil?: string;
  /** When customer service extended the hold (once). */
  holdExtendedAt?: string;
  /** When the hold's reminder was queued. */
  remindedAt?: string;
  /** When the shopper first followed the link to the shop's checkout. */
  checkoutClickedAt?: string;
  /** The product's expected date when the shopper signed up: how far a later date slipped is measured from it. */
  etaAtSignup?: string;
  /** The latest expected-date announcement emailed to this backorder, and the date it told. */
  etaNotified?: number;
  etaTold?: string | null;
  /** The last time an announcement asked the shopper to keep their place or cancel. */
  etaAsk?: { version: number; date: string | null; askedAt: string };
  /** Their answer "keep my place" to the ask of `version`. */
  etaKept?: { version: number; date: string | null; at: string };
  events: BackorderEvent[];
  /**
   * Erasure (the shopper's right to be forgotten): set when it starts, on the backorder whose link asked for
   * it. From then on its status link answers 404, while the erase completes (or is completed by a retry).
   */
  erasingAt?: string;
  /**
   * Set once this backorder is anonymous: no email, name, company or status tokens are stored any more
   * (`email` and `emailKey` read as empty strings). Only `sku`, `quantity`, `status`, dates and events remain.
   */
  erasedAt?: string;
  /** The backorder whose link asked for the erasure (where a retry resumes it). */
  erasedVia?: string;
  /** Hashes of the status tokens it had, kept only so that repeating the erase request answers the same. */
  erasedTokenHashes?: string[];
}

/** Which link a token is: a page link (returned over HTTP) or an email link (sent to the shopper's address). */
export type LinkStrength = 'page' | 'email';

/** Statuses after which nothing more happens to a backorder. */
export const CLOSED_STATUSES: readonly BackorderStatus[] = ['fulfilled', 'cancelled', 'expired'];

export const kindOf = (backorder: Pick<Backorder, 'kind'>): BackorderKind => backorder.kind ?? 'reservation';

/**
 * A reservation whose units are held for the shopper to order: allocated, with a hold's end. The keeper
 * reminds and expires only these; the claim link leads to the checkout only for these.
 */
export const isHeld = (
  backorder: Backorder | undefined,
): backorder is Backorder & { holdUntil: string; allocatedAt: string } =>
  backorder?.status === 'allocated' &&
  kindOf(backorder) === 'reservation' &&
  backorder.holdUntil !== undefined &&
  backorder.allocatedAt !== undefined;

/** How long the links of a closed backorder keep working: long enough to look back, not forever. */
export const LINK_LIFETIME_AFTER_CLOSE_MS = 90 * 24 * 3_600_000;

/** When a backorder closed (its last cancel or fulfil), or undefined while it is still open. */
export const closedAt = (backorder: Pick<Backorder, 'status' | 'events'>): string | undefined => {
  if (!CLOSED_STATUSES.includes(backorder.status)) return undefined;
  const closing = backorder.events.filter((e) => (CLOSED_STATUSES as readonly string[]).includes(e.type));
  return closing.at(-1)?.at;
};

/** Whether the backorder's links (page and email) have expired: 90 days after it closed. */
export const linksExpired = (backorder: Pick<Backorder, 'status' | 'events'>, nowMs: number): boolean => {
  const closed = closedAt(backorder);
  return closed !== undefined && nowMs - Date.parse(closed) > LINK_LIFETIME_AFTER_CLOSE_MS;
};

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export const queueKeyOf = (createdAt: string, id: string): string => `${createdAt}#${id}`;

/**
 * Shards of each backorder listing (by SKU, waiting by SKU, all): a drop's signups on one product write
 * LIST_SHARDS index keys instead of one, each well under DynamoDB's 1 000 writes a second per key at 5 000
 * signups a second (ARCHITECTURE.md, "Places in the queue"); readers merge them back in order.
 */
export const LIST_SHARDS = 16;

/** The stored listing keys of a backorder: its shard of the SKU's listings and of the listing of all. */
export const listKeysOf = (backorder: Pick<Backorder, 'id' | 'sku'>) => {
  const shard = shardOf(backorder.id, LIST_SHARDS);
  return { skuShard: `${backorder.sku}#${shard}`, listPartition: `all#${shard}` };
};

/** The partition values of a listing's shards: `<base>#0` … `<base>#15`. */
export const listPartitions = (base: string): string[] =>
  Array.from({ length: LIST_SHARDS }, (_, shard) => `${base}#${shard}`);

/** 1-based place among the product's waiting backorders, given how many wait ahead; null once not waiting. */
export const positionOf = (status: BackorderStatus, waitingAhead: number): number | null =>
  status === 'waiting' ? waitingAhead + 1 : null;

/** Who an event was caused by, as an anonymous record keeps it: staff identities are not kept. */
export const anonymousActor = (by: string | undefined): string | undefined =>
  by === undefined || by === 'shopper' || by === 'system' ? by : 'staff';
