/**
 * The campaign editor: name, id, audience, the sample the previews use, the Liquid variables, and the
 * ordered nurture steps (their cards are campaign-steps.js): adding, moving and removing them, saving, test
 * emails and deleting. Saving sends the whole campaign (PUT /api/admin/campaigns/{id}); template errors come
 * back with paths like "steps.1.html" and show next to that step's field.
 */
import { ApiError, admin, describeFailure, segment, SignedOut } from './admin.js';
import {
  clearFieldErrors,
  confirmAction,
  h,
  controlFor,
  pathOf,
  setFieldError,
  showFieldErrors,
  showResult,
  uniqueId,
} from './dom.js';
import { formatDuration } from './duration.js';
import { buildStep, clearError, nextStepId, partsOf, renumber } from './campaign-steps.js';
import { replaceHash } from './router.js';

export const LIQUID_VARIABLES = [
  ['shopper.name', "The shopper's name, when they gave one"],
  ['shopper.email', "The shopper's email address"],
  ['product.name', "The product's name"],
  ['product.sku', "The product's SKU"],
  ['product.expectedRestockDate', 'When the product is expected back'],
  ['backorder.quantity', 'How many units the shopper waits for'],
  ['backorder.position', 'Their place in the queue'],
  ['backorder.statusUrl', 'Link to their private status page'],
  ['unsubscribeUrl', 'One-click unsubscribe link'],
];

const CAMPAIGN_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TEST_RECIPIENT_KEY = 'backorders.console.testRecipient';
const FIELD_LABELS = { delay: 'delay', subject: 'subject', html: 'HTML body', text: 'text body', id: 'id' };

const part = document.getElementById('campaign-editor-part');
const titleElement = document.getElementById('campaign-editor-title');
const form = document.getElementById('campaign-form');
const nameInput = document.getElementById('campaign-name');
const idInput = document.getElementById('campaign-id');
const activeInput = document.getElementById('campaign-active');
const skusInput = document.getElementById('campaign-skus');
const skuOptions = document.getElementById('campaign-sku-options');
const sampleField = document.getElementById('sample-backorder-field');
const sampleInput = document.getElementById('sample-backorder-id');
const recipientInput = document.getElementById('test-recipient');
const variableList = document.getElementById('variable-list');
const stepList = document.getElementById('steps');
const addStepButton = document.getElementById('add-step');
const saveButton = document.getElementById('campaign-save');
const deleteButton = document.getElementById('campaign-delete');
const result = document.getElementById('campaign-result');
const announcer = h('p', { className: 'visually-hidden', attrs: { role: 'status' } });
stepList.after(announcer);

/** The campaign as last loaded or saved; null while a new one is not saved yet. */
let saved = null;
/** The request body last saved (or loaded), to tell whether there are unsaved changes. */
let savedBody = '';
/** Once a person types an id, the name no longer suggests one. */
let idTyped = false;
/** The subject or body field last edited: where the variable buttons insert. */
let lastTemplateField = null;
let flash = () => {};

/** campaigns.js says how to leave a message on the list. */
export function configure(options) {
  flash = options.flash;
}

export const editorHeading = () => titleElement;

// ---- showing a campaign -------------------------------------------------------------------------------

/**
 * @param {object|null} campaign null for a new one
 * @param {string[]} knownSkus for the audience suggestions
 */
export function showEditor(campaign, knownSkus = []) {
  discardChanges();
  saved = campaign;
  idTyped = campaign !== null;
  lastTemplateField = null;
  form.reset();
  clearFieldErrors(form);
  showResult(result);
  recipientInput.value = readRecipient();
  sampleField.hidden = true;
  skuOptions.replaceChildren(...knownSkus.map((sku) => h('option', { value: sku })));

  titleElement.textContent = campaign ? `Edit campaign: ${campaign.name}` : 'New campaign';
  nameInput.value = campaign?.name ?? '';
  idInput.value = campaign?.id ?? '';
  idInput.readOnly = campaign !== null;
  activeInput.checked = campaign?.active === true;
  skusInput.value = (campaign?.audience?.skus ?? []).join(', ');
  const segments = campaign?.audience?.segments ?? [];
  form.querySelectorAll('input[name="segments"]').forEach((box) => {
    box.checked = segments.includes(box.value);
  });
  deleteButton.hidden = campaign === null;

  const steps = campaign?.steps?.length
    ? campaign.steps
    : [{ id: 'step-1', delay: 'PT0S', subject: '', html: '', text: '' }];
  stepList.replaceChildren(...steps.map((step) => buildStep(step, samples)));
  renumber(stepList);
  savedBody = JSON.stringify(readCampaign().body);
  for (const li of stepList.children) partsOf(li).preview.now();
  return titleElement;
}

export function hasUnsavedChanges() {
  if (part.hidden || part.closest('.view').hidden || !stepList.children.length) return false;
  return JSON.stringify(readCampaign().body) !== savedBody;
}

/** Forgets edits (after the person chose to leave), and stops pending previews. */
export function discardChanges() {
  for (const li of stepList.children) partsOf(li)?.preview.cancel();
  stepList.replaceChildren();
  savedBody = '';
}

addStepButton.addEventListener('click', () => {
  const li = buildStep(
    { id: nextStepId(stepList), delay: stepList.children.length ? 'P1D' : 'PT0S', subject: '', html: '' },
    samples,
  );
  stepList.append(li);
  renumber(stepList);
  announce(`Step ${stepList.children.length} added.`);
  partsOf(li).preview.now();
  partsOf(li).amount.focus();
});

stepList.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const li = button.closest('li.step');
  const parts = partsOf(li);
  const action = button.dataset.action;
  if (action === 'up' && li.previousElementSibling) {
    li.previousElementSibling.before(li);
    afterMove(li, button);
  } else if (action === 'down' && li.nextElementSibling) {
    li.nextElementSibling.after(li);
    afterMove(li, button);
  } else if (action === 'remove') {
    const n = [...stepList.children].indexOf(li) + 1;
    const hasContent = parts.subject.value.trim() || parts.html.value.trim() || parts.text.value.trim();
    if (
      hasContent &&
      !(await confirmAction({
        title: `Remove step ${n}?`,
        text: 'Its subject and bodies go with it. Nothing changes for shoppers until you save the campaign.',
        confirmLabel: 'Remove step',
      }))
    )
      return;
    const neighbour = li.nextElementSibling ?? li.previousElementSibling;
    parts.preview.cancel();
    li.remove();
    renumber(stepList);
    announce(`Step ${n} removed.`);
    if (neighbour) partsOf(neighbour).subject.focus();
    else addStepButton.focus();
  } else if (action === 'test') {
    await sendTest(li, button);
  }
});

function afterMove(li, button) {
  // Errors shown were about the old order; the next save or preview shows them again where they belong.
  clearFieldErrors(stepList);
  renumber(stepList);
  const n = [...stepList.children].indexOf(li) + 1;
  announce(`Step moved to position ${n}.`);
  const parts = partsOf(li);
  if (!button.disabled) button.focus();
  else (button === parts.moveUp ? parts.moveDown : parts.moveUp).focus();
  for (const item of stepList.children) partsOf(item).preview.schedule();
}

function announce(text) {
  announcer.textContent = text;
}

// ---- typing: previews and variables ---------------------------------------------------------------------

form.addEventListener('input', (event) => {
  const target = event.target;
  if (target === nameInput && !idTyped && !idInput.readOnly) idInput.value = slugify(nameInput.value);
  if (target === idInput) idTyped = idInput.value.trim() !== '';
  if (target === sampleInput) {
    // Backorder ids are upper-case; people often paste or type them otherwise.
    const { selectionStart, selectionEnd } = sampleInput;
    sampleInput.value = sampleInput.value.toUpperCase();
    sampleInput.setSelectionRange(selectionStart, selectionEnd);
    previewAll();
  }
  const li = target.closest('li.step');
  if (li && target.dataset.template) partsOf(li).preview.schedule();
  if (li && (target.classList.contains('delay-amount') || target.classList.contains('delay-unit'))) {
    const parts = partsOf(li);
    parts.rawDelay = null;
    parts.raw.hidden = true;
  }
});

form.addEventListener('change', (event) => {
  if (event.target.name === 'sample') {
    sampleField.hidden = currentSampleMode() !== 'backorder';
    if (!sampleField.hidden) sampleInput.focus();
    previewAll();
  }
  if (event.target === recipientInput) rememberRecipient(recipientInput.value.trim());
  const li = event.target.closest('li.step');
  if (li && event.target.classList.contains('delay-unit')) {
    const parts = partsOf(li);
    parts.rawDelay = null;
    parts.raw.hidden = true;
  }
});

form.addEventListener('focusin', (event) => {
  if (event.target.dataset?.template) lastTemplateField = event.target;
});

function previewAll() {
  for (const li of stepList.children) partsOf(li).preview.schedule();
}

function currentSampleMode() {
  return form.querySelector('input[name="sample"]:checked')?.value ?? 'default';
}

/** What every step's preview fills its variables with, and where problems with it show. */
const samples = {
  sample() {
    const id = sampleInput.value.trim();
    return currentSampleMode() === 'backorder' && id ? { backorderId: id } : {};
  },
  showSampleError(message) {
    if (sampleField.hidden) return false;
    return setFieldError(form, 'sample.backorderId', message) !== null;
  },
  clearSampleError() {
    clearError(form, 'sample.backorderId');
  },
};

variableList.replaceChildren(
  ...LIQUID_VARIABLES.map(([name, description]) => {
    const descriptionId = uniqueId('variable');
    return h(
      'li',
      {},
      h(
        'button',
        {
          type: 'button',
          className: 'chip',
          dataset: { variable: name },
          attrs: { 'aria-describedby': descriptionId },
        },
        `{{ ${name} }}`,
      ),
      h('span', { id: descriptionId, className: 'variable-description' }, description),
    );
  }),
);

variableList.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-variable]');
  if (!button) return;
  let field = lastTemplateField;
  if (!field || !field.isConnected) field = partsOf(stepList.firstElementChild)?.html;
  if (!field) return;
  const insert = `{{ ${button.dataset.variable} }}`;
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? start;
  field.setRangeText(insert, start, end, 'end');
  field.dispatchEvent(new window.Event('input', { bubbles: true }));
  field.focus();
});

/** "Spring Sale – 2026!" → "spring-sale-2026". */
export function slugify(text) {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

// ---- reading and saving ---------------------------------------------------------------------------------

/** The campaign as the API takes it, and the problems the form can tell without asking the API. */
function readCampaign() {
  const problems = [];
  const body = { name: nameInput.value.trim(), active: activeInput.checked };
  if (!body.name) problems.push({ path: 'name', message: 'Give the campaign a name.' });

  const skus = skusInput.value
    .split(/[\s,;]+/)
    .map((sku) => sku.trim())
    .filter(Boolean);
  const badSku = skus.find((sku) => !SKU.test(sku));
  if (badSku) problems.push({ path: 'audience.skus', message: `${badSku} is not a valid SKU.` });
  const segments = [...form.querySelectorAll('input[name="segments"]:checked')].map((box) => box.value);
  if (skus.length || segments.length) {
    body.audience = {};
    if (skus.length) body.audience.skus = [...new Set(skus)];
    if (segments.length) body.audience.segments = segments;
  }

  body.steps = [...stepList.children].map((li, index) => {
    const parts = partsOf(li);
    const path = `steps.${index}`;
    let delay = parts.rawDelay;
    if (delay === null) {
      const amount = Number(parts.amount.value);
      if (parts.amount.value.trim() === '' || !Number.isSafeInteger(amount) || amount < 0) {
        problems.push({ path: `${path}.delay`, message: 'Enter a whole number of 0 or more.' });
        delay = parts.amount.value;
      } else delay = formatDuration(amount, parts.unit.value);
    }
    const step = { id: parts.id, delay, subject: parts.subject.value, html: parts.html.value };
    if (parts.text.value.trim()) step.text = parts.text.value;
    if (!step.subject.trim()) problems.push({ path: `${path}.subject`, message: 'Enter a subject.' });
    if (!step.html.trim()) problems.push({ path: `${path}.html`, message: 'Enter the HTML body.' });
    return step;
  });
  if (body.steps.length === 0) problems.push({ path: 'steps', message: 'Add at least one step.' });
  return { body, problems };
}

function campaignId() {
  if (saved) return { id: saved.id, problems: [] };
  let id = idInput.value.trim();
  if (!id && !idTyped) {
    id = slugify(nameInput.value) || `campaign-${Date.now().toString(36)}`;
    idInput.value = id;
  }
  if (!CAMPAIGN_ID.test(id))
    return {
      id,
      problems: [
        { path: 'id', message: 'Use lower-case letters, digits and single dashes, up to 64 characters.' },
      ],
    };
  return { id, problems: [] };
}

/** "steps.1.html" → "Step 2, HTML body". */
function describePath(path) {
  const step = /^steps\.(\d+)(?:\.(\w+))?/.exec(path);
  if (step) {
    const field = step[2] ? (FIELD_LABELS[step[2]] ?? step[2]) : '';
    return `Step ${Number(step[1]) + 1}${field ? `, ${field}` : ''}`;
  }
  const labels = { name: 'Name', id: 'Campaign id', active: 'Active', audience: 'Audience', steps: 'Steps' };
  const top = path.split('.')[0];
  if (top === 'audience') return path.includes('skus') ? 'Audience products' : 'Audience customers';
  return labels[top] ?? path;
}

/** Errors next to their fields, and a summary whose entries each jump to their field (the form is long). */
function showProblems(problems, summary) {
  const { first } = showFieldErrors(form, problems);
  const items = problems.map((problem) => {
    const path = pathOf(problem);
    const control = path ? controlFor(form, path) : null;
    const label = describePath(path);
    return h(
      'li',
      {},
      control
        ? h(
            'button',
            { type: 'button', className: 'link-button', on: { click: () => control.focus() } },
            label,
          )
        : label,
      `: ${problem.message}`,
    );
  });
  showResult(result, 'error', summary, h('ul', { className: 'problem-list' }, items));
  (first ?? result).focus();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFieldErrors(form);
  showResult(result);
  const { id, problems: idProblems } = campaignId();
  const { body, problems } = readCampaign();
  const all = [...idProblems, ...problems];
  if (all.length) {
    showProblems(all, 'The campaign was not saved. Correct each field (choose one to go to it):');
    return;
  }
  saveButton.disabled = true;
  saveButton.textContent = 'Saving…';
  try {
    if (!saved) {
      // PUT creates or replaces: make sure a new campaign does not silently overwrite another one.
      const exists = await admin('GET', `/api/admin/campaigns/${segment(id)}`).then(
        () => true,
        (error) => {
          if (error instanceof ApiError && error.status === 404) return false;
          throw error;
        },
      );
      if (exists) {
        showProblems(
          [{ path: 'id', message: 'Another campaign already has this id. Choose a different one.' }],
          'The campaign was not saved.',
        );
        return;
      }
    }
    const { status, body: answer } = await admin('PUT', `/api/admin/campaigns/${segment(id)}`, body);
    const created = !saved;
    saved = { ...body, ...(answer && typeof answer === 'object' ? answer : {}), id };
    savedBody = JSON.stringify(body);
    idInput.readOnly = true;
    idTyped = true;
    deleteButton.hidden = false;
    titleElement.textContent = `Edit campaign: ${saved.name}`;
    if (created) replaceHash(`#/campaigns/${segment(id)}`);
    showResult(
      result,
      'success',
      `${created || status === 201 ? 'Campaign created' : 'Campaign saved'}. It is ${saved.active ? 'active: matching waiting shoppers get its emails' : 'inactive: nobody gets its emails until you activate it'}.`,
    );
  } catch (error) {
    if (error instanceof SignedOut) return;
    if (error instanceof ApiError && error.code === 'VALIDATION' && error.details.length) {
      showProblems(error.details, 'The campaign was not saved. Correct each field (choose one to go to it):');
    } else {
      showResult(result, 'error', `The campaign was not saved. ${describeFailure(error)}`);
      result.focus();
    }
  } finally {
    saveButton.disabled = false;
    saveButton.textContent = 'Save campaign';
  }
});

deleteButton.addEventListener('click', async () => {
  if (!saved) return;
  const confirmed = await confirmAction({
    title: `Delete campaign “${saved.name}”?`,
    text: 'Its steps are deleted and no more of its emails are sent. This cannot be undone.',
    confirmLabel: 'Delete campaign',
  });
  if (!confirmed) return;
  try {
    await admin('DELETE', `/api/admin/campaigns/${segment(saved.id)}`);
    flash({ kind: 'success', text: `Campaign “${saved.name}” deleted.` });
    discardChanges();
    location.hash = '#/campaigns';
  } catch (error) {
    if (error instanceof SignedOut) return;
    showResult(result, 'error', `The campaign was not deleted. ${describeFailure(error)}`);
    result.focus();
  }
});

// ---- test emails ----------------------------------------------------------------------------------------

async function sendTest(li, button) {
  const parts = partsOf(li);
  const n = [...stepList.children].indexOf(li) + 1;
  showResult(parts.stepStatus);
  clearError(form, 'to');
  if (!saved || !(saved.steps ?? []).some((step) => step.id === parts.id)) {
    showResult(parts.stepStatus, 'error', 'Save the campaign first: test emails use the saved version.');
    return;
  }
  const to = recipientInput.value.trim();
  if (!to || !recipientInput.validity.valid) {
    setFieldError(form, 'to', to ? 'Enter a valid email address.' : 'Enter the address to send tests to.');
    showResult(parts.stepStatus, 'error', 'Enter a test recipient above first.');
    recipientInput.focus();
    return;
  }
  rememberRecipient(to);
  button.disabled = true;
  try {
    await admin('POST', `/api/admin/campaigns/${segment(saved.id)}/test`, { stepId: parts.id, to });
    showResult(
      parts.stepStatus,
      'success',
      `Test email of step ${n} sent to ${to}.${hasUnsavedChanges() ? ' It is the saved version: your unsaved changes are not in it.' : ''}`,
    );
  } catch (error) {
    if (error instanceof SignedOut) return;
    if (
      error instanceof ApiError &&
      error.code === 'VALIDATION' &&
      error.details.some((d) => pathOf(d) === 'to')
    ) {
      setFieldError(form, 'to', error.details.find((d) => pathOf(d) === 'to').message);
      showResult(parts.stepStatus, 'error', 'The test email was not sent: check the recipient.');
    } else if (
      error instanceof ApiError &&
      error.code === 'VALIDATION' &&
      error.details.some((d) => pathOf(d).startsWith('steps.'))
    ) {
      // The saved step's templates cannot be rendered (a tag that reads files, a render limit): each problem
      // next to its field, as when saving.
      const problems = error.details.filter((d) => pathOf(d).startsWith('steps.'));
      showFieldErrors(form, problems);
      showResult(
        parts.stepStatus,
        'error',
        `The test email was not sent. ${problems.map((d) => `${describePath(pathOf(d))}: ${d.message}`).join('; ')}`,
      );
    } else {
      showResult(parts.stepStatus, 'error', `The test email was not sent. ${describeFailure(error)}`);
    }
  } finally {
    button.disabled = false;
  }
}

function readRecipient() {
  try {
    return window.localStorage.getItem(TEST_RECIPIENT_KEY) ?? '';
  } catch {
    return '';
  }
}

function rememberRecipient(to) {
  try {
    if (to) window.localStorage.setItem(TEST_RECIPIENT_KEY, to);
  } catch {
    // Storage switched off: the field simply starts empty next time.
  }
}
