/**
 * A store's stock figures become free units, as the ERP's do (inventory.ts), with what a store's webhook
 * needs besides: a SKU the catalogue does not have is ignored (a shop sells more than it backorders), a
 * figure the store already said is not set again, and an older state of the product never overwrites a newer
 * one (lambdas/domain/store-webhooks.ts `decideStoreStock`). Each figure is set once per delivery, and every
 * SKU set starts an allocation run, as the inventory webhook's do.
 */
import { mapWithLimit } from '../runtime/concurrency';
import { ServiceUnavailableError } from '../runtime/errors';
import type { ConnectorName } from '../domain/connectors';
import {
  decideStoreStock,
  type SkuOutcome,
  type StockReport,
  type StoreMark,
  type StoreStockResult,
} from '../domain/store-webhooks';
import { requestAllocation } from '../store/restock-queue';
import { advanceStoreMark, setStoreStockOnce, storeMarkOf, storeMarks } from '../store/store-stock-store';

/** Writes at once: a product of hundreds of variants without opening hundreds of sockets. */
const PARALLEL = 16;

/** Reads and decisions for one SKU before giving up on a mark other deliveries keep moving. */
const RACE_TRIES = 5;

const applyOne = async (
  sku: string,
  figure: number,
  sourceAt: number | undefined,
  firstRead: StoreMark | undefined,
  delivery: string,
  at: string,
): Promise<SkuOutcome> => {
  let previous = firstRead;
  for (let attempt = 0; attempt < RACE_TRIES; attempt++) {
    if (attempt > 0) {
      const again = await storeMarkOf(sku);
      if (again === null) return 'unknown';
      previous = again;
    }
    const decision = decideStoreStock(previous, figure, sourceAt);
    if (decision === 'stale') return 'stale';
    if (decision === 'unchanged') {
      // The same figure, told later: only its time moves on, so a late older delivery is known as stale.
      const later = sourceAt !== undefined && (previous!.at === undefined || sourceAt > previous!.at);
      if (!later || (await advanceStoreMark(sku, previous!, sourceAt)) === 'advanced') return 'unchanged';
      continue;
    }
    const written = await setStoreStockOnce(sku, figure, sourceAt, previous, delivery, at);
    if (written !== 'raced') return written;
  }
  // Nothing of this SKU was written: the store's retry (Shopify retries a 503) decides again.
  throw new ServiceUnavailableError();
};

/**
 * Applies a delivery's figures. `deliveryKey` names the delivery (lambdas/domain/store-webhooks.ts): a
 * figure already set by the same delivery is a duplicate and changes nothing, even if the delivery was cut
 * short and is repeated.
 */
export const applyStoreStock = async (
  connector: ConnectorName,
  deliveryKey: string,
  report: StockReport,
  at: string,
): Promise<StoreStockResult> => {
  const marks = await storeMarks(report.figures.map((f) => f.sku));
  const outcomes = await mapWithLimit(report.figures, PARALLEL, ({ sku, available }) =>
    marks.has(sku)
      ? applyOne(sku, available, report.sourceAt, marks.get(sku), `${connector}:${deliveryKey}`, at)
      : Promise.resolve<SkuOutcome>('unknown'),
  );
  const result: StoreStockResult = { set: [], duplicate: [], unchanged: [], stale: [], unknown: [] };
  report.figures.forEach(({ sku }, i) => result[outcomes[i]].push(sku));
  // Duplicates too: if the first delivery set the stock but died before this line, its repeat starts the run.
  await requestAllocation([...result.set, ...result.duplicate], `${connector} stock update`);
  return result;
};
