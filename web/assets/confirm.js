// @ts-check
// The page a shopper lands on after following the consent confirmation link (GET /api/confirm redirects here).
import { byId } from './elements.js';
import { pageLanguage } from './language.js';

const t = pageLanguage();
/**
 * What the confirmation link did (the redirect's `result`), as the catalogue names it.
 * @type {Record<string, 'confirm.confirmed' | 'confirm.notWaiting' | 'confirm.invalid'>}
 */
const outcomes = { confirmed: 'confirm.confirmed', 'not-waiting': 'confirm.notWaiting' };
const outcome = outcomes[new URLSearchParams(location.search).get('result') ?? ''] ?? 'confirm.invalid';
const title = t(`${outcome}.title`);
document.title = title;
byId('title').textContent = title;
byId('message').textContent = t(`${outcome}.text`);
