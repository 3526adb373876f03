/**
 * The confirmation a new backorder gets: transactional, sent whatever the shopper's marketing choices.
 * Once it is out, a consenting shopper is enrolled in the matching nurture campaigns and the shop's
 * webhook endpoints hear of the new backorder (`backorder.created`).
 */
import { logger } from '../shared/http';
import { statusTokenMatches } from '../shared/tokens';
import { renderConfirmation } from '../emails/confirmation';
import { getBackorder } from '../store/backorder-store';
import type { EmailMessage } from '../store/email-queue';
import type { Delivery } from './deliver-email';
import { statusUrl } from './links';
import { enrolInMatchingCampaigns } from './nurture-enrolment';
import { publishBackorderEvents } from './backorder-events';
import { backorderVariables } from './email-variables';
import { senderIdentity } from './sender-identity';

export const planConfirmation = async (
  message: Extract<EmailMessage, { kind: 'confirmation' }>,
): Promise<Delivery | null> => {
  const backorder = await getBackorder(message.backorderId);
  if (!backorder) {
    // The signup was rolled back after its confirmation was queued: nothing to confirm.
    logger.info('confirmation for a backorder that does not exist; dropped', {
      backorderId: message.backorderId,
    });
    return null;
  }
  if (!statusTokenMatches(message.statusToken, backorder.statusTokenHashes)) {
    logger.warn('confirmation token does not belong to the backorder; dropped', {
      backorderId: backorder.id,
    });
    return null;
  }
  const emailId = `confirmation#${backorder.id}`;
  return {
    emailId,
    recipientKey: backorder.emailKey,
    backorderId: backorder.id,
    kind: 'confirmation',
    compose: async () => {
      const { base, settings, from, replyTo } = await senderIdentity();
      const email = await renderConfirmation({
        ...(await backorderVariables(backorder, statusUrl(base, backorder.id, message.statusToken))),
        confirmUrl: message.consentToken
          ? `${base}/api/confirm?token=${encodeURIComponent(message.consentToken)}`
          : '',
        postalAddress: settings.sender.postalAddress,
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
