// @ts-check
/**
 * The product's expected restock date on the status page (docs/api.md, "etaHistory", "etaChoice"): the dates
 * the shopper was told, oldest first, the newest marked as the current one; and, when the date slipped far
 * past the one they signed up under, the question whether they still want to wait, answered with "Keep my
 * place" (POST /api/backorders/{id}/keep) or the page's own cancel button below it.
 *
 * Dates are calendar days ("2025-03-01"), written in the page's language the same day in every time zone
 * (t.day). Everything goes in as text.
 */
import { ApiError, NetworkError, request } from './api.js';
import { byId } from './elements.js';

/** @typedef {import('./translate.js').PageTranslate} Translate */
/** @typedef {{date: string|null, at: string|null}} EtaEntry */

const area = byId('eta-area');
const historyList = byId('eta-history');
const choiceArea = byId('eta-choice');
const choiceText = byId('eta-choice-text');
const keepButton = byId('keep-place', window.HTMLButtonElement);
const keepError = byId('keep-error');
const keptLine = byId('eta-kept');

/** @param {unknown} value */
const dayOrNull = (value) => (typeof value === 'string' && value !== '' ? value : null);

/**
 * The dates the shopper was told, oldest first. The product's current date ends the list even when its email
 * has not gone out yet (the shop changed it minutes ago): the page says what is true now.
 * @param {any} b
 * @returns {EtaEntry[]}
 */
export function etaEntries(b) {
  /** @type {EtaEntry[]} */
  const entries = (Array.isArray(b?.etaHistory) ? b.etaHistory : [])
    .filter((/** @type {any} */ entry) => entry && typeof entry === 'object')
    .map((/** @type {any} */ entry) => ({ date: dayOrNull(entry.date), at: dayOrNull(entry.at) }));
  const current = dayOrNull(b?.expectedRestockDate);
  // An API without the history still names the current date.
  const last = entries.at(-1);
  if (!last ? current !== null : last.date !== current) entries.push({ date: current, at: null });
  return entries;
}

/**
 * The shopper was asked whether to keep their place and has not answered yet, while still waiting.
 * @param {any} b
 */
export const choiceIsOpen = (b) =>
  b?.status === 'waiting' && Boolean(b.etaChoice) && typeof b.etaChoice === 'object' && !b.etaChoice.keptAt;

/**
 * Shows the date history, the open question, or the answer given.
 * @param {Translate} t
 * @param {any} b
 */
export function showEta(t, b) {
  const entries = etaEntries(b);
  // A single "no date" says nothing; and once units are set aside or the backorder ended, the expected date
  // no longer concerns the shopper.
  const worthShowing = entries.length > 1 || entries.some((entry) => entry.date !== null);
  area.hidden = !(b.status === 'waiting' && worthShowing);
  historyList.replaceChildren(...entries.map((entry, index) => historyItem(t, entry, index, entries)));

  const open = choiceIsOpen(b);
  choiceArea.hidden = !open;
  if (open) {
    const product = b.productName || b.sku;
    const date = dayOrNull(b.etaChoice.date);
    choiceText.textContent = date
      ? t('status.eta.choice.moved', { product, date: t.day(date) ?? date })
      : t('status.eta.choice.noDate', { product });
  }

  const keptAt = b.etaChoice && typeof b.etaChoice === 'object' ? dayOrNull(b.etaChoice.keptAt) : null;
  keptLine.hidden = !keptAt;
  if (keptAt) {
    const time = document.createElement('time');
    time.dateTime = keptAt;
    time.textContent = t.day(keptAt) ?? keptAt;
    keptLine.replaceChildren(...t.parts('status.eta.kept', { day: time }));
  }
}

/**
 * One date: the day (or "No date"), and when the shopper was told it; the newest is the current one.
 * @param {Translate} t
 * @param {EtaEntry} entry
 * @param {number} index
 * @param {EtaEntry[]} entries
 */
function historyItem(t, entry, index, entries) {
  const current = index === entries.length - 1;
  const item = document.createElement('li');
  const date = document.createElement(current ? 'strong' : 'span');
  date.className = 'eta-date';
  date.textContent = entry.date ? (t.day(entry.date) ?? entry.date) : t('status.eta.noDate');
  const when = document.createElement('span');
  when.className = 'eta-when';
  const said = [];
  if (index === 0 && entry.at) said.push(t('status.eta.signedUp'));
  else if (entry.at) said.push(t('status.eta.changed', { day: t.day(entry.at) ?? entry.at }));
  if (current) {
    item.setAttribute('aria-current', 'true');
    said.push(t('status.eta.current'));
  }
  when.textContent = said.join(' · ');
  item.append(date, ' ', when);
  return item;
}

/**
 * Records "keep my place". Resolves to the answer's keptAt on success; 'gone' for an unknown backorder or a
 * wrong token (404), 'changed' when it is no longer waiting (409: the page reads it again to say where it
 * stands); null after any other failure, said next to the button.
 * @param {Translate} t
 * @param {string} path the backorder's API path
 * @param {{headers: Record<string, string>}} options the token, as every request of the page sends it
 * @returns {Promise<string|'gone'|'changed'|null>}
 */
export async function keepPlace(t, path, options) {
  keepButton.disabled = true;
  keepButton.textContent = t('status.eta.keep.busy');
  keepError.hidden = true;
  try {
    const { body } = await request('POST', `${path}/keep`, undefined, options);
    return dayOrNull(body?.keptAt) ?? new Date().toISOString();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return 'gone';
    if (error instanceof ApiError && error.status === 409) return 'changed';
    keepError.textContent = t(
      error instanceof NetworkError ? 'status.eta.keep.network' : 'status.eta.keep.failed',
    );
    keepError.hidden = false;
    keepButton.focus();
    return null;
  } finally {
    keepButton.disabled = false;
    keepButton.textContent = t('status.eta.keep');
  }
}

/** @param {() => void} handler */
export const onKeep = (handler) => keepButton.addEventListener('click', handler);

/** The answer, focused after the shopper chose: the button they pressed is gone. */
export const focusKept = () => {
  if (!keptLine.hidden) keptLine.focus();
};
