/**
 * Campaigns (nurture sequences): the list with activate/deactivate and delete, and the routes into the
 * editor (#/campaigns/new, #/campaigns/{id}). The editor itself is campaign-editor.js.
 */
import { ApiError, admin, describeFailure, segment, SignedOut } from './admin.js';
import { confirmAction, h, showResult } from './dom.js';
import { describeDuration } from './duration.js';
import { formatMoment } from '../format.js';
import * as editor from './campaign-editor.js';

const SEGMENT_NAMES = { b2c: 'personal (B2C)', b2b: 'business (B2B)' };

const view = document.getElementById('view-campaigns');
const listPart = document.getElementById('campaigns-list-part');
const listTitle = document.getElementById('campaigns-title');
const listResult = document.getElementById('campaigns-result');
const list = document.getElementById('campaigns-list');
const editorPart = document.getElementById('campaign-editor-part');

let flashMessage = null;
let shownHeading = listTitle;
/** The campaigns on the list, by id: activating one sends it back whole. */
let campaigns = new Map();

editor.configure({
  flash: (message) => {
    flashMessage = message;
  },
});

export const element = () => view;
export const heading = () => shownHeading;
export const title = (route) =>
  route.parts[0] === 'new' ? 'New campaign' : route.parts[0] ? `Campaign ${route.parts[0]}` : 'Campaigns';
export const hasUnsavedChanges = () => editor.hasUnsavedChanges();
export const discardChanges = () => editor.discardChanges();

export async function show(route) {
  const [id] = route.parts;
  if (id) {
    try {
      const [campaign, skus] = await Promise.all([
        id === 'new' ? null : admin('GET', `/api/admin/campaigns/${segment(id)}`).then(({ body }) => body),
        knownSkus(),
      ]);
      listPart.hidden = true;
      editorPart.hidden = false;
      shownHeading = editor.editorHeading();
      return editor.showEditor(campaign, skus);
    } catch (error) {
      if (error instanceof SignedOut) throw error;
      flashMessage = {
        kind: 'error',
        text:
          error instanceof ApiError && error.status === 404
            ? `There is no campaign with id ${id}.`
            : `Campaign ${id} could not be loaded. ${describeFailure(error)}`,
      };
    }
  }
  return showList();
}

/** SKUs to suggest in the audience field; the editor works without them. */
async function knownSkus() {
  try {
    const { body } = await admin('GET', '/api/admin/products');
    return (body?.items ?? []).map((product) => product.sku);
  } catch (error) {
    if (error instanceof SignedOut) throw error;
    return [];
  }
}

// ---- list -----------------------------------------------------------------------------------------------

async function showList() {
  editor.discardChanges();
  editorPart.hidden = true;
  listPart.hidden = false;
  shownHeading = listTitle;
  list.replaceChildren();
  const message = flashMessage;
  flashMessage = null;
  if (message) showResult(listResult, message.kind, message.text);
  else showResult(listResult, 'info', 'Loading campaigns…');
  try {
    const { body } = await admin('GET', '/api/admin/campaigns');
    const items = Array.isArray(body?.items) ? body.items : [];
    campaigns = new Map(items.map((campaign) => [campaign.id, campaign]));
    renderList(items);
    if (!message)
      showResult(
        listResult,
        'info',
        items.length === 0
          ? 'No campaigns yet. Create the first one.'
          : `${items.length} ${items.length === 1 ? 'campaign' : 'campaigns'}, ${items.filter((c) => c.active).length} active.`,
      );
  } catch (error) {
    if (error instanceof SignedOut) throw error;
    showResult(listResult, 'error', `Campaigns could not be loaded. ${describeFailure(error)}`);
  }
  return listTitle;
}

function renderList(items) {
  const sorted = [...items].sort(
    (a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name),
  );
  list.replaceChildren(h('ul', { className: 'card-list' }, sorted.map(campaignCard)));
}

function campaignCard(campaign) {
  const titleId = `campaign-card-${campaign.id}`;
  return h(
    'li',
    { className: 'card', dataset: { campaignId: campaign.id } },
    h(
      'div',
      { className: 'card-heading' },
      h('h2', { id: titleId, className: 'card-title' }, campaign.name),
      h(
        'span',
        { className: `badge badge--${campaign.active ? 'on' : 'neutral'}` },
        campaign.active ? 'Active' : 'Inactive',
      ),
    ),
    h(
      'dl',
      { className: 'facts facts--compact' },
      fact('Id', h('span', { className: 'mono' }, campaign.id)),
      fact('Audience', describeAudience(campaign.audience)),
      fact('Steps', describeSteps(campaign.steps ?? [])),
      campaign.updatedAt ? fact('Updated', formatMoment(campaign.updatedAt) ?? campaign.updatedAt) : null,
    ),
    h(
      'div',
      { className: 'row-actions' },
      h(
        'a',
        {
          href: `#/campaigns/${segment(campaign.id)}`,
          className: 'button button--secondary button--small',
          attrs: { 'aria-describedby': titleId },
        },
        'Edit',
      ),
      h(
        'button',
        {
          type: 'button',
          className: 'button button--small',
          dataset: { action: 'toggle' },
          attrs: { 'aria-describedby': titleId },
        },
        campaign.active ? 'Deactivate' : 'Activate',
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

export function describeAudience(audience) {
  const skus = audience?.skus ?? [];
  const segments = audience?.segments ?? [];
  const products = skus.length ? `Backorders of ${skus.join(', ')}` : 'Backorders of every product';
  const who = segments.length
    ? `, ${segments.map((s) => SEGMENT_NAMES[s] ?? s).join(' and ')} customers only`
    : '';
  return `${products}${who}, from shoppers who asked for updates.`;
}

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
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const card = button.closest('[data-campaign-id]');
  const campaign = campaigns.get(card.dataset.campaignId);
  if (!campaign) return;
  if (button.dataset.action === 'toggle') await toggle(campaign, button);
  if (button.dataset.action === 'delete') await remove(campaign, card);
});

async function toggle(campaign, button) {
  const active = !campaign.active;
  button.disabled = true;
  try {
    // The stored campaign, not the list's copy: someone may have edited its steps since the list loaded.
    const { body: current } = await admin('GET', `/api/admin/campaigns/${segment(campaign.id)}`);
    const body = { ...campaignBody(current), active };
    const { body: answer } = await admin('PUT', `/api/admin/campaigns/${segment(campaign.id)}`, body);
    const updated = { ...campaign, ...body, ...(answer && typeof answer === 'object' ? answer : {}) };
    campaigns.set(campaign.id, updated);
    const card = campaignCard(updated);
    list.querySelector(`[data-campaign-id="${window.CSS.escape(campaign.id)}"]`).replaceWith(card);
    card.querySelector('button[data-action="toggle"]').focus();
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

/** Only the fields PUT takes: whatever else a read returns (updatedAt…) stays out. */
export function campaignBody(campaign) {
  const body = {
    name: campaign.name,
    active: campaign.active === true,
    steps: (campaign.steps ?? []).map(({ id, delay, subject, html, text }) =>
      text === undefined || text === null ? { id, delay, subject, html } : { id, delay, subject, html, text },
    ),
  };
  const audience = {};
  if (campaign.audience?.skus?.length) audience.skus = campaign.audience.skus;
  if (campaign.audience?.segments?.length) audience.segments = campaign.audience.segments;
  if (Object.keys(audience).length) body.audience = audience;
  return body;
}

async function remove(campaign, card) {
  const confirmed = await confirmAction({
    title: `Delete campaign “${campaign.name}”?`,
    text: 'Its steps are deleted and no more of its emails are sent. This cannot be undone.',
    confirmLabel: 'Delete campaign',
  });
  if (!confirmed) return;
  try {
    await admin('DELETE', `/api/admin/campaigns/${segment(campaign.id)}`);
    campaigns.delete(campaign.id);
    const next = card.nextElementSibling ?? card.previousElementSibling;
    card.remove();
    showResult(listResult, 'success', `Campaign “${campaign.name}” deleted.`);
    (next?.querySelector('a, button') ?? listTitle).focus();
  } catch (error) {
    if (error instanceof SignedOut) return;
    showResult(listResult, 'error', `“${campaign.name}” was not deleted. ${describeFailure(error)}`);
    listResult.focus();
  }
}

export function reset() {
  flashMessage = null;
}
