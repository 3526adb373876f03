// @ts-check
/**
 * One backorder as customer service sees it: a card with the shopper, the product and its status, whether
 * it is a reservation or a paid order (and the shop's order behind it), how long its units are held, its
 * timeline (its events with who did them, the emails sent about it and how they fared, the webhook
 * deliveries), and the actions that fit its status. Words for the API's codes live here.
 */
import { h } from './dom.js';
import { formatDeadline, formatMoment, formatMoney, units } from '../format.js';
import { actionButton, actions, badge, card, fact, facts } from './cards.js';

/** @type {Record<string, string>} */
export const STATUS_WORDS = {
  waiting: 'Waiting',
  allocated: 'Reserved',
  fulfilled: 'Fulfilled',
  cancelled: 'Cancelled',
  expired: 'Expired (hold ended)',
};
/** @type {Record<string, string>} */
const STATUS_KINDS = {
  waiting: 'neutral',
  allocated: 'on',
  fulfilled: 'done',
  cancelled: 'off',
  expired: 'off',
};
/** @type {Record<string, string>} */
const KIND_WORDS = { reservation: 'Reservation', order: 'Paid order' };
/** @type {Record<string, string>} */
const EVENT_WORDS = {
  created: 'Joined the waiting list',
  consent_confirmed: 'Confirmed email updates',
  allocated: 'Units reserved',
  fulfilled: 'Marked fulfilled',
  cancelled: 'Cancelled',
  unsubscribed: 'Unsubscribed from updates',
  erased: 'Personal data erased at the shopper’s request',
  expired: 'Hold ended: the units went to the next in line',
  reminded: 'Hold reminder sent',
  hold_extended: 'Hold extended',
  checkout_clicked: 'Opened the checkout',
  eta_kept: 'Kept their place after the date moved',
};
/** @type {Record<string, string>} */
const EMAIL_KIND_WORDS = {
  confirmation: 'Confirmation email',
  nurture: 'Nurture email',
  restock: 'Restock alert',
  statusLink: 'Status link email',
  holdReminder: 'Hold reminder',
  holdExpired: 'Hold ended email',
  links: 'Links email (asked for by the shopper)',
  etaUpdate: 'Expected date update',
  test: 'Test email',
};
/** @type {Record<string, string>} */
const OUTCOME_WORDS = {
  sending: 'Sending',
  sent: 'Sent',
  // Withheld: never to be sent (the shopper's data was erased, or the template broke the render limits).
  withheld: 'Not sent',
  bounced: 'Bounced',
  'soft-bounced': 'Soft bounce',
  complained: 'Marked as spam',
};
/** @type {Record<string, string>} */
const OUTCOME_KINDS = {
  sent: 'on',
  withheld: 'off',
  bounced: 'off',
  'soft-bounced': 'off',
  complained: 'off',
};
/** @type {Record<string, string>} */
const DELIVERY_WORDS = {
  pending: 'Retrying',
  delivered: 'Delivered',
  failed: 'Failed',
  dead: 'Gave up',
  blocked: 'Blocked (private address, not sent)',
};
/** @type {Record<string, string>} */
const DELIVERY_KINDS = { delivered: 'on', failed: 'off', dead: 'off', blocked: 'off' };
/** @type {Record<string, string>} */
const SEGMENT_WORDS = { b2c: 'Personal (B2C)', b2b: 'Business (B2B)' };

/**
 * "soft_bounce" → "Soft bounce", "holdReminder" → "Hold reminder"; "—" for nothing.
 * @param {unknown} value
 */
export function words(value) {
  if (typeof value !== 'string' || !value) return '—';
  const text = value
    .replace(/([a-z])([A-Z])/g, (_all, a, b) => `${a} ${b.toLowerCase()}`)
    .replace(/[_-]+/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * One backorder. `timeline` is its full story from GET /api/admin/backorders/{id}; until that arrives the
 * card shows the backorder's own events.
 * @param {any} backorder
 * @param {any[]|undefined} timeline
 * @param {{allLink: ((email: string) => string)|null}} options a link to all of the shopper's backorders,
 *   unless the search is by their address already
 */
export function backorderCard(backorder, timeline, { allLink }) {
  const titleId = `backorder-${backorder.id}`;
  const active = backorder.status === 'waiting' || backorder.status === 'allocated';
  const erased = Boolean(backorder.erasedAt);
  const events = Array.isArray(backorder.events) ? backorder.events : [];
  // Older backorders have no kind: they are reservations.
  const kind = backorder.kind === 'order' ? 'order' : 'reservation';
  const holdUntil =
    typeof backorder.holdUntil === 'string' && backorder.holdUntil ? backorder.holdUntil : null;
  // Extended once at most, and only while the shopper can still complete the order.
  const extendable = backorder.status === 'allocated' && holdUntil && !backorder.holdExtendedAt;
  const currency = backorder.order?.amount?.currency;
  return card(
    {
      dataset: {
        backorderId: backorder.id,
        sku: backorder.sku,
        email: backorder.email,
        ...(typeof currency === 'string' ? { currency } : {}),
      },
      titleId,
      level: 'h3',
      titleTabIndex: -1,
      title: [h('span', { className: 'mono' }, backorder.sku), ` · ${units(backorder.quantity)}`],
      aside: badge(
        STATUS_KINDS[backorder.status] ?? 'neutral',
        STATUS_WORDS[backorder.status] ?? backorder.status,
      ),
    },
    facts(
      erased
        ? fact('Email', h('span', { className: 'muted' }, 'Erased at the shopper’s request'))
        : fact(
            'Email',
            backorder.email,
            allLink
              ? [
                  ' ',
                  h('a', { href: allLink(backorder.email), className: 'text-link' }, 'All for this shopper'),
                ]
              : null,
          ),
      backorder.name ? fact('Name', backorder.name) : null,
      backorder.company ? fact('Company', backorder.company) : null,
      fact('Customer', SEGMENT_WORDS[backorder.segment] ?? backorder.segment),
      fact('Kind', KIND_WORDS[kind]),
      backorder.order ? fact('Order', orderText(backorder.order)) : null,
      holdUntil ? fact('Held until', formatDeadline(holdUntil) ?? holdUntil) : null,
      backorder.holdExtendedAt ? fact('Hold extended', formatMoment(backorder.holdExtendedAt) ?? '—') : null,
      backorder.remindedAt ? fact('Reminder sent', formatMoment(backorder.remindedAt) ?? '—') : null,
      fact('Email updates', backorder.marketingConsent ? 'Asked for them' : 'No'),
      fact('Language', backorder.locale ?? '—'),
      fact('Signed up', formatMoment(backorder.createdAt) ?? '—'),
      fact('Backorder id', h('span', { className: 'mono' }, backorder.id)),
    ),
    h('h4', {}, 'Timeline'),
    h(
      'ol',
      {
        className: 'timeline',
        dataset: { timeline: Array.isArray(timeline) ? 'full' : 'events' },
        attrs: {
          'aria-label': `Timeline of ${backorder.sku}`,
          'aria-busy': Array.isArray(timeline) ? null : 'true',
        },
      },
      (Array.isArray(timeline) ? timeline : events).map(timelineItem),
    ),
    erased
      ? null
      : actions(
          active ? actionButton('cancel', 'Cancel backorder', titleId, 'danger') : null,
          // A shopper who ordered just after their hold ran out: the API fulfils it while its units are free.
          active || backorder.status === 'expired' ? actionButton('fulfil', 'Mark fulfilled', titleId) : null,
          extendable
            ? actionButton('extend', 'Extend hold by 1 day', titleId, 'secondary', { test: 'extend-hold' })
            : null,
          actionButton('status-link', 'Resend status link', titleId),
        ),
  );
}

/**
 * The shop's order: its id, and its amount as the currency is written ("#1001 · €29.99").
 * @param {any} order
 */
function orderText(order) {
  const money = formatMoney(order?.amount);
  return [h('span', { className: 'mono' }, String(order?.id ?? '—')), money ? ` · ${money}` : null];
}

/**
 * One line of a timeline: an event (with who), an email (and how it fared) or a webhook delivery.
 * @param {any} entry
 */
function timelineItem(entry) {
  const when = h('time', { dateTime: entry.at }, formatMoment(entry.at) ?? entry.at);
  const muted = (/** @type {string} */ text) => h('span', { className: 'muted' }, text);
  if (entry.type === 'email') {
    const outcome = entry.outcome ?? 'sent';
    const step = entry.campaignId ? ` (${entry.campaignId}${entry.stepId ? ` / ${entry.stepId}` : ''})` : '';
    return h(
      'li',
      { dataset: { entry: 'email', kind: entry.kind ?? '', outcome } },
      when,
      h(
        'span',
        {},
        `${EMAIL_KIND_WORDS[entry.kind] ?? words(entry.kind)}${step}`,
        entry.subject ? muted(` “${entry.subject}”`) : null,
        // The date slipped far enough that the email asked the shopper to keep their place or cancel.
        entry.asked === true ? muted(' asked to keep or cancel') : null,
        entry.requestedBy ? muted(` requested by ${entry.requestedBy}`) : null,
        ' ',
        badge(OUTCOME_KINDS[outcome] ?? 'neutral', OUTCOME_WORDS[outcome] ?? words(outcome)),
        outcome === 'withheld' ? muted(` ${entry.reason ?? 'the shopper’s data was erased'}`) : null,
      ),
    );
  }
  if (entry.type === 'webhook') {
    const attempts = Number(entry.attempts) || 0;
    return h(
      'li',
      { dataset: { entry: 'webhook', state: entry.state ?? '' } },
      when,
      h(
        'span',
        {},
        'Webhook ',
        h('span', { className: 'mono' }, entry.event ?? ''),
        ' to ',
        h('span', { className: 'mono' }, entry.endpoint ?? ''),
        ' ',
        badge(DELIVERY_KINDS[entry.state] ?? 'neutral', DELIVERY_WORDS[entry.state] ?? words(entry.state)),
        muted(` ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}`),
      ),
    );
  }
  return h(
    'li',
    { dataset: { entry: 'event', type: entry.type ?? '' } },
    when,
    h('span', {}, EVENT_WORDS[entry.type] ?? words(entry.type), entry.by ? muted(` by ${entry.by}`) : null),
  );
}
