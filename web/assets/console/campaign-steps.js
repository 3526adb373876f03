// @ts-check
/**
 * The nurture steps of the campaign editor: each step's card (delay picker, subject, HTML and text bodies,
 * actions, live preview), and keeping numbers, labels and error paths in step with the order.
 *
 * Step ids ("step-1", "step-2"…) are made once and never change, whatever the order: the platform records
 * which steps each shopper already got by these ids.
 */
import { h, setFieldError, uniqueId } from './dom.js';
import { UNITS, parseDuration } from './duration.js';
import { livePreview } from './preview.js';
import { LANGUAGE_NAMES, buildVersions, markVersionErrors, renumberVersions } from './step-versions.js';

/** Per step element: its controls and its live preview. */
const stepParts = new WeakMap();

/** A step element's controls and live preview. */
export const partsOf = (li) => stepParts.get(li);

/**
 * One step's card: fields (per language), actions and live preview.
 * @param {{id:string, delay:string, subject?:string, html?:string, text?:string, locales?:Record<string, any>}} step
 * @param {{sample: () => object, showSampleError: (message:string) => boolean, clearSampleError: () => void}} samples
 *   the campaign-wide sample the preview fills variables with, and where errors about it show
 */
export function buildStep(step, samples) {
  const key = uniqueId('step');
  const ids = {
    amount: `${key}-amount`,
    unit: `${key}-unit`,
  };
  const errorId = (name) => `${key}-${name}-error`;
  const error = (name) =>
    h('p', { id: errorId(name), className: 'field-error', hidden: true, dataset: { field: name } });

  const parsed = parseDuration(step.delay);
  const amount = h('input', {
    id: ids.amount,
    type: 'number',
    min: '0',
    step: '1',
    inputMode: 'numeric',
    className: 'delay-amount',
    value: parsed ? String(parsed.amount) : '',
    attrs: { 'aria-describedby': `${key}-delay-when ${key}-delay-raw ${errorId('delay')}` },
  });
  const unit = h(
    'select',
    { id: ids.unit, className: 'delay-unit' },
    UNITS.map((name) => h('option', { value: name, selected: parsed?.unit === name }, name)),
  );
  const when = h('span', { id: `${key}-delay-when`, className: 'delay-when' });
  // A stored delay the picker cannot show (a month, say) is kept as it is until someone changes it.
  const raw = h(
    'p',
    { id: `${key}-delay-raw`, className: 'field-hint', hidden: parsed !== null },
    parsed
      ? ''
      : `Saved as ${step.delay}, which this picker cannot show; it stays so unless you set a new delay.`,
  );
  const delayField = h(
    'fieldset',
    { className: 'field delay-field' },
    h('legend', { className: 'delay-legend' }, 'Send'),
    h(
      'div',
      { className: 'delay-inputs' },
      h('label', { htmlFor: ids.amount, className: 'visually-hidden amount-label' }),
      amount,
      h('label', { htmlFor: ids.unit, className: 'visually-hidden unit-label' }),
      unit,
      when,
    ),
    raw,
    error('delay'),
  );

  // Subject and bodies, per language: the default version's fields are the step's own.
  const languages = buildVersions(key, step, () => {
    markVersionErrors(languages.element);
    parts.preview.now();
  });
  const [{ subject, html, text }] = languages.versions;

  const moveUp = h(
    'button',
    { type: 'button', className: 'button button--secondary button--small', dataset: { action: 'up' } },
    'Move up',
  );
  const moveDown = h(
    'button',
    { type: 'button', className: 'button button--secondary button--small', dataset: { action: 'down' } },
    'Move down',
  );
  const remove = h(
    'button',
    {
      type: 'button',
      className: 'button button--danger-outline button--small',
      dataset: { action: 'remove' },
    },
    'Remove step',
  );
  const sendTest = h(
    'button',
    { type: 'button', className: 'button button--secondary button--small', dataset: { action: 'test' } },
    'Send test email',
  );
  const stepStatus = h('div', { className: 'result step-status', attrs: { role: 'status' } });

  const previewState = h('p', { className: 'preview-state' });
  const previewNews = h('p', { className: 'visually-hidden', attrs: { role: 'status' } });
  const previewSubject = h('strong', { className: 'preview-subject' });
  const previewFrame = h('iframe', {
    className: 'preview-frame',
    attrs: { sandbox: '', title: 'Email preview' },
  });
  const previewText = h('pre', { className: 'preview-text' });
  const previewHeading = h('h3', { id: `${key}-preview-heading`, className: 'preview-heading' }, 'Preview');
  const previewBox = h(
    'section',
    { className: 'step-preview preview--stale', attrs: { 'aria-labelledby': `${key}-preview-heading` } },
    previewHeading,
    previewState,
    previewNews,
    h(
      'p',
      { className: 'preview-subject-line' },
      h('span', { className: 'muted' }, 'Subject: '),
      previewSubject,
    ),
    previewFrame,
    h('h4', { className: 'preview-text-heading' }, 'Plain-text version'),
    previewText,
  );

  const legend = h(
    'legend',
    { className: 'step-legend' },
    h('span', { className: 'step-number' }),
    ' ',
    h('span', { className: 'step-id mono' }, step.id),
  );
  const li = h(
    'li',
    { className: 'step', dataset: { stepId: step.id } },
    h(
      'fieldset',
      { className: 'step-fieldset' },
      legend,
      h('p', { className: 'field-error', hidden: true, dataset: { field: '' } }),
      h(
        'div',
        { className: 'step-grid' },
        h(
          'div',
          { className: 'step-fields' },
          delayField,
          languages.element,
          h('div', { className: 'step-actions' }, moveUp, moveDown, remove, sendTest),
          stepStatus,
        ),
        previewBox,
      ),
    ),
  );

  const parts = {
    id: step.id,
    rawDelay: parsed ? null : step.delay,
    amount,
    unit,
    when,
    raw,
    subject,
    html,
    text,
    versions: languages.versions,
    selectedVersion: languages.selected,
    moveUp,
    moveDown,
    remove,
    sendTest,
    stepStatus,
    previewHeading,
    previewFrame,
    legend,
  };
  /** The error path of a field of the version on screen: "steps.1.html", "steps.1.locales.de.html". */
  const fieldPath = (field) => {
    const { locale } = languages.selected();
    return `${li.dataset.path}${locale ? `.locales.${locale}` : ''}.${field}`;
  };
  parts.preview = livePreview({
    read: () => {
      const version = languages.selected();
      return { subject: version.subject.value, html: version.html.value, text: version.text.value };
    },
    emptyText: () => {
      const { locale } = languages.selected();
      return locale
        ? `No version in ${LANGUAGE_NAMES[locale]}: shoppers whose language it is get the default. Type a subject and an HTML body to write one.`
        : 'Type a subject and an HTML body to see the preview.';
    },
    sample: samples.sample,
    showError: (field, message) => {
      if (field === 'sample') return samples.showSampleError(message);
      const shown = setFieldError(li, fieldPath(field), message) !== null;
      markVersionErrors(li);
      return shown;
    },
    clearErrors: () => {
      for (const field of ['subject', 'html', 'text']) clearError(li, fieldPath(field));
      markVersionErrors(li);
      samples.clearSampleError();
    },
    out: {
      state: previewState,
      subject: previewSubject,
      frame: previewFrame,
      text: previewText,
      box: previewBox,
      announce: (text) => {
        const n = [...(li.parentElement?.children ?? [])].indexOf(li) + 1;
        previewNews.textContent = `Step ${n}: ${text}`;
      },
    },
  });
  stepParts.set(li, parts);
  return li;
}

/** Hides the error shown for `path` inside `root`. */
export function clearError(root, path) {
  const error = root.querySelector(`[data-error-for="${path}"]`);
  if (error) {
    error.textContent = '';
    error.hidden = true;
  }
  root
    .querySelectorAll(`[data-path="${path}"]`)
    .forEach((control) => control.removeAttribute('aria-invalid'));
}

/** After adding, removing or moving steps: numbers, labels and error paths follow the new order. */
export function renumber(stepList) {
  const items = [...stepList.children];
  items.forEach((li, index) => {
    const parts = partsOf(li);
    const n = index + 1;
    const path = `steps.${index}`;
    li.dataset.path = path;
    parts.legend.querySelector('.step-number').textContent = `Step ${n}`;
    li.querySelector('.amount-label').textContent = `Delay of step ${n}`;
    li.querySelector('.unit-label').textContent = `Delay unit of step ${n}`;
    parts.when.textContent =
      index === 0 ? 'after signup (or consent confirmation)' : 'after the previous step';
    parts.previewHeading.textContent = `Preview of step ${n}`;
    parts.previewFrame.title = `HTML preview of step ${n}`;
    parts.moveUp.disabled = index === 0;
    parts.moveDown.disabled = index === items.length - 1;
    parts.remove.disabled = items.length === 1;
    for (const [button, label] of [
      [parts.moveUp, 'Move up'],
      [parts.moveDown, 'Move down'],
      [parts.remove, 'Remove step'],
      [parts.sendTest, 'Send test email'],
    ]) {
      button.replaceChildren(label, h('span', { className: 'visually-hidden' }, ` (step ${n})`));
    }
    li.querySelector('.step-fieldset > .field-error').dataset.errorFor = path;
    li.querySelector('.field-error[data-field="delay"]').dataset.errorFor = `${path}.delay`;
    parts.amount.dataset.path = `${path}.delay`;
    renumberVersions(parts.versions, path, n);
  });
}

/** "step-N" one above the highest in use: ids stay unique and never change once made. */
export function nextStepId(stepList) {
  const taken = new Set([...stepList.children].map((li) => partsOf(li).id));
  let n = 0;
  for (const id of taken) {
    const match = /^step-(\d+)$/.exec(id);
    if (match) n = Math.max(n, Number(match[1]));
  }
  let id = `step-${n + 1}`;
  while (taken.has(id)) id = `step-${++n + 1}`;
  return id;
}
