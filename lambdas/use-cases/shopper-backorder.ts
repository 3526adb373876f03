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
  kindOf,
  linksExpired,
  type ShopOrder,
  type Backorder,
  type BackorderStatus,
  type LinkStrength,
} from '../domain/backorder';
import { changeStatus, getBackorder, StatusConflict, type StatusChange } from '../store/backorder-store';
import { orderChanges } from '../domain/funnel';
import { etaChoiceOf, historySince } from '../domain/eta';
import { placeInQueue } from '../store/queue-store';
import { getProduct } from '../store/catalog-store';
import { stopEnrolments } from '../store/enrolment-store';
import type { OutboxEntry } from '../store/outbox-store';
import { owe, publishOwedOrLeave } from './outbox';
import { recordStepClick } from '../store/step-click-store';
import { logger } from '../runtime/logger';

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
    kind: kindOf(backorder),
    position,
    // While the units are held for the shopper: the page shows "Complete your order" until then.
    holdUntil: backorder.status === 'allocated' ? (backorder.holdUntil ?? null) : null,
    createdAt: backorder.createdAt,
    // The language the shopper signed up in: the status page speaks it, as the emails do.
    locale: backorder.locale,
    events: backorder.events.map(({ at, type }) => ({ at, type })),
    // The dates the shopper has seen, and whether a slip asked them to choose (lambdas/domain/eta.ts).
    expectedRestockDate: product?.expectedRestockDate ?? null,
    etaHistory: historySince(backorder, product?.etaHistory),
    etaChoice: etaChoiceOf(backorder),
    // Which link opened the page: only an email link may export or erase, so the page says where to find one.
    link,
  };
};

/**
 * A status page opened from a nurture step's email (`via=<campaign>~<step>`): counted for the step, once per
 * backorder. Never in the way of the page: a click that cannot be counted is logged and the page answered.
 */
export const countStepClick = async (
  { backorder }: LinkedBackorder,
  via: string | undefined,
  nowMs = Date.now(),
): Promise<void> => {
  const match = /^([a-z0-9][a-z0-9-]{0,63})~([A-Za-z0-9][A-Za-z0-9_-]{0,63})$/.exec(via ?? '');
  if (!match) return;
  await recordStepClick(backorder.id, { campaignId: match[1], stepId: match[2] }, nowMs).catch(
    (error: unknown) =>
      logger.warn('step click not counted', { backorderId: backorder.id, error: String(error) }),
  );
};

type ClosingEvent = 'backorder.cancelled' | 'backorder.fulfilled' | 'backorder.expired';

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
    ? [{ kind: 'allocation' as const, skus: [backorder.sku], reason: `${event} freed units` }]
    : []),
];

/** How a backorder is closed: the change to make, and what the closing owes besides the event. */
export interface Closing {
  from: readonly BackorderStatus[];
  to: 'cancelled' | 'fulfilled' | 'expired';
  by: string;
  anonymous?: boolean;
  /** Units moved on the product (positive back to free stock), from the backorder as read. */
  units?: StatusChange['units'];
  set?: StatusChange['set'];
  condition?: StatusChange['condition'];
  counters?: StatusChange['counters'];
  /** More messages owed, such as the email a closing sends. */
  alsoOwed?: (before: Backorder) => OutboxEntry[];
}

/**
 * Moves the backorder to `to` with its outbox row in the same transaction, then publishes the row and stops
 * the nurture sequences (which also stop by themselves at their next step, since the backorder no longer
 * waits). `publish: false` leaves publishing to the caller, which may gather many rows into one publication;
 * it answers the backorder as written, without reading it back (the caller only publishes it).
 */
export const closeBackorder = async (
  backorder: Backorder,
  closing: Closing,
  nowMs: number,
  publish = true,
): Promise<{ backorder: Backorder; outboxId: string; owed: OutboxEntry[] }> => {
  const at = new Date(nowMs).toISOString();
  const outboxId = `${closing.to}#${backorder.id}`;
  let owed: OutboxEntry[] = [];
  const changed = await changeStatus(
    backorder.id,
    {
      from: closing.from,
      to: closing.to,
      event: { at, type: closing.to, by: closing.by },
      // A reservation holds the shopper's claim on the SKU while active (changeStatus releases it only then); a
      // paid order never took one (its order id's row keeps the order once, for good).
      releaseClaim:
        kindOf(backorder) === 'reservation'
          ? { sku: backorder.sku, emailKey: backorder.emailKey }
          : undefined,
      units: closing.units,
      set: closing.set,
      condition: closing.condition,
      counters: closing.counters,
      owed: (unitsFreed, before) => {
        owed = [
          ...owedBy(before, `backorder.${closing.to}`, at, unitsFreed, closing.anonymous ?? false),
          ...(closing.alsoOwed?.(before) ?? []),
        ];
        return owe(outboxId, owed, nowMs);
      },
    },
    { seen: backorder, noReadBack: !publish },
  );
  if (publish) await Promise.all([stopEnrolments(changed.id), publishOwedOrLeave(outboxId, owed, [changed])]);
  return { backorder: changed, outboxId, owed };
};

/** An allocated backorder's units go back to the free stock when it closes without being ordered. */
export const allocatedUnitsBack = (before: Backorder) =>
  before.status === 'allocated' ? before.quantity : undefined;

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
    const closed = await closeBackorder(
      backorder,
      { from: ACTIVE_STATUSES, to: 'cancelled', by, anonymous: options.anonymous, units: allocatedUnitsBack },
      nowMs,
    );
    return closed.backorder;
  } catch (error) {
    if (!(error instanceof StatusConflict)) throw error;
    if (error.current?.status === 'cancelled') return error.current;
    throw new ConflictError(
      `This backorder is ${error.current?.status ?? 'gone'} and can no longer be cancelled`,
    );
  }
};

/**
 * The shopper's own cancel (their link). A paid order is not theirs to cancel this way: the shop took the
 * payment and cancels it (refunding) through its API or the console; the link answers 409 saying so.
 */
export const cancelAsShopper = (backorder: Backorder): Promise<Backorder> => {
  if (kindOf(backorder) === 'order' && backorder.status !== 'cancelled')
    throw new ConflictError(
      'This is a paid order: ask the shop to cancel it, so that they refund your payment',
    );
  return cancelBackorder(backorder, 'shopper');
};

/**
 * Marks a backorder as ordered by the shop (and shipped to the shopper); marking it again is harmless. A
 * cancelled one: 409. An expired one is fulfilled only if its units are still free, which it then takes
 * again; once they went to the next in line: 409. `order` names the shop's order and its amount (revenue
 * recovered); a paid order keeps the one it was created with.
 */
export const fulfilBackorder = async (
  backorder: Backorder,
  by: string,
  nowMs = Date.now(),
  order?: ShopOrder,
): Promise<Backorder> => {
  if (backorder.status === 'fulfilled') return backorder;
  const at = new Date(nowMs).toISOString();
  try {
    const closed = await closeBackorder(
      backorder,
      {
        from: [...ACTIVE_STATUSES, 'expired'],
        to: 'fulfilled',
        by,
        units: (before) => (before.status === 'expired' ? -before.quantity : undefined),
        set: order && !backorder.order ? { order } : undefined,
        counters: (before) =>
          orderChanges(
            before,
            kindOf(before) === 'reservation' && before.status !== 'waiting',
            (before.order ?? order)?.amount,
            at,
          ),
      },
      nowMs,
    );
    return closed.backorder;
  } catch (error) {
    if (!(error instanceof StatusConflict)) throw error;
    if (error.current?.status === 'fulfilled') return error.current;
    if (error.current?.status === 'expired')
      throw new ConflictError(
        'This backorder expired and its units went to the next in line: it can no longer be fulfilled',
      );
    throw new ConflictError(`This backorder is ${error.current?.status ?? 'gone'} and cannot be fulfilled`);
  }
};
