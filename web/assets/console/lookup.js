/**
 * Customer service: find a shopper's backorders by email (or a product's, or by status), see each one's
 * history, cancel or mark it fulfilled on the shopper's behalf, and see the emails sent to that address.
 * The search lives in the address (#/lookup?email=…), so a reload or a shared link shows the same thing.
 */
import { ApiError, admin, describeFailure, segment, SignedOut } from './admin.js';
import { confirmAction, h, problemList, showFieldErrors, showResult, clearFieldErrors } from './dom.js';
import { formatMoment, units } from '../format.js';

const STATUS_WORDS = {
  waiting: 'Waiting',
  allocated: 'Reserved',
  fulfilled: 'Fulfilled',
  cancelled: 'Cancelled',
};
const STATUS_KINDS = { waiting: 'neutral', allocated: 'on', fulfilled: 'done', cancelled: 'off' };
const EVENT_WORDS = {
  created: 'Joined the waiting list',
  consent_confirmed: 'Confirmed email updates',
  allocated: 'Units reserved',
  fulfilled: 'Marked fulfilled',
  cancelled: 'Cancelled',
  unsubscribed: 'Unsubscribed from updates',
};
const SEGMENT_WORDS = { b2c: 'Personal (B2C)', b2b: 'Business (B2B)' };

const view = document.getElementById('view-lookup');
const titleElement = document.getElementById('lookup-title');
const form = document.getElementById('lookup-form');
const searchButton = document.getElementById('lookup-search');
const result = document.getElementById('lookup-result');
const backordersPart = document.getElementById('lookup-backorders-part');
const backorderList = document.getElementById('lookup-backorders');
const moreButton = document.getElementById('lookup-more');
const emailsPart = document.getElementById('lookup-emails-part');
const emailsTitle = document.getElementById('lookup-emails-title');
const emailsResult = document.getElementById('lookup-emails-result');
const emailsBox = document.getElementById('lookup-emails');
const emailsMore = document.getElementById('lookup-emails-more');
const emailDialog = document.getElementById('email-dialog');

const field = (name) => form.elements.namedItem(name);

/** The search shown now, and where its next pages start. */
let search = null;
let backorderCursor = null;
let emailCursor = null;
let shownCount = 0;

export const element = () => view;
export const heading = () => titleElement;
export const title = (route) =>
  route.query.get('email') ? `Shopper ${route.query.get('email')}` : 'Shoppers';

export async function show(route) {
  const query = {
    email: route.query.get('email') ?? '',
    sku: route.query.get('sku') ?? '',
    status: route.query.get('status') ?? '',
  };
  field('email').value = query.email;
  field('sku').value = query.sku;
  field('status').value = query.status in STATUS_WORDS ? query.status : '';
  clearFieldErrors(form);
  if (!route.query.has('search')) {
    search = null;
    backordersPart.hidden = true;
    emailsPart.hidden = true;
    showResult(result, 'info', 'Search by the shopper’s email address, a SKU or a status.');
    return titleElement;
  }
  await runSearch(query);
  return result;
}

function hashFor(query) {
  const params = new URLSearchParams({ search: '1' });
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  return `#/lookup?${params}`;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const query = {
    email: field('email').value.trim(),
    sku: field('sku').value.trim(),
    status: field('status').value,
  };
  const hash = hashFor(query);
  if (location.hash === hash) {
    // The same search again: the address does not change, so run it here.
    await runSearch(query).catch((error) => {
      if (!(error instanceof SignedOut)) throw error;
    });
    result.focus();
  } else location.hash = hash;
});

// ---- backorders -----------------------------------------------------------------------------------------

async function runSearch(query) {
  search = query;
  backorderCursor = null;
  emailCursor = null;
  shownCount = 0;
  backorderList.replaceChildren();
  emailsBox.replaceChildren();
  moreButton.hidden = true;
  emailsMore.hidden = true;
  backordersPart.hidden = true;
  emailsPart.hidden = !query.email;
  clearFieldErrors(form);
  showResult(result, 'info', 'Searching…');
  searchButton.disabled = true;
  try {
    await Promise.all([loadBackorders(), query.email ? loadEmails() : null]);
  } finally {
    searchButton.disabled = false;
  }
}

function searchPath(base, query, cursor) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  if (cursor) params.set('cursor', cursor);
  const text = params.toString();
  return text ? `${base}?${text}` : base;
}

async function loadBackorders() {
  const query = search;
  try {
    const { body } = await admin('GET', searchPath('/api/admin/backorders', query, backorderCursor));
    if (query !== search) return;
    const items = Array.isArray(body?.items) ? body.items : [];
    backorderList.append(...items.map(backorderCard));
    shownCount += items.length;
    backorderCursor = typeof body?.cursor === 'string' && body.cursor ? body.cursor : null;
    moreButton.hidden = backorderCursor === null;
    backordersPart.hidden = false;
    const what = describeSearch(query);
    showResult(
      result,
      'info',
      shownCount === 0 && !backorderCursor
        ? `No backorders found ${what}.`
        : `${shownCount} ${shownCount === 1 ? 'backorder' : 'backorders'} ${what}${backorderCursor ? ', more to load' : ''}.`,
    );
  } catch (error) {
    if (error instanceof SignedOut) throw error;
    if (error instanceof ApiError && error.code === 'VALIDATION' && error.details.length) {
      const { unplaced, first } = showFieldErrors(form, error.details);
      showResult(result, 'error', 'Check the search.', unplaced.length ? problemList(unplaced) : '');
      first?.focus?.();
    } else showResult(result, 'error', `The search failed. ${describeFailure(error)}`);
  }
}

function describeSearch(query) {
  const parts = [];
  if (query.email) parts.push(`for ${query.email}`);
  if (query.sku) parts.push(`of ${query.sku}`);
  if (query.status) parts.push(`with status ${STATUS_WORDS[query.status].toLowerCase()}`);
  return parts.length ? parts.join(' ') : 'in the shop';
}

moreButton.addEventListener('click', async () => {
  const before = backorderList.children.length;
  moreButton.disabled = true;
  try {
    await loadBackorders();
    backorderList.children[before]?.querySelector('.card-title')?.focus();
  } catch (error) {
    if (!(error instanceof SignedOut)) throw error;
  } finally {
    moreButton.disabled = false;
  }
});

function backorderCard(backorder) {
  const titleId = `backorder-${backorder.id}`;
  const active = backorder.status === 'waiting' || backorder.status === 'allocated';
  const events = Array.isArray(backorder.events) ? backorder.events : [];
  return h(
    'li',
    { className: 'card', dataset: { backorderId: backorder.id, sku: backorder.sku, email: backorder.email } },
    h(
      'div',
      { className: 'card-heading' },
      h(
        'h3',
        { id: titleId, className: 'card-title', tabIndex: -1 },
        h('span', { className: 'mono' }, backorder.sku),
        ` · ${units(backorder.quantity)}`,
      ),
      h(
        'span',
        { className: `badge badge--${STATUS_KINDS[backorder.status] ?? 'neutral'}` },
        STATUS_WORDS[backorder.status] ?? backorder.status,
      ),
    ),
    h(
      'dl',
      { className: 'facts facts--compact' },
      fact(
        'Email',
        backorder.email,
        search?.email
          ? null
          : [
              ' ',
              h(
                'a',
                { href: hashFor({ email: backorder.email }), className: 'text-link' },
                'All for this shopper',
              ),
            ],
      ),
      backorder.name ? fact('Name', backorder.name) : null,
      backorder.company ? fact('Company', backorder.company) : null,
      fact('Customer', SEGMENT_WORDS[backorder.segment] ?? backorder.segment),
      fact('Email updates', backorder.marketingConsent ? 'Asked for them' : 'No'),
      fact('Language', backorder.locale ?? '—'),
      fact('Signed up', formatMoment(backorder.createdAt) ?? '—'),
      fact('Backorder id', h('span', { className: 'mono' }, backorder.id)),
    ),
    h('h4', {}, 'History'),
    h(
      'ol',
      { className: 'timeline' },
      events.map((event) =>
        h(
          'li',
          {},
          h('time', { dateTime: event.at }, formatMoment(event.at) ?? event.at),
          h(
            'span',
            {},
            EVENT_WORDS[event.type] ?? event.type,
            event.by ? h('span', { className: 'muted' }, ` by ${event.by}`) : null,
          ),
        ),
      ),
    ),
    active
      ? h(
          'div',
          { className: 'row-actions' },
          h(
            'button',
            {
              type: 'button',
              className: 'button button--danger-outline button--small',
              dataset: { action: 'cancel' },
              attrs: { 'aria-describedby': titleId },
            },
            'Cancel backorder',
          ),
          h(
            'button',
            {
              type: 'button',
              className: 'button button--secondary button--small',
              dataset: { action: 'fulfil' },
              attrs: { 'aria-describedby': titleId },
            },
            'Mark fulfilled',
          ),
        )
      : null,
  );
}

function fact(term, ...description) {
  return h('div', {}, h('dt', {}, term), h('dd', {}, ...description));
}

backorderList.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const card = button.closest('[data-backorder-id]');
  const { backorderId: id, sku, email } = card.dataset;
  const cancel = button.dataset.action === 'cancel';
  const confirmed = await confirmAction(
    cancel
      ? {
          title: 'Cancel this backorder?',
          text: `The backorder of ${sku} for ${email} is cancelled and leaves the queue. The shopper gets no more updates about it.`,
          confirmLabel: 'Cancel backorder',
          cancelLabel: 'Keep it',
        }
      : {
          title: 'Mark this backorder fulfilled?',
          text: `Confirms that ${email} received their ${sku}. Its nurture emails stop.`,
          confirmLabel: 'Mark fulfilled',
          cancelLabel: 'Not yet',
          danger: false,
        },
  );
  if (!confirmed) return;
  button.disabled = true;
  try {
    const { body } = await admin(
      'POST',
      `/api/admin/backorders/${segment(id)}/${cancel ? 'cancel' : 'fulfil'}`,
    );
    const updated = backorderCard(body);
    card.replaceWith(updated);
    updated.querySelector('.card-title').focus();
    showResult(
      result,
      'success',
      `The backorder of ${sku} for ${email} is ${cancel ? 'cancelled' : 'fulfilled'}.`,
    );
  } catch (error) {
    if (error instanceof SignedOut) return;
    button.disabled = false;
    showResult(
      result,
      'error',
      `The backorder was not ${cancel ? 'cancelled' : 'marked fulfilled'}. ${describeFailure(error)}`,
    );
    result.focus();
  }
});

// ---- emails ----------------------------------------------------------------------------------------------

async function loadEmails() {
  const query = search;
  emailsTitle.textContent = `Emails sent to ${query.email}`;
  try {
    const { body } = await admin('GET', searchPath('/api/admin/emails', { email: query.email }, emailCursor));
    if (query !== search) return;
    const items = Array.isArray(body?.items) ? body.items : [];
    appendEmails(items);
    emailCursor = typeof body?.cursor === 'string' && body.cursor ? body.cursor : null;
    emailsMore.hidden = emailCursor === null;
    const count = emailsBox.querySelectorAll('tbody tr').length;
    showResult(
      emailsResult,
      'info',
      count === 0 ? 'No emails were sent to this address.' : `${count} ${count === 1 ? 'email' : 'emails'}.`,
    );
  } catch (error) {
    if (error instanceof SignedOut) throw error;
    showResult(emailsResult, 'error', `The emails could not be loaded. ${describeFailure(error)}`);
  }
}

emailsMore.addEventListener('click', async () => {
  emailsMore.disabled = true;
  try {
    await loadEmails();
  } catch (error) {
    if (!(error instanceof SignedOut)) throw error;
  } finally {
    emailsMore.disabled = false;
  }
});

function words(value) {
  if (typeof value !== 'string' || !value) return '—';
  const text = value.replace(/[_-]+/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function appendEmails(items) {
  let tbody = emailsBox.querySelector('tbody');
  if (!tbody) {
    tbody = h('tbody');
    emailsBox.append(
      h(
        'table',
        { className: 'data-table' },
        h('caption', { className: 'visually-hidden' }, emailsTitle.textContent),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Sent', 'Kind', 'Subject', 'State', 'Campaign step', 'Backorder', 'Actions'].map((label) =>
              h('th', { attrs: { scope: 'col' } }, label),
            ),
          ),
        ),
        tbody,
      ),
    );
  }
  for (const email of items) {
    const cell = (label, ...content) => h('td', { dataset: { label } }, h('div', {}, ...content));
    const canShow = email.campaignId && email.stepId;
    tbody.append(
      h(
        'tr',
        { dataset: { emailId: email.emailId ?? '' } },
        cell(
          'Sent',
          formatMoment(email.sentAt) ??
            (email.claimedAt
              ? `not sent (since ${formatMoment(email.claimedAt) ?? email.claimedAt})`
              : 'not sent'),
        ),
        cell('Kind', words(email.kind)),
        cell('Subject', email.subject ?? '—'),
        cell('State', h('span', { className: `badge badge--${stateKind(email.state)}` }, words(email.state))),
        cell(
          'Campaign step',
          email.campaignId
            ? [h('span', { className: 'mono' }, email.campaignId), email.stepId ? ` / ${email.stepId}` : '']
            : '—',
        ),
        cell('Backorder', email.backorderId ? h('span', { className: 'mono' }, email.backorderId) : '—'),
        cell(
          'Actions',
          canShow
            ? h(
                'button',
                {
                  type: 'button',
                  className: 'button button--secondary button--small',
                  dataset: {
                    campaignId: email.campaignId,
                    stepId: email.stepId,
                    backorderId: email.backorderId ?? '',
                  },
                },
                'Show',
                h('span', { className: 'visually-hidden' }, ` ${email.subject ?? 'this email'}`),
              )
            : '—',
        ),
      ),
    );
  }
}

function stateKind(state) {
  if (/bounce|complain|fail|suppress/i.test(state ?? '')) return 'off';
  if (/sent|deliver/i.test(state ?? '')) return 'on';
  return 'neutral';
}

/** Shows a campaign email as it renders for this shopper now (the campaign's saved version). */
emailsBox.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-campaign-id]');
  if (!button) return;
  const { campaignId, stepId, backorderId } = button.dataset;
  const bodyBox = document.getElementById('email-dialog-body');
  button.disabled = true;
  try {
    // {} is the default sample; sent either way, as the endpoint has required the field.
    const request = { stepId, sample: backorderId ? { backorderId } : {} };
    const { body } = await admin('POST', `/api/admin/campaigns/${segment(campaignId)}/preview`, request);
    document.getElementById('email-dialog-title').textContent = body?.subject || 'Email';
    bodyBox.replaceChildren(
      h(
        'p',
        { className: 'field-hint' },
        'Rendered from the campaign as it is saved now, with this shopper’s details. If the campaign was edited after sending, the email they got may differ.',
      ),
      h('iframe', {
        className: 'preview-frame',
        srcdoc: body?.html ?? '',
        attrs: { sandbox: '', title: `HTML of ${body?.subject ?? 'the email'}` },
      }),
      h('h3', { className: 'preview-text-heading' }, 'Plain-text version'),
      h('pre', { className: 'preview-text' }, body?.text ?? ''),
    );
    emailDialog.addEventListener('close', () => button.focus(), { once: true });
    emailDialog.showModal();
  } catch (error) {
    if (error instanceof SignedOut) return;
    showResult(emailsResult, 'error', `The email could not be shown. ${describeFailure(error)}`);
  } finally {
    button.disabled = false;
  }
});

export function reset() {
  search = null;
}
