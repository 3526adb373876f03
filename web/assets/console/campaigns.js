// @ts-check
/**
 * Campaigns (nurture sequences): the list with activate/deactivate and delete, and the routes into the
 * editor (#/campaigns/new, #/campaigns/{id}). The editor itself is campaign-editor.js.
 */
import { admin, describeFailure, segment, SignedOut } from './admin.js';
import { byId, closestTo, confirmAction, h, showResult } from './dom.js';
import { describeDuration } from './duration.js';
import { formatMoment } from '../format.js';
import * as editor from './campaign-editor.js';
import { Section, counted, itemsOf, loadList } from './section.js';
import { actionButton, actions, badge, card, fact, facts, linkButton } from './cards.js';

/** @type {Record<string, string>} */
const SEGMENT_NAMES = { b2c: 'personal (B2C)', b2b: 'business (B2B)' };

const listPart = byId('campaigns-list-part');
const listResult = byId('campaigns-result');
const list = byId('campaigns-list');
const editorPart = byId('campaign-editor-part');

const section = new Section({
  view: byId('view-campaigns'),
  listHeading: byId('campaigns-title'),
  parts: [listPart, editorPart],
  noun: 'campaign',
  idName: 'id',
  listHash: '#/campaigns',
  itemPath: (id) => `/api/admin/campaigns/${segment(id)}`,
});
const listTitle = section.listHeading;

/** The campaigns on the list, by id: activating one sends it back whole. */
let campaigns = new Map();

editor.configure({ flash: ({ kind, text }) => section.leaveMessage(kind, text) });

export const element = section.element;
export const heading = section.heading;
/** @param {import('./section.js').Route} route */
export const title = (route) =>
  route.parts[0] === 'new' ? 'New campaign' : route.parts[0] ? `Campaign ${route.parts[0]}` : 'Campaigns';
export const hasUnsavedChanges = () => editor.hasUnsavedChanges();
export const discardChanges = () => editor.discardChanges();

/** @param {import('./section.js').Route} route */
export async function show(route) {
  const [id] = route.parts;
  if (id) {
    const [campaign, skus] = await Promise.all([id === 'new' ? null : section.loadItem(id), knownSkus()]);
    if (campaign || id === 'new') {
      section.showPart(editorPart, editor.editorHeading());
      return editor.showEditor(campaign, skus);
    }
  }
  return showList();
}

/**
 * SKUs to suggest in the audience field; the editor works without them.
 * @returns {Promise<string[]>}
 */
async function knownSkus() {
  try {
    const { body } = await admin('GET', '/api/admin/products');
    return itemsOf(body).map((product) => product.sku);
  } catch (error) {
    if (error instanceof SignedOut) throw error;
    return [];
  }
}

// ---- list -----------------------------------------------------------------------------------------------

async function showList() {
  editor.discardChanges();
  section.showPart(listPart, listTitle);
  list.replaceChildren();
  await loadList({
    result: listResult,
    message: section.takeMessage(),
    loading: 'Loading campaigns…',
    failure: 'Campaigns could not be loaded.',
    load: async () => {
      const items = itemsOf((await admin('GET', '/api/admin/campaigns')).body);
      campaigns = new Map(items.map((campaign) => [campaign.id, campaign]));
      renderList(items);
      return items.length;
    },
    counted: (count) =>
      count === 0
        ? 'No campaigns yet. Create the first one.'
        : `${counted(count, 'campaign')}, ${[...campaigns.values()].filter((c) => c.active).length} active.`,
  });
  return listTitle;
}

/** @param {any[]} items */
function renderList(items) {
  const sorted = [...items].sort(
    (a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name),
  );
  list.replaceChildren(h('ul', { className: 'card-list' }, sorted.map(campaignCard)));
}

/** @param {any} campaign */
function campaignCard(campaign) {
  const titleId = `campaign-card-${campaign.id}`;
  return card(
    {
      dataset: { campaignId: campaign.id },
      titleId,
      title: campaign.name,
      aside: badge(campaign.active ? 'on' : 'neutral', campaign.active ? 'Active' : 'Inactive'),
    },
    facts(
      fact('Id', h('span', { className: 'mono' }, campaign.id)),
      fact('Audience', describeAudience(campaign.audience)),
      fact('Steps', describeSteps(campaign.steps ?? [])),
      campaign.updatedAt ? fact('Updated', formatMoment(campaign.updatedAt) ?? campaign.updatedAt) : null,
    ),
    actions(
      linkButton(`#/campaigns/${segment(campaign.id)}`, 'Edit', titleId),
      actionButton('toggle', campaign.active ? 'Deactivate' : 'Activate', titleId, 'primary'),
      actionButton('delete', 'Delete', titleId, 'danger'),
    ),
  );
}

/** @param {any} audience */
export function describeAudience(audience) {
  const skus = audience?.skus ?? [];
  const segments = audience?.segments ?? [];
  const products = skus.length ? `Backorders of ${skus.join(', ')}` : 'Backorders of every product';
  const who = segments.length
    ? `, ${segments.map((/** @type {string} */ s) => SEGMENT_NAMES[s] ?? s).join(' and ')} customers only`
    : '';
  return `${products}${who}, from shoppers who asked for updates.`;
}

/** @param {any[]} steps */
function describeSteps(steps) {
  if (steps.length === 0) return 'No steps';
  const parts = steps.map((step, index) => {
    const delay = describeDuration(step.delay);
    const when =
      index === 0
        ? delay === 'immediately'
          ? 'at signup'
          : `${delay} after signup`
        : `${delay === 'immediately' ? 'right' : delay} after`;
    return `${step.subject || '(no subject)'} (${when})`;
  });
  return h(
    'ol',
    { className: 'step-summary' },
    parts.map((text) => h('li', {}, text)),
  );
}

list.addEventListener('click', async (event) => {
  const button = /** @type {HTMLButtonElement|null} */ (closestTo(event, 'button[data-action]'));
  const card = button?.closest('li');
  const campaign = card && campaigns.get(card.dataset.campaignId);
  if (!button || !card || !campaign) return;
  if (button.dataset.action === 'toggle') await toggle(campaign, button);
  if (button.dataset.action === 'delete') await remove(campaign, card);
});

/**
 * @param {any} campaign
 * @param {HTMLButtonElement} button
 */
async function toggle(campaign, button) {
  const active = !campaign.active;
  button.disabled = true;
  try {
    // The stored campaign, not the list's copy: someone may have edited its steps since the list loaded.
    const { body: current } = await admin('GET', section.itemPath(campaign.id));
    const body = { ...campaignBody(current), active };
    const { body: answer } = await admin('PUT', section.itemPath(campaign.id), body);
    const updated = { ...campaign, ...body, ...(answer && typeof answer === 'object' ? answer : {}) };
    campaigns.set(campaign.id, updated);
    const card = campaignCard(updated);
    list.querySelector(`[data-campaign-id="${window.CSS.escape(campaign.id)}"]`)?.replaceWith(card);
    card.querySelector('button')?.focus();
    showResult(
      listResult,
      'success',
      active
        ? `“${campaign.name}” is active: matching waiting shoppers get its emails.`
        : `“${campaign.name}” is inactive: no more of its emails are sent.`,
    );
  } catch (error) {
    if (error instanceof SignedOut) return;
    button.disabled = false;
    showResult(
      listResult,
      'error',
      `“${campaign.name}” was not ${active ? 'activated' : 'deactivated'}. ${describeFailure(error)}`,
    );
    listResult.focus();
  }
}

/**
 * Only the fields PUT takes: whatever else a read returns (updatedAt…) stays out.
 * @param {any} campaign
 */
export function campaignBody(campaign) {
  /** @type {Record<string, unknown>} */
  const body = {
    name: campaign.name,
    active: campaign.active === true,
    steps: (campaign.steps ?? []).map((/** @type {any} */ { id, delay, subject, html, text }) =>
      text === undefined || text === null ? { id, delay, subject, html } : { id, delay, subject, html, text },
    ),
  };
  /** @type {Record<string, string[]>} */
  const audience = {};
  if (campaign.audience?.skus?.length) audience.skus = campaign.audience.skus;
  if (campaign.audience?.segments?.length) audience.segments = campaign.audience.segments;
  if (Object.keys(audience).length) body.audience = audience;
  return body;
}

/**
 * @param {any} campaign
 * @param {HTMLElement} card
 */
async function remove(campaign, card) {
  const confirmed = await confirmAction({
    title: `Delete campaign “${campaign.name}”?`,
    text: 'Its steps are deleted and no more of its emails are sent. This cannot be undone.',
    confirmLabel: 'Delete campaign',
  });
  if (!confirmed) return;
  try {
    await admin('DELETE', section.itemPath(campaign.id));
    campaigns.delete(campaign.id);
    const next = card.nextElementSibling ?? card.previousElementSibling;
    card.remove();
    showResult(listResult, 'success', `Campaign “${campaign.name}” deleted.`);
    (next?.querySelector('a') ?? listTitle).focus();
  } catch (error) {
    if (error instanceof SignedOut) return;
    showResult(listResult, 'error', `“${campaign.name}” was not deleted. ${describeFailure(error)}`);
    listResult.focus();
  }
}

export function reset() {
  section.reset();
}
