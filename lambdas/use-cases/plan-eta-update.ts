/**
 * One waiting shopper's email of an expected-date announcement. Planned from the backorder as it is when the
 * sender takes the message: one that stopped waiting, was erased, or already heard of a later announcement is
 * not told something no longer true. Whether it asks to keep the place or cancel is decided here, from the
 * date the shopper agreed to wait for; the question is recorded on the backorder in the same write that adds
 * the email's link, so the status page and the keep route know it.
 */
import { logger } from '../runtime/logger';
import { hashToken, newToken } from '../runtime/tokens';
import { renderEtaUpdate } from '../emails/eta-update';
import { kindOf, type Backorder } from '../domain/backorder';
import { DEFAULT_ASK_AFTER_DAYS, asksToChoose, etaEmailId } from '../domain/eta';
import type { EmailMessage } from '../messages/email';
import { getBackorder } from '../store/backorder-store';
import { EmailRefused, addEmailToken } from '../store/email-link-store';
import { EmailWithheld, type Delivery } from './deliver-email';
import { choiceUrl, statusUrl } from './links';
import { recentSenderIdentity } from './sender-identity';

type EtaUpdateMessage = Extract<EmailMessage, { kind: 'etaUpdate' }>;

/**
 * Whether this backorder should hear of this announcement: still waiting, not told a later one, and not
 * knowing the date already (a shopper who signed up under it while its window was open).
 */
const stillToTell = (
  backorder: Backorder,
  { version, date }: Pick<EtaUpdateMessage, 'version' | 'date'>,
): boolean => {
  if (backorder.erasingAt || backorder.erasedAt || backorder.status !== 'waiting') return false;
  const told = backorder.etaNotified ?? 0;
  if (told > version) return false;
  // This announcement's own earlier attempt (a send that failed and is retried): the ledger decides.
  if (told === version) return true;
  const known = backorder.etaNotified === undefined ? backorder.etaAtSignup : backorder.etaTold;
  return known === undefined || known !== date;
};

export const planEtaUpdate = async (message: EtaUpdateMessage): Promise<Delivery | null> => {
  const backorder = await getBackorder(message.backorderId);
  if (!backorder || !stillToTell(backorder, message)) {
    logger.info('expected-date update no longer applies; dropped', {
      backorderId: message.backorderId,
      status: backorder?.status,
    });
    return null;
  }
  // The sender identity (read at most every 30 s) decides the question here and addresses the email below.
  const { base, settings, from, replyTo } = await recentSenderIdentity();
  const askAfterDays = settings.etaSlip?.askAfterDays ?? DEFAULT_ASK_AFTER_DAYS;
  // A paid order is told, never asked: the shop took the payment, and only the shop cancels it.
  const ask =
    kindOf(backorder) === 'reservation' &&
    asksToChoose(backorder, message.date, message.previous, askAfterDays);
  const emailId = etaEmailId(message.sku, message.version, backorder.id);
  return {
    emailId,
    recipientKey: backorder.emailKey,
    backorderId: backorder.id,
    kind: 'etaUpdate',
    describe: { sku: message.sku, ...(ask ? { asked: 'yes' } : {}) },
    compose: async () => {
      const token = newToken();
      const { version, date } = message;
      try {
        await addEmailToken(backorder.id, hashToken(token), {
          set: {
            etaNotified: version,
            etaTold: date,
            ...(ask ? { etaAsk: { version, date, askedAt: new Date().toISOString() } } : {}),
          },
          condition: {
            expression:
              '#status = :waiting AND (attribute_not_exists(etaNotified) OR etaNotified <= :version)',
            names: { '#status': 'status' },
            values: { ':waiting': 'waiting', ':version': version },
          },
          allows: (seen) => stillToTell(seen, message),
        });
      } catch (error) {
        // It stopped waiting, or a later announcement reached it, since it was planned.
        if (error instanceof EmailRefused) throw new EmailWithheld('no longer applies to this backorder');
        throw error;
      }
      const email = await renderEtaUpdate({
        shopper: { name: backorder.name ?? '', email: backorder.email },
        product: { name: message.productName, sku: message.sku },
        backorder: {
          quantity: backorder.quantity,
          statusUrl: statusUrl(base, backorder.id, token),
          keepUrl: choiceUrl(base, backorder.id, token, 'keep'),
          cancelUrl: choiceUrl(base, backorder.id, token, 'cancel'),
        },
        expectedRestockDate: date,
        previous: message.previous,
        ask,
        postalAddress: settings.sender.postalAddress,
        locale: backorder.locale,
      });
      return {
        envelope: { from, replyTo, to: { name: backorder.name, address: backorder.email }, emailId },
        email,
      };
    },
  };
};
