// @ts-check
// The page a shopper lands on after following the consent confirmation link (GET /api/confirm redirects here).
import { byId } from './elements.js';

/** @type {Record<string, [string, string]>} */
const outcomes = {
  confirmed: ['Thanks, you are subscribed', 'We will keep you posted while you wait for your backorder.'],
  'not-waiting': ['Nothing to confirm', 'This backorder is no longer waiting, so there is nothing to send.'],
  invalid: ['Link not valid', 'This confirmation link is not valid or has expired.'],
};
const result = new URLSearchParams(location.search).get('result') ?? '';
const [title, message] = outcomes[result] ?? outcomes.invalid;
document.title = title;
byId('title').textContent = title;
byId('message').textContent = message;
