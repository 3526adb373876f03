// @ts-check
/**
 * Site settings (GET/PUT /api/admin/settings): who may backorder across the shop, double opt-in, how far a
 * product's expected date may slip before its update email asks shoppers to keep their place or cancel, the
 * sender every email carries, and the checkout allocated shoppers are sent to (checkout-fields.js).
 * Validation problems from the API show next to the fields they name.
 */
import { admin, describeFailure, SignedOut } from './admin.js';
import { byId, checkedValues, clearFieldErrors, control, setChecked, showResult } from './dom.js';
import { wireFormSave } from './form-save.js';
import { fillSegmentChoices } from './choices.js';
import { placeCheckoutFields } from './checkout-fields.js';

const view = byId('view-settings');
const headingElement = byId('settings-title');
const form = byId('settings-form', window.HTMLFormElement);
fillSegmentChoices(byId('settings-segments-choices'));
const loadResult = byId('settings-load');
const result = byId('settings-result');

/** @param {string} name */
const field = (name) => control(form, name);
const allowedOrigins = control(form, 'allowedOrigins', window.HTMLTextAreaElement);
const checkoutFields = placeCheckoutFields('settings', form);
/** A shop that never chose asks after 14 days of slip (the platform's default). */
const DEFAULT_ASK_AFTER_DAYS = 14;
const MAX_ASK_AFTER_DAYS = 365;

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

/** @param {any} settings */
function fill(settings) {
  field('enabled').checked = settings?.backorders?.enabled === true;
  setChecked(
    form,
    'segments',
    Array.isArray(settings?.backorders?.segments) ? settings.backorders.segments : [],
  );
  field('doubleOptIn').checked = settings?.doubleOptIn === true;
  const askAfterDays = settings?.etaSlip?.askAfterDays;
  field('etaAskAfterDays').value = String(
    Number.isInteger(askAfterDays) ? askAfterDays : DEFAULT_ASK_AFTER_DAYS,
  );
  field('from').value = settings?.sender?.from ?? '';
  field('replyTo').value = settings?.sender?.replyTo ?? '';
  field('postalAddress').value = settings?.sender?.postalAddress ?? '';
  field('publicBaseUrl').value = settings?.publicBaseUrl ?? '';
  const origins = settings?.embed?.allowedOrigins;
  allowedOrigins.value = Array.isArray(origins) ? origins.join('\n') : '';
  checkoutFields.fill(settings?.checkout);
}

/**
 * The origins typed one a line, each cut to its origin when it reads as an http(s) address (a pasted page
 * address is what a marketer has at hand); anything else goes as typed, for the API to say what is wrong.
 */
function originsFromForm() {
  return allowedOrigins.value
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      try {
        const url = new URL(line);
        return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : line;
      } catch {
        return line;
      }
    });
}

/** The request body (optional fields left out when empty, as the API expects), and what is missing. */
function settingsFromForm() {
  /** @type {{from: string, postalAddress: string, replyTo?: string}} */
  const sender = {
    from: field('from').value.trim(),
    postalAddress: field('postalAddress').value.trim(),
  };
  const replyTo = field('replyTo').value.trim();
  if (replyTo) sender.replyTo = replyTo;
  const askAfterText = field('etaAskAfterDays').value.trim();
  const askAfterDays = askAfterText === '' ? NaN : Number(askAfterText);
  /** @type {Record<string, unknown>} */
  const settings = {
    backorders: { enabled: field('enabled').checked, segments: checkedValues(form, 'segments') },
    doubleOptIn: field('doubleOptIn').checked,
    etaSlip: { askAfterDays },
    sender,
    embed: { allowedOrigins: [...new Set(originsFromForm())] },
  };
  const publicBaseUrl = field('publicBaseUrl').value.trim();
  if (publicBaseUrl) settings.publicBaseUrl = publicBaseUrl;
  // Left out when both fields are empty: no checkout, as for a shop that never set one.
  const checkout = checkoutFields.read();
  if (checkout.value) settings.checkout = checkout.value;

  const problems = [];
  if (!sender.from) problems.push({ path: 'sender.from', message: 'Enter the address emails come from.' });
  if (!sender.postalAddress)
    problems.push({ path: 'sender.postalAddress', message: 'Enter the postal address printed in emails.' });
  if (
    !Number.isInteger(askAfterDays) ||
    askAfterDays < 1 ||
    askAfterDays > MAX_ASK_AFTER_DAYS ||
    field('etaAskAfterDays').validity.badInput
  )
    problems.push({
      path: 'etaSlip.askAfterDays',
      message: `Enter a whole number of days from 1 to ${MAX_ASK_AFTER_DAYS}.`,
    });
  problems.push(...checkout.problems);
  return { value: settings, problems };
}

wireFormSave({
  form,
  result,
  saveButton: byId('settings-save', window.HTMLButtonElement),
  failure: 'The settings were not saved.',
  read: settingsFromForm,
  save: async (settings) => (await admin('PUT', '/api/admin/settings', settings)).body,
  onSaved: (answer, settings) => {
    fill(answer ?? settings);
    showResult(result, 'success', 'Settings saved.');
  },
});
