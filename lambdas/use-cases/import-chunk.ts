/**
 * A product import's worker part (the import queue, lambdas/importer): one chunk of rows upserted by SKU and
 * counted into the report once (docs/catalogue.md, ARCHITECTURE.md "Product imports").
 *
 * One consistent BatchGetItem reads the chunk's products; each row is planned against its product
 * (lambdas/domain/product-import.ts); the rows that change something are written in one transaction of
 * conditional updates (lambdas/store/product-import-store.ts), and those whose product changed meanwhile are
 * read and planned again. Raised stock asks for an allocation, as a console save with stock does. Then the
 * counts, in the one conditional update that records the chunk done.
 *
 * Redelivered (its worker died before counting): every write is conditioned and marked with the chunk, so the
 * chunk recognises what it wrote, writes what it had not, asks for the allocations again (harmless) and counts
 * once. Already counted: nothing to do.
 */
import { etaDebounceMs } from '../runtime/config';
import { logger } from '../runtime/logger';
import type { LineError } from '../domain/product-csv';
import { importMark, planRow, type ImportedProductState, type RowPlan } from '../domain/product-import';
import type { ImportChunkMessage } from '../messages/import';
import { countChunk, isChunkCounted, readChunk, readReport, type ImportCounts } from '../store/import-store';
import { productWrite, readProductsForImport, writeImportedProducts } from '../store/product-import-store';
import { requestAllocation } from '../store/restock-queue';

/** Rounds of planning and writing before the chunk is left to the queue's retry (products kept changing). */
const WRITE_ROUNDS = 4;

/** A plan that creates or updates its product. */
type Upsert = Extract<RowPlan, { set: unknown }>;

const needsWrite = (plan: RowPlan): plan is Upsert =>
  (plan.outcome === 'created' || plan.outcome === 'updated') && !plan.written;

export const importChunk = async (
  { importId, chunk }: ImportChunkMessage,
  nowMs = Date.now(),
): Promise<void> => {
  const report = await readReport(importId);
  // A redelivery of a chunk counted already: nothing left to do.
  if (report && isChunkCounted(report, chunk)) return;
  const rows = report ? await readChunk(importId, chunk) : undefined;
  if (!report || !rows) {
    // Expired (a message older than the 30 days an import is kept): retrying would change nothing.
    logger.warn('import chunk without its report or rows', { importId, chunk });
    return;
  }
  const ref = { importId, chunk };
  const now = new Date(nowMs).toISOString();
  // A row that moves a product's expected date opens its announcement's window (lambdas/domain/eta.ts).
  const etaWindowMs = etaDebounceMs();
  const seen: Map<string, ImportedProductState | undefined> = await readProductsForImport(
    rows.map((row) => row.sku),
  );
  const plans: RowPlan[] = [];
  let planning = rows.map((_, i) => i);
  for (let round = 1; ; round++) {
    for (const i of planning) plans[i] = planRow(rows[i], seen.get(rows[i].sku), ref);
    const writing = planning.filter((i) => needsWrite(plans[i]));
    const refused = await writeImportedProducts(
      writing.map((i) => {
        const { set, outcome } = plans[i] as Upsert;
        return productWrite(
          rows[i].sku,
          set,
          seen.get(rows[i].sku),
          importMark(ref, outcome),
          now,
          etaWindowMs,
        );
      }),
    );
    if (refused.length === 0) break;
    if (round >= WRITE_ROUNDS)
      throw new Error(`import ${importId} chunk ${chunk}: products kept changing while it wrote them`);
    // Nothing was written: the refused rows' products are read again, and every row that was to be written
    // is planned again (the others' plans come out the same).
    const stale = refused.map((k) => rows[writing[k]].sku);
    const fresh = await readProductsForImport(stale);
    for (const sku of stale) seen.set(sku, fresh.get(sku));
    planning = writing;
  }

  const raised = rows.filter((_, i) => {
    const plan = plans[i];
    return (plan.outcome === 'created' || plan.outcome === 'updated') && plan.stockRaised;
  });
  // Before counting: a chunk counted has asked for them, and one not counted yet asks again when redelivered.
  if (raised.length > 0)
    await requestAllocation(
      raised.map((row) => row.sku),
      `import ${importId}`,
    );

  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0, failed: 0 };
  const errors: LineError[] = [];
  plans.forEach((plan, i) => {
    counts[plan.outcome]++;
    if (plan.outcome === 'failed') errors.push({ line: rows[i].line, message: plan.message });
  });
  const counted = await countChunk(importId, chunk, counts, errors, report);
  logger.info('import chunk', { importId, chunk, ...counts, counted });
};
