/**
 * The restock queue's messages. A `start` asks for an allocation run of a SKU (stock arrived, an allocated
 * backorder was cancelled, a shopper signed up while units are free); a `page` continues a run where its
 * previous page ended. One page per message keeps every invocation short, whatever the queue's length.
 * Queued by lambdas/store/restock-queue.ts, read by lambdas/allocator.
 */
import * as z from 'zod/mini';
import { id, sku } from './fields';

export const restockMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('start'), sku, reason: z.string().check(z.maxLength(100)) }),
  z.object({
    kind: z.literal('page'),
    sku,
    runId: id,
    page: z.int().check(z.gte(0)),
    cursor: z.optional(z.string().check(z.maxLength(4096))),
    /** For the first page of a run started by a finishing run (a rerun): the run it takes over from. */
    predecessor: z.optional(z.string().check(z.maxLength(200))),
  }),
]);

export type RestockMessage = z.infer<typeof restockMessage>;

export type RestockPageMessage = Extract<RestockMessage, { kind: 'page' }>;
