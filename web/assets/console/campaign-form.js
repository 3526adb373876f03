// @ts-check
/**
 * The campaign form read into the API's shape (PUT /api/admin/campaigns/{id}), with the problems the form
 * can tell without asking the API, and those problems shown: next to their fields, and in a summary whose
 * entries each jump to their field (the form is long).
 */
import { byId, checkedValues, controlFor, h, pathOf, showFieldErrors, showResult } from './dom.js';
import { formatDuration } from './duration.js';
import { partsOf } from './campaign-steps.js';
import { describePath } from './campaign-test-email.js';
import { LANGUAGE_NAMES, isFilled, markVersionErrors, revealControl } from './step-versions.js';

const CAMPAIGN_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const form = byId('campaign-form', window.HTMLFormElement);
const nameInput = byId('campaign-name', window.HTMLInputElement);
const idInput = byId('campaign-id', window.HTMLInputElement);
const activeInput = byId('campaign-active', window.HTMLInputElement);
const skusInput = byId('campaign-skus', window.HTMLInputElement);
const stepList = byId('steps', window.HTMLOListElement);
const result = byId('campaign-result');

/**
 * "Spring Sale – 2026!" → "spring-sale-2026".
 * @param {string} text
 */
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

/** The campaign as the API takes it, and the problems the form can tell without asking the API. */
export function readCampaign() {
  const problems = [];
  /** @type {Record<string, any>} */
  const body = { name: nameInput.value.trim(), active: activeInput.checked };
  if (!body.name) problems.push({ path: 'name', message: 'Give the campaign a name.' });

  const skus = skusInput.value
    .split(/[\s,;]+/)
    .map((sku) => sku.trim())
    .filter(Boolean);
  const badSku = skus.find((sku) => !SKU.test(sku));
  if (badSku) problems.push({ path: 'audience.skus', message: `${badSku} is not a valid SKU.` });
  const segments = checkedValues(form, 'segments');
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
    /** @type {Record<string, any>} */
    const step = { id: parts.id, delay, subject: parts.subject.value, html: parts.html.value };
    if (parts.text.value.trim()) step.text = parts.text.value;
    if (!step.subject.trim()) problems.push({ path: `${path}.subject`, message: 'Enter a subject.' });
    if (!step.html.trim()) problems.push({ path: `${path}.html`, message: 'Enter the HTML body.' });
    const locales = readLocales(parts.versions, path, problems);
    return locales ? { ...step, locales } : step;
  });
  if (body.steps.length === 0) problems.push({ path: 'steps', message: 'Add at least one step.' });
  return { body, problems };
}

/**
 * A step's versions in other languages, the filled ones only (an empty tab is no version); undefined when
 * there are none.
 * @param {import('./step-versions.js').Version[]} versions
 * @param {string} path e.g. "steps.1"
 * @param {Array<{path: string, message: string}>} problems
 */
function readLocales(versions, path, problems) {
  /** @type {Record<string, {subject: string, html: string, text?: string}>} */
  const locales = {};
  for (const version of versions.filter((each) => each.locale && isFilled(each))) {
    const at = `${path}.locales.${version.locale}`;
    const language = LANGUAGE_NAMES[version.locale];
    /** @type {{subject: string, html: string, text?: string}} */
    const content = { subject: version.subject.value, html: version.html.value };
    if (version.text.value.trim()) content.text = version.text.value;
    if (!content.subject.trim())
      problems.push({ path: `${at}.subject`, message: `Enter the ${language} subject, or empty this tab.` });
    if (!content.html.trim())
      problems.push({ path: `${at}.html`, message: `Enter the ${language} HTML body, or empty this tab.` });
    locales[version.locale] = content;
  }
  return Object.keys(locales).length ? locales : undefined;
}

/**
 * The campaign's id: the saved one's, or the one typed (or suggested by the name) for a new one.
 * @param {any} saved the campaign as saved, or null
 * @param {boolean} idTyped whether the person typed an id
 */
export function campaignId(saved, idTyped) {
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

/**
 * Errors next to their fields, and a summary whose entries each jump to their field (the form is long).
 * @param {string} summary
 * @param {import('./dom.js').Problem[]} problems
 */
export function showProblems(summary, problems) {
  const { first } = showFieldErrors(form, problems);
  // An error in a language not on screen: its tab is marked, and shown when the step's own tab has none.
  markVersionErrors(form, { reveal: true });
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
            {
              type: 'button',
              className: 'link-button',
              on: {
                click: () => {
                  revealControl(control);
                  control.focus();
                },
              },
            },
            label,
          )
        : label,
      `: ${problem.message}`,
    );
  });
  showResult(
    result,
    'error',
    `${summary} Correct each field (choose one to go to it):`,
    h('ul', { className: 'problem-list' }, items),
  );
  if (first) revealControl(first);
  (first ?? result).focus();
}
