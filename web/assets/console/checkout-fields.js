// @ts-check
/**
 * The checkout fields the site settings and a product's editor share (docs/api.md, "checkout"): the URL
 * template an allocated shopper is sent to, with {sku}, {quantity} and {claim} filled in, and how long their
 * units are held. The preview fills the template the way the platform does (each value URL-encoded), so a
 * marketer sees the address a shopper will land on before saving it.
 *
 * The form checks what it can say in the marketer's words; the API checks the same rules on save.
 *
 * The fields are one piece of the page (#checkout-fields), placed in each form that has them; what they say
 * differs per form.
 */
import { durationSeconds } from './duration.js';
import { byId, control, fromTemplate } from './dom.js';

/** @typedef {import('./dom.js').Problem} Problem */

export const SAMPLE_QUANTITY = 2;
export const SAMPLE_CLAIM = 'SAMPLE-CLAIM';
const PLACEHOLDERS = ['sku', 'quantity', 'claim'];
const MIN_HOLD_SECONDS = 10;
const MAX_HOLD_SECONDS = 30 * 86_400;

/**
 * @typedef {object} CheckoutUse what differs per form
 * @property {string} previewFor the fields the preview follows
 * @property {string} urlHint the fields' hints (`code` marks code)
 * @property {string} previewHint
 * @property {string} holdHint
 * @property {string} emptyPreview what the preview says while the URL is empty
 * @property {string} [skuField] the form's SKU field the preview is filled with; without, SAMPLE-SKU
 */

/**
 * The forms with checkout fields, by the prefix of their ids.
 * @type {Record<'settings'|'product', CheckoutUse>}
 */
const USES = {
  settings: {
    previewFor: 'settings-checkout-url',
    urlHint:
      'Where a shopper completes the order once their units are in: the restock email\'s "Complete your ' +
      'order" button leads there. `{sku}`, `{quantity}` and `{claim}` are filled in; your checkout checks ' +
      'the claim with `POST /api/admin/claims/verify`. Empty: no button, and units stay reserved until they ' +
      'are marked fulfilled or cancelled. Products can have their own.',
    previewHint: 'With a sample: SKU `SAMPLE-SKU`, 2 units, claim `SAMPLE-CLAIM`.',
    holdHint:
      'How long a shopper has to complete the order before the units go to the next in line, as an ISO ' +
      '8601 duration: `P2D` is 2 days, `PT12H` 12 hours (from `PT10S` to `P30D`). A reminder goes out ' +
      'when a quarter of it is left. Empty: 2 days. Applies only with a checkout URL.',
    emptyPreview: 'No checkout URL: the restock email has no "Complete your order" button.',
  },
  product: {
    previewFor: 'product-checkout-url product-sku',
    urlHint:
      "Where this product's shoppers complete the order; `{sku}`, `{quantity}` and `{claim}` are filled " +
      "in. Empty: the site's checkout URL (Settings).",
    previewHint: "With this product's SKU, 2 units and the sample claim `SAMPLE-CLAIM`.",
    holdHint:
      'An ISO 8601 duration such as `P2D` (2 days) or `PT12H` (12 hours), from `PT10S` to `P30D`. ' +
      "Empty: the site's hold.",
    emptyPreview: 'Follows the site’s checkout URL (Settings).',
    // The preview shows the product's own SKU.
    skuField: 'sku',
  },
};

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
function checkoutFromFields(urlInput, holdInput) {
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
function fillCheckoutFields(urlInput, holdInput, checkout) {
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
function wireCheckoutPreview({ urlInput, preview, sku, empty, skuInput }) {
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

/**
 * Puts the checkout fields into the form's fieldset #<use>-checkout, with the preview following them. Call
 * it before anything reads the form's controls (its save reads them by name and data-path).
 * @param {'settings'|'product'} use
 * @param {HTMLFormElement} form
 * @returns {{fill: (checkout: any) => void, read: () => ReturnType<typeof checkoutFromFields>}} fill puts a
 *   saved `checkout` in; read gives the fields as the API's `checkout` and what is wrong with them
 */
export function placeCheckoutFields(use, form) {
  const { emptyPreview, skuField, ...inTemplate } = USES[use];
  byId(`${use}-checkout`, window.HTMLFieldSetElement).append(
    fromTemplate('checkout-fields', { use, ...inTemplate }),
  );
  const urlInput = control(form, 'checkoutUrl');
  const holdInput = control(form, 'checkoutHold');
  const skuInput = skuField ? control(form, skuField) : undefined;
  const refreshPreview = wireCheckoutPreview({
    urlInput,
    preview: byId(`${use}-checkout-preview`, window.HTMLOutputElement),
    sku: () => (skuInput ? skuInput.value.trim() || 'SKU' : 'SAMPLE-SKU'),
    skuInput,
    empty: emptyPreview,
  });
  return {
    fill: (checkout) => {
      fillCheckoutFields(urlInput, holdInput, checkout);
      refreshPreview();
    },
    read: () => checkoutFromFields(urlInput, holdInput),
  };
}
