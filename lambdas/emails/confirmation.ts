/**
 * The transactional confirmation a shopper gets once for every new backorder, in their language: what they
 * asked for, their place in the queue, and the private status link.
 */
import { button, heading, link, markup, paragraph, smallPrint, strong } from './html';
import { wordsFor } from '../../i18n/email-translate';
import { renderTransactional } from './layout';
import type { RenderedEmail } from './rendered';

export interface ConfirmationData {
  shopper: { name: string; email: string };
  product: { name: string; sku: string; expectedRestockDate: string };
  backorder: { quantity: number; position: number | null; statusUrl: string };
  /** Under double opt-in, the link that confirms marketing consent; empty otherwise. */
  confirmUrl: string;
  postalAddress: string;
  /** The shopper's locale, as they signed up ("de-AT"). */
  locale?: string;
  /** A paid order (the shop took the payment): nothing left to charge, and the shop is who cancels it. */
  paidOrder?: boolean;
}

export const renderConfirmation = (data: ConfirmationData): Promise<RenderedEmail> => {
  const t = wordsFor(data.locale);
  const { shopper, product, backorder, confirmUrl } = data;
  const item = t('email.item', { quantity: backorder.quantity, product: product.name });
  const date = t.day(product.expectedRestockDate);
  const statusUrl = backorder.statusUrl;
  return renderTransactional({
    t,
    postalAddress: data.postalAddress,
    subject: t('email.confirmation.subject', { product: product.name }),
    html: markup(
      heading(t('email.confirmation.heading')),
      shopper.name && paragraph(t('email.greeting', { name: shopper.name })),
      paragraph(t.parts('email.confirmation.have', { item: strong(item) })),
      backorder.position &&
        paragraph(t.parts('email.confirmation.position', { position: strong(String(backorder.position)) })),
      date && paragraph(t('email.confirmation.restock', { date })),
      confirmUrl &&
        paragraph(
          t.parts('email.confirmation.consent', {
            link: link(confirmUrl, t('email.confirmation.consent.link')),
          }),
        ),
      paragraph(t(data.paidOrder ? 'email.confirmation.order.next' : 'email.confirmation.next')),
      button(statusUrl, t('email.confirmation.button')),
      smallPrint(
        data.paidOrder
          ? t('email.privateLink', { url: statusUrl })
          : t('email.confirmation.cancelAnytime', { url: statusUrl }),
      ),
    ),
    text: [
      shopper.name && t('email.greeting', { name: shopper.name }),
      [
        t('email.confirmation.have', { item }),
        backorder.position && t('email.confirmation.position', { position: String(backorder.position) }),
        date && t('email.confirmation.restock', { date }),
      ]
        .filter(Boolean)
        .join('\n'),
      confirmUrl && t('email.confirmation.consent.text', { url: confirmUrl }),
      t(data.paidOrder ? 'email.confirmation.order.next' : 'email.confirmation.next'),
      data.paidOrder
        ? t('email.privateLink', { url: statusUrl })
        : t('email.confirmation.link.text', { url: statusUrl }),
    ]
      .filter(Boolean)
      .join('\n\n'),
  });
};
