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

/**
 * A deadline (when a hold ends) in the reader's own time zone, the zone named, so nobody has to guess whose
 * 18:00 it is: "Friday, December 4 at 6:00 PM GMT+1", "Freitag, 4. Dezember um 18:00 MEZ". Null if unreadable.
 * @param {string|null|undefined} value
 * @param {string} [locale]
 */
export function formatDeadline(value, locale = t.locale) {
  if (typeof value !== 'string' || value === '') return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(date);
}

/**
 * Money the API gives in minor units (2999 EUR cents) as the locale writes it: "€29.99". The currency's own
 * minor unit decides the division (JPY has none, BHD three). Null for anything that is not an amount.
 * @param {unknown} amount {"value", "currency"}
 * @param {string} [locale]
 */
export function formatMoney(amount, locale = t.locale) {
  const { value, currency } = /** @type {{value?: unknown, currency?: unknown}} */ (amount ?? {});
  if (typeof value !== 'number' || !Number.isFinite(value) || typeof currency !== 'string') return null;
  try {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(value / 10 ** digits);
  } catch {
    // Not a currency code Intl knows: the figure as the API gave it, still readable.
    return `${value} ${currency}`;
  }
}

/** "1 unit", "3 units". */
export const units = (count) => t('units', { count });
