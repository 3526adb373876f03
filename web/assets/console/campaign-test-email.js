// @ts-check
/**
 * Test emails of the campaign editor (POST /api/admin/campaigns/{id}/test): one step of the saved campaign
 * sent to the marketer's own address, remembered in this browser; and how a problem's path reads to a
 * person ("steps.1.html" → "Step 2, HTML body"), which the editor's error summary uses too.
 */
import { ApiError, admin, describeFailure, segment, SignedOut } from './admin.js';
import { byId, pathOf, setFieldError, showFieldErrors, showResult } from './dom.js';
import { clearError, partsOf } from './campaign-steps.js';
import { LANGUAGE_NAMES, markVersionErrors } from './step-versions.js';

const TEST_RECIPIENT_KEY = 'backorders.console.testRecipient';
/** @type {Record<string, string>} */
const FIELD_LABELS = { delay: 'delay', subject: 'subject', html: 'HTML body', text: 'text body', id: 'id' };
/** @type {Record<string, string>} */
const TOP_LABELS = {
  name: 'Name',
  id: 'Campaign id',
  active: 'Active',
  audience: 'Audience',
  steps: 'Steps',
};

const recipientInput = byId('test-recipient', window.HTMLInputElement);

/**
 * "steps.1.html" → "Step 2, HTML body"; "steps.1.locales.de.html" → "Step 2, Deutsch, HTML body".
 * @param {string} path
 */
export function describePath(path) {
  const step = /^steps\.(\d+)(?:\.locales\.(\w+))?(?:\.(\w+))?/.exec(path);
  if (step) {
    const language = step[2] ? (LANGUAGE_NAMES[step[2]] ?? step[2]) : '';
    const field = step[3] ? (FIELD_LABELS[step[3]] ?? step[3]) : '';
    return [`Step ${Number(step[1]) + 1}`, language, field].filter(Boolean).join(', ');
  }
  const top = path.split('.')[0];
  if (top === 'audience') return path.includes('skus') ? 'Audience products' : 'Audience customers';
  return TOP_LABELS[top] ?? path;
}

/**
 * Sends a test email of one step, as the campaign is saved, in the language of the tab on screen; says how it went in the step's own status.
 * @param {HTMLFormElement} form
 * @param {HTMLLIElement} li the step
 * @param {HTMLButtonElement} button
 * @param {{saved: any, position: number, unsaved: boolean}} campaign the saved campaign, the step's
 *   position on screen, and whether the form has changes not saved yet
 */
export async function sendTest(form, li, button, { saved, position, unsaved }) {
  const parts = partsOf(li);
  showResult(parts.stepStatus);
  clearError(form, 'to');
  // The version on screen: the default, or the language of the tab chosen.
  const { locale } = parts.selectedVersion();
  const savedStep = (saved?.steps ?? []).find((/** @type {any} */ step) => step.id === parts.id);
  if (!savedStep || (locale && !savedStep.locales?.[locale])) {
    showResult(
      parts.stepStatus,
      'error',
      savedStep
        ? `Save the campaign first: this step has no saved ${LANGUAGE_NAMES[locale]} version yet.`
        : 'Save the campaign first: test emails use the saved version.',
    );
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
    await admin('POST', `/api/admin/campaigns/${segment(saved.id)}/test`, {
      stepId: parts.id,
      to,
      ...(locale ? { locale } : {}),
    });
    showResult(
      parts.stepStatus,
      'success',
      `Test email of step ${position}${locale ? ` (${LANGUAGE_NAMES[locale]})` : ''} sent to ${to}.${unsaved ? ' It is the saved version: your unsaved changes are not in it.' : ''}`,
    );
  } catch (error) {
    if (error instanceof SignedOut) return;
    const details = error instanceof ApiError && error.code === 'VALIDATION' ? error.details : [];
    const recipient = details.find((detail) => pathOf(detail) === 'to');
    // The saved step's templates cannot be rendered (a tag that reads files, a render limit): each problem
    // next to its field, as when saving.
    const templates = details.filter((detail) => pathOf(detail).startsWith('steps.'));
    if (recipient) {
      setFieldError(form, 'to', recipient.message ?? 'Check this address.');
      showResult(parts.stepStatus, 'error', 'The test email was not sent: check the recipient.');
    } else if (templates.length) {
      showFieldErrors(form, templates);
      markVersionErrors(form, { reveal: true });
      showResult(
        parts.stepStatus,
        'error',
        `The test email was not sent. ${templates.map((d) => `${describePath(pathOf(d))}: ${d.message}`).join('; ')}`,
      );
    } else {
      showResult(parts.stepStatus, 'error', `The test email was not sent. ${describeFailure(error)}`);
    }
  } finally {
    button.disabled = false;
  }
}

/** The address tests went to last time in this browser. */
export function readRecipient() {
  try {
    return window.localStorage.getItem(TEST_RECIPIENT_KEY) ?? '';
  } catch {
    return '';
  }
}

/** @param {string} to */
export function rememberRecipient(to) {
  try {
    if (to) window.localStorage.setItem(TEST_RECIPIENT_KEY, to);
  } catch {
    // Storage switched off: the field simply starts empty next time.
  }
}
