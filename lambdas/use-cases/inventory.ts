/**
 * Stock arrives: the ERP's signed webhook or a marketer in the console says how many free units a product
 * now has for backorders. The figure replaces the free stock (once per event id), and an allocation run is
 * asked for; the 202 means "accepted", the allocation follows within seconds.
 */
import { NotFoundError } from '../runtime/errors';
import { inventorySchema } from '../domain/inventory-schema';
import { parseOrThrow } from '../domain/validation';
import { setFreeStock, setFreeStockOnce } from '../store/free-stock-store';
import { existingSkus } from '../store/catalog-store';
import { requestAllocation } from '../store/restock-queue';

export interface InventoryReceipt {
  eventId: string | null;
  /** SKUs whose free stock this request set. */
  updated: string[];
  /** SKUs this event id (or this very signed request) had already set: unchanged now. */
  duplicates: string[];
}

/**
 * `signedRequest`: the fingerprint of the signed webhook request this came in (lambdas/runtime/signature.ts),
 * so that the same request sent again (captured and replayed within its 300 s) changes nothing even without
 * an event id. The console's requests have none.
 */
export const receiveInventory = async (
  input: unknown,
  nowMs = Date.now(),
  signedRequest?: string,
): Promise<InventoryReceipt> => {
  const { eventId, updates } = parseOrThrow(inventorySchema, input, 'stock update');
  const skus = updates.map((u) => u.sku);
  const known = await existingSkus(skus);
  const unknown = skus.filter((sku) => !known.has(sku));
  if (unknown.length > 0)
    throw new NotFoundError(
      `Unknown product${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
      unknown.map((sku) => ({ path: 'sku', message: `${sku} is not a product` })),
    );

  const at = new Date(nowMs).toISOString();
  const identity = eventId ? { eventId } : signedRequest ? { signedRequest } : undefined;
  const applied = await Promise.all(
    updates.map(({ sku, available }) =>
      identity ? setFreeStockOnce(sku, available, identity, at) : setFreeStock(sku, available, at),
    ),
  );
  // Asked for every SKU, duplicates included: if the first delivery stored the stock but died before this
  // line, the ERP's retry is what starts the allocation. An extra request is harmless.
  await requestAllocation(skus, eventId ? `inventory event ${eventId}` : 'inventory update');
  return {
    eventId: eventId ?? null,
    updated: skus.filter((_, i) => applied[i]),
    duplicates: skus.filter((_, i) => !applied[i]),
  };
};
