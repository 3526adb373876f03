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

const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const NOT_FOUND_MESSAGE = 'No backorder matches this link';

export const findWithToken = async (id: string, token: string | undefined): Promise<Backorder> => {
  if (!ID_PATTERN.test(id)) throw new NotFoundError(NOT_FOUND_MESSAGE);
  const backorder = await getBackorder(id);
  if (!backorder || !statusTokenMatches(token, backorder.statusTokenHashes))
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

/** A backorder no longer waiting gets no more nurture: its sequences stop with the status change. */
const stoppingSequences = async (change: Promise<Backorder>): Promise<Backorder> => {
  const changed = await change;
  await stopEnrolments(changed.id);
  return changed;
};

/**
 * Cancels a waiting or allocated backorder; cancelling again is harmless. A fulfilled one cannot be cancelled.
 */
export const cancelBackorder = async (
  backorder: Backorder,
  by: string,
  nowMs = Date.now(),
): Promise<Backorder> => {
  if (backorder.status === 'cancelled') return backorder;
  try {
    return await stoppingSequences(
      changeStatus(
        backorder.id,
        ACTIVE_STATUSES,
        'cancelled',
        { at: new Date(nowMs).toISOString(), type: 'cancelled', by },
        { sku: backorder.sku, emailKey: backorder.emailKey },
      ),
    );
  } catch (error) {
    if (!(error instanceof StatusConflict)) throw error;
    if (error.current?.status === 'cancelled') return error.current;
    throw new ValidationError(
      `This backorder is ${error.current?.status ?? 'gone'} and can no longer be cancelled`,
    );
  }
};

/** Marks a backorder as shipped to the shopper; marking it again is harmless. */
export const fulfilBackorder = async (
  backorder: Backorder,
  by: string,
  nowMs = Date.now(),
): Promise<Backorder> => {
  if (backorder.status === 'fulfilled') return backorder;
  try {
    return await stoppingSequences(
      changeStatus(
        backorder.id,
        ACTIVE_STATUSES,
        'fulfilled',
        { at: new Date(nowMs).toISOString(), type: 'fulfilled', by },
        { sku: backorder.sku, emailKey: backorder.emailKey },
      ),
    );
  } catch (error) {
    if (!(error instanceof StatusConflict)) throw error;
    if (error.current?.status === 'fulfilled') return error.current;
    throw new ValidationError(`This backorder is ${error.current?.status ?? 'gone'} and cannot be fulfilled`);
  }
};
