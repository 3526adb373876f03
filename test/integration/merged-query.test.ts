/**
 * Paging through a sharded index (lambdas/store/merged-query.ts) against DynamoDB Local: for any rows spread
 * over the shards, any page size and any filter, the pages put together are exactly the matching rows,
 * oldest first, each once; a page never holds more than asked; a cursor that is not one is refused. The same
 * over an index that projects keys only, its rows read by key and filtered there (`rowsOf`).
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { emulatorClients } from '../../local/platform';
import { emulatorEndpoints } from '../support/platform';
import type { mergedPage as MergedPage } from '../../lambdas/store/merged-query';

const endpoints = emulatorEndpoints();
const raw = emulatorClients(endpoints).dynamo;
const client = DynamoDBDocumentClient.from(raw);
const table = `merged-query-${randomBytes(4).toString('hex')}`;
let mergedPage: typeof MergedPage;

beforeAll(async () => {
  // The store's client is configured by the environment only, as on Lambda.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoints.dynamodb;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  ({ mergedPage } = await import('../../lambdas/store/merged-query'));
  await raw.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'id', AttributeType: 'S' },
        { AttributeName: 'part', AttributeType: 'S' },
        { AttributeName: 'order', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byPart',
          KeySchema: [
            { AttributeName: 'part', KeyType: 'HASH' },
            { AttributeName: 'order', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'byPartKeys',
          KeySchema: [
            { AttributeName: 'part', KeyType: 'HASH' },
            { AttributeName: 'order', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    }),
  );
});
afterAll(async () => {
  await raw.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
  raw.destroy();
});

interface Row {
  id: string;
  part: string;
  order: string;
  kept: boolean;
}

const put = async (rows: readonly Row[]) => {
  for (let i = 0; i < rows.length; i += 25)
    await client.send(
      new BatchWriteCommand({
        RequestItems: { [table]: rows.slice(i, i + 25).map((row) => ({ PutRequest: { Item: row } })) },
      }),
    );
};

/** The rows of keys-only entries, read by key as the listings do, each undefined when the filter refuses it. */
const rowsByKey = (filtered: boolean) => async (entries: Record<string, unknown>[]) => {
  // DynamoDB Local honours the projection: the index gives keys only.
  for (const entry of entries) expect(Object.keys(entry).sort()).toEqual(['id', 'order', 'part']);
  const found = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < entries.length; i += 100) {
    const { Responses } = await client.send(
      new BatchGetCommand({
        RequestItems: { [table]: { Keys: entries.slice(i, i + 100).map(({ id }) => ({ id })) } },
      }),
    );
    for (const row of Responses?.[table] ?? []) found.set(String(row.id), row);
  }
  return entries.map((entry) => {
    const row = found.get(String(entry.id));
    return row && (!filtered || row.kept) ? row : undefined;
  });
};

const queryOf = (listing: string, shards: number, filtered: boolean, byKey = false) => {
  const partitions = Array.from({ length: shards }, (_, s) => `${listing}#${s}`);
  return {
    partitions,
    keys: { partition: 'part', sort: 'order', id: 'id' },
    shards: partitions.map((part): QueryCommandInput =>
      byKey
        ? {
            TableName: table,
            IndexName: 'byPartKeys',
            KeyConditionExpression: 'part = :p',
            ExpressionAttributeValues: { ':p': part },
          }
        : {
            TableName: table,
            IndexName: 'byPart',
            KeyConditionExpression: 'part = :p',
            ExpressionAttributeValues: { ':p': part, ...(filtered ? { ':yes': true } : {}) },
            ...(filtered ? { FilterExpression: 'kept = :yes' } : {}),
          },
    ),
    ...(byKey ? { rowsOf: rowsByKey(filtered) } : {}),
  };
};

const readAll = async (listing: string, shards: number, filtered: boolean, limit: number, byKey = false) => {
  const pages: string[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await mergedPage({ ...queryOf(listing, shards, filtered, byKey), limit, cursor });
    // Rows read by key are whole, as stored.
    if (byKey) for (const item of page.items) expect(item).toHaveProperty('kept');
    expect(page.items.length).toBeLessThanOrEqual(limit);
    pages.push(page.items.map((item) => String(item.id)));
    if (page.cursor === null) return pages;
    cursor = page.cursor;
  }
  throw new Error('the listing never ended');
};

let listings = 0;
test('pages put together are the matching rows, oldest first, each once', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(1, 4, 16),
      fc.array(
        fc.record({
          // Few distinct times, as many signups share a millisecond; the id makes the key unique, as in queueKey.
          order: fc.integer({ min: 0, max: 40 }).map((n) => String(n).padStart(3, '0')),
          shard: fc.nat(),
          kept: fc.boolean(),
        }),
        { maxLength: 120, size: 'max' },
      ),
      fc.integer({ min: 1, max: 30 }),
      fc.boolean(),
      fc.boolean(),
      async (shards, specs, limit, filtered, byKey) => {
        const listing = `L${++listings}`;
        const rows = specs.map((spec, i): Row => {
          const id = `id-${String(i).padStart(4, '0')}-${randomBytes(2).toString('hex')}`;
          return {
            id,
            part: `${listing}#${spec.shard % shards}`,
            order: `${spec.order}#${id}`,
            kept: spec.kept,
          };
        });
        await put(rows);
        const expected = rows
          .filter((row) => !filtered || row.kept)
          .sort((a, b) => (a.order < b.order ? -1 : 1))
          .map((row) => row.id);
        const pages = await readAll(listing, shards, filtered, limit, byKey);
        expect(pages.flat()).toEqual(expected);
        // Without a filter every page but the last is full.
        if (!filtered) for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
      },
    ),
    { numRuns: 25 },
  );
});

test('a filter that leaves out most rows ends a page short at a bounded cost, and the cursor goes on', async () => {
  const listing = `L${++listings}`;
  const rows = Array.from({ length: 400 }, (_, i): Row => ({
    id: `id-${String(i).padStart(4, '0')}`,
    part: `${listing}#${i % 2}`,
    order: String(i).padStart(4, '0'),
    kept: i === 399,
  }));
  await put(rows);
  for (const byKey of [false, true]) {
    const pages = await readAll(listing, 2, true, 1, byKey);
    expect(pages.flat()).toEqual(['id-0399']);
    // Eight rounds of one-row reads per shard cannot reach the end: the first page is empty and goes on.
    expect(pages[0]).toEqual([]);
  }
});

test('a cursor that is not one of this listing is refused', async () => {
  const query = queryOf('L-cursor', 4, false);
  for (const cursor of [
    'not json!',
    Buffer.from('[null,null]').toString('base64url'),
    'e30',
    'A'.repeat(9000),
  ])
    await expect(mergedPage({ ...query, limit: 5, cursor })).rejects.toMatchObject({
      status: 400,
      code: 'VALIDATION',
    });
});
