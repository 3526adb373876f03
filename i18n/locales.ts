/**
 * The languages the platform speaks, and how a shopper's is chosen: no imports, so the functions that only
 * need to know the languages (signup, campaign schemas, queue messages) carry no catalogue.
 */
export const SUPPORTED_LOCALES = ['en', 'de', 'fr', 'es'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

export const isLocale = (value: string): value is Locale =>
  (SUPPORTED_LOCALES as readonly string[]).includes(value);

/**
 * The first candidate (a BCP 47 tag such as "de-AT", or "fr") whose language is supported, else English.
 * Empty and unreadable candidates are skipped.
 */
export function pickLocale(candidates: readonly (string | null | undefined)[]): Locale {
  for (const candidate of candidates) {
    const language = (candidate ?? '').trim().toLowerCase().split(/[-_]/)[0];
    if (isLocale(language)) return language;
  }
  return 'en';
}
