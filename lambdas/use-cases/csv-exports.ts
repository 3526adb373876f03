/**
 * The console's CSV exports (docs/customer-service.md, "Exports"): every product with its waiting figures,
 * and every backorder of a listing (all, one SKU's, one status) with its place in the queue.
 *
 * A file is made a page at a time, each page read only when the one before has been written (its reader
 * pulls), so an export of a hundred thousand backorders holds one page in memory, never the file. The first
 * chunk is the header row with the first page: whoever sends the file reads it before saying 200, so a
 * failure to read anything is still a proper error answer. What the columns hold, and why:
 *
 * - products: `waiting` and `unitsWaiting` are the statistics' counters (lambdas/use-cases/shop-statistics.ts),
 *   read by key per page; `backordersEnabled` and `maxPerCustomer` are the product's own policy, empty when it
 *   follows the site's (so importing the file back leaves that as it is). In the table's order, not sorted.
 * - backorders: oldest first, as the console's lookup lists them; `position` is the place a waiting shopper's
 *   status page shows (lambdas/store/queue-store.ts), read once per page for all its waiting rows of a SKU,
 *   empty for any other status; `holdUntil` only while the units are held (allocated); `orderId` the shop's
 *   order (a paid order's, or the one a fulfil named). An erased backorder has empty `email`, `name` and
 *   `company`.
 */
import * as z from 'zod';
import { skuSchema } from '../domain/backorder-schema';
import { kindOf, STATUSES, type Backorder } from '../domain/backorder';
import type { Product } from '../domain/catalog';
import { csvRecords, type CsvCell } from '../domain/csv';
import type { ProductFigures } from '../domain/statistics';
import { parseOrThrow } from '../domain/validation';
import { mapWithLimit } from '../runtime/concurrency';
import { backorderPages } from '../store/backorder-listings';
import { listProducts } from '../store/catalog-store';
import { pagesOf } from '../store/every-page';
import { placesInQueue } from '../store/queue-store';
import { productFiguresOf } from './shop-statistics';

export const PRODUCT_COLUMNS = [
  'sku',
  'name',
  'productId',
  'stock',
  'expectedRestockDate',
  'backordersEnabled',
  'maxPerCustomer',
  'supplierId',
  'waiting',
  'unitsWaiting',
] as const;

export const BACKORDER_COLUMNS = [
  'id',
  'sku',
  'email',
  'name',
  'company',
  'segment',
  'quantity',
  'status',
  'kind',
  'position',
  'createdAt',
  'holdUntil',
  'orderId',
] as const;

/**
 * Backorders per page of an export: about 75 KB of CSV, and one read of the queue's counts per SKU for its
 * waiting rows' places (`npm run bench -- --only export`: 16 queries and 2 batch reads per 1 000 rows).
 */
export const BACKORDER_PAGE_SIZE = 500;
/** SKUs of one page whose places are read at once (a page of the whole listing spans many products). */
const PLACE_READS = 4;

/**
 * The filters of `GET /api/admin/backorders.csv`. An empty value is no filter (`?sku=&status=`); anything
 * else the lookup would not understand (a cursor, an email) is refused rather than ignored, so nobody takes
 * the whole listing for the slice they meant.
 */
export const backorderExportQuery = z.strictObject({
  sku: skuSchema.optional(),
  status: z.enum(STATUSES).optional(),
});

export interface CsvExport {
  fileName: string;
  /** The file's text, a chunk per page: the header row with the first page, then one page a chunk. */
  chunks: AsyncGenerator<string, void, undefined>;
}

const day = (nowMs: number) => new Date(nowMs).toISOString().slice(0, 10);

/**
 * The file's chunks: the header row joins the first page's records (or stands alone for an empty listing),
 * so the first chunk is only ready once the first page has been read.
 */
async function* fileOf<T>(
  columns: readonly string[],
  pages: AsyncIterable<T[]>,
  recordsOf: (page: T[]) => Promise<CsvCell[][]>,
): AsyncGenerator<string, void, undefined> {
  let header: string | undefined = csvRecords([columns]);
  for await (const page of pages) {
    if (page.length === 0) continue;
    const records = csvRecords(await recordsOf(page));
    yield header === undefined ? records : header + records;
    header = undefined;
  }
  if (header !== undefined) yield header;
}

const productRecord = (product: Product, figures: ProductFigures | undefined): CsvCell[] => [
  product.sku,
  product.name,
  product.productId,
  product.stock,
  product.expectedRestockDate,
  product.backorders?.enabled,
  product.backorders?.maxPerCustomer,
  product.supplierId,
  figures?.waiting ?? 0,
  figures?.unitsWaiting ?? 0,
];

export const productsExport = (nowMs = Date.now()): CsvExport => ({
  fileName: `products-${day(nowMs)}.csv`,
  chunks: fileOf(PRODUCT_COLUMNS, pagesOf(listProducts), async (page) => {
    const figures = await productFiguresOf(page.map(({ sku }) => sku));
    return page.map((product) => productRecord(product, figures.get(product.sku)));
  }),
});

/** The places of a page's waiting backorders, by id: one read of the queue's counts per SKU. */
const placesOf = async (page: readonly Backorder[]): Promise<Map<string, number>> => {
  const waitingBySku = new Map<string, Backorder[]>();
  for (const backorder of page) {
    if (backorder.status !== 'waiting') continue;
    const ofSku = waitingBySku.get(backorder.sku);
    if (ofSku) ofSku.push(backorder);
    else waitingBySku.set(backorder.sku, [backorder]);
  }
  const places = await mapWithLimit([...waitingBySku], PLACE_READS, async ([sku, waiting]) => {
    const found = await placesInQueue(sku, waiting);
    return waiting.map((backorder, i) => [backorder.id, found[i]] as const);
  });
  return new Map(places.flat());
};

const backorderRecord = (backorder: Backorder, position: number | undefined): CsvCell[] => [
  backorder.id,
  backorder.sku,
  backorder.email,
  backorder.name,
  backorder.company,
  backorder.segment,
  backorder.quantity,
  backorder.status,
  kindOf(backorder),
  position,
  backorder.createdAt,
  backorder.status === 'allocated' ? backorder.holdUntil : undefined,
  backorder.order?.id,
];

/** Throws 400 VALIDATION for filters the lookup would refuse, before anything is read. */
export const backordersExport = (
  query: Record<string, string | undefined>,
  nowMs = Date.now(),
): CsvExport => {
  const given = Object.fromEntries(
    Object.entries(query).filter(([, value]) => value !== undefined && value !== ''),
  );
  const filter = parseOrThrow(backorderExportQuery, given, 'query');
  const named = [filter.sku, filter.status].filter((part) => part !== undefined).join('-');
  return {
    fileName: `backorders-${named ? `${named}-` : ''}${day(nowMs)}.csv`,
    chunks: fileOf(BACKORDER_COLUMNS, backorderPages(filter, BACKORDER_PAGE_SIZE), async (page) => {
      const places = await placesOf(page);
      return page.map((backorder) => backorderRecord(backorder, places.get(backorder.id)));
    }),
  };
};
