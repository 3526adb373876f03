/**
 * The words every email of the platform says (the greeting, the footer's links, "your private link"), in the
 * shopper's language: ./emails/common/*.json. A marketer's nurture step needs no more than these; the
 * platform's own emails add theirs (./email-restock.ts, ./email-translate.ts), so a function that sends one
 * kind of email carries that kind's words only.
 */
import de from './emails/common/de.json';
import en from './emails/common/en.json';
import es from './emails/common/es.json';
import fr from './emails/common/fr.json';
import { pickLocale, type Locale } from './locales';
import { translatorOf, type Catalogue, type KeysOf, type Translate } from './translate';

export const COMMON_EMAIL_CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en, de, fr, es };

export type CommonEmailKey = KeysOf<typeof en>;
/** Words with at least every email's own: what the layout's footer asks of any email's translator. */
export type CommonEmailTranslate = Translate<CommonEmailKey>;

/** The common words in the shopper's language (`de-AT` reads German; English when it is not spoken). */
export const commonWordsFor = (locale: string | undefined): CommonEmailTranslate =>
  translatorOf(COMMON_EMAIL_CATALOGUES, pickLocale([locale]));
