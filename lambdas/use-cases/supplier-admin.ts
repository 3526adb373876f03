/**
 * What marketers do with suppliers in the console: save and read them, send a batch now, list past batches
 * and download a batch's CSV. Answers show the schedule and the last and next batch, never the bookkeeping
 * (watermark, pending emails).
 */
import * as z from 'zod';
import { NotFoundError } from '../runtime/errors';
import { batchFileName, nextSlot, type Supplier, type SupplierBatch } from '../domain/supplier';
import { supplierIdSchema, supplierSchema } from '../domain/supplier-schema';
import { supplierBatchCsv } from '../domain/supplier-csv';
import { parseOrThrow } from '../domain/validation';
import { getBatch, getSupplier, listBatches, listSuppliers, saveSupplier } from '../store/supplier-store';
import { sendBatchNow } from './supplier-batches';

export const supplierView = (supplier: Supplier, nowMs: number = Date.now()) => ({
  id: supplier.id,
  name: supplier.name,
  email: supplier.email,
  batch: supplier.batch,
  locale: supplier.locale ?? 'en',
  lastBatchId: supplier.lastBatchId ?? null,
  lastBatchAt: supplier.lastBatchAt ?? null,
  nextBatchAt: new Date(nextSlot(supplier.batch, nowMs)).toISOString(),
  createdAt: supplier.createdAt,
  updatedAt: supplier.updatedAt,
});

export const batchView = (batch: SupplierBatch) => ({
  id: batch.batchId,
  supplierId: batch.supplierId,
  trigger: batch.trigger,
  lines: batch.lines,
  units: batch.units,
  backorders: batch.backorders,
  sentTo: batch.sentTo,
  window: { from: batch.windowFrom ?? null, to: batch.windowTo },
  createdAt: batch.createdAt,
  sentAt: batch.sentAt ?? null,
  fileName: batchFileName(batch),
});

const notFound = (raw: string) => new NotFoundError(`Supplier ${raw} not found`);

const validSupplierId = (raw: string): string => {
  const id = supplierIdSchema.safeParse(raw);
  if (!id.success) throw notFound(raw);
  return id.data;
};

const existingSupplier = async (raw: string): Promise<Supplier> => {
  const supplier = await getSupplier(validSupplierId(raw));
  if (!supplier) throw notFound(raw);
  return supplier;
};

export const saveSupplierFromConsole = async (rawId: string, body: unknown) => {
  const id = parseOrThrow(supplierIdSchema, rawId, 'supplier id');
  const input = parseOrThrow(supplierSchema, body, 'supplier');
  const { supplier, created } = await saveSupplier(id, input);
  return { supplier: supplierView(supplier), created };
};

export const supplierById = async (rawId: string) => supplierView(await existingSupplier(rawId));

export const allSuppliers = async () => {
  const now = Date.now();
  return { items: (await listSuppliers()).map((supplier) => supplierView(supplier, now)) };
};

export const sendSupplierBatchNow = async (rawId: string) => {
  const batch = await sendBatchNow(validSupplierId(rawId));
  if (!batch) throw notFound(rawId);
  return batchView(batch);
};

export const batchesQuery = z.object({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

/** A supplier's batches, newest first. */
export const supplierBatches = async (rawId: string, query: Record<string, string>) => {
  const { cursor, limit } = parseOrThrow(batchesQuery, query, 'query');
  const supplier = await existingSupplier(rawId);
  const page = await listBatches(supplier.id, { cursor, limit });
  return { items: page.items.map(batchView), cursor: page.cursor };
};

const BATCH_ID = /^[0-9A-Z]{26}$/;

/** One batch's CSV, as the supplier received it. */
export const supplierBatchCsvFile = async (rawId: string, rawBatchId: string) => {
  const supplierId = validSupplierId(rawId);
  const batch = BATCH_ID.test(rawBatchId) ? await getBatch(supplierId, rawBatchId) : undefined;
  if (!batch) {
    if (!(await getSupplier(supplierId))) throw notFound(rawId);
    throw new NotFoundError(`Batch ${rawBatchId} of supplier ${rawId} not found`);
  }
  return { fileName: batchFileName(batch), csv: supplierBatchCsv(batch.lines) };
};
