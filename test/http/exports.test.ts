/**
 * The console's CSV exports (`GET /api/admin/products.csv`, `GET /api/admin/backorders.csv?sku=&status=`), as a
 * client sees them through the site: the exporter function streamed through its URL (locally the gateway plays
 * CloudFront and the function URL, local/awslambda.ts). Files are read back with a strict RFC 4180 reader.
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { BACKORDER_COLUMNS, BACKORDER_PAGE_SIZE, PRODUCT_COLUMNS } from '../../lambdas/use-cases/csv-exports';
import { emulatorClients } from '../../local/platform';
import { parse as parseCsv } from '../support/csv-reader';
import { download as get, type Download } from '../support/download';
import { failListingReadsPast } from '../support/listing-fault';
import { uniqueEmail } from '../support/mailbox';
import { emulatorEndpoints, startTestPlatform, type TestPlatform } from '../support/platform';
import { signUpShopper } from '../support/shop';
import { batchWrite } from '../support/backorder-rows';
import { ticketedQueue, writeTicketedQueue } from '../support/ticketed-queue';
import { expectError, newProduct, uniqueSku } from './helpers';

let platform: TestPlatform;
let documents: DynamoDBDocumentClient;
beforeAll(async () => {
  platform = await startTestPlatform({ executeApiEndpoint: true });
  documents = DynamoDBDocumentClient.from(emulatorClients(emulatorEndpoints()).dynamo);
});
afterAll(async () => {
  documents?.destroy();
  await platform?.stop();
});

/** A GET with the bearer `token` (none for null), recording whether the body ended or broke off. */
const download = (path: string, token: string | null = platform.adminToken, base = platform.url) =>
  get(`${base}${path}`, token ? { authorization: `Bearer ${token}` } : {});

const records = (file: Download) => parseCsv(file.text);

/** The data rows as objects by column, after checking the header row. */
const rowsOf = (file: Download, columns: readonly string[]): Record<string, string>[] => {
  const [header, ...rows] = records(file);
  expect(header).toEqual([...columns]);
  for (const row of rows) expect(row).toHaveLength(columns.length);
  return rows.map((row) => Object.fromEntries(columns.map((column, i) => [column, row[i]])));
};

const expectCsvFile = (file: Download, name: RegExp) => {
  expect(file.status).toBe(200);
  expect(file.complete).toBe(true);
  expect(file.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(file.headers['content-disposition']).toMatch(name);
  expect(file.headers['cache-control']).toBe('no-store');
  // Streamed: chunked, never a length known up front.
  expect(file.headers['transfer-encoding']).toBe('chunked');
  expect(file.headers['content-length']).toBeUndefined();
  expect(file.text.endsWith('\r\n')).toBe(true);
};

/** The error answer of a download, in the contract's shape (test/http/helpers.ts). */
const expectDownloadError = (file: Download, status: number, code: string) => {
  expect(file.complete).toBe(true);
  expectError(
    {
      status: file.status,
      headers: new Headers(file.headers as Record<string, string>),
      body: JSON.parse(file.text),
    },
    status,
    code,
  );
};

const today = () => new Date().toISOString().slice(0, 10);

describe('GET /api/admin/products.csv', () => {
  test('every product with its waiting figures; formulas neutralised; commas, quotes and line breaks quoted', async () => {
    const formula = await newProduct(platform, 'EXP-FORMULA', {
      name: '=HYPERLINK("http://evil.example","Click")',
      stock: 0,
      productId: 'EXP-GROUP',
      supplierId: 'acme',
      expectedRestockDate: '2027-01-15',
      backorders: { enabled: true, maxPerCustomer: 4 },
    });
    await signUpShopper(platform, { sku: formula, quantity: 2 });
    await signUpShopper(platform, { sku: formula, quantity: 3 });
    const plain = await newProduct(platform, 'EXP-PLAIN', { name: 'Tee, blue "Classic"' });
    // A name with line breaks cannot come through the console (control characters are refused), but a row
    // written by an older version or another system may hold one: the file must still read back exactly.
    const multiline = uniqueSku('EXP-LINES');
    const now = new Date().toISOString();
    await documents.send(
      new PutCommand({
        TableName: platform.tableNames.products,
        Item: {
          sku: multiline,
          name: 'First line\r\nsecond, "quoted"\nthird',
          stock: 7,
          createdAt: now,
          updatedAt: now,
        },
      }),
    );

    const file = await download('/api/admin/products.csv');
    expectCsvFile(file, new RegExp(`^attachment; filename="products-${today()}\\.csv"$`));
    const bySku = new Map(rowsOf(file, PRODUCT_COLUMNS).map((row) => [row.sku, row]));
    expect(bySku.get(formula)).toEqual({
      sku: formula,
      name: `'=HYPERLINK("http://evil.example","Click")`,
      productId: 'EXP-GROUP',
      stock: '0',
      expectedRestockDate: '2027-01-15',
      backordersEnabled: 'true',
      maxPerCustomer: '4',
      supplierId: 'acme',
      waiting: '2',
      unitsWaiting: '5',
    });
    // Its own policy left out: the site's applies, and the cells stay empty (an import leaves them so).
    expect(bySku.get(plain)).toMatchObject({
      name: 'Tee, blue "Classic"',
      backordersEnabled: '',
      maxPerCustomer: '',
      productId: '',
      waiting: '0',
      unitsWaiting: '0',
    });
    expect(bySku.get(multiline)).toMatchObject({ name: 'First line\r\nsecond, "quoted"\nthird', stock: '7' });
    expect(file.text).toContain(`"'=HYPERLINK(""http://evil.example"",""Click"")"`);
    expect(file.text).toContain('"First line\r\nsecond, ""quoted""\nthird"');
  });

  test('without credentials, or with a wrong token: 401 in the error shape, before any CSV', async () => {
    expectDownloadError(await download('/api/admin/products.csv', null), 401, 'UNAUTHORIZED');
    expectDownloadError(
      await download('/api/admin/products.csv', 'not-a-token-of-ours'),
      401,
      'UNAUTHORIZED',
    );
  });

  test('around CloudFront (the function URL called directly): 403, even with a valid token', async () => {
    const file = await download('/api/admin/products.csv', platform.adminToken, platform.executeApiUrl);
    expectDownloadError(file, 403, 'FORBIDDEN');
  });
});

describe('GET /api/admin/backorders.csv', () => {
  test('every column; position while waiting; filters by SKU and status; text neutralised and quoted', async () => {
    const sku = await newProduct(platform, 'EXP-BO', { stock: 0 });
    const first = await signUpShopper(platform, {
      sku,
      quantity: 2,
      name: 'Doe, "Jane"',
      company: '+49 30 1234',
      segment: 'b2b',
    });
    const second = await signUpShopper(platform, { sku, name: '@SUM(1+1)', email: uniqueEmail('second') });
    const third = await signUpShopper(platform, { sku });
    const cancel = await platform.request(
      'POST',
      `/api/backorders/${second.id}/cancel?token=${encodeURIComponent(second.token)}`,
    );
    expect(cancel.status).toBe(200);

    const file = await download(`/api/admin/backorders.csv?sku=${sku}`);
    expectCsvFile(file, new RegExp(`^attachment; filename="backorders-${sku}-${today()}\\.csv"$`));
    const rows = rowsOf(file, BACKORDER_COLUMNS);
    expect(rows.map((row) => row.id)).toEqual([first.id, second.id, third.id]);
    expect(rows[0]).toEqual({
      id: first.id,
      sku,
      email: first.email,
      name: 'Doe, "Jane"',
      company: "'+49 30 1234",
      segment: 'b2b',
      quantity: '2',
      status: 'waiting',
      kind: 'reservation',
      position: '1',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      holdUntil: '',
      orderId: '',
    });
    expect(rows[1]).toMatchObject({ name: "'@SUM(1+1)", status: 'cancelled', position: '' });
    expect(rows[2]).toMatchObject({ status: 'waiting', position: '2', company: '' });
    expect(file.text).toContain('"Doe, ""Jane"""');

    const waiting = rowsOf(
      await download(`/api/admin/backorders.csv?sku=${sku}&status=waiting`),
      BACKORDER_COLUMNS,
    );
    expect(waiting.map((row) => row.id)).toEqual([first.id, third.id]);
    // Empty values are no filter; the status alone narrows the listing of every product.
    const cancelled = rowsOf(
      await download('/api/admin/backorders.csv?sku=&status=cancelled'),
      BACKORDER_COLUMNS,
    );
    expect(cancelled.map((row) => row.id)).toContain(second.id);
    expect(cancelled.every((row) => row.status === 'cancelled')).toBe(true);
    const all = rowsOf(await download('/api/admin/backorders.csv'), BACKORDER_COLUMNS);
    expect(all.map((row) => row.id)).toEqual(expect.arrayContaining([first.id, second.id, third.id]));
  });

  test('a line break in a stored name is quoted and reads back exactly', async () => {
    const sku = await newProduct(platform, 'EXP-NL', { stock: 0 });
    const shopper = await signUpShopper(platform, { sku });
    const { Item } = await documents.send(
      new GetCommand({ TableName: platform.tableNames.backorders, Key: { id: shopper.id } }),
    );
    await documents.send(
      new PutCommand({
        TableName: platform.tableNames.backorders,
        Item: { ...Item, name: 'Line one\nline two\r\n=cmd' },
      }),
    );
    const [row] = rowsOf(await download(`/api/admin/backorders.csv?sku=${sku}`), BACKORDER_COLUMNS);
    expect(row.name).toBe('Line one\nline two\r\n=cmd');
  });

  test('an unknown SKU is an empty file with its header row; bad filters are 400 before any CSV', async () => {
    const empty = await download(`/api/admin/backorders.csv?sku=${uniqueSku('NOBODY')}`);
    expectCsvFile(empty, /^attachment; filename="backorders-NOBODY-[0-9A-F]+-\d{4}-\d\d-\d\d\.csv"$/);
    expect(empty.text).toBe(`${BACKORDER_COLUMNS.join(',')}\r\n`);

    expectDownloadError(await download('/api/admin/backorders.csv?status=lost'), 400, 'VALIDATION');
    expectDownloadError(await download('/api/admin/backorders.csv?sku=not%20a%20sku'), 400, 'VALIDATION');
    const unknown = await download('/api/admin/backorders.csv?email=a%40example.com');
    expectDownloadError(unknown, 400, 'VALIDATION');
    expect(JSON.parse(unknown.text).error.details).toEqual([
      { path: 'email', message: 'unknown field: email' },
    ]);
    expectDownloadError(await download('/api/admin/backorders.csv', null), 401, 'UNAUTHORIZED');
  });

  test('roles and API keys by the route table: support and backorders:read only', async () => {
    expect((await download('/api/admin/backorders.csv?status=waiting', platform.supportToken)).status).toBe(
      200,
    );
    expectDownloadError(
      await download('/api/admin/backorders.csv', platform.marketerToken),
      403,
      'FORBIDDEN',
    );
    expect((await download('/api/admin/products.csv', platform.marketerToken)).status).toBe(200);

    const created = await platform.admin('POST', '/api/admin/api-keys', {
      name: 'Warehouse export',
      scopes: ['products:read'],
    });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    expect((await download('/api/admin/products.csv', key)).status).toBe(200);
    expectDownloadError(await download('/api/admin/backorders.csv', key), 403, 'FORBIDDEN');
    expect((await platform.admin('DELETE', `/api/admin/api-keys/${created.body.id}`)).status).toBe(200);
    expectDownloadError(await download('/api/admin/products.csv', key), 401, 'UNAUTHORIZED');
  });

  test('3 000 backorders across pages: every one exactly once, oldest first, each at its place', async () => {
    const sku = await newProduct(platform, 'EXP-LARGE', { stock: 0 });
    const queue = ticketedQueue(sku, 3_000, { label: `large-${sku}` });
    const seeded = queue.rows(0, queue.depth);
    await batchWrite(documents, platform.tableNames.queues, queue.queueItems);
    await batchWrite(
      documents,
      platform.tableNames.backorders,
      seeded.map((backorder) => backorder.row),
    );
    const file = await download(`/api/admin/backorders.csv?sku=${sku}&status=waiting`);
    expectCsvFile(file, /\.csv"$/);
    const rows = rowsOf(file, BACKORDER_COLUMNS);
    expect(rows.length).toBeGreaterThan(BACKORDER_PAGE_SIZE * 5);
    expect(rows.map((row) => row.id)).toEqual(seeded.map((backorder) => backorder.id));
    expect(new Set(rows.map((row) => row.id)).size).toBe(3_000);
    expect(rows.map((row) => Number(row.position))).toEqual(seeded.map((backorder) => backorder.ticket + 1));
  });

  test('DynamoDB failing after the file began: the download breaks off, never a clean short file', async () => {
    const sku = await newProduct(platform, 'EXP-FAULT', { stock: 0 });
    const queue = ticketedQueue(sku, 2_000, { label: `fault-${sku}` });
    await writeTicketedQueue(documents, platform.tableNames, queue);
    // Reads that continue a shard past the middle of the queue fail: the first page (the oldest rows, read
    // from each shard's start) arrives, a later one cannot be read.
    const middle = String(queue.rows(1_000, 1_001)[0].row.queueKey);
    const fault = failListingReadsPast(middle);
    try {
      const file = await download(`/api/admin/backorders.csv?sku=${sku}`);
      expect(file.status).toBe(200);
      expect(file.complete).toBe(false);
      // What did arrive is the file's beginning: the header and whole pages of the oldest rows.
      expect(file.text.startsWith(`${BACKORDER_COLUMNS.join(',')}\r\n`)).toBe(true);
      const arrived = file.text.split('\r\n').length - 2;
      expect(arrived).toBeGreaterThanOrEqual(BACKORDER_PAGE_SIZE);
      expect(arrived).toBeLessThan(2_000);
    } finally {
      fault.remove();
    }
    // The next export reads everything again.
    const again = await download(`/api/admin/backorders.csv?sku=${sku}`);
    expectCsvFile(again, /\.csv"$/);
    expect(rowsOf(again, BACKORDER_COLUMNS)).toHaveLength(2_000);
  });
});
