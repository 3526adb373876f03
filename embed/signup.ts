/**
 * What the signup form does, by the rules of the landing page (web/assets/product.js): the browser's
 * constraint checks worded for people, the API's validation details next to their fields (aria-invalid,
 * aria-describedby, focus on the first field in error), 201 → the place in the queue and the page link,
 * 200 `created:false` → "already on the list" with no link, the 409/429/5xx answers and a lost connection
 * each in words, and one request per press of the button.
 *
 * The API words its validation details in English: an English embed shows them as the landing page does,
 * the other languages their own words for the field.
 */
import type { Translate } from '../i18n/translate';
import { ApiError, NetworkError, fieldOfDetail } from '../web/assets/api.js';
import { clearFieldErrors, h, setFieldError, showResult, whileBusy } from '../web/assets/console/dom.js';
import { control } from '../web/assets/elements.js';
import { callApi, type Product } from './platform';
import { FIELDS, TEXT_MAX, type Field, signupForm } from './signup-form';

interface Signed {
  email?: string;
  position?: number | null;
  statusUrl?: string | null;
}

const paragraph = (...parts: Array<Node | string>) => h('p', {}, parts);
const strong = (text: string) => h('strong', {}, text);

/** The browser's IANA time zone ("Europe/Berlin"), or null when it does not say. */
const browserTimeZone = (): string | null => {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return typeof zone === 'string' && zone !== '' ? zone : null;
  } catch {
    return null;
  }
};

/** Builds the form for `product` and wires it; `result` is the embed's role=status region. */
export function signupFormFor(
  t: Translate,
  product: Product,
  segment: string | null,
  result: HTMLElement,
): HTMLFormElement {
  const { form, submit } = signupForm(t, product, segment);
  let submitting = false;

  /** A field's control (for the segment: the chosen radio button, else the first). */
  const input = (field: Field | 'website'): HTMLInputElement =>
    field === 'segment'
      ? (form.querySelector<HTMLInputElement>('input[name="segment"]:checked') ??
        (form.querySelector('input[name="segment"]') as HTMLInputElement))
      : control(form, field);

  const fieldError = (field: Field, message: string) => setFieldError(form, field, message);

  const focusFirstInvalid = () => {
    // Only fields with an error line showing: the consent box is never the one to correct.
    const first = FIELDS.find(
      (field) => form.querySelector<HTMLElement>(`#${field}-error`)?.hidden === false,
    );
    if (first) input(first).focus();
  };

  const showError = (text: string) => showResult(result, 'error', text);

  /** Browser constraint checks, worded for people: {field: message} for each field that fails. */
  const validate = (): Partial<Record<Field, string>> => {
    const problems: Partial<Record<Field, string>> = {};
    const email = input('email');
    if (email.validity.valueMissing) problems.email = t('signup.error.email.missing');
    else if (!email.validity.valid) problems.email = t('signup.error.email.invalid');
    const quantity = input('quantity');
    if (!quantity.validity.valid) {
      problems.quantity = quantity.max
        ? t('signup.error.quantity.range', { max: Number(quantity.max) })
        : t('signup.error.quantity.min');
    }
    for (const field of ['name', 'company'] as const) {
      if (input(field).value.trim().length > TEXT_MAX)
        problems[field] = t('signup.error.tooLong', { max: TEXT_MAX });
    }
    if (!form.querySelector('input[name="segment"]:checked')) problems.segment = t('signup.error.segment');
    return problems;
  };

  /** The request: only the contract's fields, no empty optional strings, never the honeypot. */
  const signupRequest = () => {
    const segment = input('segment').value;
    const body: Record<string, unknown> = {
      sku: product.sku,
      email: input('email').value.trim(),
      quantity: Number(input('quantity').value),
      segment,
      marketingConsent: input('marketingConsent').checked,
      locale: t.locale,
    };
    // The company goes with a business order only (its field is hidden otherwise).
    for (const field of segment === 'b2b' ? (['name', 'company'] as const) : (['name'] as const)) {
      const value = input(field).value.trim();
      if (value) body[field] = value;
    }
    // The shopper's time zone, so the emails say when a hold ends in their own time.
    const timeZone = browserTimeZone();
    if (timeZone) body.timeZone = timeZone;
    return body;
  };

  const finished = () => {
    result.classList.add('result--success');
    form.hidden = true;
    result.focus();
  };

  const showSignedUp = (email: string, signed: Signed | null) => {
    showResult(
      result,
      'success',
      paragraph(strong(t('signup.done.title'))),
      Number.isInteger(signed?.position)
        ? t('signup.done.place', { position: signed?.position as number })
        : null,
      paragraph(...t.parts('signup.done.email', { email: strong(email) })),
      signed?.statusUrl ? paragraph(h('a', { href: signed.statusUrl }, t('signup.done.link'))) : null,
    );
    finished();
  };

  /**
   * The address already waits for this product. Nothing more is said (whoever typed it may not own it): the
   * links are in that mailbox, or sent again on request.
   */
  const showAlreadySignedUp = (email: string) => {
    const sent = paragraph();
    const resend = h('button', { type: 'button', className: 'secondary' }, t('signup.already.resend'));
    resend.addEventListener('click', async () => {
      resend.disabled = true;
      try {
        await callApi('POST', '/api/links', { email });
        sent.replaceChildren(...t.parts('signup.already.sent', { email: strong(email) }));
      } catch (error) {
        sent.textContent =
          error instanceof ApiError && error.status === 429
            ? t('signup.already.tooMany')
            : t('signup.already.failed');
      } finally {
        resend.disabled = false;
      }
    });
    showResult(
      result,
      'success',
      paragraph(strong(t('signup.already.title'))),
      paragraph(...t.parts('signup.already.text', { email: strong(email) })),
      paragraph(resend),
      sent,
    );
    finished();
  };

  const showApiError = (error: ApiError) => {
    switch (error.code) {
      case 'VALIDATION': {
        let placed = false;
        for (const detail of error.details) {
          const field = fieldOfDetail(detail) as Field | null;
          if (!field || !FIELDS.includes(field)) continue;
          const message =
            t.locale === 'en' && typeof detail.message === 'string' && detail.message
              ? detail.message
              : t(field === 'email' ? 'signup.error.email.invalid' : 'signup.error.field');
          placed = fieldError(field, message) !== null || placed;
        }
        showError(
          placed ? t('signup.error.correct') : t.locale === 'en' ? error.message : t('signup.error.failed'),
        );
        if (placed) focusFirstInvalid();
        return;
      }
      case 'QUANTITY_LIMIT': {
        const max = product.maxPerCustomer;
        fieldError(
          'quantity',
          max ? t('signup.error.quantityLimit', { count: max }) : t('signup.error.field'),
        );
        showError(t('signup.error.smaller'));
        input('quantity').focus();
        return;
      }
      case 'BACKORDERS_DISABLED': {
        const segment = form.querySelector<HTMLInputElement>('input[name="segment"]:checked')?.value;
        showError(
          t(
            segment === 'b2c' || segment === 'b2b' ? `signup.error.closed.${segment}` : 'signup.error.closed',
          ),
        );
        return;
      }
      case 'RATE_LIMITED': {
        // The API exposes Retry-After to the allowed origins (lambdas/domain/cors.ts); without it, "in a minute".
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
        showError(
          error.status >= 500
            ? t('signup.error.server')
            : t.locale === 'en'
              ? error.message
              : t('signup.error.failed'),
        );
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submitting) return;
    clearFieldErrors(form);

    const problems = validate();
    if (Object.keys(problems).length > 0) {
      for (const [field, message] of Object.entries(problems)) fieldError(field as Field, message);
      showError(t('signup.error.correct'));
      focusFirstInvalid();
      return;
    }

    const body = signupRequest();
    const email = body.email as string;
    if (input('website').value !== '') {
      // A bot filled the honeypot: tell it what a person would hear, and send nothing.
      showSignedUp(email, null);
      return;
    }

    submitting = true;
    showResult(result);
    try {
      const { status, body: signed } = await whileBusy(submit, t('signup.submitting'), () =>
        callApi('POST', '/api/backorders', body),
      );
      if (status === 201) showSignedUp(signed?.email ?? email, signed);
      else showAlreadySignedUp(email);
    } catch (error) {
      if (error instanceof ApiError) showApiError(error);
      else if (error instanceof NetworkError) showError(t('signup.error.network'));
      else throw error;
    } finally {
      submitting = false;
    }
  });

  return form;
}
