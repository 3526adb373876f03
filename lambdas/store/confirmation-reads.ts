/**
 * What a batch of confirmations needs to write its emails, read once for the batch: the backorders and the
 * site settings in one request; then their products and the queue rows their places start from in another
 * (./nurture-reads.ts `readProductsAndPlaces`). Ten confirmations cost two reads, not thirty.
 */
import type { Backorder } from '../domain/backorder';
import type { Product, SiteSettings } from '../domain/catalog';
import { tableName } from '../runtime/config';
import { readByKeys } from './batch-read';
import { toBackorder } from './backorder-store';
import { SITE } from './catalog-store';
import { readProductsAndPlaces } from './nurture-reads';

export interface ConfirmationFacts {
  backorders: Map<string, Backorder>;
  settings?: SiteSettings;
  products: Map<string, Product>;
  /** Places in the queue of the backorders that are waiting, by backorder id. */
  places: Map<string, number>;
}

export const readConfirmationFacts = async (backorderIds: readonly string[]): Promise<ConfirmationFacts> => {
  const [backorderTable, settingsTable] = [tableName('backorders'), tableName('settings')];
  const first = await readByKeys({
    [backorderTable]: [...new Set(backorderIds)].map((id) => ({ id })),
    [settingsTable]: [{ name: SITE }],
  });
  const backorders = new Map(first[backorderTable].map((item) => [String(item.id), toBackorder(item)]));
  // Nobody is written to about a backorder that is gone or being erased.
  const writable = [...backorders.values()].filter((b) => !b.erasingAt && !b.erasedAt);
  const { products, places } = await readProductsAndPlaces(
    writable,
    writable.filter((b) => b.status === 'waiting'),
  );
  return {
    backorders,
    settings: first[settingsTable][0]?.value as SiteSettings | undefined,
    products,
    places,
  };
};
