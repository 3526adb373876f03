/**
 * The shopper pages' words (/p/{sku}, /status, /unsubscribe, /confirm): the embed's catalogues (./{en,…}.json,
 * the signup form's words the landing page shares) and the words only the pages say (./pages/*.json), apart
 * so the storefront embed does not carry them.
 *
 * Bundled by scripts/build-embed.ts into web/assets/translate.js, which the pages' plain modules import
 * (typed for them by web/assets/translate.d.ts).
 */
import de from './pages/de.json';
import en from './pages/en.json';
import es from './pages/es.json';
import fr from './pages/fr.json';
import { type Locale } from './locales';
import {
  CATALOGUES,
  mergeCatalogues,
  translatorOf,
  type Catalogue,
  type KeysOf,
  type MessageKey,
  type PluralKey,
  type Translate,
} from './translate';

export { pickLocale, type Locale } from './locales';

/** The words only the pages say, one catalogue per language (checked by test/unit/i18n.test.ts). */
export const PAGE_CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en, de, fr, es };

export type PageTranslate = Translate<KeysOf<typeof en> | MessageKey | PluralKey>;

const BOTH = mergeCatalogues(CATALOGUES, PAGE_CATALOGUES);

/** The pages' words in this language (English where one lacks a message). */
export const translator = (locale: Locale): PageTranslate => translatorOf(BOTH, locale);
