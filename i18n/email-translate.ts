/**
 * The platform's own emails in the shopper's language: their catalogues (./emails/*.json) are apart from the
 * pages' so the storefront embed, which bundles the pages' words, does not carry the emails'.
 */
import de from './emails/de.json';
import en from './emails/en.json';
import es from './emails/es.json';
import fr from './emails/fr.json';
import type { Locale } from './locales';
import { translatorOf, type Catalogue, type KeysOf, type Translate } from './translate';

export const EMAIL_CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en, de, fr, es };

export type EmailTranslate = Translate<KeysOf<typeof en>>;

export const emailTranslator = (locale: Locale): EmailTranslate => translatorOf(EMAIL_CATALOGUES, locale);
