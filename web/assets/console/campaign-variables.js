// @ts-check
/**
 * The Liquid variables a campaign's templates can use, listed beside the editor: each a button that
 * inserts `{{ name }}` where the marketer was last typing a subject or body.
 */
import { byId, closestTo, h, uniqueId } from './dom.js';

export const LIQUID_VARIABLES = [
  ['shopper.name', "The shopper's name, when they gave one"],
  ['shopper.email', "The shopper's email address"],
  ['product.name', "The product's name"],
  ['product.sku', "The product's SKU"],
  ['product.expectedRestockDate', 'When the product is expected back'],
  ['backorder.quantity', 'How many units the shopper waits for'],
  ['backorder.position', 'Their place in the queue'],
  ['backorder.statusUrl', 'Link to their private status page'],
  ['unsubscribeUrl', 'One-click unsubscribe link'],
];

/**
 * Lists the variables, and inserts one where `target` says when its button is chosen.
 * @param {() => HTMLInputElement|HTMLTextAreaElement|null|undefined} target the field to insert into
 */
export function wireVariables(target) {
  const variableList = byId('variable-list');
  variableList.replaceChildren(
    ...LIQUID_VARIABLES.map(([name, description]) => {
      const descriptionId = uniqueId('variable');
      return h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            className: 'chip',
            dataset: { variable: name },
            attrs: { 'aria-describedby': descriptionId },
          },
          `{{ ${name} }}`,
        ),
        h('span', { id: descriptionId, className: 'variable-description' }, description),
      );
    }),
  );

  variableList.addEventListener('click', (event) => {
    const button = closestTo(event, 'button[data-variable]');
    const field = target();
    if (!button || !field) return;
    const insert = `{{ ${button.dataset.variable} }}`;
    const start = field.selectionStart ?? field.value.length;
    const end = field.selectionEnd ?? start;
    field.setRangeText(insert, start, end, 'end');
    field.dispatchEvent(new window.Event('input', { bubbles: true }));
    field.focus();
  });
}
