// @ts-check
/**
 * Shopper's status page (/status?id=…#token=…, or the older /status?id=…&token=…): where they stand in the
 * queue, what happened so far, a way to cancel, and their data rights: download everything kept about them,
 * or delete it. Unknown id and wrong token read the same, as the API makes them.
 *
 * The token is sent to the API in the Authorization header, never in a URL, so it stays out of request logs;
 * a token that came in the query string is moved to the fragment. Only a link from an email may download or
 * delete (the API answers 403 to the sign-up page's link): opened with that one, the page says where to find
 * an email link, and can have one sent.
 */
import { ApiError, NetworkError, request } from './api.js';
import { formatMoment, units } from './format.js';
import { byId, confirmAction } from './elements.js';

const STATUS_WORDS = {
  waiting: 'Waiting in the queue',
  allocated: 'Reserved for you',
  fulfilled: 'Fulfilled',
  cancelled: 'Cancelled',
};

const EVENT_WORDS = {
  created: 'You joined the waiting list',
  confirmed: 'You confirmed email updates',
  consent_confirmed: 'You confirmed email updates',
  allocated: 'Units were reserved for you',
  fulfilled: 'Your order was fulfilled',
  cancelled: 'The backorder was cancelled',
  unsubscribed: 'You unsubscribed from updates',
};

const INVALID_LINK = 'This link is not valid or has expired.';

const main = byId('main');
const heading = byId('product-name');
const state = byId('state');
const section = byId('backorder');
const loadProblem = byId('load-problem');
const loadProblemText = byId('load-problem-text');
const loadRetry = byId('load-retry', window.HTMLButtonElement);
const cancelArea = byId('cancel-area');
const cancelButton = byId('cancel', window.HTMLButtonElement);
const cancelError = byId('cancel-error');
const downloadButton = byId('download-data', window.HTMLButtonElement);
const deleteButton = byId('delete-data', window.HTMLButtonElement);
const dataError = byId('data-error');

const dataRights = byId('data-rights');
const needsEmailLink = byId('data-needs-email-link');
const emailLinksButton = byId('email-links', window.HTMLButtonElement);
const emailLinksResult = byId('email-links-result');

const params = new URLSearchParams(location.search);
const fragment = new URLSearchParams(location.hash.slice(1));
const id = params.get('id');
const token = fragment.get('token') ?? params.get('token');
if (params.has('token')) {
  // Out of the address bar and history: the fragment is never sent to a server.
  params.delete('token');
  history.replaceState(null, '', `${location.pathname}?${params}#token=${encodeURIComponent(token ?? '')}`);
}
const backorderPath = id && token ? `/api/backorders/${encodeURIComponent(id)}` : null;
const withToken = { headers: { Authorization: `Bearer ${token}` } };

let backorder = null;

async function load() {
  main.setAttribute('aria-busy', 'true');
  loadProblem.hidden = true;
  if (!backorderPath) {
    showInvalidLink();
    main.setAttribute('aria-busy', 'false');
    return;
  }
  try {
    const { body } = await request('GET', backorderPath, undefined, withToken);
    show(body);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) showInvalidLink();
    else showLoadProblem(error);
  } finally {
    main.setAttribute('aria-busy', 'false');
  }
}

function showInvalidLink() {
  heading.textContent = 'Backorder not found';
  document.title = 'Backorder not found';
  section.hidden = true;
  setState(INVALID_LINK, 'Please use the link from your most recent email about this backorder.');
  state.classList.add('result--error');
}

function showLoadProblem(error) {
  heading.textContent = 'Your backorder';
  loadProblemText.textContent =
    error instanceof NetworkError
      ? 'We could not reach the shop. Check your connection and try again.'
      : 'Something went wrong while loading your backorder. Please try again in a moment.';
  loadRetry.hidden = false;
  loadProblem.hidden = false;
}

/** The sentence that says where the shopper stands, in the page's one live region. */
function stateSentences(b) {
  const name = b.productName;
  switch (b.status) {
    case 'waiting':
      return Number.isInteger(b.position)
        ? [
            `You are number ${b.position} in the queue.`,
            `We will email you as soon as ${name} is back in stock.`,
          ]
        : ['You are waiting in the queue.', `We will email you as soon as ${name} is back in stock.`];
    case 'allocated':
      return [
        `Good news: ${units(b.quantity)} of ${name} ${b.quantity === 1 ? 'is' : 'are'} reserved for you.`,
        'What happens next: the shop completes your order with these units and will be in touch about ' +
          'delivery. If you no longer want them, cancel below so they go to the next shopper.',
      ];
    case 'fulfilled':
      return [
        'Your backorder has been fulfilled.',
        'The shop has completed your order. Thank you for waiting.',
      ];
    case 'cancelled':
      return [
        'This backorder is cancelled.',
        'You are no longer in the queue and will not get emails about it.',
      ];
    default:
      return [`Status: ${b.status}.`];
  }
}

function setState(...sentences) {
  state.classList.remove('result--error');
  const [first, ...rest] = sentences;
  const lead = document.createElement('p');
  const strong = document.createElement('strong');
  strong.textContent = first;
  lead.append(strong);
  state.replaceChildren(
    lead,
    ...rest.map((text) => {
      const p = document.createElement('p');
      p.textContent = text;
      return p;
    }),
  );
}

function show(b) {
  backorder = b;
  heading.textContent = b.productName || b.sku;
  document.title = `Your backorder: ${b.productName || b.sku}`;
  setState(...stateSentences(b));
  state.dataset.status = b.status;

  byId('quantity').textContent = units(b.quantity);
  byId('status-word').textContent = STATUS_WORDS[b.status] ?? b.status;
  byId('email').textContent = b.email;
  byId('created').textContent = formatMoment(b.createdAt) ?? '';
  renderTimeline(Array.isArray(b.events) ? b.events : []);

  cancelArea.hidden = !(b.status === 'waiting' || b.status === 'allocated');
  // Buttons that would fail are not offered: a page link reads and cancels, an email link also does this.
  const emailLink = b.link === 'email';
  dataRights.hidden = !emailLink;
  needsEmailLink.hidden = emailLink;
  section.hidden = false;
}

function eventWords(type) {
  if (EVENT_WORDS[type]) return EVENT_WORDS[type];
  // Unknown event types still read as words rather than identifiers.
  const words = String(type)
    .replace(/[._-]+/g, ' ')
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function renderTimeline(events) {
  const sorted = [...events].sort((a, b) => String(a.at).localeCompare(String(b.at)));
  byId('timeline').replaceChildren(
    ...sorted.map((event) => {
      const item = document.createElement('li');
      const time = document.createElement('time');
      time.dateTime = event.at;
      time.textContent = formatMoment(event.at) ?? String(event.at);
      const what = document.createElement('span');
      what.textContent = eventWords(event.type);
      item.append(time, what);
      return item;
    }),
  );
}

// ---- cancelling -------------------------------------------------------------------------------------

async function askToCancel() {
  cancelError.hidden = true;
  const confirmed = await confirmAction({
    title: 'Cancel this backorder?',
    text:
      backorder.status === 'waiting'
        ? `You will lose your place in the queue for ${backorder.productName}. This cannot be undone.`
        : `The ${units(backorder.quantity)} reserved for you will go to the next shopper. This cannot be undone.`,
    confirmLabel: 'Yes, cancel it',
    cancelLabel: 'Keep my backorder',
  });
  if (confirmed) await cancel();
}

async function cancel() {
  // The buttons show only for a backorder loaded with a valid link.
  if (!backorderPath) return;
  cancelButton.disabled = true;
  cancelButton.textContent = 'Cancelling…';
  cancelError.hidden = true;
  try {
    await request('POST', `${backorderPath}/cancel`, undefined, withToken);
  } catch (error) {
    cancelButton.disabled = false;
    cancelButton.textContent = 'Cancel my backorder';
    if (error instanceof ApiError && error.status === 404) {
      showInvalidLink();
      return;
    }
    cancelError.textContent =
      error instanceof NetworkError
        ? 'We could not reach the shop, so nothing changed. Check your connection and try again.'
        : 'Something went wrong, so nothing changed. Please try again in a moment.';
    cancelError.hidden = false;
    cancelButton.focus();
    return;
  }

  // Reload to show the recorded history; if that fails, the cancellation itself still succeeded.
  try {
    const { body } = await request('GET', backorderPath, undefined, withToken);
    show(body);
  } catch {
    show({
      ...backorder,
      status: 'cancelled',
      position: null,
      events: [...(backorder.events ?? []), { at: new Date().toISOString(), type: 'cancelled' }],
    });
  }
  cancelButton.disabled = false;
  cancelButton.textContent = 'Cancel my backorder';
  setState(
    'Your backorder has been cancelled.',
    'You are no longer in the queue and will not get emails about it.',
  );
  // The button the shopper pressed is gone; keep their focus on the news.
  state.focus();
}

// ---- the shopper's data -------------------------------------------------------------------------------

function showDataError(error, what) {
  dataError.textContent =
    error instanceof NetworkError
      ? `We could not reach the shop, so ${what}. Check your connection and try again.`
      : `Something went wrong, so ${what}. Please try again in a moment.`;
  dataError.hidden = false;
}

/** Fetches the export and hands it to the browser as a file (the API names it in Content-Disposition). */
async function downloadData() {
  dataError.hidden = true;
  downloadButton.disabled = true;
  downloadButton.textContent = 'Preparing your data…';
  try {
    const { body } = await request('GET', `${backorderPath}/export`, undefined, withToken);
    const file = new window.Blob([JSON.stringify(body, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(file);
    const link = document.createElement('a');
    link.href = url;
    link.download = `backorder-data-${id}.json`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) showInvalidLink();
    else if (error instanceof ApiError && error.status === 403) showNeedsEmailLink();
    else showDataError(error, 'nothing was downloaded');
  } finally {
    downloadButton.disabled = false;
    downloadButton.textContent = 'Download my data';
  }
}

async function askToDelete() {
  dataError.hidden = true;
  const confirmed = await confirmAction({
    title: 'Delete all your data?',
    text:
      'Every backorder you have with this shop is cancelled (reserved units go to the next shopper), and your ' +
      'email address, name and company are deleted from everything we keep. Links in our emails stop ' +
      'working. This cannot be undone.',
    confirmLabel: 'Yes, delete everything',
    cancelLabel: 'Keep my data',
  });
  if (confirmed) await deleteData();
}

async function deleteData() {
  if (!backorderPath) return;
  deleteButton.disabled = true;
  deleteButton.textContent = 'Deleting…';
  try {
    await request('DELETE', backorderPath, undefined, withToken);
  } catch (error) {
    deleteButton.disabled = false;
    deleteButton.textContent = 'Delete my data';
    if (error instanceof ApiError && error.status === 404) showInvalidLink();
    else if (error instanceof ApiError && error.status === 403) showNeedsEmailLink();
    else {
      // Safe to press again: a repeated request completes whatever was left.
      showDataError(error, 'your data may not be fully deleted yet');
      deleteButton.focus();
    }
    return;
  }
  backorder = null;
  heading.textContent = 'Your data has been deleted';
  document.title = 'Your data has been deleted';
  section.hidden = true;
  delete state.dataset.status;
  setState(
    'Your data has been deleted.',
    'Your backorders are cancelled and we no longer keep your email address, your name or your company. ' +
      'The links in our emails to you no longer work. You can sign up again at any time.',
  );
  // The button the shopper pressed is gone; keep their focus on the news.
  state.focus();
}

function showNeedsEmailLink() {
  dataRights.hidden = true;
  needsEmailLink.hidden = false;
  emailLinksButton.focus();
}

/** Asks for the email links of the address this backorder is for; the answer is the same whatever it has. */
async function emailMyLinks() {
  dataError.hidden = true;
  emailLinksButton.disabled = true;
  try {
    await request('POST', '/api/links', { email: backorder.email });
    emailLinksResult.textContent = `We sent your links to ${backorder.email}. Look for an email from the shop.`;
  } catch (error) {
    if (error instanceof ApiError && error.status === 429)
      emailLinksResult.textContent = 'Too many requests. Please try again in a minute.';
    else showDataError(error, 'no email was sent');
  } finally {
    emailLinksButton.disabled = false;
  }
}

downloadButton.addEventListener('click', downloadData);
emailLinksButton.addEventListener('click', emailMyLinks);
deleteButton.addEventListener('click', askToDelete);
cancelButton.addEventListener('click', askToCancel);
loadRetry.addEventListener('click', load);
load();
