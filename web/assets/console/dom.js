// @ts-check
/**
 * Small DOM helpers shared by the console's sections: finding the page's elements by id (typed, and failing
 * loudly when one is missing), building elements whose text always goes in as text (never markup), showing
 * the API's validation details next to the fields they name, and result messages.
 */

/** @typedef {{path?: unknown, message?: string}} Problem a validation detail: the API's, or the form's own */
/** @typedef {Node|string|number|null|undefined|false} Child */

import { byId, confirmAction, control } from '../elements.js';

export { byId, confirmAction, control };

/**
 * The element an event happened in (or inside), nearest first, that matches `selector`; null when none.
 * @param {Event} event
 * @param {string} selector
 * @returns {HTMLElement|null}
 */
export function closestTo(event, selector) {
  const target = event.target;
  return target instanceof window.Element ? target.closest(selector) : null;
}

/**
 * The values of the ticked boxes (or radio button) named `name` inside `root`.
 * @param {ParentNode} root
 * @param {string} name
 * @returns {string[]}
 */
export function checkedValues(root, name) {
  return [...root.querySelectorAll(`input[name="${name}"]:checked`)].map(
    (box) => /** @type {HTMLInputElement} */ (box).value,
  );
}

/**
 * Ticks the boxes (or radio button) named `name` inside `root` whose value is in `values`, and unticks the others.
 * @param {ParentNode} root
 * @param {string} name
 * @param {readonly string[]} values
 */
export function setChecked(root, name, values) {
  root.querySelectorAll(`input[name="${name}"]`).forEach((box) => {
    const input = /** @type {HTMLInputElement} */ (box);
    input.checked = values.includes(input.value);
  });
}

/**
 * Creates an element. `props` are set as properties (className, type, value, hidden…), except `attrs`
 * (set as attributes), `dataset`, and `on` (event listeners). Children are nodes or strings; strings become
 * text nodes, so data can never turn into markup.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [props]
 * @param {...(Child|Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'attrs') {
      for (const [name, attr] of Object.entries(value)) {
        if (attr !== undefined && attr !== null && attr !== false) element.setAttribute(name, String(attr));
      }
    } else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key === 'on') {
      for (const [type, listener] of Object.entries(value)) element.addEventListener(type, listener);
    } else /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (element))[key] = value;
  }
  append(element, children);
  return element;
}

/**
 * @param {Element} element
 * @param {Array<Child|Child[]>} children
 */
export function append(element, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof window.Node ? child : String(child));
  }
}

// ---- pieces of the page used more than once ------------------------------------------------------------

const TOKEN = /\{\{(\w+)\}\}/g;

/**
 * Text from the console's own tables with its marks made elements: `code` and **strong**. The rest stays
 * text, so nothing in it can turn into markup.
 * @param {string} text
 * @returns {Array<Node|string>}
 */
export function richText(text) {
  return text
    .split(/(`[^`]+`|\*\*[^*]+\*\*)/)
    .filter(Boolean)
    .map((part) => {
      if (part.startsWith('`')) return h('code', {}, part.slice(1, -1));
      if (part.startsWith('**')) return h('strong', {}, part.slice(2, -2));
      return part;
    });
}

/**
 * A copy of the page's <template id="…"> for one use: each {{key}} in an attribute (an id, a for, an
 * aria-describedby, a data-path) becomes values[key] as it is, and in the text, richText(values[key]). A key
 * the values lack is a mistake in the page, reported at once.
 * @param {string} id
 * @param {Record<string, string>} values
 * @returns {DocumentFragment}
 */
export function fromTemplate(id, values) {
  const copy = /** @type {DocumentFragment} */ (byId(id, window.HTMLTemplateElement).content.cloneNode(true));
  /** @param {string} key */
  const value = (key) => {
    if (!Object.hasOwn(values, key)) throw new Error(`The template #${id} wants a value for {{${key}}}`);
    return values[key];
  };
  for (const element of copy.querySelectorAll('*')) {
    for (const attribute of element.attributes)
      attribute.value = attribute.value.replace(TOKEN, (_token, key) => value(key));
  }
  const walker = document.createTreeWalker(copy, window.NodeFilter.SHOW_TEXT);
  /** @type {Text[]} */
  const texts = [];
  while (walker.nextNode()) texts.push(/** @type {Text} */ (walker.currentNode));
  for (const text of texts) {
    // split() with a group: text, key, text, key, …, text.
    const parts = (text.nodeValue ?? '').split(TOKEN);
    if (parts.length > 1)
      text.replaceWith(...parts.flatMap((part, index) => (index % 2 ? richText(value(part)) : part || [])));
  }
  return copy;
}

let uniqueCounter = 0;
/**
 * An id no other element on the page has, for label/aria-describedby pairs built in code.
 * @param {string} prefix
 */
export function uniqueId(prefix) {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}`;
}

// ---- validation details next to fields ---------------------------------------------------------------

/**
 * A detail's path as dotted text: "sender.from", ["steps", 1, "html"] → "steps.1.html"; "/steps/1" and
 * "body.name" are read the same way. Empty when it names no field.
 * @param {{path?: unknown}} detail
 */
export function pathOf(detail) {
  let path = detail && typeof detail === 'object' ? detail.path : undefined;
  if (Array.isArray(path)) path = path.join('.');
  if (typeof path !== 'string') return '';
  const parts = path.split(/[./[\]]+/).filter(Boolean);
  if (parts[0] === 'body' && parts.length > 1) parts.shift();
  return parts.join('.');
}

/**
 * Removes every field error shown inside `root` and their aria-invalid marks.
 * @param {ParentNode} root
 */
export function clearFieldErrors(root) {
  root.querySelectorAll('[data-error-for]').forEach((element) => {
    const error = /** @type {HTMLElement} */ (element);
    error.textContent = '';
    error.hidden = true;
  });
  root.querySelectorAll('[aria-invalid]').forEach((element) => element.removeAttribute('aria-invalid'));
}

/**
 * Shows a message next to the field for `path` inside `root`: the element with data-error-for equal to
 * the path, or to its nearest parent path ("backorders.segments.0" falls back to "backorders.segments").
 * Controls with a matching data-path are marked aria-invalid. Returns the control to focus, or null when
 * nothing on the form shows this path.
 * @param {ParentNode} root
 * @param {string} path
 * @param {string} message
 * @returns {HTMLElement|null|true}
 */
export function setFieldError(root, path, message) {
  const parts = path.split('.');
  while (parts.length > 0) {
    const candidate = parts.join('.');
    /** @type {HTMLElement|null} */
    const error = root.querySelector(`[data-error-for="${cssEscape(candidate)}"]`);
    if (error) {
      error.textContent = error.hidden || !error.textContent ? message : `${error.textContent} ${message}`;
      error.hidden = false;
      /** @type {NodeListOf<HTMLElement>} */
      const controls = root.querySelectorAll(`[data-path="${cssEscape(candidate)}"]`);
      controls.forEach((control) => control.setAttribute('aria-invalid', 'true'));
      return controls[0] ?? true;
    }
    parts.pop();
  }
  return null;
}

/**
 * Shows every detail of a VALIDATION error next to its field. Returns what could not be placed (to list in
 * the form's summary) and the first control to focus.
 * @param {ParentNode} root
 * @param {Problem[]} details
 * @param {(path: string) => string} [mapPath] translates an API path to the form's own (e.g. step indexes)
 * @returns {{unplaced: Array<{path: string, message: string}>, first: HTMLElement|null}}
 */
export function showFieldErrors(root, details, mapPath = (path) => path) {
  /** @type {Array<{path: string, message: string}>} */
  const unplaced = [];
  /** @type {HTMLElement|null} */
  let first = null;
  for (const detail of details) {
    const message =
      typeof detail?.message === 'string' && detail.message ? detail.message : 'Check this field.';
    const path = mapPath(pathOf(detail));
    const placed = path ? setFieldError(root, path, message) : null;
    if (placed === null) unplaced.push({ path, message });
    else if (!first && placed !== true) first = placed;
  }
  return { unplaced, first };
}

/** @param {string} value */
function cssEscape(value) {
  return window.CSS && typeof window.CSS.escape === 'function'
    ? window.CSS.escape(value)
    : value.replace(/["\\]/g, '\\$&');
}

// ---- result messages -----------------------------------------------------------------------------------

/**
 * Fills a result region (role=status or role=alert) with a message; `kind` colours it. An empty call
 * clears it.
 * @param {HTMLElement} region
 * @param {'success'|'error'|'info'} [kind]
 * @param {...(Node|string|null)} parts paragraphs: strings or nodes
 */
export function showResult(region, kind, ...parts) {
  region.classList.remove('result--error', 'result--success');
  if (kind === 'error') region.classList.add('result--error');
  if (kind === 'success') region.classList.add('result--success');
  region.replaceChildren(
    ...parts.flatMap((part) => (typeof part === 'string' ? [h('p', {}, part)] : part ? [part] : [])),
  );
}

/**
 * The control that shows `path` inside `root` (or its nearest parent path's), or null.
 * @param {ParentNode} root
 * @param {string} path
 * @returns {HTMLElement|null}
 */
export function controlFor(root, path) {
  const parts = path.split('.');
  while (parts.length > 0) {
    /** @type {HTMLElement|null} */
    const control = root.querySelector(`[data-path="${cssEscape(parts.join('.'))}"]`);
    if (control) return control;
    parts.pop();
  }
  return null;
}

/**
 * A bulleted list of problems that belong to no single field.
 * @param {Array<{path: string, message: string}>} problems
 */
export function problemList(problems) {
  return h(
    'ul',
    { className: 'problem-list' },
    problems.map(({ path, message }) => h('li', {}, path ? `${path}: ${message}` : message)),
  );
}

/**
 * Runs `work` with the button disabled and relabelled, so a double click sends one request.
 * @template R
 * @param {HTMLButtonElement} button
 * @param {string} busyLabel
 * @param {() => Promise<R>} work
 * @returns {Promise<R>}
 */
export async function whileBusy(button, busyLabel, work) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = busyLabel;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}
