/**
 * The import queue's message: "import chunk n of this import", whose rows wait in the `imports` table
 * (lambdas/store/import-store.ts). Owed in the import's outbox row and queued by lambdas/store/import-queue.ts,
 * read by lambdas/importer.
 */
import * as z from 'zod/mini';
import { id } from './fields';

export const importChunkMessage = z.object({
  importId: id,
  // A chunk holds at least one row, and a file at most 10 000.
  chunk: z.int().check(z.gte(0), z.lt(10_000)),
});

export type ImportChunkMessage = z.infer<typeof importChunkMessage>;
