// @ts-check
/**
 * The Embed page: the two lines a shop pastes to show the signup form on its own pages (docs/embed.md) for a
 * product the marketer picks, the sites allowed to show it (edited in Settings), and a live preview: the
 * console loads the same /embed.js into itself and shows <backorder-form>. The console is on the platform's
 * own origin, so the preview needs no entry in the allowed sites, and its script policy ('self') allows it.
 */
import { admin, describeFailure, SignedOut } from './admin.js';
import { byId, checkedValues, h, showResult } from './dom.js';
import { cursorOf, itemsOf, pagePath } from './section.js';

/** Enough for any shop's picker; a longer list is cut there (and says so). */
const MAX_PAGES = 20;

const view = byId('view-embed');
const headingElement = byId('embed-title');
const loadResult = byId('embed-load');
const form = byId('embed-form', window.HTMLFormElement);
const skuSelect = byId('embed-sku', window.HTMLSelectElement);
const kindField = byId('embed-kind-field');
const productLabel = byId('embed-kind-product-label');
const snippet = byId('embed-snippet', window.HTMLTextAreaElement);
const copyButton = byId('embed-copy', window.HTMLButtonElement);
const copyResult = byId('embed-copy-result');
const originsBox = byId('embed-origins');
const localeSelect = byId('embed-locale', window.HTMLSelectElement);
const previewState = byId('embed-preview-state');
const previewBox = byId('embed-preview');

/** The products listed, by SKU. @type {Map<string, any>} */
let products = new Map();

export const element = () => view;
export const heading = () => headingElement;
export const title = () => 'Embed';

export async function show() {
  showResult(loadResult, 'info', 'Loading products…');
  showResult(copyResult);
  const [listed, settings] = await Promise.all([loadProducts(), loadSettings()]);
  showOrigins(settings);
  if (listed === null) return headingElement;
  const chosen = skuSelect.value;
  products = new Map(listed.items.map((product) => [product.sku, product]));
  skuSelect.replaceChildren(
    ...listed.items.map((product) =>
      h(
        'option',
        { value: product.sku, selected: product.sku === chosen },
        product.name ? `${product.sku} – ${product.name}` : product.sku,
      ),
    ),
  );
  form.hidden = listed.items.length === 0;
  if (listed.items.length === 0) {
    showResult(loadResult, 'info', 'No products yet: create one under Products, then come back here.');
    previewBox.replaceChildren();
  } else
    showResult(
      loadResult,
      listed.more ? 'info' : undefined,
      listed.more ? `Only the first ${listed.items.length} products are listed.` : null,
    );
  update();
  return headingElement;
}

/** Forgets the products shown (signing out). */
export function reset() {
  products = new Map();
  skuSelect.replaceChildren();
  previewBox.replaceChildren();
  form.hidden = true;
}

/** @returns {Promise<{items: any[], more: boolean}|null>} null when they could not be loaded (said so) */
async function loadProducts() {
  /** @type {any[]} */
  const items = [];
  let cursor = /** @type {string|null} */ (null);
  try {
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const { body } = await admin('GET', pagePath('/api/admin/products', cursor));
      items.push(...itemsOf(body));
      cursor = cursorOf(body);
      if (!cursor) break;
    }
    return { items, more: cursor !== null };
  } catch (error) {
    if (error instanceof SignedOut) throw error;
    form.hidden = true;
    showResult(loadResult, 'error', `The products could not be loaded. ${describeFailure(error)}`);
    return null;
  }
}

/** @returns {Promise<any>} the settings, or undefined when they could not be loaded */
async function loadSettings() {
  try {
    return (await admin('GET', '/api/admin/settings')).body;
  } catch (error) {
    if (error instanceof SignedOut) throw error;
    return undefined;
  }
}

/** @param {any} settings */
function showOrigins(settings) {
  const origins = settings?.embed?.allowedOrigins;
  if (settings === undefined) {
    originsBox.replaceChildren(h('p', {}, 'The allowed sites could not be loaded.'));
  } else if (!Array.isArray(origins) || origins.length === 0) {
    originsBox.replaceChildren(
      h(
        'p',
        {},
        'No site yet: on a shop page the form says it cannot reach the shop. Add the shop’s site (such as https://shop.example) in Settings.',
      ),
    );
  } else {
    originsBox.replaceChildren(
      h('p', {}, 'The form works on pages of these sites only:'),
      h(
        'ul',
        { className: 'embed-origins' },
        origins.map((origin) => h('li', {}, h('code', {}, origin))),
      ),
    );
  }
}

/** @param {string} value */
const attribute = (value) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The chosen product, and whether the form is for its SKU or, with a picker, all its variants. */
function chosen() {
  const product = products.get(skuSelect.value);
  const byProduct = Boolean(product?.productId) && checkedValues(form, 'kind')[0] === 'product';
  return { product, byProduct };
}

/** The snippet and the preview follow what is chosen. */
function update() {
  const { product, byProduct } = chosen();
  kindField.hidden = !product?.productId;
  if (product?.productId) productLabel.textContent = `All variants of ${product.productId}, with a picker`;
  if (!product) {
    snippet.value = '';
    return;
  }
  const target = byProduct ? `product="${attribute(product.productId)}"` : `sku="${attribute(product.sku)}"`;
  snippet.value = [
    `<script type="module" src="${location.origin}/embed.js"></script>`,
    `<backorder-form ${target}></backorder-form>`,
  ].join('\n');
  showResult(copyResult);
  renderPreview(byProduct ? { product: product.productId } : { sku: product.sku });
}

/** Loaded once: defines <backorder-form>. */
let embedScript = /** @type {Promise<unknown>|null} */ (null);

/** @param {Record<string, string>} target sku or product */
async function renderPreview(target) {
  const url = '/embed.js';
  embedScript ??= import(url);
  try {
    await embedScript;
  } catch {
    embedScript = null;
    showResult(previewState, 'error', 'The preview could not be loaded. Reload the page to try again.');
    return;
  }
  showResult(previewState);
  const formElement = document.createElement('backorder-form');
  for (const [name, value] of Object.entries(target)) formElement.setAttribute(name, value);
  if (localeSelect.value) formElement.setAttribute('locale', localeSelect.value);
  previewBox.replaceChildren(formElement);
}

form.addEventListener('change', update);
form.addEventListener('submit', (event) => event.preventDefault());
localeSelect.addEventListener('change', update);

copyButton.addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(snippet.value);
    showResult(copyResult, 'success', 'Snippet copied.');
  } catch {
    // No clipboard access (an older browser, or permission refused): the text is selected to copy by hand.
    snippet.focus();
    snippet.select();
    showResult(copyResult, 'info', 'Copying was not allowed: the snippet is selected, press Ctrl+C (⌘C).');
  }
});
