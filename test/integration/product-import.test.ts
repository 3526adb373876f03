/**
 * A product import when things go wrong (ARCHITECTURE.md "Product imports"). The platform's own importer is
 * paused here (its messages acknowledged unread) while a test drives the worker itself, with the messages the
 * outbox published: a chunk delivered twice, or twice at once, counts once; a worker that dies after writing
 * its products but before counting them is redelivered and counts them as created, not unchanged; an older
 * import's chunk that runs after a newer one's leaves the newer values. And the admin function killed right
 * after the import's transaction: the scheduler queues the chunks, and the import completes. And a row that
 * moves only the expected date: it opens the date's window (one, however often the file is imported), and the
 * sweep after the window tells the waiting shopper once.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { LambdaHandler } from '../../local/handlers';
import type { FunctionName } from '../../lib/platform';
import type { QueueConsumer } from '../../lambdas/runtime/queue-consumer';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../lambdas/runtime/dynamo';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { rowsOf } from '../support/hostile';
import { waitForEmails, type StoredEmail } from '../support/mailbox';
import { signUpShopper, uniqueSku } from '../support/shop';
import { sleep } from '../support/wait';

/** The invocation an SDK call belongs to, so only the one under test dies. */
const invocation = new AsyncLocalStorage<{ kill: () => void }>();
let importerPaused = true;
let killAfterImportWrite = false;
/** UpdateItems of the imports table (a chunk being counted) to fail, as a worker dying before it counts. */
let countsToFail = 0;
/** Run once just before the next transaction on the products table is sent (a console save meanwhile). */
let beforeProductWrite: (() => Promise<void>) | undefined;

const wrap =
  (name: FunctionName, handler: LambdaHandler): LambdaHandler =>
  (event: unknown, context: Context) => {
    if (name === 'importer' && importerPaused) return Promise.resolve({ batchItemFailures: [] });
    if (name !== 'adminApi') return handler(event, context);
    return new Promise((resolve, reject) => {
      // The process dies: the invocation fails as Lambda's would, and nothing after the write runs.
      const kill = () => reject(new Error('adminApi killed right after its write'));
      invocation.run({ kill }, () => handler(event, context).then(resolve, reject));
    });
  };

let platform: TestPlatform;
let importsTable: string;
/** The importer's queue consumer, loaded once the platform has set the environment (its log level). */
let importChunks: QueueConsumer;

beforeAll(async () => {
  platform = await startTestPlatform({
    wrapHandler: wrap,
    environment: { POWERTOOLS_LOG_LEVEL: 'ERROR', OUTBOX_GRACE_SECONDS: '2' },
  });
  importsTable = platform.tableNames.imports;
  ({ importChunks } = await import('../../lambdas/importer/handler'));
  dynamo.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as {
        TableName?: string;
        UpdateExpression?: string;
        TransactItems?: { Put?: { TableName?: string }; Update?: { TableName?: string } }[];
      };
      const meanwhile = beforeProductWrite;
      if (
        meanwhile &&
        input.TransactItems?.some((i) => i.Update?.TableName === platform.tableNames.products)
      ) {
        beforeProductWrite = undefined;
        await meanwhile();
      }
      if (input.UpdateExpression && input.TableName === importsTable && countsToFail > 0) {
        countsToFail--;
        throw new Error('the worker died before counting its chunk');
      }
      const result = await next(args);
      const current = invocation.getStore();
      if (
        killAfterImportWrite &&
        current &&
        input.TransactItems?.some((i) => i.Put?.TableName === importsTable)
      ) {
        killAfterImportWrite = false;
        current.kill();
        return new Promise<never>(() => undefined);
      }
      return result;
    },
    { step: 'initialize', name: 'importFaults' },
  );
});
afterAll(async () => {
  dynamo.middlewareStack.remove('importFaults');
  await platform?.stop();
});
afterEach(() => {
  importerPaused = true;
  killAfterImportWrite = false;
  countsToFail = 0;
  beforeProductWrite = undefined;
});

const file = (prefix: string, count: number, name = 'Product') =>
  ['sku,name,stock', ...Array.from({ length: count }, (_, i) => `${prefix}-${i},${name} ${i},${i % 3}`)].join(
    '\n',
  );

const startImport = async (csv: string): Promise<string> => {
  const response = await platform.request('POST', '/api/admin/products/import', {
    raw: csv,
    headers: { authorization: `Bearer ${platform.adminToken}`, 'content-type': 'text/csv' },
  });
  expect(response.status).toBe(202);
  return response.body.id as string;
};

const report = async (id: string) => (await platform.admin('GET', `/api/admin/imports/${id}`)).body;

/** A delivery of the chunk's message, as Lambda hands it over (the `receive`-th time). */
const delivery = (importId: string, chunk: number, receive = 1): SQSRecord => ({
  messageId: randomUUID(),
  receiptHandle: randomUUID(),
  body: JSON.stringify({ importId, chunk }),
  attributes: {
    ApproximateReceiveCount: String(receive),
    SentTimestamp: String(Date.now()),
    SenderId: 'test',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:import',
  awsRegion: 'us-east-1',
});

/** Runs the importer's consumer on these deliveries; answers the failed ones' count. */
const work = async (...records: SQSRecord[]): Promise<number> => {
  const event: SQSEvent = { Records: records };
  const answer = await importChunks(event);
  return answer.batchItemFailures.length;
};

const storedOf = async (prefix: string) =>
  (await rowsOf(platform, 'products')).filter((row) => String(row.sku).startsWith(`${prefix}-`));

test('a chunk delivered twice, or twice at once, is counted once', async () => {
  const prefix = uniqueSku('redeliver');
  const id = await startImport(file(prefix, 150));
  expect(await report(id)).toMatchObject({ status: 'running', rows: 150, created: 0 });

  expect(await work(delivery(id, 0))).toBe(0);
  expect(await work(delivery(id, 0, 2))).toBe(0);
  expect(await report(id)).toMatchObject({ status: 'running', created: 100 });
  // Both deliveries of the second chunk in one batch, handled side by side.
  expect(await work(delivery(id, 1), delivery(id, 1, 2))).toBe(0);
  expect(await report(id)).toMatchObject({
    status: 'done',
    rows: 150,
    created: 150,
    updated: 0,
    unchanged: 0,
  });
  expect(await storedOf(prefix)).toHaveLength(150);
});

test('a worker that dies before counting: the redelivery counts what it wrote as created', async () => {
  const prefix = uniqueSku('crash');
  const id = await startImport(file(prefix, 40));
  countsToFail = 1;
  expect(await work(delivery(id, 0))).toBe(1);
  // Every product written, none counted.
  expect(await storedOf(prefix)).toHaveLength(40);
  expect(await report(id)).toMatchObject({ status: 'running', created: 0 });
  expect(await work(delivery(id, 0, 2))).toBe(0);
  expect(await report(id)).toMatchObject({
    status: 'done',
    created: 40,
    updated: 0,
    unchanged: 0,
    failed: 0,
  });
});

test('a product saved in the console between the chunk reading and writing it is read again', async () => {
  const prefix = uniqueSku('meanwhile');
  const sku = `${prefix}-1`;
  const saved = await platform.admin('PUT', `/api/admin/products/${sku}`, { name: 'Console name', stock: 0 });
  expect(saved.status).toBe(201);
  const id = await startImport(['sku,name,stock', `${prefix}-0,New,0`, `${sku},Renamed,1`].join('\n'));
  // After the chunk read the product, a marketer saves exactly what the file says, and a supplier.
  beforeProductWrite = async () => {
    const body = { name: 'Renamed', stock: 1, supplierId: 'acme' };
    expect((await platform.admin('PUT', `/api/admin/products/${sku}`, body)).status).toBe(200);
  };
  expect(await work(delivery(id, 0))).toBe(0);
  expect(beforeProductWrite).toBeUndefined();
  // The write planned from the old read was refused; planned again, the row changes nothing.
  expect(await report(id)).toMatchObject({ status: 'done', created: 1, updated: 0, unchanged: 1, failed: 0 });
  const products = await storedOf(prefix);
  expect(products.find((row) => row.sku === sku)).toMatchObject({
    name: 'Renamed',
    supplierId: 'acme',
    stock: 1,
  });
  expect(products).toHaveLength(2);
});

test("an older import's chunk that runs after a newer one's leaves the newer values", async () => {
  const prefix = uniqueSku('race');
  const older = await startImport(file(prefix, 3, 'Older'));
  const newer = await startImport(file(prefix, 3, 'Newer'));
  expect(await work(delivery(newer, 0))).toBe(0);
  expect(await work(delivery(older, 0))).toBe(0);
  expect((await storedOf(prefix)).map((row) => row.name).sort()).toEqual(['Newer 0', 'Newer 1', 'Newer 2']);
  expect(await report(newer)).toMatchObject({ status: 'done', created: 3 });
  const olderReport = await report(older);
  expect(olderReport).toMatchObject({ status: 'done', created: 0, failed: 3 });
  expect(olderReport.errors[0].message).toBe(
    `not imported: import ${newer}, started after this one, has set ${prefix}-0 since`,
  );
});

test('the admin function killed right after the import was written: the import still completes', async () => {
  importerPaused = false;
  const prefix = uniqueSku('killed');
  const before = new Set((await rowsOf(platform, 'imports')).map((row) => row.key));
  killAfterImportWrite = true;
  const killed = await platform.request('POST', '/api/admin/products/import', {
    raw: file(prefix, 120),
    headers: { authorization: `Bearer ${platform.adminToken}`, 'content-type': 'text/csv' },
  });
  // The uploader saw a failure, as a crashed Lambda answers; the report exists, its chunks were never queued.
  expect(killed.status).toBe(500);
  const written = (await rowsOf(platform, 'imports')).filter(
    (row) => !before.has(row.key) && String(row.key).startsWith('import#'),
  );
  expect(written).toHaveLength(1);
  const id = written[0].id as string;
  expect(await report(id)).toMatchObject({ status: 'running', created: 0 });
  expect((await rowsOf(platform, 'outbox')).map((row) => row.id)).toContain(`import#${id}`);

  // The scheduler publishes the outbox row once its grace (2 s here) is over.
  const deadline = Date.now() + 30_000;
  while ((await report(id)).status !== 'done' && Date.now() < deadline) await sleep(250);
  expect(await report(id)).toMatchObject({ status: 'done', rows: 120, created: 120 });
  expect(await storedOf(prefix)).toHaveLength(120);
  expect((await rowsOf(platform, 'outbox')).map((row) => row.id)).not.toContain(`import#${id}`);
});

test('a row that moves only the expected date opens one window; the sweep after it tells the waiting shopper once', async () => {
  const sku = uniqueSku('eta');
  const name = `Eta ${sku}`;
  const created = await platform.admin('PUT', `/api/admin/products/${sku}`, {
    name,
    stock: 0,
    expectedRestockDate: '2027-05-01',
  });
  expect(created.status).toBe(201);
  const shopper = await signUpShopper(platform, { sku, label: 'eta-import', name: 'Ida' });
  // Her confirmation, before anything about the date.
  await waitForEmails(platform.sesUrl, shopper.email, 1);

  const product = async () =>
    (
      await dynamo.send(
        new GetCommand({ TableName: platform.tableNames.products, Key: { sku }, ConsistentRead: true }),
      )
    ).Item!;
  const before = await product();
  expect(before.etaWindow).toBeUndefined();

  const csv = ['sku,name,stock,expectedRestockDate', `${sku},${name},0,2027-05-20`].join('\n');
  const openedAt = Date.now();
  const first = await startImport(csv);
  expect(await work(delivery(first, 0))).toBe(0);
  expect(await report(first)).toMatchObject({ status: 'done', updated: 1, unchanged: 0, failed: 0 });
  const opened = await product();
  expect(opened).toMatchObject({
    name,
    expectedRestockDate: '2027-05-20',
    etaVersion: 1,
    etaWindow: { version: 1, previous: '2027-05-01' },
    etaRev: before.etaRev + 1,
  });
  // The window ends ETA_DEBOUNCE_SECONDS (600 by default) after the import wrote the row.
  const until = Date.parse(opened.etaWindow.until);
  expect(until).toBeGreaterThanOrEqual(openedAt + 600_000);
  expect(until).toBeLessThanOrEqual(Date.now() + 600_000);
  expect(opened.etaDueKey).toBe(`${opened.etaWindow.until}#${sku}`);
  expect(opened.etaBucket).toMatch(new RegExp(`^${opened.etaWindow.until.slice(0, 13)}#[0-7]$`));

  // The same file again: nothing changed, so no second window, version or revision.
  const second = await startImport(csv);
  expect(await work(delivery(second, 0))).toBe(0);
  expect(await report(second)).toMatchObject({ status: 'done', updated: 0, unchanged: 1, failed: 0 });
  const again = await product();
  for (const field of ['etaWindow', 'etaVersion', 'etaRev', 'etaDueKey', 'etaBucket', 'expectedRestockDate'])
    expect(again[field]).toEqual(opened[field]);

  // Swept after the window ended, as a sweeper that never ran (no watermark): one email queued.
  await dynamo.send(
    new DeleteCommand({ TableName: platform.tableNames.settings, Key: { name: 'eta-sweeper' } }),
  );
  const { sweepEtaChanges } = await import('../../lambdas/use-cases/eta-updates');
  expect((await sweepEtaChanges(Date.now() + 600_000 + 5_000)).queued).toBe(1);
  const updatesOf = (emails: StoredEmail[]) => emails.filter((email) => /expected/i.test(email.subject));
  const emails = await waitForEmails(platform.sesUrl, shopper.email, 2);
  const updates = updatesOf(emails);
  expect(updates).toHaveLength(1);
  expect(updates[0].body.text).toContain('May 20, 2027');
  expect(updates[0].body.text).toContain('May 1, 2027');
  const announced = await product();
  expect(announced.etaWindow).toBeUndefined();
  expect(announced.etaFanout).toBeUndefined();
  expect(announced.etaDueKey).toBeUndefined();
  expect(announced.etaHistory).toEqual([{ date: '2027-05-20', at: expect.any(String) }]);

  // Swept again later: nothing more to tell.
  expect((await sweepEtaChanges(Date.now() + 600_000 + 60_000)).queued).toBe(0);
  await sleep(1500);
  expect(updatesOf(await waitForEmails(platform.sesUrl, shopper.email, 3, 500))).toHaveLength(1);
});
