// @ts-check
/**
 * What changing a product's expected restock date does, said before the marketer saves it: every shopper
 * still waiting gets one email with the new date, 10 minutes after the last change (several changes in a row
 * make one email, with the last date). The admin product read says how many wait (`waiting`), when an email
 * already due goes out (`etaUpdateDueAt`), and which dates were announced so far (`etaHistory`).
 */
import { formatDay, formatMoment } from '../format.js';
import { byId, control, h } from './dom.js';
import { counted } from './section.js';

/** How long the platform waits after the last change before it emails (docs/api.md). */
const QUIET_MINUTES = 10;

/**
 * The notice under the product editor's date field.
 * @param {HTMLFormElement} form
 */
export function placeEtaNotice(form) {
  const input = control(form, 'expectedRestockDate');
  const notice = byId('product-restock-notice');
  const announced = byId('product-restock-history');
  /** The product as it was read; null for a new one, which nobody waits for. */
  let saved = /** @type {any} */ (null);

  function update() {
    const lines = [];
    const changed = Boolean(saved) && input.value !== (saved.expectedRestockDate ?? '');
    if (changed) lines.push(changeLine(saved.waiting));
    if (saved?.etaUpdateDueAt) lines.push(dueLine(saved.etaUpdateDueAt, changed));
    // Always in the page, empty when there is nothing to say: a live region announces what appears in it.
    notice.replaceChildren(...lines.map((line) => h('p', {}, line)));
  }

  input.addEventListener('input', update);
  input.addEventListener('change', update);

  return {
    /** @param {any} product the product as read; null for a new one */
    fill(product) {
      saved = product;
      const history = Array.isArray(product?.etaHistory) ? product.etaHistory : [];
      announced.hidden = history.length === 0;
      announced.replaceChildren(
        history.length
          ? `Announced to waiting shoppers: ${history
              .map(
                (/** @type {any} */ entry) =>
                  `${formatDay(entry?.date) ?? 'no date'} (on ${formatMoment(entry?.at) ?? '—'})`,
              )
              .join(', then ')}.`
          : '',
      );
      update();
    },
  };
}

/**
 * Who an unsaved change of date will reach.
 * @param {unknown} waiting
 */
function changeLine(waiting) {
  if (waiting === 0) return 'Nobody is waiting for this product yet: no email.';
  const who = Number.isInteger(waiting) ? counted(Number(waiting), 'shopper') : 'The shoppers';
  return `${who} waiting will get one email with the new date, ${QUIET_MINUTES} minutes after your last change.`;
}

/**
 * When the email about a change already saved goes out (saving another change moves it).
 * @param {string} dueAt
 * @param {boolean} changed the field holds an unsaved change
 */
function dueLine(dueAt, changed) {
  const due = Date.parse(dueAt);
  if (Number.isFinite(due) && due <= Date.now()) return 'The email with the saved date is going out now.';
  const when = formatMoment(dueAt) ?? dueAt;
  return changed
    ? `Until you save, the pending email goes out on ${when}.`
    : `The email with the saved date goes out on ${when}.`;
}
