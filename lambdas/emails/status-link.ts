/**
 * A fresh status link, in the shopper's language, sent when the shopper asks customer service for it (the
 * first one is in the confirmation). Transactional: it goes out whatever the shopper's marketing choices.
 */
import { button, heading, markup, paragraph, smallPrint, strong } from './html';
import { wordsFor } from '../../i18n/email-translate';
import { renderTransactional } from './layout';
import type { RenderedEmail } from './rendered';

export interface StatusLinkData {
  shopper: { name: string; email: string };
  product: { name: string; sku: string };
  backorder: { quantity: number; statusUrl: string };
  postalAddress: string;
  /** The shopper's locale, as they signed up ("de-AT"). */
  locale?: string;
}

export const renderStatusLink = (data: StatusLinkData): Promise<RenderedEmail> => {
  const t = wordsFor(data.locale);
  const { shopper, product, backorder } = data;
  const item = t('email.item', { quantity: backorder.quantity, product: product.name });
  return renderTransactional({
    t,
    postalAddress: data.postalAddress,
    subject: t('email.statusLink.subject', { product: product.name }),
    html: markup(
      heading(t('email.statusLink.heading')),
      shopper.name && paragraph(t('email.greeting', { name: shopper.name })),
      paragraph(t.parts('email.statusLink.asked', { item: strong(item) })),
      button(backorder.statusUrl, t('email.button.backorder')),
      paragraph(t('email.link.explains')),
      smallPrint(t('email.privateLink', { url: backorder.statusUrl })),
      smallPrint(t('email.statusLink.notYou')),
    ),
    text: [
      shopper.name && t('email.greeting', { name: shopper.name }),
      t('email.statusLink.asked', { item }),
      backorder.statusUrl,
      t('email.link.explains'),
      t('email.statusLink.notYou'),
    ]
      .filter(Boolean)
      .join('\n\n'),
  });
};
