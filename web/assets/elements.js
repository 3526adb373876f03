// @ts-check
/**
 * Finding the page's elements, for the shopper pages and the console alike: by id or by a form control's
 * name, of the type the script expects. A missing or different element is a mistake in the page, reported
 * at once rather than as "cannot read properties of null" later.
 */

/**
 * The page's element with this id, of this type (HTMLElement unless said). A missing or different element is
 * a mistake in the page, reported at once rather than as "cannot read properties of null" later.
 * @template {Element} [T=HTMLElement]
 * @param {string} id
 * @param {{new (): T, prototype: T}} [type]
 * @returns {T}
 */
export function byId(id, type) {
  const element = document.getElementById(id);
  const expected = type ?? window.HTMLElement;
  if (!(element instanceof expected)) throw new Error(`The page has no ${expected.name} #${id}`);
  return /** @type {T} */ (/** @type {unknown} */ (element));
}

/**
 * A form's control by name, of this type (an <input> unless said).
 * @template {Element} [T=HTMLInputElement]
 * @param {HTMLFormElement} form
 * @param {string} name
 * @param {{new (): T, prototype: T}} [type]
 * @returns {T}
 */
export function control(form, name, type) {
  const element = form.elements.namedItem(name);
  const expected = type ?? window.HTMLInputElement;
  if (!(element instanceof expected)) throw new Error(`The form has no ${expected.name} named ${name}`);
  return /** @type {T} */ (element);
}
