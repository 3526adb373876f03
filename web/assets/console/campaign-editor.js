// @ts-check
/**
 * The campaign editor: name, id, audience, the sample the previews use, and the ordered nurture steps
 * (their cards are campaign-steps.js): adding, moving and removing them, saving and deleting. Saving sends
 * the whole campaign (PUT /api/admin/campaigns/{id}); template errors come back with paths like
 * "steps.1.html" (or "steps.1.locales.de.html", a step's German version) and show next to that step's field. Reading the form is campaign-form.js, test emails
 * campaign-test-email.js, the variable buttons campaign-variables.js.
 */
import { ApiError, admin, describeFailure, segment, SignedOut } from './admin.js';
import {
  byId,
  checkedValues,
  clearFieldErrors,
  closestTo,
  confirmAction,
  h,
  setChecked,
  setFieldError,
  showResult,
} from './dom.js';
import { buildStep, clearError, nextStepId, partsOf, renumber } from './campaign-steps.js';
import { campaignId, readCampaign, showProblems, slugify } from './campaign-form.js';
import { readRecipient, rememberRecipient, sendTest } from './campaign-test-email.js';
import { wireVariables } from './campaign-variables.js';
import { isFilled, markVersionErrors } from './step-versions.js';
import { wireFormSave } from './form-save.js';
import { replaceHash } from './router.js';
import { fillSegmentChoices } from './choices.js';

const part = byId('campaign-editor-part');
const titleElement = byId('campaign-editor-title');
const form = byId('campaign-form', window.HTMLFormElement);
fillSegmentChoices(byId('campaign-segments-choices'), { short: true });
const nameInput = byId('campaign-name', window.HTMLInputElement);
const idInput = byId('campaign-id', window.HTMLInputElement);
const activeInput = byId('campaign-active', window.HTMLInputElement);
const skusInput = byId('campaign-skus', window.HTMLInputElement);
const skuOptions = byId('campaign-sku-options');
const sampleField = byId('sample-backorder-field');
const sampleInput = byId('sample-backorder-id', window.HTMLInputElement);
const recipientInput = byId('test-recipient', window.HTMLInputElement);
const stepList = byId('steps', window.HTMLOListElement);
const addStepButton = byId('add-step', window.HTMLButtonElement);
const deleteButton = byId('campaign-delete', window.HTMLButtonElement);
const result = byId('campaign-result');
const announcer = h('p', { className: 'visually-hidden', attrs: { role: 'status' } });
stepList.after(announcer);

/** The campaign as last loaded or saved; null while a new one is not saved yet. */
let saved = /** @type {any} */ (null);
/** The request body last saved (or loaded), to tell whether there are unsaved changes. */
let savedBody = '';
/** Once a person types an id, the name no longer suggests one. */
let idTyped = false;
/** The subject or body field last edited: where the variable buttons insert. */
let lastTemplateField = /** @type {HTMLInputElement|HTMLTextAreaElement|null} */ (null);
/** @type {(message: import('./section.js').Message) => void} */
let flash = () => {};

/**
 * campaigns.js says how to leave a message on the list.
 * @param {{flash: (message: import('./section.js').Message) => void}} options
 */
export function configure(options) {
  flash = options.flash;
}

export const editorHeading = () => titleElement;

/** The step cards, in order. */
const steps = () => /** @type {HTMLLIElement[]} */ ([...stepList.children]);

// ---- showing a campaign -------------------------------------------------------------------------------

/**
 * @param {any} campaign null for a new one
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
  setChecked(form, 'segments', campaign?.audience?.segments ?? []);
  deleteButton.hidden = campaign === null;

  const shown = campaign?.steps?.length
    ? campaign.steps
    : [{ id: 'step-1', delay: 'PT0S', subject: '', html: '', text: '' }];
  stepList.replaceChildren(...shown.map((/** @type {any} */ step) => buildStep(step, samples)));
  renumber(stepList);
  savedBody = JSON.stringify(readCampaign().body);
  for (const li of steps()) partsOf(li).preview.now();
  return titleElement;
}

export function hasUnsavedChanges() {
  if (
    part.hidden ||
    /** @type {HTMLElement|null} */ (part.closest('.view'))?.hidden ||
    !stepList.children.length
  )
    return false;
  return JSON.stringify(readCampaign().body) !== savedBody;
}

/** Forgets edits (after the person chose to leave), and stops pending previews. */
export function discardChanges() {
  for (const li of steps()) partsOf(li)?.preview.cancel();
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
  const button = /** @type {HTMLButtonElement|null} */ (closestTo(event, 'button[data-action]'));
  const li = /** @type {HTMLLIElement|null|undefined} */ (button?.closest('li.step'));
  if (!button || !li) return;
  const parts = partsOf(li);
  const action = button.dataset.action;
  const position = steps().indexOf(li) + 1;
  if (action === 'up' && li.previousElementSibling) {
    li.previousElementSibling.before(li);
    afterMove(li, button);
  } else if (action === 'down' && li.nextElementSibling) {
    li.nextElementSibling.after(li);
    afterMove(li, button);
  } else if (action === 'remove') {
    const hasContent = parts.versions.some(isFilled);
    if (
      hasContent &&
      !(await confirmAction({
        title: `Remove step ${position}?`,
        text: 'Its subjects and bodies, in every language, go with it. Nothing changes for shoppers until you save the campaign.',
        confirmLabel: 'Remove step',
      }))
    )
      return;
    const neighbour = li.nextElementSibling ?? li.previousElementSibling;
    parts.preview.cancel();
    li.remove();
    renumber(stepList);
    announce(`Step ${position} removed.`);
    if (neighbour) partsOf(neighbour).subject.focus();
    else addStepButton.focus();
  } else if (action === 'test') {
    await sendTest(form, li, button, { saved, position, unsaved: hasUnsavedChanges() });
  }
});

/**
 * @param {HTMLLIElement} li
 * @param {HTMLButtonElement} button
 */
function afterMove(li, button) {
  // Errors shown were about the old order; the next save or preview shows them again where they belong.
  clearFieldErrors(stepList);
  renumber(stepList);
  announce(`Step moved to position ${steps().indexOf(li) + 1}.`);
  const parts = partsOf(li);
  if (!button.disabled) button.focus();
  else (button === parts.moveUp ? parts.moveDown : parts.moveUp).focus();
  previewAll();
}

/** @param {string} text */
function announce(text) {
  announcer.textContent = text;
}

// ---- typing: previews and variables ---------------------------------------------------------------------

/** A change of a step's delay picker forgets the stored delay it could not show. */
const DELAY_PICKER = /\bdelay-(amount|unit)\b/;

form.addEventListener('input', (event) => {
  const target = /** @type {HTMLInputElement} */ (event.target);
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
  if (li && DELAY_PICKER.test(target.className)) forgetRawDelay(li);
});

form.addEventListener('change', (event) => {
  const target = /** @type {HTMLInputElement} */ (event.target);
  if (target.name === 'sample') {
    sampleField.hidden = currentSampleMode() !== 'backorder';
    if (!sampleField.hidden) sampleInput.focus();
    previewAll();
  }
  if (target === recipientInput) rememberRecipient(recipientInput.value.trim());
  const li = target.closest('li.step');
  if (li && target.classList.contains('delay-unit')) forgetRawDelay(li);
});

/** @param {Element} li */
function forgetRawDelay(li) {
  const parts = partsOf(li);
  parts.rawDelay = null;
  parts.raw.hidden = true;
}

form.addEventListener('focusin', (event) => {
  const target = event.target;
  if (
    (target instanceof window.HTMLInputElement || target instanceof window.HTMLTextAreaElement) &&
    target.dataset.template
  )
    lastTemplateField = target;
});

wireVariables(() =>
  lastTemplateField?.isConnected ? lastTemplateField : partsOf(stepList.firstElementChild)?.html,
);

function previewAll() {
  for (const li of steps()) partsOf(li).preview.schedule();
}

const currentSampleMode = () => checkedValues(form, 'sample')[0] ?? 'default';

/** What every step's preview fills its variables with, and where problems with it show. */
const samples = {
  sample() {
    const id = sampleInput.value.trim();
    return currentSampleMode() === 'backorder' && id ? { backorderId: id } : {};
  },
  /** @param {string} message */
  showSampleError(message) {
    if (sampleField.hidden) return false;
    return setFieldError(form, 'sample.backorderId', message) !== null;
  },
  clearSampleError() {
    clearError(form, 'sample.backorderId');
  },
};

// ---- reading and saving ---------------------------------------------------------------------------------

/** Whether a campaign has this id already: PUT creates or replaces, and a new one must not overwrite. */
async function taken(/** @type {string} */ id) {
  try {
    await admin('GET', `/api/admin/campaigns/${segment(id)}`);
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return false;
    throw error;
  }
}

wireFormSave({
  form,
  result,
  saveButton: byId('campaign-save', window.HTMLButtonElement),
  failure: 'The campaign was not saved.',
  read: () => {
    const { id, problems: idProblems } = campaignId(saved, idTyped);
    const { body, problems } = readCampaign();
    return { value: { id, body }, problems: [...idProblems, ...problems] };
  },
  save: async ({ id, body }) => {
    if (!saved && (await taken(id)))
      return {
        problems: [{ path: 'id', message: 'Another campaign already has this id. Choose a different one.' }],
      };
    return admin('PUT', `/api/admin/campaigns/${segment(id)}`, body);
  },
  show: showProblems,
  onSaved: ({ status, body: answer }, { id, body }) => {
    const created = !saved;
    saved = { ...body, ...(answer && typeof answer === 'object' ? answer : {}), id };
    savedBody = JSON.stringify(body);
    markVersionErrors(stepList); // saving cleared the errors; the tabs' marks go with them
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
  },
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
