// @ts-check
/**
 * Dates and counts written the way a reader reads them, in the page's language (<html lang>): the console's
 * helpers. The shopper pages pick their language at run time and ask their translator (language.js).
 */
import { pickLocale, translator } from './translate.js';

const t = translator(pickLocale([document.documentElement.lang]));

/**
 * A calendar date such as an expected restock date, the same day in every time zone; null if unreadable.
 * @param {string|null|undefined} value
 */
export const formatDay = (value) => t.day(value);

/**
 * An instant (an event in the timeline) in the reader's own time zone, written the locale's way.
 * @param {string|null|undefined} value
 * @param {string} [locale]
 */
export function formatMoment(value, locale = t.locale) {
  if (typeof value !== 'string' || value === '') return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** "1 unit", "3 units". */
export const units = (count) => t('units', { count });
