/**
 * The CSV a supplier receives with each batch (docs/suppliers.md): columns `sku,name,units,backorders,oldest`,
 * written by the platform's one CSV writer (lambdas/domain/csv.ts: RFC 4180, UTF-8, spreadsheet-safe text).
 */
import { csvRecords } from './csv';
import type { SupplierBatchLine } from './supplier';

export { CSV_CONTENT_TYPE, spreadsheetSafe } from './csv';

export const CSV_COLUMNS = ['sku', 'name', 'units', 'backorders', 'oldest'] as const;

export const supplierBatchCsv = (lines: readonly SupplierBatchLine[]): string =>
  csvRecords([
    CSV_COLUMNS,
    ...lines.map((line) => [line.sku, line.name, line.units, line.backorders, line.oldest]),
  ]);
