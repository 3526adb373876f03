/**
 * "Your backorder links", in the shopper's language: what a shopper who lost their links gets when they ask
 * for them by address (POST /api/links). One message with an email link for each of their active backorders.
 * Transactional.
 */
import { heading, Html, link, markup, paragraph, smallPrint, strong } from './html';
import { wordsFor } from '../../i18n/email-translate';
import { renderTransactional } from './layout';
import type { RenderedEmail } from './rendered';

export interface MyLinksData {
  shopper: { name: string; email: string };
  backorders: { productName: string; quantity: number; statusUrl: string }[];
  postalAddress: string;
  /** The locale of the address's latest backorder ("de-AT"). */
  locale?: string;
}

export const renderMyLinks = (data: MyLinksData): Promise<RenderedEmail> => {
  const t = wordsFor(data.locale);
  const { shopper, backorders } = data;
  const itemOf = (b: MyLinksData['backorders'][number]) =>
    t('email.item', { quantity: b.quantity, product: b.productName });
  return renderTransactional({
    t,
    postalAddress: data.postalAddress,
    subject: t('email.myLinks.subject', {
      count: backorders.length,
      product: backorders[0]?.productName ?? '',
    }),
    html: markup(
      heading(t('email.myLinks.heading')),
      shopper.name && paragraph(t('email.greeting', { name: shopper.name })),
      paragraph(t('email.myLinks.asked')),
      backorders.map((b) =>
        paragraph(strong(itemOf(b)), new Html('<br>'), link(b.statusUrl, t('email.myLinks.see'))),
      ),
      paragraph(t('email.myLinks.explains')),
      smallPrint(t('email.myLinks.notYou')),
    ),
    text: [
      shopper.name && t('email.greeting', { name: shopper.name }),
      t('email.myLinks.asked'),
      backorders.map((b) => `${itemOf(b)}\n${b.statusUrl}`).join('\n\n'),
      t('email.myLinks.explains'),
      t('email.myLinks.notYou'),
    ]
      .filter(Boolean)
      .join('\n\n'),
  });
};
