/**
 * Placing a backorder, whoever asks: a shopper's signup (./signup.ts) or a shop's paid order
 * (./paid-orders.ts). Stored once with the confirmation it owes (an outbox row in the same transaction, so a
 * crash right after the write still sends it), its place in the queue counted for the answer.
 */
import { defaultSender } from '../runtime/config';
import { NotFoundError } from '../runtime/errors';
import { newBackorderId, newToken, hashToken } from '../runtime/tokens';
import { PERSIST, persistently } from '../runtime/persist';
import { logger } from '../runtime/logger';
import {
  normalizeEmail,
  queueKeyOf,
  type Backorder,
  type BackorderKind,
  type Segment,
  type ShopOrder,
} from '../domain/backorder';
import type { Product, SiteSettings } from '../domain/catalog';
import type { TicketCounter } from '../domain/queue-tickets';
import type { CounterChanges } from '../domain/statistics';
import { defaultSiteSettings } from '../domain/site-defaults';
import { getSignupReads } from '../store/catalog-store';
import { AlreadySignedUp, insertBackorder } from '../store/backorder-store';
import { placeInQueue } from '../store/queue-store';
import { issueTicket } from '../store/ticket-store';
import { requestSeal } from '../store/seal-queue';
import type { OutboxEntry } from '../store/outbox-store';
import { requestAllocation } from '../store/restock-queue';
import { baseUrl, statusUrl } from './links';
import { owe, publishOwedOrLeave } from './outbox';

/** What the answer needs after the signup is stored, with time to spare before the function's deadline. */
const ANSWER_MARGIN_MS = 1_500;

/** The promise's value, or undefined once `ms` have passed (the work may go on; nobody waits for it). */
const within = <T>(promise: Promise<T>, ms: number): Promise<T | undefined> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });

export interface SignupOptions {
  nowMs?: number;
  /** Milliseconds the function has left (the Lambda context's): what follows the write must fit in them. */
  remainingMs?: () => number;
  /** The request's Accept-Language: the shopper's language when the signup does not say it. */
  acceptLanguage?: string;
}

/** What a signup is judged and placed by: its product, the site settings, and the product's ticket counter. */
export interface SignupReads {
  product: Product;
  settings: SiteSettings;
  ticketCounter: TicketCounter;
}

/** The product (404 when unknown), the site settings a signup is judged by, and how its ticket is taken. */
export const productAndSettings = async (sku: string): Promise<SignupReads> => {
  const { product, settings, ticketCounter } = await getSignupReads(sku);
  if (!product) throw new NotFoundError(`Product ${sku} not found`);
  return { product, settings: settings ?? defaultSiteSettings(defaultSender()), ticketCounter };
};

/** What a new backorder is made of, checked by its route's schema. */
export interface BackorderRequest {
  sku: string;
  email: string;
  quantity: number;
  name?: string;
  company?: string;
  segment: Segment;
  marketingConsent: boolean;
  locale: string;
  timeZone?: string;
}

/** How it is placed: a shopper's reservation (one active per shopper and SKU) or a shop's paid order. */
export interface Placement {
  kind: BackorderKind;
  by: string;
  /** The ledger row that makes it once: the shopper's claim on the SKU, or the shop's order id. */
  claimKey: string;
  order?: ShopOrder;
  /** More counters, moved with the backorder's own write. */
  counters?: (backorder: Backorder) => CounterChanges;
}

export type Placed =
  | { created: true; backorder: Backorder; position: number | null; statusUrl: string }
  | { created: false; existingId: string };

/**
 * Stores a new backorder once (its claim row and the outbox row of its confirmation in the same
 * transaction, so a crash right after the write still sends it) and counts its place in the queue.
 */
export const placeBackorder = async (
  request: BackorderRequest,
  placement: Placement,
  { product, settings, ticketCounter }: SignupReads,
  { nowMs = Date.now(), remainingMs = () => Number.POSITIVE_INFINITY }: SignupOptions,
): Promise<Placed> => {
  const createdAt = new Date(nowMs).toISOString();
  const id = newBackorderId(nowMs);
  const pageToken = newToken();
  // The place in line. A ticket left unused (a repeated signup) is a gap, which counts for nothing.
  const { ticket, crossedIntoBook } = await issueTicket(request.sku, ticketCounter, nowMs);
  const backorder: Backorder = {
    id,
    sku: request.sku,
    email: request.email,
    emailKey: normalizeEmail(request.email),
    quantity: request.quantity,
    name: request.name || undefined,
    company: request.company || undefined,
    segment: request.segment,
    marketingConsent: request.marketingConsent,
    locale: request.locale,
    timeZone: request.timeZone,
    // The date the shopper agreed to wait for: a later one that slipped far past it asks them (domain/eta.ts).
    etaAtSignup: product.expectedRestockDate ?? undefined,
    // Reservations from before paid orders carry no kind: absent reads as a reservation.
    kind: placement.kind === 'order' ? 'order' : undefined,
    order: placement.order,
    status: 'waiting',
    createdAt,
    updatedAt: createdAt,
    queueKey: queueKeyOf(createdAt, id),
    ticket,
    statusTokenHashes: [hashToken(pageToken)],
    // Marketing consent counts at once, or, under double opt-in, once the shopper confirms it by email.
    consentedAt: request.marketingConsent && !settings.doubleOptIn ? createdAt : undefined,
    events: [{ at: createdAt, type: 'created', by: placement.by }],
  };

  // The confirmation carries no token: the sender issues its email links when it composes it.
  const outboxId = `signup#${id}`;
  const owed: OutboxEntry[] = [{ kind: 'email', message: { kind: 'confirmation', backorderId: id } }];
  try {
    await insertBackorder(
      backorder,
      owe(outboxId, owed, nowMs),
      placement.claimKey,
      placement.counters?.(backorder),
    );
  } catch (error) {
    if (!(error instanceof AlreadySignedUp)) throw error;
    return { created: false, existingId: error.existingId };
  }

  // From here the backorder exists: the answer must say so, with the page link no retry could give again,
  // even when the confirmation cannot be queued right now (the scheduler sends it from the outbox) or the
  // place in the queue cannot be counted in the time the function has left (then the place is null).
  const link = statusUrl(baseUrl(settings.publicBaseUrl), id, pageToken);
  const budget = () => remainingMs() - ANSWER_MARGIN_MS;
  const place = persistently(() => placeInQueue(backorder.sku, backorder), { ...PERSIST, tries: 3 }).catch(
    (error: unknown) => {
      logger.warn('place in the queue not counted for the signup answer', { error: String(error) });
      return null;
    },
  );
  const [, position] = await Promise.all([
    within(publishOwedOrLeave(outboxId, owed), budget()),
    within(place, budget()).then((value) => value ?? null),
    // The books before this one are full: ask for them to be sealed (a later request repeats it if lost).
    crossedIntoBook === undefined || crossedIntoBook <= 0
      ? undefined
      : within(
          requestSeal({ sku: request.sku, below: crossedIntoBook }).catch((error: unknown) =>
            logger.warn('seal request not queued', { sku: request.sku, error: String(error) }),
          ),
          budget(),
        ),
  ]);
  if (product.stock > 0 && budget() > 0) {
    // Units are free (none fitted the shoppers ahead): this backorder may be served at once. Not worth failing
    // the signup for: the next stock change asks again.
    await requestAllocation([product.sku], 'signup while units are free').catch((error: unknown) =>
      logger.error('allocation request after signup failed', { sku: product.sku, error: String(error) }),
    );
  }
  return { created: true, backorder, position, statusUrl: link };
};
