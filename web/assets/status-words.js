// @ts-check
/**
 * What the status page says about a backorder, in the shopper's language: the word for its status, the
 * sentences of where they stand, and each event of its history.
 *
 * Two kinds read differently (docs/api.md): a reservation (a signup) is completed by the shopper at the
 * shop's checkout while its units are held, and "fulfilled" means the shop confirmed the order; a paid order
 * (kind "order") needs nothing more from the shopper, so its allocation reads "on its way" and its
 * fulfilment "shipped". Backorders from before kinds and holds have neither field: they read as
 * reservations without a hold, as they always did.
 */

/** @typedef {import('./translate.js').PageTranslate} Translate */

/** @param {any} b */
export const isOrder = (b) => b?.kind === 'order';

/**
 * When the units held for the shopper go to the next in line, while they can still complete the order;
 * null when there is nothing to complete (no hold, not allocated, a paid order).
 * @param {any} b
 * @returns {string|null}
 */
export function activeHold(b) {
  if (b?.status !== 'allocated' || isOrder(b)) return null;
  return typeof b.holdUntil === 'string' && b.holdUntil !== '' ? b.holdUntil : null;
}

/**
 * The status in a word or two ("Reserved for you"); the API's own word for a status the page does not know.
 * @param {Translate} t
 * @param {any} b
 */
export function statusWord(t, b) {
  switch (b.status) {
    case 'waiting':
      return t('status.word.waiting');
    case 'allocated':
      return t(isOrder(b) ? 'status.word.onItsWay' : 'status.word.allocated');
    case 'fulfilled':
      return t(isOrder(b) ? 'status.word.shipped' : 'status.word.fulfilled');
    case 'cancelled':
      return t('status.word.cancelled');
    case 'expired':
      return t('status.word.expired');
    default:
      return String(b.status);
  }
}

/**
 * The sentences that say where the shopper stands, in the page's one live region: the first is the news.
 * @param {Translate} t
 * @param {any} b
 * @returns {string[]}
 */
export function stateSentences(t, b) {
  const product = b.productName || b.sku;
  const count = b.quantity;
  switch (b.status) {
    case 'waiting':
      return [
        Number.isInteger(b.position)
          ? t('signup.done.place', { position: b.position })
          : t('status.waiting.noPlace'),
        t('status.waiting.email', { product }),
      ];
    case 'allocated':
      if (isOrder(b))
        return [t('status.order.allocated.title', { count, product }), t('status.order.allocated.next')];
      return [
        t('status.allocated.title', { count, product }),
        t(activeHold(b) ? 'status.allocated.claim' : 'status.allocated.next'),
      ];
    case 'fulfilled':
      return isOrder(b)
        ? [t('status.order.fulfilled.title'), t('status.order.fulfilled.text')]
        : [t('status.fulfilled.title'), t('status.fulfilled.text')];
    case 'cancelled':
      return [t('status.cancelled.title'), t('status.cancelled.text')];
    case 'expired':
      return [t('status.expired.title'), t('status.expired.text')];
    default:
      return [t('status.unknown', { status: b.status })];
  }
}

/** The catalogue's words for each event type the API records (status.event.*). */
/** @type {Record<string, Parameters<Translate>[0]>} */
const EVENT_KEYS = {
  created: 'status.event.created',
  confirmed: 'status.event.confirmed',
  consent_confirmed: 'status.event.confirmed',
  allocated: 'status.event.allocated',
  fulfilled: 'status.event.fulfilled',
  cancelled: 'status.event.cancelled',
  unsubscribed: 'status.event.unsubscribed',
  expired: 'status.event.expired',
  reminded: 'status.event.reminded',
  hold_extended: 'status.event.holdExtended',
  checkout_clicked: 'status.event.checkoutClicked',
  eta_kept: 'status.event.etaKept',
};

/** A paid order's events that read differently from a reservation's. */
/** @type {Record<string, Parameters<Translate>[0]>} */
const ORDER_EVENT_KEYS = {
  created: 'status.event.orderCreated',
  fulfilled: 'status.event.shipped',
};

/**
 * One event of the history in words.
 * @param {Translate} t
 * @param {any} b
 * @param {unknown} type
 */
export function eventWords(t, b, type) {
  // Own keys only: an event type such as "constructor" is not a word of the catalogue.
  const own = (/** @type {Record<string, any>} */ keys) =>
    typeof type === 'string' && Object.hasOwn(keys, type) ? keys[type] : null;
  const key = (isOrder(b) ? own(ORDER_EVENT_KEYS) : null) ?? own(EVENT_KEYS);
  if (key) return t(key);
  // Unknown event types still read as words rather than identifiers.
  const words = String(type)
    .replace(/[._-]+/g, ' ')
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
