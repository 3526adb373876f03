/**
 * What every email about a backorder can say: who the shopper is, which product, how many units, their
 * place in the queue and their status link. One place, so confirmations, nurture steps and previews agree.
 */
import type { Backorder } from '../domain/backorder';
import type { NurtureVariables } from '../emails/variables';
import { countWaitingAhead } from '../store/backorder-store';
import { getProduct } from '../store/catalog-store';
import { approximatePosition } from '../store/queue-positions';

export type BackorderVariables = Omit<NurtureVariables, 'unsubscribeUrl'>;

/**
 * `position` says how the place is found: exactly (one count, for a single email such as the confirmation),
 * or from a recent snapshot of the queue (bulk nurture email; see store/queue-positions.ts).
 */
export const backorderVariables = async (
  backorder: Backorder,
  statusUrl: string,
  position: 'exact' | 'snapshot' = 'exact',
): Promise<BackorderVariables> => {
  const ahead = (): Promise<number> =>
    position === 'exact'
      ? countWaitingAhead(backorder.sku, backorder.queueKey)
      : approximatePosition(backorder.sku, backorder.queueKey).then((place) => place - 1);
  const [product, waitingAhead] = await Promise.all([
    getProduct(backorder.sku),
    backorder.status === 'waiting' ? ahead() : Promise.resolve(-1),
  ]);
  return {
    shopper: { name: backorder.name ?? '', email: backorder.email },
    product: {
      name: product?.name ?? backorder.sku,
      sku: backorder.sku,
      expectedRestockDate: product?.expectedRestockDate ?? '',
    },
    backorder: {
      quantity: backorder.quantity,
      position: waitingAhead >= 0 ? waitingAhead + 1 : null,
      statusUrl,
    },
  };
};
