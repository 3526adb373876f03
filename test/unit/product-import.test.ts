/**
 * What an imported row does to its product (lambdas/domain/product-import.ts): upsert by SKU, a left-out
 * field kept, created / updated / unchanged exactly, the PUT's schema over the result, a chunk's own writes
 * recognised on redelivery, a newer import never overwritten. Also how rows are cut into chunks, and that
 * the chunk messages the outbox publishes are what the importer reads.
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { queueEnv } from '../../lib/platform';
import type { ImportRow } from '../../lambdas/domain/product-csv';
import { importMark, planRow, type ImportedProductState } from '../../lambdas/domain/product-import';
import { importChunkMessage } from '../../lambdas/messages/import';
import { enqueueImportChunks } from '../../lambdas/store/import-queue';
import { chunksOf, IMPORT_CHUNK_ROWS } from '../../lambdas/use-cases/product-import';

const ref = { importId: '01JIMPORT00000000000000002', chunk: 3 };
const row = (fields: Partial<ImportRow> = {}): ImportRow => ({
  line: 2,
  sku: 'TEE-M',
  name: 'Tee M',
  ...fields,
});
const stored = (fields: Partial<ImportedProductState> = {}): ImportedProductState => ({
  sku: 'TEE-M',
  name: 'Tee M',
  stock: 0,
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...fields,
});

describe('a new product', () => {
  test('gets the row and the defaults a PUT gives: no stock, the site policy', () => {
    expect(planRow(row(), undefined, ref)).toEqual({
      outcome: 'created',
      set: { name: 'Tee M', stock: 0 },
      written: false,
      stockRaised: false,
    });
  });

  test('with stock and a policy of its own; no allocation, as nobody can be waiting for it', () => {
    const plan = planRow(row({ stock: 4, backordersEnabled: false, maxPerCustomer: 2 }), undefined, ref);
    expect(plan).toMatchObject({
      outcome: 'created',
      set: { stock: 4, backorders: { enabled: false, maxPerCustomer: 2 } },
      stockRaised: false,
    });
  });

  test('a maxPerCustomer without backordersEnabled has no policy to go in', () => {
    expect(planRow(row({ maxPerCustomer: 2 }), undefined, ref)).toEqual({
      outcome: 'failed',
      message: expect.stringMatching(/^maxPerCustomer: needs backordersEnabled too/),
    });
  });
});

describe('a stored product', () => {
  test('the same values: unchanged, nothing to write', () => {
    const product = stored({
      stock: 5,
      options: { Size: 'M', Colour: 'Blue' },
      backorders: { enabled: true },
    });
    expect(
      planRow(row({ stock: 5, options: { Colour: 'Blue' }, backordersEnabled: true }), product, ref),
    ).toEqual({
      outcome: 'unchanged',
    });
  });

  test('fields the row leaves out keep their stored values; only the changed ones are written', () => {
    const product = stored({
      stock: 7,
      supplierId: 'acme',
      expectedRestockDate: '2027-01-01',
      productId: 'TEE',
      options: { Size: 'M' },
      backorders: { enabled: true, segments: ['b2b'], maxPerCustomer: 3 },
    });
    expect(
      planRow(row({ name: 'Tee, medium', maxPerCustomer: 5, options: { Colour: 'Red' } }), product, ref),
    ).toEqual({
      outcome: 'updated',
      set: {
        name: 'Tee, medium',
        options: { Size: 'M', Colour: 'Red' },
        backorders: { enabled: true, segments: ['b2b'], maxPerCustomer: 5 },
      },
      written: false,
      stockRaised: false,
    });
  });

  test('stock raised asks for an allocation; lowered does not', () => {
    expect(planRow(row({ stock: 3 }), stored({ stock: 1 }), ref)).toMatchObject({
      set: { stock: 3 },
      stockRaised: true,
    });
    expect(planRow(row({ stock: 0 }), stored({ stock: 1 }), ref)).toMatchObject({
      set: { stock: 0 },
      stockRaised: false,
    });
  });

  test('a null restock date stays null when the row says nothing', () => {
    expect(planRow(row(), stored({ expectedRestockDate: null }), ref)).toEqual({ outcome: 'unchanged' });
  });

  test('the merged product must pass the PUT schema: a sixth option fails the row', () => {
    const five = { a: '1', b: '2', c: '3', d: '4', e: '5' };
    expect(planRow(row({ options: { f: '6' } }), stored({ options: five }), ref)).toEqual({
      outcome: 'failed',
      message: 'options: at most 5 options',
    });
  });
});

describe('marks', () => {
  test('a product this chunk wrote is counted as the mark says, not written again', () => {
    const product = stored({ stock: 2, importMark: importMark(ref, 'created') });
    expect(planRow(row({ stock: 2 }), product, ref)).toEqual({
      outcome: 'created',
      set: {},
      written: true,
      stockRaised: false,
    });
    // An update with free units asks for an allocation again: harmless if the first delivery did.
    const updated = stored({ stock: 2, importMark: importMark(ref, 'updated') });
    expect(planRow(row({ stock: 2 }), updated, ref)).toEqual({
      outcome: 'updated',
      set: {},
      written: true,
      stockRaised: true,
    });
  });

  test("another chunk's or an older import's mark changes nothing", () => {
    for (const mark of [
      importMark({ ...ref, chunk: 4 }, 'created'),
      importMark({ ...ref, importId: '01JIMPORT00000000000000001' }, 'created'),
    ])
      expect(planRow(row({ stock: 1 }), stored({ importMark: mark }), ref)).toMatchObject({
        outcome: 'updated',
      });
  });

  test('a newer import has set the product: the older one does not overwrite it', () => {
    const newer = importMark({ importId: '01JIMPORT00000000000000009', chunk: 0 }, 'updated');
    expect(planRow(row({ stock: 1 }), stored({ importMark: newer }), ref)).toEqual({
      outcome: 'failed',
      message: 'not imported: import 01JIMPORT00000000000000009, started after this one, has set TEE-M since',
    });
    // The same values it would write are simply unchanged.
    expect(planRow(row(), stored({ importMark: newer }), ref)).toEqual({ outcome: 'unchanged' });
  });
});

describe('chunks', () => {
  test(`${IMPORT_CHUNK_ROWS} rows a chunk, in file order`, () => {
    const rows = Array.from({ length: 250 }, (_, i) => row({ line: i + 2, sku: `S${i}` }));
    const chunks = chunksOf(rows);
    expect(chunks.map((chunk) => chunk.length)).toEqual([100, 100, 50]);
    expect(chunks.flat()).toEqual(rows);
  });

  test('fewer rows where they are long, so a chunk stays a small item', () => {
    // The longest a row can be: a 200-character name and five options of the longest names and values, in
    // characters of three UTF-8 bytes (about 2 KB of JSON).
    const text = (length: number, from: number) =>
      Array.from({ length }, (_, i) => String.fromCodePoint(0x6f22 + from + i)).join('');
    const options = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [text(30, i * 30), text(60, 0)]));
    const rows = Array.from({ length: 100 }, (_, i) => row({ sku: `S${i}`, name: text(200, 0), options }));
    const chunks = chunksOf(rows);
    expect(chunks.map((chunk) => chunk.length)).toEqual([64, 36]);
    for (const chunk of chunks)
      expect(Buffer.byteLength(JSON.stringify(chunk))).toBeLessThanOrEqual(128 * 1024);
  });

  test('the chunk messages an import owes are what the importer reads', async () => {
    process.env[queueEnv('import')] = 'http://sqs.local/000000000000/import';
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });
    try {
      await enqueueImportChunks(ref.importId, 12);
      const bodies = sqs
        .commandCalls(SendMessageBatchCommand)
        .flatMap((call) => call.args[0].input.Entries!.map((entry) => JSON.parse(entry.MessageBody!)));
      expect(bodies.map((body) => importChunkMessage.parse(body))).toEqual(
        Array.from({ length: 12 }, (_, chunk) => ({ importId: ref.importId, chunk })),
      );
    } finally {
      sqs.restore();
    }
  });
});
