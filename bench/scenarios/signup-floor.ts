/**
 * The signup scenario's floor: the DynamoDB and SQS calls one signup makes, issued straight with the AWS SDK
 * in closed loops, on SKUs of its own.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import { listKeysOf } from '../../lambdas/domain/backorder';
import { asApiInvocation } from '../../local/api-priority';
import { emptyLoadResult, type LoadResult } from '../lib/load';
import type { BenchStack } from '../lib/stack';
import { askCapacityLikeTheMeter } from '../lib/requests-by-function';

/** Clients through the platform, and the floor's loops: the same. */
export const CONCURRENCY = 32;

/**
 * One signup's DynamoDB and SQS calls as the platform makes them, with the SDK alone:
 * 1. `BatchGetItem` of the product, the site settings and the ticket counter;
 * 2. `UpdateItem` of the ticket, straight off the counter (as a quiet product's);
 * 3. `TransactWriteItems` of the claim, the backorder row, the outbox row owing the confirmation, the
 *    product's two statistics counters and the ticket's page;
 * 4. at once: `SendMessageBatch` of the confirmation then `DeleteItem` of its outbox row, and a consistent
 *    `BatchGetItem` of the summary, book and page the place is read from.
 * (With SIGNUP_RATE_LIMIT 0 a signup makes no rate-limit writes, so neither does this.) The confirmations go
 * to a queue of the floor's own, which the floor's sender consumes when the platform's sender runs
 * (signup-floor-sender.ts): the platform's would try to deliver them.
 * What is left between the two is the gateway, middy, validation and the handler's own code.
 */
export const floorCalls = (stack: BenchStack, floorQueueUrl: string, run: string) => {
  const common = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...common, endpoint: stack.endpoints.dynamodb }),
    {
      marshallOptions: { removeUndefinedValues: true },
    },
  );
  // The platform's calls are metered, which asks DynamoDB for their consumed capacity: so are these.
  askCapacityLikeTheMeter(dynamo);
  const sqs = new SQSClient({ ...common, endpoint: stack.endpoints.sqs });
  const { products, settings, backorders, ledger, queues, outbox } = stack.platform.tableNames;
  const tokenHash = randomBytes(32).toString('hex');

  const signup = async (n: number, sku: string): Promise<void> => {
    const email = `floor-${n}.${run}@bench.example`;
    const createdAt = new Date().toISOString();
    const id = `${Date.now().toString(32).toUpperCase().padStart(10, '0')}${randomBytes(8).toString('hex').toUpperCase()}`;
    const queueKey = `${createdAt}#${id}`;
    const outboxId = `signup#${id}`;
    const confirmation = { kind: 'confirmation', backorderId: id };

    const { Responses } = await dynamo.send(
      new BatchGetCommand({
        RequestItems: {
          [products]: { Keys: [{ sku }] },
          [settings]: { Keys: [{ name: 'site' }] },
          [queues]: { Keys: [{ key: `tickets#${sku}` }] },
        },
      }),
    );
    if (!Responses?.[products]?.[0]) throw new Error(`floor: product ${sku} not found`);

    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: queues,
        Key: { key: `tickets#${sku}` },
        UpdateExpression: 'ADD #next :one SET directAt = :now',
        ExpressionAttributeNames: { '#next': 'next' },
        ExpressionAttributeValues: { ':one': 1, ':now': Date.now() },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const ticket = Number(Attributes?.next ?? 0);
    const page = `page#${sku}#${Math.floor(ticket / 256)}`;
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: ledger,
              Item: { key: `signup#${sku}#${email}`, backorderId: id },
              ConditionExpression: 'attribute_not_exists(#key)',
              ExpressionAttributeNames: { '#key': 'key' },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          {
            Put: {
              TableName: backorders,
              Item: {
                id,
                sku,
                email,
                emailKey: email,
                quantity: 1,
                segment: 'b2c',
                marketingConsent: false,
                locale: 'en',
                status: 'waiting',
                createdAt,
                updatedAt: createdAt,
                queueKey,
                statusTokenHashes: [tokenHash],
                events: [{ at: createdAt, type: 'created', by: 'shopper' }],
                ticket,
                waitingKey: `t${String(ticket).padStart(16, '0')}`,
                ...listKeysOf({ id, sku }),
              },
              ConditionExpression: 'attribute_not_exists(id)',
            },
          },
          {
            Put: {
              TableName: outbox,
              Item: {
                id: outboxId,
                entries: [{ kind: 'email', message: confirmation }],
                createdAt,
                dueAt: new Date(Date.parse(createdAt) + 60_000).toISOString(),
                pendingShard: String(n % 16),
              },
            },
          },
          {
            Update: {
              TableName: ledger,
              Key: { key: `stats#product#${sku}#${n % 16}` },
              UpdateExpression: 'ADD #c0 :one, #c1 :one, #c2 :one',
              ExpressionAttributeNames: { '#c0': 'created', '#c1': 'waiting', '#c2': 'unitsWaiting' },
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
          {
            Update: {
              TableName: ledger,
              Key: { key: `stats#units#${sku}#${createdAt.slice(0, 7)}#${n % 16}` },
              UpdateExpression: 'ADD #c0 :one',
              ExpressionAttributeNames: { '#c0': `added_${createdAt.slice(8, 10)}` },
              ExpressionAttributeValues: { ':one': 1 },
            },
          },
          {
            Update: {
              TableName: queues,
              Key: { key: page },
              UpdateExpression: 'ADD slots :slot, version :one',
              ConditionExpression: 'attribute_not_exists(sealed)',
              ExpressionAttributeValues: { ':slot': new Set([ticket % 256]), ':one': 1 },
            },
          },
        ],
      }),
    );

    // As the platform: the confirmation sent and its outbox row deleted, while the place is read.
    await Promise.all([
      sqs
        .send(
          new SendMessageBatchCommand({
            QueueUrl: floorQueueUrl,
            Entries: [{ Id: '0', MessageBody: JSON.stringify(confirmation) }],
          }),
        )
        .then(() => dynamo.send(new DeleteCommand({ TableName: outbox, Key: { id: outboxId } }))),
      dynamo.send(
        new BatchGetCommand({
          RequestItems: {
            [queues]: {
              Keys: [
                { key: `summary#${sku}` },
                { key: `book#${sku}#${Math.floor(ticket / 2048)}` },
                { key: page },
              ],
              ConsistentRead: true,
            },
          },
        }),
      ),
    ]);
  };
  return {
    // The runner's gateway marks each API invocation: while one runs, background work is held to fewer
    // requests in flight (local/api-priority.ts). The floor's signups are marked the same, for its sender.
    signup: (n: number, sku: string) => asApiInvocation(() => signup(n, sku)),
    close: () => {
      dynamo.destroy();
      sqs.destroy();
    },
  };
};

/** The floor's closed loop: `concurrency` loops in this process; `counter` keeps emails unique across slices. */
export const runFloor = async (
  calls: ReturnType<typeof floorCalls>,
  items: string[],
  counter: { n: number },
  durationMs: number,
  concurrency = CONCURRENCY,
): Promise<LoadResult> => {
  const result: LoadResult = emptyLoadResult('closed');
  const firstN = counter.n;
  // As the load generator counts a closed loop: completions inside the window, over the window's length.
  const started = performance.now();
  const end = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let now = performance.now(); now < end; now = performance.now()) {
        const i = counter.n++;
        let failure: unknown;
        try {
          await calls.signup(i, items[i % items.length]);
        } catch (error) {
          failure = error ?? 'failed';
        }
        const done = performance.now();
        if (done > end) {
          if (failure !== undefined) result.failuresOutsideWindow++;
          continue;
        }
        result.completed++;
        result.latenciesMs.push(done - now);
        if (failure === undefined) {
          result.statuses.ok = (result.statuses.ok ?? 0) + 1;
        } else {
          result.networkErrors++;
          if (result.errorSamples.length < 5)
            result.errorSamples.push(String((failure as Error).message ?? failure));
        }
      }
    }),
  );
  result.elapsedSeconds = durationMs / 1000;
  result.issued = counter.n - firstN;
  return result;
};

/**
 * The floor at a steady rate, as the platform's open loop: a signup's calls started every 1/rate s whatever
 * the earlier ones are doing, each latency counted from its scheduled start (so a stalled machine shows its
 * queueing). What the machine can do at that rate with no gateway, middy or handler in the way.
 */
export const runFloorOpen = async (
  calls: ReturnType<typeof floorCalls>,
  items: string[],
  counter: { n: number },
  ratePerSecond: number,
  durationMs: number,
): Promise<LoadResult> => {
  const result: LoadResult = emptyLoadResult('open');
  const firstN = counter.n;
  const started = performance.now();
  const arrivals = Math.round((durationMs / 1000) * ratePerSecond);
  const inFlight: Promise<void>[] = [];
  for (let k = 0; k < arrivals; k++) {
    const scheduled = started + (k * 1000) / ratePerSecond;
    const wait = scheduled - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const i = counter.n++;
    inFlight.push(
      calls.signup(i, items[i % items.length]).then(
        () => {
          result.completed++;
          result.latenciesMs.push(performance.now() - scheduled);
          result.statuses.ok = (result.statuses.ok ?? 0) + 1;
        },
        (error: unknown) => {
          result.completed++;
          result.networkErrors++;
          if (result.errorSamples.length < 5) result.errorSamples.push(String(error));
        },
      ),
    );
  }
  await Promise.all(inFlight);
  result.elapsedSeconds = (performance.now() - started) / 1000;
  result.issued = counter.n - firstN;
  return result;
};
