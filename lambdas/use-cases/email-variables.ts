/**
 * What every email about a backorder can say: who the shopper is, which product, how many units, their
 * place in the queue and their status link. One place, so confirmations, nurture steps and previews agree.
 */
import type { Backorder } from '../domain/backorder';
import type { NurtureVariables } from '../emails/variables';
import { countWaitingAhead } from '../store/backorder-store';
import { getProduct } from '../store/catalog-store';

export type BackorderVariables = Omit<NurtureVariables, 'unsubscribeUrl'>;

export const backorderVariables = async (
  backorder: Backorder,
  statusUrl: string,
): Promise<BackorderVariables> => {
  const [product, ahead] = await Promise.all([
    getProduct(backorder.sku),
    backorder.status === 'waiting'
      ? countWaitingAhead(backorder.sku, backorder.queueKey)
      : Promise.resolve(-1),
  ]);
  return {
    shopper: { name: backorder.name ?? '', email: backorder.email },
    product: {
      name: product?.name ?? backorder.sku,
      sku: backorder.sku,
      expectedRestockDate: product?.expectedRestockDate ?? '',
    },
    backorder: { quantity: backorder.quantity, position: ahead >= 0 ? ahead + 1 : null, statusUrl },
  };
};
