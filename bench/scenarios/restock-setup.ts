/**
 * The restock scenario's set-up, shared with mixed and holds: the product through the admin API, the signed
 * inventory webhook, a warm-up restock through the platform, and the statuses of a SKU's backorders afterwards.
 */
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { signatureHeader } from '../../lambdas/runtime/signature';
import { batchWrite, waitingBackorders } from '../../test/support/backorder-rows';
import type { BenchStack } from '../lib/stack';

export const SENDER = 'Bench Shop <shop@bench.example>';
export const POSTAL_ADDRESS = '1 Bench Street, Testville';
const BATCH_WRITE_PARALLEL = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const seedProduct = async (stack: BenchStack, sku: string, run: string) => {
  await stack.admin('PUT', '/api/admin/settings', {
    backorders: { enabled: true, segments: ['b2c', 'b2b'] },
    doubleOptIn: false,
    sender: { from: SENDER, postalAddress: POSTAL_ADDRESS },
  });
  await stack.admin('PUT', `/api/admin/products/${sku}`, {
    name: `Bench restock product ${run}`,
    stock: 0,
    backorders: { enabled: true, maxPerCustomer: 10 },
  });
};

export const signedWebhook = (stack: BenchStack, body: string) =>
  fetch(`${stack.url}/api/webhooks/inventory`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-signature': signatureHeader(stack.webhookSecret, body),
    },
    body,
  });

/**
 * A small restock through the platform, before anything is measured: DynamoDB Local's JVM, the handlers and
 * the SDK are then as warm for the measured run as they are for the floor that follows it (a cold DynamoDB
 * Local spends two to three times the CPU per write for its first few thousand).
 */
export const warmUp = async (
  stack: BenchStack,
  dynamo: DynamoDBDocumentClient,
  run: string,
  count: number,
) => {
  const started = performance.now();
  const sku = `BENCH-RESTOCK-WARM-${run}`.toUpperCase();
  await seedProduct(stack, sku, `${run} (warm-up)`);
  const rows = waitingBackorders(sku, new Array<number>(count).fill(1), { label: `restock-warm-${run}` });
  const { tableNames, queueUrls } = stack.platform;
  await batchWrite(
    dynamo,
    tableNames.backorders,
    rows.map((b) => b.row),
    BATCH_WRITE_PARALLEL,
  );
  const response = await signedWebhook(
    stack,
    JSON.stringify({ eventId: `bench-restock-warm-${run}`, sku, available: count }),
  );
  if (response.status !== 202) throw new Error(`the warm-up webhook answered ${response.status}`);
  const deadline = performance.now() + 120_000;
  for (;;) {
    await sleep(250);
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableNames.products, Key: { sku }, ConsistentRead: true }),
    );
    const allocated = Number(Item?.stock) === 0 && !Item?.runId;
    if (
      allocated &&
      (await stack.queueDepth(queueUrls.restock)) === 0 &&
      (await stack.queueDepth(queueUrls.alert)) === 0
    )
      break;
    if (performance.now() > deadline) throw new Error('the warm-up restock did not finish within 120 s');
  }
  return (performance.now() - started) / 1000;
};

/** Statuses of the SKU's backorders (a parallel scan of the run's own table, filtered on the SKU). */
export const statusesOf = async (
  dynamo: DynamoDBDocumentClient,
  table: string,
  sku: string,
): Promise<Map<string, string>> => {
  const statuses = new Map<string, string>();
  const segments = 4;
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await dynamo.send(
          new ScanCommand({
            TableName: table,
            Segment: segment,
            TotalSegments: segments,
            FilterExpression: 'sku = :sku',
            ProjectionExpression: 'id, #status',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':sku': sku },
            ExclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) statuses.set(String(item.id), String(item.status));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    }),
  );
  return statuses;
};
