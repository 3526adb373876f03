// @ts-check
/**
 * Nurture step delays: ISO 8601 durations (what the API stores) to and from the console's picker, a whole
 * number and one unit. Pure functions, no DOM: the browser test imports this module directly.
 *
 * Only fixed-length units are offered. Months and years have no fixed length, and seconds are too fine for
 * an email sequence, so such stored values parse to null and the editor keeps them as they are.
 */

export const UNITS = ['minutes', 'hours', 'days', 'weeks'];

const SECONDS = { seconds: 1, minutes: 60, hours: 3600, days: 86_400, weeks: 604_800 };
const SINGULAR = { minutes: 'minute', hours: 'hour', days: 'day', weeks: 'week' };

/** P[n]W, or P[n]D T[n]H[n]M[n]S with each part optional; integer parts only. */
const PATTERN = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * The length of a duration in seconds, or null when it is not a whole-number duration of weeks, days,
 * hours, minutes and seconds ("P1M" is a month: no fixed length).
 * @param {unknown} iso
 * @returns {number|null}
 */
export function durationSeconds(iso) {
  if (typeof iso !== 'string') return null;
  const value = iso.trim().toUpperCase();
  const match = PATTERN.exec(value);
  // "P" and "PT" alone name no duration at all.
  if (!match || value === 'P' || value.endsWith('T')) return null;
  const [, weeks, days, hours, minutes, seconds] = match.map((part) =>
    part === undefined ? 0 : Number(part),
  );
  const total =
    weeks * SECONDS.weeks +
    days * SECONDS.days +
    hours * SECONDS.hours +
    minutes * SECONDS.minutes +
    seconds * SECONDS.seconds;
  return Number.isSafeInteger(total) ? total : null;
}

/**
 * What the picker shows for a stored delay: the largest unit that expresses it exactly, so "PT90M" reads
 * "90 minutes" and "P14D" reads "2 weeks". Zero reads "0 minutes". Null when the picker cannot express it.
 * @param {unknown} iso
 * @returns {{amount:number, unit:'minutes'|'hours'|'days'|'weeks'}|null}
 */
export function parseDuration(iso) {
  const total = durationSeconds(iso);
  if (total === null || total % 60 !== 0) return null;
  if (total === 0) return { amount: 0, unit: 'minutes' };
  for (const unit of /** @type {const} */ (['weeks', 'days', 'hours', 'minutes'])) {
    if (total % SECONDS[unit] === 0) return { amount: total / SECONDS[unit], unit };
  }
  return null;
}

/**
 * The ISO 8601 duration for an amount of one unit: 30 minutes → "PT30M", 4 hours → "PT4H", 2 days → "P2D",
 * 1 week → "P1W". Zero of any unit is "PT0S", "straight away".
 * @param {number} amount a whole number, 0 or more
 * @param {'minutes'|'hours'|'days'|'weeks'} unit
 * @returns {string}
 */
export function formatDuration(amount, unit) {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new RangeError(`A delay must be a whole number of 0 or more, not ${amount}`);
  }
  if (!UNITS.includes(unit)) throw new RangeError(`Unknown delay unit ${unit}`);
  if (amount === 0) return 'PT0S';
  switch (unit) {
    case 'minutes':
      return `PT${amount}M`;
    case 'hours':
      return `PT${amount}H`;
    case 'days':
      return `P${amount}D`;
    default:
      return `P${amount}W`;
  }
}

/**
 * A delay in words for lists and headings: "immediately", "1 hour", "2 weeks"; the raw value when the
 * picker cannot express it.
 * @param {unknown} iso
 * @returns {string}
 */
export function describeDuration(iso) {
  const parsed = parseDuration(iso);
  if (!parsed) return typeof iso === 'string' ? iso : 'unknown delay';
  if (parsed.amount === 0) return 'immediately';
  return `${parsed.amount} ${parsed.amount === 1 ? SINGULAR[parsed.unit] : parsed.unit}`;
}
