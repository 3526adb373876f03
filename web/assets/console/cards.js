// @ts-check
/**
 * The pieces the console's lists are drawn with: cards (a heading, a badge, facts and actions), data
 * tables whose cells carry their column's label (the narrow layout shows each row as a block of labelled
 * lines), and the small buttons and links of a card. Every text goes in as text, never markup.
 */
import { h } from './dom.js';

/** @typedef {import('./dom.js').Child} Child */

/**
 * One term and its description in a card's facts.
 * @param {string} term
 * @param {...(Child|Child[])} description
 */
export const fact = (term, ...description) => h('div', {}, h('dt', {}, term), h('dd', {}, ...description));

/**
 * A coloured badge: "on" (green), "off" (red), "done", or "neutral".
 * @param {string} kind
 * @param {string} text
 */
export const badge = (kind, text) => h('span', { className: `badge badge--${kind}` }, text);

/**
 * A table cell that carries its column's label.
 * @param {string} label
 * @param {...(Child|Child[])} content
 */
export const cell = (label, ...content) => h('td', { dataset: { label } }, h('div', {}, ...content));

/**
 * A right-aligned number cell.
 * @param {string} label
 * @param {...(Child|Child[])} content
 */
export const numberCell = (label, ...content) =>
  h('td', { dataset: { label }, className: 'numeric' }, h('div', {}, ...content));

/**
 * The heading cell of a row (its first column).
 * @param {string} label
 * @param {...(Child|Child[])} content
 */
export const rowHeading = (label, ...content) =>
  h('th', { attrs: { scope: 'row' }, dataset: { label } }, h('div', {}, ...content));

/**
 * A data table. A heading is a label, or [label, true] for a column of numbers.
 * @param {string} caption read out by screen readers; shown only with visibleCaption
 * @param {Array<string|[string, boolean]>} headings
 * @param {HTMLTableRowElement[]} [rows]
 * @param {{visibleCaption?: boolean}} [options]
 */
export function dataTable(caption, headings, rows = [], { visibleCaption = false } = {}) {
  return h(
    'table',
    { className: 'data-table' },
    h('caption', { className: visibleCaption ? 'table-caption' : 'visually-hidden' }, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headings.map((heading) => {
          const [label, numeric] = typeof heading === 'string' ? [heading, false] : heading;
          return h('th', { attrs: { scope: 'col' }, className: numeric ? 'numeric' : undefined }, label);
        }),
      ),
    ),
    h('tbody', {}, rows),
  );
}

/**
 * Appends rows to the table inside `box`, creating the table with the first page.
 * @param {HTMLElement} box
 * @param {string} caption
 * @param {string[]} headings
 * @param {HTMLTableRowElement[]} rows
 */
export function appendRows(box, caption, headings, rows) {
  let tbody = box.querySelector('tbody');
  if (!tbody) {
    const table = dataTable(caption, headings);
    box.append(table);
    tbody = table.tBodies[0];
  }
  tbody.append(...rows);
}

/**
 * The rows of the table inside `box`.
 * @param {HTMLElement} box
 * @returns {HTMLTableRowElement[]}
 */
export const rowsIn = (box) => [...box.querySelectorAll('tbody tr')].map((row) => /** @type {any} */ (row));

/**
 * A card of a list: its heading (with an id the actions are described by), a badge or other aside, and the
 * rest (facts, tables, actions).
 * @param {object} options
 * @param {Record<string, string>} options.dataset what the list's click handler reads
 * @param {string} options.titleId
 * @param {Child|Child[]} options.title
 * @param {string} [options.titleClass] e.g. "mono" for an id
 * @param {'h2'|'h3'} [options.level]
 * @param {Child|Child[]} [options.aside]
 * @param {number} [options.titleTabIndex] -1 where the title takes focus after an action
 * @param {...(Child|Child[])} content
 */
export function card(
  { dataset, titleId, title, titleClass = '', level = 'h2', aside, titleTabIndex },
  ...content
) {
  return h(
    'li',
    { className: 'card', dataset },
    h(
      'div',
      { className: 'card-heading' },
      h(
        level,
        { id: titleId, className: `card-title ${titleClass}`.trim(), tabIndex: titleTabIndex },
        ...[title].flat(),
      ),
      ...[aside].flat(),
    ),
    ...content,
  );
}

/**
 * A card's facts.
 * @param {...(Child|Child[])} facts
 */
export const facts = (...facts) => h('dl', { className: 'facts facts--compact' }, ...facts);

/**
 * The row of a card's actions.
 * @param {...(Child|Child[])} actions
 */
export const actions = (...actions) => h('div', { className: 'row-actions' }, ...actions);

/**
 * A link styled as a small button, described by its card's title ("Edit" of which product).
 * @param {string} href
 * @param {string} label
 * @param {string} titleId
 * @param {'primary'|'secondary'} [kind]
 */
export const linkButton = (href, label, titleId, kind = 'secondary') =>
  h(
    'a',
    {
      href,
      className: kind === 'primary' ? 'button button--small' : 'button button--secondary button--small',
      attrs: { 'aria-describedby': titleId },
    },
    label,
  );

/**
 * A small button of a card, found by the list's click handler through data-action.
 * @param {string} action
 * @param {string} label
 * @param {string} titleId
 * @param {'primary'|'secondary'|'danger'} [kind]
 * @param {Record<string, string>} [dataset]
 */
export const actionButton = (action, label, titleId, kind = 'secondary', dataset = {}) =>
  h(
    'button',
    {
      type: 'button',
      className: `button button--small${kind === 'primary' ? '' : kind === 'danger' ? ' button--danger-outline' : ' button--secondary'}`,
      dataset: { action, ...dataset },
      attrs: { 'aria-describedby': titleId },
    },
    label,
  );
