/**
 * The confirmation a new backorder gets: transactional, sent whatever the shopper's marketing choices.
 * Once it is out, a consenting shopper is enrolled in the matching nurture campaigns and the shop's
 * webhook endpoints hear of the new backorder (`backorder.created`).
 */
import { logger } from '../runtime/logger';
import { renderConfirmation } from '../emails/confirmation';
import { kindOf } from '../domain/backorder';
import { getBackorder } from '../store/backorder-store';
import type { EmailMessage } from '../messages/email';
import { issueConsentToken } from '../store/shopper-store';
import type { Delivery } from './deliver-email';
import { issueEmailLink } from './email-links';
import { enrolInMatchingCampaigns } from './nurture-enrolment';
import { publishBackorderEvents } from './backorder-events';
import { backorderVariables } from './email-variables';
import { senderIdentity } from './sender-identity';
import { pickLocale } from '../../i18n/locales';

export const planConfirmation = async (
  message: Extract<EmailMessage, { kind: 'confirmation' }>,
): Promise<Delivery | null> => {
  const backorder = await getBackorder(message.backorderId);
  if (!backorder || backorder.erasingAt || backorder.erasedAt) {
    // Erased before its confirmation went out (or never stored): nobody to write to.
    logger.info('confirmation for a backorder that is gone or erased; dropped', {
      backorderId: message.backorderId,
    });
    return null;
  }
  const emailId = `confirmation#${backorder.id}`;
  return {
    emailId,
    recipientKey: backorder.emailKey,
    backorderId: backorder.id,
    kind: 'confirmation',
    // Links are issued here, once the send is claimed: a retried send issues new ones, never reuses a token.
    compose: async () => {
      const { base, settings, from, replyTo } = await senderIdentity();
      // Under double opt-in, consent given at signup waits for the shopper to confirm it from this email.
      const askConsent = backorder.marketingConsent && !backorder.consentedAt;
      const [link, consentToken] = await Promise.all([
        issueEmailLink(base, backorder.id),
        askConsent ? issueConsentToken(backorder.id) : undefined,
      ]);
      const email = await renderConfirmation({
        ...(await backorderVariables(backorder, link)),
        // `lang`: the confirm page it lands on speaks the shopper's language.
        confirmUrl: consentToken
          ? `${base}/api/confirm?token=${encodeURIComponent(consentToken)}&lang=${pickLocale([backorder.locale])}`
          : '',
        postalAddress: settings.sender.postalAddress,
        locale: backorder.locale,
        paidOrder: kindOf(backorder) === 'order',
      });
      return {
        envelope: { from, replyTo, to: { name: backorder.name, address: backorder.email }, emailId },
        email,
      };
    },
    afterSend: async (sentAtMs) => {
      await enrolInMatchingCampaigns(backorder, sentAtMs);
      // Also after a duplicate delivery: a worker that died between the send and this is repaired by the
      // retry. The event's time is the signup's, so a repeat is the same event: same id, same delivery row.
      await publishBackorderEvents('backorder.created', [backorder], backorder.createdAt);
    },
  };
};
