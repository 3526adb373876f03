/**
 * The product CSV import (docs/catalogue.md, `POST /api/admin/products/import`, `GET /api/admin/imports/{id}`):
 * a file imported and read back through the product routes, the same file again changing nothing, every way a
 * file or a line can be wrong, raised stock allocating a waiting shopper, and 10 000 rows imported whole.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { rowsOf } from '../support/hostile';
import { sleep } from '../support/wait';
import { signUpShopper } from '../support/shop';
import { expectError, newProduct, uniqueSku } from './helpers';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform?.stop());

const MiB = 1024 * 1024;

const importFile = (file: string | Buffer, contentType: string | null = 'text/csv') =>
  platform.request('POST', '/api/admin/products/import', {
    raw: file,
    headers: {
      authorization: `Bearer ${platform.adminToken}`,
      ...(contentType === null ? {} : { 'content-type': contentType }),
    },
  });

const reportOf = (id: string) => platform.admin('GET', `/api/admin/imports/${id}`);

/** Imports the file (202) and waits for its report to say done. */
const imported = async (file: string | Buffer, timeoutMs = 30_000) => {
  const started = await importFile(file);
  expect(started.status).toBe(202);
  expect(Object.keys(started.body)).toEqual(['id']);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = await reportOf(started.body.id);
    expect(report.status).toBe(200);
    if (report.body.status === 'done') return report.body;
    if (Date.now() > deadline) throw new Error(`import not done: ${JSON.stringify(report.body)}`);
    await sleep(200);
  }
};

const product = async (sku: string) => (await platform.admin('GET', `/api/admin/products/${sku}`)).body;

/** A CSV line of these cells, quoted where they need it. */
const line = (...cells: (string | number)[]) =>
  cells
    .map((c) => (/[",;\r\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c)))
    .join(',');

describe('a file imported', () => {
  test('round trip: the products read back with the file values; the same file again changes nothing', async () => {
    const [tee, mug, lamp] = [uniqueSku('imp-tee'), uniqueSku('imp-mug'), uniqueSku('imp-lamp')];
    const file = [
      'sku,name,stock,expectedRestockDate,backordersEnabled,maxPerCustomer,supplierId,productId,option.Size',
      line(tee, 'Tee, medium', 5, '2027-03-01', 'yes', 3, 'acme', 'TEE', 'M'),
      line(mug, 'Mug "Classic"', 0, '', 'no', '', '', '', ''),
      line(lamp, 'Lamp', '', '', '', '', '', '', ''),
    ].join('\n');
    const first = await imported(file);
    expect(first).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      status: 'done',
      rows: 3,
      created: 3,
      updated: 0,
      unchanged: 0,
      failed: 0,
      errors: [],
      errorsOmitted: 0,
      createdAt: expect.any(String),
    });
    expect(await product(tee)).toMatchObject({
      sku: tee,
      name: 'Tee, medium',
      stock: 5,
      expectedRestockDate: '2027-03-01',
      backorders: { enabled: true, maxPerCustomer: 3 },
      supplierId: 'acme',
      productId: 'TEE',
      options: { Size: 'M' },
    });
    expect(await product(mug)).toMatchObject({
      name: 'Mug "Classic"',
      stock: 0,
      backorders: { enabled: false },
    });
    const plain = await product(lamp);
    // A new product without the optional columns gets what a PUT without them gives: no stock, the site policy.
    expect(plain).toMatchObject({ name: 'Lamp', stock: 0 });
    expect(plain).not.toHaveProperty('backorders');
    expect(plain).not.toHaveProperty('importMark');

    const again = await imported(file);
    expect(again).toMatchObject({ rows: 3, created: 0, updated: 0, unchanged: 3, failed: 0, errors: [] });
  });

  test('export and import back: the exported file (formula guards, figures and all) imports as no change', async () => {
    const [formula, quoted] = [uniqueSku('imp-formula'), uniqueSku('imp-quoted')];
    await imported(
      [
        'sku,name,stock,backordersEnabled,maxPerCustomer',
        line(formula, '=HYPERLINK("http://evil.example","click")', 2, 'yes', 4),
        line(quoted, '@risk; "quoted", with commas', 0, 'no', ''),
      ].join('\n'),
    );
    const exported = await fetch(`${platform.baseUrl}/api/admin/products.csv`, {
      headers: { authorization: `Bearer ${platform.adminToken}` },
    });
    expect(exported.status).toBe(200);
    const file = await exported.text();
    // The export neutralises what a spreadsheet would run, and carries figures the import reads past.
    expect(file.split('\r\n')[0]).toContain('waiting,unitsWaiting');
    expect(file).toContain(`${formula},"'=HYPERLINK(""http://evil.example"",""click"")"`);
    const back = await imported(file);
    expect(back).toMatchObject({ created: 0, updated: 0, failed: 0, errors: [] });
    expect(back.unchanged).toBe(back.rows);
    expect((await product(formula)).name).toBe('=HYPERLINK("http://evil.example","click")');
    expect((await product(quoted)).name).toBe('@risk; "quoted", with commas');
  });

  test('an empty cell or an absent column keeps the stored value; updated counts only real changes', async () => {
    const sku = await newProduct(platform, 'imp-keep', {
      name: 'Kettle',
      stock: 2,
      supplierId: 'acme',
      expectedRestockDate: '2027-05-05',
      backorders: { enabled: true, segments: ['b2b'], maxPerCustomer: 4 },
    });
    const same = await newProduct(platform, 'imp-same', { name: 'Same' });
    const report = await imported(
      ['sku,name,stock,maxPerCustomer', line(sku, 'Kettle 2', '', 6), line(same, 'Same', '', '')].join('\n'),
    );
    expect(report).toMatchObject({ rows: 2, created: 0, updated: 1, unchanged: 1, failed: 0 });
    expect(await product(sku)).toMatchObject({
      name: 'Kettle 2',
      stock: 2,
      supplierId: 'acme',
      expectedRestockDate: '2027-05-05',
      backorders: { enabled: true, segments: ['b2b'], maxPerCustomer: 6 },
    });
  });

  test('a spreadsheet export: BOM, semicolons, CRLF, a quoted value over two lines', async () => {
    const [a, b, c] = [uniqueSku('imp-semi'), uniqueSku('imp-semi'), uniqueSku('imp-semi')];
    const file = `\uFEFFsku;name;stock\r\n${a};"Tee; blue";1\r\n${b};"two\r\nlines";2\r\n${c};"The ""best""";x\r\n`;
    const report = await imported(file);
    expect(report).toMatchObject({
      rows: 3,
      created: 1,
      failed: 2,
      errors: [
        { line: 3, message: 'name: must not contain control characters' },
        { line: 5, message: 'stock: must be a whole number of 0 or more' },
      ],
    });
    expect(await product(a)).toMatchObject({ name: 'Tee; blue', stock: 1 });
  });

  test('repeated SKUs: the first line wins, each later one is reported on its line', async () => {
    const sku = uniqueSku('imp-dup');
    const report = await imported(
      ['sku,name,stock', line(sku, 'First', 1), line(sku, 'Second', 2)].join('\n'),
    );
    expect(report).toMatchObject({
      rows: 2,
      created: 1,
      failed: 1,
      errors: [{ line: 3, message: `SKU ${sku} is already on line 2: only that line is imported` }],
    });
    expect(await product(sku)).toMatchObject({ name: 'First', stock: 1 });
  });

  test('bad values fail their own line; the rest is imported', async () => {
    const good = uniqueSku('imp-good');
    const report = await imported(
      [
        'sku,name,stock,expectedRestockDate,backordersEnabled,maxPerCustomer',
        line('bad sku', 'x', 1, '', '', ''),
        line(uniqueSku('imp-bad'), 'x', -1, '', '', ''),
        line(uniqueSku('imp-bad'), 'x', '', '2027-02-30', '', ''),
        line(uniqueSku('imp-bad'), 'x', '', '', 'perhaps', ''),
        line(uniqueSku('imp-bad'), 'x', '', '', '', 2),
        line(good, 'Good', 3, '2027-02-28', 'true', 2),
      ].join('\n'),
    );
    expect(report).toMatchObject({ rows: 6, created: 1, failed: 5 });
    expect(report.errors).toEqual([
      { line: 2, message: 'sku: must be letters, digits, ".", "_" or "-"' },
      { line: 3, message: 'stock: must be a whole number of 0 or more' },
      { line: 4, message: 'expectedRestockDate: must be a real calendar date' },
      { line: 5, message: 'backordersEnabled: must be true, false, yes, no, 1 or 0' },
      // Known only once the stored product is read: the worker reports it.
      { line: 6, message: expect.stringMatching(/^maxPerCustomer: needs backordersEnabled too/) },
    ]);
    expect(await product(good)).toMatchObject({ stock: 3, backorders: { enabled: true, maxPerCustomer: 2 } });
  });

  test('a header alone is an import of no rows, done at once', async () => {
    expect(await imported('sku,name\r\n')).toMatchObject({ status: 'done', rows: 0, created: 0, failed: 0 });
  });

  test('raised stock allocates a waiting shopper', async () => {
    const sku = await newProduct(platform, 'imp-restock', { name: 'Restocked', stock: 0 });
    const shopper = await signUpShopper(platform, { sku, label: 'imp-restock' });
    await imported(['sku,name,stock', line(sku, 'Restocked', 1)].join('\n'));
    const deadline = Date.now() + 20_000;
    let status = '';
    while (status !== 'allocated' && Date.now() < deadline) {
      status = (await platform.admin('GET', `/api/admin/backorders/${shopper.id}`)).body.status;
      if (status !== 'allocated') await sleep(200);
    }
    expect(status).toBe('allocated');
    expect((await product(sku)).stock).toBe(0);
  });
});

describe('a file that cannot be imported changes nothing', () => {
  const expectNothingStored = async (prefix: string) => {
    const products = await rowsOf(platform, 'products');
    expect(products.filter((row) => String(row.sku).startsWith(prefix))).toEqual([]);
  };

  test('a required column missing: 400 naming it', async () => {
    const sku = uniqueSku('imp-noname');
    const response = await importFile(`sku,stock\n${sku},1`);
    expectError(response, 400, 'VALIDATION');
    expect(response.body.error.message).toMatch(/^The file has no name column/);
    expect(response.body.error.details).toEqual([
      { path: 'columns', message: 'required column missing: name' },
    ]);
    await expectNothingStored(sku);
  });

  test('unknown columns: 400 naming them', async () => {
    const response = await importFile(`sku,name,price,colour\n${uniqueSku('imp-unknown')},x,1,red`);
    expectError(response, 400, 'VALIDATION');
    expect(response.body.error.message).toMatch(/^Unknown columns: price, colour\./);
  });

  test('1 MiB is accepted; 1 MiB and a byte is 413', async () => {
    const sku = uniqueSku('imp-mib');
    const head = `sku,name\n${sku},Big\n`;
    const exact = head + '\n'.repeat(MiB - Buffer.byteLength(head));
    expect(Buffer.byteLength(exact)).toBe(MiB);
    expect(await imported(exact)).toMatchObject({ rows: 1, created: 1 });
    const over = await importFile(`${exact}\n`);
    expectError(over, 413, 'PAYLOAD_TOO_LARGE');
  });

  test('10 001 rows: 400', async () => {
    const prefix = uniqueSku('imp-many');
    const rows = Array.from({ length: 10_001 }, (_, i) => `${prefix}-${i},n`);
    const response = await importFile(['sku,name', ...rows].join('\n'));
    expectError(response, 400, 'VALIDATION');
    expect(response.body.error.message).toMatch(/at most 10000 can be imported at once/);
    await expectNothingStored(prefix);
  });

  test('bytes that are not UTF-8: 400', async () => {
    const sku = uniqueSku('imp-latin1');
    const response = await importFile(
      Buffer.concat([Buffer.from(`sku,name\n${sku},Caf`), Buffer.from([0xe9])]),
    );
    expectError(response, 400, 'VALIDATION');
    expect(response.body.error.message).toMatch(/not UTF-8/);
    await expectNothingStored(sku);
  });

  test('an empty file: 400', async () => {
    expectError(await importFile(''), 400, 'VALIDATION');
  });

  test('any other media type: 415', async () => {
    const file = `sku,name\n${uniqueSku('imp-type')},x`;
    for (const type of ['application/json', 'text/plain', 'text/csv; charset=iso-8859-1', null]) {
      const response = await importFile(file, type);
      expectError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(response.body.error.message).toBe('Send the file as text/csv, in UTF-8');
    }
    expect((await importFile(file, 'text/csv; charset=UTF-8')).status).toBe(202);
  });

  test('an unknown or malformed import id: 404', async () => {
    expectError(await reportOf('01JD8X4N5Q6R7S8T9V0W1X2Y3Z'), 404, 'NOT_FOUND');
    expectError(await reportOf('not-an-id'), 404, 'NOT_FOUND');
  });

  test('both routes need credentials', async () => {
    expectError(
      await platform.request('POST', '/api/admin/products/import', {
        raw: 'sku,name\nA,b',
        headers: { 'content-type': 'text/csv' },
      }),
      401,
      'UNAUTHORIZED',
    );
    expectError(
      await platform.request('GET', '/api/admin/imports/01JD8X4N5Q6R7S8T9V0W1X2Y3Z'),
      401,
      'UNAUTHORIZED',
    );
  });
});

test('10 000 rows are all imported', async () => {
  const prefix = uniqueSku('imp-10k');
  const rows = Array.from({ length: 10_000 }, (_, i) => line(`${prefix}-${i}`, `Product ${i}`, i % 7, 'yes'));
  const report = await imported(['sku,name,stock,backordersEnabled', ...rows].join('\n'), 120_000);
  expect(report).toMatchObject({
    rows: 10_000,
    created: 10_000,
    updated: 0,
    unchanged: 0,
    failed: 0,
    errors: [],
  });
  const stored = (await rowsOf(platform, 'products')).filter((row) =>
    String(row.sku).startsWith(`${prefix}-`),
  );
  expect(stored).toHaveLength(10_000);
  const bySku = new Map(stored.map((row) => [row.sku as string, row]));
  for (const i of [0, 1, 4_999, 9_999])
    expect(bySku.get(`${prefix}-${i}`)).toMatchObject({
      name: `Product ${i}`,
      stock: i % 7,
      backorders: { enabled: true },
    });
}, 180_000);
