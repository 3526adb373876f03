/**
 * The enrolment queue's message: one page of a campaign's enrolment job, carrying where to continue.
 * Queued by lambdas/store/enrolment-jobs.ts (a campaign's activation, then each page for the next), read by
 * lambdas/enroller.
 */
import * as z from 'zod/mini';
import { text } from './fields';

export const enrolmentJob = z.object({
  campaignId: text(64),
  /** The campaign version the job was started for; a later save supersedes it. */
  version: z.int().check(z.gte(1)),
  /** Index into the audience's SKU list (when it lists SKUs). */
  skuIndex: z.int().check(z.gte(0)),
  /** Opaque continuation within the current SKU (or across all backorders). */
  cursor: z.optional(z.string().check(z.maxLength(4096))),
});

export type EnrolmentJob = z.infer<typeof enrolmentJob>;
