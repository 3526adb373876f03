/**
 * Supplier batches: the demand that accumulated since a supplier's previous batch, summed per SKU, sent as an
 * email with a CSV. The scheduler sends them on each supplier's schedule (when at least `minUnits`), the
 * console on demand.
 *
 * Exactly once: a batch covers the window (previous watermark, cutoff] of the queue order, and is created in
 * one transaction with the supplier's new watermark, conditioned on the old one. Two makers racing create one
 * batch; a late or long-down scheduler makes one batch whose window spans the whole gap. The email is queued
 * after the transaction; should that fail, the batch stays in the supplier's pending set and a later tick
 * queues it again (the send ledger makes a duplicate message harmless).
 */
import { newBackorderId } from '../runtime/tokens';
import { logger } from '../runtime/logger';
import {
  batchTotals,
  isDue,
  latestSlot,
  windowEnd,
  type BatchTrigger,
  type Supplier,
  type SupplierBatch,
  type SupplierBatchLine,
} from '../domain/supplier';
import { enqueueEmail } from '../store/email-queue';
import {
  productsBySupplier,
  waitingDemandInWindow,
  type SuppliedProduct,
} from '../store/supplier-demand-store';
import {
  claimRequeue,
  createBatch,
  forgetPendingBatch,
  getBatch,
  getSupplier,
  listSuppliers,
  skipScheduledSlot,
} from '../store/supplier-store';

/** How long a batch's email may stay unsent after it was queued before a tick queues it again. */
export const REQUEUE_AFTER_MS = 5 * 60_000;
/** SKUs of one supplier read at once. */
const PARALLEL_SKUS = 8;
/** A "send now" that loses a race to another batch computes again from the new watermark, this often. */
const MANUAL_ATTEMPTS = 3;

/** Hands a batch's email to the email queue (a seam for tests that make queueing fail). */
export type QueueBatchEmail = (batch: Pick<SupplierBatch, 'supplierId' | 'batchId'>) => Promise<void>;

export const queueBatchEmail: QueueBatchEmail = (batch) =>
  enqueueEmail({ kind: 'supplierBatch', supplierId: batch.supplierId, batchId: batch.batchId });

/** The lines of a window: per SKU of the supplier, the units still waiting; SKUs without any are left out. */
export const batchLines = async (
  products: readonly SuppliedProduct[],
  from: string | undefined,
  to: string,
): Promise<SupplierBatchLine[]> => {
  const lines: (SupplierBatchLine | undefined)[] = new Array(products.length);
  let next = 0;
  const worker = async () => {
    while (next < products.length) {
      const i = next++;
      const demand = await waitingDemandInWindow(products[i].sku, from, to);
      lines[i] = demand && { sku: products[i].sku, name: products[i].name, ...demand };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_SKUS, products.length) }, worker));
  return lines.filter((line): line is SupplierBatchLine => line !== undefined);
};

const newBatch = (
  supplier: Supplier,
  lines: SupplierBatchLine[],
  windowTo: string,
  trigger: BatchTrigger,
  nowMs: number,
): SupplierBatch => {
  const createdAt = new Date(nowMs).toISOString();
  return {
    supplierId: supplier.id,
    // Sorts by creation time: the console lists batches newest first straight from the key.
    batchId: newBackorderId(nowMs),
    supplierName: supplier.name,
    sentTo: supplier.email,
    ...(supplier.locale ? { locale: supplier.locale } : {}),
    trigger,
    lines,
    ...batchTotals(lines),
    ...(supplier.watermark === undefined ? {} : { windowFrom: supplier.watermark }),
    windowTo,
    createdAt,
    queuedAt: createdAt,
  };
};

/** Queues a batch's email; a failure is left to the re-queue of a later tick, and logged. */
const queueBatch = async (batch: SupplierBatch, queue: QueueBatchEmail): Promise<boolean> => {
  try {
    await queue(batch);
    return true;
  } catch (error) {
    logger.error('supplier batch created but its email could not be queued; a later tick re-queues it', {
      supplierId: batch.supplierId,
      batchId: batch.batchId,
      error: error as Error,
    });
    return false;
  }
};

/**
 * "Send a batch now" (the console): everything since the previous batch, whatever `minUnits` says, even
 * nothing (the supplier then hears there is no new demand). Answers undefined for an unknown supplier.
 */
export const sendBatchNow = async (
  supplierId: string,
  nowMs: number = Date.now(),
  queue: QueueBatchEmail = queueBatchEmail,
): Promise<SupplierBatch | undefined> => {
  for (let attempt = 0; attempt < MANUAL_ATTEMPTS; attempt++) {
    const supplier = await getSupplier(supplierId);
    if (!supplier) return undefined;
    const products = (await productsBySupplier()).get(supplierId) ?? [];
    const windowTo = windowEnd(nowMs, supplier.watermark);
    const lines = await batchLines(products, supplier.watermark, windowTo);
    const batch = newBatch(supplier, lines, windowTo, 'manual', nowMs);
    if (await createBatch(batch)) {
      await queueBatch(batch, queue);
      return batch;
    }
  }
  throw new Error(`Supplier ${supplierId}: every batch attempt lost a race to another batch`);
};

export interface SupplierBatchReport {
  suppliers: number;
  due: number;
  created: number;
  /** Due, but below `minUnits`: no batch, the units roll into the next one. */
  belowMinimum: number;
  /** Due, but another scheduler (or a "send now") got there first. */
  lostRaces: number;
  requeued: number;
  /** Batches created whose email could not be queued (re-queued by a later tick). */
  notQueued: number;
}

/**
 * Batches whose email is not known to be sent: forgotten once sent, queued again when they were last queued
 * more than REQUEUE_AFTER_MS ago (one scheduler claims each re-queue).
 */
const requeueLingering = async (
  suppliers: readonly Supplier[],
  nowMs: number,
  queue: QueueBatchEmail,
): Promise<number> => {
  let requeued = 0;
  for (const supplier of suppliers) {
    for (const batchId of supplier.pendingBatches ?? []) {
      const batch = await getBatch(supplier.id, batchId);
      if (!batch || batch.sentAt) {
        await forgetPendingBatch(supplier.id, batchId);
        continue;
      }
      const lastQueued = batch.queuedAt ?? batch.createdAt;
      if (nowMs - Date.parse(lastQueued) < REQUEUE_AFTER_MS) continue;
      if (!(await claimRequeue(supplier.id, batchId, lastQueued, new Date(nowMs).toISOString()))) continue;
      // A failure here waits for the next re-queue, REQUEUE_AFTER_MS on; other suppliers go on meanwhile.
      if (!(await queueBatch(batch, queue))) continue;
      logger.warn('supplier batch email re-queued', { supplierId: supplier.id, batchId });
      requeued++;
    }
  }
  return requeued;
};

/**
 * The scheduler's part, every minute: re-queue lingering batch emails, then make the batch of every supplier
 * whose scheduled moment passed unhandled. A supplier with fewer new units than `minUnits` gets no batch;
 * its moment is marked handled and its window stays open, so those units go into the next batch.
 */
export const sendDueSupplierBatches = async (
  nowMs: number = Date.now(),
  queue: QueueBatchEmail = queueBatchEmail,
): Promise<SupplierBatchReport> => {
  const suppliers = await listSuppliers();
  const report: SupplierBatchReport = {
    suppliers: suppliers.length,
    due: 0,
    created: 0,
    belowMinimum: 0,
    lostRaces: 0,
    requeued: await requeueLingering(suppliers, nowMs, queue),
    notQueued: 0,
  };
  const due = suppliers.filter((supplier) => isDue(supplier.batch, supplier.scheduledThrough, nowMs));
  report.due = due.length;
  if (due.length === 0) return report;
  const catalogue = await productsBySupplier();
  const failures: unknown[] = [];
  for (const supplier of due) {
    try {
      await scheduledBatch(supplier, catalogue.get(supplier.id) ?? [], nowMs, queue, report);
    } catch (error) {
      // One supplier's failure does not hold up the others; the next tick tries it again.
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
  return report;
};

const scheduledBatch = async (
  supplier: Supplier,
  products: readonly SuppliedProduct[],
  nowMs: number,
  queue: QueueBatchEmail,
  report: SupplierBatchReport,
): Promise<void> => {
  const slot = new Date(latestSlot(supplier.batch, nowMs)).toISOString();
  const windowTo = windowEnd(nowMs, supplier.watermark);
  const lines = await batchLines(products, supplier.watermark, windowTo);
  if (batchTotals(lines).units < supplier.batch.minUnits) {
    if (await skipScheduledSlot(supplier.id, supplier.watermark, slot)) report.belowMinimum++;
    else report.lostRaces++;
    return;
  }
  const batch = newBatch(supplier, lines, windowTo, 'schedule', nowMs);
  if (!(await createBatch(batch, slot))) {
    report.lostRaces++;
    return;
  }
  report.created++;
  if (!(await queueBatch(batch, queue))) report.notQueued++;
};
