// @ts-check
/**
 * Products (GET /api/admin/products, PUT /api/admin/products/{sku}): the list, and one editor for new and
 * existing products. A product either follows the site's backorder setting (no `backorders` sent) or has
 * its own: open to some segments with an optional limit per customer, or closed. Its checkout URL and hold
 * override the site's one by one (checkout-fields.js); empty fields follow the site. A changed expected
 * restock date says, before saving, whom it will email (product-eta.js).
 */
import { admin, describeFailure, segment } from './admin.js';
import { byId, checkedValues, clearFieldErrors, control, h, setChecked, showResult } from './dom.js';
import { formatDay, formatMoment } from '../format.js';
import { fillSupplierSelect } from './suppliers.js';
import { PagedList, Section, counted, loadList, pagePath } from './section.js';
import { actions, appendRows, badge, cell, rowHeading, rowsIn } from './cards.js';
import { fillSegmentChoices } from './choices.js';
import { wireProductImport } from './product-import.js';
import { exportCsv } from './exports.js';
import { placeCheckoutFields } from './checkout-fields.js';
import { placeEtaNotice } from './product-eta.js';

const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** @type {Record<string, string>} */
const SEGMENT_NAMES = { b2c: 'B2C', b2b: 'B2B' };
const LIST_FAILURE = 'Products could not be loaded.';
const COLUMNS = ['SKU', 'Name', 'Free stock', 'Backorders', 'Expected restock', 'Updated', 'Actions'];

const listPart = byId('products-list-part');
const listResult = byId('products-result');
const exportButton = byId('products-export', window.HTMLButtonElement);
const list = byId('products-list');
const editorPart = byId('product-editor-part');
const editorTitle = byId('product-editor-title');
const landing = byId('product-landing');
const form = byId('product-form', window.HTMLFormElement);
fillSegmentChoices(byId('product-segments-choices'));
const ownRules = byId('product-own-rules');
const result = byId('product-result');

/** @param {string} name */
const field = (name) => control(form, name);
const checkoutFields = placeCheckoutFields('product', form);
const etaNotice = placeEtaNotice(form);

const section = new Section({
  view: byId('view-products'),
  listHeading: byId('products-title'),
  parts: [listPart, editorPart],
  noun: 'product',
  idName: 'SKU',
  listHash: '#/products',
  itemPath: (sku) => `/api/admin/products/${segment(sku)}`,
});

/** The product being edited (null for a new one). */
let editing = /** @type {any} */ (null);

export const element = section.element;
export const heading = section.heading;
/** @param {import('./section.js').Route} route */
export const title = (route) => Section.title(route, { list: 'Products', one: 'Product' });

/** @param {import('./section.js').Route} route */
export const show = (route) => section.route(route, { list: showList, editor: showEditor });

// ---- list -----------------------------------------------------------------------------------------------

exportButton.addEventListener('click', () =>
  exportCsv(exportButton, listResult, '/api/admin/products.csv', 'products.csv'),
);

const pages = new PagedList({
  moreButton: byId('products-more', window.HTMLButtonElement),
  fetchPage: async (cursor) => (await admin('GET', pagePath('/api/admin/products', cursor))).body,
  append: (items) => appendRows(list, 'Products', COLUMNS, items.map(productRow)),
  failed: (error) => showResult(listResult, 'error', `${LIST_FAILURE} ${describeFailure(error)}`),
  count: () => rowsIn(list).length,
  entry: (index) => rowsIn(list)[index]?.querySelector('a'),
  afterMore: () => showResult(listResult, 'info', listCount(rowsIn(list).length)),
});

// An import done while the list shows: the list shows what it added.
wireProductImport(() => {
  if (!listPart.hidden && !section.view.hidden) void showList();
});

/** @param {number} count */
const listCount = (count) =>
  count === 0 ? 'No products yet. Create the first one.' : `${counted(count, 'product')}.`;

async function showList() {
  section.showPart(listPart, section.listHeading);
  list.replaceChildren();
  pages.restart();
  await loadList({
    result: listResult,
    message: section.takeMessage(),
    loading: 'Loading products…',
    failure: LIST_FAILURE,
    load: async () => ((await pages.next()) ? rowsIn(list).length : null),
    counted: listCount,
  });
  return section.listHeading;
}

/**
 * "Variant of TEE: M / Blue" under the name of a SKU that is one.
 * @param {any} product
 */
function variantNote(product) {
  if (!product.productId) return null;
  const options = Object.values(product.options ?? {}).join(' / ');
  return h(
    'small',
    { className: 'muted block' },
    `Variant of ${product.productId}${options ? `: ${options}` : ''}`,
  );
}

/** @param {any} product */
function productRow(product) {
  return h(
    'tr',
    {},
    rowHeading('SKU', h('span', { className: 'mono' }, product.sku)),
    cell('Name', product.name, variantNote(product)),
    cell('Free stock', String(product.stock ?? 0)),
    cell('Backorders', policyBadge(product.backorders)),
    cell('Expected restock', formatDay(product.expectedRestockDate) ?? '—'),
    cell('Updated', formatMoment(product.updatedAt) ?? '—'),
    cell(
      'Actions',
      actions(
        h(
          'a',
          { href: `#/products/${segment(product.sku)}`, className: 'button button--secondary button--small' },
          'Edit',
          h('span', { className: 'visually-hidden' }, ` ${product.sku}`),
        ),
        h(
          'a',
          { href: `/p/${segment(product.sku)}`, target: '_blank', rel: 'noopener', className: 'text-link' },
          'Landing page',
          h('span', { className: 'visually-hidden' }, ` of ${product.sku} (opens in a new tab)`),
        ),
      ),
    ),
  );
}

/**
 * "Follows site", "Open to B2B, max 5 each", "Closed".
 * @param {any} policy
 */
export function describePolicy(policy) {
  if (!policy) return { text: 'Follows site setting', kind: 'neutral' };
  if (!policy.enabled) return { text: 'Closed', kind: 'off' };
  /** @type {string[]} */
  const segments = Array.isArray(policy.segments) ? policy.segments : ['b2c', 'b2b'];
  const parts = [
    segments.length
      ? `Open to ${segments.map((s) => SEGMENT_NAMES[s] ?? s).join(' and ')}`
      : 'Open to nobody',
  ];
  if (Number.isInteger(policy.maxPerCustomer)) parts.push(`max ${policy.maxPerCustomer} each`);
  return { text: parts.join(', '), kind: segments.length ? 'on' : 'off' };
}

/** @param {any} policy */
function policyBadge(policy) {
  const { text, kind } = describePolicy(policy);
  return badge(kind, text);
}

// ---- editor ---------------------------------------------------------------------------------------------

/** @param {any} product */
async function showEditor(product) {
  // The supplier choice lists the current suppliers before the form shows the product's own.
  await fillSupplierSelect(control(form, 'supplierId', window.HTMLSelectElement), product?.supplierId);
  editing = product;
  section.showPart(editorPart, editorTitle);
  form.reset();
  clearFieldErrors(form);
  showResult(result);

  const sku = field('sku');
  sku.readOnly = product !== null;
  editorTitle.textContent = product ? `Edit ${product.sku}` : 'New product';
  const policy = product?.backorders;
  const mode = !policy ? 'site' : policy.enabled ? 'open' : 'closed';
  setChecked(form, 'policy', [mode]);
  setChecked(form, 'segments', Array.isArray(policy?.segments) ? policy.segments : ['b2c', 'b2b']);
  sku.value = product?.sku ?? '';
  field('name').value = product?.name ?? '';
  field('stock').value = String(product?.stock ?? 0);
  field('expectedRestockDate').value = product?.expectedRestockDate ?? '';
  etaNotice.fill(product);
  control(form, 'supplierId', window.HTMLSelectElement).value = product?.supplierId ?? '';
  field('productId').value = product?.productId ?? '';
  control(form, 'options', window.HTMLTextAreaElement).value = Object.entries(product?.options ?? {})
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
  field('maxPerCustomer').value = Number.isInteger(policy?.maxPerCustomer)
    ? String(policy.maxPerCustomer)
    : '';
  checkoutFields.fill(product?.checkout);
  landing.hidden = !product;
  if (product)
    landing.replaceChildren(
      'Shoppers sign up on ',
      h('a', { href: `/p/${segment(product.sku)}`, target: '_blank', rel: 'noopener' }, `/p/${product.sku}`),
      h('span', { className: 'visually-hidden' }, ' (opens in a new tab)'),
      '.',
    );
  syncPolicy();
  return editorTitle;
}

const selectedPolicy = () => checkedValues(form, 'policy')[0] ?? 'site';

function syncPolicy() {
  ownRules.hidden = selectedPolicy() !== 'open';
}

form.addEventListener('change', (event) => {
  if (event.target instanceof window.HTMLInputElement && event.target.name === 'policy') syncPolicy();
});

/**
 * "Size: M" lines → {"Size":"M"}; null when a line is not "name: value".
 * @param {string} text
 * @returns {Record<string, string>|null}
 */
function optionsFromText(text) {
  /** @type {Record<string, string>} */
  const options = {};
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const colon = line.indexOf(':');
    if (colon < 1 || colon === line.length - 1) return null;
    options[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return options;
}

/** Reads the form: the SKU, the request body, and what the form can tell is wrong. */
function productFromForm() {
  const problems = [];
  const sku = field('sku').value.trim();
  if (!sku) problems.push({ path: 'sku', message: 'Enter the SKU.' });
  else if (sku.length > 64 || !SKU.test(sku))
    problems.push({
      path: 'sku',
      message: 'Use letters, digits, ".", "_" or "-", starting with a letter or digit.',
    });

  /** @type {Record<string, any>} */
  const body = { name: field('name').value.trim() };
  if (!body.name) problems.push({ path: 'name', message: 'Enter the product name.' });

  const stockText = field('stock').value.trim();
  const stock = stockText === '' ? 0 : Number(stockText);
  if (!Number.isInteger(stock) || stock < 0 || field('stock').validity.badInput)
    problems.push({ path: 'stock', message: 'Enter a whole number of 0 or more.' });
  // Sent only when the marketer changed it: allocation spends free stock while the form is open, and sending
  // back the figure it was opened with would hand out units a second time. Omitted, the API keeps the stock.
  if (!editing || stock !== (editing.stock ?? 0)) body.stock = stock;

  const date = field('expectedRestockDate').value;
  if (date) body.expectedRestockDate = date;
  else if (editing?.expectedRestockDate) body.expectedRestockDate = null;

  const supplierId = control(form, 'supplierId', window.HTMLSelectElement).value.trim();
  if (supplierId) body.supplierId = supplierId;

  const productId = field('productId').value.trim();
  if (productId) body.productId = productId;
  const options = optionsFromText(control(form, 'options', window.HTMLTextAreaElement).value);
  if (options === null)
    problems.push({ path: 'options', message: 'Write each option as "Name: value", one a line.' });
  else if (Object.keys(options).length > 0) body.options = options;

  const policy = selectedPolicy();
  if (policy === 'closed') body.backorders = { enabled: false };
  if (policy === 'open') {
    const segments = checkedValues(form, 'segments');
    if (segments.length === 0)
      problems.push({
        path: 'backorders.segments',
        message: 'Tick at least one kind of customer, or choose "Closed".',
      });
    body.backorders = { enabled: true, segments };
    const maxText = field('maxPerCustomer').value.trim();
    if (maxText !== '') {
      const max = Number(maxText);
      if (!Number.isInteger(max) || max < 1)
        problems.push({
          path: 'backorders.maxPerCustomer',
          message: 'Enter a whole number of 1 or more, or leave it empty.',
        });
      body.backorders.maxPerCustomer = max;
    }
  }
  // Left out when both fields are empty: the product follows the site's checkout.
  const checkout = checkoutFields.read();
  if (checkout.value) body.checkout = checkout.value;
  problems.push(...checkout.problems);
  return { value: { id: sku, body }, problems };
}

section.wireEditorSave({
  form,
  result,
  saveButton: byId('product-save', window.HTMLButtonElement),
  read: productFromForm,
  idField: 'sku',
  idMessage: /sku/i,
  saved: ({ id }) => `Product ${id}`,
});

export function reset() {
  editing = null;
  section.reset();
}
