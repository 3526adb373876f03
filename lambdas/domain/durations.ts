/**
 * Nurture step delays as ISO-8601 durations (`PT0S`, `P2D`, `P1W`): parsed once here for the schema that
 * guards every save and for the rules that schedule the steps.
 */
import { parse as parseDuration } from 'tinyduration';

export const MAX_DELAY_MS = 366 * 24 * 3600 * 1000;

/** Milliseconds of an ISO-8601 duration; calendar units (years, months) are refused as ambiguous. */
export const durationMs = (iso: string): number => {
  const d = parseDuration(iso);
  if (d.years || d.months)
    throw new Error('use weeks, days, hours or minutes: months and years vary in length');
  if (d.negative) throw new Error('must not be negative');
  return (
    (((d.weeks ?? 0) * 7 + (d.days ?? 0)) * 24 * 3600 +
      (d.hours ?? 0) * 3600 +
      (d.minutes ?? 0) * 60 +
      (d.seconds ?? 0)) *
    1000
  );
};
