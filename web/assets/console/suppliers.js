// @ts-check
/**
 * Suppliers (GET/PUT /api/admin/suppliers/{id}): the list, and one editor for new and existing suppliers
 * with their batch schedule; each supplier's batches are supplier-batches.js. Products link to a supplier
 * in the product editor, whose supplier choice this module fills.
 */
import { admin, segment, SignedOut } from './admin.js';
import { byId, checkedValues, clearFieldErrors, control, h, setChecked, showResult } from './dom.js';
import { formatMoment } from '../format.js';
import { Section, counted, cursorOf, itemsOf, loadList, pagePath } from './section.js';
import { actions, card, fact, facts, linkButton } from './cards.js';
import { showBatches, stopBatches } from './supplier-batches.js';
import { fillChoices } from './choices.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** @type {Record<string, string>} */
const DAY_NAMES = {
  MON: 'Monday',
  TUE: 'Tuesday',
  WED: 'Wednesday',
  THU: 'Thursday',
  FRI: 'Friday',
  SAT: 'Saturday',
  SUN: 'Sunday',
};

const listPart = byId('suppliers-list-part');
const listResult = byId('suppliers-result');
const list = byId('suppliers-list');
const editorPart = byId('supplier-editor-part');
const editorTitle = byId('supplier-editor-title');
const form = byId('supplier-form', window.HTMLFormElement);
fillChoices(byId('supplier-every-choices'), {
  name: 'every',
  type: 'radio',
  choices: [
    ['week', 'Every week'],
    ['day', 'Every day'],
  ],
});
const result = byId('supplier-result');
const dayField = byId('supplier-day-field');
const batchesPart = byId('supplier-batches-part');

/** @param {string} name */
const field = (name) => control(form, name);
/** @param {string} name */
const choice = (name) => control(form, name, window.HTMLSelectElement);

const section = new Section({
  view: byId('view-suppliers'),
  listHeading: byId('suppliers-title'),
  parts: [listPart, editorPart, batchesPart],
  noun: 'supplier',
  idName: 'id',
  listHash: '#/suppliers',
  itemPath: (id) => `/api/admin/suppliers/${segment(id)}`,
});

const hourSelect = choice('hour');
for (let hour = 0; hour < 24; hour++) {
  hourSelect.append(h('option', { value: String(hour) }, `${String(hour).padStart(2, '0')}:00`));
}

/** The supplier being edited (null for a new one). */
let editing = /** @type {any} */ (null);

export const element = section.element;
export const heading = section.heading;
/** @param {import('./section.js').Route} route */
export const title = (route) =>
  Section.title(route, { list: 'Suppliers', one: 'Supplier', sub: ['batches', (id) => `Batches for ${id}`] });

/** @param {import('./section.js').Route} route */
export const show = (route) =>
  section.route(route, {
    list: showList,
    editor: showEditor,
    sub: {
      name: 'batches',
      part: batchesPart,
      heading: byId('supplier-batches-title'),
      show: (supplier) => showBatches(supplier, describeSchedule),
    },
  });

/**
 * "Every Monday at 06:00 UTC, when at least 10 units are waiting".
 * @param {any} batch
 */
export function describeSchedule(batch) {
  if (!batch) return '';
  const at = `${String(batch.hour ?? 6).padStart(2, '0')}:00 UTC`;
  const when =
    batch.every === 'day' ? `Every day at ${at}` : `Every ${DAY_NAMES[batch.day] ?? batch.day} at ${at}`;
  const min = Number(batch.minUnits ?? 1);
  return `${when}, when at least ${min} ${min === 1 ? 'unit is' : 'units are'} waiting`;
}

/** Every product of the catalogue (a few pages at most), for the SKUs each supplier supplies. */
async function allProducts() {
  const products = [];
  let next = null;
  for (let page = 0; page < 50; page++) {
    const { body } = await admin('GET', pagePath('/api/admin/products', next));
    products.push(...itemsOf(body));
    next = cursorOf(body);
    if (!next) break;
  }
  return products;
}

/**
 * The SKUs of each supplier; null when the catalogue could not be read (the list still shows).
 * @returns {Promise<Map<string, string[]>|null>}
 */
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

/** @param {string[]|null} skus */
function describeSkus(skus) {
  if (!skus) return '—';
  if (skus.length === 0) return 'None yet: choose this supplier in a product\u2019s editor';
  const shown = skus.slice(0, 8).join(', ');
  return skus.length > 8 ? `${shown} and ${skus.length - 8} more` : shown;
}

// ---- list -----------------------------------------------------------------------------------------------

async function showList() {
  section.showPart(listPart, section.listHeading);
  list.replaceChildren();
  await loadList({
    result: listResult,
    message: section.takeMessage(),
    loading: 'Loading suppliers…',
    failure: 'Suppliers could not be loaded.',
    load: async () => {
      const [{ body }, skus] = await Promise.all([admin('GET', '/api/admin/suppliers'), skusBySupplier()]);
      const items = itemsOf(body);
      const cards = items.map((supplier) =>
        supplierCard(supplier, skus ? (skus.get(supplier.id) ?? []) : null),
      );
      list.replaceChildren(h('ul', { className: 'card-list' }, cards));
      return items.length;
    },
    counted: (count) =>
      count === 0
        ? 'No suppliers yet. Add one, then choose it in the editor of the products it supplies.'
        : `${counted(count, 'supplier')}.`,
  });
  return section.listHeading;
}

/**
 * @param {any} supplier
 * @param {string[]|null} skus
 */
function supplierCard(supplier, skus) {
  const titleId = `supplier-card-${supplier.id}`;
  return card(
    {
      dataset: { supplierId: supplier.id },
      titleId,
      title: supplier.name,
      aside: h('span', { className: 'mono muted' }, supplier.id),
    },
    facts(
      fact('Email', supplier.email),
      fact('Schedule', describeSchedule(supplier.batch)),
      fact('Products', h('span', { className: 'mono' }, describeSkus(skus))),
      fact('Last batch', formatMoment(supplier.lastBatchAt) ?? 'None yet'),
      fact('Next batch', formatMoment(supplier.nextBatchAt) ?? '—'),
    ),
    actions(
      linkButton(`#/suppliers/${segment(supplier.id)}/batches`, 'Batches', titleId, 'primary'),
      linkButton(`#/suppliers/${segment(supplier.id)}`, 'Edit', titleId),
    ),
  );
}

// ---- editor ---------------------------------------------------------------------------------------------

/** @param {any} supplier */
function showEditor(supplier) {
  editing = supplier;
  section.showPart(editorPart, editorTitle);
  form.reset();
  clearFieldErrors(form);
  showResult(result);
  field('id').readOnly = supplier !== null;
  editorTitle.textContent = supplier ? `Edit ${supplier.name}` : 'New supplier';
  const batch = supplier?.batch ?? { every: 'week', day: 'MON', hour: 6, minUnits: 1 };
  field('id').value = supplier?.id ?? '';
  field('name').value = supplier?.name ?? '';
  field('email').value = supplier?.email ?? '';
  choice('locale').value = supplier?.locale ?? 'en';
  setChecked(form, 'every', [batch.every === 'day' ? 'day' : 'week']);
  choice('day').value = batch.day ?? 'MON';
  choice('hour').value = String(batch.hour ?? 6);
  field('minUnits').value = String(batch.minUnits ?? 1);
  syncEvery();
  return editorTitle;
}

const selectedEvery = () => checkedValues(form, 'every')[0] ?? 'week';

function syncEvery() {
  dayField.hidden = selectedEvery() !== 'week';
}

form.addEventListener('change', (event) => {
  if (event.target instanceof window.HTMLInputElement && event.target.name === 'every') syncEvery();
});

/** Reads the form: the id, the request body, and what the form can tell is wrong. */
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
  /** @type {Record<string, unknown>} */
  const batch = { every, hour: Number(choice('hour').value) };
  if (every === 'week') batch.day = choice('day').value;
  const minText = field('minUnits').value.trim();
  const minUnits = minText === '' ? 1 : Number(minText);
  if (!Number.isInteger(minUnits) || minUnits < 1 || field('minUnits').validity.badInput)
    problems.push({ path: 'batch.minUnits', message: 'Enter a whole number of 1 or more.' });
  batch.minUnits = minUnits;
  // English is the default: said only when another language is chosen.
  const locale = choice('locale').value;
  return { value: { id, body: { name, email, batch, ...(locale === 'en' ? {} : { locale }) } }, problems };
}

section.wireEditorSave({
  form,
  result,
  saveButton: byId('supplier-save', window.HTMLButtonElement),
  read: supplierFromForm,
  idField: 'id',
  idMessage: /supplier id/i,
  saved: ({ body }) => `Supplier ${body.name}`,
});

// ---- the product editor's supplier choice ---------------------------------------------------------------

/**
 * Fills a product editor's supplier <select> with every supplier, keeping `current` choosable even when no
 * supplier has that id (or the list could not be loaded), so saving a product never drops its link unasked.
 * @param {HTMLSelectElement} select
 * @param {string|undefined} current
 */
export async function fillSupplierSelect(select, current) {
  /** @type {any[]} */
  let suppliers = [];
  try {
    const { body } = await admin('GET', '/api/admin/suppliers');
    suppliers = itemsOf(body);
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
  section.reset();
  stopBatches();
}
