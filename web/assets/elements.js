// @ts-check
/**
 * For the shopper pages and the console alike: finding the page's elements by id or by a form control's
 * name, of the type the script expects (a missing or different element is a mistake in the page, reported
 * at once rather than as "cannot read properties of null" later), and the one confirmation dialog.
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

// ---- confirmation dialog -------------------------------------------------------------------------------

/** @type {{dialog: HTMLDialogElement, title: HTMLElement, text: HTMLElement, confirm: HTMLButtonElement, cancel: HTMLButtonElement}|null} */
let confirmParts = null;

/**
 * @param {string} tag
 * @param {Record<string, string>} attrs
 * @param {...Node} children
 */
function element(tag, attrs, ...children) {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) made.setAttribute(name, value);
  made.append(...children);
  return made;
}

/** The page's confirmation dialog, made on first use (the pages carry no markup for it). */
function confirmDialog() {
  if (confirmParts) return confirmParts;
  const title = element('h2', { id: 'confirm-dialog-title' });
  const text = element('p', { id: 'confirm-dialog-text' });
  const cancel = /** @type {HTMLButtonElement} */ (
    element('button', { type: 'submit', value: 'keep', class: 'button button--secondary' })
  );
  const confirm = /** @type {HTMLButtonElement} */ (element('button', { type: 'submit', value: 'confirm' }));
  const dialog = /** @type {HTMLDialogElement} */ (
    element(
      'dialog',
      { id: 'confirm-dialog', 'aria-labelledby': title.id, 'aria-describedby': text.id },
      element(
        'form',
        { method: 'dialog', class: 'dialog' },
        title,
        text,
        element('div', { class: 'dialog-actions' }, cancel, confirm),
      ),
    )
  );
  document.body.append(dialog);
  confirmParts = { dialog, title, text, confirm, cancel };
  return confirmParts;
}

/**
 * Asks a yes/no question in the page's confirmation dialog. Resolves true only when the person chose the
 * confirming button; Escape and "keep" resolve false. Focus goes back where it was.
 * @param {{title:string, text:string, confirmLabel:string, cancelLabel?:string, danger?:boolean}} question
 * @returns {Promise<boolean>}
 */
export function confirmAction({ title, text, confirmLabel, cancelLabel = 'Keep it', danger = true }) {
  const parts = confirmDialog();
  const opener = document.activeElement;
  parts.title.textContent = title;
  parts.text.textContent = text;
  parts.confirm.textContent = confirmLabel;
  parts.confirm.className = danger ? 'button button--danger' : 'button';
  parts.cancel.textContent = cancelLabel;
  parts.dialog.returnValue = '';
  return new Promise((resolve) => {
    parts.dialog.addEventListener(
      'close',
      () => {
        if (opener instanceof window.HTMLElement && opener.isConnected) opener.focus();
        resolve(parts.dialog.returnValue === 'confirm');
      },
      { once: true },
    );
    parts.dialog.showModal();
    // The safe choice has focus, so a stray Enter never deletes anything.
    parts.cancel.focus();
  });
}
