/**
 * What the OpenAPI document says about the product import's routes (docs/catalogue.md): their entries, in the
 * form of lib/openapi-console-routes.ts, and what they take and answer, each answer checked at compile time
 * against what its use-case returns, as in lib/openapi-responses.ts.
 */
import * as z from 'zod';
import { IMPORT_COLUMNS, IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from '../lambdas/domain/product-csv';
import { IMPORT_MAX_STORED_ERRORS } from '../lambdas/store/import-store';
import type { ImportReport, startProductImport } from '../lambdas/use-cases/product-import';
import { instant, type Answer, type Describes, type Proof } from './openapi-responses';
import { named, type RouteDoc } from './openapi-routes';

const count = z.number().int();

/** The file: a string of CSV, as `text/csv`. */
export const productCsv = z
  .string()
  .describe(
    `UTF-8 CSV (a byte order mark is fine), separated by "," or ";" (the header line decides), lines ended by ` +
      `CRLF, LF or CR, values quoted as RFC 4180 says. The header names the columns: ${IMPORT_COLUMNS.slice(0, 2).join(', ')} ` +
      `(required), then any of ${IMPORT_COLUMNS.slice(2).join(', ')} and option.<name>. At most ` +
      `${IMPORT_MAX_ROWS} rows and ${IMPORT_MAX_BYTES / 1024 / 1024} MiB.`,
  );

export const importStarted = z.object({ id: z.string().describe('The import: read its report with it') });
type _ImportStarted = Proof<Describes<typeof importStarted, Answer<typeof startProductImport>>>;

export const importReport = z.object({
  id: z.string(),
  status: z.enum(['running', 'done']).describe('done: every row counted'),
  rows: count.describe('Data rows in the file'),
  created: count.describe('New products'),
  updated: count.describe('Products with at least one value changed'),
  unchanged: count.describe('Products that already had every value the row gives'),
  failed: count.describe('Rows not imported: see errors'),
  errors: z
    .array(
      z.object({
        line: count.describe("The file's line the row starts on (the header is 1)"),
        message: z.string(),
      }),
    )
    .describe(`By line; the first ${IMPORT_MAX_STORED_ERRORS}`),
  errorsOmitted: count.describe(`Errors beyond the ${IMPORT_MAX_STORED_ERRORS} listed`),
  createdAt: instant,
});
type _ImportReport = Proof<Describes<typeof importReport, ImportReport>>;

export const importRouteDocs: Record<string, RouteDoc> = {
  'POST /api/admin/products/import': {
    tag: 'Products',
    summary: 'Import products from a CSV file',
    description:
      'Upserts by SKU: an empty cell or an absent column keeps the stored value (a new product gets the ' +
      'defaults a PUT gives it), so the same file twice changes nothing the second time; each row means what ' +
      'the same PUT /api/admin/products/{sku} would. The whole file is checked first: not UTF-8, not CSV, a ' +
      `required column missing, an unknown column or more than ${IMPORT_MAX_ROWS} rows is a 400 and nothing ` +
      'is imported. Bad values fail their own row, reported by line, and the rest is imported by the import ' +
      `queue: read the report. Up to ${IMPORT_MAX_BYTES / 1024 / 1024} MiB (413 above); a body that is not ` +
      'text/csv (UTF-8) is a 415. Raised stock starts an allocation. See docs/catalogue.md.',
    guard: 'admin',
    body: named('ProductCsv', productCsv),
    bodyContentType: 'text/csv',
    answers: [
      { status: 202, description: 'Accepted: importing', body: named('ImportStarted', importStarted) },
    ],
    errors: [],
  },
  'GET /api/admin/imports/{id}': {
    tag: 'Products',
    summary: "An import's report",
    description: 'Counts so far and the errors by line; `done` once every row is counted. Kept 30 days.',
    guard: 'admin',
    path: { id: z.string().describe('The id the import answered') },
    answers: [{ status: 200, description: 'The report', body: named('ImportReport', importReport) }],
    errors: [404],
  },
};
