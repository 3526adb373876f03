// @ts-check
/**
 * The dashboard's funnel, from restock alert to order (GET /api/admin/stats, docs/statistics.md): per
 * product over the chosen period, the restock alerts sent, the shoppers who clicked "Complete your order",
 * the orders that followed an alert and the holds that ran out, the revenue recovered per currency, and the
 * paid orders the shop placed as backorders (all time); a totals row sums them.
 *
 * Money comes in minor units per currency ({"EUR": 2999}); each currency is written its own way and never
 * added to another. Figures missing from an older answer read as nothing rather than as zero.
 */
import { h } from './dom.js';
import { dataTable, numberCell } from './cards.js';
import { count } from './dashboard-charts.js';
import { formatMoney } from '../format.js';

const locale = document.documentElement.lang || 'en';
const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });

/** @typedef {Record<string, number>} Revenue minor units per ISO 4217 currency */
/** @typedef {{alertsSent: number, alertClicks: number, fulfilledAfterAlert: number, expired: number, revenue: Revenue, paidOrders: number}} Funnel */

/** @param {unknown} value */
const figure = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/**
 * The currencies of an answer's revenue that read as money; anything else is left out.
 * @param {unknown} value
 * @returns {Revenue}
 */
function revenueOf(value) {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      ([currency, amount]) =>
        /^[A-Z]{3}$/.test(currency) && typeof amount === 'number' && Number.isFinite(amount),
    ),
  );
}

/**
 * A product's funnel over the period.
 * @param {any} product
 * @returns {Funnel}
 */
function funnelOf(product) {
  const period = product?.period ?? {};
  return {
    alertsSent: figure(period.alertsSent),
    alertClicks: figure(period.alertClicks),
    fulfilledAfterAlert: figure(period.fulfilledAfterAlert),
    expired: figure(period.expired),
    revenue: revenueOf(period.revenue),
    paidOrders: figure(product?.paidOrders),
  };
}

/**
 * The sum of funnels, each currency apart.
 * @param {Funnel[]} funnels
 * @returns {Funnel}
 */
function totalOf(funnels) {
  /** @type {Funnel} */
  const total = {
    alertsSent: 0,
    alertClicks: 0,
    fulfilledAfterAlert: 0,
    expired: 0,
    revenue: {},
    paidOrders: 0,
  };
  for (const funnel of funnels) {
    total.alertsSent += funnel.alertsSent;
    total.alertClicks += funnel.alertClicks;
    total.fulfilledAfterAlert += funnel.fulfilledAfterAlert;
    total.expired += funnel.expired;
    total.paidOrders += funnel.paidOrders;
    for (const [currency, amount] of Object.entries(funnel.revenue))
      total.revenue[currency] = (total.revenue[currency] ?? 0) + amount;
  }
  return total;
}

/**
 * Each currency on a line of its own, in the order of its code; "—" when nothing came in.
 * @param {Revenue} revenue
 */
function revenueLines(revenue) {
  const amounts = Object.entries(revenue)
    .filter(([, amount]) => amount !== 0)
    .sort(([a], [b]) => a.localeCompare(b));
  if (amounts.length === 0) return '—';
  return amounts.map(([currency, value]) =>
    h('div', { dataset: { currency } }, formatMoney({ value, currency }, locale) ?? `${value} ${currency}`),
  );
}

/**
 * The cells of one row: a funnel's figures.
 * @param {Funnel} funnel
 */
const funnelCells = (funnel) => [
  numberCell('Alerts sent', count.format(funnel.alertsSent)),
  numberCell('Clicked', count.format(funnel.alertClicks)),
  numberCell('Ordered after alert', count.format(funnel.fulfilledAfterAlert)),
  numberCell(
    'Conversion',
    funnel.alertsSent > 0 ? percent.format(funnel.fulfilledAfterAlert / funnel.alertsSent) : '—',
  ),
  numberCell('Holds expired', count.format(funnel.expired)),
  numberCell('Revenue', revenueLines(funnel.revenue)),
  numberCell('Paid orders', count.format(funnel.paidOrders)),
];

/**
 * The funnel table (#funnel-table), or a line saying there are no products.
 * @param {any[]} products the stats answer's products
 * @param {number} days the period the answer covers
 */
export function funnelTable(products, days) {
  if (products.length === 0) return h('p', { className: 'muted' }, 'No products yet.');
  const funnels = products.map(funnelOf);
  const table = dataTable(
    `From restock alert to order, last ${days} days`,
    [
      ['Product', false],
      ['Alerts sent', true],
      ['Clicked', true],
      ['Ordered after alert', true],
      ['Conversion', true],
      ['Holds expired', true],
      ['Revenue', true],
      ['Paid orders', true],
    ],
    products.map((p, i) =>
      h(
        'tr',
        { dataset: { sku: p.sku } },
        h(
          'th',
          { attrs: { scope: 'row' }, dataset: { label: 'Product' } },
          h('div', {}, h('span', {}, p.name ?? p.sku), h('span', { className: 'mono muted sku' }, p.sku)),
        ),
        funnelCells(funnels[i]),
      ),
    ),
    { visibleCaption: true },
  );
  table.id = 'funnel-table';
  table.append(
    h(
      'tfoot',
      {},
      h(
        'tr',
        { dataset: { total: 'true' } },
        h('th', { attrs: { scope: 'row' }, dataset: { label: 'Product' } }, h('div', {}, 'All products')),
        funnelCells(totalOf(funnels)),
      ),
    ),
  );
  return table;
}
