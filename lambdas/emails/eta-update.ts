/**
 * The new expected date, in the shopper's language: transactional, once to every shopper still waiting when
 * the shop moves a product's restock date. It says what moved and that their place stays. When the date
 * slipped far past the one they signed up under, it asks whether they still want to wait, one link to keep
 * their place and one to cancel; nothing is cancelled unless they act, so doing nothing keeps their place.
 */
import { button, heading, markup, paragraph, smallPrint, strong } from './html';
import { wordsFor } from '../../i18n/email-translate';
import { renderTransactional } from './layout';
import type { RenderedEmail } from './rendered';

export interface EtaUpdateData {
  shopper: { name: string; email: string };
  product: { name: string; sku: string };
  backorder: {
    quantity: number;
    statusUrl: string;
    /** Opens the status page, which records "keep my place" in one click. */
    keepUrl: string;
    /** Opens the status page at its cancel confirmation. */
    cancelUrl: string;
  };
  /** The new expected restock date (YYYY-MM-DD), or null: the shop has no date any more. */
  expectedRestockDate: string | null;
  /** The date the shopper was told before this change (YYYY-MM-DD), or null when there was none. */
  previous: string | null;
  /** The date slipped past the shop's threshold: ask them to keep their place or cancel. */
  ask: boolean;
  postalAddress: string;
  /** The shopper's locale, as they signed up ("de-AT"). */
  locale?: string;
}

type Bold = ReturnType<typeof strong>;

export const renderEtaUpdate = (data: EtaUpdateData): Promise<RenderedEmail> => {
  const t = wordsFor(data.locale);
  const { shopper, product, backorder, expectedRestockDate: next, previous } = data;
  // A calendar day in the shopper's language, the same day in every time zone (`t.day`: dateStyle long, UTC);
  // the platform validated the date when the shop set it, but were it ever unreadable, it is said as stored.
  const day = (value: string) => t.day(value) ?? value;
  // YYYY-MM-DD strings sort as the days do. An equal or unknown previous date is no good news.
  const earlier = next !== null && previous !== null && next < previous;
  const item = t('email.item', { quantity: backorder.quantity, product: product.name });

  const subject =
    next === null
      ? t('email.eta.subject.none', { product: product.name })
      : t(earlier ? 'email.eta.subject.earlier' : 'email.eta.subject.later', {
          product: product.name,
          date: day(next),
        });
  // What moved, the product in bold in the HTML: from when to when, or that no date is left.
  const moved = (name: string | Bold) =>
    next === null
      ? previous === null
        ? t.parts('email.eta.none', { product: name })
        : t.parts('email.eta.none.previous', { product: name, previous: day(previous) })
      : previous === null || previous === next
        ? t.parts('email.eta.set', { product: name, date: day(next) })
        : t.parts('email.eta.moved', { product: name, date: day(next), previous: day(previous) });
  // The verb agrees with the number of units ("is" / "are"), as each language counts them.
  const place = (value: string | Bold) =>
    t.parts('email.eta.place', { count: backorder.quantity, item: value });
  // Without a date there is no "new date" to compare with the signup's; the question says so instead.
  const question = t(next === null ? 'email.eta.ask.none' : 'email.eta.ask');
  const greeting = shopper.name && t('email.greeting', { name: shopper.name });

  return renderTransactional({
    t,
    postalAddress: data.postalAddress,
    subject,
    html: markup(
      heading(t('email.eta.heading')),
      greeting && paragraph(greeting),
      paragraph(moved(strong(product.name))),
      paragraph(place(strong(item))),
      data.ask && [
        paragraph(strong(question)),
        button(backorder.keepUrl, t('email.eta.button.keep')),
        button(backorder.cancelUrl, t('email.eta.button.cancel')),
        paragraph(t('email.eta.ask.stays')),
      ],
      button(backorder.statusUrl, t('email.button.backorder')),
      smallPrint(t('email.privateLink', { url: backorder.statusUrl })),
    ),
    text: [
      greeting,
      moved(product.name).join(''),
      place(item).join(''),
      data.ask &&
        [
          question,
          t('email.eta.keep.text', { url: backorder.keepUrl }),
          t('email.eta.cancel.text', { url: backorder.cancelUrl }),
          t('email.eta.ask.stays'),
        ].join('\n'),
      t('email.privateLink', { url: backorder.statusUrl }),
    ]
      .filter(Boolean)
      .join('\n\n'),
  });
};
