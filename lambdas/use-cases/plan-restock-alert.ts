/**
 * Turns a queued restock alert into a delivery. Everything it needs came with the message (written by the
 * allocation itself), so planning reads nothing but the (cached) sender identity.
 */
import { normalizeEmail } from '../domain/backorder';
import { renderRestockAlert } from '../emails/restock';
import type { RestockAlertMessage } from '../messages/alert';
import type { Delivery } from './deliver-email';
import { claimUrl, statusUrl } from './links';
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
    // A reservation's alert counts for its product's funnel (alerts sent → clicked → ordered).
    ...(alert.backorderKind === 'order' ? {} : { describe: { sku: alert.sku } }),
    compose: async () => {
      const { base, settings, from, replyTo } = await recentSenderIdentity();
      const email = await renderRestockAlert({
        shopper: { name: alert.name ?? '', email: alert.email },
        product: { name: alert.productName, sku: alert.sku },
        backorder: {
          quantity: alert.quantity,
          statusUrl: statusUrl(base, alert.backorderId, alert.statusToken),
          ...(alert.holdUntil
            ? { claimUrl: claimUrl(base, alert.backorderId, alert.statusToken), holdUntil: alert.holdUntil }
            : {}),
        },
        postalAddress: settings.sender.postalAddress,
        locale: alert.locale,
        kind: alert.backorderKind ?? 'reservation',
        timeZone: alert.timeZone,
      });
      return { envelope: { from, replyTo, to: { name: alert.name, address: alert.email }, emailId }, email };
    },
  };
};
