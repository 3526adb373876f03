/**
 * The restock alert's words (./emails/restock/*.json, with the common ones): all the alerter says. The hold
 * reminder shares the claim link's words, so the other emails' translator (./email-translate.ts) has them too.
 */
import de from './emails/restock/de.json';
import en from './emails/restock/en.json';
import es from './emails/restock/es.json';
import fr from './emails/restock/fr.json';
import { pickLocale, type Locale } from './locales';
import { mergeCatalogues, translatorOf, type Catalogue, type KeysOf, type Translate } from './translate';
import { COMMON_EMAIL_CATALOGUES, type CommonEmailKey } from './email-common';

export const RESTOCK_EMAIL_CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en, de, fr, es };

export type RestockEmailKey = KeysOf<typeof en>;
export type RestockTranslate = Translate<RestockEmailKey | CommonEmailKey>;

const RESTOCK_WORDS = mergeCatalogues(COMMON_EMAIL_CATALOGUES, RESTOCK_EMAIL_CATALOGUES);

/** The restock alert's words in the shopper's language (`de-AT` reads German; English when it is not spoken). */
export const restockWordsFor = (locale: string | undefined): RestockTranslate =>
  translatorOf(RESTOCK_WORDS, pickLocale([locale]));
