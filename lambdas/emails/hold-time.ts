/**
 * When a hold ends, written for the shopper: in their language and their own time zone, with the zone named
 * ("Freitag, 4. Dezember um 18:00 MEZ"), so the hour means the same to them as to the shop. No year: a hold
 * lasts at most thirty days.
 */
import type { Locale } from '../../i18n/locales';

/**
 * The zone to write times in: the shopper's IANA zone ("Europe/Berlin") when Intl knows it, else UTC. The zone
 * comes from the shopper's browser, so anything may arrive; an unknown one must not stop the email.
 */
export const zoneOrUtc = (timeZone: string | null | undefined): string => {
  if (typeof timeZone !== 'string' || timeZone.trim() === '') return 'UTC';
  try {
    return new Intl.DateTimeFormat('en', { timeZone: timeZone.trim() }).resolvedOptions().timeZone;
  } catch {
    return 'UTC';
  }
};

/**
 * An instant ("2026-12-04T17:00:00Z") as the language writes a weekday, day, month and time, in the zone
 * (UTC when unknown), the zone's short name last; null when the instant is unreadable.
 */
export const formatHoldEnd = (instant: string, locale: Locale, timeZone?: string | null): string | null => {
  const date = new Date(instant);
  if (typeof instant !== 'string' || instant === '' || Number.isNaN(date.getTime())) return null;
  return (
    new Intl.DateTimeFormat(locale, {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
      timeZone: zoneOrUtc(timeZone),
    })
      .format(date)
      // Some ICU versions put a narrow no-break space before "PM", which not every mail font has.
      .replace(/\u202f/g, ' ')
  );
};
