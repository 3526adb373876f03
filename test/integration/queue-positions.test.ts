/**
 * Places in a hot product's queue (tickets, page sets and sealed books: lambdas/store/queue-store.ts)
 * against the real emulators: exact through any interleaving of signups, cancels, fulfilments, restocks and
 * seals (a fast-check model test: after every step each waiting shopper's place is their rank among those
 * waiting); a drop of concurrent signups on one SKU gets unique tickets and places 1…N once each; a place costs
 * the same requests at the back of a million-shopper queue as on an empty SKU; and a signup whose place
 * cannot be had before the function's deadline still answers 201 with its link.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LambdaHandler } from '../../local/handlers';
import type { FunctionName } from '../../lib/platform';
import { BOOK_SIZE } from '../../lambdas/domain/queue-tickets';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { documentClient } from '../support/hostile';
import { queueDepth } from '../support/invariants';
import { rowsOfSku } from '../support/backorder-rows';
import { emulatorClients } from '../../local/platform';
import { emulatorEndpoints } from '../support/platform';
import { uniqueEmail } from '../support/mailbox';
import { linkParts } from '../http/helpers';
import { sleep } from '../support/wait';
import { signUpShopper, type Shopper } from '../support/shop';

/** The remaining time the next publicApi invocations see (undefined: the function's own). */
let remainingForApi: number | undefined;
const withDeadline =
  (name: FunctionName, handler: LambdaHandler): LambdaHandler =>
  (event: unknown, context: Context) => {
    if (name !== 'publicApi' || remainingForApi === undefined) return handler(event, context);
    const deadline = Date.now() + remainingForApi;
    return handler(event, { ...context, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) });
  };

let platform: TestPlatform;
const sqs = emulatorClients(emulatorEndpoints()).sqs;
beforeAll(async () => {
  platform = await startTestPlatform({ wrapHandler: withDeadline });
});
afterAll(async () => {
  await platform?.stop();
  sqs.destroy();
});

let counter = 0;
const newSku = async (label: string, firstTicket?: number): Promise<string> => {
  const sku = `QP-${label}-${++counter}-${Date.now().toString(36)}`.toUpperCase();
  const saved = await platform.admin('PUT', `/api/admin/products/${sku}`, {
    name: `Queue ${label}`,
    backorders: { enabled: true, maxPerCustomer: 10 },
  });
  expect(saved.status).toBe(201);
  if (firstTicket !== undefined)
    await documentClient().send(
      new PutCommand({
        TableName: platform.tableNames.queues,
        Item: { key: `tickets#${sku}`, next: firstTicket },
      }),
    );
  return sku;
};

const signUp = (sku: string, quantity = 1): Promise<Shopper> =>
  signUpShopper(platform, { sku, quantity, label: 'qp' });

/** Every backorder of the SKU as stored: id, status, ticket. */
const rowsOf = async (sku: string) =>
  (await rowsOfSku(documentClient(), platform.tableNames.backorders, sku)).map((item) => ({
    id: item.id as string,
    status: item.status as string,
    ticket: item.ticket as number | undefined,
  }));

/**
 * The place every waiting shopper's status page shows, against their rank by ticket among those waiting,
 * once any allocation a step started has settled (a signup while units are free starts one).
 */
const expectPlacesExact = async (sku: string, shoppers: Map<string, Shopper>) => {
  await allocationSettled(sku);
  const rows = await rowsOf(sku);
  const waiting = rows.filter((r) => r.status === 'waiting').sort((a, b) => a.ticket! - b.ticket!);
  const seen = await Promise.all(
    waiting.map(async (row) => {
      const { token } = shoppers.get(row.id)!;
      const status = await platform.request('GET', `/api/backorders/${row.id}?token=${token}`);
      return status.body.position as number;
    }),
  );
  expect(seen).toEqual(waiting.map((_, rank) => rank + 1));
};

/** Waits until no allocation run holds the SKU and the restock queue is empty, on two looks apart. */
const allocationSettled = async (sku: string) => {
  let quietSince: number | undefined;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: platform.tableNames.products, Key: { sku }, ConsistentRead: true }),
    );
    const idle = !Item?.runId && (!Item?.reserved || Item.reserved.settled);
    if (idle && (await queueDepth(sqs, platform.queueUrls.restock)) === 0) {
      quietSince ??= Date.now();
      if (Date.now() - quietSince > 500) return;
    } else quietSince = undefined;
    if (Date.now() > deadline) throw new Error(`allocation of ${sku} did not settle`);
    await sleep(100);
  }
};

/** Seals every full book now, as the sealer does once blocks can no longer issue. */
const sealAll = async (sku: string) => {
  const { sealBooksBelow } = await import('../../lambdas/store/queue-sealing');
  await sealBooksBelow(sku, Number.MAX_SAFE_INTEGER, Date.now() + 10_000);
};

// ---- the model test -----------------------------------------------------------------------------------

interface World {
  sku: string;
  shoppers: Map<string, Shopper>;
}
type Step = fc.AsyncCommand<object, World>;

const pickWaiting = async (world: World, index: number, statuses = ['waiting']) => {
  const rows = (await rowsOf(world.sku)).filter((r) => statuses.includes(r.status));
  return rows.length ? rows[index % rows.length] : undefined;
};

class SignUp implements Step {
  constructor(
    readonly count: number,
    readonly quantity: number,
  ) {}
  check = () => true;
  async run(_m: object, world: World) {
    const joined = await Promise.all(
      Array.from({ length: this.count }, () => signUp(world.sku, this.quantity)),
    );
    for (const shopper of joined) world.shoppers.set(shopper.id, shopper);
    await expectPlacesExact(world.sku, world.shoppers);
  }
  toString = () => `signUp(${this.count} × ${this.quantity})`;
}

class Cancel implements Step {
  constructor(readonly index: number) {}
  check = () => true;
  async run(_m: object, world: World) {
    const row = await pickWaiting(world, this.index);
    if (!row) return;
    const { token } = world.shoppers.get(row.id)!;
    expect((await platform.request('POST', `/api/backorders/${row.id}/cancel?token=${token}`)).status).toBe(
      200,
    );
    await expectPlacesExact(world.sku, world.shoppers);
  }
  toString = () => `cancel(${this.index})`;
}

class Fulfil implements Step {
  constructor(readonly index: number) {}
  check = () => true;
  async run(_m: object, world: World) {
    const row = await pickWaiting(world, this.index, ['waiting', 'allocated']);
    if (!row) return;
    expect((await platform.admin('POST', `/api/admin/backorders/${row.id}/fulfil`)).status).toBe(200);
    await expectPlacesExact(world.sku, world.shoppers);
  }
  toString = () => `fulfil(${this.index})`;
}

class Restock implements Step {
  constructor(readonly units: number) {}
  check = () => true;
  async run(_m: object, world: World) {
    expect(
      (await platform.admin('POST', '/api/admin/inventory', { sku: world.sku, available: this.units }))
        .status,
    ).toBe(202);
    await allocationSettled(world.sku);
    await expectPlacesExact(world.sku, world.shoppers);
  }
  toString = () => `restock(${this.units})`;
}

class Seal implements Step {
  check = () => true;
  async run(_m: object, world: World) {
    await sealAll(world.sku);
    await expectPlacesExact(world.sku, world.shoppers);
  }
  toString = () => 'seal()';
}

test('places are exact through interleaved signups, cancels, fulfilments, restocks and seals', async () => {
  const steps = [
    fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }))
      .map(([n, q]) => new SignUp(n, q)),
    fc.nat().map((i) => new Cancel(i)),
    fc.nat().map((i) => new Fulfil(i)),
    fc.integer({ min: 1, max: 6 }).map((units) => new Restock(units)),
    fc.constant(new Seal()),
  ];
  await fc.assert(
    fc.asyncProperty(fc.commands(steps, { maxCommands: 10 }), async (commands) => {
      // Tickets start a few before a book's end, so the queue crosses into the next book and gets sealed.
      const world: World = { sku: await newSku('model', 3 * BOOK_SIZE - 4), shoppers: new Map() };
      await fc.asyncModelRun(() => ({ model: {}, real: world }), commands);
    }),
    { numRuns: 10 },
  );
}, 300_000);

// ---- a drop -------------------------------------------------------------------------------------------

test('a drop of 300 concurrent signups on one SKU: unique tickets, places 1…300 once each', async () => {
  const sku = await newSku('drop');
  const shoppers = new Map<string, Shopper>();
  const joined = await Promise.all(Array.from({ length: 300 }, () => signUp(sku)));
  for (const shopper of joined) shoppers.set(shopper.id, shopper);
  const tickets = (await rowsOf(sku)).map((r) => r.ticket);
  expect(new Set(tickets).size).toBe(300);
  await expectPlacesExact(sku, shoppers);
}, 120_000);

// ---- cost at depth ------------------------------------------------------------------------------------

/** DynamoDB requests `work` itself makes (followed through its async calls, not other handlers' at the time). */
const requestsOf = async (work: () => Promise<unknown>): Promise<number> => {
  const { dynamo } = await import('../../lambdas/runtime/dynamo');
  const mine = new AsyncLocalStorage<true>();
  let requests = 0;
  dynamo.middlewareStack.add(
    (next) => async (args) => {
      if (mine.getStore()) requests++;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  try {
    await mine.run(true, work);
  } finally {
    dynamo.middlewareStack.remove('countRequests');
  }
  return requests;
};

test('a place costs the same requests at the back of a million-shopper queue as on an empty SKU', async () => {
  const { placeInQueue } = await import('../../lambdas/store/queue-store');
  const empty = await newSku('empty');
  // A million shoppers waiting in full, sealed books (as the sealer leaves them), none from before tickets.
  const sealed = Math.ceil(1_000_000 / BOOK_SIZE);
  const deep = await newSku('deep', sealed * BOOK_SIZE);
  const books = Object.fromEntries(
    Array.from({ length: sealed }, (_, b) => [
      String(b),
      b < sealed - 1 ? BOOK_SIZE : 1_000_000 - (sealed - 1) * BOOK_SIZE,
    ]),
  );
  await documentClient().send(
    new PutCommand({
      TableName: platform.tableNames.queues,
      Item: { key: `summary#${deep}`, lowestBook: 0, sealedBelow: sealed, books, legacyDone: true },
    }),
  );
  await documentClient().send(
    new PutCommand({
      TableName: platform.tableNames.queues,
      Item: { key: `summary#${empty}`, legacyDone: true },
    }),
  );
  const first = await signUp(empty);
  const last = await signUp(deep);
  const read = (sku: string, shopper: Shopper) =>
    platform.request('GET', `/api/backorders/${shopper.id}?token=${shopper.token}`);
  expect((await read(empty, first)).body.position).toBe(1);
  expect((await read(deep, last)).body.position).toBe(1_000_001);

  const rowOf = async (id: string) =>
    (await documentClient().send(new GetCommand({ TableName: platform.tableNames.backorders, Key: { id } })))
      .Item!;
  const [emptyRow, deepRow] = [await rowOf(first.id), await rowOf(last.id)];
  const atEmpty = await requestsOf(() =>
    placeInQueue(empty, { ticket: emptyRow.ticket, queueKey: emptyRow.queueKey }),
  );
  const atDepth = await requestsOf(() =>
    placeInQueue(deep, { ticket: deepRow.ticket, queueKey: deepRow.queueKey }),
  );
  expect(atDepth).toBe(atEmpty);
  expect(atDepth).toBeLessThanOrEqual(2);
});

// ---- the deadline -------------------------------------------------------------------------------------

test('a signup whose place cannot be had before the deadline answers 201 with its link, position null', async () => {
  const { dynamo } = await import('../../lambdas/runtime/dynamo');
  const sku = await newSku('slow');
  // The store turns slow for reads of places (as a throttled or distant table would), and the function has
  // little time left: what follows the write must give up in time.
  dynamo.middlewareStack.add(
    (next) => async (args) => {
      // The place's summary, book and page (not the ticket counter the signup reads with its product).
      if ('RequestItems' in args.input && JSON.stringify(args.input).includes(`"summary#${sku}"`))
        await sleep(4_000);
      return next(args);
    },
    { step: 'initialize', name: 'slowPlaces' },
  );
  remainingForApi = 3_000;
  let response;
  try {
    response = await platform.request('POST', '/api/backorders', {
      json: { sku, email: uniqueEmail('slow') },
    });
  } finally {
    remainingForApi = undefined;
    dynamo.middlewareStack.remove('slowPlaces');
  }
  expect(response.status).toBe(201);
  expect(response.body).toMatchObject({ status: 'waiting', position: null, created: true });
  const { id, token } = linkParts(response.body.statusUrl);
  const status = await platform.request('GET', `/api/backorders/${id}?token=${token}`);
  expect(status.body.position).toBe(1);
});
