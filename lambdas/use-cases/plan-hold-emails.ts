/**
 * The two emails of a hold: the reminder that it ends soon, and the notice that it ran out. Each is planned
 * from the backorder as it is when the sender takes the message, so a shopper who ordered, cancelled or was
 * extended meanwhile is not told something no longer true; each has one id per backorder, so it goes out
 * once whatever is redelivered. The sender identity is the one read at most every 30 s (as restock alerts
 * do): 10 000 holds ending at once read the settings a handful of times.
 */
import { logger } from '../runtime/logger';
import { renderHoldExpired } from '../emails/hold-expired';
import { renderHoldReminder } from '../emails/hold-reminder';
import type { Backorder } from '../domain/backorder';
import type { EmailMessage } from '../messages/email';
import { getBackorder } from '../store/backorder-store';
import { getProduct } from '../store/catalog-store';
import type { Delivery } from './deliver-email';
import { issueEmailLinks } from './email-links';
import { productPageUrl } from './links';
import { recentSenderIdentity } from './sender-identity';

export const holdReminderEmailId = (backorderId: string): string => `hold-reminder#${backorderId}`;
export const holdExpiredEmailId = (backorderId: string): string => `hold-expired#${backorderId}`;

/** The backorder, if it still has an address to write to and is in the status the email is about. */
const backorderIn = async (id: string, status: Backorder['status']): Promise<Backorder | undefined> => {
  const backorder = await getBackorder(id);
  if (!backorder || backorder.erasingAt || backorder.erasedAt || backorder.status !== status) {
    logger.info('hold email no longer applies; dropped', { backorderId: id, status: backorder?.status });
    return undefined;
  }
  return backorder;
};

const planHoldEmail = (
  backorder: Backorder,
  emailId: string,
  kind: 'holdReminder' | 'holdExpired',
  render: (parts: {
    base: string;
    postalAddress: string;
    productName: string;
    links: { statusUrl: string; claimUrl: string };
  }) => ReturnType<typeof renderHoldReminder>,
): Delivery => ({
  emailId,
  recipientKey: backorder.emailKey,
  backorderId: backorder.id,
  kind,
  compose: async () => {
    const [{ base, settings, from, replyTo }, product] = await Promise.all([
      recentSenderIdentity(),
      getProduct(backorder.sku),
    ]);
    const links = await issueEmailLinks(base, backorder.id);
    const email = await render({
      base,
      postalAddress: settings.sender.postalAddress,
      productName: product?.name ?? backorder.sku,
      links,
    });
    return {
      envelope: { from, replyTo, to: { name: backorder.name, address: backorder.email }, emailId },
      email,
    };
  },
});

export const planHoldReminder = async (
  message: Extract<EmailMessage, { kind: 'holdReminder' }>,
): Promise<Delivery | null> => {
  const backorder = await backorderIn(message.backorderId, 'allocated');
  if (!backorder?.holdUntil) return null;
  const holdUntil = backorder.holdUntil;
  return planHoldEmail(backorder, holdReminderEmailId(backorder.id), 'holdReminder', (parts) =>
    renderHoldReminder({
      shopper: { name: backorder.name ?? '', email: backorder.email },
      product: { name: parts.productName, sku: backorder.sku },
      backorder: { quantity: backorder.quantity, holdUntil, ...parts.links },
      postalAddress: parts.postalAddress,
      locale: backorder.locale,
      timeZone: backorder.timeZone,
    }),
  );
};

export const planHoldExpired = async (
  message: Extract<EmailMessage, { kind: 'holdExpired' }>,
): Promise<Delivery | null> => {
  const backorder = await backorderIn(message.backorderId, 'expired');
  if (!backorder) return null;
  return planHoldEmail(backorder, holdExpiredEmailId(backorder.id), 'holdExpired', (parts) =>
    renderHoldExpired({
      shopper: { name: backorder.name ?? '', email: backorder.email },
      product: { name: parts.productName, sku: backorder.sku },
      backorder: { quantity: backorder.quantity, statusUrl: parts.links.statusUrl },
      joinAgainUrl: productPageUrl(parts.base, backorder.sku),
      postalAddress: parts.postalAddress,
      locale: backorder.locale,
    }),
  );
};
