/**
 * What a bounce or complaint changes: a permanent bounce or a complaint puts the address on the suppression
 * list (no more marketing email; transactional email still goes out), and every one is counted for the
 * stats. Transient and undetermined bounces are counted only: the mailbox may accept mail tomorrow.
 *
 * The email it is about, found by SES's message id (`ses#<id>`, written when the send was recorded), shows
 * the bounce or complaint to customer service.
 *
 * A Send event (SES accepted one of our emails) records the send if its worker had not: see
 * lambdas/domain/email-tag.ts.
 *
 * Every step is idempotent (the suppression keeps its first reason, the count is tied to SES's feedback id),
 * so a redelivered notification, or one retried after a partial failure, changes nothing twice.
 */
import type { EmailFeedback } from '../domain/ses-feedback';
import { countEmailFeedback } from '../store/email-stats-store';
import { suppress, suppressAnonymously } from '../store/shopper-store';
import { emailOfMessage, markEmailFeedback } from '../store/sent-emails-store';
import { recordSentFromEvent } from '../store/send-events-store';

export type FeedbackOutcome =
  { counted: number; suppressed: string[] } | { ignored: string } | { sendRecorded: boolean };

export const recordEmailFeedback = async (
  feedback: EmailFeedback,
  /** Ledger rows read ahead for a batch's Send events (sendRecordsOf), so each costs no request of its own. */
  sendRecords?: Map<string, Record<string, unknown> | null>,
): Promise<FeedbackOutcome> => {
  if (feedback.kind === 'ignored') return { ignored: feedback.type };
  if (feedback.kind === 'sent')
    return {
      sendRecorded: await recordSentFromEvent(
        feedback.emailId,
        feedback.sesMessageId,
        feedback.at,
        feedback.subject,
        sendRecords?.get(feedback.emailId),
      ),
    };
  const suppresses = feedback.kind === 'complaint' || feedback.permanent;
  const reason = feedback.kind === 'complaint' ? 'complained' : 'bounced';
  // Customer service sees it on the email it is about (each of our emails has one recipient). An SES id we
  // do not know (not ours, or sent before ids were remembered) has nothing to show it on.
  const emailId = await emailOfMessage(feedback.sesMessageId);
  const { erased } = emailId
    ? await markEmailFeedback(
        emailId,
        feedback.kind === 'bounce'
          ? { kind: 'bounce', permanent: feedback.permanent, at: feedback.at }
          : { kind: 'complaint', at: feedback.at },
      )
    : { erased: false };
  let counted = 0;
  for (const emailKey of feedback.recipients) {
    // Suppress first: if counting then fails, the retry suppresses again (a no-op) and counts. A shopper
    // who erased their data (the report may come days after the email) is suppressed by a hash only.
    if (suppresses) await (erased ? suppressAnonymously : suppress)(emailKey, reason, feedback.at);
    const isNew = await countEmailFeedback({
      kind: feedback.kind,
      permanent: feedback.kind === 'bounce' ? feedback.permanent : undefined,
      feedbackId: feedback.feedbackId,
      emailKey,
      sesMessageId: feedback.sesMessageId,
      at: feedback.at,
    });
    if (isNew) counted++;
  }
  return { counted, suppressed: suppresses ? feedback.recipients : [] };
};
