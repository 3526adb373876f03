/**
 * The holds scenario's set-up and its readings (./holds.ts measures): a product with a checkout URL and a hold,
 * 2 × N waiting backorders written straight to the table (test/support/backorder-rows.ts, shaped as
 * `insertBackorder` writes them), the oldest N allocated through the platform (one signed inventory webhook:
 * the real allocator, which gives each its hold, and the alerter), then their reminders recorded as the hold
 * keeper records them. All timed, none measured.
 */
import {
  BatchGetCommand,
  GetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { productRowKey, STATS_SHARDS } from '../../lambdas/domain/statistics';
import { mapWithLimit } from '../../lambdas/runtime/concurrency';
import { batchWrite, waitingBackorders, type SeededBackorder } from '../../test/support/backorder-rows';
import type { BenchStack } from '../lib/stack';
import { signedWebhook } from './restock-setup';

/** A checkout every shopper of the product is sent to; the hold is long, the sweeps run on an injected clock. */
export const CHECKOUT = { url: 'https://shop.example/c/{sku}?claim={claim}', hold: 'PT1H' };
const BATCH_WRITE_PARALLEL = 8;
const PARALLEL_READS = 8;
const SETUP_TIMEOUT_MS = 600_000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The product and its 2 × `count` waiting backorders of one unit: `held` (the oldest), then `next`. */
export const seedQueue = async (
  stack: BenchStack,
  dynamo: DynamoDBDocumentClient,
  sku: string,
  run: string,
  count: number,
): Promise<{ held: SeededBackorder[]; next: SeededBackorder[] }> => {
  await stack.admin('PUT', '/api/admin/settings', {
    backorders: { enabled: true, segments: ['b2c', 'b2b'] },
    doubleOptIn: false,
    sender: { from: 'Bench Shop <shop@bench.example>', postalAddress: '1 Bench Street, Testville' },
  });
  // The checkout on the product alone: scenarios after this one keep allocating without holds.
  await stack.admin('PUT', `/api/admin/products/${sku}`, {
    name: `Bench holds product ${run}`,
    stock: 0,
    backorders: { enabled: true, maxPerCustomer: 10 },
    checkout: CHECKOUT,
  });
  const rows = waitingBackorders(sku, new Array<number>(2 * count).fill(1), { label: `holds-${run}` });
  await batchWrite(
    dynamo,
    stack.platform.tableNames.backorders,
    rows.map((b) => b.row),
    BATCH_WRITE_PARALLEL,
  );
  return { held: rows.slice(0, count), next: rows.slice(count) };
};

/** Waits until `done()` or the set-up's time limit; `what` names it in the error. */
export const until = async (what: string, done: () => Promise<boolean>, timeoutMs = SETUP_TIMEOUT_MS) => {
  const deadline = performance.now() + timeoutMs;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`${what}: not done within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
};

export const productItem = async (stack: BenchStack, dynamo: DynamoDBDocumentClient, sku: string) =>
  (
    await dynamo.send(
      new GetCommand({ TableName: stack.platform.tableNames.products, Key: { sku }, ConsistentRead: true }),
    )
  ).Item;

/** One webhook with `count` units: the oldest `count` are allocated (each with its hold) and alerted. */
export const allocateHeld = async (
  stack: BenchStack,
  dynamo: DynamoDBDocumentClient,
  sku: string,
  run: string,
  count: number,
) => {
  const body = JSON.stringify({ eventId: `bench-holds-${run}`, sku, available: count });
  const response = await signedWebhook(stack, body);
  if (response.status !== 202) throw new Error(`the inventory webhook answered ${response.status}`);
  const { queueUrls } = stack.platform;
  await until('the first allocation', async () => {
    const product = await productItem(stack, dynamo, sku);
    return (
      Number(product?.stock) === 0 &&
      !product?.runId &&
      (await stack.queueDepth(queueUrls.restock)) === 0 &&
      (await stack.queueDepth(queueUrls.alert)) === 0
    );
  });
};

/** Rows by id, read consistently (BatchGetItem, 100 keys a request), with only the attributes asked for. */
export const readRows = async (
  dynamo: DynamoDBDocumentClient,
  table: string,
  ids: readonly string[],
  attributes: readonly string[],
): Promise<Map<string, Record<string, unknown>>> => {
  const names = Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a]));
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += 100) chunks.push(ids.slice(i, i + 100));
  const rows = new Map<string, Record<string, unknown>>();
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL_READS }, async () => {
      while (next < chunks.length) {
        let keys: Record<string, unknown>[] | undefined = chunks[next++].map((id) => ({ id }));
        while (keys && keys.length > 0) {
          const page: BatchGetCommandOutput = await dynamo.send(
            new BatchGetCommand({
              RequestItems: {
                [table]: {
                  Keys: keys,
                  ConsistentRead: true,
                  ProjectionExpression: Object.keys(names).join(', '),
                  ExpressionAttributeNames: names,
                },
              },
            }),
          );
          for (const item of page.Responses?.[table] ?? []) rows.set(String(item.id), item);
          keys = page.UnprocessedKeys?.[table]?.Keys;
        }
      }
    }),
  );
  return rows;
};

/** The product's status counters (its 16 shard rows in the ledger, summed), read consistently. */
export const productCounters = async (
  dynamo: DynamoDBDocumentClient,
  ledger: string,
  sku: string,
): Promise<Record<string, number>> => {
  const keys = Array.from({ length: STATS_SHARDS }, (_, shard) => ({ key: productRowKey(sku, shard) }));
  const page = await dynamo.send(
    new BatchGetCommand({ RequestItems: { [ledger]: { Keys: keys, ConsistentRead: true } } }),
  );
  const sums: Record<string, number> = {};
  for (const row of page.Responses?.[ledger] ?? [])
    for (const [name, value] of Object.entries(row))
      if (typeof value === 'number') sums[name] = (sums[name] ?? 0) + value;
  return sums;
};

/**
 * Records each allocated hold's reminder as sent, with the hold keeper's own write (`markReminded`: `remindedAt`,
 * the event, and the index entry moved on to the expiry at the hold's end), as it stands a quarter of an hour
 * before the end. The reminder emails themselves are left out: they went out long before the expiry, and
 * sending 10 000 of them would only lengthen the set-up. Answers when the first and the last hold end.
 */
export const remindHolds = async (
  stack: BenchStack,
  dynamo: DynamoDBDocumentClient,
  ids: readonly string[],
  markReminded: (id: string, leasedKey: string, holdUntilMs: number, at: string) => Promise<boolean>,
) => {
  const rows = await readRows(dynamo, stack.platform.tableNames.backorders, ids, [
    'id',
    'status',
    'holdUntil',
    'holdDueKey',
  ]);
  const ends = ids.map((id) => {
    const row = rows.get(id);
    if (row?.status !== 'allocated' || typeof row.holdUntil !== 'string' || !row.holdDueKey)
      throw new Error(`${id} was not allocated with a hold`);
    return { id, end: Date.parse(row.holdUntil), key: String(row.holdDueKey) };
  });
  const marked = await mapWithLimit(ends, 16, ({ id, end, key }) =>
    markReminded(id, key, end, new Date(end - 15 * 60_000).toISOString()),
  );
  if (marked.some((ok) => !ok)) throw new Error('a hold changed while its reminder was recorded');
  return { firstEnd: Math.min(...ends.map((e) => e.end)), lastEnd: Math.max(...ends.map((e) => e.end)) };
};

/** What the scenario left behind, read once the queues have drained. */
export const outcome = async (
  stack: BenchStack,
  dynamo: DynamoDBDocumentClient,
  sku: string,
  held: readonly SeededBackorder[],
  next: readonly SeededBackorder[],
) => {
  const rows = await readRows(
    dynamo,
    stack.platform.tableNames.backorders,
    [...held, ...next].map((b) => b.id),
    ['id', 'status', 'events'],
  );
  const stats = (await stack.admin('GET', '/api/admin/stats?days=1')) as {
    products: { sku: string; expired: number }[];
  };
  return {
    notExpired: held.filter((b) => rows.get(b.id)?.status !== 'expired').length,
    expiredTwice: held.filter((b) => eventsOf(rows.get(b.id), 'expired') > 1).length,
    notReallocated: next.filter((b) => rows.get(b.id)?.status !== 'allocated').length,
    allocatedTwice: next.filter((b) => eventsOf(rows.get(b.id), 'allocated') > 1).length,
    stockLeft: Number((await productItem(stack, dynamo, sku))?.stock ?? Number.NaN),
    statsExpired: stats.products.find((p) => p.sku === sku)?.expired ?? Number.NaN,
  };
};

/** Emails of one kind per recipient: repeats to the expected, any to others, and the expected not reached. */
export const emailCheck = (perRecipient: Map<string, number>, expected: Set<string>) => {
  let duplicates = 0;
  let strangers = 0;
  let reached = 0;
  for (const [to, n] of perRecipient) {
    if (expected.has(to)) {
      duplicates += n - 1;
      reached++;
    } else strangers += n;
  }
  return { duplicates, strangers, missing: expected.size - reached };
};

/** How many of a row's events are of this type. */
export const eventsOf = (row: Record<string, unknown> | undefined, type: string): number =>
  Array.isArray(row?.events) ? row.events.filter((e: { type?: string }) => e.type === type).length : 0;
