/**
 * Reading a product CSV file (POST /api/admin/products/import, docs/catalogue.md): the bytes as UTF-8, the
 * separator from the header line, the header's columns, then each record as what its line asks for, or why
 * it cannot be imported. Whole-file problems (not UTF-8, not CSV, a column missing or unknown, too many rows)
 * throw a ValidationError, so nothing of such a file is imported; a bad value fails its line alone.
 *
 * Each cell is checked by the very schema the console's PUT /api/admin/products/{sku} uses for that field
 * (lambdas/domain/catalog.ts), so a row means what the same PUT would mean. What depends on the stored
 * product (merging a policy or options into it) is decided when the row is written (product-import.ts).
 */
import { CsvError, parse } from 'csv-parse/sync';
import type * as z from 'zod';
import { ValidationError, type ErrorDetail } from '../runtime/errors';
import { skuSchema } from './backorder-schema';
import { productSchema } from './catalog';
import { fromSpreadsheetSafe } from './csv';

/** Largest file accepted (the route's body limit): about 10 000 rows of a dozen columns. */
export { IMPORT_MAX_BYTES } from './body-limits';
/** Most data rows in one file: more is a 400 for the whole file. */
export const IMPORT_MAX_ROWS = 10_000;

/** The columns a file may have besides `option.<name>`; `sku` and `name` are required. */
export const IMPORT_COLUMNS = [
  'sku',
  'name',
  'stock',
  'expectedRestockDate',
  'backordersEnabled',
  'maxPerCustomer',
  'supplierId',
  'productId',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
const REQUIRED: readonly ImportColumn[] = ['sku', 'name'];
/**
 * Columns of the products export (GET /api/admin/products.csv) that are figures the platform keeps, not
 * fields a file sets: read past, so an exported file, edited in a spreadsheet, imports back as it is.
 */
export const EXPORT_FIGURE_COLUMNS = ['waiting', 'unitsWaiting'] as const;
const OPTION_PREFIX = 'option.';

/** What one line asks for. A field left out (empty cell, or no such column) leaves the stored one as it is. */
export interface ImportRow {
  /** The file's line where the record starts (the header is line 1). */
  line: number;
  sku: string;
  name: string;
  stock?: number;
  expectedRestockDate?: string;
  backordersEnabled?: boolean;
  maxPerCustomer?: number;
  supplierId?: string;
  productId?: string;
  options?: Record<string, string>;
}

export interface LineError {
  line: number;
  message: string;
}

export interface ProductCsv {
  /** Data rows in the file (lines with no value at all are not rows). */
  rows: number;
  /** The rows to import, in file order, each SKU once. */
  accepted: ImportRow[];
  /** Rows that cannot be imported, by line. */
  errors: LineError[];
}

type Column = { field: ImportColumn } | { option: string } | { figure: string };

const backorderRules = productSchema.shape.backorders.unwrap().shape;
const WHOLE_NUMBER = /^\d{1,10}$/;
const BOOLEANS: Record<string, boolean> = {
  true: true,
  false: false,
  1: true,
  0: false,
  yes: true,
  no: false,
};

const decode = (bytes: Uint8Array): string => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ValidationError('The file is not UTF-8 text: save it as "CSV UTF-8" and upload it again', [
      { path: 'body', message: 'holds bytes that are not UTF-8' },
    ]);
  }
};

/** `;` when the header line has more of them than commas, outside quotes (a spreadsheet in a comma-decimal locale). */
export const separatorOf = (headerLine: string): ',' | ';' => {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === ',') commas++;
    else if (!quoted && char === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
};

const syntaxError = (error: CsvError): ValidationError => {
  const line = typeof error.lines === 'number' ? error.lines : undefined;
  const where = line ? ` (line ${line})` : '';
  const message =
    error.code === 'CSV_QUOTE_NOT_CLOSED'
      ? `a quoted value is still open at the end of the file${where}`
      : error.code === 'CSV_INVALID_CLOSING_QUOTE'
        ? `a closing quote is followed by more text${where}: write a quote inside a quoted value as ""`
        : `${error.message.split(':')[0]}${where}`;
  return new ValidationError(`The file is not valid CSV: ${message}`, [{ path: 'body', message }]);
};

/** The records with the line each starts on; CRLF, CR and LF all end a line, blank lines are skipped. */
const readRecords = (text: string, separator: string): { cells: string[]; line: number }[] => {
  // One line ending, so a line is a line whichever the file used (a quoted value's line breaks too).
  const normalised = text.replace(/\r\n?/g, '\n');
  let records: { record: string[]; raw: string; info: { lines: number } }[];
  try {
    // With `info` and `raw`, each record comes with its text and where it ends.
    records = parse(normalised, {
      bom: true,
      delimiter: separator,
      record_delimiter: '\n',
      relax_column_count: true,
      // A quote inside an unquoted value (12" pizza) is a character, as spreadsheets read it.
      relax_quotes: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
    }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) throw syntaxError(error);
    throw error;
  }
  return records.map(({ record, raw, info }) => {
    // `lines` is where the record ends; the raw text (after the blank lines skipped before it) says how many
    // line breaks it spans.
    const breaks = raw.replace(/^\n+/, '').replace(/\n$/, '').split('\n').length - 1;
    return { cells: record, line: info.lines - breaks };
  });
};

const optionNameProblem = (name: string): string | undefined => {
  if (!name) return 'needs an option name after "option."';
  const result = productSchema.shape.options.safeParse({ [name]: 'x' });
  if (result.success) return undefined;
  // A record's key problem sits inside its issue.
  const issue = result.error.issues[0] as { message: string; issues?: { message: string }[] };
  return issue.issues?.[0]?.message ?? issue.message;
};

const readHeader = (cells: readonly string[]): Column[] => {
  const byLowerCase = new Map(IMPORT_COLUMNS.map((column) => [column.toLowerCase(), column]));
  const problems: ErrorDetail[] = [];
  const seen = new Set<string>();
  const columns = cells.map((raw, index): Column => {
    const title = raw.trim();
    const field = byLowerCase.get(title.toLowerCase());
    const key = field ?? title;
    if (seen.has(key)) problems.push({ path: 'columns', message: `column ${title} appears twice` });
    seen.add(key);
    if (field) return { field };
    const figure = EXPORT_FIGURE_COLUMNS.find((name) => name.toLowerCase() === title.toLowerCase());
    if (figure) return { figure };
    if (title.toLowerCase().startsWith(OPTION_PREFIX)) {
      const option = title.slice(OPTION_PREFIX.length).trim();
      const problem = optionNameProblem(option);
      if (problem) problems.push({ path: 'columns', message: `column ${title}: ${problem}` });
      return { option };
    }
    problems.push({
      path: 'columns',
      message: title ? `unknown column: ${title}` : `column ${index + 1} has no name`,
    });
    return { option: '' };
  });
  for (const required of REQUIRED)
    if (!seen.has(required))
      problems.unshift({ path: 'columns', message: `required column missing: ${required}` });
  if (problems.length > 0) {
    const unknown = problems.filter((p) => p.message.startsWith('unknown column: '));
    const missing = problems.filter((p) => p.message.startsWith('required column missing: '));
    const summary = missing.length
      ? `The file has no ${missing.map((p) => p.message.slice(25)).join(' or ')} column`
      : unknown.length
        ? `Unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.map((p) => p.message.slice(16)).join(', ')}`
        : 'The header line is not valid';
    throw new ValidationError(
      `${summary}. The first line names the columns: sku and name, then any of ${IMPORT_COLUMNS.slice(2).join(', ')} and option.<name>`,
      problems,
    );
  }
  return columns;
};

/** The value the schema makes of a cell, or the first problem it finds, as a row's error says it. */
const check = <S extends z.ZodType>(
  schema: S,
  value: unknown,
): { value: z.output<S> } | { problem: string } => {
  const result = schema.safeParse(value);
  return result.success
    ? { value: result.data }
    : { problem: result.error.issues[0]?.message ?? 'is not valid' };
};

/** Digits only (no sign, point or exponent), at least `least`, then the field's own range. */
const wholeNumber = (cell: string, schema: z.ZodType, least: number) =>
  WHOLE_NUMBER.test(cell) && Number(cell) >= least
    ? check(schema, Number(cell))
    : { problem: `must be a whole number of ${least} or more` };

/** A row's values, or what is wrong with them (every problem, each with its column). */
const readRow = (
  columns: readonly Column[],
  cells: readonly string[],
  line: number,
): ImportRow | LineError => {
  if (cells.length > columns.length)
    return { line, message: `has ${cells.length} values, but the header names ${columns.length} columns` };
  const problems: string[] = [];
  const row: Partial<ImportRow> & { line: number } = { line };
  const options: Record<string, string> = {};
  columns.forEach((column, index) => {
    // A short row (trailing empty cells left out) leaves the rest empty; an export's formula guard goes.
    const cell = fromSpreadsheetSafe(cells[index] ?? '').trim();
    if ('figure' in column) return;
    if ('option' in column) {
      if (cell) options[column.option] = cell;
      return;
    }
    const { field } = column;
    if (!cell) {
      if (REQUIRED.includes(field)) problems.push(`${field}: is required`);
      return;
    }
    const read = readCell(field, cell);
    if ('problem' in read) problems.push(`${field}: ${read.problem}`);
    else (row as Record<string, unknown>)[field] = read.value;
  });
  if (Object.keys(options).length > 0) {
    const read = check(productSchema.shape.options, options);
    if ('problem' in read) problems.push(`options: ${read.problem}`);
    else row.options = options;
  }
  return problems.length > 0 ? { line, message: problems.join('; ') } : (row as ImportRow);
};

const readCell = (field: ImportColumn, cell: string): { value: unknown } | { problem: string } => {
  switch (field) {
    case 'sku':
      return check(skuSchema, cell);
    case 'name':
      return check(productSchema.shape.name, cell);
    case 'stock':
      return wholeNumber(cell, productSchema.shape.stock, 0);
    case 'maxPerCustomer':
      return wholeNumber(cell, backorderRules.maxPerCustomer, 1);
    case 'expectedRestockDate':
      return check(productSchema.shape.expectedRestockDate, cell);
    case 'backordersEnabled': {
      const value = BOOLEANS[cell.toLowerCase()];
      return value === undefined ? { problem: 'must be true, false, yes, no, 1 or 0' } : { value };
    }
    case 'supplierId':
      return check(productSchema.shape.supplierId, cell);
    case 'productId':
      return check(productSchema.shape.productId, cell);
  }
};

/**
 * Reads a whole file. Throws ValidationError for a file that cannot be imported at all; otherwise every data
 * row is either accepted or reported. Of lines with the same SKU, the first is the one imported (or reported,
 * if its values are bad); every later one is reported as a repeat.
 */
export const parseProductCsv = (bytes: Uint8Array): ProductCsv => {
  const text = decode(bytes);
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r\n?|\n/, 1)[0] ?? '';
  const records = readRecords(text, separatorOf(firstLine));
  const [header, ...data] = records;
  if (!header)
    throw new ValidationError(
      'The file is empty: its first line must name the columns, sku and name at least',
      [{ path: 'body', message: 'is empty' }],
    );
  const columns = readHeader(header.cells);
  // A line of separators only (a spreadsheet's trailing empty rows) is no row.
  const rows = data.filter((record) => record.cells.some((cell) => cell.trim() !== ''));
  if (rows.length > IMPORT_MAX_ROWS)
    throw new ValidationError(
      `The file has ${rows.length} rows; at most ${IMPORT_MAX_ROWS} can be imported at once: split it`,
      [{ path: 'body', message: `has more than ${IMPORT_MAX_ROWS} rows` }],
    );
  const accepted: ImportRow[] = [];
  const errors: LineError[] = [];
  const firstLineOf = new Map<string, number>();
  const skuColumn = columns.findIndex((column) => 'field' in column && column.field === 'sku');
  for (const { cells, line } of rows) {
    const sku = (cells[skuColumn] ?? '').trim();
    const first = sku ? firstLineOf.get(sku) : undefined;
    if (first !== undefined) {
      errors.push({ line, message: `SKU ${sku} is already on line ${first}: only that line is imported` });
      continue;
    }
    if (sku) firstLineOf.set(sku, line);
    const read = readRow(columns, cells, line);
    if ('message' in read) errors.push(read);
    else accepted.push(read);
  }
  return { rows: rows.length, accepted, errors };
};
