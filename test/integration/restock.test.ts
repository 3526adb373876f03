/**
 * Restock against the real emulators: the signed inventory webhook, FIFO allocation of whole backorders, one
 * restock alert each, positions moving up, page-by-page runs, and the races the contract rules out (two
 * restocks at once, a restock racing cancels, redelivered messages).
 */
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { emulatorClients } from '../../local/platform';
import { signatureHeader } from '../../lambdas/runtime/signature';
import { queueDepth as depthOf } from '../support/invariants';
import { startTestPlatform, emulatorEndpoints, type TestPlatform } from '../support/platform';
import { emailsTo, statusLinksIn, waitForEmails } from '../support/mailbox';
import { linkParts } from '../http/helpers';
import { batchWrite, waitingBackorders, type SeededBackorder } from '../support/backorder-rows';
import { sleep } from '../support/wait';
import { newProduct as newProductIn, postInventory, signUpShopper } from '../support/shop';

let platform: TestPlatform;
let dynamo: DynamoDBDocumentClient;
let sqs: SQSClient;

beforeAll(async () => {
  platform = await startTestPlatform();
  const clients = emulatorClients(emulatorEndpoints());
  dynamo = DynamoDBDocumentClient.from(clients.dynamo);
  sqs = clients.sqs;
});
afterAll(async () => {
  await platform?.stop();
  dynamo?.destroy();
  sqs?.destroy();
});

const newProduct = (label: string, stock?: number): Promise<string> =>
  newProductIn(platform, `RS-${label}`, {
    name: `Restock ${label} "tee" & co`,
    ...(stock === undefined ? {} : { stock }),
    backorders: { enabled: true, maxPerCustomer: 10 },
  });

const signUp = (sku: string, quantity: number, label: string) =>
  signUpShopper(platform, { sku, quantity, label });

const signedWebhook = (body: unknown, options?: Parameters<typeof postInventory>[2]) =>
  postInventory(platform, body, options);

const backorder = async (id: string) =>
  (await dynamo.send(new GetCommand({ TableName: platform.tableNames.backorders, Key: { id } }))).Item!;

const stockOf = async (sku: string): Promise<number> =>
  (await platform.admin('GET', `/api/admin/products/${sku}`)).body.stock;

/** Messages on a queue, visible or being handled. */
const queueDepth = (url: string) => depthOf(sqs, url);

/**
 * Waits until the restock queue is empty and no allocation run holds the SKU, on two looks half a second
 * apart: a single look can fall between a message being handed to the allocator and its run taking the SKU.
 */
const settled = async (sku: string, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  let quietSince: number | undefined;
  for (;;) {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: platform.tableNames.products, Key: { sku }, ConsistentRead: true }),
    );
    const idle = !Item?.runId && (!Item?.reserved || Item.reserved.settled);
    if (idle && (await queueDepth(platform.queueUrls.restock)) === 0) {
      quietSince ??= Date.now();
      if (Date.now() - quietSince >= 500) return Item!;
    } else quietSince = undefined;
    if (Date.now() > deadline) throw new Error(`allocation of ${sku} did not settle`);
    await sleep(100);
  }
};

const statuses = async (ids: string[]) => Promise.all(ids.map(async (id) => (await backorder(id)).status));

test('each shopper hears in their own language: confirmation and restock alert', async () => {
  const sku = await newProduct('language');
  const german = await signUpShopper(platform, { sku, quantity: 2, label: 'lang-de', locale: 'de-AT' });
  const spanish = await signUpShopper(platform, { sku, quantity: 1, label: 'lang-es', locale: 'es' });
  expect((await waitForEmails(platform.sesUrl, german.email, 1))[0].subject).toMatch(
    /^Sie stehen auf der Liste für Restock language/,
  );
  expect((await waitForEmails(platform.sesUrl, spanish.email, 1))[0].subject).toMatch(
    /^Estás en la lista de Restock language/,
  );
  expect((await signedWebhook({ eventId: `evt-${sku}`, sku, available: 3 })).status).toBe(202);
  await settled(sku);
  const alertTo = async (email: string) => (await waitForEmails(platform.sesUrl, email, 2))[1];
  const germanAlert = await alertTo(german.email);
  expect(germanAlert.subject).toMatch(/^Gute Nachricht: Restock language .* ist wieder da/);
  expect(germanAlert.body.text).toContain('2 × Restock language');
  expect(germanAlert.body.text).toContain('sind jetzt für Sie reserviert');
  expect((await alertTo(spanish.email)).subject).toMatch(/^Buenas noticias: Restock language/);
});

test('a signed webhook allocates oldest first, whole backorders only, and alerts each shopper once', async () => {
  const sku = await newProduct('fifo');
  const a = await signUp(sku, 1, 'fifo-a');
  const b = await signUp(sku, 3, 'fifo-b');
  const c = await signUp(sku, 1, 'fifo-c');
  const d = await signUp(sku, 2, 'fifo-d');

  const accepted = await signedWebhook({ eventId: `evt-${sku}`, sku, available: 3 });
  expect(accepted.status).toBe(202);
  expect(accepted.body).toEqual({ eventId: `evt-${sku}`, updated: [sku], duplicates: [] });
  await settled(sku);

  // a (1) fits, b (3) does not fit the 2 left and keeps its place, c (1) fits, d (2) does not fit the 1 left.
  expect(await statuses([a.id, b.id, c.id, d.id])).toEqual(['allocated', 'waiting', 'allocated', 'waiting']);
  expect(await stockOf(sku)).toBe(1);

  const [alert] = await waitForEmails(platform.sesUrl, a.email, 2);
  const alerts = (await emailsTo(platform.sesUrl, a.email)).filter((m) => /is back/.test(m.subject));
  expect(alerts).toHaveLength(1);
  expect(alerts[0].subject).toContain('Restock fifo');
  expect(alerts[0].body.html).toContain('&quot;tee&quot; &amp; co');
  expect(alerts[0].body.text).toContain('1 × Restock fifo');
  expect(alert).toBeDefined();
  // The alert's status link works and shows the allocation; positions of those still waiting moved up.
  const [link] = statusLinksIn(alerts[0]);
  const { token } = linkParts(link);
  const status = await platform.request('GET', `/api/backorders/${a.id}?token=${token}`);
  expect(status.status).toBe(200);
  // Emailed to the shopper: an email link.
  expect(status.body.link).toBe('email');
  expect(status.body).toMatchObject({ status: 'allocated', position: null });
  expect(status.body.events.map((e: { type: string }) => e.type)).toEqual(['created', 'allocated']);
  const bView = await platform.request('GET', `/api/backorders/${b.id}?token=${b.token}`);
  expect(bView.body.position).toBe(1);
  const dView = await platform.request('GET', `/api/backorders/${d.id}?token=${d.token}`);
  expect(dView.body.position).toBe(2);
  // No alert for those still waiting.
  await sleep(500);
  for (const waiting of [b, d])
    expect((await emailsTo(platform.sesUrl, waiting.email)).filter((m) => /is back/.test(m.subject))).toEqual(
      [],
    );
});

test('a bad, missing or stale signature is refused with 401 and changes nothing', async () => {
  const sku = await newProduct('sig');
  const waiting = await signUp(sku, 1, 'sig');
  const body = { eventId: `sig-${sku}`, sku, available: 5 };
  const cases = [
    await signedWebhook(body, { secret: 'not-the-secret-at-all' }),
    await signedWebhook(body, { header: '' }),
    await signedWebhook(body, { header: 't=abc,v1=00' }),
    await signedWebhook(body, { atMs: Date.now() - 301_000 }),
    await signedWebhook(body, { atMs: Date.now() + 301_000 }),
    // Signed for another body: the signature covers every byte.
    await platform.request('POST', '/api/webhooks/inventory', {
      raw: JSON.stringify({ ...body, available: 6 }),
      headers: {
        'content-type': 'application/json',
        'x-signature': signatureHeader(platform.webhookSecret, JSON.stringify(body)),
      },
    }),
    // No signature and not even JSON: still 401, not a validation error that would answer an unsigned caller.
    await platform.request('POST', '/api/webhooks/inventory', {
      raw: '{nope',
      headers: { 'content-type': 'application/json' },
    }),
  ];
  for (const response of cases) {
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHORIZED');
  }
  await sleep(1000);
  expect(await stockOf(sku)).toBe(0);
  expect((await backorder(waiting.id)).status).toBe('waiting');
  // The same event, correctly signed, is accepted: the refusals above had not consumed its id.
  expect((await signedWebhook(body)).status).toBe(202);
  await settled(sku);
  expect((await backorder(waiting.id)).status).toBe('allocated');
});

test('a signed but invalid body is a 400, an unknown SKU a 404, and neither changes anything', async () => {
  const sku = await newProduct('bad-body');
  for (const body of [
    { sku, available: -1 },
    { sku, available: 1.5 },
    { sku },
    { sku, available: 1, updates: [{ sku, available: 1 }] },
    { updates: [] },
    {
      updates: [
        { sku, available: 1 },
        { sku, available: 2 },
      ],
    },
    { sku, available: 1, extra: true },
  ]) {
    const response = await signedWebhook(body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION');
  }
  const unknown = await signedWebhook({
    updates: [
      { sku, available: 4 },
      { sku: 'NO-SUCH-SKU', available: 1 },
    ],
  });
  expect(unknown.status).toBe(404);
  expect(unknown.body.error.code).toBe('NOT_FOUND');
  expect(await stockOf(sku)).toBe(0);
});

test('the same eventId twice is processed once, even after the units were spent', async () => {
  const sku = await newProduct('dedupe');
  const shoppers = [await signUp(sku, 2, 'dd-1'), await signUp(sku, 2, 'dd-2'), await signUp(sku, 2, 'dd-3')];
  const event = { eventId: `dup-${sku}`, sku, available: 2 };
  expect((await signedWebhook(event)).status).toBe(202);
  await settled(sku);
  const again = await signedWebhook(event);
  expect(again.status).toBe(202);
  expect(again.body.duplicates).toEqual([sku]);
  await settled(sku);
  expect(await statuses(shoppers.map((s) => s.id))).toEqual(['allocated', 'waiting', 'waiting']);
  expect(await stockOf(sku)).toBe(0);
});

test("the console can restock by inventory update and by raising a product's stock", async () => {
  const sku = await newProduct('console');
  const one = await signUp(sku, 1, 'console-1');
  const two = await signUp(sku, 1, 'console-2');
  expect((await platform.admin('POST', '/api/admin/inventory', { sku, available: 1 })).status).toBe(202);
  await settled(sku);
  expect(await statuses([one.id, two.id])).toEqual(['allocated', 'waiting']);
  // Saving the product without a stock keeps what it has (nothing) …
  await platform.admin('PUT', `/api/admin/products/${sku}`, {
    name: 'Renamed',
    backorders: { enabled: true },
  });
  await settled(sku);
  expect((await backorder(two.id)).status).toBe('waiting');
  // … raising it allocates.
  await platform.admin('PUT', `/api/admin/products/${sku}`, {
    name: 'Renamed',
    stock: 1,
    backorders: { enabled: true },
  });
  await settled(sku);
  expect(await statuses([one.id, two.id])).toEqual(['allocated', 'allocated']);
  expect(await stockOf(sku)).toBe(0);
  const updates = await platform.admin('POST', '/api/admin/inventory', { updates: [{ sku, available: 0 }] });
  expect(updates.status).toBe(202);
});

test('a shopper signing up while units are free is served at once', async () => {
  const sku = await newProduct('free', 2);
  await settled(sku);
  const shopper = await signUp(sku, 2, 'free');
  await settled(sku);
  expect((await backorder(shopper.id)).status).toBe('allocated');
  expect(await stockOf(sku)).toBe(0);
});

test('cancelling an allocated backorder gives its units to the next in line', async () => {
  const sku = await newProduct('cancel-allocated');
  const first = await signUp(sku, 2, 'ca-1');
  const second = await signUp(sku, 2, 'ca-2');
  await platform.admin('POST', '/api/admin/inventory', { sku, available: 2 });
  await settled(sku);
  expect(await statuses([first.id, second.id])).toEqual(['allocated', 'waiting']);
  const cancel = await platform.request('POST', `/api/backorders/${first.id}/cancel?token=${first.token}`);
  expect(cancel.body).toEqual({ id: first.id, status: 'cancelled' });
  await settled(sku);
  expect(await statuses([first.id, second.id])).toEqual(['cancelled', 'allocated']);
  expect(await stockOf(sku)).toBe(0);
  // Fulfilling the allocated one is the end of its story.
  const fulfil = await platform.admin('POST', `/api/admin/backorders/${second.id}/fulfil`);
  expect(fulfil.status).toBe(200);
  expect((await backorder(second.id)).status).toBe('fulfilled');
});

/** Seeds `quantities` waiting backorders on a new SKU straight into the table. */
const seedQueue = async (
  label: string,
  quantities: number[],
): Promise<{ sku: string; queue: SeededBackorder[] }> => {
  const sku = await newProduct(label);
  const queue = waitingBackorders(sku, quantities, { label: `${label}-${Date.now().toString(36)}` });
  await batchWrite(
    dynamo,
    platform.tableNames.backorders,
    queue.map((b) => b.row),
  );
  return { sku, queue };
};

const restockAlertsTo = async (emails: string[]) => {
  const response = await fetch(`${platform.sesUrl}/store`);
  const { emails: stored } = (await response.json()) as {
    emails: { destination: { to: string[] }; subject: string }[];
  };
  const wanted = new Set(emails.map((e) => e.toLowerCase()));
  const counts = new Map<string, number>();
  for (const mail of stored) {
    if (!/is back/.test(mail.subject)) continue;
    for (const to of mail.destination.to) {
      const address = /<([^>]+)>/.exec(to)?.[1] ?? to;
      if (wanted.has(address.toLowerCase()))
        counts.set(address.toLowerCase(), (counts.get(address.toLowerCase()) ?? 0) + 1);
    }
  }
  return counts;
};

test('a long queue is allocated page by page, oldest first, each alerted once', async () => {
  // 600 waiting, pages of 250: three restock messages; 550 units leave the last 50 waiting.
  const { sku, queue } = await seedQueue(
    'pages',
    Array.from({ length: 600 }, () => 1),
  );
  await platform.admin('POST', '/api/admin/inventory', { sku, available: 550 });
  await settled(sku, 60_000);
  const states = await statuses(queue.map((b) => b.id));
  expect(states.slice(0, 550).every((s) => s === 'allocated')).toBe(true);
  expect(states.slice(550).every((s) => s === 'waiting')).toBe(true);
  expect(await stockOf(sku)).toBe(0);
  const deadline = Date.now() + 30_000;
  let counts = await restockAlertsTo(queue.map((b) => b.email));
  while (counts.size < 550 && Date.now() < deadline) {
    await sleep(250);
    counts = await restockAlertsTo(queue.map((b) => b.email));
  }
  expect(counts.size).toBe(550);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  // Its own waits (60 s to settle, 30 s for the alerts) bound it, not jest's default.
}, 120_000);

test('two restocks of one SKU at once, racing cancels, never allocate twice or more units than exist', async () => {
  const { sku, queue } = await seedQueue(
    'race',
    Array.from({ length: 40 }, (_, i) => 1 + (i % 3)),
  );
  const cancelled = queue.slice(0, 6);
  // Two stock updates and six cancels at the same moment. Each update sets the free stock to 20.
  const results = await Promise.all([
    signedWebhook({ eventId: `race-a-${sku}`, sku, available: 20 }),
    platform.admin('POST', '/api/admin/inventory', { eventId: `race-b-${sku}`, sku, available: 20 }),
    ...cancelled.map((b) => platform.request('POST', `/api/backorders/${b.id}/cancel?token=${b.token}`)),
  ]);
  expect(results.map((r) => r.status)).toEqual([202, 202, 200, 200, 200, 200, 200, 200]);
  await settled(sku);
  const rows = await Promise.all(queue.map((b) => backorder(b.id)));
  const allocatedUnits = rows
    .filter((r) => r.status === 'allocated')
    .reduce((n, r) => n + Number(r.quantity), 0);
  const stock = await stockOf(sku);
  // Each update set the free stock to 20; whatever the interleaving, units allocated (and still held) plus
  // the free stock left never exceed what the two updates made available, and never go negative.
  expect(stock).toBeGreaterThanOrEqual(0);
  expect(allocatedUnits + stock).toBeLessThanOrEqual(40);
  expect(allocatedUnits).toBeGreaterThan(0);
  for (const row of rows) {
    expect(row.events.filter((e: { type: string }) => e.type === 'allocated').length).toBeLessThanOrEqual(1);
    // Cancelled ones stay cancelled.
    if (cancelled.some((b) => b.id === row.id)) expect(row.status).toBe('cancelled');
  }
  // Whole backorders, oldest first: every waiting one needs more units than are free.
  for (const row of rows.filter((r) => r.status === 'waiting'))
    expect(Number(row.quantity)).toBeGreaterThan(stock);
  // One alert per allocated backorder (or cancelled after its allocation), never two: waited for until every
  // owed alert is in (a loaded machine takes its time), then a second look for any that came twice.
  const owed = rows.filter((row) => row.events.some((e: { type: string }) => e.type === 'allocated')).length;
  const deadline = Date.now() + 60_000;
  const sent = async () => [...(await restockAlertsTo(queue.map((b) => b.email))).values()].length;
  while (((await queueDepth(platform.queueUrls.alert)) > 0 || (await sent()) < owed) && Date.now() < deadline)
    await sleep(200);
  await sleep(500);
  const counts = await restockAlertsTo(queue.map((b) => b.email));
  for (const row of rows) {
    const n = counts.get(String(row.email)) ?? 0;
    expect(n).toBe(row.events.some((e: { type: string }) => e.type === 'allocated') ? 1 : 0);
  }
}, 120_000);

test('redelivered restock and alert messages change nothing more', async () => {
  const { sku, queue } = await seedQueue('redeliver', [1, 1, 1, 1]);
  await platform.admin('POST', '/api/admin/inventory', { sku, available: 2 });
  await settled(sku);
  expect(await statuses(queue.map((b) => b.id))).toEqual(['allocated', 'allocated', 'waiting', 'waiting']);
  // Every kind of restock message again, several times: a start, a page of the finished run, a successor.
  for (let i = 0; i < 3; i++) {
    for (const body of [
      { kind: 'start', sku, reason: 'test' },
      { kind: 'page', sku, runId: 'run-old', page: 1, cursor: undefined },
      { kind: 'page', sku, runId: 'run-next', page: 0, predecessor: 'run-gone' },
    ])
      await sqs.send(
        new SendMessageCommand({ QueueUrl: platform.queueUrls.restock, MessageBody: JSON.stringify(body) }),
      );
  }
  // And an alert again, with a fresh token, for an allocated one.
  const first = queue[0];
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: platform.queueUrls.alert,
      MessageBody: JSON.stringify({
        kind: 'restock',
        backorderId: first.id,
        sku,
        productName: 'x',
        quantity: 1,
        email: first.email,
        statusToken: 'x'.repeat(43),
        allocatedAt: new Date().toISOString(),
      }),
    }),
  );
  await settled(sku);
  await sleep(2000);
  expect(await statuses(queue.map((b) => b.id))).toEqual(['allocated', 'allocated', 'waiting', 'waiting']);
  expect(await stockOf(sku)).toBe(0);
  const counts = await restockAlertsTo(queue.map((b) => b.email));
  expect([counts.get(queue[0].email), counts.get(queue[1].email), counts.get(queue[2].email)]).toEqual([
    1,
    1,
    undefined,
  ]);
});

test('poison restock and alert messages end in their dead-letter queues', async () => {
  for (const queue of ['restock', 'alert'] as const) {
    await sqs.send(
      new SendMessageCommand({ QueueUrl: platform.queueUrls[queue], MessageBody: '{"kind":"nonsense"}' }),
    );
  }
  for (const queue of ['restock', 'alert'] as const) {
    const deadline = Date.now() + 40_000;
    let found = false;
    while (!found && Date.now() < deadline) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: platform.deadLetterQueueUrls[queue],
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
        }),
      );
      found = Messages.some((m) => m.Body === '{"kind":"nonsense"}');
    }
    expect(found).toBe(true);
  }
}, 90_000);

describe('allocation runs, driven directly', () => {
  // The handler module the local runner loaded: same process, same environment, same tables.
  const run = async () => (await import('../../lambdas/use-cases/allocate-restock')).handleRestockMessage;

  test('starts racing each other: one run holds the SKU, the others ask it to rerun, nothing is lost', async () => {
    const { sku, queue } = await seedQueue(
      'starts',
      Array.from({ length: 30 }, () => 1),
    );
    await dynamo.send(
      new UpdateCommand({
        TableName: platform.tableNames.products,
        Key: { sku },
        UpdateExpression: 'SET stock = :n',
        ExpressionAttributeValues: { ':n': 12 },
      }),
    );
    const handle = await run();
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) => handle({ kind: 'start', sku, reason: 'race' }, `race-${sku}-${i}`)),
    );
    expect(outcomes.filter((o) => o === 'allocated' || o === 'handed-over').length).toBeGreaterThanOrEqual(1);
    await settled(sku);
    const states = await statuses(queue.map((b) => b.id));
    expect(states.filter((s) => s === 'allocated')).toHaveLength(12);
    expect(states.slice(0, 12).every((s) => s === 'allocated')).toBe(true);
    expect(await stockOf(sku)).toBe(0);
  });

  test('one page delivered twice at once, the second planned before the first allocated: units spent once', async () => {
    // At-least-once delivery (or a page outlasting its visibility timeout) hands the same message to two
    // workers. Both read the queue; the second reserves only after the first allocated and settled the page.
    const { dynamo: handlerDynamo } = await import('../../lambdas/runtime/dynamo');
    const { sku, queue } = await seedQueue(
      'twice',
      Array.from({ length: 10 }, () => 1),
    );
    await dynamo.send(
      new UpdateCommand({
        TableName: platform.tableNames.products,
        Key: { sku },
        UpdateExpression: 'SET stock = :n',
        ExpressionAttributeValues: { ':n': 12 },
      }),
    );
    // The interleaving, held in place on the handlers' own DynamoDB client: A reserves once B has read the
    // queue and is about to reserve; B reserves once A has settled the page; A ends the run after that.
    const gate = () => {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return { open, opened };
    };
    const bReady = gate();
    const aSettled = gate();
    const bReserved = gate();
    let reserves = 0;
    const on = (input: unknown, expression: string) =>
      JSON.stringify(input).includes(expression) && JSON.stringify(input).includes(sku);
    handlerDynamo.middlewareStack.add(
      (next) => async (args) => {
        if (on(args.input, 'SET stock = stock - :units')) {
          const arrival = ++reserves;
          if (arrival === 1) await bReady.opened;
          if (arrival === 2) {
            bReady.open();
            await aSettled.opened;
            try {
              return await next(args);
            } finally {
              bReserved.open();
            }
          }
        }
        if (on(args.input, 'REMOVE runId, runPage, runLeaseUntil')) await bReserved.opened;
        const result = await next(args);
        if (on(args.input, 'reserved.settled = :yes')) aSettled.open();
        return result;
      },
      { step: 'initialize', name: 'interleavePage' },
    );
    try {
      const handle = await run();
      const message = { kind: 'start', sku, reason: 'twice' } as const;
      const outcomes = await Promise.all([handle(message, `twice-${sku}`), handle(message, `twice-${sku}`)]);
      expect(reserves).toBeGreaterThanOrEqual(2);
      expect(outcomes).toContain('allocated');
    } finally {
      handlerDynamo.middlewareStack.remove('interleavePage');
    }
    await settled(sku);
    // Before: the second reservation took 2 more units for the first two backorders (already theirs).
    expect(await statuses(queue.map((b) => b.id))).toEqual(queue.map(() => 'allocated'));
    expect(await stockOf(sku)).toBe(2);
  });

  test('a run whose worker died mid-page is taken over: its reserved units are neither lost nor spent twice', async () => {
    const { sku, queue } = await seedQueue('dead-run', [2, 2, 2, 2, 2]);
    // What a worker leaves when it dies after reserving the first two backorders' units (4 of 7), before
    // allocating them: the stock already lowered, the reservation recorded, its lease run out.
    await dynamo.send(
      new UpdateCommand({
        TableName: platform.tableNames.products,
        Key: { sku },
        UpdateExpression:
          'SET stock = :left, runId = :dead, runPage = :none, runLeaseUntil = :past, reserved = :r',
        ExpressionAttributeValues: {
          ':left': 3,
          ':dead': 'run-dead',
          ':none': -1,
          ':past': Date.now() - 1000,
          ':r': { ref: 'run-dead#0', ids: [queue[0].id, queue[1].id], quantities: [2, 2], units: 4 },
        },
      }),
    );
    // Meanwhile the first shopper cancelled: their reserved units must come back.
    await platform.request('POST', `/api/backorders/${queue[0].id}/cancel?token=${queue[0].token}`);
    const handle = await run();
    await handle({ kind: 'start', sku, reason: 'takeover' }, `takeover-${sku}`);
    await settled(sku);
    // 7 units: #1 cancelled gave 2 back; #2, #3, #4 allocated (6); 1 left, #5 needs 2.
    expect(await statuses(queue.map((b) => b.id))).toEqual([
      'cancelled',
      'allocated',
      'allocated',
      'allocated',
      'waiting',
    ]);
    expect(await stockOf(sku)).toBe(1);
    // The dead run's page of a worker that comes back later is ignored.
    expect(await handle({ kind: 'page', sku, runId: 'run-dead', page: 1, cursor: undefined }, 'late')).toBe(
      'obsolete',
    );
  });
});

describe('restock alerts under pressure', () => {
  test('SES throttling for a while: throttled alerts come back with backoff and each is sent exactly once', async () => {
    const { ses } = await import('../../lambdas/runtime/ses');
    let throttled = 0;
    ses.middlewareStack.add(
      (next) => async (args) => {
        if (throttled < 15) {
          throttled++;
          throw Object.assign(new Error('Maximum sending rate exceeded.'), {
            name: 'Throttling',
            $metadata: { httpStatusCode: 400 },
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'throttleAlerts' },
    );
    try {
      const { sku, queue } = await seedQueue(
        'throttle',
        Array.from({ length: 20 }, () => 1),
      );
      await platform.admin('POST', '/api/admin/inventory', { sku, available: 20 });
      await settled(sku);
      const deadline = Date.now() + 60_000;
      let counts = await restockAlertsTo(queue.map((b) => b.email));
      while (counts.size < 20 && Date.now() < deadline) {
        await sleep(250);
        counts = await restockAlertsTo(queue.map((b) => b.email));
      }
      expect(throttled).toBe(15);
      while ((await queueDepth(platform.queueUrls.alert)) > 0 && Date.now() < deadline) await sleep(200);
      counts = await restockAlertsTo(queue.map((b) => b.email));
      expect(counts.size).toBe(20);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    } finally {
      ses.middlewareStack.remove('throttleAlerts');
    }
  }, 90_000);

  test('the same alert batch handled by concurrent workers sends each alert once', async () => {
    const { sendAlerts } = await import('../../lambdas/alerter/handler');
    const { queue } = await seedQueue('concurrent', [1, 1, 1]);
    const records = queue.map((b, i) => ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      body: JSON.stringify({
        kind: 'restock',
        backorderId: b.id,
        sku: 'X',
        productName: 'Concurrent tee',
        quantity: 1,
        email: b.email,
        statusToken: b.token,
        allocatedAt: new Date().toISOString(),
      }),
      attributes: { ApproximateReceiveCount: '1' },
    }));
    const results = await Promise.all(
      Array.from({ length: 4 }, () => sendAlerts({ Records: records } as never)),
    );
    // At least one worker sent each; the others found it sent (done) or in flight (retried later).
    for (const record of records)
      expect(
        results.some((r) => !r.batchItemFailures.some((f) => f.itemIdentifier === record.messageId)),
      ).toBe(true);
    await sleep(1000);
    const counts = await restockAlertsTo(queue.map((b) => b.email));
    expect(queue.map((b) => counts.get(b.email))).toEqual([1, 1, 1]);
  });
});
