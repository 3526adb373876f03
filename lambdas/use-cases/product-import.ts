/**
 * A product CSV import, the request's part (docs/catalogue.md): the whole file is read and checked first, so
 * a file that cannot be imported changes nothing (400); then its accepted rows are stored in chunks, and the
 * report and the outbox row owing the chunks' messages are written in one transaction. The 202 names the
 * report; the import queue's worker (lambdas/use-cases/import-chunk.ts) writes the products.
 *
 * Why the outbox: the report says "running" until every chunk is counted, so a chunk never queued would leave
 * it running for ever. Written with the report, the messages are owed exactly when the report exists; the
 * request publishes them at once, and if it dies first, the scheduler does a minute later.
 */
import { NotFoundError, UnsupportedMediaTypeError } from '../runtime/errors';
import { newBackorderId } from '../runtime/tokens';
import { transactWrite } from '../runtime/transact';
import { parseProductCsv, type ImportRow, type LineError } from '../domain/product-csv';
import {
  IMPORT_MAX_STORED_ERRORS,
  readReport,
  reportPut,
  saveChunks,
  type ImportReportRow,
} from '../store/import-store';
import type { OutboxEntry } from '../store/outbox-store';
import { owe, publishOwedOrLeave } from './outbox';

/** Rows per chunk: one queue message, one batch read, a hundred conditional writes. */
export const IMPORT_CHUNK_ROWS = 100;
/** And at most this much JSON, so a chunk of long names and options stays a small item. */
const CHUNK_MAX_JSON_BYTES = 128 * 1024;

const IMPORT_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** `text/csv`, in UTF-8 if a charset is named at all. */
const assertCsv = (contentType: string | undefined): void => {
  const [mediaType, ...parameters] = (contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = parameters
    .find((p) => p.startsWith('charset='))
    ?.slice(8)
    .replace(/"/g, '');
  if (mediaType !== 'text/csv' || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8'))
    throw new UnsupportedMediaTypeError('Send the file as text/csv, in UTF-8');
};

/** The accepted rows in chunks of IMPORT_CHUNK_ROWS, fewer where the rows are long. */
export const chunksOf = (rows: readonly ImportRow[]): ImportRow[][] => {
  const chunks: ImportRow[][] = [];
  let current: ImportRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = Buffer.byteLength(JSON.stringify(row));
    if (current.length >= IMPORT_CHUNK_ROWS || (current.length > 0 && bytes + size > CHUNK_MAX_JSON_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};

/** Reads the file and starts its import; throws the contract's 4xx when the file cannot be imported at all. */
export const startProductImport = async (
  contentType: string | undefined,
  bytes: Uint8Array,
  principal: string,
  nowMs = Date.now(),
): Promise<{ id: string }> => {
  assertCsv(contentType);
  const csv = parseProductCsv(bytes);
  // A ULID, as a backorder's id: reports sort by time, and a newer import's writes are recognised as such.
  const id = newBackorderId(nowMs);
  const createdAt = new Date(nowMs).toISOString();
  const chunks = chunksOf(csv.accepted);
  if (chunks.length > 0) await saveChunks(id, chunks, createdAt);
  const owed: OutboxEntry[] =
    chunks.length > 0 ? [{ kind: 'importChunks', importId: id, chunks: chunks.length }] : [];
  const outboxId = `import#${id}`;
  await transactWrite(() => [
    reportPut({
      id,
      createdAt,
      createdBy: principal,
      rows: csv.rows,
      chunks: chunks.length,
      created: 0,
      updated: 0,
      unchanged: 0,
      failed: csv.errors.length,
      errors: csv.errors.slice(0, IMPORT_MAX_STORED_ERRORS),
      errorsOmitted: Math.max(0, csv.errors.length - IMPORT_MAX_STORED_ERRORS),
    }),
    ...(owed.length > 0 ? [owe(outboxId, owed, nowMs)] : []),
  ]);
  if (owed.length > 0) await publishOwedOrLeave(outboxId, owed);
  return { id };
};

export interface ImportReport {
  id: string;
  status: 'running' | 'done';
  /** Data rows in the file. */
  rows: number;
  created: number;
  updated: number;
  /** Rows whose product already had every value they give. */
  unchanged: number;
  failed: number;
  /** By line; at most IMPORT_MAX_STORED_ERRORS. */
  errors: LineError[];
  /** Errors beyond those listed. */
  errorsOmitted: number;
  createdAt: string;
}

export const reportAnswer = (report: ImportReportRow): ImportReport => ({
  id: report.id,
  status: (report.doneChunks?.size ?? 0) >= report.chunks ? 'done' : 'running',
  rows: report.rows,
  created: report.created,
  updated: report.updated,
  unchanged: report.unchanged,
  failed: report.failed,
  errors: [...report.errors].sort((a, b) => a.line - b.line),
  errorsOmitted: report.errorsOmitted,
  createdAt: report.createdAt,
});

/** The report of an import; an id that could never be one is simply not found. */
export const importReport = async (rawId: string): Promise<ImportReport> => {
  const report = IMPORT_ID.test(rawId) ? await readReport(rawId) : undefined;
  if (!report) throw new NotFoundError(`Import ${rawId} not found`);
  return reportAnswer(report);
};
