/**
 * Supplier batches, the pure parts: what a marketer may save, when a supplier's batch falls due (once after
 * any downtime), how a batch's window is bounded, and the CSV and email the supplier gets.
 */
import { parse as parseCsv } from '../support/csv-reader';
import { supplierSchema } from '../../lambdas/domain/supplier-schema';
import { parseOrThrow } from '../../lambdas/domain/validation';
import {
  isDue,
  latestSlot,
  nextSlot,
  windowBound,
  windowEnd,
  WINDOW_LAG_MS,
  type BatchSchedule,
  type SupplierBatch,
} from '../../lambdas/domain/supplier';
import { CSV_CONTENT_TYPE, spreadsheetSafe, supplierBatchCsv } from '../../lambdas/domain/supplier-csv';
import { renderSupplierBatch, supplierBatchEmailData } from '../../lambdas/emails/supplier-batch';
import { buildMime } from '../../lambdas/emails/mime';
import { queueKeyOf } from '../../lambdas/domain/backorder';
import { ValidationError } from '../../lambdas/runtime/errors';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('supplier schema', () => {
  const valid = { name: 'Acme Textiles', email: 'orders@acme.example', batch: { every: 'week', day: 'MON' } };

  test('a weekly batch defaults to 06:00 UTC and at least one unit', () => {
    expect(parseOrThrow(supplierSchema, valid)).toEqual({
      name: 'Acme Textiles',
      email: 'orders@acme.example',
      batch: { every: 'week', day: 'MON', hour: 6, minUnits: 1 },
    });
  });

  test('a daily batch takes an hour and no day', () => {
    expect(
      parseOrThrow(supplierSchema, { ...valid, batch: { every: 'day', hour: 17, minUnits: 12 } }).batch,
    ).toEqual({ every: 'day', hour: 17, minUnits: 12 });
  });

  const problems = (body: unknown) => {
    try {
      parseOrThrow(supplierSchema, body, 'supplier');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).details.map((d) => d.path).sort();
    }
    throw new Error('accepted');
  };

  test.each([
    ['a weekly batch without a day', { ...valid, batch: { every: 'week' } }, ['batch.day']],
    ['a daily batch with a day', { ...valid, batch: { every: 'day', day: 'MON' } }, ['batch.day']],
    ['an unknown period', { ...valid, batch: { every: 'month' } }, ['batch.every']],
    ['a lower-case day', { ...valid, batch: { every: 'week', day: 'mon' } }, ['batch.day']],
    ['hour 24', { ...valid, batch: { every: 'week', day: 'MON', hour: 24 } }, ['batch.hour']],
    ['minUnits 0', { ...valid, batch: { every: 'week', day: 'MON', minUnits: 0 } }, ['batch.minUnits']],
    ['minUnits 1.5', { ...valid, batch: { every: 'week', day: 'MON', minUnits: 1.5 } }, ['batch.minUnits']],
    ['no batch', { name: 'A', email: 'a@example.com' }, ['batch']],
    ['a bad email', { ...valid, email: 'orders at acme' }, ['email']],
    ['an empty name', { ...valid, name: '  ' }, ['name']],
    ['a name with a line break', { ...valid, name: 'Acme\r\nBcc: x@y.z' }, ['name']],
    ['an unknown field', { ...valid, phone: '123' }, ['phone']],
    ['an unknown batch field', { ...valid, batch: { ...valid.batch, at: '06:00' } }, ['batch.at']],
  ])('refuses %s, naming the field', (_what, body, paths) => {
    expect(problems(body)).toEqual(paths);
  });
});

describe('when a batch is due', () => {
  const weeklyMonday: BatchSchedule = { every: 'week', day: 'MON', hour: 6, minUnits: 1 };
  const daily: BatchSchedule = { every: 'day', hour: 6, minUnits: 1 };
  // 2026-05-04 is a Monday.

  test('the latest scheduled moment of a weekly schedule is the last Monday 06:00 UTC', () => {
    expect(iso(latestSlot(weeklyMonday, at('2026-05-04T06:00:00.000Z')))).toBe('2026-05-04T06:00:00.000Z');
    expect(iso(latestSlot(weeklyMonday, at('2026-05-04T05:59:59.999Z')))).toBe('2026-04-27T06:00:00.000Z');
    expect(iso(latestSlot(weeklyMonday, at('2026-05-07T12:00:00.000Z')))).toBe('2026-05-04T06:00:00.000Z');
    expect(iso(latestSlot(weeklyMonday, at('2026-05-10T23:59:00.000Z')))).toBe('2026-05-04T06:00:00.000Z');
    expect(iso(nextSlot(weeklyMonday, at('2026-05-07T12:00:00.000Z')))).toBe('2026-05-11T06:00:00.000Z');
    const sunday: BatchSchedule = { every: 'week', day: 'SUN', hour: 0, minUnits: 1 };
    expect(iso(latestSlot(sunday, at('2026-05-04T06:00:00.000Z')))).toBe('2026-05-03T00:00:00.000Z');
  });

  test('a daily schedule falls due every day at its hour, across month and year ends', () => {
    expect(iso(latestSlot(daily, at('2026-05-04T05:00:00.000Z')))).toBe('2026-05-03T06:00:00.000Z');
    expect(iso(latestSlot(daily, at('2026-05-04T06:30:00.000Z')))).toBe('2026-05-04T06:00:00.000Z');
    expect(iso(latestSlot(daily, at('2027-01-01T01:00:00.000Z')))).toBe('2026-12-31T06:00:00.000Z');
    expect(iso(nextSlot(daily, at('2026-02-28T07:00:00.000Z')))).toBe('2026-03-01T06:00:00.000Z');
  });

  test('due once the scheduled moment passes, not again until the next one', () => {
    const handled = '2026-04-27T06:00:00.000Z';
    expect(isDue(weeklyMonday, handled, at('2026-05-04T05:59:00.000Z'))).toBe(false);
    expect(isDue(weeklyMonday, handled, at('2026-05-04T06:00:00.000Z'))).toBe(true);
    // Once handled (latestSlot recorded), the rest of the week is quiet.
    const now = at('2026-05-04T06:01:00.000Z');
    expect(isDue(weeklyMonday, iso(latestSlot(weeklyMonday, now)), now)).toBe(false);
    expect(isDue(weeklyMonday, iso(latestSlot(weeklyMonday, now)), at('2026-05-10T23:00:00.000Z'))).toBe(
      false,
    );
  });

  test('after three weeks of downtime it is due once, and handling it catches up every missed moment', () => {
    const handled = '2026-04-13T06:00:00.000Z';
    const back = at('2026-05-06T10:00:00.000Z'); // three Mondays were missed
    expect(isDue(weeklyMonday, handled, back)).toBe(true);
    const caughtUp = iso(latestSlot(weeklyMonday, back));
    expect(caughtUp).toBe('2026-05-04T06:00:00.000Z');
    expect(isDue(weeklyMonday, caughtUp, back + 60_000)).toBe(false);
  });

  test('a supplier whose moment was never recorded is due', () => {
    expect(isDue(daily, undefined, at('2026-05-04T00:00:00.000Z'))).toBe(true);
  });
});

describe('a batch window', () => {
  test('ends two minutes before now, and never before the previous window', () => {
    const now = at('2026-05-04T06:00:30.000Z');
    expect(windowEnd(now)).toBe(iso(now - WINDOW_LAG_MS));
    expect(windowEnd(now, '2026-05-04T05:55:00.000Z')).toBe('2026-05-04T05:58:30.000Z');
    expect(windowEnd(now, '2026-05-04T06:00:00.000Z')).toBe('2026-05-04T06:00:00.000Z');
  });

  test('a bound sorts after every queue key created at or before its instant, before every later one', () => {
    const bound = windowBound('2026-05-04T06:00:00.000Z');
    expect(queueKeyOf('2026-05-04T06:00:00.000Z', '01JZZZZZZZZZZZZZZZZZZZZZZZ') < bound).toBe(true);
    expect(queueKeyOf('2026-05-04T05:59:59.999Z', '01JD8X4N5Q6R7S8T9V0W1X2Y3Z') < bound).toBe(true);
    expect(queueKeyOf('2026-05-04T06:00:00.001Z', '00000000000000000000000000') > bound).toBe(true);
  });
});

describe('the batch CSV', () => {
  const line = (sku: string, name: string, units = 3, backorders = 2) => ({
    sku,
    name,
    units,
    backorders,
    oldest: '2026-05-01T09:30:00.000Z',
  });

  test('a product name that a spreadsheet would run as a formula is made plain text', () => {
    const csv = supplierBatchCsv([
      line('A', '=HYPERLINK("http://evil.example")'),
      line('B', '-1+2'),
      line('C', 'Plain'),
    ]);
    const rows = csv.split('\r\n');
    expect(rows[1]).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(rows[2]).toContain("'-1+2");
    expect(rows[3]).toContain(',Plain,');
  });

  test('has the contract columns, CRLF records, and nothing quoted that needs no quotes', () => {
    expect(supplierBatchCsv([line('TEE-1', 'Organic tee')])).toBe(
      'sku,name,units,backorders,oldest\r\nTEE-1,Organic tee,3,2,2026-05-01T09:30:00.000Z\r\n',
    );
    expect(supplierBatchCsv([])).toBe('sku,name,units,backorders,oldest\r\n');
  });

  test('quotes commas, quotes and line breaks (RFC 4180), and keeps non-ASCII names as UTF-8', () => {
    const names = [
      'Tee, blue',
      'The "Classic" tee',
      'Two\nlines',
      'Carriage\rreturn',
      'Both\r\nbreaks',
      'Café crème — Größe M 👕',
      '日本語の名前',
      '  spaced  ',
      '=HYPERLINK("x")',
    ];
    const csv = supplierBatchCsv(names.map((name, i) => line(`SKU-${i}`, name)));
    expect(csv).toContain('"Tee, blue"');
    expect(csv).toContain('"The ""Classic"" tee"');
    expect(csv).toContain('"Two\nlines"');
    expect(csv).toContain('"Carriage\rreturn"');
    expect(csv).toContain('"Both\r\nbreaks"');
    expect(csv).toContain(',Café crème — Größe M 👕,');
    // A strict RFC 4180 reader gets every field back exactly.
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['sku', 'name', 'units', 'backorders', 'oldest']);
    expect(rows.slice(1).map((row) => row[1])).toEqual(names.map(spreadsheetSafe));
    expect(rows.slice(1).every((row) => row.length === 5)).toBe(true);
    expect(Buffer.from(csv, 'utf8').toString('utf8')).toBe(csv);
  });
});

describe('the batch email', () => {
  const batch = (lines: SupplierBatch['lines']): SupplierBatch => ({
    supplierId: 'acme',
    batchId: '01JD8X4N5Q6R7S8T9V0W1X2Y3Z',
    supplierName: 'Acme <Textiles>',
    sentTo: 'orders@acme.example',
    trigger: 'schedule',
    lines,
    units: lines.reduce((n, l) => n + l.units, 0),
    backorders: lines.reduce((n, l) => n + l.backorders, 0),
    windowFrom: '2026-04-27T05:58:00.000Z',
    windowTo: '2026-05-04T05:58:00.000Z',
    createdAt: '2026-05-04T06:00:00.000Z',
  });
  const lines = Array.from({ length: 23 }, (_, i) => ({
    sku: `SKU-${String(i).padStart(2, '0')}`,
    name: i === 22 ? 'Tee <b>bold</b>, "quoted"' : `Product ${i}`,
    units: i + 1,
    backorders: 1,
    oldest: '2026-04-28T10:00:00.000Z',
  }));

  test('summarises the demand, most units first, escaped, with the rest left to the CSV', async () => {
    const email = await renderSupplierBatch(
      supplierBatchEmailData(batch(lines), 'backorders-acme-2026-05-04.csv', '1 Harbour St'),
    );
    expect(email.subject).toBe('Backorders for Acme <Textiles>: 276 units of 23 products');
    expect(email.html).toContain('Acme &lt;Textiles&gt;');
    expect(email.html).toContain('Tee &lt;b&gt;bold&lt;/b&gt;');
    expect(email.html).not.toContain('<b>bold');
    expect(email.html).toContain('…and 3 more products in the attachment.');
    expect(email.html).toContain('between Apr 27, 2026, 5:58 AM UTC and May 4, 2026, 5:58 AM UTC');
    expect(email.text.indexOf('23 × SKU-22')).toBeLessThan(email.text.indexOf('22 × SKU-21'));
    expect(email.text).not.toContain('SKU-00'); // one unit: the smallest, beyond the first 20
    expect(email.text).toContain('backorders-acme-2026-05-04.csv');
    expect(email.text).toContain('1 Harbour St');
  });

  test("in the supplier's language: German words, German dates, the same figures", async () => {
    const email = await renderSupplierBatch(
      supplierBatchEmailData(
        { ...batch(lines), locale: 'de' },
        'backorders-acme-2026-05-04.csv',
        '1 Harbour St',
      ),
    );
    expect(email.subject).toBe('Vorbestellungen für Acme <Textiles>: 276 Stück von 23 Produkten');
    expect(email.html).toContain('<html lang="de">');
    expect(email.html).toContain('zwischen 27.04.2026, 05:58 UTC und 04.05.2026, 05:58 UTC');
    expect(email.html).toContain('Tee &lt;b&gt;bold&lt;/b&gt;');
    expect(email.text).toContain('…und 3 weitere Produkte im Anhang.');
  });

  test('an empty batch says there is no new demand', async () => {
    const email = await renderSupplierBatch(supplierBatchEmailData(batch([]), 'x.csv', '1 Harbour St'));
    expect(email.subject).toBe('No new backorders for Acme <Textiles>');
    expect(email.text).toContain('No new backorders for your products');
  });

  test('the MIME message carries the CSV as a UTF-8 text/csv attachment', async () => {
    const csv = supplierBatchCsv(lines.slice(0, 2));
    const raw = (
      await buildMime(
        {
          from: 'Shop <shop@example.com>',
          to: { name: 'Acme', address: 'orders@acme.example' },
          emailId: 'supplier-batch#acme#01JD8X4N5Q6R7S8T9V0W1X2Y3Z',
          attachments: [
            { filename: 'backorders-acme-2026-05-04.csv', content: csv, contentType: CSV_CONTENT_TYPE },
          ],
        },
        { subject: 'Backorders', html: '<p>Hi</p>', text: 'Hi' },
      )
    ).toString('utf8');
    expect(raw).toMatch(/Content-Type: multipart\/mixed/);
    expect(raw).toMatch(/Content-Type: text\/csv; charset=utf-8; name=backorders-acme-2026-05-04\.csv/);
    expect(raw).toMatch(/Content-Disposition: attachment;\s+filename=backorders-acme-2026-05-04\.csv/);
    expect(raw).toContain('X-Backorder-Email-ID: supplier-batch#acme#01JD8X4N5Q6R7S8T9V0W1X2Y3Z');
    const attachment = /filename=backorders-acme-2026-05-04\.csv\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/.exec(
      raw,
    );
    expect(Buffer.from(attachment?.[1] ?? '', 'base64').toString('utf8')).toBe(csv);
  });
});
