/**
 * Creates the tables and queues of lib/platform.ts on the emulators, named with a prefix so several runs (or
 * test files) can share one emulator. The same definitions drive the CDK stack.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  queueEnv,
  queues,
  tableEnv,
  tables,
  type QueueDefinition,
  type QueueName,
  type TableDefinition,
  type TableName,
} from '../lib/platform';

export interface LocalResources {
  tableNames: Record<TableName, string>;
  queueUrls: Record<QueueName, string>;
  deadLetterQueueUrls: Record<QueueName, string>;
  /** The environment variables handlers read to find them. */
  environment: Record<string, string>;
}

const createTable = async (client: DynamoDBClient, name: string, table: TableDefinition): Promise<void> => {
  const keys = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
  const attributes = new Map<string, string>();
  for (const key of keys) attributes.set(key.name, key.type);
  const indexes: GlobalSecondaryIndex[] = table.indexes.map((index) => {
    attributes.set(index.partitionKey.name, index.partitionKey.type);
    if (index.sortKey) attributes.set(index.sortKey.name, index.sortKey.type);
    return {
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
        ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
      ],
      Projection: Array.isArray(index.projection)
        ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] }
        : { ProjectionType: index.projection },
    };
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: table.partitionKey.name, KeyType: 'HASH' },
          ...(table.sortKey ? [{ AttributeName: table.sortKey.name, KeyType: 'RANGE' as const }] : []),
        ],
        AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
          AttributeName,
          AttributeType: AttributeType as 'S' | 'N',
        })),
        GlobalSecondaryIndexes: indexes.length ? indexes : undefined,
      }),
    );
    if (table.timeToLiveAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { Enabled: true, AttributeName: table.timeToLiveAttribute },
        }),
      );
    }
  } catch (error) {
    // A persisted DATA_DIR already has the tables: they must have the indexes this version queries, each
    // projecting at least what this version's readers take from it.
    if (!(error instanceof ResourceInUseException)) throw error;
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    const existing = Table?.GlobalSecondaryIndexes ?? [];
    const fits = existing.length === indexes.length && indexes.every((index) => covers(existing, index));
    if (!fits)
      throw new Error(
        `Table ${name} (DATA_DIR) was made by another version: its indexes are ${describe(existing) || 'none'}, ` +
          `this version needs ${describe(indexes) || 'none'}. Move DATA_DIR aside (or delete it) and start again.`,
        { cause: error },
      );
  }
};

type IndexDescription = Partial<Pick<GlobalSecondaryIndex, 'IndexName' | 'KeySchema' | 'Projection'>>;

const keysOf = (index: IndexDescription) =>
  `${index.IndexName}(${(index.KeySchema ?? []).map((key) => key.AttributeName).join(',')})`;

const projectionOf = ({ Projection }: IndexDescription) =>
  Projection?.ProjectionType === 'INCLUDE'
    ? `[${(Projection.NonKeyAttributes ?? []).join(',')}]`
    : (Projection?.ProjectionType ?? 'ALL');

/** `name(keys) projection` of each index, sorted: what a refusal names. */
const describe = (indexes: readonly IndexDescription[]) =>
  indexes
    .map((index) => `${keysOf(index)} ${projectionOf(index)}`)
    .sort()
    .join(' ');

/** An index of the same name and keys that projects everything this version reads (more does no harm). */
const covers = (existing: readonly IndexDescription[], wanted: IndexDescription): boolean => {
  const index = existing.find((candidate) => keysOf(candidate) === keysOf(wanted));
  const has = index?.Projection;
  const needs = wanted.Projection;
  if (!has || !needs) return false;
  if (has.ProjectionType === 'ALL' || needs.ProjectionType === 'KEYS_ONLY') return true;
  if (needs.ProjectionType === 'ALL') return false;
  const projected = new Set(has.ProjectionType === 'INCLUDE' ? has.NonKeyAttributes : []);
  return (needs.NonKeyAttributes ?? []).every((attribute) => projected.has(attribute));
};

const createQueue = async (
  client: SQSClient,
  name: string,
  queue: QueueDefinition,
  visibilityTimeoutSeconds: number | undefined,
): Promise<{ url: string; deadLetterUrl: string }> => {
  const dlq = await client.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqArn = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const main = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(visibilityTimeoutSeconds ?? queue.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn.Attributes!.QueueArn,
          maxReceiveCount: queue.maxReceiveCount,
        }),
      },
    }),
  );
  return { url: main.QueueUrl!, deadLetterUrl: dlq.QueueUrl! };
};

export const createLocalResources = async (options: {
  prefix: string;
  dynamo: DynamoDBClient;
  sqs: SQSClient;
  /** Locally retries should show up in seconds, not after the deployed visibility timeout. */
  visibilityTimeoutSeconds?: number;
}): Promise<LocalResources> => {
  const tableNames = {} as Record<TableName, string>;
  const environment: Record<string, string> = {};
  await Promise.all(
    (Object.entries(tables) as [TableName, TableDefinition][]).map(async ([key, table]) => {
      const name = `${options.prefix}${table.name}`;
      await createTable(options.dynamo, name, table);
      tableNames[key] = name;
      environment[tableEnv(key)] = name;
    }),
  );
  const queueUrls = {} as Record<QueueName, string>;
  const deadLetterQueueUrls = {} as Record<QueueName, string>;
  for (const [key, queue] of Object.entries(queues) as [QueueName, QueueDefinition][]) {
    const { url, deadLetterUrl } = await createQueue(
      options.sqs,
      `${options.prefix}${queue.name}`,
      queue,
      options.visibilityTimeoutSeconds,
    );
    queueUrls[key] = url;
    deadLetterQueueUrls[key] = deadLetterUrl;
    environment[queueEnv(key)] = url;
  }
  return { tableNames, queueUrls, deadLetterQueueUrls, environment };
};
