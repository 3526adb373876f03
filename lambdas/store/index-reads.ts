/**
 * What every query of a secondary index reads from it, in one list: the index and the non-key attributes its
 * reader uses. A table's write rewrites an item in each index that projects a changed attribute, so an index
 * projects what its readers read and nothing else (lib/platform-resources.ts); test/unit/index-reads.test.ts
 * checks that each read here is within its index's projection and that each projection is exactly what its
 * readers read. A query goes through `queryIndex`, which asks for the keys and the declared attributes only,
 * so a reader never sees more than it declared, whatever the index projects.
 *
 * An index that projects keys only stands for rows read by key when more is needed (`rowsOfEntries`): done
 * where a read is rare (a console page, an export, a shopper's data), never per item on a hot path.
 */
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { tables, type IndexDefinition, type TableDefinition, type TableName } from '../../lib/platform';
import { tableName } from '../runtime/config';
import { readByKeys } from './batch-read';

type Item = Record<string, unknown>;

export interface IndexRead {
  table: TableName;
  index: string;
  /** Non-key attributes the reader takes from the index's items; 'ALL' when it needs each item whole. */
  attributes: readonly string[] | 'ALL';
  /** Who reads it, for what: ARCHITECTURE.md's index table lists the same. */
  readers: string;
}

export const indexReads = {
  variants: {
    table: 'products',
    index: 'byProduct',
    attributes: ['name', 'options', 'backorders'],
    readers: "catalog-store.ts variantsOf: the embed's variant picker, a variant's landing page and signup",
  },
  dueEtas: {
    table: 'products',
    index: 'etaDue',
    attributes: [],
    readers: 'eta-store.ts dueEtas: the eta sweeper (the key says when and which SKU; it reads the product)',
  },
  waitingQueue: {
    table: 'backorders',
    index: 'waitingBySku',
    attributes: ['quantity'],
    readers:
      'allocation-store.ts waitingPage: allocation pages (allocate-restock.ts), the expected-date fan-out (eta-updates.ts)',
  },
  olderWaiting: {
    table: 'backorders',
    index: 'waitingBySku',
    attributes: [],
    readers: 'queue-store.ts legacyWaiting: counts (Select COUNT) the waiting from before tickets',
  },
  skuListing: {
    table: 'backorders',
    index: 'bySku',
    attributes: [],
    readers:
      "backorder-listings.ts: a SKU's backorders for the console list, the CSV export and enrolment jobs (rows read by key)",
  },
  supplierWindow: {
    table: 'backorders',
    index: 'bySku',
    attributes: [],
    readers: "supplier-demand-store.ts: a supplier batch's window of a SKU's signups (rows read by key)",
  },
  shopperListing: {
    table: 'backorders',
    index: 'byEmail',
    attributes: [],
    readers:
      "backorder-listings.ts: a shopper's backorders for the console, their data export and erasure, their links email (rows read by key)",
  },
  allListing: {
    table: 'backorders',
    index: 'byCreated',
    attributes: [],
    readers:
      'backorder-listings.ts: every backorder for the console list, the CSV export and enrolment jobs (rows read by key)',
  },
  dueHolds: {
    table: 'backorders',
    index: 'holdsDue',
    attributes: [],
    readers:
      'hold-store.ts dueHolds: the hold sweeper (the key says when, which backorder, remind or expire)',
  },
  sentEmails: {
    table: 'ledger',
    index: 'byRecipient',
    attributes: ['backorderId'],
    readers:
      "sent-emails-store.ts: an address's emails for customer service, the timeline (filtered by backorder), data export and erasure (rows read by key)",
  },
  dueSteps: {
    table: 'enrolments',
    index: 'dueByBucket',
    attributes: ['nextStepId', 'nextStepIndex'],
    readers: 'enrolment-store.ts dueEntries: the nurture sweeper queues each due step by its id and index',
  },
  dueOutbox: {
    table: 'outbox',
    index: 'pendingByShard',
    attributes: 'ALL',
    readers: "outbox-store.ts dueOutboxRows: the scheduler publishes each left-behind row's messages",
  },
} as const satisfies Record<string, IndexRead>;

const specOf = (read: IndexRead): { table: TableDefinition; index: IndexDefinition } => {
  const table = tables[read.table] as TableDefinition;
  const index = table.indexes.find(({ name }) => name === read.index);
  if (!index) throw new Error(`Table ${read.table} has no index ${read.index}`);
  return { table, index };
};

/** The attributes every item of the index has whatever it projects: the table's key and the index's key. */
export const keyAttributesOf = (read: IndexRead): string[] => {
  const { table, index } = specOf(read);
  return [
    ...new Set(
      [table.partitionKey, table.sortKey, index.partitionKey, index.sortKey].flatMap((key) =>
        key ? [key.name] : [],
      ),
    ),
  ];
};

/**
 * A Query of the index that returns the keys and the attributes the reader declared, nothing else (a count
 * returns none). Every name goes through a placeholder: `key`, `name` and `status` are reserved words.
 */
export const queryIndex = (
  read: IndexRead,
  input: Omit<QueryCommandInput, 'TableName' | 'IndexName' | 'ProjectionExpression'>,
): QueryCommandInput => {
  const query: QueryCommandInput = { ...input, TableName: tableName(read.table), IndexName: read.index };
  if (read.attributes === 'ALL' || input.Select === 'COUNT') return query;
  const names = [...keyAttributesOf(read), ...read.attributes];
  return {
    ...query,
    ProjectionExpression: names.map((_, i) => `#read${i}`).join(', '),
    ExpressionAttributeNames: {
      ...input.ExpressionAttributeNames,
      ...Object.fromEntries(names.map((name, i) => [`#read${i}`, name])),
    },
  };
};

/** Keys read by key at once: ten requests of 100 in flight, however many entries a caller hands over. */
const ROWS_AT_ONCE = 1000;

/**
 * The rows the entries of an index stand for, read by key (strongly consistent, 100 a request), in the
 * entries' order: undefined for a row gone meanwhile. For readers that need more than the index projects.
 */
export const rowsOfEntries = async (
  read: IndexRead,
  entries: readonly Item[],
): Promise<(Item | undefined)[]> => {
  const { table } = specOf(read);
  const keyNames = [table.partitionKey.name, ...(table.sortKey ? [table.sortKey.name] : [])];
  const keyOf = (item: Item) => Object.fromEntries(keyNames.map((name) => [name, item[name]]));
  const idOf = (item: Item) => JSON.stringify(keyNames.map((name) => item[name]));
  const physical = tableName(read.table);
  const byId = new Map<string, Item>();
  const unique = [...new Map(entries.map((entry) => [idOf(entry), keyOf(entry)])).values()];
  for (let i = 0; i < unique.length; i += ROWS_AT_ONCE) {
    const found = await readByKeys({ [physical]: unique.slice(i, i + ROWS_AT_ONCE) });
    for (const row of found[physical] ?? []) byId.set(idOf(row), row);
  }
  return entries.map((entry) => byId.get(idOf(entry)));
};
