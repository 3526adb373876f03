/**
 * The CSV a supplier receives with each batch (docs/suppliers.md): columns `sku,name,units,backorders,oldest`, RFC 4180
 * (CRLF between records, a field quoted when it holds a comma, a quote or a line break, quotes doubled),
 * UTF-8. Written by csv-stringify, never by joining strings.
 */
import { stringify } from 'csv-stringify/sync';
import type { SupplierBatchLine } from './supplier';

export const CSV_COLUMNS = ['sku', 'name', 'units', 'backorders', 'oldest'] as const;

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/**
 * A product name starting with = + - @ (or a tab/CR) would run as a formula when the supplier opens the file
 * in a spreadsheet (CSV injection); a leading apostrophe makes it plain text, as OWASP recommends.
 */
export const spreadsheetSafe = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

export const supplierBatchCsv = (lines: readonly SupplierBatchLine[]): string =>
  stringify(
    lines.map((line) => [line.sku, spreadsheetSafe(line.name), line.units, line.backorders, line.oldest]),
    {
      header: true,
      columns: [...CSV_COLUMNS],
      record_delimiter: 'windows',
      // csv-stringify quotes a field holding the record delimiter (CRLF), but not a lone CR or LF: RFC 4180
      // wants every field with a line break quoted, or a reader splits the record there.
      quoted_match: /[\r\n]/,
    },
  );
