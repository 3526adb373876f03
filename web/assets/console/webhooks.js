// @ts-check
/**
 * Webhooks (GET/PUT/DELETE /api/admin/webhooks/{id}): the shop's endpoints, and one editor for new and
 * existing ones; each endpoint's deliveries are webhook-deliveries.js. Secrets are write-only: the API says
 * only how a saved one ends.
 */
import { admin, describeFailure, segment, SignedOut } from './admin.js';
import {
  byId,
  checkedValues,
  clearFieldErrors,
  closestTo,
  confirmAction,
  control,
  h,
  setChecked,
  showResult,
} from './dom.js';
import { formatMoment } from '../format.js';
import { Section, counted, itemsOf, loadList } from './section.js';
import { actionButton, actions, badge, card, fact, facts, linkButton } from './cards.js';
import { showDeliveries, stopDeliveries } from './webhook-deliveries.js';
import { fillChoices } from './choices.js';

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** @type {Record<string, string>} */
const EVENT_NAMES = {
  'backorder.created': 'created',
  'backorder.cancelled': 'cancelled',
  'backorder.allocated': 'allocated',
  'backorder.fulfilled': 'fulfilled',
  'backorder.expired': 'expired',
  'product.eta_changed': 'date changed',
};

const listPart = byId('webhooks-list-part');
const listResult = byId('webhooks-result');
const list = byId('webhooks-list');
const editorPart = byId('webhook-editor-part');
const editorTitle = byId('webhook-editor-title');
const form = byId('webhook-form', window.HTMLFormElement);
fillChoices(byId('webhook-events-choices'), {
  name: 'events',
  type: 'checkbox',
  choices: [
    ['backorder.created', 'Backorder created'],
    ['backorder.cancelled', 'Backorder cancelled'],
    ['backorder.allocated', 'Backorder allocated (units reserved at restock)'],
    ['backorder.fulfilled', 'Backorder fulfilled'],
    ['backorder.expired', 'Backorder expired (the hold ran out, units went to the next in line)'],
    ['product.eta_changed', "Product's expected date changed (told to everyone waiting)"],
  ],
});
const result = byId('webhook-result');
const secretHint = byId('webhook-secret-hint');
const deliveriesPart = byId('webhook-deliveries-part');

const SECRET_HINT = secretHint.textContent;
/** @param {string} name */
const field = (name) => control(form, name);

const section = new Section({
  view: byId('view-webhooks'),
  listHeading: byId('webhooks-title'),
  parts: [listPart, editorPart, deliveriesPart],
  noun: 'webhook endpoint',
  idName: 'id',
  listHash: '#/webhooks',
  itemPath: (id) => `/api/admin/webhooks/${segment(id)}`,
});

/** The endpoint being edited (null for a new one). */
let editing = /** @type {any} */ (null);
/** The endpoints on the list, by id. */
let endpoints = new Map();

export const element = section.element;
export const heading = section.heading;
/** @param {import('./section.js').Route} route */
export const title = (route) =>
  Section.title(route, {
    list: 'Webhooks',
    one: 'Webhook',
    sub: ['deliveries', (id) => `Deliveries to ${id}`],
  });

/** @param {import('./section.js').Route} route */
export const show = (route) =>
  section.route(route, {
    list: showList,
    editor: showEditor,
    sub: {
      name: 'deliveries',
      part: deliveriesPart,
      heading: byId('webhook-deliveries-title'),
      show: showDeliveries,
    },
  });

// ---- list -----------------------------------------------------------------------------------------------

async function showList() {
  section.showPart(listPart, section.listHeading);
  list.replaceChildren();
  await loadList({
    result: listResult,
    message: section.takeMessage(),
    loading: 'Loading webhook endpoints…',
    failure: 'Webhook endpoints could not be loaded.',
    load: async () => {
      const items = itemsOf((await admin('GET', '/api/admin/webhooks')).body);
      endpoints = new Map(items.map((endpoint) => [endpoint.id, endpoint]));
      list.replaceChildren(h('ul', { className: 'card-list' }, items.map(endpointCard)));
      return items.length;
    },
    counted: (count) =>
      count === 0
        ? 'No endpoints yet. Add one to send backorder events to another system.'
        : `${counted(count, 'endpoint')}.`,
  });
  return section.listHeading;
}

/** @param {any} endpoint */
function endpointCard(endpoint) {
  const titleId = `webhook-card-${endpoint.id}`;
  const active = endpoint.active !== false;
  return card(
    {
      dataset: { webhookId: endpoint.id },
      titleId,
      title: endpoint.id,
      titleClass: 'mono',
      aside: badge(active ? 'on' : 'neutral', active ? 'Active' : 'Inactive'),
    },
    facts(
      fact('URL', h('span', { className: 'mono' }, endpoint.url)),
      fact('Events', describeEvents(endpoint.events)),
      fact('Secret', endpoint.secretLast4 ? `Set, ends in …${endpoint.secretLast4}` : 'Set'),
      endpoint.updatedAt ? fact('Updated', formatMoment(endpoint.updatedAt) ?? endpoint.updatedAt) : null,
    ),
    actions(
      linkButton(`#/webhooks/${segment(endpoint.id)}/deliveries`, 'Deliveries', titleId, 'primary'),
      linkButton(`#/webhooks/${segment(endpoint.id)}`, 'Edit', titleId),
      actionButton('delete', 'Delete', titleId, 'danger'),
    ),
  );
}

/** @param {unknown} events */
function describeEvents(events) {
  const names = (Array.isArray(events) ? events : []).map((event) => EVENT_NAMES[event] ?? event);
  return names.length ? `Backorder ${names.join(', ')}` : 'None';
}

list.addEventListener('click', async (event) => {
  const card = closestTo(event, 'button[data-action="delete"]')?.closest('li');
  const endpoint = card && endpoints.get(card.dataset.webhookId);
  if (card && endpoint) await remove(endpoint, card);
});

/**
 * @param {any} endpoint
 * @param {HTMLElement} card
 */
async function remove(endpoint, card) {
  const confirmed = await confirmAction({
    title: `Delete webhook endpoint ${endpoint.id}?`,
    text: `${endpoint.url} gets no more events, including those still being retried. This cannot be undone.`,
    confirmLabel: 'Delete endpoint',
  });
  if (!confirmed) return;
  try {
    await admin('DELETE', section.itemPath(endpoint.id));
    endpoints.delete(endpoint.id);
    const next = card.nextElementSibling ?? card.previousElementSibling;
    card.remove();
    showResult(listResult, 'success', `Webhook endpoint ${endpoint.id} deleted.`);
    (next?.querySelector('a') ?? section.listHeading).focus();
  } catch (error) {
    if (error instanceof SignedOut) return;
    showResult(listResult, 'error', `${endpoint.id} was not deleted. ${describeFailure(error)}`);
    listResult.focus();
  }
}

// ---- editor ---------------------------------------------------------------------------------------------

/** @param {any} endpoint */
function showEditor(endpoint) {
  editing = endpoint;
  section.showPart(editorPart, editorTitle);
  form.reset();
  clearFieldErrors(form);
  showResult(result);
  field('id').readOnly = endpoint !== null;
  editorTitle.textContent = endpoint ? `Edit endpoint ${endpoint.id}` : 'New webhook endpoint';
  field('active').checked = endpoint ? endpoint.active !== false : true;
  setChecked(form, 'events', endpoint ? (endpoint.events ?? []) : ['backorder.created']);
  field('id').value = endpoint?.id ?? '';
  field('url').value = endpoint?.url ?? '';
  secretHint.textContent = endpoint
    ? `${SECRET_HINT} The saved one ends in …${endpoint.secretLast4 ?? '????'}: enter it again, or a new one.`
    : SECRET_HINT;
  return editorTitle;
}

/** Reads the form: the id, the request body, and what the form can tell is wrong. */
function endpointFromForm() {
  const problems = [];
  const id = editing ? editing.id : field('id').value.trim();
  if (!id) problems.push({ path: 'id', message: 'Enter an id for this endpoint.' });
  else if (!ID.test(id))
    problems.push({ path: 'id', message: 'Use lower-case letters, digits and dashes (at most 64).' });
  const url = field('url').value.trim();
  if (!url) problems.push({ path: 'url', message: 'Enter the address events are posted to.' });
  const secret = field('secret').value;
  if (secret.length < 16 || secret.length > 256)
    problems.push({ path: 'secret', message: 'Enter a secret of 16 to 256 characters.' });
  const events = checkedValues(form, 'events');
  if (events.length === 0) problems.push({ path: 'events', message: 'Tick at least one event.' });
  return { value: { id, body: { url, secret, events, active: field('active').checked } }, problems };
}

section.wireEditorSave({
  form,
  result,
  saveButton: byId('webhook-save', window.HTMLButtonElement),
  read: endpointFromForm,
  idField: 'id',
  idMessage: /webhook id/i,
  saved: ({ id }) => `Webhook endpoint ${id}`,
});

export function reset() {
  editing = null;
  section.reset();
  stopDeliveries();
}
