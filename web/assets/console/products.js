/**
 * Products (GET /api/admin/products, PUT /api/admin/products/{sku}): the list, and one editor for new and
 * existing products. A product either follows the site's backorder setting (no `backorders` sent) or has
 * its own: open to some segments with an optional limit per customer, or closed.
 */
import { ApiError, admin, describeFailure, segment, SignedOut } from './admin.js';
import { clearFieldErrors, h, showResult } from './dom.js';
import { formatDay, formatMoment } from '../format.js';
import { wireEditorSave } from './editor-save.js';
import { fillSupplierSelect } from './suppliers.js';

const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SEGMENT_NAMES = { b2c: 'B2C', b2b: 'B2B' };

const view = document.getElementById('view-products');
const listPart = document.getElementById('products-list-part');
const listTitle = document.getElementById('products-title');
const listResult = document.getElementById('products-result');
const list = document.getElementById('products-list');
const moreButton = document.getElementById('products-more');
const editorPart = document.getElementById('product-editor-part');
const editorTitle = document.getElementById('product-editor-title');
const landing = document.getElementById('product-landing');
const form = document.getElementById('product-form');
const ownRules = document.getElementById('product-own-rules');
const result = document.getElementById('product-result');
const saveButton = document.getElementById('product-save');

const field = (name) => form.elements.namedItem(name);

/** The product being edited (null for a new one). */
let editing = null;
/** A message to show on the list after the editor hands back to it. */
let flash = null;
let cursor = null;
let shownHeading = listTitle;

export const element = () => view;
export const heading = () => shownHeading;
export const title = (route) =>
  route.parts[0] === 'new' ? 'New product' : route.parts[0] ? `Product ${route.parts[0]}` : 'Products';

export async function show(route) {
  const [sku] = route.parts;
  if (sku === 'new') return showEditor(null);
  if (sku) {
    try {
      const { body } = await admin('GET', `/api/admin/products/${segment(sku)}`);
      return showEditor(body);
    } catch (error) {
      if (error instanceof SignedOut) throw error;
      flash = {
        kind: 'error',
        text:
          error instanceof ApiError && error.status === 404
            ? `There is no product with SKU ${sku}.`
            : `Product ${sku} could not be loaded. ${describeFailure(error)}`,
      };
    }
  }
  return showList();
}

// ---- list -----------------------------------------------------------------------------------------------

async function showList() {
  editorPart.hidden = true;
  listPart.hidden = false;
  shownHeading = listTitle;
  list.replaceChildren();
  moreButton.hidden = true;
  cursor = null;
  if (flash) showResult(listResult, flash.kind, flash.text);
  else showResult(listResult, 'info', 'Loading products…');
  const message = flash;
  flash = null;
  await loadPage(message);
  return listTitle;
}

async function loadPage(message) {
  try {
    const { body } = await admin(
      'GET',
      `/api/admin/products${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    const items = Array.isArray(body?.items) ? body.items : [];
    appendRows(items);
    cursor = typeof body?.cursor === 'string' && body.cursor ? body.cursor : null;
    moreButton.hidden = cursor === null;
    if (!message) {
      const count = list.querySelectorAll('tbody tr').length;
      showResult(
        listResult,
        'info',
        count === 0
          ? 'No products yet. Create the first one.'
          : `${count} ${count === 1 ? 'product' : 'products'}.`,
      );
    }
  } catch (error) {
    if (error instanceof SignedOut) throw error;
    showResult(listResult, 'error', `Products could not be loaded. ${describeFailure(error)}`);
  }
}

function appendRows(items) {
  let tbody = list.querySelector('tbody');
  if (!tbody) {
    tbody = h('tbody');
    list.append(
      h(
        'table',
        { className: 'data-table' },
        h('caption', { className: 'visually-hidden' }, 'Products'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['SKU', 'Name', 'Free stock', 'Backorders', 'Expected restock', 'Updated', 'Actions'].map(
              (label) => h('th', { attrs: { scope: 'col' } }, label),
            ),
          ),
        ),
        tbody,
      ),
    );
  }
  for (const product of items) tbody.append(productRow(product));
}

function productRow(product) {
  const cell = (label, ...content) => h('td', { dataset: { label } }, h('div', {}, ...content));
  return h(
    'tr',
    {},
    h(
      'th',
      { attrs: { scope: 'row' }, dataset: { label: 'SKU' } },
      h('div', { className: 'mono' }, product.sku),
    ),
    cell('Name', product.name),
    cell('Free stock', String(product.stock ?? 0)),
    cell('Backorders', policyBadge(product.backorders)),
    cell('Expected restock', formatDay(product.expectedRestockDate) ?? '—'),
    cell('Updated', formatMoment(product.updatedAt) ?? '—'),
    cell(
      'Actions',
      h(
        'div',
        { className: 'row-actions' },
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

/** "Follows site", "Open · B2B · max 5", "Closed". */
export function describePolicy(policy) {
  if (!policy) return { text: 'Follows site setting', kind: 'neutral' };
  if (!policy.enabled) return { text: 'Closed', kind: 'off' };
  const segments = Array.isArray(policy.segments) ? policy.segments : ['b2c', 'b2b'];
  const parts = [
    segments.length
      ? `Open to ${segments.map((s) => SEGMENT_NAMES[s] ?? s).join(' and ')}`
      : 'Open to nobody',
  ];
  if (Number.isInteger(policy.maxPerCustomer)) parts.push(`max ${policy.maxPerCustomer} each`);
  return { text: parts.join(', '), kind: segments.length ? 'on' : 'off' };
}

function policyBadge(policy) {
  const { text, kind } = describePolicy(policy);
  return h('span', { className: `badge badge--${kind}` }, text);
}

moreButton.addEventListener('click', async () => {
  moreButton.disabled = true;
  const before = list.querySelectorAll('tbody tr').length;
  try {
    await loadPage();
    // Keyboard users continue from the first new row rather than from the top.
    list.querySelectorAll('tbody tr')[before]?.querySelector('a')?.focus();
  } catch (error) {
    if (!(error instanceof SignedOut)) throw error;
  } finally {
    moreButton.disabled = false;
  }
});

// ---- editor ---------------------------------------------------------------------------------------------

async function showEditor(product) {
  // The supplier choice lists the current suppliers before the form shows the product's own.
  await fillSupplierSelect(field('supplierId'), product?.supplierId);
  editing = product;
  listPart.hidden = true;
  editorPart.hidden = false;
  shownHeading = editorTitle;
  form.reset();
  clearFieldErrors(form);
  showResult(result);

  const sku = field('sku');
  sku.readOnly = product !== null;
  editorTitle.textContent = product ? `Edit ${product.sku}` : 'New product';
  if (product) {
    sku.value = product.sku;
    field('name').value = product.name ?? '';
    field('stock').value = String(product.stock ?? 0);
    field('expectedRestockDate').value = product.expectedRestockDate ?? '';
    field('supplierId').value = product.supplierId ?? '';
    const policy = product.backorders;
    const mode = !policy ? 'site' : policy.enabled ? 'open' : 'closed';
    form.querySelector(`input[name="policy"][value="${mode}"]`).checked = true;
    const segments = policy && Array.isArray(policy.segments) ? policy.segments : ['b2c', 'b2b'];
    form.querySelectorAll('input[name="segments"]').forEach((box) => {
      box.checked = segments.includes(box.value);
    });
    field('maxPerCustomer').value = Number.isInteger(policy?.maxPerCustomer)
      ? String(policy.maxPerCustomer)
      : '';
    landing.replaceChildren(
      'Shoppers sign up on ',
      h('a', { href: `/p/${segment(product.sku)}`, target: '_blank', rel: 'noopener' }, `/p/${product.sku}`),
      h('span', { className: 'visually-hidden' }, ' (opens in a new tab)'),
      '.',
    );
    landing.hidden = false;
  } else {
    field('stock').value = '0';
    form.querySelectorAll('input[name="segments"]').forEach((box) => {
      box.checked = true;
    });
    landing.hidden = true;
  }
  syncPolicy();
  return editorTitle;
}

function selectedPolicy() {
  return form.querySelector('input[name="policy"]:checked')?.value ?? 'site';
}

function syncPolicy() {
  ownRules.hidden = selectedPolicy() !== 'open';
}

form.addEventListener('change', (event) => {
  if (event.target.name === 'policy') syncPolicy();
});

/** Reads the form; returns {sku, body, problems}. */
function productFromForm() {
  const problems = [];
  const sku = field('sku').value.trim();
  if (!sku) problems.push({ path: 'sku', message: 'Enter the SKU.' });
  else if (sku.length > 64 || !SKU.test(sku))
    problems.push({
      path: 'sku',
      message: 'Use letters, digits, ".", "_" or "-", starting with a letter or digit.',
    });

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

  const supplierId = field('supplierId').value.trim();
  if (supplierId) body.supplierId = supplierId;

  const policy = selectedPolicy();
  if (policy === 'closed') body.backorders = { enabled: false };
  if (policy === 'open') {
    const segments = [...form.querySelectorAll('input[name="segments"]:checked')].map((box) => box.value);
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
  return { sku, body, problems };
}

wireEditorSave({
  form,
  result,
  saveButton,
  saveLabel: 'Save product',
  failure: 'The product was not saved.',
  read: () => {
    const { sku, body, problems } = productFromForm();
    return { id: sku, body, problems };
  },
  path: (sku) => `/api/admin/products/${segment(sku)}`,
  idField: 'sku',
  idMessage: /sku/i,
  onSaved: (created, sku) => {
    flash = { kind: 'success', text: created ? `Product ${sku} created.` : `Product ${sku} saved.` };
    location.hash = '#/products';
  },
});

export function reset() {
  editing = null;
  flash = null;
}
