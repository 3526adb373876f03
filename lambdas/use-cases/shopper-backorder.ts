/**
 * What a shopper can do with their status link: look at their backorder and cancel it. A wrong token and an
 * unknown id answer the same 404, so links cannot be probed.
 */
import { NotFoundError, ValidationError } from '../shared/errors';
import { statusTokenMatches } from '../shared/tokens';
import { ACTIVE_STATUSES, positionOf, type Backorder } from '../domain/backorder';
import { changeStatus, countWaitingAhead, getBackorder, StatusConflict } from '../store/backorder-store';
import { getProduct } from '../store/catalog-store';
import { stopEnrolments } from '../store/enrolment-store';
import { requestAllocation } from '../store/restock-queue';
import { publishBackorderEvents } from './backorder-events';

const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const NOT_FOUND_MESSAGE = 'No backorder matches this link';

export const findWithToken = async (id: string, token: string | undefined): Promise<Backorder> => {
  if (!ID_PATTERN.test(id)) throw new NotFoundError(NOT_FOUND_MESSAGE);
  const backorder = await getBackorder(id);
  const matches = statusTokenMatches(token, backorder?.statusTokenHashes);
  // Once an erasure of the shopper's data has begun, their links lead nowhere (the erase request itself
  // is authenticated apart, in shopper-data.ts).
  if (!backorder || !matches || backorder.erasingAt || backorder.erasedAt)
    throw new NotFoundError(NOT_FOUND_MESSAGE);
  return backorder;
};

export const positionNow = async (backorder: Backorder): Promise<number | null> =>
  backorder.status === 'waiting'
    ? positionOf('waiting', await countWaitingAhead(backorder.sku, backorder.queueKey))
    : null;

export const shopperView = async (backorder: Backorder) => {
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
    events: backorder.events.map(({ at, type }) => ({ at, type })),
  };
};

/**
 * A status change that ends the wait: nurture sequences stop, the shop's webhooks hear of it, and units an
 * allocated backorder gave back go to the next in line.
 */
const afterChange = async (
  changed: Backorder,
  event: 'backorder.cancelled' | 'backorder.fulfilled',
  unitsFreed: boolean,
): Promise<Backorder> => {
  await Promise.all([
    stopEnrolments(changed.id),
    publishBackorderEvents(event, [changed], changed.updatedAt),
    unitsFreed ? requestAllocation([changed.sku], 'allocated backorder cancelled') : undefined,
  ]);
  return changed;
};

/**
 * Cancels a waiting or allocated backorder; cancelling again is harmless. A fulfilled one cannot be
 * cancelled. An allocated one gives its units back to the product in the same write.
 */
export const cancelBackorder = async (
  backorder: Backorder,
  by: string,
  nowMs = Date.now(),
): Promise<Backorder> => {
  const event = { at: new Date(nowMs).toISOString(), type: 'cancelled' as const, by };
  const claim = { sku: backorder.sku, emailKey: backorder.emailKey };
  let current: Backorder | undefined = backorder;
  // The status decides whether units go back, so the write is conditioned on the status it was decided for;
  // if an allocation got there first, the second pass cancels the allocated backorder instead.
  for (let pass = 0; pass < 3 && current; pass++) {
    if (current.status === 'cancelled') return current;
    if (current.status === 'fulfilled') break;
    const wasAllocated = current.status === 'allocated';
    try {
      const changed = await changeStatus(
        backorder.id,
        [current.status],
        'cancelled',
        event,
        claim,
        wasAllocated ? { sku: backorder.sku, quantity: backorder.quantity } : undefined,
      );
      return await afterChange(changed, 'backorder.cancelled', wasAllocated);
    } catch (error) {
      if (!(error instanceof StatusConflict)) throw error;
      current = error.current;
    }
  }
  throw new ValidationError(`This backorder is ${current?.status ?? 'gone'} and can no longer be cancelled`);
};

/** Marks a backorder as shipped to the shopper; marking it again is harmless. */
export const fulfilBackorder = async (
  backorder: Backorder,
  by: string,
  nowMs = Date.now(),
): Promise<Backorder> => {
  if (backorder.status === 'fulfilled') return backorder;
  try {
    const changed = await changeStatus(
      backorder.id,
      ACTIVE_STATUSES,
      'fulfilled',
      { at: new Date(nowMs).toISOString(), type: 'fulfilled', by },
      { sku: backorder.sku, emailKey: backorder.emailKey },
    );
    return await afterChange(changed, 'backorder.fulfilled', false);
  } catch (error) {
    if (!(error instanceof StatusConflict)) throw error;
    if (error.current?.status === 'fulfilled') return error.current;
    throw new ValidationError(`This backorder is ${error.current?.status ?? 'gone'} and cannot be fulfilled`);
  }
};
