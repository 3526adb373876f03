// @ts-check
/**
 * The dashboard's two charts, small hand-drawn SVGs drawn for the width they get: units waiting per day per
 * product (lines), and cancellations after each nurture step (bars). Each is an image named by its title
 * and described in words, with its numbers in a table right below, for screen readers and for anyone who
 * wants the exact figures. Every text from the shop goes in as text nodes, never markup.
 */
import { h, uniqueId } from './dom.js';
import { cell, dataTable, numberCell } from './cards.js';

/** Lines on the waiting-units chart: more than this is a tangle, so the products with most units waiting. */
const MAX_LINES = 6;
const MAX_BARS = 20;

const locale = document.documentElement.lang || 'en';
export const count = new Intl.NumberFormat(locale);
const shortDay = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const longDay = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });

// ---- SVG ------------------------------------------------------------------------------------------------

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * An SVG element; text children go in as text nodes, like h().
 * @param {string} tag
 * @param {Record<string, string|number|undefined>} [attrs]
 * @param {...(import('./dom.js').Child|import('./dom.js').Child[])} children
 */
function s(tag, attrs = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs))
    if (value !== undefined && value !== null) element.setAttribute(name, String(value));
  for (const child of children.flat())
    if (child !== null && child !== undefined && child !== false)
      element.append(child instanceof window.Node ? child : String(child));
  return element;
}

/**
 * An accessible chart: role=img named by its <title>, described by its <desc>.
 * @param {number} width
 * @param {number} height
 * @param {string} titleText
 * @param {string} description
 * @param {...Element} content
 */
function chartSvg(width, height, titleText, description, ...content) {
  const titleId = uniqueId('chart-title');
  const descId = uniqueId('chart-desc');
  return s(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      class: 'chart',
      role: 'img',
      'aria-labelledby': `${titleId} ${descId}`,
      preserveAspectRatio: 'xMidYMid meet',
    },
    s('title', { id: titleId }, titleText),
    s('desc', { id: descId }, description),
    ...content,
  );
}

/** The smallest of 1, 2, 5, 10, 20, 50… that is at least `value`: a round step or bound for counts. */
/** @param {number} value */
function roundUp(value) {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= value) ?? 10 * magnitude;
}

/** Whole-number gridlines from 0 to a round top at or above `max`, at most five steps. */
/** @param {number} max */
function axisTicks(max) {
  const step = roundUp(Math.max(max, 1) / 5);
  const top = step * Math.max(1, Math.ceil(max / step));
  return Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
}

/**
 * Charts are drawn for the width they get (text stays readable on a phone), within these bounds.
 * @param {HTMLElement} view
 */
export const chartWidth = (view) => Math.round(Math.min(720, Math.max(300, view.clientWidth || 720)));

const truncate = (/** @type {string} */ text, /** @type {number} */ max) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

// ---- waiting units over time -----------------------------------------------------------------------------

/**
 * @param {any[]} products
 * @param {number} window days shown
 * @param {number} width
 */
export function waitingChart(products, window, width) {
  const withSeries = products.filter((p) => Array.isArray(p.daily) && p.daily.length > 0);
  const active = withSeries.filter((p) => p.daily.some((d) => d.unitsWaiting > 0 || d.unitsAdded > 0));
  if (active.length === 0)
    return [h('p', { className: 'muted' }, `No units waited in the last ${window} days.`)];
  const shown = [...active].sort((a, b) => b.unitsWaiting - a.unitsWaiting).slice(0, MAX_LINES);
  const dayList = shown[0].daily.map((d) => d.day);

  const height = width < 480 ? 220 : 280;
  const margin = { left: 44, right: 12, top: 16, bottom: 40 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const ticksY = axisTicks(Math.max(...shown.flatMap((p) => p.daily.map((d) => d.unitsWaiting))));
  const top = ticksY[ticksY.length - 1];
  const x = (i) =>
    margin.left + (dayList.length === 1 ? plotWidth / 2 : (i / (dayList.length - 1)) * plotWidth);
  const y = (value) => margin.top + plotHeight - (value / top) * plotHeight;
  const dayLabel = (day) => shortDay.format(new Date(`${day}T00:00:00Z`));

  const grid = ticksY.map((value) =>
    s(
      'g',
      { class: 'chart-grid' },
      s('line', { x1: margin.left, x2: width - margin.right, y1: y(value), y2: y(value) }),
      s(
        'text',
        { x: margin.left - 8, y: y(value), 'text-anchor': 'end', 'dominant-baseline': 'middle' },
        count.format(value),
      ),
    ),
  );
  const ticks = [...new Set([0, Math.floor((dayList.length - 1) / 2), dayList.length - 1])].map((i) =>
    s(
      'text',
      {
        class: 'chart-axis',
        x: x(i),
        y: height - margin.bottom + 20,
        'text-anchor': i === 0 ? 'start' : i === dayList.length - 1 ? 'end' : 'middle',
      },
      dayLabel(dayList[i]),
    ),
  );
  const lines = shown.map((p, index) => {
    const points = p.daily.map((d, i) => `${x(i).toFixed(1)},${y(d.unitsWaiting).toFixed(1)}`);
    const last = p.daily.length - 1;
    return s(
      'g',
      { class: `chart-series chart-series-${index}` },
      s('title', {}, `${p.name ?? p.sku}: ${count.format(p.unitsWaiting)} units waiting now`),
      s('polyline', { points: points.join(' '), fill: 'none' }),
      s('circle', { cx: x(last), cy: y(p.daily[last].unitsWaiting), r: 4 }),
    );
  });
  const description = shown
    .map((p) => {
      const first = p.daily[0];
      return `${p.name ?? p.sku}: ${count.format(first.unitsWaiting)} units on ${longDay.format(
        new Date(`${first.day}T00:00:00Z`),
      )}, ${count.format(p.unitsWaiting)} now.`;
    })
    .join(' ');
  const chartTitle = `Units waiting at the end of each day, last ${window} days`;

  const legend = h(
    'ul',
    { className: 'chart-legend' },
    shown.map((p, index) =>
      h(
        'li',
        {},
        h('span', { className: `chart-swatch chart-series-${index}`, attrs: { 'aria-hidden': 'true' } }),
        `${p.name ?? p.sku} (${p.sku})`,
      ),
    ),
  );
  const note =
    active.length > shown.length
      ? h(
          'p',
          { className: 'muted' },
          `The ${shown.length} products with the most units waiting, of ${active.length} with waiting units.`,
        )
      : null;

  const numbers = h(
    'details',
    { className: 'chart-numbers' },
    h('summary', {}, 'Show the numbers'),
    dataTable(
      chartTitle,
      [
        'Day',
        ...shown.map((p) => /** @type {[string, boolean]} */ ([`${p.name ?? p.sku} (${p.sku})`, true])),
      ],
      dayList.map((day, i) =>
        h(
          'tr',
          {},
          h(
            'th',
            { attrs: { scope: 'row' }, dataset: { label: 'Day' } },
            longDay.format(new Date(`${day}T00:00:00Z`)),
          ),
          shown.map((p) => numberCell(`${p.name ?? p.sku}`, count.format(p.daily[i]?.unitsWaiting ?? 0))),
        ),
      ),
      { visibleCaption: true },
    ),
  );

  return [
    h(
      'figure',
      { className: 'chart-figure' },
      chartSvg(width, height, chartTitle, description, ...grid, ...ticks, ...lines),
      h('figcaption', {}, legend, note),
    ),
    numbers,
  ];
}

// ---- nurture steps --------------------------------------------------------------------------------------

const stepName = (step) => `${step.campaignName || step.campaignId} · step ${step.position}`;

/**
 * @param {any[]} steps
 * @param {number} width
 */
export function stepsChart(steps, width) {
  if (steps.length === 0) return [h('p', { className: 'muted' }, 'No nurture campaigns yet.')];
  const rows = steps.map((step) =>
    h(
      'tr',
      { dataset: { campaignId: step.campaignId, stepId: step.stepId } },
      h('th', { attrs: { scope: 'row' }, dataset: { label: 'Step' } }, h('div', {}, stepName(step))),
      cell('Subject', step.subject),
      numberCell('Sent', count.format(step.sent)),
      // Shoppers who opened their status page from this step's email (older answers have no clicks).
      numberCell('Clicks', typeof step.clicks === 'number' ? count.format(step.clicks) : '—'),
      numberCell('Cancelled after', count.format(step.cancelledAfter)),
      numberCell(
        'Per 100 sent',
        step.sent > 0 ? count.format(Math.round((step.cancelledAfter / step.sent) * 1000) / 10) : '—',
      ),
    ),
  );
  const stepsTable = dataTable(
    'Nurture steps: sent, clicked, and waiting backorders cancelled after each',
    [
      ['Step', false],
      ['Subject', false],
      ['Sent', true],
      ['Clicks', true],
      ['Cancelled after', true],
      ['Per 100 sent', true],
    ],
    rows,
  );
  const charted = steps.filter((step) => step.sent > 0 || step.cancelledAfter > 0).slice(0, MAX_BARS);
  if (charted.length === 0) return [h('p', { className: 'muted' }, 'No nurture email sent yet.'), stepsTable];

  const rowHeight = 34;
  const [labelWidth, valueWidth] = [Math.round(width * 0.36), 120];
  const labelChars = Math.floor((labelWidth - 14) / 8);
  const height = charted.length * rowHeight + 24;
  const top = roundUp(Math.max(...charted.map((step) => step.cancelledAfter)));
  const barSpace = width - labelWidth - valueWidth;
  const bars = charted.map((step, i) => {
    const y = 12 + i * rowHeight;
    const barWidth = (step.cancelledAfter / top) * barSpace;
    const label = stepName(step);
    return s(
      'g',
      { class: 'chart-bar' },
      s(
        'title',
        {},
        `${label} (${step.subject}): ${step.cancelledAfter} cancelled after, of ${step.sent} sent`,
      ),
      s(
        'text',
        { x: labelWidth - 10, y: y + rowHeight / 2 - 4, 'text-anchor': 'end', 'dominant-baseline': 'middle' },
        truncate(label, labelChars),
      ),
      s('rect', {
        x: labelWidth,
        y: y + 4,
        width: Math.max(barWidth, step.cancelledAfter > 0 ? 2 : 0),
        height: rowHeight - 16,
        rx: 2,
      }),
      s(
        'text',
        {
          class: 'chart-value',
          x: labelWidth + barWidth + 8,
          y: y + rowHeight / 2 - 4,
          'dominant-baseline': 'middle',
        },
        `${count.format(step.cancelledAfter)} of ${count.format(step.sent)} sent`,
      ),
    );
  });
  const description = charted
    .map((step) => `${stepName(step)}: ${step.cancelledAfter} cancelled after it, of ${step.sent} sent.`)
    .join(' ');
  return [
    h(
      'figure',
      { className: 'chart-figure' },
      chartSvg(width, height, 'Cancellations after each nurture step', description, ...bars),
      h(
        'figcaption',
        { className: 'muted' },
        'Waiting backorders cancelled while this step was the latest email their sequence had sent.',
      ),
    ),
    stepsTable,
  ];
}
