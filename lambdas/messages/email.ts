/**
 * The email queue's messages: each names one transactional email to send. Queued by
 * lambdas/store/email-queue.ts (directly or through the outbox), read by lambdas/sender. Nurture steps have
 * their own queue and message (./nurture.ts), so a burst of marketing email never holds up a confirmation.
 */
import * as z from 'zod/mini';
import { id, sku, text } from './fields';
import { SUPPORTED_LOCALES } from '../../i18n/locales';

const kinds = [
  /**
   * A new backorder's confirmation. It carries no token: the sender issues the email's links (status and,
   * under double opt-in, consent) when it composes it, so the message can wait in the outbox.
   * (Confirmations queued before links were issued at compose time also carried tokens: they are ignored.)
   */
  z.object({ kind: z.literal('confirmation'), backorderId: id }),
  /**
   * The links of every active backorder of an address, asked for by the shopper (POST /api/links). `emailId`
   * names the request (the address's hash, the hour and its count), so one request sends one email.
   */
  z.object({
    kind: z.literal('links'),
    emailKey: z.string().check(z.minLength(3), z.maxLength(254)),
    emailId: id,
  }),
  z.object({
    kind: z.literal('test'),
    testId: id,
    campaignId: id,
    stepId: id,
    to: z.email(),
    /** The step's version to send (its language); absent: the step itself. */
    locale: z.optional(z.enum(SUPPORTED_LOCALES)),
  }),
  /** A supplier's batch of demand, with its CSV; the sender reads the batch row. */
  z.object({ kind: z.literal('supplierBatch'), supplierId: id, batchId: id }),
  /**
   * A fresh status link customer service sends on a shopper's behalf. `requestId` names the request, so a
   * retried request or a redelivered message sends it once; the link is issued when the email is composed.
   */
  z.object({ kind: z.literal('statusLink'), backorderId: id, requestId: id, requestedBy: id }),
  /** The one reminder that a reservation's hold ends soon; the sender reads the hold as it is then. */
  z.object({ kind: z.literal('holdReminder'), backorderId: id }),
  /** A reservation's hold ran out: its units went to the next in line; the shopper may join again. */
  z.object({ kind: z.literal('holdExpired'), backorderId: id }),
  /**
   * A product's expected date moved (announcement `version`): one per waiting backorder, queued page by page by
   * the fan-out (lambdas/use-cases/eta-updates.ts), with what every email of it says.
   */
  z.object({
    kind: z.literal('etaUpdate'),
    backorderId: id,
    sku,
    version: z.int().check(z.gte(1)),
    date: z.nullable(text(10)),
    previous: z.nullable(text(10)),
    productName: text(400),
  }),
] as const;

export const emailMessage = z.discriminatedUnion('kind', [...kinds]);

export type EmailMessage = z.infer<typeof emailMessage>;

/**
 * What the email queue may hold: an email message, or a nurture step queued there before nurture email had
 * its own queue. The sender leaves such a step alone rather than failing it into the dead-letter queue: its
 * sweeper lease lapses and the sweeper queues it again on the nurture queue.
 */
export const emailQueueMessage = z.discriminatedUnion('kind', [
  ...kinds,
  z.object({ kind: z.literal('nurture') }),
]);

export type EmailQueueMessage = z.infer<typeof emailQueueMessage>;

/**
 * The send ledger's id of a resent status link: it names the request, so one request sends one email however
 * often its message arrives (the sender's planner and customer service's answer both name it).
 */
export const statusLinkEmailId = (backorderId: string, requestId: string): string =>
  `status-link#${backorderId}#${requestId}`;
