// @ts-check
// The unsubscribe page: a confirm button, so link scanners that open every URL do not unsubscribe anyone.
import { request, ApiError } from './api.js';
import { byId } from './elements.js';
import { pageLanguage } from './language.js';

const t = pageLanguage();
const token = new URLSearchParams(location.search).get('token') ?? '';
const form = byId('unsubscribe-form', window.HTMLFormElement);
const button = byId('unsubscribe-button', window.HTMLButtonElement);
const result = byId('result');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  button.disabled = true;
  try {
    await request('POST', `/api/unsubscribe?token=${encodeURIComponent(token)}`);
    form.hidden = true;
    result.textContent = t('unsubscribe.done');
  } catch (error) {
    button.disabled = false;
    result.textContent = t(
      error instanceof ApiError && error.status === 404 ? 'unsubscribe.invalid' : 'unsubscribe.failed',
    );
  }
});
