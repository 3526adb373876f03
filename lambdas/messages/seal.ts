/**
 * The seal queue's message: "seal the full books of this product below this one", sent (a few seconds late,
 * when the last blocks of those books can no longer issue) by the signup whose ticket starts a new book.
 * Queued by lambdas/store/seal-queue.ts, read by lambdas/sealer.
 */
import * as z from 'zod/mini';
import { sku } from './fields';

export const sealMessage = z.object({
  sku,
  /** Every book below this one that no shard can issue into any more. */
  below: z.number().check(z.int()),
});

export type SealMessage = z.infer<typeof sealMessage>;
