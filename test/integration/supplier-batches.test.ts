/**
 * Supplier batches against the real emulators, with the scheduler's part driven by an injected clock and
 * backorder rows written with the creation times a test needs: signups through the API are counted by their
 * time; two schedulers at once make one batch; a scheduler down for two weeks makes one batch covering all
 * of it, and the next batch starts where it ended; too few units make no batch and roll over; "send now"
 * ignores the minimum; a backorder created in the last two minutes waits for the next batch; the supplier
 * gets one email with the CSV attached, even when queueing it failed the first time.
 */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { emulatorClients } from '../../local/platform';
import { nextSlot, WEEKDAYS, type BatchSchedule } from '../../lambdas/domain/supplier';
import { startTestPlatform, emulatorEndpoints, type TestPlatform } from '../support/platform';
import { emailsTo, uniqueEmail, waitForEmails, type StoredEmail } from '../support/mailbox';
import { batchWrite, waitingBackorders } from '../support/backorder-rows';
import { parse as parseCsv } from '../support/csv-reader';
import type * as SupplierBatches from '../../lambdas/use-cases/supplier-batches';
import { sleep } from '../support/wait';
import { newProduct as newProductIn } from '../support/shop';

let platform: TestPlatform;
let dynamo: DynamoDBDocumentClient;
let batches: typeof SupplierBatches;

beforeAll(async () => {
  // The scheduler does not tick on its own here: each test runs it at the time it chooses.
  platform = await startTestPlatform({ schedulerTickSeconds: 3600 });
  dynamo = DynamoDBDocumentClient.from(emulatorClients(emulatorEndpoints()).dynamo);
  batches = await import('../../lambdas/use-cases/supplier-batches');
});
afterAll(async () => {
  await platform?.stop();
  dynamo?.destroy();
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let counter = 0;
const unique = (label: string) => `${label}-${++counter}-${Date.now().toString(36)}`;

interface BatchBody {
  id: string;
  lines: { sku: string; name: string; units: number; backorders: number; oldest: string }[];
  units: number;
  backorders: number;
  sentTo: string;
  sentAt: string | null;
  window: { from: string | null; to: string };
  fileName: string;
}

const newSupplier = async (label: string, batch: Record<string, unknown>) => {
  const id = unique(label);
  const email = uniqueEmail(label);
  const saved = await platform.admin('PUT', `/api/admin/suppliers/${id}`, {
    name: `${label} supplies`,
    email,
    batch,
  });
  expect(saved.status).toBe(201);
  return { id, email, batch: saved.body.batch as BatchSchedule };
};

const newProduct = (supplierId: string, name: string) =>
  newProductIn(platform, 'SB', { name, supplierId, backorders: { enabled: true } });

/** Waiting backorders of `sku` created one second apart, the last at `endMs`; or cancelled ones. */
const seed = async (sku: string, quantities: number[], endMs: number, status = 'waiting') => {
  const rows = waitingBackorders(sku, quantities, { label: unique('shopper'), endMs }).map(({ row }) => {
    if (status === 'waiting') return row;
    const { waitingKey: _waiting, ...rest } = row;
    return { ...rest, status };
  });
  await batchWrite(dynamo, platform.tableNames.backorders, rows);
  return rows.map((row) => String(row.createdAt));
};

const batchesOf = async (supplierId: string): Promise<BatchBody[]> => {
  const response = await platform.admin('GET', `/api/admin/suppliers/${supplierId}/batches`);
  expect(response.status).toBe(200);
  return response.body.items;
};

const linesOf = (batch: BatchBody) =>
  batch.lines.map(({ sku, units, backorders }) => ({ sku, units, backorders }));

const supplierRow = async (id: string) =>
  (await dynamo.send(new GetCommand({ TableName: platform.tableNames.suppliers, Key: { id } }))).Item;

const waitForSent = async (supplierId: string, batchId: string) => {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const batch = (await batchesOf(supplierId)).find((b) => b.id === batchId);
    if (batch?.sentAt) return batch;
    await sleep(100);
  }
  throw new Error(`batch ${batchId} was never marked sent`);
};

const csvAttachment = (email: StoredEmail) => {
  expect(email.attachments).toHaveLength(1);
  const [file] = email.attachments!;
  return { ...file, text: Buffer.from(file.content, 'base64').toString('utf8') };
};

test('shoppers who signed up through the API (in ticket order) are counted by the time they signed up', async () => {
  const supplier = await newSupplier('api', { every: 'day', hour: 6 });
  const sku = await newProduct(supplier.id, 'Desk lamp');
  for (const quantity of [2, 1]) {
    const signed = await platform.request('POST', '/api/backorders', {
      json: { sku, email: uniqueEmail('api-shopper'), quantity },
    });
    expect(signed.status).toBe(201);
  }
  // A tick at least ten minutes on, so both signups lie before the cutoff (now − 2 minutes).
  const tick = nextSlot(supplier.batch, Date.now() + 10 * MINUTE) + 30_000;
  await batches.sendDueSupplierBatches(tick);
  const made = await batchesOf(supplier.id);
  expect(made).toHaveLength(1);
  expect(linesOf(made[0])).toEqual([{ sku, units: 3, backorders: 2 }]);
});

test('two schedulers at once make one batch, and the supplier gets one email with the CSV', async () => {
  const supplier = await newSupplier('race', { every: 'day', hour: 6 });
  const tee = await newProduct(supplier.id, 'Organic tee');
  const mug = await newProduct(supplier.id, 'Mug');
  const now = Date.now();
  const teeTimes = await seed(tee, [1, 2], now - 5 * MINUTE);
  await seed(mug, [3], now - 5 * MINUTE);

  const tick = nextSlot(supplier.batch, now) + 30_000;
  await Promise.all([batches.sendDueSupplierBatches(tick), batches.sendDueSupplierBatches(tick)]);

  const made = await batchesOf(supplier.id);
  expect(made).toHaveLength(1);
  expect(linesOf(made[0]).sort((a, b) => a.sku.localeCompare(b.sku))).toEqual(
    [
      { sku: tee, units: 3, backorders: 2 },
      { sku: mug, units: 3, backorders: 1 },
    ].sort((a, b) => a.sku.localeCompare(b.sku)),
  );
  expect(made[0].lines.find((l) => l.sku === tee)).toMatchObject({
    name: 'Organic tee',
    oldest: teeTimes[0],
  });
  expect(made[0]).toMatchObject({ units: 6, backorders: 3, sentTo: supplier.email, window: { from: null } });

  const [email] = await waitForEmails(platform.sesUrl, supplier.email, 1);
  expect(email.subject).toBe('Backorders for race supplies: 6 units of 2 products');
  const csv = csvAttachment(email);
  expect(csv.filename).toBe(made[0].fileName);
  expect(csv.filename).toMatch(new RegExp(`^backorders-${supplier.id}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
  expect(csv.contentType).toBe('text/csv');
  const rows = parseCsv(csv.text);
  expect(rows[0]).toEqual(['sku', 'name', 'units', 'backorders', 'oldest']);
  expect(rows.slice(1)).toContainEqual([tee, 'Organic tee', '3', '2', teeTimes[0]]);

  await waitForSent(supplier.id, made[0].id);
  await sleep(500);
  expect(await emailsTo(platform.sesUrl, supplier.email)).toHaveLength(1);
}, 60_000);

test('a scheduler down for two weeks sends one batch covering all of it; the next starts where it ended', async () => {
  const t0 = Date.now();
  const tomorrow = WEEKDAYS[(new Date(t0).getUTCDay() + 1) % 7];
  const supplier = await newSupplier('late', { every: 'week', day: tomorrow, hour: 6 });
  const shirts = await newProduct(supplier.id, 'Shirt');
  const socks = await newProduct(supplier.id, 'Socks');
  const elsewhere = await newProduct(unique('other-supplier'), 'Not theirs');

  // Waiting before the supplier existed (its first batch tells of them), then through the two weeks.
  const shirtTimes = await seed(shirts, [2, 1], t0 - HOUR);
  await seed(shirts, [1], t0 + 2 * DAY);
  await seed(socks, [4], t0 + 5 * DAY);
  await seed(shirts, [7], t0 + DAY, 'cancelled');
  await seed(shirts, [9], t0 + 3 * DAY, 'fulfilled');
  await seed(elsewhere, [5], t0 + DAY);

  await batches.sendDueSupplierBatches(t0 + HOUR);
  expect(await batchesOf(supplier.id)).toHaveLength(0); // not its day yet

  const back = t0 + 15 * DAY;
  await batches.sendDueSupplierBatches(back);
  await batches.sendDueSupplierBatches(back + MINUTE);
  let made = await batchesOf(supplier.id);
  expect(made).toHaveLength(1);
  const first = made[0];
  expect(linesOf(first).sort((a, b) => a.sku.localeCompare(b.sku))).toEqual(
    [
      { sku: shirts, units: 4, backorders: 3 },
      { sku: socks, units: 4, backorders: 1 },
    ].sort((a, b) => a.sku.localeCompare(b.sku)),
  );
  expect(first.lines.find((l) => l.sku === shirts)?.oldest).toBe(shirtTimes[0]);
  expect(first.window.to).toBe(new Date(back - 2 * MINUTE).toISOString());

  // Demand after that batch goes into the next one only.
  await seed(socks, [2], back + 10 * MINUTE);
  await batches.sendDueSupplierBatches(back + 7 * DAY + MINUTE);
  made = await batchesOf(supplier.id);
  expect(made).toHaveLength(2);
  const [second] = made; // newest first
  expect(second.id > first.id).toBe(true);
  expect(linesOf(second)).toEqual([{ sku: socks, units: 2, backorders: 1 }]);
  expect(second.window.from).toBe(first.window.to);

  const emails = await waitForEmails(platform.sesUrl, supplier.email, 2);
  expect(emails).toHaveLength(2);
}, 60_000);

test('below the minimum no batch is made, and the units roll into the next one', async () => {
  const supplier = await newSupplier('min', { every: 'day', hour: 3, minUnits: 5 });
  const sku = await newProduct(supplier.id, 'Kettle');
  const t0 = Date.now();
  await seed(sku, [1, 1], t0 - 10 * MINUTE);

  const firstDay = nextSlot(supplier.batch, t0) + MINUTE;
  await batches.sendDueSupplierBatches(firstDay);
  expect(await batchesOf(supplier.id)).toHaveLength(0);
  // Handled: the rest of the day makes no batch either, even with enough units.
  await seed(sku, [1, 2], firstDay + HOUR);
  await batches.sendDueSupplierBatches(firstDay + 3 * HOUR);
  expect(await batchesOf(supplier.id)).toHaveLength(0);

  // Created in the last two minutes before the next batch: its row may still be on its way, so it waits.
  const secondDay = firstDay + DAY;
  await seed(sku, [1], secondDay - 30_000);
  await batches.sendDueSupplierBatches(secondDay);
  const made = await batchesOf(supplier.id);
  expect(made).toHaveLength(1);
  expect(linesOf(made[0])).toEqual([{ sku, units: 5, backorders: 4 }]);

  const late = await batches.sendBatchNow(supplier.id, secondDay + 5 * MINUTE);
  expect(late?.lines.map(({ units, backorders }) => ({ units, backorders }))).toEqual([
    { units: 1, backorders: 1 },
  ]);
  expect(await waitForEmails(platform.sesUrl, supplier.email, 2)).toHaveLength(2);
}, 60_000);

test('"send now" ignores the minimum; the CSV survives commas, quotes and non-ASCII names', async () => {
  const supplier = await newSupplier('now', { every: 'week', day: 'MON', minUnits: 100 });
  const names = ['Café "Crème", grande', 'Tee, 日本語 — Größe M 👕'];
  const skus = [await newProduct(supplier.id, names[0]), await newProduct(supplier.id, names[1])];
  const now = Date.now();
  await seed(skus[0], [1], now - 5 * MINUTE);
  await seed(skus[1], [2, 3], now - 5 * MINUTE);

  const sent = await platform.admin('POST', `/api/admin/suppliers/${supplier.id}/batches`);
  expect(sent.status).toBe(201);
  expect(sent.body).toMatchObject({ id: expect.stringMatching(/^[0-9A-Z]{26}$/), sentTo: supplier.email });
  expect(
    (sent.body as BatchBody).lines
      .map(({ sku, units, backorders }) => ({ sku, units, backorders }))
      .sort((a, b) => a.sku.localeCompare(b.sku)),
  ).toEqual(
    [
      { sku: skus[0], units: 1, backorders: 1 },
      { sku: skus[1], units: 5, backorders: 2 },
    ].sort((a, b) => a.sku.localeCompare(b.sku)),
  );

  const [email] = await waitForEmails(platform.sesUrl, supplier.email, 1);
  const attached = csvAttachment(email);
  const rows = parseCsv(attached.text);
  expect(
    rows
      .slice(1)
      .map((row) => [row[0], row[1]])
      .sort(),
  ).toEqual(
    [
      [skus[0], names[0]],
      [skus[1], names[1]],
    ].sort(),
  );
  expect(attached.text).toContain('"Café ""Crème"", grande"');

  // The console's download is the same file.
  const download = await fetch(
    `${platform.baseUrl}/api/admin/suppliers/${supplier.id}/batches/${sent.body.id}/csv`,
    { headers: { authorization: `Bearer ${platform.adminToken}` } },
  );
  expect(download.status).toBe(200);
  expect(download.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(download.headers.get('content-disposition')).toBe(`attachment; filename="${attached.filename}"`);
  expect(await download.text()).toBe(attached.text);

  // Nothing new since: "send now" still sends, saying so, with the headings only.
  const empty = await platform.admin('POST', `/api/admin/suppliers/${supplier.id}/batches`);
  expect(empty.status).toBe(201);
  expect(empty.body.lines).toEqual([]);
  const emails = await waitForEmails(platform.sesUrl, supplier.email, 2);
  const nothing = emails.find((e) => e.subject.startsWith('No new backorders'));
  expect(nothing && csvAttachment(nothing).text).toBe('sku,name,units,backorders,oldest\r\n');
  expect((await batchesOf(supplier.id)).map((b) => b.id)).toEqual([empty.body.id, sent.body.id]);
}, 60_000);

test('a batch whose email could not be queued is queued again once, a few minutes later, and sent once', async () => {
  const supplier = await newSupplier('requeue', { every: 'day', hour: 6 });
  const sku = await newProduct(supplier.id, 'Lamp');
  const t0 = Date.now();
  await seed(sku, [3], t0 - 10 * MINUTE);

  const tick = nextSlot(supplier.batch, t0) + MINUTE;
  await batches.sendDueSupplierBatches(tick, async () => {
    throw new Error('SQS is unavailable');
  });
  const [batch] = await batchesOf(supplier.id);
  expect(batch).toMatchObject({ units: 3, sentAt: null });
  await sleep(1000);
  expect(await emailsTo(platform.sesUrl, supplier.email)).toHaveLength(0);

  const queued: string[] = [];
  const recording: SupplierBatches.QueueBatchEmail = async (b) => {
    if (b.batchId === batch.id) queued.push(b.batchId);
    await batches.queueBatchEmail(b);
  };
  await batches.sendDueSupplierBatches(tick + MINUTE, recording);
  expect(queued).toHaveLength(0); // too soon: the first message may still be on its way

  // Two schedulers look at once: one queues it again.
  const later = tick + batches.REQUEUE_AFTER_MS + MINUTE;
  await Promise.all([
    batches.sendDueSupplierBatches(later, recording),
    batches.sendDueSupplierBatches(later, recording),
  ]);
  expect(queued).toEqual([batch.id]);
  await waitForSent(supplier.id, batch.id);
  expect(await emailsTo(platform.sesUrl, supplier.email)).toHaveLength(1);

  // Sent: no longer pending, never queued again; a stray duplicate message sends nothing.
  await batches.sendDueSupplierBatches(later + 3 * batches.REQUEUE_AFTER_MS, recording);
  expect(queued).toHaveLength(1);
  expect((await supplierRow(supplier.id))?.pendingBatches).toBeUndefined();
  await batches.queueBatchEmail({ supplierId: supplier.id, batchId: batch.id });
  await sleep(1500);
  expect(await emailsTo(platform.sesUrl, supplier.email)).toHaveLength(1);
}, 60_000);
