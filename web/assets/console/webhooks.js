/**
 * Webhooks (GET/PUT/DELETE /api/admin/webhooks/{id}, GET …/deliveries): the shop's endpoints, one editor for
 * new and existing ones, and each endpoint's deliveries with their state, so a failing receiver is seen
 * rather than lost. Secrets are write-only: the API says only how a saved one ends.
 */
import { ApiError, admin, describeFailure, segment, SignedOut } from './admin.js';
import { clearFieldErrors, confirmAction, h, showResult } from './dom.js';
import { formatMoment } from '../format.js';
import { wireEditorSave } from './editor-save.js';

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const EVENT_NAMES = {
  'backorder.created': 'created',
  'backorder.cancelled': 'cancelled',
  'backorder.allocated': 'allocated',
  'backorder.fulfilled': 'fulfilled',
};
const STATES = {
  delivered: { text: 'Delivered', kind: 'on' },
  pending: { text: 'Retrying', kind: 'neutral' },
  failed: { text: 'Failed, not retried', kind: 'off' },
  dead: { text: 'Dead-lettered', kind: 'off' },
  blocked: {
    text: 'Blocked, not sent',
    kind: 'off',
    // The platform never posts to private or internal networks: the endpoint's name points there now.
    note: 'Not sent: the address is private or internal. Point the endpoint at a public https address.',
  },
};

const view = document.getElementById('view-webhooks');
const listPart = document.getElementById('webhooks-list-part');
const listTitle = document.getElementById('webhooks-title');
const listResult = document.getElementById('webhooks-result');
const list = document.getElementById('webhooks-list');
const editorPart = document.getElementById('webhook-editor-part');
const editorTitle = document.getElementById('webhook-editor-title');
const form = document.getElementById('webhook-form');
const result = document.getElementById('webhook-result');
const saveButton = document.getElementById('webhook-save');
const secretHint = document.getElementById('webhook-secret-hint');
const deliveriesPart = document.getElementById('webhook-deliveries-part');
const deliveriesTitle = document.getElementById('webhook-deliveries-title');
const deliveriesUrl = document.getElementById('webhook-deliveries-url');
const deliveriesResult = document.getElementById('webhook-deliveries-result');
const deliveries = document.getElementById('webhook-deliveries');
const moreButton = document.getElementById('webhook-deliveries-more');
const refreshButton = document.getElementById('webhook-deliveries-refresh');

const SECRET_HINT = secretHint.textContent;
const field = (name) => form.elements.namedItem(name);

/** The endpoint being edited (null for a new one). */
let editing = null;
/** The endpoints on the list, by id. */
let endpoints = new Map();
/** The endpoint whose deliveries are shown, and where the next page starts. */
let deliveriesOf = null;
let cursor = null;
let flash = null;
let shownHeading = listTitle;

export const element = () => view;
export const heading = () => shownHeading;
export const title = (route) => {
  const [id, sub] = route.parts;
  if (id === 'new') return 'New webhook endpoint';
  if (id && sub === 'deliveries') return `Deliveries to ${id}`;
  return id ? `Webhook ${id}` : 'Webhooks';
};

export async function show(route) {
  const [id, sub] = route.parts;
  if (id === 'new') return showEditor(null);
  if (id) {
    try {
      const { body } = await admin('GET', `/api/admin/webhooks/${segment(id)}`);
      return sub === 'deliveries' ? showDeliveries(body) : showEditor(body);
    } catch (error) {
      if (error instanceof SignedOut) throw error;
      flash = {
        kind: 'error',
        text:
          error instanceof ApiError && error.status === 404
            ? `There is no webhook endpoint with id ${id}.`
            : `Webhook ${id} could not be loaded. ${describeFailure(error)}`,
      };
    }
  }
  return showList();
}

function showPart(part) {
  listPart.hidden = part !== listPart;
  editorPart.hidden = part !== editorPart;
  deliveriesPart.hidden = part !== deliveriesPart;
}

// ---- list -----------------------------------------------------------------------------------------------

async function showList() {
  showPart(listPart);
  shownHeading = listTitle;
  list.replaceChildren();
  const message = flash;
  flash = null;
  if (message) showResult(listResult, message.kind, message.text);
  else showResult(listResult, 'info', 'Loading webhook endpoints…');
  try {
    const { body } = await admin('GET', '/api/admin/webhooks');
    const items = Array.isArray(body?.items) ? body.items : [];
    endpoints = new Map(items.map((endpoint) => [endpoint.id, endpoint]));
    list.replaceChildren(h('ul', { className: 'card-list' }, items.map(endpointCard)));
    if (!message)
      showResult(
        listResult,
        'info',
        items.length === 0
          ? 'No endpoints yet. Add one to send backorder events to another system.'
          : `${items.length} ${items.length === 1 ? 'endpoint' : 'endpoints'}.`,
      );
  } catch (error) {
    if (error instanceof SignedOut) throw error;
    showResult(listResult, 'error', `Webhook endpoints could not be loaded. ${describeFailure(error)}`);
  }
  return listTitle;
}

function endpointCard(endpoint) {
  const titleId = `webhook-card-${endpoint.id}`;
  const active = endpoint.active !== false;
  return h(
    'li',
    { className: 'card', dataset: { webhookId: endpoint.id } },
    h(
      'div',
      { className: 'card-heading' },
      h('h2', { id: titleId, className: 'card-title mono' }, endpoint.id),
      h('span', { className: `badge badge--${active ? 'on' : 'neutral'}` }, active ? 'Active' : 'Inactive'),
    ),
    h(
      'dl',
      { className: 'facts facts--compact' },
      fact('URL', h('span', { className: 'mono' }, endpoint.url)),
      fact('Events', describeEvents(endpoint.events)),
      fact('Secret', endpoint.secretLast4 ? `Set, ends in …${endpoint.secretLast4}` : 'Set'),
      endpoint.updatedAt ? fact('Updated', formatMoment(endpoint.updatedAt) ?? endpoint.updatedAt) : null,
    ),
    h(
      'div',
      { className: 'row-actions' },
      h(
        'a',
        {
          href: `#/webhooks/${segment(endpoint.id)}/deliveries`,
          className: 'button button--small',
          attrs: { 'aria-describedby': titleId },
        },
        'Deliveries',
      ),
      h(
        'a',
        {
          href: `#/webhooks/${segment(endpoint.id)}`,
          className: 'button button--secondary button--small',
          attrs: { 'aria-describedby': titleId },
        },
        'Edit',
      ),
      h(
        'button',
        {
          type: 'button',
          className: 'button button--danger-outline button--small',
          dataset: { action: 'delete' },
          attrs: { 'aria-describedby': titleId },
        },
        'Delete',
      ),
    ),
  );
}

function fact(term, ...description) {
  return h('div', {}, h('dt', {}, term), h('dd', {}, ...description));
}

function describeEvents(events) {
  const names = (Array.isArray(events) ? events : []).map((event) => EVENT_NAMES[event] ?? event);
  return names.length ? `Backorder ${names.join(', ')}` : 'None';
}

list.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-action="delete"]');
  if (!button) return;
  const card = button.closest('[data-webhook-id]');
  const endpoint = endpoints.get(card.dataset.webhookId);
  if (endpoint) await remove(endpoint, card);
});

async function remove(endpoint, card) {
  const confirmed = await confirmAction({
    title: `Delete webhook endpoint ${endpoint.id}?`,
    text: `${endpoint.url} gets no more events, including those still being retried. This cannot be undone.`,
    confirmLabel: 'Delete endpoint',
  });
  if (!confirmed) return;
  try {
    await admin('DELETE', `/api/admin/webhooks/${segment(endpoint.id)}`);
    endpoints.delete(endpoint.id);
    const next = card.nextElementSibling ?? card.previousElementSibling;
    card.remove();
    showResult(listResult, 'success', `Webhook endpoint ${endpoint.id} deleted.`);
    (next?.querySelector('a, button') ?? listTitle).focus();
  } catch (error) {
    if (error instanceof SignedOut) return;
    showResult(listResult, 'error', `${endpoint.id} was not deleted. ${describeFailure(error)}`);
    listResult.focus();
  }
}

// ---- editor ---------------------------------------------------------------------------------------------

function showEditor(endpoint) {
  editing = endpoint;
  showPart(editorPart);
  shownHeading = editorTitle;
  form.reset();
  clearFieldErrors(form);
  showResult(result);
  field('id').readOnly = endpoint !== null;
  editorTitle.textContent = endpoint ? `Edit endpoint ${endpoint.id}` : 'New webhook endpoint';
  field('active').checked = endpoint ? endpoint.active !== false : true;
  const events = endpoint ? (endpoint.events ?? []) : ['backorder.created'];
  form.querySelectorAll('input[name="events"]').forEach((box) => {
    box.checked = events.includes(box.value);
  });
  if (endpoint) {
    field('id').value = endpoint.id;
    field('url').value = endpoint.url ?? '';
    secretHint.textContent = `${SECRET_HINT} The saved one ends in …${endpoint.secretLast4 ?? '????'}: enter it again, or a new one.`;
  } else secretHint.textContent = SECRET_HINT;
  return editorTitle;
}

/** Reads the form; returns {id, body, problems}. */
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
  const events = [...form.querySelectorAll('input[name="events"]:checked')].map((box) => box.value);
  if (events.length === 0) problems.push({ path: 'events', message: 'Tick at least one event.' });
  return { id, body: { url, secret, events, active: field('active').checked }, problems };
}

wireEditorSave({
  form,
  result,
  saveButton,
  saveLabel: 'Save endpoint',
  failure: 'The endpoint was not saved.',
  read: endpointFromForm,
  path: (id) => `/api/admin/webhooks/${segment(id)}`,
  idField: 'id',
  idMessage: /webhook id/i,
  onSaved: (created, id) => {
    flash = {
      kind: 'success',
      text: created ? `Webhook endpoint ${id} created.` : `Webhook endpoint ${id} saved.`,
    };
    location.hash = '#/webhooks';
  },
});

// ---- deliveries -----------------------------------------------------------------------------------------

async function showDeliveries(endpoint) {
  deliveriesOf = endpoint;
  showPart(deliveriesPart);
  shownHeading = deliveriesTitle;
  deliveriesTitle.textContent = `Deliveries to ${endpoint.id}`;
  deliveriesUrl.replaceChildren(
    'Posted to ',
    h('span', { className: 'mono' }, endpoint.url),
    '. Newest first.',
  );
  await reloadDeliveries();
  return deliveriesTitle;
}

async function reloadDeliveries() {
  deliveries.replaceChildren();
  moreButton.hidden = true;
  cursor = null;
  showResult(deliveriesResult, 'info', 'Loading deliveries…');
  await loadDeliveries();
}

async function loadDeliveries() {
  const endpoint = deliveriesOf;
  try {
    const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
    const { body } = await admin('GET', `/api/admin/webhooks/${segment(endpoint.id)}/deliveries${query}`);
    if (deliveriesOf !== endpoint) return;
    appendDeliveryRows(Array.isArray(body?.items) ? body.items : []);
    cursor = typeof body?.cursor === 'string' && body.cursor ? body.cursor : null;
    moreButton.hidden = cursor === null;
    const count = deliveries.querySelectorAll('tbody tr').length;
    showResult(
      deliveriesResult,
      'info',
      count === 0
        ? 'No deliveries yet. Events appear here once they were first tried.'
        : `${count} ${count === 1 ? 'delivery' : 'deliveries'}${cursor ? ' so far' : ''}.`,
    );
  } catch (error) {
    if (error instanceof SignedOut) throw error;
    showResult(deliveriesResult, 'error', `Deliveries could not be loaded. ${describeFailure(error)}`);
  }
}

function appendDeliveryRows(items) {
  let tbody = deliveries.querySelector('tbody');
  if (!tbody) {
    tbody = h('tbody');
    deliveries.append(
      h(
        'table',
        { className: 'data-table' },
        h('caption', { className: 'visually-hidden' }, 'Deliveries'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Event', 'Backorder', 'State', 'Attempts', 'Last answer', 'Last attempt'].map((label) =>
              h('th', { attrs: { scope: 'col' } }, label),
            ),
          ),
        ),
        tbody,
      ),
    );
  }
  for (const delivery of items) tbody.append(deliveryRow(delivery));
}

function deliveryRow(delivery) {
  const cell = (label, ...content) => h('td', { dataset: { label } }, h('div', {}, ...content));
  const state = STATES[delivery.state] ?? { text: String(delivery.state ?? 'unknown'), kind: 'neutral' };
  // Our own words only ("HTTP 503", "no answer within 5 s", "not sent: …"): the API never passes on what a
  // receiver answered beyond its status.
  const answer =
    delivery.lastError ??
    (delivery.lastStatus !== null && delivery.lastStatus !== undefined ? `HTTP ${delivery.lastStatus}` : '—');
  return h(
    'tr',
    { dataset: { eventId: delivery.eventId ?? '' } },
    h(
      'th',
      { attrs: { scope: 'row' }, dataset: { label: 'Event' } },
      h(
        'div',
        {},
        delivery.eventType ?? '',
        h('br'),
        h('small', { className: 'mono' }, delivery.eventId ?? ''),
      ),
    ),
    cell('Backorder', h('span', { className: 'mono' }, delivery.backorderId ?? '—')),
    cell(
      'State',
      h('span', { className: `badge badge--${state.kind}` }, state.text),
      state.note ? h('p', { className: 'field-hint' }, state.note) : null,
    ),
    cell('Attempts', String(delivery.attempts ?? 0)),
    cell('Last answer', answer),
    cell('Last attempt', formatMoment(delivery.lastAttemptAt) ?? '—'),
  );
}

moreButton.addEventListener('click', async () => {
  moreButton.disabled = true;
  const before = deliveries.querySelectorAll('tbody tr').length;
  try {
    await loadDeliveries();
    deliveries.querySelectorAll('tbody tr')[before]?.querySelector('th')?.setAttribute('tabindex', '-1');
    deliveries.querySelectorAll('tbody tr')[before]?.querySelector('th')?.focus();
  } catch (error) {
    if (!(error instanceof SignedOut)) throw error;
  } finally {
    moreButton.disabled = false;
  }
});

refreshButton.addEventListener('click', async () => {
  if (!deliveriesOf) return;
  refreshButton.disabled = true;
  try {
    await reloadDeliveries();
  } catch (error) {
    if (!(error instanceof SignedOut)) throw error;
  } finally {
    refreshButton.disabled = false;
  }
});

export function reset() {
  editing = null;
  flash = null;
  deliveriesOf = null;
}
