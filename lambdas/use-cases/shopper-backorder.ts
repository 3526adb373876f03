/**
 * What a shopper can do with their links: look at their backorder and cancel it. A wrong token, an unknown id
 * and an expired link answer the same 404, so links cannot be probed.
 *
 * Every link reads and cancels; which one it is (a page link answered over HTTP, or an email link sent to the
 * shopper's address) matters only for their data rights (lambdas/use-cases/shopper-data.ts).
 */
import { ConflictError, NotFoundError } from '../runtime/errors';
import { linkStrengthOf } from '../runtime/tokens';
import {
  ACTIVE_STATUSES,
  linksExpired,
  type Backorder,
  type BackorderStatus,
  type LinkStrength,
} from '../domain/backorder';
import { changeStatus, getBackorder, StatusConflict } from '../store/backorder-store';
import { placeInQueue } from '../store/queue-store';
import { getProduct } from '../store/catalog-store';
import { stopEnrolments } from '../store/enrolment-store';
import type { OutboxEntry } from '../store/outbox-store';
import { owe, publishOwedOrLeave } from './outbox';

const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const NOT_FOUND_MESSAGE = 'No backorder matches this link';

export interface LinkedBackorder {
  backorder: Backorder;
  link: LinkStrength;
}

export const findWithToken = async (
  id: string,
  token: string | undefined,
  nowMs = Date.now(),
): Promise<LinkedBackorder> => {
  if (!ID_PATTERN.test(id)) throw new NotFoundError(NOT_FOUND_MESSAGE);
  const backorder = await getBackorder(id);
  const link = linkStrengthOf(token, backorder);
  // Once an erasure of the shopper's data has begun, their links lead nowhere (the erase request itself
  // is authenticated apart, in shopper-data.ts); 90 days after a backorder closed, neither do its links.
  if (!backorder || !link || backorder.erasingAt || backorder.erasedAt || linksExpired(backorder, nowMs))
    throw new NotFoundError(NOT_FOUND_MESSAGE);
  return { backorder, link };
};

export const positionNow = async (backorder: Backorder): Promise<number | null> =>
  backorder.status === 'waiting' ? placeInQueue(backorder.sku, backorder) : null;

export const shopperView = async ({ backorder, link }: LinkedBackorder) => {
  const [product, position] = await Promise.all([getProduct(backorder.sku), positionNow(backorder)]);
  return {
    id: backorder.id,
    sku: backorder.sku,
    productName: product?.name ?? backorder.sku,
    email: backorder.email,
    quantity: backorder.quantity,
    status: backorder.status,
    position,
    createdAt: backorder.createdAt,
    // The language the shopper signed up in: the status page speaks it, as the emails do.
    locale: backorder.locale,
    events: backorder.events.map(({ at, type }) => ({ at, type })),
    // Which link opened the page: only an email link may export or erase, so the page says where to find one.
    link,
  };
};

type ClosingEvent = 'backorder.cancelled' | 'backorder.fulfilled';

/** What a status change that ends the wait owes: the shop's webhooks hear of it, and freed units go on. */
const owedBy = (
  backorder: Backorder,
  event: ClosingEvent,
  at: string,
  unitsFreed: boolean,
  anonymous: boolean,
): OutboxEntry[] => [
  { kind: 'backorderEvent', type: event, backorderId: backorder.id, at, ...(anonymous ? { anonymous } : {}) },
  ...(unitsFreed
    ? [{ kind: 'allocation' as const, skus: [backorder.sku], reason: 'allocated backorder cancelled' }]
    : []),
];

/**
 * Moves the backorder to `to` with its outbox row in the same transaction, then publishes the row and stops
 * the nurture sequences (which also stop by themselves at their next step, since the backorder no longer waits).
 */
const close = async (
  backorder: Backorder,
  from: readonly BackorderStatus[],
  to: 'cancelled' | 'fulfilled',
  by: string,
  nowMs: number,
  options: { unitsBack: boolean; anonymous: boolean },
): Promise<Backorder> => {
  const at = new Date(nowMs).toISOString();
  const event = to === 'cancelled' ? 'backorder.cancelled' : 'backorder.fulfilled';
  const outboxId = `${to}#${backorder.id}`;
  let owed: OutboxEntry[] = [];
  const changed = await changeStatus(
    backorder.id,
    from,
    to,
    { at, type: to, by },
    { sku: backorder.sku, emailKey: backorder.emailKey },
    options.unitsBack ? { sku: backorder.sku, quantity: backorder.quantity } : undefined,
    (unitsFreed) => {
      owed = owedBy(backorder, event, at, unitsFreed, options.anonymous);
      return owe(outboxId, owed, nowMs);
    },
  );
  await Promise.all([stopEnrolments(changed.id), publishOwedOrLeave(outboxId, owed, [changed])]);
  return changed;
};

/**
 * Cancels a waiting or allocated backorder; cancelling again is harmless. A fulfilled one cannot be
 * cancelled (409). An allocated one gives its units back to the product in the same write. `anonymous`: the
 * cancel is part of an erasure, so the shop's event names nobody.
 */
export const cancelBackorder = async (
  backorder: Backorder,
  by: string,
  nowMs = Date.now(),
  options: { anonymous?: boolean } = {},
): Promise<Backorder> => {
  if (backorder.status === 'cancelled') return backorder;
  try {
    return await close(backorder, ACTIVE_STATUSES, 'cancelled', by, nowMs, {
      unitsBack: true,
      anonymous: options.anonymous ?? false,
    });
  } catch (error) {
    if (!(error instanceof StatusConflict)) throw error;
    if (error.current?.status === 'cancelled') return error.current;
    throw new ConflictError(
      `This backorder is ${error.current?.status ?? 'gone'} and can no longer be cancelled`,
    );
  }
};

/** Marks a backorder as shipped to the shopper; marking it again is harmless. A cancelled one: 409. */
export const fulfilBackorder = async (
  backorder: Backorder,
  by: string,
  nowMs = Date.now(),
): Promise<Backorder> => {
  if (backorder.status === 'fulfilled') return backorder;
  try {
    return await close(backorder, ACTIVE_STATUSES, 'fulfilled', by, nowMs, {
      unitsBack: false,
      anonymous: false,
    });
  } catch (error) {
    if (!(error instanceof StatusConflict)) throw error;
    if (error.current?.status === 'fulfilled') return error.current;
    throw new ConflictError(`This backorder is ${error.current?.status ?? 'gone'} and cannot be fulfilled`);
  }
};
