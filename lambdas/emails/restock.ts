/**
 * The restock alert, in the shopper's language: transactional, once per allocated backorder. Tells the
 * shopper their units are set aside, what happens next, and how to give them up.
 */
import { button, heading, markup, paragraph, smallPrint, strong } from './html';
import { renderTransactional, wordsFor } from './layout';
import type { RenderedEmail } from './templating';

export interface RestockData {
  shopper: { name: string; email: string };
  product: { name: string; sku: string };
  backorder: { quantity: number; statusUrl: string };
  postalAddress: string;
  /** The shopper's locale, as they signed up ("de-AT"). */
  locale?: string;
}

export const renderRestockAlert = (data: RestockData): Promise<RenderedEmail> => {
  const t = wordsFor(data.locale);
  const { shopper, product, backorder } = data;
  const item = t('email.item', { quantity: backorder.quantity, product: product.name });
  // The verb agrees with the number of units ("is" / "are"), as each language counts them.
  const arrived = (value: string | ReturnType<typeof strong>) =>
    t.parts('email.restock.arrived', { count: backorder.quantity, item: value });
  return renderTransactional({
    t,
    postalAddress: data.postalAddress,
    subject: t('email.restock.subject', { product: product.name }),
    html: markup(
      heading(t('email.restock.heading')),
      shopper.name && paragraph(t('email.greeting', { name: shopper.name })),
      paragraph(arrived(strong(item))),
      paragraph(t.parts('email.restock.next', { label: strong(t('email.restock.next.label')) })),
      paragraph(t('email.restock.changedMind')),
      button(backorder.statusUrl, t('email.button.backorder')),
      smallPrint(t('email.privateLink', { url: backorder.statusUrl })),
    ),
    text: [
      shopper.name && t('email.greeting', { name: shopper.name }),
      arrived(item).join(''),
      t('email.restock.next', { label: t('email.restock.next.label') }),
      t('email.restock.changedMind.text', { url: backorder.statusUrl }),
    ]
      .filter(Boolean)
      .join('\n\n'),
  });
};
