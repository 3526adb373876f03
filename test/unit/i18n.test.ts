/**
 * The translation catalogues (i18n/*.json): every language says everything English says and nothing else,
 * with the same placeholders and no empty text, and the translator picks languages, plural forms, numbers
 * and dates the way i18n/translate.ts documents.
 */
import {
  CATALOGUES,
  SUPPORTED_LOCALES,
  pickLocale,
  translator,
  type Catalogue,
  type Locale,
} from '../../i18n/translate';
import { EMAIL_CATALOGUES, OTHER_EMAIL_CATALOGUES, wordsFor } from '../../i18n/email-translate';
import { COMMON_EMAIL_CATALOGUES, commonWordsFor } from '../../i18n/email-common';
import { RESTOCK_EMAIL_CATALOGUES, restockWordsFor } from '../../i18n/email-restock';
import { PAGE_CATALOGUES, translator as pageTranslator } from '../../i18n/page-translate';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const others = SUPPORTED_LOCALES.filter((locale) => locale !== 'en');

describe.each<[string, Readonly<Record<Locale, Catalogue>>]>([
  ['pages and embed', CATALOGUES],
  ['emails', EMAIL_CATALOGUES],
  // Each part on its own too: a function that sends one kind of email carries only that kind's words.
  ['every email', COMMON_EMAIL_CATALOGUES],
  ['the restock alert', RESTOCK_EMAIL_CATALOGUES],
  ['the other emails', OTHER_EMAIL_CATALOGUES],
  ['pages alone', PAGE_CATALOGUES],
])('catalogues of the %s', (_name, CATALOGUES) => {
  it('there is one per supported language', () => {
    expect(Object.keys(CATALOGUES).sort()).toEqual([...SUPPORTED_LOCALES].sort());
  });

  it.each(others)('%s has every key of en, and en every key of %s', (locale) => {
    const keys = Object.keys(CATALOGUES[locale]);
    const english = Object.keys(CATALOGUES.en);
    expect(english.filter((key) => !keys.includes(key))).toEqual([]);
    expect(keys.filter((key) => !english.includes(key))).toEqual([]);
  });

  it.each(others)('%s uses the same placeholders as en in every message', (locale) => {
    const different = Object.entries(CATALOGUES.en)
      .filter(([key]) => key in CATALOGUES[locale])
      .filter(([key, text]) => placeholders(CATALOGUES[locale][key]).join() !== placeholders(text).join())
      .map(([key]) => key);
    expect(different).toEqual([]);
  });

  it.each(SUPPORTED_LOCALES)('%s has no empty message', (locale: Locale) => {
    const empty = Object.entries(CATALOGUES[locale]).filter(([, text]) => text.trim() === '');
    expect(empty).toEqual([]);
  });

  it('every plural message has its "one" and "other" forms', () => {
    const keys = Object.keys(CATALOGUES.en);
    for (const key of keys.filter((k) => /\.(one|other)$/.test(k))) {
      const base = key.replace(/\.(one|other)$/, '');
      expect([`${base}.one`, `${base}.other`].filter((form) => !keys.includes(form))).toEqual([]);
    }
  });

  it('the other languages are translated, not copied (bar words that are the same, like "Variante")', () => {
    for (const locale of others) {
      const copied = Object.entries(CATALOGUES.en).filter(
        ([key, text]) =>
          CATALOGUES[locale][key] === text &&
          text.split(' ').length > 2 &&
          // Placeholders and signs alone ("{quantity} × {product}") have nothing to translate.
          /\p{L}/u.test(text.replace(/\{\w+\}/g, '')),
      );
      expect(copied.map(([key]) => `${locale} ${key}`)).toEqual([]);
    }
  });
});

it("the pages' own words name no key of the embed's (one text per key), and reach the pages with them", () => {
  const embedKeys = Object.keys(CATALOGUES.en);
  expect(Object.keys(PAGE_CATALOGUES.en).filter((key) => embedKeys.includes(key))).toEqual([]);
  const t = pageTranslator('de');
  expect(t('units', { count: 2 })).toBe('2 Stück');
  expect(t('signup.submit')).toBe(CATALOGUES.de['signup.submit']);
});

it("the emails' words are in one part each, and each kind of email's translator has its own and the common ones", () => {
  const parts = [COMMON_EMAIL_CATALOGUES, RESTOCK_EMAIL_CATALOGUES, OTHER_EMAIL_CATALOGUES].map((part) =>
    Object.keys(part.en),
  );
  const all = parts.flat();
  expect(all.filter((key, i) => all.indexOf(key) !== i)).toEqual([]);
  expect(Object.keys(EMAIL_CATALOGUES.en).sort()).toEqual([...all].sort());

  const alert = restockWordsFor('de-AT');
  expect(alert('email.restock.heading')).toBe(RESTOCK_EMAIL_CATALOGUES.de['email.restock.heading']);
  expect(alert('email.footer.status')).toBe(COMMON_EMAIL_CATALOGUES.de['email.footer.status']);
  expect(commonWordsFor('fr')('email.footer.unsubscribe')).toBe(
    COMMON_EMAIL_CATALOGUES.fr['email.footer.unsubscribe'],
  );
  const other = wordsFor('es');
  expect(other('email.button.claim')).toBe(RESTOCK_EMAIL_CATALOGUES.es['email.button.claim']);
  expect(other('email.confirmation.heading')).toBe(OTHER_EMAIL_CATALOGUES.es['email.confirmation.heading']);
});

describe('pickLocale', () => {
  it.each([
    [['de-AT', 'en'], 'de'],
    [['it', 'fr-CA'], 'fr'],
    [['ES'], 'es'],
    [['pt-BR', 'it'], 'en'],
    [[], 'en'],
    [['', 'en-GB'], 'en'],
  ])('%j → %s', (candidates, expected) => {
    expect(pickLocale(candidates)).toBe(expected);
  });
});

describe('translator', () => {
  it('is made once per catalogue and language, and each keeps its own language', () => {
    expect(translator('de')).toBe(translator('de'));
    expect(translator('fr')).not.toBe(translator('de'));
    expect(pageTranslator('de')).not.toBe(translator('de'));
    expect(translator('de').locale).toBe('de');
    expect(translator('fr').locale).toBe('fr');
    // The one made first for German still writes German after French was made.
    expect(translator('de')('signup.done.place', { position: 1234 })).toBe(
      'Sie sind Nummer 1.234 in der Warteschlange.',
    );
  });

  it('fills placeholders, writing numbers the locale way', () => {
    expect(translator('en')('signup.done.place', { position: 1234 })).toBe(
      'You are number 1,234 in the queue.',
    );
    expect(translator('de')('signup.done.place', { position: 1234 })).toBe(
      'Sie sind Nummer 1.234 in der Warteschlange.',
    );
  });

  it('chooses the plural form by the locale rules, "other" when a catalogue has no form for the category', () => {
    const en = translator('en');
    expect(en('signup.quantity.max', { count: 1 })).toBe('Up to 1 unit per customer.');
    expect(en('signup.quantity.max', { count: 3 })).toBe('Up to 3 units per customer.');
    const fr = translator('fr');
    // French reads 0 as singular; a million is "many", which the catalogue leaves to "other".
    expect(fr('signup.quantity.max', { count: 0 })).toBe('Jusqu’à 0 article par client.');
    expect(fr('signup.quantity.max', { count: 1_000_000 })).toMatch(
      /^Jusqu’à 1\s000\s000 articles par client\.$/,
    );
  });

  it('puts nodes where the language wants them', () => {
    const marker = { node: true };
    expect(translator('fr').parts('signup.done.email', { email: marker })).toEqual([
      'Nous avons envoyé un e-mail de confirmation à ',
      marker,
      '.',
    ]);
  });

  it('writes a calendar day in the locale, the same day in every time zone', () => {
    expect(translator('en').day('2025-03-01')).toBe('March 1, 2025');
    expect(translator('de').day('2025-03-01')).toBe('1. März 2025');
    expect(translator('es').day('2025-03-01')).toBe('1 de marzo de 2025');
    expect(translator('en').day('not a date')).toBeNull();
    expect(translator('en').day(null)).toBeNull();
  });
});
