/**
 * The signup form's markup: the fields of the landing page /p/{sku} (web/p/index.html), with the same
 * `name`s, built in code and worded in the embed's language. Every label is a real <label> (or <legend>),
 * every hint and error line is tied to its control by aria-describedby, and ids need only be unique inside
 * the shadow root, so two embeds on one page never collide.
 *
 * Error lines carry `data-error-for` and controls `data-path`, the convention of web/assets/console/dom.js,
 * whose helpers show and clear the errors.
 */
import type { Translate } from '../i18n/translate';
import { h } from '../web/assets/console/dom.js';
import type { Product } from './platform';

export const SEGMENTS = ['b2c', 'b2b'] as const;
export type Segment = (typeof SEGMENTS)[number];

/** The fields that can be in error, in the order a shopper meets them (focus goes to the first). */
export const FIELDS = ['email', 'quantity', 'name', 'segment', 'company', 'marketingConsent'] as const;
export type Field = (typeof FIELDS)[number];

/** Longest name and company the API accepts. */
export const TEXT_MAX = 200;

const errorLine = (field: Field) =>
  h('p', { id: `${field}-error`, className: 'error', hidden: true, attrs: { 'data-error-for': field } });

const label = (field: string, text: string, optional?: string) =>
  h(
    'label',
    { htmlFor: field },
    text,
    optional ? [' ', h('span', { className: 'optional' }, optional)] : null,
  );

const textField = (
  field: 'email' | 'name' | 'company',
  text: string,
  attrs: Record<string, string | number>,
  optional?: string,
) =>
  h(
    'div',
    { className: 'field', id: `${field}-field` },
    label(field, text, optional),
    h('input', {
      id: field,
      name: field,
      attrs: { ...attrs, 'aria-describedby': `${field}-error`, 'data-path': field },
    }),
    errorLine(field),
  );

/** The segments a shopper may choose among: absent means both, an empty list nobody (the form is not shown). */
export const allowedSegments = (product: Product): Segment[] =>
  SEGMENTS.filter((segment) => !Array.isArray(product.segments) || product.segments.includes(segment));

function segmentField(t: Translate, segments: Segment[], preferred: string | null): HTMLElement {
  const chosen = segments.find((segment) => segment === preferred) ?? segments[0];
  const choices = h(
    'div',
    { className: 'choices' },
    segments.map((segment) =>
      h(
        'div',
        { className: 'choice' },
        h('input', {
          type: 'radio',
          name: 'segment',
          id: `segment-${segment}`,
          value: segment,
          checked: segment === chosen,
        }),
        h('label', { htmlFor: `segment-${segment}` }, t(`signup.segment.${segment}`)),
      ),
    ),
    segments.length === 1
      ? h(
          'p',
          { className: 'hint' },
          t(segments[0] === 'b2b' ? 'signup.segment.onlyB2b' : 'signup.segment.onlyB2c'),
        )
      : null,
  );
  return h(
    'fieldset',
    {
      className: 'field',
      id: 'segment-field',
      attrs: { 'aria-describedby': 'segment-error', 'data-path': 'segment' },
    },
    h('legend', {}, t('signup.segment.legend')),
    choices,
    errorLine('segment'),
  );
}

function quantityField(t: Translate, maxPerCustomer: number | null): HTMLElement {
  const limited = Number.isInteger(maxPerCustomer) && (maxPerCustomer as number) >= 1;
  return h(
    'div',
    { className: 'field' },
    label('quantity', t('signup.quantity.label')),
    h('input', {
      id: 'quantity',
      name: 'quantity',
      type: 'number',
      required: true,
      value: '1',
      attrs: {
        min: 1,
        step: 1,
        max: limited ? maxPerCustomer : null,
        inputmode: 'numeric',
        'aria-describedby': 'quantity-hint quantity-error',
        'data-path': 'quantity',
      },
    }),
    h(
      'p',
      { id: 'quantity-hint', className: 'hint' },
      limited ? t('signup.quantity.max', { count: maxPerCustomer as number }) : t('signup.quantity.hint'),
    ),
    errorLine('quantity'),
  );
}

/** The whole form for one product that takes backorders; `segment` is the shop's preselected segment. */
export function signupForm(t: Translate, product: Product, segment: string | null) {
  const segments = allowedSegments(product);
  const optional = t('signup.optional');
  const submit = h('button', { type: 'submit' }, t('signup.submit'));
  const form = h(
    'form',
    { noValidate: true },
    h('p', { className: 'muted' }, t('signup.intro')),
    textField('email', t('signup.email.label'), {
      type: 'email',
      required: '',
      maxlength: 254,
      autocomplete: 'email',
      inputmode: 'email',
      spellcheck: 'false',
    }),
    quantityField(t, product.maxPerCustomer),
    textField(
      'name',
      t('signup.name.label'),
      { type: 'text', maxlength: TEXT_MAX, autocomplete: 'name' },
      optional,
    ),
    segmentField(t, segments, segment),
    textField(
      'company',
      t('signup.company.label'),
      { type: 'text', maxlength: TEXT_MAX, autocomplete: 'organization' },
      optional,
    ),
    h(
      'div',
      { className: 'field check' },
      h('input', {
        id: 'marketingConsent',
        name: 'marketingConsent',
        type: 'checkbox',
        attrs: {
          'aria-describedby': 'marketingConsent-hint marketingConsent-error',
          'data-path': 'marketingConsent',
        },
      }),
      label('marketingConsent', t('signup.consent.label')),
      h('p', { id: 'marketingConsent-hint', className: 'hint' }, t('signup.consent.hint')),
      errorLine('marketingConsent'),
    ),
    // Honeypot: people never see or reach this field; form-filling bots do, and give themselves away.
    h(
      'div',
      { className: 'hp', attrs: { 'aria-hidden': 'true' } },
      label('website', t('signup.honeypot.label')),
      h('input', { id: 'website', name: 'website', type: 'text', tabIndex: -1, autocomplete: 'off' }),
    ),
    submit,
  );

  // The company matters only to a business order: shown while "business" is chosen.
  const company = form.querySelector<HTMLElement>('#company-field');
  const showCompany = () => {
    const chosen = form.querySelector<HTMLInputElement>('input[name="segment"]:checked')?.value;
    if (company) company.hidden = chosen !== 'b2b';
  };
  form.addEventListener('change', (event) => {
    if ((event.target as HTMLInputElement).name === 'segment') showCompany();
  });
  showCompany();
  return { form, submit };
}
