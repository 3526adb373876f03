/**
 * Turns a queued restock alert into a delivery. Everything it needs came with the message (written by the
 * allocation itself), so planning reads nothing but the (cached) sender identity.
 */
import { normalizeEmail } from '../domain/backorder';
import { renderRestockAlert } from '../emails/restock';
import type { RestockAlertMessage } from '../messages/alert';
import type { Delivery } from './deliver-email';
import { statusUrl } from './links';
import { recentSenderIdentity } from './sender-identity';

/** One restock alert per backorder, ever: a backorder is allocated at most once. */
export const restockEmailId = (backorderId: string): string => `restock#${backorderId}`;

export const planRestockAlert = (alert: RestockAlertMessage): Delivery => {
  const emailId = restockEmailId(alert.backorderId);
  return {
    emailId,
    recipientKey: normalizeEmail(alert.email),
    backorderId: alert.backorderId,
    kind: 'restock',
    compose: async () => {
      const { base, settings, from, replyTo } = await recentSenderIdentity();
      const email = await renderRestockAlert({
        shopper: { name: alert.name ?? '', email: alert.email },
        product: { name: alert.productName, sku: alert.sku },
        backorder: {
          quantity: alert.quantity,
          statusUrl: statusUrl(base, alert.backorderId, alert.statusToken),
        },
        postalAddress: settings.sender.postalAddress,
        locale: alert.locale,
      });
      return { envelope: { from, replyTo, to: { name: alert.name, address: alert.email }, emailId }, email };
    },
  };
};
