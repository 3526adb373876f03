// @ts-check
// The unsubscribe page: a confirm button, so link scanners that open every URL do not unsubscribe anyone.
import { request, ApiError } from './api.js';
import { byId } from './elements.js';

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
    result.textContent = 'Done: you are unsubscribed. You will get no more marketing email from us.';
  } catch (error) {
    button.disabled = false;
    result.textContent =
      error instanceof ApiError && error.status === 404
        ? 'This unsubscribe link is not valid. Use the link from your most recent email.'
        : 'Something went wrong. Please try again in a moment.';
  }
});
