/**
 * Pages of backorders, oldest first: by SKU or of all (indexes split into LIST_SHARDS partitions, merged back
 * in order by merged-query.ts), or of one shopper (one partition). A status, or a SKU within a shopper's
 * backorders, narrows any of them as a filter. Every page of a listing in turn, for the console's CSV export;
 * and every backorder of one shopper, for their data export and erasure.
 *
 * The three listing indexes project keys only: the backorder is written far more often (each email's link,
 * the allocation, every status change) than it is listed, and an index that projected what a listing shows
 * would be rewritten by each of those writes. So a listing reads the index's keys, then the rows by key, one
 * batch per round of shard reads, and its filters are conditions on those rows (as they are now, not as the
 * eventually consistent index last saw them).
 */
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { listPartitions, type Backorder, type BackorderStatus } from '../domain/backorder';
import { mergedPage, mergedPages } from './merged-query';
import { toBackorder } from './backorder-store';
import { everyQueryPage } from './every-page';
import { indexReads, queryIndex, rowsOfEntries, type IndexRead } from './index-reads';

export interface BackorderFilter {
  sku?: string;
  emailKey?: string;
  status?: BackorderStatus;
  cursor?: string;
  limit?: number;
}

export interface BackorderPage {
  items: Backorder[];
  cursor: string | null;
}

interface Listing {
  read: IndexRead;
  partition: string;
  partitions: string[];
}

const listingOf = (filter: Pick<BackorderFilter, 'sku' | 'emailKey'>): Listing =>
  filter.emailKey
    ? { read: indexReads.shopperListing, partition: 'emailKey', partitions: [filter.emailKey] }
    : filter.sku
      ? { read: indexReads.skuListing, partition: 'skuShard', partitions: listPartitions(filter.sku) }
      : { read: indexReads.allListing, partition: 'listPartition', partitions: listPartitions('all') };

/** A condition on the backorder itself (as stored, read by key), which a listing's rows must meet. */
type RowFilter = (row: Record<string, unknown>) => boolean;

const everyRow: RowFilter = () => true;

/** The listing's query of each of its shards (keys only), and its rows read by key, narrowed by `filter`. */
const shardQueries = (listing: Listing, filter: RowFilter) => ({
  shards: listing.partitions.map((value): QueryCommandInput =>
    queryIndex(listing.read, {
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': listing.partition },
      ExpressionAttributeValues: { ':p': value },
    }),
  ),
  partitions: listing.partitions,
  keys: { partition: listing.partition, sort: 'queueKey', id: 'id' },
  rowsOf: async (entries: Record<string, unknown>[]) =>
    (await rowsOfEntries(listing.read, entries)).map((row) => (row && filter(row) ? row : undefined)),
});

/** One page of a listing, narrowed by conditions on the rows themselves. */
const pageOf = async (
  listing: Listing,
  filter: RowFilter,
  limit: number,
  cursor: string | undefined,
): Promise<BackorderPage> => {
  const page = await mergedPage({ ...shardQueries(listing, filter), limit, cursor });
  return { items: page.items.map(toBackorder), cursor: page.cursor };
};

/**
 * The conditions of a filter's status, and of its SKU within a shopper's backorders; a shopper's listing also
 * leaves out a row no longer theirs (erased since the index was read).
 */
const rowFilterOf = (filter: Pick<BackorderFilter, 'sku' | 'emailKey' | 'status'>): RowFilter => {
  const { emailKey, status } = filter;
  const sku = emailKey ? filter.sku : undefined;
  if (!status && !emailKey) return everyRow;
  return (row) =>
    (!emailKey || row.emailKey === emailKey) &&
    (!status || row.status === status) &&
    (!sku || row.sku === sku);
};

/** Backorders oldest first, by SKU, by shopper, or all; the status filter narrows any of them. */
export const listBackorders = async (filter: BackorderFilter): Promise<BackorderPage> =>
  pageOf(listingOf(filter), rowFilterOf(filter), filter.limit ?? 50, filter.cursor);

/**
 * Every backorder of a listing (by SKU or all; the status narrows it), oldest first, a page of `pageSize` at a
 * time, each page read only when the caller asks for it (a streamed export writes one before reading the
 * next), every row read once.
 */
export async function* backorderPages(
  filter: Pick<BackorderFilter, 'sku' | 'status'>,
  pageSize: number,
): AsyncGenerator<Backorder[], void, undefined> {
  const query = shardQueries(listingOf(filter), rowFilterOf(filter));
  for await (const page of mergedPages({ ...query, limit: pageSize })) yield page.map(toBackorder);
}

/**
 * One page of waiting backorders with effective marketing consent, oldest first: of one SKU, or of all.
 * Used by enrolment jobs; the cursor continues where the page ended.
 */
export const waitingConsentingPage = async (
  sku: string | undefined,
  cursor: string | undefined,
  limit = 200,
): Promise<BackorderPage> =>
  pageOf(
    listingOf({ sku }),
    (row) => row.status === 'waiting' && row.consentedAt !== undefined,
    limit,
    cursor,
  );

/** Every backorder of a shopper (by lower-cased address), oldest first, all pages. */
export const backordersOfShopper = async (emailKey: string): Promise<Backorder[]> => {
  const entries: Record<string, unknown>[] = [];
  await everyQueryPage(
    queryIndex(indexReads.shopperListing, {
      KeyConditionExpression: 'emailKey = :e',
      ExpressionAttributeValues: { ':e': emailKey },
    }),
    ({ items }) => entries.push(...items),
  );
  // A shopper has a handful: their rows in one read by key, in the index's order (one erased since, left out).
  const rows = await rowsOfEntries(indexReads.shopperListing, entries);
  return rows.flatMap((row) => (row?.emailKey === emailKey ? [toBackorder(row)] : []));
};
