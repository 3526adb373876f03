// @ts-check
/**
 * Backorder landing page (/p/{sku}): shows one product and signs a shopper up for it (docs/api.md, docs/signup.md).
 *
 * Every product or shopper text goes in with textContent: product names are set by marketers and may
 * contain markup, which must show as text.
 */
import { ApiError, NetworkError, fieldOfDetail, request } from './api.js';
import { byId, control } from './elements.js';
import { pageLanguage } from './language.js';
import { SEGMENTS, renderSegments, renderVariants } from './product-choices.js';

const t = pageLanguage();

const FIELDS = ['email', 'quantity', 'name', 'segment', 'company', 'marketingConsent'];

const main = byId('main');
const heading = byId('product-name');
const details = byId('product-details');
const restock = byId('restock');
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
  heading.textContent = t('product.notFound.title');
  document.title = t('product.notFound.title');
  loadProblemText.textContent = t('product.notFound.text');
  loadRetry.hidden = true;
  loadProblem.hidden = false;
}

function showLoadProblem(error) {
  heading.textContent = t('embed.fallbackTitle');
  loadProblemText.textContent = t(error instanceof NetworkError ? 'embed.loadNetwork' : 'embed.loadFailed');
  loadRetry.hidden = false;
  loadProblem.hidden = false;
}

function showProduct(p) {
  heading.textContent = p.name;
  document.title = t('product.page.titleOf', { name: p.name });
  const date = strong(t.day(p.expectedRestockDate) ?? t('product.restock.unknown'));
  date.id = 'restock-date';
  restock.replaceChildren(...t.parts('product.restock', { date }));

  // No `segments` at all means no restriction; an empty list means no shopper may sign up.
  const segments = (Array.isArray(p.segments) ? p.segments : ['b2c', 'b2b']).filter((s) =>
    SEGMENTS.includes(s),
  );
  const open = p.backordersEnabled === true && segments.length > 0;
  closed.hidden = open;
  form.hidden = !open;
  details.hidden = false;
  renderVariants(t, byId('variant-field'), byId('variant', window.HTMLSelectElement), p);
  if (!open) return;

  renderSegments(t, byId('segment-choices'), segments);
  const quantity = fieldInput('quantity');
  const hint = byId('quantity-hint');
  if (Number.isInteger(p.maxPerCustomer) && p.maxPerCustomer >= 1) {
    quantity.max = String(p.maxPerCustomer);
    hint.textContent = t('signup.quantity.max', { count: p.maxPerCustomer });
  } else {
    quantity.removeAttribute('max');
    hint.textContent = t('signup.quantity.hint');
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
  if (email.validity.valueMissing) problems.email = t('signup.error.email.missing');
  else if (!email.validity.valid) problems.email = t('signup.error.email.invalid');

  const quantity = fieldInput('quantity');
  if (!quantity.validity.valid) {
    problems.quantity = quantity.max
      ? t('signup.error.quantity.range', { max: Number(quantity.max) })
      : t('signup.error.quantity.min');
  }

  for (const field of ['name', 'company']) {
    if (fieldInput(field).value.trim().length > 200)
      problems[field] = t('signup.error.tooLong', { max: 200 });
  }
  if (!form.querySelector('input[name="segment"]:checked')) problems.segment = t('signup.error.segment');
  return problems;
}

/**
 * The request body: only the contract's fields, without empty optional strings (and never the honeypot);
 * the page's language goes with it, so the emails that follow speak it too.
 */
function backorderRequest() {
  const body = {
    sku: product.sku,
    email: fieldInput('email').value.trim(),
    quantity: Number(fieldInput('quantity').value),
    segment: fieldInput('segment').value,
    marketingConsent: fieldInput('marketingConsent').checked,
    locale: t.locale,
  };
  for (const field of ['name', 'company']) {
    const value = fieldInput(field).value.trim();
    if (value) body[field] = value;
  }
  // The shopper's time zone, so the emails say when a hold ends in their own time.
  const timeZone = browserTimeZone();
  if (timeZone) body.timeZone = timeZone;
  return body;
}

/** The browser's IANA time zone ("Europe/Berlin"), or null when it does not say. */
function browserTimeZone() {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return typeof zone === 'string' && zone !== '' ? zone : null;
  } catch {
    return null;
  }
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
  const nodes = [paragraph(strong(t('signup.done.title')))];
  if (backorder && Number.isInteger(backorder.position)) {
    nodes.push(paragraph(t('signup.done.place', { position: backorder.position })));
  }
  nodes.push(paragraph(...t.parts('signup.done.email', { email: strong(email) })));
  if (backorder?.statusUrl) nodes.push(paragraph(link(backorder.statusUrl, t('signup.done.link'))));
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
  resend.textContent = t('signup.already.resend');
  const sent = paragraph();
  resend.addEventListener('click', async () => {
    resend.disabled = true;
    try {
      await request('POST', '/api/links', { email });
      sent.replaceChildren(...t.parts('signup.already.sent', { email: strong(email) }));
    } catch (error) {
      sent.textContent = t(
        error instanceof ApiError && error.status === 429
          ? 'signup.already.tooMany'
          : 'signup.already.failed',
      );
    } finally {
      resend.disabled = false;
    }
  });
  showResult(
    paragraph(strong(t('signup.already.title'))),
    paragraph(...t.parts('signup.already.text', { email: strong(email) })),
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
          placed = setFieldError(field, fieldMessage(detail)) || placed;
        }
      }
      if (placed) {
        showError(t('signup.error.correct'));
        focusFirstInvalid();
      } else {
        showError(error.message);
      }
      return;
    }
    case 'QUANTITY_LIMIT': {
      const max = product.maxPerCustomer;
      setFieldError('quantity', max ? t('signup.error.quantityLimit', { count: max }) : error.message);
      showError(t('signup.error.smaller'));
      fieldInput('quantity').focus();
      return;
    }
    case 'BACKORDERS_DISABLED':
      showError(t(closedKey()));
      return;
    case 'RATE_LIMITED': {
      const wait = error.retryAfterSeconds;
      showError(
        wait != null ? t('signup.error.rateLimited', { count: wait }) : t('signup.error.rateLimitedLater'),
      );
      return;
    }
    case 'NOT_FOUND':
      showError(t('signup.error.gone'));
      return;
    default:
      showError(error.status >= 500 ? t('signup.error.server') : error.message);
  }
}

/**
 * The API words its validation details in English: an English page shows them as they are, the other
 * languages their own words for the field.
 * @param {{message?: unknown}} detail
 */
function fieldMessage(detail) {
  return t.locale === 'en' && typeof detail.message === 'string' ? detail.message : t('signup.error.field');
}

/** "Not open right now", for the customers the shopper chose to order as. */
function closedKey() {
  const segment = /** @type {HTMLInputElement|null} */ (form.querySelector('input[name="segment"]:checked'))
    ?.value;
  if (segment === 'b2c') return 'signup.error.closed.b2c';
  return segment === 'b2b' ? 'signup.error.closed.b2b' : 'signup.error.closed';
}

async function onSubmit(event) {
  event.preventDefault();
  if (submitting) return;
  clearErrors();

  const problems = validate();
  if (Object.keys(problems).length > 0) {
    for (const [field, message] of Object.entries(problems)) setFieldError(field, message);
    showError(t('signup.error.correct'));
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
  submitButton.textContent = t('signup.submitting');
  showResult();
  try {
    const { status, body: backorder } = await request('POST', '/api/backorders', body);
    if (status === 201) showSignedUp(backorder.email ?? body.email, backorder);
    else showAlreadySignedUp(body.email);
  } catch (error) {
    if (error instanceof ApiError) showApiError(error);
    else if (error instanceof NetworkError) {
      showError(t('signup.error.network'));
    } else throw error;
  } finally {
    submitting = false;
    submitButton.disabled = false;
    submitButton.textContent = t('signup.submit');
  }
}

form.addEventListener('submit', onSubmit);
loadRetry.addEventListener('click', loadProduct);
loadProduct();
