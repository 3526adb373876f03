/**
 * Every index projects exactly what its readers read (lambdas/store/index-reads.ts against
 * lib/platform-resources.ts): a reader's attributes are all projected, nothing is projected that no reader
 * reads (each projected attribute makes a write of it rewrite the index), an index no one reads does not
 * exist, and every query of an index in lambdas/ names its read there. DynamoDB's limit holds: at most 100
 * projected non-key attributes over all the INCLUDE indexes of a table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  tableEnv,
  tables,
  type IndexDefinition,
  type TableDefinition,
  type TableName,
} from '../../lib/platform';
import { indexReads, keyAttributesOf, queryIndex, type IndexRead } from '../../lambdas/store/index-reads';

const reads = Object.entries(indexReads) as [string, IndexRead][];
const indexes = (Object.values(tables) as TableDefinition[]).flatMap((table) =>
  table.indexes.map((index) => ({ table, index })),
);
const readsOf = (table: TableDefinition, index: IndexDefinition) =>
  reads.filter(([, read]) => read.table === table.name && read.index === index.name);
const named = ({ table, index }: { table: TableDefinition; index: IndexDefinition }) =>
  [`${table.name}.${index.name}`, table, index] as const;

beforeAll(() => {
  // queryIndex names the table as the functions' environment does.
  for (const table of Object.keys(tables) as TableName[]) process.env[tableEnv(table)] ??= table;
});

test.each(reads)('the read %s names an index of the spec, and its attributes are projected', (_, read) => {
  const table = (Object.values(tables) as TableDefinition[]).find(({ name }) => name === read.table);
  const index = table?.indexes.find(({ name }) => name === read.index);
  expect(index).toBeDefined();
  const keys = keyAttributesOf(read);
  if (index!.projection === 'ALL') return;
  expect(read.attributes).not.toBe('ALL');
  const projected = index!.projection === 'KEYS_ONLY' ? [] : index!.projection;
  for (const attribute of read.attributes as readonly string[])
    expect({ attribute, projected: keys.includes(attribute) || projected.includes(attribute) }).toEqual({
      attribute,
      projected: true,
    });
});

test.each(indexes.map(named))('%s projects exactly what its readers read', (_, table, index) => {
  const readers = readsOf(table, index).map(([, read]) => read);
  expect(readers.length).toBeGreaterThan(0);
  const wanted = readers.some((read) => read.attributes === 'ALL')
    ? 'ALL'
    : [...new Set(readers.flatMap((read) => read.attributes as readonly string[]))].sort();
  const projection =
    index.projection === 'ALL' ? 'ALL' : index.projection === 'KEYS_ONLY' ? [] : [...index.projection].sort();
  expect(projection).toEqual(wanted);
});

test.each(Object.values(tables) as TableDefinition[])(
  'the $name table projects at most 100 non-key attributes, none of them a key',
  (table) => {
    const keys = new Set(
      [
        table.partitionKey,
        table.sortKey,
        ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
      ].flatMap((key) => (key ? [key.name] : [])),
    );
    const included = table.indexes.flatMap((index) =>
      Array.isArray(index.projection) ? index.projection : [],
    );
    expect(included.length).toBeLessThanOrEqual(100);
    expect(included.filter((attribute) => keys.has(attribute))).toEqual([]);
  },
);

test('a query asks for the keys and the declared attributes only, whatever names the caller uses', () => {
  const query = queryIndex(indexReads.sentEmails, {
    KeyConditionExpression: 'recipientKey = :r',
    FilterExpression: '#b = :b',
    ExpressionAttributeNames: { '#b': 'backorderId' },
    ExpressionAttributeValues: { ':r': 'a@example.com', ':b': 'B1' },
  });
  expect(query).toMatchObject({ TableName: 'ledger', IndexName: 'byRecipient' });
  const names = query.ExpressionAttributeNames!;
  expect(
    query
      .ProjectionExpression!.split(', ')
      .map((placeholder) => names[placeholder])
      .sort(),
  ).toEqual(['backorderId', 'claimedAt', 'key', 'recipientKey']);
  expect(names['#b']).toBe('backorderId');
  // A count reads nothing; a reader of whole items asks for no projection.
  expect(queryIndex(indexReads.olderWaiting, { Select: 'COUNT' }).ProjectionExpression).toBeUndefined();
  expect(queryIndex(indexReads.dueOutbox, {}).ProjectionExpression).toBeUndefined();
});

test('every query of an index in lambdas/ goes through index-reads.ts', () => {
  const root = join(__dirname, '../..');
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? files(join(dir, entry.name))
        : entry.name.endsWith('.ts')
          ? [join(dir, entry.name)]
          : [],
    );
  const naming = files(join(root, 'lambdas'))
    .filter((file) => /IndexName\s*:/.test(readFileSync(file, 'utf8')))
    .map((file) => relative(root, file))
    .filter((file) => file !== 'lambdas/store/index-reads.ts');
  expect(naming).toEqual([]);
});
