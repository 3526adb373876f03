/**
 * Turns a queued status link (customer service resent it) into a delivery. Its id names the request, so
 * one request sends one email however often the message arrives; a backorder erased meanwhile gets nothing.
 */
import { logger } from '../runtime/logger';
import { renderStatusLink } from '../emails/status-link';
import { getBackorder } from '../store/backorder-store';
import { statusLinkEmailId, type EmailMessage } from '../messages/email';
import type { Delivery } from './deliver-email';
import { getProduct } from '../store/catalog-store';
import { issueEmailLink } from './email-links';
import { senderIdentity } from './sender-identity';

export const planStatusLink = async (
  message: Extract<EmailMessage, { kind: 'statusLink' }>,
): Promise<Delivery | null> => {
  const backorder = await getBackorder(message.backorderId);
  if (!backorder || backorder.erasingAt || backorder.erasedAt) {
    logger.info('status link for a backorder that is gone or erased; dropped', {
      backorderId: message.backorderId,
    });
    return null;
  }
  const emailId = statusLinkEmailId(backorder.id, message.requestId);
  return {
    emailId,
    recipientKey: backorder.emailKey,
    backorderId: backorder.id,
    kind: 'statusLink',
    describe: { requestedBy: message.requestedBy },
    compose: async () => {
      const [{ base, settings, from, replyTo }, product] = await Promise.all([
        senderIdentity(),
        getProduct(backorder.sku),
      ]);
      const link = await issueEmailLink(base, backorder.id);
      const email = await renderStatusLink({
        shopper: { name: backorder.name ?? '', email: backorder.email },
        product: { name: product?.name ?? backorder.sku, sku: backorder.sku },
        backorder: {
          quantity: backorder.quantity,
          statusUrl: link,
        },
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
