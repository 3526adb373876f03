/**
 * The shopper's words in their language: one catalogue per language (en.json, de.json, fr.json, es.json),
 * shared by the storefront embed now and by the pages and emails later. English is the reference; every
 * catalogue has exactly its keys (test/unit/i18n.test.ts).
 *
 * - Keys are flat and dotted by where the text appears: `signup.email.label`.
 * - `{name}` in a message is replaced by `values.name`; numbers are written the locale's way (1,234 / 1.234).
 * - A message that depends on a count has one key per plural category, `….one` and `….other`, and is asked
 *   for without the category: `t('signup.quantity.max', { count: 3 })`. Intl.PluralRules picks the category;
 *   a category the catalogue has no key for (French "many" for a million) falls back to `other`.
 * - Dates go through Intl.DateTimeFormat in the same locale (`t.day`).
 *
 * No imports but the catalogues: the embed bundles this file for the browser, the tests run it in Node.
 */
import de from './de.json';
import en from './en.json';
import es from './es.json';
import fr from './fr.json';

import { SUPPORTED_LOCALES, type Locale } from './locales';

export { SUPPORTED_LOCALES, pickLocale, type Locale } from './locales';

export type Catalogue = Readonly<Record<string, string>>;
/** The pages' and the embed's words (what a browser needs); the emails' are in ./emails/ (i18n/email-translate.ts). */
export const CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en, de, fr, es };

/** Catalogues of several parts in one, language by language (a later part's message wins a shared key). */
export const mergeCatalogues = (
  ...parts: readonly Readonly<Record<Locale, Catalogue>>[]
): Readonly<Record<Locale, Catalogue>> =>
  Object.fromEntries(
    SUPPORTED_LOCALES.map((locale) => [locale, Object.assign({}, ...parts.map((part) => part[locale]))]),
  ) as Record<Locale, Catalogue>;

/** The keys a catalogue's messages are asked for by: its own, and each plural message without its category. */
export type KeysOf<C> =
  keyof C | (keyof C extends infer K ? (K extends `${infer Base}.other` ? Base : never) : never);
/** A message of the English catalogue, the reference for every other. */
export type MessageKey = keyof typeof en;
/** A count-dependent message named without its plural category: `a.b` for `a.b.one` and `a.b.other`. */
export type PluralKey = MessageKey extends infer K ? (K extends `${infer Base}.other` ? Base : never) : never;
export type Values = Readonly<Record<string, string | number>>;

export interface Translate<K = MessageKey | PluralKey> {
  /** The message, placeholders filled. */
  (key: K, values?: Values): string;
  readonly locale: Locale;
  /**
   * The message as pieces, each placeholder replaced by its value as given: how a page puts an element (a
   * link, a bold address) where the translation wants it, in whatever order the language puts it.
   */
  parts<T>(key: K, values: Readonly<Record<string, T | string | number>>): Array<string | T>;
  /** A calendar day ("2025-03-01") as the locale writes it, the same day in every time zone; null if unreadable. */
  day(value: unknown): string | null;
}

const PLACEHOLDER = /\{(\w+)\}/g;

/** The pages' and the embed's words in this language. */
export const translator = (locale: Locale): Translate => translatorOf(CATALOGUES, locale);

/**
 * The translators made so far, by catalogues and language. Making one builds three Intl formatters, which
 * costs more than rendering a whole email: a batch of alerts asks for the same few languages again and again.
 */
const made = new WeakMap<object, Map<Locale, Translate<unknown>>>();

/** Words from these catalogues in this language (English where one lacks a message). */
export function translatorOf<K>(
  catalogues: Readonly<Record<Locale, Catalogue>>,
  locale: Locale,
): Translate<K> {
  let byLocale = made.get(catalogues);
  if (!byLocale) made.set(catalogues, (byLocale = new Map()));
  let translate = byLocale.get(locale);
  if (!translate) byLocale.set(locale, (translate = newTranslator<unknown>(catalogues, locale)));
  return translate as Translate<K>;
}

function newTranslator<K>(catalogues: Readonly<Record<Locale, Catalogue>>, locale: Locale): Translate<K> {
  const catalogue = catalogues[locale];
  const plural = new Intl.PluralRules(locale);
  const number = new Intl.NumberFormat(locale);
  const dayFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  let momentFormat: Intl.DateTimeFormat | undefined;

  /** The template: the key itself, or its plural form for `values.count`; English when a catalogue lacks it. */
  const template = (key: string, values?: Readonly<Record<string, unknown>>): string => {
    const count = values?.count;
    const candidates =
      typeof count === 'number' ? [`${key}.${plural.select(count)}`, `${key}.other`, key] : [key];
    for (const from of [catalogue, catalogues.en]) {
      const found = candidates.find((candidate) => candidate in from);
      if (found) return from[found];
    }
    return key;
  };

  const written = (value: unknown): unknown => (typeof value === 'number' ? number.format(value) : value);

  function parts<T>(key: string, values: Readonly<Record<string, T | string | number>>): Array<string | T> {
    const pieces: Array<string | T> = [];
    let last = 0;
    const text = template(key, values);
    for (const match of text.matchAll(PLACEHOLDER)) {
      const index = match.index ?? 0;
      if (index > last) pieces.push(text.slice(last, index));
      pieces.push(match[1] in values ? (written(values[match[1]]) as T | string) : match[0]);
      last = index + match[0].length;
    }
    if (last < text.length) pieces.push(text.slice(last));
    return pieces;
  }

  const t = ((key: string, values: Values = {}) => parts(key, values).join('')) as unknown as Translate<K>;
  return Object.assign(t, {
    locale,
    parts,
    day(value: unknown): string | null {
      if (typeof value !== 'string' || value === '') return null;
      const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
      const date = new Date(dayOnly ? `${value}T00:00:00Z` : value);
      if (Number.isNaN(date.getTime())) return null;
      // A moment (not a calendar day) is written in this runtime's time zone, as it always was.
      return dayOnly
        ? dayFormat.format(date)
        : (momentFormat ??= new Intl.DateTimeFormat(locale, { dateStyle: 'long' })).format(date);
    },
  });
}
