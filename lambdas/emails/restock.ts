/**
 * The restock alert, in the shopper's language: transactional, once per allocated backorder. Tells the
 * shopper their units are set aside and what happens next, which depends on the backorder:
 * - a reservation the shop holds for a while (it has a checkout): the shopper must complete their order
 *   with the claim link before the hold ends, else the units go to the next in line;
 * - a paid order: the shop ships it, nothing for the shopper to do;
 * - a reservation without a hold: the shop completes the order itself.
 */
import { button, heading, markup, paragraph, smallPrint, strong } from './html';
import { formatHoldEnd } from './hold-time';
import { restockWordsFor } from '../../i18n/email-restock';
import { renderTransactional } from './layout';
import type { RenderedEmail } from './rendered';

export interface RestockData {
  shopper: { name: string; email: string };
  product: { name: string; sku: string };
  backorder: {
    quantity: number;
    statusUrl: string;
    /** The claim link (`/r/{id}?token=`) to the shop's checkout, for a reservation with a hold. */
    claimUrl?: string;
    /** When the hold ends (ISO instant), for a reservation with a hold. */
    holdUntil?: string;
  };
  postalAddress: string;
  /** The shopper's locale, as they signed up ("de-AT"). */
  locale?: string;
  /** A shopper's signup (`reservation`, the default) or an order they already paid for (`order`). */
  kind?: 'reservation' | 'order';
  /** The shopper's IANA time zone ("Europe/Berlin") for the hold's end; UTC when absent or unknown. */
  timeZone?: string;
}

export const renderRestockAlert = (data: RestockData): Promise<RenderedEmail> => {
  const t = restockWordsFor(data.locale);
  const { shopper, product, backorder } = data;
  const item = t('email.item', { quantity: backorder.quantity, product: product.name });
  // The verb agrees with the number of units ("is" / "are"), as each language counts them.
  const arrived = (value: string | ReturnType<typeof strong>) =>
    t.parts('email.restock.arrived', { count: backorder.quantity, item: value });
  const greeting = shopper.name && t('email.greeting', { name: shopper.name });
  const common = { t, postalAddress: data.postalAddress };

  if (data.kind === 'order') {
    // Paid already: no claim link, no hold, and no "cancel and the next one gets it" (a refund is the shop's).
    const next = (label: string | ReturnType<typeof strong>) =>
      t.parts('email.restock.order.next', { label });
    return renderTransactional({
      ...common,
      subject: t('email.restock.order.subject', { product: product.name }),
      html: markup(
        heading(t('email.restock.order.heading')),
        greeting && paragraph(greeting),
        paragraph(arrived(strong(item))),
        paragraph(next(strong(t('email.restock.next.label')))),
        button(backorder.statusUrl, t('email.button.backorder')),
        smallPrint(t('email.privateLink', { url: backorder.statusUrl })),
      ),
      text: [
        greeting,
        arrived(item).join(''),
        next(t('email.restock.next.label')).join(''),
        t('email.privateLink', { url: backorder.statusUrl }),
      ]
        .filter(Boolean)
        .join('\n\n'),
    });
  }

  // A hold needs both its link and a readable end: without them the shop completes the order, as before.
  const end = backorder.holdUntil ? formatHoldEnd(backorder.holdUntil, t.locale, data.timeZone) : null;
  if (backorder.claimUrl && end) {
    // The shopper must act now, so "you do not need to do anything" must not be said here.
    return renderTransactional({
      ...common,
      subject: t('email.restock.subject', { product: product.name }),
      html: markup(
        heading(t('email.restock.heading')),
        greeting && paragraph(greeting),
        paragraph(arrived(strong(item))),
        paragraph(t('email.restock.hold.act'), ' ', t.parts('email.hold.until', { end: strong(end) })),
        button(backorder.claimUrl, t('email.button.claim')),
        paragraph(t('email.restock.changedMind')),
        smallPrint(t('email.privateLink', { url: backorder.statusUrl })),
      ),
      text: [
        greeting,
        arrived(item).join(''),
        `${t('email.restock.hold.act')} ${t('email.hold.until', { end })}`,
        t('email.claim.text', { url: backorder.claimUrl }),
        t('email.restock.changedMind.text', { url: backorder.statusUrl }),
      ]
        .filter(Boolean)
        .join('\n\n'),
    });
  }

  return renderTransactional({
    ...common,
    subject: t('email.restock.subject', { product: product.name }),
    html: markup(
      heading(t('email.restock.heading')),
      greeting && paragraph(greeting),
      paragraph(arrived(strong(item))),
      paragraph(t.parts('email.restock.next', { label: strong(t('email.restock.next.label')) })),
      paragraph(t('email.restock.changedMind')),
      button(backorder.statusUrl, t('email.button.backorder')),
      smallPrint(t('email.privateLink', { url: backorder.statusUrl })),
    ),
    text: [
      greeting,
      arrived(item).join(''),
      t('email.restock.next', { label: t('email.restock.next.label') }),
      t('email.restock.changedMind.text', { url: backorder.statusUrl }),
    ]
      .filter(Boolean)
      .join('\n\n'),
  });
};
