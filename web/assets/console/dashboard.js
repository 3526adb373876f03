// @ts-check
/**
 * Dashboard (GET /api/admin/stats): how backorders go, per product (waiting, allocated, fulfilled,
 * cancelled, units waiting, median wait, share cancelled while waiting; how often its expected date changed,
 * and how many shoppers asked after a slip kept their place or cancelled), what email did (sent, bounced,
 * complained, unsubscribed) and what each nurture step was followed by, with two charts where a picture
 * says more than a table (dashboard-charts.js), and the funnel from restock alert to order over the chosen
 * period (dashboard-funnel.js).
 *
 * Every text from the shop (product names, campaign names, subjects) goes in as text nodes, never markup.
 */
import { admin, describeFailure, SignedOut } from './admin.js';
import { byId, h, showResult } from './dom.js';
import { replaceHash } from './router.js';
import { dataTable, numberCell } from './cards.js';
import { chartWidth, count, stepsChart, waitingChart } from './dashboard-charts.js';
import { funnelTable } from './dashboard-funnel.js';

const PERIODS = [7, 30, 90, 365];
const DEFAULT_DAYS = 30;

const view = byId('view-dashboard');
const titleHeading = byId('dashboard-title');
const result = byId('dashboard-result');
const periodSelect = byId('dashboard-days', window.HTMLSelectElement);
const refreshButton = byId('dashboard-refresh', window.HTMLButtonElement);
const productsPart = byId('dashboard-products');
const funnelPart = byId('dashboard-funnel');
const waitingPart = byId('dashboard-waiting');
const emailsPart = byId('dashboard-emails');
const stepsPart = byId('dashboard-steps');

const locale = document.documentElement.lang || 'en';
const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });

let days = DEFAULT_DAYS;

export const element = () => view;
export const heading = () => titleHeading;
export const title = () => 'Dashboard';

/** @param {import('./section.js').Route} route */
export async function show(route) {
  const asked = Number(route.query.get('days'));
  days = PERIODS.includes(asked) ? asked : DEFAULT_DAYS;
  periodSelect.value = String(days);
  await load();
  return titleHeading;
}

periodSelect.addEventListener('change', async () => {
  days = Number(periodSelect.value);
  replaceHash(days === DEFAULT_DAYS ? '#/dashboard' : `#/dashboard?days=${days}`);
  await load();
});

refreshButton.addEventListener('click', () => load());

async function load() {
  showResult(result, 'info', 'Loading the figures…');
  try {
    const { body } = await admin('GET', `/api/admin/stats?days=${days}`);
    render(body);
    showResult(result, 'info', `Figures as of ${new Date(body.generatedAt).toLocaleString(locale)}.`);
  } catch (error) {
    if (error instanceof SignedOut) throw error;
    showResult(result, 'error', `The figures could not be loaded. ${describeFailure(error)}`);
  }
}

/** The figures last shown: the charts are drawn again for a new width (a phone turned, a window resized). */
let lastStats = /** @type {any} */ (null);
let drawnWidth = 0;
window.addEventListener('resize', () => {
  if (!lastStats || view.hidden || chartWidth(view) === drawnWidth) return;
  render(lastStats);
});

/** @param {any} stats */
function render(stats) {
  lastStats = stats;
  drawnWidth = chartWidth(view);
  const products = Array.isArray(stats?.products) ? stats.products : [];
  const steps = Array.isArray(stats?.steps) ? stats.steps : [];
  productsPart.replaceChildren(productsTable(products));
  funnelPart.replaceChildren(funnelTable(products, stats.days ?? days));
  waitingPart.replaceChildren(...waitingChart(products, stats.days ?? days, drawnWidth));
  emailsPart.replaceChildren(emailFigures(stats?.emails ?? {}));
  stepsPart.replaceChildren(...stepsChart(steps, drawnWidth));
}

// ---- formatting -----------------------------------------------------------------------------------------

/** A wait in words: "40 s", "12 min", "5.5 h", "3.2 days". */
/** @param {number|null|undefined} seconds */
export function formatWait(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  const oneDecimal = (/** @type {number} */ value) =>
    new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value);
  if (seconds < 48 * 3600) return `${oneDecimal(seconds / 3600)} h`;
  return `${oneDecimal(seconds / 86_400)} days`;
}

const share = (/** @type {number|null|undefined} */ value) =>
  value === null || value === undefined ? '—' : percent.format(value);

/**
 * A count with what it counts on hover; "—" when the figures have none.
 * @param {unknown} value
 * @param {string} meaning
 */
const explained = (value, meaning) =>
  h(
    'span',
    { attrs: { title: meaning } },
    typeof value === 'number' && Number.isFinite(value) ? count.format(value) : '—',
  );

// ---- products ------------------------------------------------------------------------------------------

/** @param {any[]} products */
function productsTable(products) {
  if (products.length === 0) return h('p', { className: 'muted' }, 'No products yet.');
  return dataTable(
    'Backorders per product',
    [
      ['Product', false],
      ['Waiting', true],
      ['Allocated', true],
      ['Fulfilled', true],
      ['Cancelled', true],
      ['Units waiting', true],
      ['Median wait', true],
      ['Cancelled while waiting', true],
      ['Date changes', true],
      ['Kept after slip', true],
      ['Cancelled after slip', true],
    ],
    products.map((p) =>
      h(
        'tr',
        { dataset: { sku: p.sku } },
        h(
          'th',
          { attrs: { scope: 'row' }, dataset: { label: 'Product' } },
          h('div', {}, h('span', {}, p.name ?? p.sku), h('span', { className: 'mono muted sku' }, p.sku)),
        ),
        numberCell('Waiting', count.format(p.waiting)),
        numberCell('Allocated', count.format(p.allocated)),
        numberCell('Fulfilled', count.format(p.fulfilled)),
        numberCell('Cancelled', count.format(p.cancelled)),
        numberCell('Units waiting', count.format(p.unitsWaiting)),
        numberCell(
          'Median wait',
          h(
            'span',
            {
              attrs: {
                title:
                  p.waitsMeasured > 0
                    ? `From signup to units set aside, over ${p.waitsMeasured} backorders`
                    : 'No backorder got its units yet',
              },
            },
            formatWait(p.medianWaitSeconds),
          ),
        ),
        numberCell('Cancelled while waiting', share(p.cancelledWhileWaitingShare)),
        numberCell(
          'Date changes',
          explained(p.etaChanges, 'Expected date changes emailed to waiting shoppers'),
        ),
        numberCell(
          'Kept after slip',
          explained(p.keptAfterSlip, 'Shoppers asked after the date slipped who kept their place'),
        ),
        numberCell(
          'Cancelled after slip',
          explained(p.cancelledAfterSlip, 'Shoppers asked after the date slipped who cancelled'),
        ),
      ),
    ),
  );
}

// ---- email ----------------------------------------------------------------------------------------------

const KIND_NAMES = {
  confirmation: 'Confirmations',
  nurture: 'Nurture emails',
  restock: 'Restock alerts',
  etaUpdate: 'Expected date updates',
  test: 'Test sends',
};

/** @param {any} emails */
function emailFigures(emails) {
  const sent = Number(emails.sent ?? 0);
  const rate = (value) => (sent > 0 ? ` (${percent.format(value / sent)} of sent)` : '');
  const fact = (term, value, extra = '') =>
    h(
      'div',
      {},
      h('dt', {}, term),
      h('dd', {}, h('strong', { className: 'figure' }, count.format(value)), extra),
    );
  const order = Object.keys(KIND_NAMES);
  const rank = (kind) => (order.includes(kind) ? order.indexOf(kind) : order.length);
  const kinds = Object.entries(emails.sentByKind ?? {})
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  return h(
    'div',
    {},
    h(
      'dl',
      { className: 'figures' },
      fact('Sent', sent),
      fact('Bounced', Number(emails.bounced ?? 0), rate(Number(emails.bounced ?? 0))),
      fact('Complained', Number(emails.complained ?? 0), rate(Number(emails.complained ?? 0))),
      fact('Unsubscribed', Number(emails.unsubscribed ?? 0)),
    ),
    kinds.length
      ? h(
          'p',
          { className: 'muted' },
          `Sent: ${kinds.map(([kind, n]) => `${KIND_NAMES[kind] ?? kind} ${count.format(n)}`).join(' · ')}.`,
        )
      : null,
  );
}
