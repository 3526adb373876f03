/**
 * The hold's end, in the shopper's language: transactional, once, when a shopper did not complete their
 * order in time and their units went to the next in line. The backorder is closed, so the way back is a new
 * signup on the product's page, at the end of the queue.
 */
import { button, heading, markup, paragraph, smallPrint, strong } from './html';
import { wordsFor } from '../../i18n/email-translate';
import { renderTransactional } from './layout';
import type { RenderedEmail } from './rendered';

export interface HoldExpiredData {
  shopper: { name: string; email: string };
  product: { name: string; sku: string };
  backorder: { quantity: number; statusUrl: string };
  /** The product's landing page (`/p/{sku}`), to sign up again. */
  joinAgainUrl: string;
  postalAddress: string;
  /** The shopper's locale, as they signed up ("de-AT"). */
  locale?: string;
}

export const renderHoldExpired = (data: HoldExpiredData): Promise<RenderedEmail> => {
  const t = wordsFor(data.locale);
  const { shopper, product, backorder } = data;
  const item = t('email.item', { quantity: backorder.quantity, product: product.name });
  // The verb agrees with the number of units ("it has" / "they have"), as each language counts them.
  const gone = (value: string | ReturnType<typeof strong>) =>
    t.parts('email.expired.gone', { count: backorder.quantity, item: value });
  const greeting = shopper.name && t('email.greeting', { name: shopper.name });
  return renderTransactional({
    t,
    postalAddress: data.postalAddress,
    subject: t('email.expired.subject', { product: product.name }),
    html: markup(
      heading(t('email.expired.heading')),
      greeting && paragraph(greeting),
      paragraph(gone(strong(item))),
      paragraph(t('email.expired.again')),
      button(data.joinAgainUrl, t('email.expired.button')),
      smallPrint(t('email.privateLink', { url: backorder.statusUrl })),
    ),
    text: [
      greeting,
      gone(item).join(''),
      t('email.expired.again.text', { url: data.joinAgainUrl }),
      t('email.privateLink', { url: backorder.statusUrl }),
    ]
      .filter(Boolean)
      .join('\n\n'),
  });
};
