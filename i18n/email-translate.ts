/**
 * The platform's own emails in the shopper's language: their catalogues (./emails/*.json) are apart from the
 * pages' so the storefront embed, which bundles the pages' words, does not carry the emails'. Every email's
 * common words and the restock alert's are in files of their own (./email-common.ts, ./email-restock.ts), so
 * the nurturer and the alerter carry only theirs; this translator has them all.
 */
import de from './emails/de.json';
import en from './emails/en.json';
import es from './emails/es.json';
import fr from './emails/fr.json';
import { pickLocale, type Locale } from './locales';
import { mergeCatalogues, translatorOf, type Catalogue, type KeysOf, type Translate } from './translate';
import { COMMON_EMAIL_CATALOGUES, type CommonEmailKey } from './email-common';
import { RESTOCK_EMAIL_CATALOGUES, type RestockEmailKey } from './email-restock';

/** The words of the emails but the restock alert, less the common ones. */
export const OTHER_EMAIL_CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en, de, fr, es };

/** Every email's words, one catalogue per language. */
export const EMAIL_CATALOGUES = mergeCatalogues(
  COMMON_EMAIL_CATALOGUES,
  RESTOCK_EMAIL_CATALOGUES,
  OTHER_EMAIL_CATALOGUES,
);

export type EmailTranslate = Translate<KeysOf<typeof en> | RestockEmailKey | CommonEmailKey>;

export const emailTranslator = (locale: Locale): EmailTranslate => translatorOf(EMAIL_CATALOGUES, locale);

/** The words of a shopper's emails: in their language (`de-AT` reads German), English when it is not spoken. */
export const wordsFor = (locale: string | undefined): EmailTranslate => emailTranslator(pickLocale([locale]));
