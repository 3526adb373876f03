// @ts-check
/**
 * A nurture step's versions per language: a tab list ("Default", "Deutsch", "Français", "Español",
 * "English"), each tab with its own subject, HTML and text fields. Shoppers whose language has a version get
 * it, everyone else the default (docs/nurture.md); a language tab left empty is no version at all.
 *
 * The tabs follow the ARIA tabs pattern: one tab in the page's tab order, arrow keys, Home and End move
 * between them and show their panel at once. A tab whose fields have an error is marked, so a marketer
 * finds an error in a version not on screen.
 */
import { h } from './dom.js';

/** The step's languages, in tab order, as the API names them and as a marketer reads them. */
export const VERSIONS = /** @type {const} */ ([
  ['', 'Default'],
  ['de', 'Deutsch'],
  ['fr', 'Français'],
  ['es', 'Español'],
  ['en', 'English'],
]);
/** @type {Record<string, string>} */
export const LANGUAGE_NAMES = Object.fromEntries(VERSIONS.filter(([code]) => code));
const FIELDS = ['subject', 'html', 'text'];

/**
 * @typedef {object} Version
 * @property {string} locale '' for the default
 * @property {HTMLButtonElement} tab
 * @property {HTMLElement} panel
 * @property {HTMLInputElement} subject
 * @property {HTMLTextAreaElement} html
 * @property {HTMLTextAreaElement} text
 */

/** Per tab list element: its versions and which is shown. */
const tabLists = new WeakMap();

/**
 * The tabs and panels of one step.
 * @param {string} key the step's unique id prefix
 * @param {{subject?:string, html?:string, text?:string, locales?:Record<string, {subject?:string, html?:string, text?:string}>}} step
 * @param {(version: Version) => void} onSelect after a tab is chosen
 */
export function buildVersions(key, step, onSelect) {
  /** @type {Version[]} */
  const versions = VERSIONS.map(([locale, label]) => {
    const id = `${key}-${locale || 'default'}`;
    const content = locale ? (step.locales?.[locale] ?? {}) : step;
    const errorId = (name) => `${id}-${name}-error`;
    const error = (name) =>
      h('p', { id: errorId(name), className: 'field-error', hidden: true, dataset: { field: name } });
    const subject = h('input', {
      id: `${id}-subject`,
      type: 'text',
      maxLength: 300,
      className: 'template-field',
      value: content.subject ?? '',
      dataset: { template: 'subject' },
      attrs: { 'aria-describedby': errorId('subject') },
    });
    const html = h('textarea', {
      id: `${id}-html`,
      rows: 10,
      spellcheck: false,
      className: 'template-field code',
      value: content.html ?? '',
      dataset: { template: 'html' },
      attrs: { 'aria-describedby': errorId('html') },
    });
    const text = h('textarea', {
      id: `${id}-text`,
      rows: 5,
      className: 'template-field code',
      value: content.text ?? '',
      dataset: { template: 'text' },
      attrs: { 'aria-describedby': `${id}-text-hint ${errorId('text')}` },
    });
    const fieldBox = (control, label, ...rest) =>
      h('div', { className: 'field' }, h('label', { htmlFor: control.id }, ...label), control, ...rest);
    const tab = h(
      'button',
      {
        type: 'button',
        id: `${id}-tab`,
        className: 'version-tab',
        tabIndex: locale ? -1 : 0,
        dataset: { locale },
        attrs: { role: 'tab', 'aria-selected': locale ? 'false' : 'true', 'aria-controls': `${id}-panel` },
      },
      label,
      // Filled only while the tab has errors, so its name is the language's alone otherwise.
      h('span', { className: 'version-tab__mark', attrs: { 'aria-hidden': 'true' } }),
      h('span', { className: 'version-tab__error visually-hidden' }),
    );
    const panel = h(
      'div',
      {
        id: `${id}-panel`,
        className: 'version-panel',
        hidden: locale !== '',
        attrs: { role: 'tabpanel', 'aria-labelledby': tab.id },
      },
      locale
        ? h(
            'p',
            { className: 'field-hint' },
            'Shoppers whose language this is get this version. Leave it empty to send them the default.',
          )
        : null,
      fieldBox(subject, ['Subject'], error('subject')),
      fieldBox(html, ['HTML body'], error('html')),
      fieldBox(
        text,
        ['Text body ', h('span', { className: 'optional' }, '(optional)')],
        h('p', { id: `${id}-text-hint`, className: 'field-hint' }, 'Empty: made from the HTML body.'),
        error('text'),
      ),
    );
    return { locale, tab, panel, subject, html, text };
  });

  const tabList = h(
    'div',
    { className: 'version-tabs', attrs: { role: 'tablist' } },
    versions.map((version) => version.tab),
  );
  const state = { versions, selected: versions[0], onSelect };
  tabLists.set(tabList, state);

  tabList.addEventListener('click', (event) => {
    const tab = /** @type {Element} */ (event.target).closest('[role="tab"]');
    const version = versions.find((each) => each.tab === tab);
    if (version) select(tabList, version.locale);
  });
  tabList.addEventListener('keydown', (event) => {
    const index = versions.indexOf(state.selected);
    const last = versions.length - 1;
    const next = {
      ArrowRight: index === last ? 0 : index + 1,
      ArrowLeft: index === 0 ? last : index - 1,
      Home: 0,
      End: last,
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    select(tabList, versions[next].locale);
    versions[next].tab.focus();
  });

  const element = h(
    'div',
    { className: 'step-versions' },
    tabList,
    versions.map((version) => version.panel),
  );
  return { element, tabList, versions, selected: () => state.selected };
}

/**
 * Shows one version's panel.
 * @param {HTMLElement} tabList
 * @param {string} locale
 */
export function select(tabList, locale) {
  const state = tabLists.get(tabList);
  const chosen = state.versions.find((/** @type {Version} */ version) => version.locale === locale);
  if (!chosen || chosen === state.selected) return;
  for (const version of state.versions) {
    const on = version === chosen;
    version.tab.setAttribute('aria-selected', String(on));
    version.tab.tabIndex = on ? 0 : -1;
    version.panel.hidden = !on;
  }
  state.selected = chosen;
  state.onSelect(chosen);
}

/**
 * After adding, removing or moving steps: each version's fields carry their error paths
 * ("steps.1.html", "steps.1.locales.de.html"), and the tabs their step's number.
 * @param {Version[]} versions
 * @param {string} path e.g. "steps.1"
 * @param {number} n the step's number on screen
 */
export function renumberVersions(versions, path, n) {
  for (const version of versions) {
    const prefix = version.locale ? `${path}.locales.${version.locale}` : path;
    for (const name of FIELDS) {
      /** @type {HTMLElement} */ (
        version.panel.querySelector(`.field-error[data-field="${name}"]`)
      ).dataset.errorFor = `${prefix}.${name}`;
      version[/** @type {'subject'|'html'|'text'} */ (name)].dataset.path = `${prefix}.${name}`;
    }
  }
  versions[0].tab.closest('[role="tablist"]')?.setAttribute('aria-label', `Languages of step ${n}`);
}

/** Whether anything is typed in a version. */
export const isFilled = (/** @type {Version} */ version) =>
  FIELDS.some((name) => version[/** @type {'subject'|'html'|'text'} */ (name)].value.trim() !== '');

/**
 * Marks each tab whose fields show an error. With `reveal`, a step whose shown tab has none but another
 * has shows that one, so the error to correct is on screen.
 * @param {ParentNode} root the step list, or the form
 * @param {{reveal?: boolean}} [options]
 */
export function markVersionErrors(root, { reveal = false } = {}) {
  root.querySelectorAll('.version-tabs').forEach((element) => {
    const tabList = /** @type {HTMLElement} */ (element);
    const state = tabLists.get(tabList);
    if (!state) return;
    /** @type {Version[]} */
    const wrong = state.versions.filter((/** @type {Version} */ version) =>
      version.panel.querySelector('.field-error:not([hidden])'),
    );
    for (const version of state.versions) {
      const marked = wrong.includes(version);
      version.tab.classList.toggle('version-tab--error', marked);
      /** @type {HTMLElement} */ (version.tab.querySelector('.version-tab__mark')).textContent = marked
        ? ' !'
        : '';
      /** @type {HTMLElement} */ (version.tab.querySelector('.version-tab__error')).textContent = marked
        ? ' (has errors)'
        : '';
    }
    if (reveal && wrong.length && !wrong.includes(state.selected)) select(tabList, wrong[0].locale);
  });
}

/**
 * Before focusing a control that may sit in a hidden version's panel: shows that panel.
 * @param {HTMLElement} control
 */
export function revealControl(control) {
  const panel = control.closest('[role="tabpanel"]');
  const tab = panel && document.getElementById(panel.getAttribute('aria-labelledby') ?? '');
  const tabList = tab?.closest('[role="tablist"]');
  if (tab && tabList instanceof window.HTMLElement) select(tabList, tab.dataset.locale ?? '');
}
