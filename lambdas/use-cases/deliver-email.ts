/**
 * Delivers one queued email exactly once in effect: claim its deterministic id in the ledger, render, send
 * through SES, record the send. A redelivered message finds the claim and stops; a failed send gives the
 * claim back and fails the message so the queue retries it. What happens after a send (enrolling in nurture,
 * moving a sequence on) runs for a duplicate too, so a crash between the two is repaired by the retry.
 */
import { emailSendLeaseMs } from '../runtime/config';
import { sendRawEmail, SendUnanswered } from '../store/ses-mailer';
import { SendPacer } from '../runtime/send-pacer';
import { logger } from '../runtime/logger';
import { persistently } from '../runtime/persist';
import type { RenderedEmail } from '../emails/rendered';
import { buildMime, type Envelope } from '../emails/mime';
import {
  claimSends,
  recordSentMany,
  releaseSend,
  withholdClaimedSend,
  type SendDetails,
  type SentRecord,
} from '../store/send-ledger-store';

/**
 * Recording a send SES accepted is retried for about ten seconds (lambdas/runtime/persist.ts): failing the
 * message instead would give a retry the chance to send the email twice once the claim's lease lapsed.
 */
const recordPersistently = <T>(emailId: string, record: () => Promise<T>): Promise<T> =>
  persistently(record).catch((error: unknown) => {
    // The claim stays `sending`: its lease keeps every retry from sending again while it lasts, and SES's Send
    // event records the send before it ends.
    logger.error('sent email not recorded', { emailId, error: String(error) });
    throw error;
  });

/**
 * An email that must not go out, for a reason no retry can change (a marketer's template that breaks the
 * render limits with this shopper's data). Thrown by `compose`: the send is recorded `withheld` with the
 * reason and the message acknowledged, so it is neither retried forever nor dead-lettered as a crash.
 */
export class EmailWithheld extends Error {
  override name = 'EmailWithheld';
  constructor(readonly reason: string) {
    super(`Email withheld: ${reason}`);
  }
}

export class SendInFlight extends Error {
  override name = 'SendInFlight';
  constructor(emailId: string) {
    super(`Email ${emailId} is being sent by another worker`);
  }
}

export interface Delivery {
  /** Deterministic: the same email always has the same id, whatever is retried. */
  emailId: string;
  recipientKey: string;
  backorderId?: string;
  kind: string;
  /** What the ledger keeps for customer service (subject, campaign, step). */
  describe?: Record<string, string>;
  /** Renders the email; called only once the send is claimed, so links' tokens are issued only when used. */
  compose: () => Promise<{ envelope: Envelope; email: RenderedEmail }>;
  /**
   * Runs once the email is known to be sent (now or by an earlier delivery), or settled without sending
   * (withheld): a nurture sequence moves on either way, as a redelivery finding it settled would.
   */
  afterSend?: (sentAtMs: number) => Promise<void>;
}

export type DeliveryOutcome = 'sent' | 'duplicate' | 'withheld';

const detailsOf = (delivery: Delivery): SendDetails => ({
  recipientKey: delivery.recipientKey,
  backorderId: delivery.backorderId,
  kind: delivery.kind,
  ...delivery.describe,
});

/**
 * Settles a claimed email without sending it: recorded `withheld` with the reason (a later claim sees it as
 * settled). If the record fails nothing was sent, so the claim is given back and the message retried. What
 * follows a send then runs, as for a sent one.
 */
const withhold = async (delivery: Delivery, claimId: string, reason: string): Promise<'withheld'> => {
  logger.warn('email withheld', { emailId: delivery.emailId, reason });
  try {
    await withholdClaimedSend(delivery.emailId, claimId, reason, new Date().toISOString());
  } catch (error) {
    await releaseSend(delivery.emailId, claimId);
    throw error;
  }
  return 'withheld';
};

export const createMailer = (pacer: SendPacer) => {
  /** Renders, paces and hands one email to SES; answers SES's message id. */
  const transmit = async (delivery: Delivery): Promise<{ messageId: string; subject: string }> => {
    const { envelope, email } = await delivery.compose();
    const raw = await buildMime(envelope, email);
    await pacer.take();
    const messageId = await sendRawEmail({ raw, to: envelope.to.address, emailId: delivery.emailId });
    return { messageId, subject: email.subject };
  };

  /**
   * Delivers a batch, with the ledger's work batched: one request claims them all, one records the sends.
   * Each delivery settles on its own (a failure fails only that one). The claimed ones are composed at once
   * and what follows the sends runs for all at once, so a planner can gather their writes
   * (lambdas/use-cases/plan-nurture.ts). A message alone is a batch of one.
   */
  const sendBatch = async (
    deliveries: readonly Delivery[],
    nowMs = Date.now(),
  ): Promise<PromiseSettledResult<DeliveryOutcome>[]> => {
    const claims = await claimSends(
      deliveries.map((d) => ({ emailId: d.emailId, details: detailsOf(d) })),
      emailSendLeaseMs(),
      nowMs,
    );
    const claimedAt = new Date(nowMs).toISOString();
    const sent: SentRecord[] = [];
    const outcomes = await Promise.allSettled(
      deliveries.map(async (delivery, i): Promise<DeliveryOutcome> => {
        const claim = claims[i];
        if (claim.outcome === 'in-flight') throw new SendInFlight(delivery.emailId);
        if (claim.outcome === 'already-sent') return 'duplicate';
        try {
          const { messageId, subject } = await transmit(delivery);
          sent.push({
            emailId: delivery.emailId,
            details: detailsOf(delivery),
            claimedAt,
            sesMessageId: messageId,
            sentAt: new Date().toISOString(),
            subject,
          });
        } catch (error) {
          if (error instanceof EmailWithheld) return withhold(delivery, claim.claimId, error.reason);
          if (!(error instanceof SendUnanswered)) await releaseSend(delivery.emailId, claim.claimId);
          throw error;
        }
        return 'sent';
      }),
    );
    if (sent.length > 0) await recordPersistently(sent[0].emailId, () => recordSentMany(sent));
    return Promise.all(
      outcomes.map(async (outcome, i) => {
        if (outcome.status === 'rejected') return outcome;
        try {
          await deliveries[i].afterSend?.(Date.now());
          return outcome;
        } catch (reason) {
          return { status: 'rejected', reason } as PromiseRejectedResult;
        }
      }),
    );
  };

  return { sendBatch };
};
