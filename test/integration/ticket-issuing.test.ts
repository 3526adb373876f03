/**
 * How tickets are taken (lambdas/store/ticket-store.ts), against DynamoDB Local: a quiet product's signups
 * take theirs straight off the product's counter, one write each and no shard rows; a burst of HOT_BURST
 * direct tickets marks the product hot, and its tickets then come from shard blocks; busy blocks keep it hot;
 * once the heat runs out the counter is used again. Every ticket is issued once throughout. The clock is the
 * test's (`nowMs`), so bursts and heat are exact rather than timing-dependent.
 */
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  BURST_GAP_MS,
  HOT_BLOCK,
  HOT_BURST,
  HOT_FOR_MS,
  type TicketCounter,
} from '../../lambdas/domain/queue-tickets';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { documentClient } from '../support/hostile';
import { signUpShopper } from '../support/shop';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.stop();
});

/** The modules the handlers use, loaded after the platform set their environment. */
const stores = async () => ({
  ...(await import('../../lambdas/store/ticket-store')),
  ...(await import('../../lambdas/store/catalog-store')),
  ...(await import('../../lambdas/runtime/dynamo')),
});

let counter = 0;
const newSku = async (label: string): Promise<string> => {
  const sku = `TI-${label}-${++counter}-${Date.now().toString(36)}`.toUpperCase();
  const saved = await platform.admin('PUT', `/api/admin/products/${sku}`, {
    name: `Tickets ${label}`,
    backorders: { enabled: true, maxPerCustomer: 10 },
  });
  expect(saved.status).toBe(201);
  return sku;
};

const counterRow = async (sku: string): Promise<TicketCounter> =>
  ((
    await documentClient().send(
      new GetCommand({ TableName: platform.tableNames.queues, Key: { key: `tickets#${sku}` } }),
    )
  ).Item ?? {}) as TicketCounter;

/** The SKU's shard rows (`shard#<sku>#<n>`): there are none while its tickets come off the counter. */
const shardRows = async (sku: string) =>
  (
    await documentClient().send(
      new ScanCommand({
        TableName: platform.tableNames.queues,
        FilterExpression: 'begins_with(#key, :prefix)',
        ExpressionAttributeNames: { '#key': 'key' },
        ExpressionAttributeValues: { ':prefix': `shard#${sku}#` },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

/** Writes on the queues table's ticket rows (counter and shards) made while `work` runs. */
const ticketWritesDuring = async (sku: string, work: () => Promise<unknown>): Promise<string[]> => {
  const { dynamo } = await stores();
  const writes: string[] = [];
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const key = (args.input as { Key?: { key?: unknown } }).Key?.key;
      if (typeof key === 'string' && (key === `tickets#${sku}` || key.startsWith(`shard#${sku}#`)))
        writes.push(`${context.commandName} ${key.split('#')[0]}`);
      return next(args);
    },
    { step: 'initialize', name: 'countTicketWrites' },
  );
  try {
    await work();
  } finally {
    dynamo.middlewareStack.remove('countTicketWrites');
  }
  return writes;
};

/** One ticket, taken as a signup takes it: the counter read with the product, then the ticket. */
const takeTicket = async (sku: string, nowMs: number): Promise<number> => {
  const { getSignupReads, issueTicket } = await stores();
  const { ticketCounter } = await getSignupReads(sku);
  return (await issueTicket(sku, ticketCounter, nowMs)).ticket;
};

test('a quiet product: each signup takes its ticket off the counter in one write, in order, no shard rows', async () => {
  const sku = await newSku('quiet');
  const ids: string[] = [];
  const writes = await ticketWritesDuring(sku, async () => {
    for (let i = 0; i < 5; i++) ids.push((await signUpShopper(platform, { sku, label: 'ti' })).id);
  });
  expect(writes).toEqual(Array.from({ length: 5 }, () => 'UpdateItemCommand tickets'));
  const tickets = await Promise.all(
    ids.map(
      async (id) =>
        (
          await documentClient().send(
            new GetCommand({ TableName: platform.tableNames.backorders, Key: { id } }),
          )
        ).Item?.ticket as number,
    ),
  );
  // In the order the shoppers signed up, without gaps: nothing was leased and left unused.
  expect(tickets).toEqual([0, 1, 2, 3, 4]);
  expect(await shardRows(sku)).toEqual([]);
  const row = await counterRow(sku);
  expect(row.next).toBe(5);
  expect(row.hotUntil).toBeUndefined();
}, 60_000);

test('a drop: a burst of direct tickets makes the product hot, busy blocks keep it so, and it cools down', async () => {
  const sku = await newSku('drop');
  const issued: number[] = [];
  const t0 = Date.now();

  // HOT_BURST - 1 tickets each within BURST_GAP_MS of the last: still quiet.
  for (let i = 0; i < HOT_BURST - 1; i++) issued.push(await takeTicket(sku, t0 + i * BURST_GAP_MS));
  expect((await counterRow(sku)).hotUntil).toBeUndefined();
  // A pause longer than the gap starts a new burst: the count begins again.
  const t1 = t0 + HOT_BURST * BURST_GAP_MS + BURST_GAP_MS + 1;
  issued.push(await takeTicket(sku, t1));
  expect((await counterRow(sku)).burst).toBe(1);
  expect((await counterRow(sku)).hotUntil).toBeUndefined();
  for (let i = 1; i < HOT_BURST - 1; i++) issued.push(await takeTicket(sku, t1 + i));
  expect((await counterRow(sku)).hotUntil).toBeUndefined();
  // The burst's HOT_BURST-th ticket shows the drop.
  const t2 = t1 + HOT_BURST;
  issued.push(await takeTicket(sku, t2));
  expect((await counterRow(sku)).hotUntil).toBe(t2 + HOT_FOR_MS);
  expect(await shardRows(sku)).toEqual([]);

  // Hot: tickets come from the shards' blocks. Taken at one instant, each shard's blocks fill at once and
  // grow (1, 2, 4…); a block of HOT_BLOCK or more renews the heat from that instant.
  const t3 = t2 + 1_000;
  const counterWrites = await ticketWritesDuring(sku, async () => {
    for (let i = 0; i < 120; i++) issued.push(await takeTicket(sku, t3));
  });
  expect(counterWrites.filter((w) => w.endsWith('shard')).length).toBeGreaterThan(0);
  const shards = await shardRows(sku);
  expect(shards.length).toBeGreaterThan(0);
  expect(Math.max(...shards.map((s) => Number(s.size)))).toBeGreaterThanOrEqual(HOT_BLOCK);
  expect((await counterRow(sku)).hotUntil).toBe(t3 + HOT_FOR_MS);

  // Once the heat has run out, the next ticket comes off the counter again.
  const t4 = t3 + HOT_FOR_MS + 1;
  const writes = await ticketWritesDuring(sku, async () => issued.push(await takeTicket(sku, t4)));
  expect(writes).toEqual(['UpdateItemCommand tickets']);
  expect((await counterRow(sku)).directAt).toBe(t4);

  // Every ticket issued once, whichever way it was taken.
  expect(new Set(issued).size).toBe(issued.length);
}, 120_000);
