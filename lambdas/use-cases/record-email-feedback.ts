/**
 * What a bounce or complaint changes: a permanent bounce or a complaint puts the address on the suppression
 * list (no more marketing email; transactional email still goes out), and every one is counted for the
 * stats. Transient and undetermined bounces are counted only: the mailbox may accept mail tomorrow.
 *
 * Both steps are idempotent (the suppression keeps its first reason, the count is tied to SES's feedback id),
 * so a redelivered notification, or one retried after a partial failure, changes nothing twice.
 */
import type { EmailFeedback } from '../domain/ses-feedback';
import { countEmailFeedback } from '../store/email-stats-store';
import { suppress } from '../store/shopper-store';

export type FeedbackOutcome = { counted: number; suppressed: string[] } | { ignored: string };

export const recordEmailFeedback = async (feedback: EmailFeedback): Promise<FeedbackOutcome> => {
  if (feedback.kind === 'ignored') return { ignored: feedback.type };
  const suppresses = feedback.kind === 'complaint' || feedback.permanent;
  const reason = feedback.kind === 'complaint' ? 'complained' : 'bounced';
  let counted = 0;
  for (const emailKey of feedback.recipients) {
    // Suppress first: if counting then fails, the retry suppresses again (a no-op) and counts.
    if (suppresses) await suppress(emailKey, reason, feedback.at);
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
