/**
 * The nurture queue's message: one campaign step for one shopper, queued by the sweeper
 * (lambdas/use-cases/sweep-nurture.ts through lambdas/store/email-queue.ts), read by lambdas/nurturer.
 */
import * as z from 'zod/mini';
import { id } from './fields';

export const nurtureMessage = z.object({
  kind: z.literal('nurture'),
  backorderId: id,
  campaignId: id,
  stepId: id,
  stepIndex: z.int().check(z.gte(0)),
});

export type NurtureMessage = z.infer<typeof nurtureMessage>;
