/**
 * What a supplier batch reads: which products each supplier supplies, and the waiting demand of a SKU in a
 * window of its queue.
 *
 * - Products link to a supplier by their `supplierId`. The catalogue is small (hundreds of products, read by
 *   the console's list the same way), so one Scan with a projection serves every supplier due in a tick;
 *   an index by supplier would pay a write on every product save to save a read once a week.
 * - Demand comes from `bySku` (skuShard, queueKey = signup time and id), filtered to waiting backorders: a
 *   window covers the signups made in it, and only signup time can bound one (the waiting index is ordered
 *   by ticket, which says nothing about when). One Query per shard of the SKU: `queueKey BETWEEN <previous
 *   bound> AND <cutoff bound>` (the bounds never equal a real key, so BETWEEN is "after the previous batch,
 *   up to this one"). `bySku` projects keys only (a listing index: backorder-listings.ts says why), so the
 *   window's rows are then read by key and the waiting ones counted: that reads the rows that left the queue
 *   too, which a weekly batch can afford.
 */
import { tableName } from '../runtime/config';
import { windowBound } from '../domain/supplier';
import { listPartitions } from '../domain/backorder';
import { everyQueryPage, everyScanPage } from './every-page';
import { indexReads, queryIndex, rowsOfEntries } from './index-reads';

/** Keys of a window read per page (each page's rows then read by key, 100 a request). */
const WINDOW_PAGE = 500;

export interface SuppliedProduct {
  sku: string;
  name: string;
}

/** Every product that names a supplier, grouped by supplier id (SKUs sorted). */
export const productsBySupplier = async (): Promise<Map<string, SuppliedProduct[]>> => {
  const bySupplier = new Map<string, SuppliedProduct[]>();
  await everyScanPage(
    {
      TableName: tableName('products'),
      ProjectionExpression: 'sku, #name, supplierId',
      FilterExpression: 'attribute_exists(supplierId)',
      ExpressionAttributeNames: { '#name': 'name' },
    },
    ({ items }) => {
      for (const item of items) {
        const supplierId = String(item.supplierId);
        const list = bySupplier.get(supplierId) ?? [];
        list.push({ sku: String(item.sku), name: String(item.name ?? item.sku) });
        bySupplier.set(supplierId, list);
      }
    },
  );
  for (const list of bySupplier.values()) list.sort((a, b) => a.sku.localeCompare(b.sku));
  return bySupplier;
};

export interface WindowDemand {
  units: number;
  backorders: number;
  /** createdAt of the oldest waiting backorder in the window. */
  oldest: string;
}

/**
 * Units and backorders of a SKU that still wait and were created after `from` (an instant; absent: from the
 * beginning) up to `to`; undefined when there are none.
 */
export const waitingDemandInWindow = async (
  sku: string,
  from: string | undefined,
  to: string,
): Promise<WindowDemand | undefined> => {
  // By creation (bySku's queueKey): a window reads the signups it covers, whichever still wait, in each of
  // the SKU's shards side by side; order does not matter for sums.
  const shards = await Promise.all(
    listPartitions(sku).map(async (shard) => {
      let units = 0;
      let backorders = 0;
      let oldest: string | undefined;
      // A page of the window's keys at a time, its rows read by key: memory holds one page, however long the window.
      await everyQueryPage(
        queryIndex(indexReads.supplierWindow, {
          KeyConditionExpression:
            from === undefined
              ? 'skuShard = :shard AND queueKey <= :to'
              : 'skuShard = :shard AND queueKey BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':shard': shard,
            ':to': windowBound(to),
            ...(from === undefined ? {} : { ':from': windowBound(from) }),
          },
          Limit: WINDOW_PAGE,
        }),
        async ({ items }) => {
          for (const row of await rowsOfEntries(indexReads.supplierWindow, items)) {
            if (row?.status !== 'waiting') continue;
            // Oldest first within the shard: its first waiting row is its oldest.
            oldest ??= String(row.queueKey).split('#')[0];
            units += Number(row.quantity ?? 0);
            backorders += 1;
          }
        },
      );
      return { units, backorders, oldest };
    }),
  );
  const oldest = shards
    .map((shard) => shard.oldest)
    .filter((value): value is string => value !== undefined)
    .sort()[0];
  if (oldest === undefined) return undefined;
  return {
    units: shards.reduce((sum, shard) => sum + shard.units, 0),
    backorders: shards.reduce((sum, shard) => sum + shard.backorders, 0),
    oldest,
  };
};
