/**
 * The allocation's calls for the restock floor with the platform's calls (restock-floor-calls.ts): one page
 * of 250 backorders as lambdas/use-cases/allocate-restock.ts makes its requests, directly with the SDK.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { listPartitions } from '../../lambdas/domain/backorder';
import { allocationChanges } from '../../lambdas/domain/statistics';
import { counterAdds } from './floor-mail';
import { hashToken, newToken } from '../../lambdas/runtime/tokens';
import { PAGE_SIZE } from '../../lambdas/use-cases/allocate-restock';
import { allocationUpdate } from '../../lambdas/store/allocation-writes';
import type { TableName } from '../../lib/platform';

/** The merged page's first round: twice the page over the shards (lambdas/store/merged-query.ts). */
const SHARD_CHUNK = Math.max(4, Math.ceil((2 * PAGE_SIZE) / 16));
const TOGETHER = 100;

type Item = Record<string, unknown>;

/** The floor's allocation: `allocatePage(page, nowMs)` allocates the next page of the floor's queue. */
export const floorAllocation = ({
  dynamo,
  sqs,
  tableNames,
  sku,
  run,
  alertQueue,
  pageQueue,
}: {
  dynamo: DynamoDBDocumentClient;
  sqs: SQSClient;
  tableNames: Record<TableName, string>;
  sku: string;
  run: string;
  alertQueue: string;
  pageQueue: string;
}) => {
  const product = { TableName: tableNames.products, Key: { sku: sku } };
  const shards = listPartitions(sku);
  const runId = `floor-${run}`;

  /** One page: the waiting keys of the 16 shards from where the last page stopped, the oldest 250 taken. */
  const cursors = new Map<string, Item | undefined>();
  const waitingPage = async (): Promise<Item[]> => {
    const found = await Promise.all(
      shards.map(async (shard) => {
        const { Items = [] } = await dynamo.send(
          new QueryCommand({
            TableName: tableNames.backorders,
            IndexName: 'waitingBySku',
            KeyConditionExpression: 'skuShard = :shard',
            ExpressionAttributeValues: { ':shard': shard },
            ProjectionExpression: 'id, skuShard, waitingKey, quantity',
            Limit: SHARD_CHUNK,
            ...(cursors.get(shard) ? { ExclusiveStartKey: cursors.get(shard) } : {}),
          }),
        );
        return Items;
      }),
    );
    const page = found
      .flat()
      .sort((a, b) => String(a.waitingKey).localeCompare(String(b.waitingKey)))
      .slice(0, PAGE_SIZE);
    for (const item of page)
      cursors.set(String(item.skuShard), {
        id: item.id,
        skuShard: item.skuShard,
        waitingKey: item.waitingKey,
      });
    return page;
  };

  /** One of the run's updates of the product row (lease, reservation, page done), read back as the platform's. */
  const updateProduct = (
    UpdateExpression: string,
    ExpressionAttributeValues: Record<string, unknown>,
    ConditionExpression?: string,
  ) =>
    dynamo.send(
      new UpdateCommand({
        ...product,
        UpdateExpression,
        ConditionExpression,
        ExpressionAttributeValues,
        ReturnValues: 'ALL_NEW',
      }),
    );

  const allocatePage = async (page: number, nowMs: number): Promise<void> => {
    await dynamo.send(new GetCommand({ ...product, ConsistentRead: true }));
    await updateProduct('SET runId = :run, runLeaseUntil = :lease', {
      ':run': runId,
      ':lease': nowMs + 60_000,
    });
    const waiting = await waitingPage();
    if (waiting.length === 0) return;
    const ids = waiting.map((w) => String(w.id));
    await updateProduct(
      'SET stock = stock - :units, reserved = :reserved',
      {
        ':run': runId,
        ':units': ids.length,
        ':reserved': { ids, quantities: ids.map(() => 1), units: ids.length, ref: `${runId}#${page}`, page },
      },
      'runId = :run AND stock >= :units',
    );
    await dynamo.send(new GetCommand({ TableName: tableNames.settings, Key: { name: 'site' } }));
    const at = new Date(nowMs).toISOString();
    const tokens = ids.map(() => newToken());
    const allocated: Item[] = [];
    for (let start = 0; start < ids.length; start += TOGETHER) {
      const chunk = ids.slice(start, start + TOGETHER);
      await dynamo.send(
        new TransactWriteCommand({
          TransactItems: chunk.map((id, i) => ({
            Update: allocationUpdate(
              { id, statusTokenHash: hashToken(tokens[start + i]) },
              `${runId}#${page}`,
              at,
              undefined,
            ),
          })),
        }),
      );
      const { Responses = {} } = await dynamo.send(
        new BatchGetCommand({
          RequestItems: {
            [tableNames.backorders]: { Keys: chunk.map((id) => ({ id })), ConsistentRead: true },
          },
        }),
      );
      allocated.push(...(Responses[tableNames.backorders] ?? []));
    }
    await dynamo.send(
      new GetCommand({
        TableName: tableNames.queues,
        Key: { key: `summary#${sku}` },
        ConsistentRead: true,
      }),
    );
    const alerts = allocated.map((b, i) =>
      JSON.stringify({
        kind: 'restock',
        backorderId: b.id,
        sku: b.sku,
        productName: `Bench floor product ${run}`,
        quantity: b.quantity,
        email: b.email,
        name: b.name,
        locale: b.locale,
        statusToken: tokens[i],
        allocatedAt: at,
      }),
    );
    for (let i = 0; i < alerts.length; i += 10)
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: alertQueue,
          Entries: alerts.slice(i, i + 10).map((body, n) => ({ Id: String(n), MessageBody: body })),
        }),
      );
    const counted = allocated.map((b) => ({
      id: String(b.id),
      sku: String(b.sku),
      quantity: Number(b.quantity),
      createdAt: String(b.createdAt),
      allocatedAt: at,
    }));
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              ...product,
              UpdateExpression: 'SET stock = stock + :back, reserved.settled = :yes',
              ExpressionAttributeValues: { ':back': 0, ':yes': true },
            },
          },
          ...counterAdds(allocationChanges(counted), tableNames.ledger),
        ],
      }),
    );
    await dynamo.send(new GetCommand({ ...product, ConsistentRead: true }));
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: pageQueue,
        Entries: [
          { Id: '0', MessageBody: JSON.stringify({ kind: 'page', sku: sku, runId, page: page + 1 }) },
        ],
      }),
    );
    await updateProduct('SET runPage = :page, runLeaseUntil = :lease', {
      ':page': page,
      ':lease': nowMs + 60_000,
    });
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: pageQueue, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
    );
    if (Messages.length > 0)
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: pageQueue,
          Entries: Messages.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
  };

  return allocatePage;
};
