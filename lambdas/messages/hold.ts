/**
 * The hold queue's message: a hold that fell due, leased by the sweeper (lambdas/use-cases/sweep-holds.ts).
 * Queued by lambdas/store/hold-queue.ts, read by lambdas/hold-keeper.
 */
import * as z from 'zod/mini';
import { id, text } from './fields';

export const holdMessage = z.object({
  /** What fell due: the reminder (a quarter of the hold left) or the expiry (the hold's end). */
  kind: z.enum(['remind', 'expire']),
  backorderId: id,
  /** The index entry as the sweeper leased it: the reminder moves the hold on only from this one. */
  leasedKey: text(200),
  /**
   * When the sweeper found it due. The expiry happens at this time or later, never earlier, so a sweeper
   * driven by a test's clock and a keeper on the real clock agree.
   */
  sweptAt: text(40),
});

export type HoldMessage = z.infer<typeof holdMessage>;
