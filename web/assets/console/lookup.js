/**
 * Customer service: find a shopper's backorders by email (or a product's, or by status), see each one's
 * timeline (its events with who did them, the emails sent about it and how they fared, the webhook
 * deliveries), cancel it, mark it fulfilled or send the shopper a fresh status link on their behalf, and
 * see the emails sent to that address. The search lives in the address (#/lookup?email=…), so a reload or a
 * shared link shows the same thing.
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
  erased: 'Personal data erased at the shopper’s request',
};
const EMAIL_KIND_WORDS = {
  confirmation: 'Confirmation email',
  nurture: 'Nurture email',
  restock: 'Restock alert',
  statusLink: 'Status link email',
  links: 'Links email (asked for by the shopper)',
  test: 'Test email',
};
const OUTCOME_WORDS = {
  sending: 'Sending',
  sent: 'Sent',
  // Withheld: never to be sent (the shopper's data was erased, or the template broke the render limits).
  withheld: 'Not sent',
  bounced: 'Bounced',
  'soft-bounced': 'Soft bounce',
  complained: 'Marked as spam',
};
const OUTCOME_KINDS = {
  sent: 'on',
  withheld: 'off',
  bounced: 'off',
  'soft-bounced': 'off',
  complained: 'off',
};
const DELIVERY_WORDS = {
  pending: 'Retrying',
  delivered: 'Delivered',
  failed: 'Failed',
  dead: 'Gave up',
  blocked: 'Blocked (private address, not sent)',
};
const DELIVERY_KINDS = { delivered: 'on', failed: 'off', dead: 'off', blocked: 'off' };
/** Timelines loaded at once: a page of fifty backorders never opens fifty requests together. */
const TIMELINE_LOADS = 3;
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
    const cards = items.map((item) => backorderCard(item));
    backorderList.append(...cards);
    shownCount += items.length;
    void loadTimelines(cards, query);
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

/**
 * One backorder. `timeline` is its full story from GET /api/admin/backorders/{id}; until that arrives the
 * card shows the backorder's own events.
 */
function backorderCard(backorder, timeline) {
  const titleId = `backorder-${backorder.id}`;
  const active = backorder.status === 'waiting' || backorder.status === 'allocated';
  const erased = Boolean(backorder.erasedAt);
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
      erased
        ? fact('Email', h('span', { className: 'muted' }, 'Erased at the shopper’s request'))
        : fact(
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
    h('h4', {}, 'Timeline'),
    h(
      'ol',
      {
        className: 'timeline',
        dataset: { timeline: Array.isArray(timeline) ? 'full' : 'events' },
        attrs: {
          'aria-label': `Timeline of ${backorder.sku}`,
          'aria-busy': Array.isArray(timeline) ? null : 'true',
        },
      },
      (Array.isArray(timeline) ? timeline : events).map(timelineItem),
    ),
    erased
      ? null
      : h(
          'div',
          { className: 'row-actions' },
          active
            ? [
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
              ]
            : null,
          h(
            'button',
            {
              type: 'button',
              className: 'button button--secondary button--small',
              dataset: { action: 'status-link' },
              attrs: { 'aria-describedby': titleId },
            },
            'Resend status link',
          ),
        ),
  );
}

/** One line of a timeline: an event (with who), an email (and how it fared) or a webhook delivery. */
function timelineItem(entry) {
  const when = h('time', { dateTime: entry.at }, formatMoment(entry.at) ?? entry.at);
  if (entry.type === 'email') {
    const outcome = entry.outcome ?? 'sent';
    const step = entry.campaignId ? ` (${entry.campaignId}${entry.stepId ? ` / ${entry.stepId}` : ''})` : '';
    return h(
      'li',
      { dataset: { entry: 'email', kind: entry.kind ?? '', outcome } },
      when,
      h(
        'span',
        {},
        `${EMAIL_KIND_WORDS[entry.kind] ?? words(entry.kind)}${step}`,
        entry.subject ? h('span', { className: 'muted' }, ` “${entry.subject}”`) : null,
        entry.requestedBy ? h('span', { className: 'muted' }, ` requested by ${entry.requestedBy}`) : null,
        ' ',
        h(
          'span',
          { className: `badge badge--${OUTCOME_KINDS[outcome] ?? 'neutral'}` },
          OUTCOME_WORDS[outcome] ?? words(outcome),
        ),
        outcome === 'withheld'
          ? h('span', { className: 'muted' }, ` ${entry.reason ?? 'the shopper’s data was erased'}`)
          : null,
      ),
    );
  }
  if (entry.type === 'webhook') {
    const attempts = Number(entry.attempts) || 0;
    return h(
      'li',
      { dataset: { entry: 'webhook', state: entry.state ?? '' } },
      when,
      h(
        'span',
        {},
        'Webhook ',
        h('span', { className: 'mono' }, entry.event ?? ''),
        ' to ',
        h('span', { className: 'mono' }, entry.endpoint ?? ''),
        ' ',
        h(
          'span',
          { className: `badge badge--${DELIVERY_KINDS[entry.state] ?? 'neutral'}` },
          DELIVERY_WORDS[entry.state] ?? words(entry.state),
        ),
        h('span', { className: 'muted' }, ` ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}`),
      ),
    );
  }
  return h(
    'li',
    { dataset: { entry: 'event', type: entry.type ?? '' } },
    when,
    h(
      'span',
      {},
      EVENT_WORDS[entry.type] ?? words(entry.type),
      entry.by ? h('span', { className: 'muted' }, ` by ${entry.by}`) : null,
    ),
  );
}

/** The full timelines of the cards just shown, a few at a time; a card that is gone meanwhile is skipped. */
async function loadTimelines(cards, query) {
  let next = 0;
  const worker = async () => {
    while (next < cards.length && query === search) {
      const card = cards[next++];
      if (!card.isConnected) continue;
      try {
        await refreshCard(card);
      } catch (error) {
        if (error instanceof SignedOut) return;
        // The events shown stay; the full timeline is simply not there.
        card.querySelector('ol.timeline')?.removeAttribute('aria-busy');
      }
    }
  };
  await Promise.all(Array.from({ length: TIMELINE_LOADS }, worker));
}

/** The card of a backorder as it is on screen now (cards are replaced when their timeline loads). */
function currentCard(id, fallback) {
  return [...backorderList.children].find((card) => card.dataset.backorderId === id) ?? fallback;
}

/** Reloads one card from GET /api/admin/backorders/{id}: the backorder and its full timeline. */
async function refreshCard(card) {
  const { body } = await admin('GET', `/api/admin/backorders/${segment(card.dataset.backorderId)}`);
  if (!card.isConnected) return card;
  const updated = backorderCard(body, Array.isArray(body?.timeline) ? body.timeline : []);
  const focused = card.contains(document.activeElement);
  card.replaceWith(updated);
  if (focused) updated.querySelector('.card-title')?.focus();
  return updated;
}

function fact(term, ...description) {
  return h('div', {}, h('dt', {}, term), h('dd', {}, ...description));
}

backorderList.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const card = button.closest('[data-backorder-id]');
  const { backorderId: id, sku, email } = card.dataset;
  if (button.dataset.action === 'status-link') {
    await resendStatusLink(card, button);
    return;
  }
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
    // The card on screen now: its timeline may have been reloaded while the dialog was open.
    currentCard(id, card).replaceWith(updated);
    updated.querySelector('.card-title').focus();
    // The timeline now also shows who did it (and, soon, the webhook deliveries).
    await refreshCard(updated).catch(() => {});
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

/**
 * Sends the shopper a fresh status link by email (after asking), for a shopper who lost theirs. The email
 * shows in the timeline once it is out.
 */
async function resendStatusLink(card, button) {
  const { backorderId: id, sku, email } = card.dataset;
  const confirmed = await confirmAction({
    title: 'Send a new status link?',
    text: `${email} gets an email with a new private link to their backorder of ${sku}. Links sent before keep working.`,
    confirmLabel: 'Send the link',
    cancelLabel: 'Don’t send',
    danger: false,
  });
  if (!confirmed) return;
  button.disabled = true;
  try {
    await admin('POST', `/api/admin/backorders/${segment(id)}/status-link`);
    showResult(result, 'success', `A new status link is on its way to ${email}.`);
  } catch (error) {
    if (error instanceof SignedOut) return;
    showResult(result, 'error', `The status link was not sent. ${describeFailure(error)}`);
  } finally {
    button.disabled = false;
  }
  result.focus();
  // Shown in the timeline once the sender has sent it, a moment from now.
  setTimeout(() => {
    const shown = currentCard(id, card);
    if (shown.isConnected) refreshCard(shown).catch(() => {});
  }, 2000);
}

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
        cell(
          'State',
          h('span', { className: `badge badge--${stateKind(outcomeOf(email))}` }, words(outcomeOf(email))),
        ),
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

/** The state of a send record, or what SES reported about it afterwards (a bounce, a complaint). */
function outcomeOf(email) {
  if (email.complaint) return 'complained';
  if (email.bounce) return email.bounce.type === 'permanent' ? 'bounced' : 'soft-bounced';
  return email.state;
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
