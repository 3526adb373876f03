/**
 * The hold reminder, in the shopper's language: transactional, once per hold, when little of it is left.
 * The units set aside for the shopper go to the next in line at the hold's end unless they complete their
 * order, so it repeats the claim link and the end (in their time zone), and how to give the units up.
 */
import { button, heading, markup, paragraph, smallPrint, strong } from './html';
import { formatHoldEnd } from './hold-time';
import { wordsFor } from '../../i18n/email-translate';
import { renderTransactional } from './layout';
import type { RenderedEmail } from './rendered';

export interface HoldReminderData {
  shopper: { name: string; email: string };
  product: { name: string; sku: string };
  backorder: {
    quantity: number;
    statusUrl: string;
    /** The claim link (`/r/{id}?token=`) to the shop's checkout. */
    claimUrl: string;
    /** When the hold ends (ISO instant). */
    holdUntil: string;
  };
  postalAddress: string;
  /** The shopper's locale, as they signed up ("de-AT"). */
  locale?: string;
  /** The shopper's IANA time zone ("Europe/Berlin"); UTC when absent or unknown. */
  timeZone?: string;
}

export const renderHoldReminder = (data: HoldReminderData): Promise<RenderedEmail> => {
  const t = wordsFor(data.locale);
  const { shopper, product, backorder } = data;
  const item = t('email.item', { quantity: backorder.quantity, product: product.name });
  // The end comes from the platform's own clock; were it ever unreadable, the email still says it as stored.
  const end = formatHoldEnd(backorder.holdUntil, t.locale, data.timeZone) ?? backorder.holdUntil;
  const still = (value: string | ReturnType<typeof strong>) =>
    t.parts('email.reminder.still', { count: backorder.quantity, item: value });
  const greeting = shopper.name && t('email.greeting', { name: shopper.name });
  return renderTransactional({
    t,
    postalAddress: data.postalAddress,
    subject: t('email.reminder.subject', { product: product.name, end }),
    html: markup(
      heading(t('email.reminder.heading')),
      greeting && paragraph(greeting),
      paragraph(still(strong(item))),
      paragraph(t.parts('email.hold.until', { end: strong(end) })),
      button(backorder.claimUrl, t('email.button.claim')),
      paragraph(t('email.reminder.notWanted')),
      smallPrint(t('email.privateLink', { url: backorder.statusUrl })),
    ),
    text: [
      greeting,
      still(item).join(''),
      t('email.hold.until', { end }),
      t('email.claim.text', { url: backorder.claimUrl }),
      t('email.reminder.notWanted.text', { url: backorder.statusUrl }),
    ]
      .filter(Boolean)
      .join('\n\n'),
  });
};
