// @ts-check
/**
 * Customer service: find a shopper's backorders by email (or a product's, or by status), see each one's
 * timeline (lookup-card.js), cancel it, mark it fulfilled (naming the shop's order, lookup-fulfil.js), extend
 * its hold once by a day, or send the shopper a fresh status link on their behalf, and see the emails sent
 * to that address (lookup-emails.js). The search lives in the address
 * (#/lookup?email=…), so a reload or a shared link shows the same thing.
 */
import { ApiError, admin, describeFailure, segment, SignedOut } from './admin.js';
import {
  byId,
  clearFieldErrors,
  closestTo,
  confirmAction,
  control,
  problemList,
  showFieldErrors,
  showResult,
} from './dom.js';
import { PagedList, counted } from './section.js';
import { STATUS_WORDS, backorderCard } from './lookup-card.js';
import { showEmails } from './lookup-emails.js';
import { exportCsv } from './exports.js';
import { askFulfilment } from './lookup-fulfil.js';
import { formatDeadline } from '../format.js';

/** @typedef {{email: string, sku: string, status: string}} Search */

/** Timelines loaded at once: a page of fifty backorders never opens fifty requests together. */
const TIMELINE_LOADS = 3;

const view = byId('view-lookup');
const titleElement = byId('lookup-title');
const form = byId('lookup-form', window.HTMLFormElement);
const searchButton = byId('lookup-search', window.HTMLButtonElement);
const result = byId('lookup-result');
const backordersPart = byId('lookup-backorders-part');
const backorderList = byId('lookup-backorders');
const exportButton = byId('lookup-export', window.HTMLButtonElement);

/** @param {string} name */
const field = (name) =>
  /** @type {HTMLInputElement|HTMLSelectElement} */ (control(form, name, window.HTMLElement));

/** The search shown now. */
let search = /** @type {Search|null} */ (null);

export const element = () => view;
export const heading = () => titleElement;
/** @param {import('./section.js').Route} route */
export const title = (route) =>
  route.query.get('email') ? `Shopper ${route.query.get('email')}` : 'Shoppers';

/** @param {import('./section.js').Route} route */
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
    await showEmails('');
    showResult(result, 'info', 'Search by the shopper’s email address, a SKU or a status.');
    return titleElement;
  }
  await runSearch(query);
  return result;
}

/** @param {Partial<Search>} query */
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

const pages = new PagedList({
  moreButton: byId('lookup-more', window.HTMLButtonElement),
  fetchPage: async (cursor) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(search ?? {})) if (value) params.set(key, value);
    if (cursor) params.set('cursor', cursor);
    const text = params.toString();
    return (await admin('GET', text ? `/api/admin/backorders?${text}` : '/api/admin/backorders')).body;
  },
  append: (items) => {
    const query = /** @type {Search} */ (search);
    const cards = items.map((item) => cardOf(item));
    backorderList.append(...cards);
    void loadTimelines(cards, query);
    backordersPart.hidden = false;
    const shown = backorderList.children.length;
    const what = describeSearch(query);
    showResult(
      result,
      'info',
      shown === 0 && !pages.cursor
        ? `No backorders found ${what}.`
        : `${counted(shown, 'backorder')} ${what}${pages.cursor ? ', more to load' : ''}.`,
    );
  },
  failed: (error) => {
    if (error instanceof ApiError && error.code === 'VALIDATION' && error.details.length) {
      const { unplaced, first } = showFieldErrors(form, error.details);
      showResult(result, 'error', 'Check the search.', unplaced.length ? problemList(unplaced) : '');
      first?.focus();
    } else showResult(result, 'error', `The search failed. ${describeFailure(error)}`);
  },
  count: () => backorderList.children.length,
  entry: (index) => backorderList.children[index]?.querySelector('h3'),
});

/** @param {Search} query */
async function runSearch(query) {
  search = query;
  // The export takes the SKU and status of the search; a shopper's backorders are not an export of their own.
  exportButton.hidden = Boolean(query.email);
  exportButton.setAttribute('aria-label', `Export the backorders ${describeSearch(query)} as CSV`);
  backorderList.replaceChildren();
  pages.restart();
  backordersPart.hidden = true;
  clearFieldErrors(form);
  showResult(result, 'info', 'Searching…');
  searchButton.disabled = true;
  try {
    await Promise.all([pages.next(), showEmails(query.email)]);
  } finally {
    searchButton.disabled = false;
  }
}

exportButton.addEventListener('click', () => {
  if (!search) return;
  const params = new URLSearchParams();
  if (search.sku) params.set('sku', search.sku);
  if (search.status) params.set('status', search.status);
  const query = params.toString();
  void exportCsv(
    exportButton,
    result,
    `/api/admin/backorders.csv${query ? `?${query}` : ''}`,
    'backorders.csv',
  );
});

/** @param {Search} query */
function describeSearch(query) {
  const parts = [];
  if (query.email) parts.push(`for ${query.email}`);
  if (query.sku) parts.push(`of ${query.sku}`);
  if (query.status) parts.push(`with status ${STATUS_WORDS[query.status].toLowerCase()}`);
  return parts.length ? parts.join(' ') : 'in the shop';
}

/**
 * A backorder's card, with a link to all of the shopper's backorders unless the search is by their address.
 * @param {any} backorder
 * @param {any[]} [timeline]
 */
const cardOf = (backorder, timeline) =>
  backorderCard(backorder, timeline, {
    allLink: search?.email ? null : (email) => hashFor({ email }),
  });

/**
 * The full timelines of the cards just shown, a few at a time; a card that is gone meanwhile is skipped.
 * @param {HTMLElement[]} cards
 * @param {Search} query
 */
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

/**
 * The card of a backorder as it is on screen now (cards are replaced when their timeline loads).
 * @param {string} id
 * @param {HTMLElement} fallback
 * @returns {HTMLElement}
 */
function currentCard(id, fallback) {
  const cards = /** @type {HTMLElement[]} */ ([...backorderList.children]);
  return cards.find((card) => card.dataset.backorderId === id) ?? fallback;
}

/** @param {HTMLElement} card */
const titleOf = (card) => card.querySelector('h3');

/**
 * Reloads one card from GET /api/admin/backorders/{id}: the backorder and its full timeline.
 * @param {HTMLElement} card
 */
async function refreshCard(card) {
  const { body } = await admin('GET', `/api/admin/backorders/${segment(card.dataset.backorderId ?? '')}`);
  if (!card.isConnected) return card;
  const updated = cardOf(body, Array.isArray(body?.timeline) ? body.timeline : []);
  const focused = card.contains(document.activeElement);
  card.replaceWith(updated);
  if (focused) titleOf(updated)?.focus();
  return updated;
}

backorderList.addEventListener('click', async (event) => {
  const button = /** @type {HTMLButtonElement|null} */ (closestTo(event, 'button[data-action]'));
  const card = button?.closest('li');
  if (!button || !card) return;
  const { backorderId: id = '', sku, email } = card.dataset;
  if (button.dataset.action === 'status-link') {
    await resendStatusLink(card, button);
    return;
  }
  if (button.dataset.action === 'extend') {
    await extendHold(card, button);
    return;
  }
  const cancel = button.dataset.action === 'cancel';
  /** @type {{body: unknown}|null} the request's body (none to cancel; the shop's order, if named, to fulfil) */
  const asked = cancel
    ? (await confirmAction({
        title: 'Cancel this backorder?',
        text: `The backorder of ${sku} for ${email} is cancelled and leaves the queue. The shopper gets no more updates about it.`,
        confirmLabel: 'Cancel backorder',
        cancelLabel: 'Keep it',
      }))
      ? { body: undefined }
      : null
    : await askFulfilment({ sku: sku ?? '', email: email ?? '', currency: card.dataset.currency });
  if (!asked) return;
  button.disabled = true;
  try {
    const { body } = await admin(
      'POST',
      `/api/admin/backorders/${segment(id)}/${cancel ? 'cancel' : 'fulfil'}`,
      asked.body,
    );
    const updated = cardOf(body);
    // The card on screen now: its timeline may have been reloaded while the dialog was open.
    currentCard(id, card).replaceWith(updated);
    titleOf(updated)?.focus();
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
 * Gives the shopper one more day to complete their order (once per backorder; the API says no to a second),
 * and shows the backorder as the answer has it.
 * @param {HTMLElement} card
 * @param {HTMLButtonElement} button
 */
async function extendHold(card, button) {
  const { backorderId: id = '', sku, email } = card.dataset;
  button.disabled = true;
  try {
    const { body } = await admin('POST', `/api/admin/backorders/${segment(id)}/extend`, { by: 'P1D' });
    const updated = cardOf(body, Array.isArray(body?.timeline) ? body.timeline : undefined);
    currentCard(id, card).replaceWith(updated);
    titleOf(updated)?.focus();
    const until = formatDeadline(body?.holdUntil);
    showResult(
      result,
      'success',
      `The hold of ${sku} for ${email} is extended${until ? ` until ${until}` : ''}.`,
    );
    // The timeline now also shows the extension and who made it.
    await refreshCard(updated).catch(() => {});
  } catch (error) {
    if (error instanceof SignedOut) return;
    button.disabled = false;
    showResult(result, 'error', `The hold was not extended. ${describeFailure(error)}`);
    result.focus();
  }
}

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

export function reset() {
  search = null;
}
