/**
 * The one way the platform writes CSV (a supplier's batch, the console's exports): RFC 4180 records, each
 * ending with CRLF, a field quoted when it holds a comma, a quote, a CR or an LF, quotes doubled; UTF-8.
 * Written by csv-stringify, never by joining strings.
 *
 * Every text cell is made spreadsheet-safe first: text starting with `=`, `+`, `-`, `@`, a tab or a CR would
 * run as a formula when someone opens the file in a spreadsheet (CSV injection), so it gets a leading
 * apostrophe, as OWASP recommends. Numbers and booleans are written as they are (none of ours is negative).
 */
import { stringify } from 'csv-stringify/sync';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** What a cell may hold; `null` and `undefined` are an empty cell. */
export type CsvCell = string | number | boolean | null | undefined;

export const spreadsheetSafe = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/**
 * A cell as it was before `spreadsheetSafe`: a file exported here and imported again (the catalogue's round
 * trip) keeps its values, instead of gaining an apostrophe each time. Only the apostrophe that guard adds
 * goes: one in front of `= + - @`, tab or CR.
 */
export const fromSpreadsheetSafe = (text: string): string =>
  /^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text;

const cellText = (cell: CsvCell): string =>
  cell === null || cell === undefined ? '' : typeof cell === 'string' ? spreadsheetSafe(cell) : String(cell);

/**
 * Records as CSV text, each ending with CRLF: a whole small file (`[columns, ...rows]`), or one page of a
 * large one, written out as it is read.
 */
export const csvRecords = (records: readonly (readonly CsvCell[])[]): string =>
  records.length === 0
    ? ''
    : stringify(
        records.map((record) => record.map(cellText)),
        {
          record_delimiter: 'windows',
          // csv-stringify quotes a field holding the record delimiter (CRLF), but not a lone CR or LF: RFC
          // 4180 wants every field with a line break quoted, or a reader splits the record there.
          quoted_match: /[\r\n]/,
        },
      );
