// @ts-check
/**
 * The shopper pages' language (docs/signup.md, "Languages"): `?lang=` first, then what the page knows of the
 * shopper (the status page: the backorder's own locale), then the browser's languages, else English.
 *
 * The pages' markup carries English for a browser without JavaScript; each element whose text comes from
 * the catalogue names its key (`data-i18n="status.history"`), and is put in the chosen language as the
 * script starts, before the page has anything to show but its frame.
 */
import { pickLocale, translator } from './translate.js';

/** @typedef {import('./translate.js').PageTranslate} Translate */

/**
 * The page's words in the shopper's language; `<html lang>` and every `[data-i18n]` element follow it.
 * @param {Array<string|null|undefined>} [known] the shopper's locale as the page knows it, best first
 * @returns {Translate}
 */
export function pageLanguage(known = []) {
  const asked = new URLSearchParams(location.search).get('lang');
  const t = translator(pickLocale([asked, ...known, ...navigator.languages]));
  document.documentElement.lang = t.locale;
  for (const element of document.querySelectorAll('[data-i18n]')) {
    element.textContent = t(/** @type {any} */ (element.getAttribute('data-i18n')));
  }
  return t;
}
