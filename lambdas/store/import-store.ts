/**
 * Product imports (docs/catalogue.md). Owns the `imports` table, key `key`, TTL `expiresAt` (30 days):
 *
 * - `import#<id>`: the report. `rows`, `chunks`, the counters `created`, `updated`, `unchanged`, `failed`,
 *   `errors` (the first IMPORT_MAX_STORED_ERRORS `{line, message}`) and `errorsOmitted`, and `doneChunks`, the
 *   number set of chunks counted. The import is done when every chunk is in it.
 * - `chunk#<id>#<n>`: the rows of chunk n, as the request read them: what the worker imports. Kept as one
 *   JSON string, not a list of maps: a hundred rows of ten fields are one attribute to store and read
 *   instead of a thousand (the upload's writes took seconds locally the other way).
 *
 * A chunk is counted once: its counters, errors and number go in one `UpdateItem` conditioned on the number
 * not being in `doneChunks` yet, so a redelivered chunk (or two workers on one) adds nothing the second time.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll } from './batch-write';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { isConditionFailure, type TransactItem } from '../runtime/transact';
import type { ImportRow, LineError } from '../domain/product-csv';

/** How long a report (and its chunks) can be read after the import. */
export const IMPORT_KEEP_DAYS = 30;
/** Errors kept on a report: past these, only how many more there were (the report stays far below 400 KB). */
export const IMPORT_MAX_STORED_ERRORS = 1_000;

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

export interface ImportReportRow extends ImportCounts {
  id: string;
  createdAt: string;
  createdBy: string;
  /** Data rows in the file. */
  rows: number;
  chunks: number;
  errors: LineError[];
  errorsOmitted: number;
  doneChunks?: Set<number>;
}

const reportKey = (id: string) => `import#${id}`;
const chunkKey = (id: string, chunk: number) => `chunk#${id}#${chunk}`;
const expiresAt = (createdAt: string) => Math.floor(Date.parse(createdAt) / 1000) + IMPORT_KEEP_DAYS * 86_400;

/**
 * Stores the rows of each chunk, before the report exists: rows of an import whose report was never written
 * are read by nobody and expire.
 */
export const saveChunks = async (id: string, chunks: readonly ImportRow[][], createdAt: string) => {
  const table = tableName('imports');
  const puts = chunks.map((rows, chunk) => ({
    PutRequest: {
      Item: { key: chunkKey(id, chunk), rows: JSON.stringify(rows), expiresAt: expiresAt(createdAt) },
    },
  }));
  await batchWriteAll(table, puts);
};

/** The new report, for the transaction that also owes its chunks' messages (lambdas/use-cases/outbox.ts). */
export const reportPut = (report: Omit<ImportReportRow, 'doneChunks'>): TransactItem => ({
  Put: {
    TableName: tableName('imports'),
    Item: { key: reportKey(report.id), ...report, expiresAt: expiresAt(report.createdAt) },
    ConditionExpression: 'attribute_not_exists(#key)',
    ExpressionAttributeNames: { '#key': 'key' },
  },
});

export const readReport = async (id: string): Promise<ImportReportRow | undefined> => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('imports'), Key: { key: reportKey(id) }, ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { key: _key, expiresAt: _expires, ...report } = Item;
  return report as ImportReportRow;
};

export const readChunk = async (id: string, chunk: number): Promise<ImportRow[] | undefined> => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('imports'), Key: { key: chunkKey(id, chunk) } }),
  );
  // Written by saveChunks from rows the request had checked.
  return typeof Item?.rows === 'string' ? (JSON.parse(Item.rows) as ImportRow[]) : undefined;
};

export const isChunkCounted = (report: Pick<ImportReportRow, 'doneChunks'>, chunk: number): boolean =>
  report.doneChunks?.has(chunk) ?? false;

/**
 * Counts a chunk into its report, once: false when it was counted already. Its errors are appended while
 * the report holds fewer than IMPORT_MAX_STORED_ERRORS (the append is conditioned on the list's size, read
 * again when another chunk appended meanwhile), the rest only counted in `errorsOmitted`.
 */
export const countChunk = async (
  id: string,
  chunk: number,
  counts: ImportCounts,
  errors: readonly LineError[],
  seen: Pick<ImportReportRow, 'errors' | 'doneChunks'>,
): Promise<boolean> => {
  let report = seen;
  for (let attempt = 1; ; attempt++) {
    if (isChunkCounted(report, chunk)) return false;
    const room = Math.max(0, IMPORT_MAX_STORED_ERRORS - report.errors.length);
    const kept = errors.slice(0, room);
    try {
      await dynamo.send(
        new UpdateCommand({
          TableName: tableName('imports'),
          Key: { key: reportKey(id) },
          UpdateExpression:
            'SET errors = list_append(errors, :errors) ' +
            'ADD created :created, updated :updated, unchanged :unchanged, failed :failed, ' +
            'errorsOmitted :omitted, doneChunks :chunk',
          ConditionExpression: 'NOT contains(doneChunks, :n) AND size(errors) <= :before',
          ExpressionAttributeValues: {
            ':errors': kept,
            ':created': counts.created,
            ':updated': counts.updated,
            ':unchanged': counts.unchanged,
            ':failed': counts.failed,
            ':omitted': errors.length - kept.length,
            ':chunk': new Set([chunk]),
            ':n': chunk,
            ':before': IMPORT_MAX_STORED_ERRORS - kept.length,
          },
        }),
      );
      return true;
    } catch (error) {
      // Counted meanwhile, or another chunk's errors took the room: read again and decide again.
      if (!isConditionFailure(error) || attempt >= 5) throw error;
      const fresh = await readReport(id);
      if (!fresh) throw new Error(`import ${id} has no report`, { cause: error });
      report = fresh;
    }
  }
};
