// @ts-check
/**
 * Backorder landing page (/p/{sku}): shows one product and signs a shopper up for it (docs/api.md, docs/signup.md).
 *
 * Every product or shopper text goes in with textContent: product names are set by marketers and may
 * contain markup, which must show as text.
 */
import { ApiError, NetworkError, fieldOfDetail, request } from './api.js';
import { formatDay, units } from './format.js';
import { byId, control } from './elements.js';
import { SEGMENT_LABELS, renderSegments, renderVariants } from './product-choices.js';

const FIELDS = ['email', 'quantity', 'name', 'segment', 'company', 'marketingConsent'];

const main = byId('main');
const heading = byId('product-name');
const details = byId('product-details');
const restockDate = byId('restock-date');
const closed = byId('closed');
const form = byId('backorder-form', window.HTMLFormElement);
const submitButton = byId('submit', window.HTMLButtonElement);
const result = byId('result');
const loadProblem = byId('load-problem');
const loadProblemText = byId('load-problem-text');
const loadRetry = byId('load-retry', window.HTMLButtonElement);

let product = null;
let submitting = false;

/** The SKU is the path segment after /p/; anything unreadable is treated as an unknown product. */
function skuFromLocation() {
  const match = /^\/p\/([^/]+)\/?$/.exec(location.pathname);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

async function loadProduct() {
  main.setAttribute('aria-busy', 'true');
  loadProblem.hidden = true;
  const sku = skuFromLocation();
  if (!sku) {
    showNotFound();
    return;
  }
  try {
    const { body } = await request('GET', `/api/products/${encodeURIComponent(sku)}`);
    product = body;
    showProduct(body);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) showNotFound();
    else showLoadProblem(error);
  } finally {
    main.setAttribute('aria-busy', 'false');
  }
}

function showNotFound() {
  heading.textContent = 'Product not found';
  document.title = 'Product not found';
  loadProblemText.textContent =
    'We could not find this product. The link may be mistyped, or the product is no longer sold.';
  loadRetry.hidden = true;
  loadProblem.hidden = false;
}

function showLoadProblem(error) {
  heading.textContent = 'Backorder';
  loadProblemText.textContent =
    error instanceof NetworkError
      ? 'We could not reach the shop. Check your connection and try again.'
      : 'Something went wrong while loading this product. Please try again in a moment.';
  loadRetry.hidden = false;
  loadProblem.hidden = false;
}

function showProduct(p) {
  heading.textContent = p.name;
  document.title = `Backorder: ${p.name}`;
  restockDate.textContent = formatDay(p.expectedRestockDate) ?? 'date not yet known';

  // No `segments` at all means no restriction; an empty list means no shopper may sign up.
  const segments = (Array.isArray(p.segments) ? p.segments : ['b2c', 'b2b']).filter(
    (s) => s in SEGMENT_LABELS,
  );
  const open = p.backordersEnabled === true && segments.length > 0;
  closed.hidden = open;
  form.hidden = !open;
  details.hidden = false;
  renderVariants(byId('variant-field'), byId('variant', window.HTMLSelectElement), p);
  if (!open) return;

  renderSegments(byId('segment-choices'), segments);
  const quantity = fieldInput('quantity');
  const hint = byId('quantity-hint');
  if (Number.isInteger(p.maxPerCustomer) && p.maxPerCustomer >= 1) {
    quantity.max = String(p.maxPerCustomer);
    hint.textContent = `Up to ${units(p.maxPerCustomer)} per customer.`;
  } else {
    quantity.removeAttribute('max');
    hint.textContent = 'How many you would like to order.';
  }
}

// ---- form --------------------------------------------------------------------------------------------

/**
 * The error line of a field; null for a field that has none (the consent box).
 * @param {string} field
 * @returns {HTMLElement|null}
 */
function fieldError(field) {
  return document.getElementById(`${field}-error`);
}

/**
 * A field's control (for the segment, the chosen radio button or else the first).
 * @param {string} field
 * @returns {HTMLInputElement}
 */
function fieldInput(field) {
  if (field !== 'segment') return control(form, field);
  const segment =
    form.querySelector('input[name="segment"]:checked') ?? form.querySelector('input[name="segment"]');
  return /** @type {HTMLInputElement} */ (segment);
}

function setFieldError(field, message) {
  const error = fieldError(field);
  if (!error) return false;
  error.textContent = message;
  error.hidden = false;
  const target = field === 'segment' ? byId('segment-field') : fieldInput(field);
  target?.setAttribute('aria-invalid', 'true');
  return true;
}

function clearErrors() {
  for (const field of FIELDS) {
    const error = fieldError(field);
    if (error) {
      error.textContent = '';
      error.hidden = true;
    }
  }
  form.querySelectorAll('[aria-invalid]').forEach((element) => element.removeAttribute('aria-invalid'));
}

/** Browser constraint checks, worded for people; returns {field: message} for the fields that fail. */
function validate() {
  const problems = {};
  const email = fieldInput('email');
  if (email.validity.valueMissing) problems.email = 'Enter your email address.';
  else if (!email.validity.valid) problems.email = 'Enter a valid email address, like name@example.com.';

  const quantity = fieldInput('quantity');
  if (!quantity.validity.valid) {
    problems.quantity = quantity.max
      ? `Enter a whole number from 1 to ${quantity.max}.`
      : 'Enter a whole number of at least 1.';
  }

  for (const field of ['name', 'company']) {
    if (fieldInput(field).value.trim().length > 200) problems[field] = 'Use at most 200 characters.';
  }
  if (!form.querySelector('input[name="segment"]:checked')) problems.segment = 'Choose personal or business.';
  return problems;
}

/** The request body: only the contract's fields, without empty optional strings (and never the honeypot). */
function backorderRequest() {
  const body = {
    sku: product.sku,
    email: fieldInput('email').value.trim(),
    quantity: Number(fieldInput('quantity').value),
    segment: fieldInput('segment').value,
    marketingConsent: fieldInput('marketingConsent').checked,
  };
  for (const field of ['name', 'company']) {
    const value = fieldInput(field).value.trim();
    if (value) body[field] = value;
  }
  return body;
}

function focusFirstInvalid() {
  // Only fields with an error line showing: the consent box has none, and is never the one to correct.
  const first = FIELDS.find((field) => fieldError(field)?.hidden === false);
  if (first) fieldInput(first)?.focus();
}

function showResult(...nodes) {
  result.classList.remove('result--error', 'result--success');
  result.replaceChildren(...nodes);
}

function paragraph(...parts) {
  const p = document.createElement('p');
  p.append(...parts);
  return p;
}

function strong(text) {
  const element = document.createElement('strong');
  element.textContent = text;
  return element;
}

function link(href, text) {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  return a;
}

function showSignedUp(email, backorder) {
  const nodes = [paragraph(strong('You are on the waiting list.'))];
  if (backorder && Number.isInteger(backorder.position)) {
    nodes.push(paragraph(`You are number ${backorder.position} in the queue.`));
  }
  nodes.push(paragraph('We sent a confirmation email to ', strong(email), '.'));
  if (backorder?.statusUrl) nodes.push(paragraph(link(backorder.statusUrl, 'Check your place in the queue')));
  showResult(...nodes);
  result.classList.add('result--success');
  form.hidden = true;
  result.focus();
}

/**
 * The same address is already waiting for this product. The answer says nothing more (whoever typed the
 * address may not own it): the shopper finds their links in their mailbox, or has them sent again.
 */
function showAlreadySignedUp(email) {
  const resend = document.createElement('button');
  resend.type = 'button';
  resend.className = 'button button--secondary';
  resend.textContent = 'Email me my links';
  const sent = paragraph();
  resend.addEventListener('click', async () => {
    resend.disabled = true;
    try {
      await request('POST', '/api/links', { email });
      sent.replaceChildren('If this address has backorders, we have sent its links to ', strong(email), '.');
    } catch (error) {
      sent.textContent =
        error instanceof ApiError && error.status === 429
          ? 'Too many requests. Please try again in a minute.'
          : 'We could not send the email. Please try again in a moment.';
    } finally {
      resend.disabled = false;
    }
  });
  showResult(
    paragraph(strong('This address is already on the waiting list for this product.')),
    paragraph('The private link to the backorder is in the emails we sent to ', strong(email), '.'),
    paragraph(resend),
    sent,
  );
  result.classList.add('result--success');
  form.hidden = true;
  result.focus();
}

function showError(text) {
  showResult(paragraph(text));
  result.classList.add('result--error');
}

function showApiError(error) {
  switch (error.code) {
    case 'VALIDATION': {
      let placed = false;
      for (const detail of error.details) {
        const field = fieldOfDetail(detail);
        if (field && FIELDS.includes(field)) {
          placed =
            setFieldError(field, typeof detail.message === 'string' ? detail.message : 'Check this field.') ||
            placed;
        }
      }
      if (placed) {
        showError('Please correct the highlighted fields.');
        focusFirstInvalid();
      } else {
        showError(error.message);
      }
      return;
    }
    case 'QUANTITY_LIMIT': {
      const max = product.maxPerCustomer;
      setFieldError(
        'quantity',
        max ? `You can backorder up to ${units(max)} of this product.` : error.message,
      );
      showError('Please choose a smaller quantity.');
      fieldInput('quantity').focus();
      return;
    }
    case 'BACKORDERS_DISABLED':
      showError(`Sorry, backorders for this product are not open${segmentPhrase()} right now.`);
      return;
    case 'RATE_LIMITED': {
      const wait = error.retryAfterSeconds;
      showError(
        wait != null
          ? `Too many attempts. Please try again in ${wait} ${wait === 1 ? 'second' : 'seconds'}.`
          : 'Too many attempts. Please try again in a minute.',
      );
      return;
    }
    case 'NOT_FOUND':
      showError('This product is no longer available for backorder.');
      return;
    default:
      showError(
        error.status >= 500
          ? 'Something went wrong on our side. Please try again in a moment.'
          : error.message,
      );
  }
}

function segmentPhrase() {
  const segment = /** @type {HTMLInputElement|null} */ (form.querySelector('input[name="segment"]:checked'))
    ?.value;
  return segment ? ` for ${SEGMENT_LABELS[segment].toLowerCase()} customers` : '';
}

async function onSubmit(event) {
  event.preventDefault();
  if (submitting) return;
  clearErrors();

  const problems = validate();
  if (Object.keys(problems).length > 0) {
    for (const [field, message] of Object.entries(problems)) setFieldError(field, message);
    showError('Please correct the highlighted fields.');
    focusFirstInvalid();
    return;
  }

  const body = backorderRequest();
  if (fieldInput('website').value !== '') {
    // A bot filled the honeypot: tell it what a person would hear, and send nothing.
    showSignedUp(body.email, null);
    return;
  }

  submitting = true;
  submitButton.disabled = true;
  submitButton.textContent = 'Signing you up…';
  showResult();
  try {
    const { status, body: backorder } = await request('POST', '/api/backorders', body);
    if (status === 201) showSignedUp(backorder.email ?? body.email, backorder);
    else showAlreadySignedUp(body.email);
  } catch (error) {
    if (error instanceof ApiError) showApiError(error);
    else if (error instanceof NetworkError) {
      showError('We could not reach the shop. Check your connection and press the button again.');
    } else throw error;
  } finally {
    submitting = false;
    submitButton.disabled = false;
    submitButton.textContent = 'Join the waiting list';
  }
}

form.addEventListener('submit', onSubmit);
loadRetry.addEventListener('click', loadProduct);
loadProduct();
