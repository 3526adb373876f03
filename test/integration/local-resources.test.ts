/**
 * The local runner's tables (local/resources.ts) against DynamoDB Local: created from the spec, kept when they
 * exist with the spec's indexes (a DATA_DIR), and refused with a clear message when a DATA_DIR holds a table
 * whose indexes another version made, instead of answering every listing with a 500 later.
 */
import { randomBytes } from 'node:crypto';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
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
    /backorders \(DATA_DIR\) was made by another version: its indexes are waitingBySku\(sku,waitingKey\), this version needs .*waitingBySku\(skuShard,waitingKey\)/,
  );
});
