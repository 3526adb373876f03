/**
 * What every email about a backorder can say: who the shopper is, which product, how many units, their
 * place in the queue and their status link. One place, so confirmations, nurture steps and previews agree.
 */
import type { Backorder } from '../domain/backorder';
import type { Product } from '../domain/catalog';
import type { NurtureVariables } from '../emails/variables';
import { getProduct } from '../store/catalog-store';
import { placeInQueue } from '../store/queue-store';

export type BackorderVariables = Omit<NurtureVariables, 'unsubscribeUrl'>;

/** The variables of an email about this backorder; its place is exact (a few reads, at any depth). */
export const backorderVariables = async (
  backorder: Backorder,
  statusUrl: string,
): Promise<BackorderVariables> => {
  const [product, position] = await Promise.all([
    getProduct(backorder.sku),
    backorder.status === 'waiting' ? placeInQueue(backorder.sku, backorder) : Promise.resolve(null),
  ]);
  return variablesOf(backorder, product, position, statusUrl);
};

/** The same from what the caller read already (a batch reads its products and places once). */
export const variablesOf = (
  backorder: Backorder,
  product: Product | undefined,
  position: number | null,
  statusUrl: string,
): BackorderVariables => {
  return {
    shopper: { name: backorder.name ?? '', email: backorder.email },
    product: {
      name: product?.name ?? backorder.sku,
      sku: backorder.sku,
      expectedRestockDate: product?.expectedRestockDate ?? '',
    },
    backorder: { quantity: backorder.quantity, position, statusUrl },
  };
};
