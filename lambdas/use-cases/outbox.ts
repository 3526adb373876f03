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
import { enqueueEmail } from '../store/email-queue';
import {
  deleteOutboxRow,
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
import { publishBackorderEvents } from './backorder-events';

/** The outbox row a state change writes in its own transaction. */
export const owe = (id: string, entries: OutboxEntry[], nowMs = Date.now()): TransactItem =>
  outboxPut(id, entries, nowMs, outboxGraceMs());

const publishEntry = async (entry: OutboxEntry, known: ReadonlyMap<string, Backorder>): Promise<void> => {
  switch (entry.kind) {
    case 'email':
      return enqueueEmail(entry.message);
    case 'allocation':
      return requestAllocation(entry.skus, entry.reason);
    case 'importChunks':
      return enqueueImportChunks(entry.importId, entry.chunks);
    case 'backorderEvent': {
      // The writer knows the backorder; the sweeper reads it as it is now (an erased one names nobody).
      const backorder = known.get(entry.backorderId) ?? (await getBackorder(entry.backorderId));
      if (!backorder) return;
      return publishBackorderEvents(entry.type, [backorder], entry.at, { anonymous: entry.anonymous });
    }
  }
};

/**
 * Publishes a row's messages, then deletes the row. Throws when a message could not be sent: the row stays,
 * and the scheduler publishes it after its grace period.
 */
export const publishOwed = async (
  id: string,
  entries: readonly OutboxEntry[],
  known: readonly Backorder[] = [],
): Promise<void> => {
  const byId = new Map(known.map((b) => [b.id, b]));
  await Promise.all(entries.map((entry) => publishEntry(entry, byId)));
  await deleteOutboxRow(id);
};

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
