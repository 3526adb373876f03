// @ts-check
/**
 * Rows of tick boxes or radio buttons (who may backorder, a supplier's schedule, a webhook's events): the
 * page holds an empty `<div class="choices">` carrying the field's `data-path` (where the API reports a
 * problem with it), and its section fills it here, so the markup of a choice is written once.
 */
import { h, uniqueId } from './dom.js';

/**
 * Fills the container with one labelled input per choice, all named `name` (what checkedValues/setChecked
 * read).
 * @param {HTMLElement} container
 * @param {{name: string, type: 'checkbox'|'radio', choices: Array<[value: string, label: string]>}} field
 */
export function fillChoices(container, { name, type, choices }) {
  container.replaceChildren(
    ...choices.map(([value, label]) => {
      const id = uniqueId(`${container.id}-${value.replace(/\W/g, '-')}`);
      return h(
        'div',
        { className: 'choice' },
        h('input', { attrs: { id, name, type, value, 'data-path': container.dataset.path } }),
        h('label', { attrs: { for: id } }, label),
      );
    }),
  );
}

/**
 * Who may backorder or receive a campaign: personal and business customers. `short` where the legend already
 * says "Customers".
 * @param {HTMLElement} container
 * @param {{short?: boolean}} [options]
 */
export function fillSegmentChoices(container, { short = false } = {}) {
  const customers = short ? '' : ' customers';
  fillChoices(container, {
    name: 'segments',
    type: 'checkbox',
    choices: [
      ['b2c', `Personal${customers} (B2C)`],
      ['b2b', `Business${customers} (B2B)`],
    ],
  });
}
