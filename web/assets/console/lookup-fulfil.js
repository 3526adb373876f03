// @ts-check
/**
 * Marking a backorder fulfilled, as customer service does it: asked first, in a dialog that can name the
 * shop's order behind it (its id, and its amount, which the dashboard counts as revenue), both optional.
 * The amount is typed as the order shows it (29.99) and sent in the currency's minor units (2999), as the
 * API counts money; a currency without cents (JPY) or with three decimals (BHD) is divided its own way.
 */
import { byId, clearFieldErrors, control, showFieldErrors } from './dom.js';

/** @typedef {{orderId?: string, amount?: {value: number, currency: string}}} Fulfilment */

const dialog = byId('fulfil-dialog', window.HTMLDialogElement);
const form = byId('fulfil-form', window.HTMLFormElement);
const text = byId('fulfil-dialog-text');
const confirmButton = byId('fulfil-confirm', window.HTMLButtonElement);
const orderId = control(form, 'orderId');
const amount = control(form, 'amount');
const currency = control(form, 'currency');

/** The currency used last: a shop mostly sells in one, so the next fulfilment starts with it. */
let lastCurrency = '';

/**
 * How many decimals a currency's amounts have (2 for EUR, 0 for JPY), or null for a code Intl does not know.
 * @param {string} code
 */
export function minorUnitDigits(code) {
  try {
    const format = new Intl.NumberFormat(undefined, { style: 'currency', currency: code });
    return format.resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return null;
  }
}

/**
 * The dialog's fields as the fulfil request's body (undefined when nothing is given: the body is left
 * out), and what is wrong with them.
 * @returns {{body: Fulfilment|undefined, problems: import('./dom.js').Problem[]}}
 */
function readFulfilment() {
  const problems = [];
  /** @type {Fulfilment} */
  const body = {};
  const id = orderId.value.trim();
  if (id) body.orderId = id;
  const typed = amount.value.replace(/\s/g, '');
  if (typed) {
    const code = currency.value.trim().toUpperCase();
    const digits = /^[A-Z]{3}$/.test(code) ? minorUnitDigits(code) : null;
    if (digits === null)
      problems.push({
        path: 'amount.currency',
        message: 'Enter the three-letter currency code, such as EUR.',
      });
    // "1,299.99" and "29,99" both read as people write them.
    const number = typed.includes('.') ? typed.replace(/,/g, '') : typed.replace(',', '.');
    if (!/^\d+(\.\d+)?$/.test(number))
      problems.push({ path: 'amount.value', message: 'Enter the amount as a number, such as 29.99.' });
    else if (digits !== null) {
      const decimals = number.split('.')[1]?.length ?? 0;
      if (decimals > digits)
        problems.push({
          path: 'amount.value',
          message:
            digits === 0 ? `${code} amounts have no decimals.` : `${code} amounts have ${digits} decimals.`,
        });
      else body.amount = { value: Math.round(Number(number) * 10 ** digits), currency: code };
    }
  }
  return { body: Object.keys(body).length ? body : undefined, problems };
}

// Enter in a field confirms: the form's first button, which the browser would press, is "Not yet".
form.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && event.target instanceof window.HTMLInputElement) {
    event.preventDefault();
    confirmButton.click();
  }
});

/**
 * Asks whether to mark a backorder fulfilled. Resolves to {body} (the request's body, undefined when no
 * order was named) when confirmed, null when not. Focus goes back where it was.
 * @param {{sku: string, email: string, currency?: string}} backorder
 * @returns {Promise<{body: Fulfilment|undefined}|null>}
 */
export function askFulfilment({ sku, email, currency: known }) {
  form.reset();
  clearFieldErrors(form);
  currency.value = known || lastCurrency;
  text.textContent = `Confirms that ${email} received their ${sku}. Its nurture emails stop. Name the shop’s order if you have it.`;
  const opener = document.activeElement;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    /** @type {{body: Fulfilment|undefined}|null} */
    let answer = null;
    /** @param {SubmitEvent} event */
    const onSubmit = (event) => {
      const submitter = event.submitter;
      if (!(submitter instanceof window.HTMLButtonElement) || submitter.value !== 'confirm') return;
      const read = readFulfilment();
      if (read.problems.length) {
        // The dialog stays open for the fields to be corrected.
        event.preventDefault();
        showFieldErrors(form, read.problems).first?.focus();
        return;
      }
      answer = { body: read.body };
      if (read.body?.amount) lastCurrency = read.body.amount.currency;
    };
    form.addEventListener('submit', onSubmit);
    dialog.addEventListener(
      'close',
      () => {
        form.removeEventListener('submit', onSubmit);
        if (opener instanceof window.HTMLElement && opener.isConnected) opener.focus();
        resolve(dialog.returnValue === 'confirm' ? answer : null);
      },
      { once: true },
    );
    dialog.showModal();
    orderId.focus();
  });
}
