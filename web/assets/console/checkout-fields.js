// @ts-check
/**
 * The checkout fields the site settings and a product's editor share (docs/api.md, "checkout"): the URL
 * template an allocated shopper is sent to, with {sku}, {quantity} and {claim} filled in, and how long their
 * units are held. The preview fills the template the way the platform does (each value URL-encoded), so a
 * marketer sees the address a shopper will land on before saving it.
 *
 * The form checks what it can say in the marketer's words; the API checks the same rules on save.
 */
import { durationSeconds } from './duration.js';

/** @typedef {import('./dom.js').Problem} Problem */

export const SAMPLE_QUANTITY = 2;
export const SAMPLE_CLAIM = 'SAMPLE-CLAIM';
const PLACEHOLDERS = ['sku', 'quantity', 'claim'];
const MIN_HOLD_SECONDS = 10;
const MAX_HOLD_SECONDS = 30 * 86_400;

/**
 * The template with each placeholder filled, URL-encoded, as the platform fills it.
 * @param {string} template
 * @param {{sku: string, quantity: number, claim: string}} values
 */
export const fillCheckoutUrl = (template, values) =>
  template.replace(/\{(sku|quantity|claim)\}/g, (_all, name) =>
    encodeURIComponent(String(values[/** @type {'sku'|'quantity'|'claim'} */ (name)])),
  );

/** @param {string} value */
function isHttpUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * What is wrong with a URL template, in words; null when nothing the form can tell.
 * @param {string} template
 */
function urlProblem(template) {
  const unknown = [...template.matchAll(/\{([^{}]*)\}/g)]
    .map((match) => match[1])
    .filter((name) => !PLACEHOLDERS.includes(name));
  if (unknown.length) return `Use only the placeholders {sku}, {quantity} and {claim} (not {${unknown[0]}}).`;
  if (!isHttpUrl(fillCheckoutUrl(template, { sku: 'SKU', quantity: 1, claim: 'CLAIM' })))
    return 'Enter an address starting with https:// (or http://).';
  return null;
}

/**
 * The fields' content as the API's `checkout` object (undefined when both are empty: the setting is not
 * given), and what the form can tell is wrong.
 * @param {HTMLInputElement} urlInput
 * @param {HTMLInputElement} holdInput
 * @returns {{value: {url?: string, hold?: string}|undefined, problems: Problem[]}}
 */
export function checkoutFromFields(urlInput, holdInput) {
  /** @type {Problem[]} */
  const problems = [];
  /** @type {{url?: string, hold?: string}} */
  const checkout = {};
  const url = urlInput.value.trim();
  if (url) {
    const problem = urlProblem(url);
    if (problem) problems.push({ path: 'checkout.url', message: problem });
    checkout.url = url;
  }
  const hold = holdInput.value.trim().toUpperCase();
  if (hold) {
    const seconds = durationSeconds(hold);
    if (seconds === null)
      problems.push({
        path: 'checkout.hold',
        message: 'Enter a duration such as P2D (2 days) or PT12H (12 hours).',
      });
    else if (seconds < MIN_HOLD_SECONDS || seconds > MAX_HOLD_SECONDS)
      problems.push({
        path: 'checkout.hold',
        message: 'Enter a hold from PT10S (10 seconds) to P30D (30 days).',
      });
    checkout.hold = hold;
  }
  return { value: Object.keys(checkout).length ? checkout : undefined, problems };
}

/**
 * Puts a saved `checkout` into the fields (empty for what is not set).
 * @param {HTMLInputElement} urlInput
 * @param {HTMLInputElement} holdInput
 * @param {any} checkout
 */
export function fillCheckoutFields(urlInput, holdInput, checkout) {
  urlInput.value = typeof checkout?.url === 'string' ? checkout.url : '';
  holdInput.value = typeof checkout?.hold === 'string' ? checkout.hold : '';
}

/**
 * Keeps `preview` showing the address a shopper would land on, filled with `sku()`, 2 units and a sample
 * claim, as the marketer types; `empty` says what an empty URL means here. Returns the function that
 * refreshes it (after the form is filled in code).
 * @param {object} options
 * @param {HTMLInputElement} options.urlInput
 * @param {HTMLElement} options.preview
 * @param {() => string} options.sku
 * @param {string} options.empty
 * @param {HTMLInputElement} [options.skuInput] refreshes the preview as the SKU is typed too
 */
export function wireCheckoutPreview({ urlInput, preview, sku, empty, skuInput }) {
  const refresh = () => {
    const template = urlInput.value.trim();
    preview.classList.toggle('muted', !template);
    preview.textContent = template
      ? fillCheckoutUrl(template, { sku: sku(), quantity: SAMPLE_QUANTITY, claim: SAMPLE_CLAIM })
      : empty;
  };
  urlInput.addEventListener('input', refresh);
  skuInput?.addEventListener('input', refresh);
  refresh();
  return refresh;
}
