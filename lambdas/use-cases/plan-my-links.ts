/**
 * Turns a queued "my links" request (POST /api/links) into a delivery: one email to the address with a fresh
 * email link for each of its waiting or allocated backorders, or nothing at all when it has none (the API
 * answered the same either way; only the mailbox's owner learns which it was).
 */
import { logger } from '../runtime/logger';
import { mapWithLimit } from '../runtime/concurrency';
import { ACTIVE_STATUSES } from '../domain/backorder';
import { renderMyLinks } from '../emails/my-links';
import { backordersOfShopper } from '../store/backorder-listings';
import { getProduct } from '../store/catalog-store';
import type { EmailMessage } from '../messages/email';
import type { Delivery } from './deliver-email';
import { issueEmailLink } from './email-links';
import { senderIdentity } from './sender-identity';

/** More would be an unreadable email; a shopper with more active backorders gets the oldest this many. */
const MOST_LINKS = 50;

export const planMyLinks = async (
  message: Extract<EmailMessage, { kind: 'links' }>,
): Promise<Delivery | null> => {
  const active = (await backordersOfShopper(message.emailKey))
    .filter((b) => ACTIVE_STATUSES.includes(b.status) && !b.erasingAt && !b.erasedAt)
    .slice(0, MOST_LINKS);
  if (active.length === 0) {
    logger.info('links asked for an address without active backorders; nothing sent');
    return null;
  }
  // The address as the shopper last typed it, and the name they last gave.
  const latest = active[active.length - 1];
  return {
    emailId: message.emailId,
    recipientKey: message.emailKey,
    kind: 'links',
    compose: async () => {
      const { base, settings, from, replyTo } = await senderIdentity();
      const backorders = await mapWithLimit(active, 8, async (b) => {
        const [link, product] = await Promise.all([issueEmailLink(base, b.id), getProduct(b.sku)]);
        return { productName: product?.name ?? b.sku, quantity: b.quantity, statusUrl: link };
      });
      const email = await renderMyLinks({
        shopper: { name: latest.name ?? '', email: latest.email },
        backorders,
        postalAddress: settings.sender.postalAddress,
        locale: latest.locale,
      });
      return {
        envelope: {
          from,
          replyTo,
          to: { name: latest.name, address: latest.email },
          emailId: message.emailId,
        },
        email,
      };
    },
  };
};
