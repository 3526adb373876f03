// @ts-check
/** Dates and counts written the way a shopper reads them, in the page's language. */

const locale = document.documentElement.lang || 'en';

const dayFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
const momentFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * A calendar date such as an expected restock date. "2025-03-01" is a day, not an instant, so it is
 * formatted in UTC to stay the same day in every time zone. Returns null for an unreadable value.
 * @param {string|null|undefined} value
 */
export function formatDay(value) {
  if (typeof value !== 'string' || value === '') return null;
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(dayOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return null;
  return dayOnly
    ? dayFormat.format(date)
    : new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(date);
}

/**
 * An instant (an event in the timeline) in the shopper's own time zone.
 * @param {string|null|undefined} value
 */
export function formatMoment(value) {
  if (typeof value !== 'string' || value === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : momentFormat.format(date);
}

/** "1 unit", "3 units". */
export function units(count) {
  return `${count} ${count === 1 ? 'unit' : 'units'}`;
}
