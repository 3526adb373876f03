/**
 * Suppliers (GET/PUT /api/admin/suppliers/{id}, POST/GET …/batches, GET …/batches/{batchId}/csv): the list,
 * one editor for new and existing suppliers with their batch schedule, and each supplier's batches with
 * their lines, a CSV download and "Send batch now". Products link to a supplier in the product editor,
 * whose supplier choice this module fills.
 */
import { ApiError, admin, describeFailure, downloadAdminFile, segment, SignedOut } from './admin.js';
import { clearFieldErrors, confirmAction, h, showResult } from './dom.js';
import { formatMoment } from '../format.js';
import { wireEditorSave } from './editor-save.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const DAY_NAMES = {
  MON: 'Monday',
  TUE: 'Tuesday',
  WED: 'Wednesday',
  THU: 'Thursday',
  FRI: 'Friday',
  SAT: 'Saturday',
  SUN: 'Sunday',
};

const view = document.getElementById('view-suppliers');
const listPart = document.getElementById('suppliers-list-part');
const listTitle = document.getElementById('suppliers-title');
const listResult = document.getElementById('suppliers-result');
const list = document.getElementById('suppliers-list');
const editorPart = document.getElementById('supplier-editor-part');
const editorTitle = document.getElementById('supplier-editor-title');
const form = document.getElementById('supplier-form');
const result = document.getElementById('supplier-result');
const saveButton = document.getElementById('supplier-save');
const dayField = document.getElementById('supplier-day-field');
const batchesPart = document.getElementById('supplier-batches-part');
const batchesTitle = document.getElementById('supplier-batches-title');
const batchesInfo = document.getElementById('supplier-batches-info');
const batchesResult = document.getElementById('supplier-batches-result');
const batchList = document.getElementById('supplier-batches');
const moreButton = document.getElementById('supplier-batches-more');
const sendNowButton = document.getElementById('supplier-send-now');
const editLink = document.getElementById('supplier-edit-link');

const field = (name) => form.elements.namedItem(name);

const hourSelect = field('hour');
for (let hour = 0; hour < 24; hour++) {
  hourSelect.append(h('option', { value: String(hour) }, `${String(hour).padStart(2, '0')}:00`));
}

/** The supplier being edited (null for a new one). */
let editing = null;
/** The supplier whose batches are shown, and where the next page starts. */
let batchesOf = null;
let cursor = null;
let flash = null;
let shownHeading = listTitle;

export const element = () => view;
export const heading = () => shownHeading;
export const title = (route) => {
  const [id, sub] = route.parts;
  if (id === 'new') return 'New supplier';
  if (id && sub === 'batches') return `Batches for ${id}`;
  return id ? `Supplier ${id}` : 'Suppliers';
};

export async function show(route) {
  const [id, sub] = route.parts;
  if (id === 'new') return showEditor(null);
  if (id) {
    try {
      const { body } = await admin('GET', `/api/admin/suppliers/${segment(id)}`);
      return sub === 'batches' ? await showBatches(body) : showEditor(body);
    } catch (error) {
      if (error instanceof SignedOut) throw error;
      flash = {
        kind: 'error',
        text:
          error instanceof ApiError && error.status === 404
            ? `There is no supplier with id ${id}.`
            : `Supplier ${id} could not be loaded. ${describeFailure(error)}`,
      };
    }
  }
  return showList();
}

function showPart(part) {
  listPart.hidden = part !== listPart;
  editorPart.hidden = part !== editorPart;
  batchesPart.hidden = part !== batchesPart;
}

/** "Every Monday at 06:00 UTC, at least 10 units". */
export function describeSchedule(batch) {
  if (!batch) return '';
  const at = `${String(batch.hour ?? 6).padStart(2, '0')}:00 UTC`;
  const when =
    batch.every === 'day' ? `Every day at ${at}` : `Every ${DAY_NAMES[batch.day] ?? batch.day} at ${at}`;
  const min = Number(batch.minUnits ?? 1);
  return `${when}, when at least ${min} ${min === 1 ? 'unit is' : 'units are'} waiting`;
}

const unitText = (count) => `${count} ${count === 1 ? 'unit' : 'units'}`;

/** Every product of the catalogue (a few pages at most), for the SKUs each supplier supplies. */
async function allProducts() {
  const products = [];
  let next = null;
  for (let page = 0; page < 50; page++) {
    const { body } = await admin(
      'GET',
      `/api/admin/products${next ? `?cursor=${encodeURIComponent(next)}` : ''}`,
    );
    products.push(...(Array.isArray(body?.items) ? body.items : []));
    next = typeof body?.cursor === 'string' && body.cursor ? body.cursor : null;
    if (!next) break;
  }
  return products;
}

/** The SKUs of each supplier; null when the catalogue could not be read (the list still shows). */
async function skusBySupplier() {
  try {
    const bySupplier = new Map();
    for (const product of await allProducts()) {
      if (!product.supplierId) continue;
      bySupplier.set(product.supplierId, [...(bySupplier.get(product.supplierId) ?? []), product.sku]);
    }
    return bySupplier;
  } catch (error) {
    if (error instanceof SignedOut) throw error;
    return null;
  }
}

function describeSkus(skus) {
  if (!skus) return '—';
  if (skus.length === 0) return 'None yet: choose this supplier in a product\u2019s editor';
  const shown = skus.slice(0, 8).join(', ');
  return skus.length > 8 ? `${shown} and ${skus.length - 8} more` : shown;
}

// ---- list -----------------------------------------------------------------------------------------------

async function showList() {
  showPart(listPart);
  shownHeading = listTitle;
  list.replaceChildren();
  const message = flash;
  flash = null;
  if (message) showResult(listResult, message.kind, message.text);
  else showResult(listResult, 'info', 'Loading suppliers…');
  try {
    const [{ body }, skus] = await Promise.all([admin('GET', '/api/admin/suppliers'), skusBySupplier()]);
    const items = Array.isArray(body?.items) ? body.items : [];
    list.replaceChildren(
      h(
        'ul',
        { className: 'card-list' },
        items.map((supplier) => supplierCard(supplier, skus ? (skus.get(supplier.id) ?? []) : null)),
      ),
    );
    if (!message)
      showResult(
        listResult,
        'info',
        items.length === 0
          ? 'No suppliers yet. Add one, then choose it in the editor of the products it supplies.'
          : `${items.length} ${items.length === 1 ? 'supplier' : 'suppliers'}.`,
      );
  } catch (error) {
    if (error instanceof SignedOut) throw error;
    showResult(listResult, 'error', `Suppliers could not be loaded. ${describeFailure(error)}`);
  }
  return listTitle;
}

function supplierCard(supplier, skus) {
  const titleId = `supplier-card-${supplier.id}`;
  return h(
    'li',
    { className: 'card', dataset: { supplierId: supplier.id } },
    h(
      'div',
      { className: 'card-heading' },
      h('h2', { id: titleId, className: 'card-title' }, supplier.name),
      h('span', { className: 'mono muted' }, supplier.id),
    ),
    h(
      'dl',
      { className: 'facts facts--compact' },
      fact('Email', supplier.email),
      fact('Schedule', describeSchedule(supplier.batch)),
      fact('Products', h('span', { className: 'mono' }, describeSkus(skus))),
      fact('Last batch', formatMoment(supplier.lastBatchAt) ?? 'None yet'),
      fact('Next batch', formatMoment(supplier.nextBatchAt) ?? '—'),
    ),
    h(
      'div',
      { className: 'row-actions' },
      h(
        'a',
        {
          href: `#/suppliers/${segment(supplier.id)}/batches`,
          className: 'button button--small',
          attrs: { 'aria-describedby': titleId },
        },
        'Batches',
      ),
      h(
        'a',
        {
          href: `#/suppliers/${segment(supplier.id)}`,
          className: 'button button--secondary button--small',
          attrs: { 'aria-describedby': titleId },
        },
        'Edit',
      ),
    ),
  );
}

function fact(term, ...description) {
  return h('div', {}, h('dt', {}, term), h('dd', {}, ...description));
}

// ---- editor ---------------------------------------------------------------------------------------------

function showEditor(supplier) {
  editing = supplier;
  showPart(editorPart);
  shownHeading = editorTitle;
  form.reset();
  clearFieldErrors(form);
  showResult(result);
  field('id').readOnly = supplier !== null;
  editorTitle.textContent = supplier ? `Edit ${supplier.name}` : 'New supplier';
  const batch = supplier?.batch ?? { every: 'week', day: 'MON', hour: 6, minUnits: 1 };
  field('id').value = supplier?.id ?? '';
  field('name').value = supplier?.name ?? '';
  field('email').value = supplier?.email ?? '';
  form.querySelector(`input[name="every"][value="${batch.every === 'day' ? 'day' : 'week'}"]`).checked = true;
  field('day').value = batch.day ?? 'MON';
  field('hour').value = String(batch.hour ?? 6);
  field('minUnits').value = String(batch.minUnits ?? 1);
  syncEvery();
  return editorTitle;
}

function selectedEvery() {
  return form.querySelector('input[name="every"]:checked')?.value ?? 'week';
}

function syncEvery() {
  dayField.hidden = selectedEvery() !== 'week';
}

form.addEventListener('change', (event) => {
  if (event.target.name === 'every') syncEvery();
});

/** Reads the form; returns {id, body, problems}. */
function supplierFromForm() {
  const problems = [];
  const id = editing ? editing.id : field('id').value.trim();
  if (!id) problems.push({ path: 'id', message: 'Enter an id for this supplier.' });
  else if (!ID.test(id))
    problems.push({
      path: 'id',
      message: 'Use letters, digits, ".", "_" or "-", starting with a letter or digit (at most 64).',
    });
  const name = field('name').value.trim();
  if (!name) problems.push({ path: 'name', message: 'Enter the supplier\u2019s name.' });
  const email = field('email').value.trim();
  if (!email) problems.push({ path: 'email', message: 'Enter the address batches are sent to.' });
  const every = selectedEvery();
  const batch = { every, hour: Number(field('hour').value) };
  if (every === 'week') batch.day = field('day').value;
  const minText = field('minUnits').value.trim();
  const minUnits = minText === '' ? 1 : Number(minText);
  if (!Number.isInteger(minUnits) || minUnits < 1 || field('minUnits').validity.badInput)
    problems.push({ path: 'batch.minUnits', message: 'Enter a whole number of 1 or more.' });
  batch.minUnits = minUnits;
  return { id, body: { name, email, batch }, problems };
}

wireEditorSave({
  form,
  result,
  saveButton,
  saveLabel: 'Save supplier',
  failure: 'The supplier was not saved.',
  read: supplierFromForm,
  path: (id) => `/api/admin/suppliers/${segment(id)}`,
  idField: 'id',
  idMessage: /supplier id/i,
  onSaved: (created, _id, body) => {
    flash = {
      kind: 'success',
      text: created ? `Supplier ${body.name} created.` : `Supplier ${body.name} saved.`,
    };
    location.hash = '#/suppliers';
  },
});

// ---- batches --------------------------------------------------------------------------------------------

async function showBatches(supplier) {
  batchesOf = supplier;
  showPart(batchesPart);
  shownHeading = batchesTitle;
  batchesTitle.textContent = `Batches for ${supplier.name}`;
  batchesInfo.textContent = `Sent to ${supplier.email}. ${describeSchedule(supplier.batch)}. Newest first.`;
  editLink.href = `#/suppliers/${segment(supplier.id)}`;
  showResult(batchesResult, 'info', 'Loading batches…');
  await reloadBatches();
  return batchesTitle;
}

async function reloadBatches(message) {
  batchList.replaceChildren();
  moreButton.hidden = true;
  cursor = null;
  await loadBatches(message);
}

async function loadBatches(message) {
  const supplier = batchesOf;
  try {
    const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
    const { body } = await admin('GET', `/api/admin/suppliers/${segment(supplier.id)}/batches${query}`);
    if (batchesOf !== supplier) return;
    for (const batch of Array.isArray(body?.items) ? body.items : []) batchList.append(batchCard(batch));
    cursor = typeof body?.cursor === 'string' && body.cursor ? body.cursor : null;
    moreButton.hidden = cursor === null;
    if (message) showResult(batchesResult, message.kind, message.text);
    else {
      const count = batchList.children.length;
      showResult(
        batchesResult,
        'info',
        count === 0
          ? 'No batches yet. The first goes out on schedule, or now with "Send batch now".'
          : `${count} ${count === 1 ? 'batch' : 'batches'}${cursor ? ' so far' : ''}.`,
      );
    }
  } catch (error) {
    if (error instanceof SignedOut) throw error;
    showResult(batchesResult, 'error', `Batches could not be loaded. ${describeFailure(error)}`);
  }
}

function batchCard(batch) {
  const titleId = `supplier-batch-${batch.id}`;
  const lines = Array.isArray(batch.lines) ? batch.lines : [];
  return h(
    'li',
    { className: 'card', dataset: { batchId: batch.id } },
    h(
      'div',
      { className: 'card-heading' },
      h('h2', { id: titleId, className: 'card-title' }, formatMoment(batch.createdAt) ?? batch.createdAt),
      h(
        'span',
        {},
        h(
          'span',
          { className: 'badge badge--neutral' },
          batch.trigger === 'manual' ? 'Sent on demand' : 'On schedule',
        ),
        ' ',
        h(
          'span',
          { className: `badge badge--${batch.sentAt ? 'on' : 'neutral'}` },
          batch.sentAt ? 'Email sent' : 'Email on its way',
        ),
      ),
    ),
    h(
      'dl',
      { className: 'facts facts--compact' },
      fact('Units', `${unitText(batch.units ?? 0)} from ${batch.backorders ?? 0} backorders`),
      fact('Sent to', batch.sentTo ?? '—'),
      fact(
        'Covers',
        batch.window?.from
          ? `Backorders placed ${formatMoment(batch.window.from)} – ${formatMoment(batch.window.to)}`
          : `Backorders placed up to ${formatMoment(batch.window?.to) ?? '—'}`,
      ),
    ),
    lines.length === 0
      ? h('p', { className: 'muted' }, 'No new backorders in this batch.')
      : linesTable(lines),
    h(
      'div',
      { className: 'row-actions' },
      h(
        'button',
        {
          type: 'button',
          className: 'button button--secondary button--small',
          dataset: { action: 'download', fileName: batch.fileName ?? 'batch.csv' },
          attrs: { 'aria-describedby': titleId },
        },
        'Download CSV',
      ),
    ),
  );
}

function linesTable(lines) {
  const cell = (label, ...content) => h('td', { dataset: { label } }, h('div', {}, ...content));
  return h(
    'table',
    { className: 'data-table' },
    h('caption', { className: 'visually-hidden' }, 'Lines of this batch'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['SKU', 'Product', 'Units', 'Backorders', 'Oldest'].map((label) =>
          h('th', { attrs: { scope: 'col' } }, label),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      lines.map((line) =>
        h(
          'tr',
          {},
          h(
            'th',
            { attrs: { scope: 'row' }, dataset: { label: 'SKU' } },
            h('div', { className: 'mono' }, line.sku),
          ),
          cell('Product', line.name ?? ''),
          cell('Units', String(line.units ?? 0)),
          cell('Backorders', String(line.backorders ?? 0)),
          cell('Oldest', formatMoment(line.oldest) ?? '—'),
        ),
      ),
    ),
  );
}

batchList.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-action="download"]');
  if (!button || !batchesOf) return;
  const batchId = button.closest('[data-batch-id]').dataset.batchId;
  button.disabled = true;
  try {
    const name = await downloadAdminFile(
      `/api/admin/suppliers/${segment(batchesOf.id)}/batches/${segment(batchId)}/csv`,
      button.dataset.fileName,
    );
    showResult(batchesResult, 'success', `Downloaded ${name}.`);
  } catch (error) {
    if (error instanceof SignedOut) return;
    showResult(batchesResult, 'error', `The CSV could not be downloaded. ${describeFailure(error)}`);
    batchesResult.focus();
  } finally {
    button.disabled = false;
  }
});

sendNowButton.addEventListener('click', async () => {
  const supplier = batchesOf;
  if (!supplier) return;
  const confirmed = await confirmAction({
    title: `Send a batch to ${supplier.name} now?`,
    text: `Every backorder placed since the last batch goes to ${supplier.email} now, whatever the minimum. The next scheduled batch then starts from here.`,
    confirmLabel: 'Send batch now',
    cancelLabel: 'Not now',
    danger: false,
  });
  if (!confirmed) return;
  sendNowButton.disabled = true;
  sendNowButton.textContent = 'Sending…';
  try {
    const { body } = await admin('POST', `/api/admin/suppliers/${segment(supplier.id)}/batches`);
    const count = Array.isArray(body?.lines) ? body.lines.length : 0;
    await reloadBatches({
      kind: 'success',
      text:
        count === 0
          ? `Batch sent to ${body.sentTo}: no new backorders since the last batch.`
          : `Batch sent to ${body.sentTo}: ${unitText(body.units ?? 0)} of ${count} ${count === 1 ? 'product' : 'products'}.`,
    });
    batchesResult.focus();
  } catch (error) {
    if (error instanceof SignedOut) return;
    showResult(batchesResult, 'error', `The batch was not sent. ${describeFailure(error)}`);
    batchesResult.focus();
  } finally {
    sendNowButton.disabled = false;
    sendNowButton.textContent = 'Send batch now';
  }
});

moreButton.addEventListener('click', async () => {
  moreButton.disabled = true;
  const before = batchList.children.length;
  try {
    await loadBatches();
    const first = batchList.children[before]?.querySelector('h2');
    first?.setAttribute('tabindex', '-1');
    first?.focus();
  } catch (error) {
    if (!(error instanceof SignedOut)) throw error;
  } finally {
    moreButton.disabled = false;
  }
});

// ---- the product editor's supplier choice ---------------------------------------------------------------

/**
 * Fills a product editor's supplier <select> with every supplier, keeping `current` choosable even when no
 * supplier has that id (or the list could not be loaded), so saving a product never drops its link unasked.
 * @param {HTMLSelectElement} select
 * @param {string|undefined} current
 */
export async function fillSupplierSelect(select, current) {
  let suppliers = [];
  try {
    const { body } = await admin('GET', '/api/admin/suppliers');
    suppliers = Array.isArray(body?.items) ? body.items : [];
  } catch (error) {
    if (error instanceof SignedOut) throw error;
  }
  const options = [h('option', { value: '' }, 'No supplier')];
  for (const supplier of suppliers)
    options.push(h('option', { value: supplier.id }, `${supplier.name} (${supplier.id})`));
  if (current && !suppliers.some((supplier) => supplier.id === current))
    options.push(h('option', { value: current }, `${current} (no such supplier)`));
  select.replaceChildren(...options);
}

export function reset() {
  editing = null;
  flash = null;
  batchesOf = null;
}
