/**
 * The local runner's tables (local/resources.ts) against DynamoDB Local: created from the spec (keys and
 * projections), kept when they exist with the spec's indexes (a DATA_DIR; an index projecting more is fine),
 * and refused with a clear message when a DATA_DIR holds a table whose indexes another version made, or that
 * project less than this version reads, instead of answering every listing with a 500 (or blanks) later.
 */
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand, type Projection } from '@aws-sdk/client-dynamodb';
import { tables, type IndexDefinition, type TableDefinition, type TableName } from '../../lib/platform';
import { emulatorClients } from '../../local/platform';
import { createLocalResources } from '../../local/resources';
import { emulatorEndpoints } from '../support/platform';

const clients = emulatorClients(emulatorEndpoints());
afterAll(() => {
  clients.dynamo.destroy();
  clients.sqs.destroy();
});

const prefix = () => `lr-${randomBytes(4).toString('hex')}-`;

test('tables made by this version are kept on a second start', async () => {
  const options = { prefix: prefix(), dynamo: clients.dynamo, sqs: clients.sqs };
  const first = await createLocalResources(options);
  const second = await createLocalResources(options);
  expect(second.tableNames).toEqual(first.tableNames);
});

test('a backorders table with the indexes of another version is refused, naming what differs', async () => {
  const options = { prefix: prefix(), dynamo: clients.dynamo, sqs: clients.sqs };
  // The queue index keyed by the bare SKU, as before listings were sharded.
  await clients.dynamo.send(
    new CreateTableCommand({
      TableName: `${options.prefix}backorders`,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [
        { AttributeName: 'id', AttributeType: 'S' },
        { AttributeName: 'sku', AttributeType: 'S' },
        { AttributeName: 'waitingKey', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'waitingBySku',
          KeySchema: [
            { AttributeName: 'sku', KeyType: 'HASH' },
            { AttributeName: 'waitingKey', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await expect(createLocalResources(options)).rejects.toThrow(
    /backorders \(DATA_DIR\) was made by another version: its indexes are waitingBySku\(sku,waitingKey\) ALL, this version needs .*waitingBySku\(skuShard,waitingKey\) \[quantity\]/,
  );
});

/** The backorders table as the spec has it, but with each index's projection as `projectionOf` says. */
const backordersWith = (tableName: string, projectionOf: (index: IndexDefinition) => Projection) => {
  const spec = tables.backorders as TableDefinition;
  const keys = [spec.partitionKey, ...spec.indexes.flatMap((index) => [index.partitionKey, index.sortKey!])];
  return new CreateTableCommand({
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: spec.partitionKey.name, KeyType: 'HASH' }],
    AttributeDefinitions: [...new Map(keys.map((key) => [key.name, key])).values()].map((key) => ({
      AttributeName: key.name,
      AttributeType: key.type,
    })),
    GlobalSecondaryIndexes: spec.indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: index.sortKey!.name, KeyType: 'RANGE' },
      ],
      Projection: projectionOf(index),
    })),
  });
};

test("each table's indexes project what the spec says", async () => {
  const { tableNames } = await createLocalResources({
    prefix: prefix(),
    dynamo: clients.dynamo,
    sqs: clients.sqs,
  });
  for (const [key, spec] of Object.entries(tables) as [TableName, TableDefinition][]) {
    const { Table } = await clients.dynamo.send(new DescribeTableCommand({ TableName: tableNames[key] }));
    const projections = Object.fromEntries(
      (Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.Projection]),
    );
    expect(projections).toEqual(
      Object.fromEntries(
        spec.indexes.map((index) => [
          index.name,
          Array.isArray(index.projection)
            ? { ProjectionType: 'INCLUDE', NonKeyAttributes: index.projection }
            : { ProjectionType: index.projection },
        ]),
      ),
    );
  }
});

test('a DATA_DIR table whose indexes project more than this version reads (as earlier versions made them) is kept', async () => {
  const options = { prefix: prefix(), dynamo: clients.dynamo, sqs: clients.sqs };
  await clients.dynamo.send(backordersWith(`${options.prefix}backorders`, () => ({ ProjectionType: 'ALL' })));
  await expect(createLocalResources(options)).resolves.toBeDefined();
});

test('a DATA_DIR table whose index projects less than this version reads is refused, naming the projections', async () => {
  const options = { prefix: prefix(), dynamo: clients.dynamo, sqs: clients.sqs };
  await clients.dynamo.send(
    backordersWith(`${options.prefix}backorders`, (index) =>
      index.name === 'waitingBySku' ? { ProjectionType: 'KEYS_ONLY' } : { ProjectionType: 'ALL' },
    ),
  );
  await expect(createLocalResources(options)).rejects.toThrow(
    /its indexes are .*waitingBySku\(skuShard,waitingKey\) KEYS_ONLY.*, this version needs .*waitingBySku\(skuShard,waitingKey\) \[quantity\]/,
  );
});
