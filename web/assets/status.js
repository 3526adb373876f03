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
 *
 * Units held for the shopper (a hold, while allocated) come with a "Complete your order" link to the claim
 * route /r/{id}?token=…, which records the click and sends them on to the shop's checkout; an expired hold
 * links back to the product's page to join again. A nurture email's link carries ?via= (which step it came
 * from): it goes with the read, so the step's clicks are counted.
 *
 * The email about a moved restock date links here with ?choice=keep or ?choice=cancel (status-eta.js). Keep
 * is recorded once by the page itself, as keeping changes nothing the shopper could regret; cancel only opens
 * the cancel confirmation, so a mail scanner following the link never cancels anything.
 */
import { ApiError, NetworkError, request } from './api.js';
import { formatDeadline, formatMoment } from './format.js';
import { byId, confirmAction } from './elements.js';
import { pageLanguage } from './language.js';
import { activeHold, eventWords, stateSentences, statusWord } from './status-words.js';
import { choiceIsOpen, focusKept, keepPlace, onKeep, showEta } from './status-eta.js';

// The browser's language until the backorder is read; then the backorder's own, unless ?lang= says otherwise.
let t = pageLanguage();

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
const claimArea = byId('claim-area');
const holdLine = byId('hold-until');
const completeOrder = byId('complete-order', window.HTMLAnchorElement);
const rejoinArea = byId('rejoin-area');
const rejoinLink = byId('rejoin', window.HTMLAnchorElement);

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
// The read names the email step the shopper came from, if a nurture email's link brought them.
const via = params.get('via');
const readPath = backorderPath && via ? `${backorderPath}?via=${encodeURIComponent(via)}` : backorderPath;
const withToken = { headers: { Authorization: `Bearer ${token}` } };
// What the email's link asked for, acted on once, after the first read; out of the address bar at once, so a
// reload or a bookmark does not ask again.
let choice = params.get('choice');
if (params.has('choice')) {
  params.delete('choice');
  history.replaceState(null, '', `${location.pathname}?${params}${location.hash}`);
}

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
    const { body } = await request('GET', readPath ?? backorderPath, undefined, withToken);
    show(body);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) showInvalidLink();
    else showLoadProblem(error);
    return;
  } finally {
    main.setAttribute('aria-busy', 'false');
  }
  const asked = choice;
  choice = null;
  if (asked === 'keep' && choiceIsOpen(backorder)) await keep();
  else if (asked === 'keep') focusKept();
  else if (asked === 'cancel' && !cancelArea.hidden) {
    // Only the question: the shopper's own "Yes, cancel it" cancels.
    cancelButton.scrollIntoView({ block: 'center' });
    cancelButton.focus();
    await askToCancel();
  }
}

function showInvalidLink() {
  heading.textContent = t('status.invalid.title');
  document.title = t('status.invalid.title');
  section.hidden = true;
  setState(t('status.invalid.text'), t('status.invalid.hint'));
  state.classList.add('result--error');
}

function showLoadProblem(error) {
  heading.textContent = t('status.title');
  loadProblemText.textContent = t(error instanceof NetworkError ? 'embed.loadNetwork' : 'status.loadFailed');
  loadRetry.hidden = false;
  loadProblem.hidden = false;
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
  t = pageLanguage([b.locale]);
  heading.textContent = b.productName || b.sku;
  document.title = t('status.titleOf', { name: b.productName || b.sku });
  setState(...stateSentences(t, b));
  state.dataset.status = b.status;
  showClaim(b);

  byId('quantity').textContent = t('units', { count: b.quantity });
  byId('status-word').textContent = statusWord(t, b);
  byId('email').textContent = b.email;
  byId('created').textContent = formatMoment(b.createdAt, t.locale) ?? '';
  renderTimeline(Array.isArray(b.events) ? b.events : []);
  showEta(t, b);

  // A paid order is the shop's to cancel (it refunds the payment): the shopper's link cannot.
  cancelArea.hidden = b.kind === 'order' || !(b.status === 'waiting' || b.status === 'allocated');
  // Buttons that would fail are not offered: a page link reads and cancels, an email link also does this.
  const emailLink = b.link === 'email';
  dataRights.hidden = !emailLink;
  needsEmailLink.hidden = emailLink;
  section.hidden = false;
}

/**
 * What the shopper can do next besides cancelling: complete the order while the units are held for them
 * (the claim link carries the same token as this page), or, once the hold has ended, join the list again.
 * @param {any} b
 */
function showClaim(b) {
  const holdUntil = activeHold(b);
  claimArea.hidden = !(holdUntil && id && token);
  if (holdUntil && id && token) {
    completeOrder.href = `/r/${encodeURIComponent(id)}?token=${encodeURIComponent(token)}`;
    const time = document.createElement('time');
    time.dateTime = holdUntil;
    time.textContent = formatDeadline(holdUntil, t.locale) ?? holdUntil;
    holdLine.replaceChildren(...t.parts('status.hold.until', { time }));
  }
  const sku = typeof b.sku === 'string' ? b.sku : '';
  rejoinArea.hidden = !(b.status === 'expired' && sku);
  rejoinLink.href = sku ? `/p/${encodeURIComponent(sku)}` : '/';
}

function renderTimeline(events) {
  const sorted = [...events].sort((a, b) => String(a.at).localeCompare(String(b.at)));
  byId('timeline').replaceChildren(
    ...sorted.map((event) => {
      const item = document.createElement('li');
      const time = document.createElement('time');
      time.dateTime = event.at;
      time.textContent = formatMoment(event.at, t.locale) ?? String(event.at);
      const what = document.createElement('span');
      what.textContent = eventWords(t, backorder, event.type);
      item.append(time, what);
      return item;
    }),
  );
}

// ---- cancelling -------------------------------------------------------------------------------------

async function askToCancel() {
  cancelError.hidden = true;
  const confirmed = await confirmAction({
    title: t('status.cancel.ask'),
    text:
      backorder.status === 'waiting'
        ? t('status.cancel.waiting', { product: backorder.productName })
        : t('status.cancel.allocated', { count: backorder.quantity }),
    confirmLabel: t('status.cancel.confirm'),
    cancelLabel: t('status.cancel.keep'),
  });
  if (confirmed) await cancel();
}

async function cancel() {
  // The buttons show only for a backorder loaded with a valid link.
  if (!backorderPath) return;
  cancelButton.disabled = true;
  cancelButton.textContent = t('status.cancel.busy');
  cancelError.hidden = true;
  try {
    await request('POST', `${backorderPath}/cancel`, undefined, withToken);
  } catch (error) {
    cancelButton.disabled = false;
    cancelButton.textContent = t('status.cancel');
    if (error instanceof ApiError && error.status === 404) {
      showInvalidLink();
      return;
    }
    cancelError.textContent = t(
      error instanceof NetworkError ? 'status.cancel.network' : 'status.cancel.failed',
    );
    cancelError.hidden = false;
    cancelButton.focus();
    return;
  }

  // Reload to show the recorded history; if that fails, the cancellation itself still succeeded.
  try {
    const { body } = await request('GET', readPath ?? backorderPath, undefined, withToken);
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
  cancelButton.textContent = t('status.cancel');
  setState(t('status.cancelled.done'), t('status.cancelled.text'));
  // The button the shopper pressed is gone; keep their focus on the news.
  state.focus();
}

// ---- keeping one's place after the expected date moved -------------------------------------------------

async function keep() {
  if (!backorderPath) return;
  const keptAt = await keepPlace(t, backorderPath, withToken);
  if (keptAt === 'gone') return showInvalidLink();
  if (keptAt === null) return;
  // Read again: the history shows the choice; if that fails, the choice itself was still recorded.
  try {
    const { body } = await request('GET', readPath ?? backorderPath, undefined, withToken);
    show(body);
  } catch {
    if (keptAt !== 'changed') show({ ...backorder, etaChoice: { ...backorder.etaChoice, keptAt } });
  }
  if (keptAt === 'changed') state.focus();
  else focusKept();
}

// ---- the shopper's data -------------------------------------------------------------------------------

/**
 * What went wrong with a data request, and what it means for the shopper's data.
 * @param {unknown} error
 * @param {'download' | 'delete' | 'links'} action
 */
function showDataError(error, action) {
  dataError.textContent = t(`status.data.${action}.${error instanceof NetworkError ? 'network' : 'failed'}`);
  dataError.hidden = false;
}

/** Fetches the export and hands it to the browser as a file (the API names it in Content-Disposition). */
async function downloadData() {
  dataError.hidden = true;
  downloadButton.disabled = true;
  downloadButton.textContent = t('status.data.download.busy');
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
    else showDataError(error, 'download');
  } finally {
    downloadButton.disabled = false;
    downloadButton.textContent = t('status.data.download');
  }
}

async function askToDelete() {
  dataError.hidden = true;
  const confirmed = await confirmAction({
    title: t('status.data.delete.ask'),
    text: t('status.data.delete.text'),
    confirmLabel: t('status.data.delete.confirm'),
    cancelLabel: t('status.data.delete.keep'),
  });
  if (confirmed) await deleteData();
}

async function deleteData() {
  if (!backorderPath) return;
  deleteButton.disabled = true;
  deleteButton.textContent = t('status.data.delete.busy');
  try {
    await request('DELETE', backorderPath, undefined, withToken);
  } catch (error) {
    deleteButton.disabled = false;
    deleteButton.textContent = t('status.data.delete');
    if (error instanceof ApiError && error.status === 404) showInvalidLink();
    else if (error instanceof ApiError && error.status === 403) showNeedsEmailLink();
    else {
      // Safe to press again: a repeated request completes whatever was left.
      showDataError(error, 'delete');
      deleteButton.focus();
    }
    return;
  }
  backorder = null;
  heading.textContent = t('status.data.deleted.heading');
  document.title = t('status.data.deleted.heading');
  section.hidden = true;
  delete state.dataset.status;
  setState(t('status.data.deleted.title'), t('status.data.deleted.text'));
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
    emailLinksResult.textContent = t('status.data.links.sent', { email: backorder.email });
  } catch (error) {
    if (error instanceof ApiError && error.status === 429)
      emailLinksResult.textContent = t('signup.already.tooMany');
    else showDataError(error, 'links');
  } finally {
    emailLinksButton.disabled = false;
  }
}

downloadButton.addEventListener('click', downloadData);
emailLinksButton.addEventListener('click', emailMyLinks);
deleteButton.addEventListener('click', askToDelete);
cancelButton.addEventListener('click', askToCancel);
onKeep(keep);
loadRetry.addEventListener('click', load);
load();
