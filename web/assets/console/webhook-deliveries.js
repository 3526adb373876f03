// @ts-check
/**
 * A webhook endpoint's deliveries (GET /api/admin/webhooks/{id}/deliveries): each event with its state,
 * attempts and last answer, newest first a page at a time, so a failing receiver is seen rather than lost.
 */
import { admin, describeFailure, segment, SignedOut } from './admin.js';
import { byId, h, showResult } from './dom.js';
import { formatMoment } from '../format.js';
import { PagedList, counted, pagePath } from './section.js';
import { appendRows, badge, cell, rowsIn } from './cards.js';

/** @type {Record<string, {text: string, kind: string, note?: string}>} */
const STATES = {
  delivered: { text: 'Delivered', kind: 'on' },
  pending: { text: 'Retrying', kind: 'neutral' },
  failed: { text: 'Failed, not retried', kind: 'off' },
  dead: { text: 'Dead-lettered', kind: 'off' },
  blocked: {
    text: 'Blocked, not sent',
    kind: 'off',
    // The platform never posts to private or internal networks: the endpoint's name points there now.
    note: 'Not sent: the address is private or internal. Point the endpoint at a public https address.',
  },
};
const COLUMNS = ['Event', 'About', 'State', 'Attempts', 'Last answer', 'Last attempt'];

const title = byId('webhook-deliveries-title');
const url = byId('webhook-deliveries-url');
const result = byId('webhook-deliveries-result');
const deliveries = byId('webhook-deliveries');
const refreshButton = byId('webhook-deliveries-refresh', window.HTMLButtonElement);

/** The endpoint whose deliveries are shown. */
let deliveriesOf = /** @type {any} */ (null);

const pages = new PagedList({
  moreButton: byId('webhook-deliveries-more', window.HTMLButtonElement),
  fetchPage: async (cursor) =>
    (await admin('GET', pagePath(`/api/admin/webhooks/${segment(deliveriesOf.id)}/deliveries`, cursor))).body,
  append: (items) => {
    appendRows(deliveries, 'Deliveries', COLUMNS, items.map(deliveryRow));
    const count = rowsIn(deliveries).length;
    showResult(
      result,
      'info',
      count === 0
        ? 'No deliveries yet. Events appear here once they were first tried.'
        : `${counted(count, 'delivery', 'deliveries')}${pages.cursor ? ' so far' : ''}.`,
    );
  },
  failed: (error) => showResult(result, 'error', `Deliveries could not be loaded. ${describeFailure(error)}`),
  count: () => rowsIn(deliveries).length,
  entry: (index) => rowsIn(deliveries)[index]?.querySelector('th'),
});

/**
 * Shows an endpoint's deliveries (the part is shown by webhooks.js).
 * @param {any} endpoint
 */
export async function showDeliveries(endpoint) {
  deliveriesOf = endpoint;
  title.textContent = `Deliveries to ${endpoint.id}`;
  url.replaceChildren('Posted to ', h('span', { className: 'mono' }, endpoint.url), '. Newest first.');
  await reload();
  return title;
}

async function reload() {
  deliveries.replaceChildren();
  pages.restart();
  showResult(result, 'info', 'Loading deliveries…');
  await pages.next();
}

/** @param {any} delivery */
function deliveryRow(delivery) {
  const state = STATES[delivery.state] ?? { text: String(delivery.state ?? 'unknown'), kind: 'neutral' };
  // Our own words only ("HTTP 503", "no answer within 5 s", "not sent: …"): the API never passes on what a
  // receiver answered beyond its status.
  const answer =
    delivery.lastError ??
    (delivery.lastStatus !== null && delivery.lastStatus !== undefined ? `HTTP ${delivery.lastStatus}` : '—');
  return h(
    'tr',
    { dataset: { eventId: delivery.eventId ?? '' } },
    h(
      'th',
      { attrs: { scope: 'row' }, dataset: { label: 'Event' } },
      h(
        'div',
        {},
        delivery.eventType ?? '',
        h('br'),
        h('small', { className: 'mono' }, delivery.eventId ?? ''),
      ),
    ),
    // A backorder event names its backorder; a product event (a changed expected date) its SKU.
    cell('About', h('span', { className: 'mono' }, delivery.backorderId ?? delivery.sku ?? '—')),
    cell(
      'State',
      badge(state.kind, state.text),
      state.note ? h('p', { className: 'field-hint' }, state.note) : null,
    ),
    cell('Attempts', String(delivery.attempts ?? 0)),
    cell('Last answer', answer),
    cell('Last attempt', formatMoment(delivery.lastAttemptAt) ?? '—'),
  );
}

refreshButton.addEventListener('click', async () => {
  if (!deliveriesOf) return;
  refreshButton.disabled = true;
  try {
    await reload();
  } catch (error) {
    if (!(error instanceof SignedOut)) throw error;
  } finally {
    refreshButton.disabled = false;
  }
});

/** Forgets the endpoint shown (signing out). */
export function stopDeliveries() {
  deliveriesOf = null;
}
