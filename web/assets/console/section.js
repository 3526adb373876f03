// @ts-check
/**
 * What the console's item sections (products, campaigns, suppliers, webhooks) share: one part of the
 * section shown at a time (the list, the editor, an item's batches or deliveries) with the heading that
 * takes focus, a message left for the list when an editor hands back to it, one item loaded for its editor
 * (a missing one becomes that message), and lists loaded whole or a page at a time behind "Load more".
 */
import { ApiError, admin, describeFailure, SignedOut } from './admin.js';
import { showResult } from './dom.js';
import { idInPath, wireFormSave } from './form-save.js';

/** @typedef {{kind: 'success'|'error'|'info', text: string}} Message */
/** @typedef {{view: string, parts: string[], query: URLSearchParams}} Route */

export class Section {
  /**
   * @param {object} options
   * @param {HTMLElement} options.view the section's <section>
   * @param {HTMLElement} options.listHeading
   * @param {HTMLElement[]} options.parts every part; one at a time is shown
   * @param {string} options.noun "product", as in "There is no product with SKU X."
   * @param {string} options.idName "SKU" or "id"
   * @param {(id: string) => string} options.itemPath the API path of one item
   * @param {string} options.listHash the list's address, e.g. "#/products"
   */
  constructor({ view, listHeading, parts, noun, idName, itemPath, listHash }) {
    this.view = view;
    this.listHeading = listHeading;
    this.parts = parts;
    this.noun = noun;
    this.idName = idName;
    this.itemPath = itemPath;
    this.listHash = listHash;
    /** @type {HTMLElement} */
    this.shownHeading = listHeading;
    /** @type {Message|null} */
    this.message = null;
  }

  /** main.js's view of the section. */
  element = () => this.view;
  heading = () => this.shownHeading;

  /**
   * Shows one part and hides the others; `heading` takes focus when the section is shown.
   * @param {HTMLElement} part
   * @param {HTMLElement} heading
   */
  showPart(part, heading) {
    for (const each of this.parts) each.hidden = each !== part;
    this.shownHeading = heading;
  }

  /**
   * Leaves a message for the list, shown the next time it is.
   * @param {Message['kind']} kind
   * @param {string} text
   */
  leaveMessage(kind, text) {
    this.message = { kind, text };
  }

  /** The message left for the list, once. */
  takeMessage() {
    const message = this.message;
    this.message = null;
    return message;
  }

  /**
   * One item for its editor; null (with a message left for the list) when it is missing or failed to load.
   * @param {string} id
   * @returns {Promise<any|null>}
   */
  async loadItem(id) {
    try {
      const { body } = await admin('GET', this.itemPath(id));
      return body;
    } catch (error) {
      if (error instanceof SignedOut) throw error;
      const noun = this.noun.charAt(0).toUpperCase() + this.noun.slice(1);
      this.leaveMessage(
        'error',
        error instanceof ApiError && error.status === 404
          ? `There is no ${this.noun} with ${this.idName} ${id}.`
          : `${noun} ${id} could not be loaded. ${describeFailure(error)}`,
      );
      return null;
    }
  }

  /**
   * Shows what the route names: #/{section}/new the editor of a new item, #/{section}/{id} the item's editor
   * (or `sub`, at #/{section}/{id}/{sub.name}), and anything else, or an item that could not be loaded,
   * the list.
   * @param {Route} route
   * @param {object} views
   * @param {() => Promise<HTMLElement>} views.list
   * @param {(item: any) => HTMLElement|Promise<HTMLElement>} views.editor null for a new item
   * @param {{name: string, part: HTMLElement, heading: HTMLElement, show: (item: any) => Promise<HTMLElement>}} [views.sub]
   */
  async route(route, { list, editor, sub }) {
    const [id, subName] = route.parts;
    if (id === 'new') return editor(null);
    const item = id ? await this.loadItem(id) : null;
    if (!item) return list();
    if (!sub || subName !== sub.name) return editor(item);
    this.showPart(sub.part, sub.heading);
    return sub.show(item);
  }

  /**
   * The document title for a route: "Suppliers", "New supplier", "Supplier acme", "Batches for acme".
   * @param {Route} route
   * @param {{list: string, one: string, sub?: [string, (id: string) => string]}} names
   */
  static title(route, { list, one, sub }) {
    const [id, subName] = route.parts;
    if (id === 'new') return `New ${one.toLowerCase()}`;
    if (id && sub && subName === sub[0]) return sub[1](id);
    return id ? `${one} ${id}` : list;
  }

  /**
   * The save of the item editor: PUT to the item's path (the id travels in it), then back to the list, which
   * says what was saved.
   * @param {object} options
   * @param {HTMLFormElement} options.form
   * @param {HTMLElement} options.result
   * @param {HTMLButtonElement} options.saveButton
   * @param {() => {value: {id: string, body: any}, problems: import('./dom.js').Problem[]}} options.read
   * @param {string} options.idField the form field of the id
   * @param {RegExp} options.idMessage how the API names the id in a message, e.g. /supplier id/i
   * @param {(value: {id: string, body: any}) => string} options.saved "Supplier Acme", for "… created."
   */
  wireEditorSave({ form, result, saveButton, read, idField, idMessage, saved }) {
    wireFormSave({
      form,
      result,
      saveButton,
      failure: `The ${this.noun} was not saved.`,
      read,
      save: ({ id, body }) => admin('PUT', this.itemPath(id), body),
      placeDetails: idInPath(idField, idMessage),
      onSaved: ({ status }, value) => {
        this.leaveMessage('success', `${saved(value)} ${status === 201 ? 'created' : 'saved'}.`);
        location.hash = this.listHash;
      },
    });
  }

  /** Forgets what was shown (signing out). */
  reset() {
    this.message = null;
  }
}

/**
 * Loads a list into its part: first the message left for it or `loading`, then the list; when no message
 * was left, `counted` says what was found. A failure shows in `result`; signing out stops it.
 * @param {object} options
 * @param {HTMLElement} options.result
 * @param {Message|null} options.message
 * @param {string} options.loading "Loading products…"
 * @param {string} options.failure "Products could not be loaded."
 * @param {() => Promise<number|null>} options.load fetches and shows the list; resolves to how many it
 *   shows, or to null when it said itself why it could not
 * @param {(count: number) => string} options.counted
 */
export async function loadList({ result, message, loading, failure, load, counted }) {
  if (message) showResult(result, message.kind, message.text);
  else showResult(result, 'info', loading);
  try {
    const count = await load();
    if (!message && count !== null) showResult(result, 'info', counted(count));
  } catch (error) {
    if (error instanceof SignedOut) throw error;
    showResult(result, 'error', `${failure} ${describeFailure(error)}`);
  }
}

/**
 * "3 products", "1 product".
 * @param {number} count
 * @param {string} one
 * @param {string} [many]
 */
export const counted = (count, one, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/**
 * The items of a list answer ({items, cursor}).
 * @param {any} body
 * @returns {any[]}
 */
export const itemsOf = (body) => (Array.isArray(body?.items) ? body.items : []);

/**
 * Where a list answer's next page starts, or null on its last page.
 * @param {any} body
 * @returns {string|null}
 */
export const cursorOf = (body) => (typeof body?.cursor === 'string' && body.cursor ? body.cursor : null);

/**
 * A list path with the page to start from.
 * @param {string} path
 * @param {string|null} cursor
 */
export const pagePath = (path, cursor) =>
  cursor ? `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}` : path;

/**
 * A list shown a page at a time: `fetchPage` fetches the page at the cursor and `append` shows it; the "Load
 * more" button shows while there is a next page, and after it the first new entry takes focus, so keyboard
 * users go on from there rather than from the top.
 */
export class PagedList {
  /**
   * @param {object} options
   * @param {HTMLButtonElement} options.moreButton
   * @param {(cursor: string|null) => Promise<any>} options.fetchPage resolves to the answer's body
   * @param {(items: any[], body: any) => void} options.append shows a page's items (the cursor is set by then)
   * @param {(error: unknown) => void} options.failed shows why a page did not load
   * @param {() => number} options.count how many entries are shown
   * @param {(index: number) => HTMLElement|null|undefined} options.entry the part of the entry at index to focus
   * @param {() => void} [options.afterMore] says how many are shown now, after "Load more"
   */
  constructor({ moreButton, fetchPage, append, failed, count, entry, afterMore }) {
    this.moreButton = moreButton;
    this.fetchPage = fetchPage;
    this.append = append;
    this.failed = failed;
    this.count = count;
    this.entry = entry;
    this.afterMore = afterMore;
    /** @type {string|null} */
    this.cursor = null;
    /** Bumped by restart: a page that arrives for an earlier start is dropped. */
    this.generation = 0;
    moreButton.addEventListener('click', () => this.more());
  }

  /** Starts again from the first page (the caller empties what it shows). */
  restart() {
    this.generation += 1;
    this.cursor = null;
    this.moreButton.hidden = true;
  }

  /**
   * Loads and shows the next page: true when it did; a failure shows through `failed`, signing out stops it.
   * @returns {Promise<boolean>}
   */
  async next() {
    const generation = this.generation;
    try {
      const body = await this.fetchPage(this.cursor);
      if (generation !== this.generation) return false;
      this.cursor = cursorOf(body);
      this.moreButton.hidden = this.cursor === null;
      this.append(itemsOf(body), body);
      return true;
    } catch (error) {
      if (error instanceof SignedOut) throw error;
      this.failed(error);
      return false;
    }
  }

  async more() {
    this.moreButton.disabled = true;
    const before = this.count();
    try {
      if (!(await this.next())) return;
      this.afterMore?.();
      const first = this.entry(before);
      if (first && !first.hasAttribute('tabindex') && !first.matches('a, button, input, select, textarea'))
        first.setAttribute('tabindex', '-1');
      first?.focus();
    } catch (error) {
      if (!(error instanceof SignedOut)) throw error;
    } finally {
      this.moreButton.disabled = false;
    }
  }
}
