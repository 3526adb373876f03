/**
 * The confirmation a new backorder gets: transactional, sent whatever the shopper's marketing choices.
 * Once it is out, a consenting shopper is enrolled in the matching nurture campaigns and the shop's
 * webhook endpoints hear of the new backorder (`backorder.created`).
 *
 * A batch's confirmations read what they need once (lambdas/store/confirmation-reads.ts) and write their
 * status links in one request when they are composed (`statusTokenIssuer`), so a confirmation costs little
 * more than its SES call.
 */
import { logger } from '../runtime/logger';
import { renderConfirmation } from '../emails/confirmation';
import { kindOf } from '../domain/backorder';
import type { EmailMessage } from '../messages/email';
import { readConfirmationFacts, type ConfirmationFacts } from '../store/confirmation-reads';
import { issueConsentToken } from '../store/shopper-store';
import type { Delivery } from './deliver-email';
import { statusTokenIssuer } from './email-links';
import { statusUrl } from './links';
import { enrolInMatchingCampaigns } from './nurture-enrolment';
import { publishBackorderEvents } from './backorder-events';
import { variablesOf } from './email-variables';
import { identityFrom, type SenderIdentity } from './sender-identity';
import { pickLocale } from '../../i18n/locales';

type ConfirmationMessage = Extract<EmailMessage, { kind: 'confirmation' }>;

interface BatchContext {
  facts: ConfirmationFacts;
  identity: SenderIdentity;
  statusTokens: ReturnType<typeof statusTokenIssuer>;
}

const planOne = (message: ConfirmationMessage, batch: BatchContext): Delivery | null => {
  const { facts, identity, statusTokens } = batch;
  const backorder = facts.backorders.get(message.backorderId);
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
      const { base, settings, from, replyTo } = identity;
      // Under double opt-in, consent given at signup waits for the shopper to confirm it from this email.
      const askConsent = backorder.marketingConsent && !backorder.consentedAt;
      const [token, consentToken] = await Promise.all([
        statusTokens.load(backorder.id),
        askConsent ? issueConsentToken(backorder.id) : undefined,
      ]);
      const email = await renderConfirmation({
        ...variablesOf(
          backorder,
          facts.products.get(backorder.sku),
          facts.places.get(backorder.id) ?? null,
          statusUrl(base, backorder.id, token),
        ),
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

/** A batch's confirmations: each one's delivery (or null: nothing to send), or why it could not be planned. */
export const planConfirmations = async (
  messages: readonly ConfirmationMessage[],
): Promise<PromiseSettledResult<Delivery | null>[]> => {
  if (messages.length === 0) return [];
  const facts = await readConfirmationFacts(messages.map((m) => m.backorderId));
  const batch: BatchContext = {
    facts,
    identity: identityFrom(facts.settings),
    statusTokens: statusTokenIssuer(),
  };
  return Promise.allSettled(messages.map(async (message) => planOne(message, batch)));
};
