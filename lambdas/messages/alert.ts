/**
 * The alert queue's message: one restock alert per allocated backorder. Each carries what the email needs
 * (taken from the allocation's own write), so sending it costs no read; the raw status token exists only
 * here, its hash on the backorder. Queued by lambdas/store/alert-queue.ts, read by lambdas/alerter.
 */
import * as z from 'zod/mini';
import { id, sku, text } from './fields';

export const restockAlertMessage = z.object({
  kind: z.literal('restock'),
  backorderId: id,
  sku,
  productName: text(400),
  quantity: z.int().check(z.gte(1)),
  email: z.email(),
  name: z.optional(z.string().check(z.maxLength(200))),
  /** The shopper's locale ("de-AT"): the alert's language. Absent on alerts queued before languages. */
  locale: z.optional(text(20)),
  statusToken: text(200),
  allocatedAt: text(40),
  /** A paid order's alert says it is on its way; absent: a reservation. */
  backorderKind: z.optional(z.enum(['reservation', 'order'])),
  /** The end of the reservation's hold: its alert leads to the checkout. Absent: no hold. */
  holdUntil: z.optional(text(40)),
  /** The shopper's IANA time zone, for the hold's end. */
  timeZone: z.optional(text(64)),
});

export type RestockAlertMessage = z.infer<typeof restockAlertMessage>;
