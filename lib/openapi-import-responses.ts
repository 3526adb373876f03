/**
 * What the product import's routes take and answer (docs/catalogue.md), for the OpenAPI document, each answer
 * checked at compile time against what its use-case returns, as in lib/openapi-responses.ts.
 */
import * as z from 'zod';
import { IMPORT_COLUMNS, IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from '../lambdas/domain/product-csv';
import { IMPORT_MAX_STORED_ERRORS } from '../lambdas/store/import-store';
import type { ImportReport, startProductImport } from '../lambdas/use-cases/product-import';
import { instant, type Answer, type Describes, type Proof } from './openapi-responses';

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
