// @ts-check
/**
 * API keys (admins only): the keys machines use on the admin API (the ERP posting stock, the shop's checkout
 * verifying claims), each with the scopes it needs. A new key is shown once, here, right after it is made:
 * only its hash is stored. Revoking takes effect at the key's next request.
 */
import { admin, describeFailure, segment, SignedOut } from './admin.js';
import { byId, checkedValues, closestTo, confirmAction, control, h, showResult } from './dom.js';
import { formatMoment } from '../format.js';
import { counted, itemsOf, loadList } from './section.js';
import { actionButton, actions, badge, card, fact, facts } from './cards.js';
import { fillChoices } from './choices.js';
import { wireFormSave } from './form-save.js';

/** The scopes of lib/access.ts, as a shop owner reads them. */
const SCOPES = /** @type {[string, string][]} */ ([
  ['products:read', 'products:read: read products, export products.csv'],
  ['products:write', 'products:write: create and change products, import a CSV'],
  ['inventory:write', 'inventory:write: post stock levels (POST /api/admin/inventory)'],
  ['backorders:read', 'backorders:read: look up backorders, export backorders.csv'],
  ['backorders:write', 'backorders:write: cancel and fulfil backorders'],
]);

const view = byId('view-api-keys');
const titleHeading = byId('api-keys-title');
const listResult = byId('api-keys-result');
const list = byId('api-keys-list');
const form = byId('api-key-form', window.HTMLFormElement);
const formResult = byId('api-key-form-result');
const shownOnce = byId('api-key-shown');
const shownValue = byId('api-key-value', window.HTMLInputElement);
fillChoices(byId('api-key-scopes-choices'), { name: 'scopes', type: 'checkbox', choices: SCOPES });

/** The keys on the list, by id. */
let keys = new Map();

export const element = () => view;
export const heading = () => titleHeading;
export const title = () => 'API keys';

export async function show() {
  shownOnce.hidden = true;
  shownValue.value = '';
  await showList();
  return titleHeading;
}

async function showList() {
  list.replaceChildren();
  await loadList({
    result: listResult,
    message: null,
    loading: 'Loading API keys…',
    failure: 'API keys could not be loaded.',
    load: async () => {
      const items = itemsOf((await admin('GET', '/api/admin/api-keys')).body);
      keys = new Map(items.map((key) => [key.id, key]));
      list.replaceChildren(h('ul', { className: 'card-list' }, items.map(keyCard)));
      return items.length;
    },
    counted: (count) =>
      count === 0
        ? 'No API keys yet. Make one for each system that calls the API.'
        : `${counted(count, 'key')}.`,
  });
}

/** @param {any} key */
function keyCard(key) {
  const titleId = `api-key-card-${key.id}`;
  const revoked = key.revokedAt !== null;
  return card(
    {
      dataset: { keyId: key.id },
      titleId,
      title: key.name,
      aside: badge(revoked ? 'off' : 'on', revoked ? 'Revoked' : 'Live'),
    },
    facts(
      fact('Key id', h('span', { className: 'mono' }, key.id)),
      fact('Scopes', key.scopes.join(', ')),
      fact('Made', `${formatMoment(key.createdAt) ?? key.createdAt} by ${key.createdBy}`),
      fact('Last used', key.lastUsedAt ? (formatMoment(key.lastUsedAt) ?? key.lastUsedAt) : 'Never'),
      revoked ? fact('Revoked', formatMoment(key.revokedAt) ?? key.revokedAt) : null,
    ),
    revoked ? null : actions(actionButton('revoke', 'Revoke', titleId, 'danger')),
  );
}

list.addEventListener('click', async (event) => {
  const item = closestTo(event, 'button[data-action="revoke"]')?.closest('li');
  const key = item && keys.get(item.dataset.keyId);
  if (!key) return;
  const confirmed = await confirmAction({
    title: `Revoke the key "${key.name}"?`,
    text: 'Its next request is refused. Whatever uses it stops working until it gets a new key.',
    confirmLabel: 'Revoke key',
  });
  if (!confirmed) return;
  try {
    await admin('DELETE', `/api/admin/api-keys/${segment(key.id)}`);
    await showList();
    showResult(listResult, 'success', `The key "${key.name}" is revoked.`);
    listResult.focus();
  } catch (error) {
    if (error instanceof SignedOut) return;
    showResult(listResult, 'error', `The key was not revoked. ${describeFailure(error)}`);
    listResult.focus();
  }
});

wireFormSave({
  form,
  result: formResult,
  saveButton: byId('api-key-save', window.HTMLButtonElement),
  failure: 'The key was not made.',
  read: () => {
    const name = control(form, 'name').value.trim();
    const scopes = checkedValues(form, 'scopes');
    const problems = [];
    if (!name) problems.push({ path: 'name', message: 'Name the system that will use this key.' });
    if (scopes.length === 0) problems.push({ path: 'scopes', message: 'Tick at least one scope.' });
    return { value: { name, scopes }, problems };
  },
  save: async (body) => (await admin('POST', '/api/admin/api-keys', body)).body,
  onSaved: async (made) => {
    form.reset();
    shownValue.value = made.key;
    shownOnce.hidden = false;
    await showList();
    showResult(formResult, 'success', `The key "${made.name}" is made. Copy it now: it is not shown again.`);
    shownValue.focus();
    shownValue.select();
  },
});

byId('api-key-copy').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(shownValue.value);
    showResult(formResult, 'success', 'Copied.');
  } catch {
    shownValue.select();
    showResult(formResult, 'info', 'Press Ctrl-C (⌘-C) to copy the selected key.');
  }
});

export function reset() {
  keys = new Map();
  shownOnce.hidden = true;
  shownValue.value = '';
  list.replaceChildren();
}
