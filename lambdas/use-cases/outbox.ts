/**
 * Publishing what the outbox holds: the one way a state change's messages leave, whether the writer does it
 * at once or the scheduler does it for a writer that died (lambdas/store/outbox-store.ts says why).
 *
 * Publishing twice is harmless by design: an email has a deterministic id in the send ledger, a webhook
 * event a stable id receivers drop repeats by, and an allocation request finds nothing to do the second time.
 */
import { outboxGraceMs } from '../runtime/config';
import { logger } from '../runtime/logger';
import type { Backorder } from '../domain/backorder';
import { getBackorder } from '../store/backorder-store';
import { enqueueEmails } from '../store/email-queue';
import {
  deleteOutboxRow,
  deleteOutboxRows,
  dueOutboxRows,
  outboxPut,
  postponeOutboxRow,
  type OutboxEntry,
  type OutboxRow,
} from '../store/outbox-store';
import { requestAllocation } from '../store/restock-queue';
import { enqueueImportChunks } from '../store/import-queue';
import { mapWithLimit } from '../runtime/concurrency';
import type { TransactItem } from '../runtime/transact';
import { publishBackorderEvents, publishProductEvent } from './backorder-events';

/** The outbox row a state change writes in its own transaction. */
export const owe = (id: string, entries: OutboxEntry[], nowMs = Date.now()): TransactItem =>
  outboxPut(id, entries, nowMs, outboxGraceMs());

/** A row to publish: its id, what it owes, and the backorders its writer already holds (by id). */
export interface OwedRow {
  id: string;
  entries: readonly OutboxEntry[];
  known?: readonly Backorder[];
}

/**
 * Publishes the messages of many rows together, then deletes the rows: emails in batches, each event once
 * per backorder, one allocation request per SKU however many rows freed units of it (a batch of expired
 * holds of one product asks once). Throws when a message could not be sent: the rows stay, and the
 * scheduler publishes them after their grace period.
 */
export const publishOwedRows = async (rows: readonly OwedRow[]): Promise<void> => {
  const entries = rows.flatMap((row) => row.entries);
  const known = new Map(rows.flatMap((row) => row.known ?? []).map((b) => [b.id, b]));
  const events = new Map<string, Extract<OutboxEntry, { kind: 'backorderEvent' }>[]>();
  for (const entry of entries) {
    if (entry.kind !== 'backorderEvent') continue;
    const group = `${entry.type}|${entry.at}|${entry.anonymous === true}`;
    events.set(group, [...(events.get(group) ?? []), entry]);
  }
  const allocations = entries.flatMap((e) => (e.kind === 'allocation' ? [e] : []));
  await Promise.all([
    enqueueEmails(entries.flatMap((e) => (e.kind === 'email' ? [e.message] : []))),
    allocations.length > 0 &&
      requestAllocation(
        allocations.flatMap((e) => e.skus),
        allocations[0].reason,
      ),
    ...entries.flatMap((e) => (e.kind === 'importChunks' ? [enqueueImportChunks(e.importId, e.chunks)] : [])),
    ...entries.flatMap((e) => (e.kind === 'productEvent' ? [publishProductEvent(e.event)] : [])),
    ...[...events.values()].map(async (group) => {
      const { type, at, anonymous } = group[0];
      // The writer knows the backorder; the sweeper reads it as it is now (an erased one names nobody).
      const backorders = await Promise.all(
        group.map(async (e) => known.get(e.backorderId) ?? (await getBackorder(e.backorderId))),
      );
      const found = backorders.filter((b): b is Backorder => b !== undefined);
      await publishBackorderEvents(type, found, at, { anonymous });
    }),
  ]);
  if (rows.length === 1) await deleteOutboxRow(rows[0].id);
  else await deleteOutboxRows(rows.map((row) => row.id));
};

/**
 * Publishes a row's messages, then deletes the row. Throws when a message could not be sent: the row stays,
 * and the scheduler publishes it after its grace period.
 */
export const publishOwed = (
  id: string,
  entries: readonly OutboxEntry[],
  known: readonly Backorder[] = [],
): Promise<void> => publishOwedRows([{ id, entries, known }]);

/**
 * For a request path: publish now, and if that fails, say so in the log and leave it to the scheduler. The
 * change has happened and must be answered as such; its messages follow within a minute or two.
 */
export const publishOwedOrLeave = (
  id: string,
  entries: readonly OutboxEntry[],
  known: readonly Backorder[] = [],
) =>
  publishOwed(id, entries, known).catch((error: unknown) =>
    logger.warn('outbox row left for the scheduler', { outboxId: id, error: String(error) }),
  );

/** The scheduler's part: every row whose writer did not publish it in time. */
export const sweepOutbox = async (nowMs = Date.now()): Promise<{ published: number; failed: number }> => {
  const rows = await dueOutboxRows(nowMs);
  let failed = 0;
  await mapWithLimit(rows, 8, async (row: OutboxRow) => {
    try {
      await publishOwed(row.id, row.entries);
    } catch (error) {
      failed++;
      logger.error('outbox row could not be published; postponed', {
        outboxId: row.id,
        attempts: (row.attempts ?? 0) + 1,
        error: String(error),
      });
      await postponeOutboxRow(row, nowMs);
    }
  });
  return { published: rows.length - failed, failed };
};
