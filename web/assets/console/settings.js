/**
 * Site settings (GET/PUT /api/admin/settings): who may backorder across the shop, double opt-in, and the
 * sender every email carries. Validation problems from the API show next to the fields they name.
 */
import { ApiError, admin, describeFailure, SignedOut } from './admin.js';
import { clearFieldErrors, problemList, showFieldErrors, showResult } from './dom.js';

const view = document.getElementById('view-settings');
const headingElement = document.getElementById('settings-title');
const form = document.getElementById('settings-form');
const loadResult = document.getElementById('settings-load');
const result = document.getElementById('settings-result');
const saveButton = document.getElementById('settings-save');

const field = (name) => form.elements.namedItem(name);

export const element = () => view;
export const heading = () => headingElement;
export const title = () => 'Settings';

export async function show() {
  form.hidden = true;
  clearFieldErrors(form);
  showResult(result);
  showResult(loadResult, 'info', 'Loading settings…');
  try {
    const { body } = await admin('GET', '/api/admin/settings');
    fill(body);
    showResult(loadResult);
    form.hidden = false;
  } catch (error) {
    if (error instanceof SignedOut) throw error;
    showResult(loadResult, 'error', `The settings could not be loaded. ${describeFailure(error)}`);
  }
  return headingElement;
}

function fill(settings) {
  field('enabled').checked = settings?.backorders?.enabled === true;
  const segments = Array.isArray(settings?.backorders?.segments) ? settings.backorders.segments : [];
  form.querySelectorAll('input[name="segments"]').forEach((box) => {
    box.checked = segments.includes(box.value);
  });
  field('doubleOptIn').checked = settings?.doubleOptIn === true;
  field('from').value = settings?.sender?.from ?? '';
  field('replyTo').value = settings?.sender?.replyTo ?? '';
  field('postalAddress').value = settings?.sender?.postalAddress ?? '';
  field('publicBaseUrl').value = settings?.publicBaseUrl ?? '';
}

/** The request body: optional fields left out when empty, as the API expects. */
function settingsFromForm() {
  const sender = {
    from: field('from').value.trim(),
    postalAddress: field('postalAddress').value.trim(),
  };
  const replyTo = field('replyTo').value.trim();
  if (replyTo) sender.replyTo = replyTo;
  const settings = {
    backorders: {
      enabled: field('enabled').checked,
      segments: [...form.querySelectorAll('input[name="segments"]:checked')].map((box) => box.value),
    },
    doubleOptIn: field('doubleOptIn').checked,
    sender,
  };
  const publicBaseUrl = field('publicBaseUrl').value.trim();
  if (publicBaseUrl) settings.publicBaseUrl = publicBaseUrl;
  return settings;
}

function checkForm(settings) {
  const problems = [];
  if (!settings.sender.from)
    problems.push({ path: 'sender.from', message: 'Enter the address emails come from.' });
  if (!settings.sender.postalAddress)
    problems.push({ path: 'sender.postalAddress', message: 'Enter the postal address printed in emails.' });
  return problems;
}

function showProblems(problems, summary) {
  const { unplaced, first } = showFieldErrors(form, problems);
  showResult(
    result,
    'error',
    summary,
    unplaced.length ? problemList(unplaced) : 'The fields to correct are marked below their labels.',
  );
  (first ?? result).focus();
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFieldErrors(form);
  showResult(result);
  const settings = settingsFromForm();
  const problems = checkForm(settings);
  if (problems.length) {
    showProblems(problems, 'The settings were not saved.');
    return;
  }
  try {
    await whileSaving(async () => {
      const { body } = await admin('PUT', '/api/admin/settings', settings);
      fill(body ?? settings);
    });
    showResult(result, 'success', 'Settings saved.');
  } catch (error) {
    if (error instanceof SignedOut) return;
    if (error instanceof ApiError && error.code === 'VALIDATION' && error.details.length) {
      showProblems(error.details, 'The settings were not saved.');
    } else {
      showResult(result, 'error', `The settings were not saved. ${describeFailure(error)}`);
      result.focus();
    }
  }
});

async function whileSaving(work) {
  saveButton.disabled = true;
  saveButton.textContent = 'Saving…';
  try {
    await work();
  } finally {
    saveButton.disabled = false;
    saveButton.textContent = 'Save settings';
  }
}
