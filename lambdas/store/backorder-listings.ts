/**
 * Pages of backorders, oldest first: by SKU or of all (indexes split into LIST_SHARDS partitions, merged back
 * in order by merged-query.ts), or of one shopper (one partition). A status, or a SKU within a shopper's
 * backorders, narrows any of them as a filter. Every page of a listing in turn, for the console's CSV export;
 * and every backorder of one shopper, for their data export and erasure.
 */
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../runtime/config';
import { listPartitions, type Backorder, type BackorderStatus } from '../domain/backorder';
import { mergedPage, mergedPages } from './merged-query';
import { toBackorder } from './backorder-store';
import { everyQueryPage } from './every-page';

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
  index: string;
  partition: string;
  partitions: string[];
}

const listingOf = (filter: Pick<BackorderFilter, 'sku' | 'emailKey'>): Listing =>
  filter.emailKey
    ? { index: 'byEmail', partition: 'emailKey', partitions: [filter.emailKey] }
    : filter.sku
      ? { index: 'bySku', partition: 'skuShard', partitions: listPartitions(filter.sku) }
      : { index: 'byCreated', partition: 'listPartition', partitions: listPartitions('all') };

interface RowFilter {
  conditions: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** The listing's query of each of its shards, narrowed by conditions on the rows themselves (joined with AND). */
const shardQueries = (listing: Listing, filter: RowFilter) => ({
  shards: listing.partitions.map((value): QueryCommandInput => ({
    TableName: tableName('backorders'),
    IndexName: listing.index,
    KeyConditionExpression: '#p = :p',
    ExpressionAttributeNames: { '#p': listing.partition, ...filter.names },
    ExpressionAttributeValues: { ':p': value, ...filter.values },
    ...(filter.conditions.length ? { FilterExpression: filter.conditions.join(' AND ') } : {}),
  })),
  partitions: listing.partitions,
  keys: { partition: listing.partition, sort: 'queueKey', id: 'id' },
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

/** The conditions of a filter's status, and of its SKU within a shopper's backorders. */
const rowFilterOf = (filter: Pick<BackorderFilter, 'sku' | 'emailKey' | 'status'>): RowFilter => {
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (filter.status) {
    conditions.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = filter.status;
  }
  if (filter.emailKey && filter.sku) {
    conditions.push('sku = :sku');
    values[':sku'] = filter.sku;
  }
  return { conditions, names, values };
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
    {
      conditions: ['#status = :waiting', 'attribute_exists(consentedAt)'],
      names: { '#status': 'status' },
      values: { ':waiting': 'waiting' },
    },
    limit,
    cursor,
  );

/** Every backorder of a shopper (by lower-cased address), oldest first, all pages. */
export const backordersOfShopper = async (emailKey: string): Promise<Backorder[]> => {
  const all: Backorder[] = [];
  await everyQueryPage(
    {
      TableName: tableName('backorders'),
      IndexName: 'byEmail',
      KeyConditionExpression: 'emailKey = :e',
      ExpressionAttributeValues: { ':e': emailKey },
    },
    ({ items }) => all.push(...items.map(toBackorder)),
  );
  return all;
};
