/**
 * The storefront embed: `<backorder-form sku="…">` (or `product="…"` for a variant picker) on any page of a
 * shop, on the shop's own origin, after `<script type="module" src="https://<platform>/embed.js">`. It shows
 * what the landing page /p/{sku} shows (the product's state, its expected date and the signup form, or
 * that it is closed) inside an open shadow root, in the language of its `locale` attribute or else the
 * browser's, and talks to the API of the platform that served the script (docs/embed.md).
 *
 * Built by scripts/build-embed.ts into web/embed.js. Every product or shopper text goes in as text, never
 * markup: product names are typed by marketers.
 */
import { pickLocale, translator, type Translate } from '../i18n/translate';
import { ApiError, NetworkError } from '../web/assets/api.js';
import { append, h } from '../web/assets/console/dom.js';
import { callApi, productPath, variantsPath, type Product, type Variant } from './platform';
import { allowedSegments } from './signup-form';
import { signupFormFor } from './signup';
import { STYLES } from './styles';
import { firstVariant, variantPicker } from './variant-picker';

const ATTRIBUTES = ['sku', 'product', 'locale', 'segment'];

/** The parts of one rendering: a change of attribute starts a new one, and late answers for an old one are dropped. */
interface View {
  t: Translate;
  root: HTMLElement;
  name: HTMLElement;
  picker: HTMLElement;
  problem: HTMLElement;
  details: HTMLElement;
  result: HTMLElement;
  privacy: HTMLElement;
}

class BackorderFormElement extends HTMLElement {
  static get observedAttributes() {
    return ATTRIBUTES;
  }

  private rendering = 0;
  private scheduled = false;

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
  }

  connectedCallback() {
    this.schedule();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.schedule();
  }

  /** One rendering for any number of attribute changes made together (a shop's script setting several). */
  private schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      void this.render();
    });
  }

  private async render() {
    const rendering = ++this.rendering;
    const view = this.skeleton();
    const { t } = view;
    const productId = this.getAttribute('product')?.trim();
    const sku = this.getAttribute('sku')?.trim() || null;
    const current = () => rendering === this.rendering;

    // Choosing another variant loads its product; only the latest choice is shown.
    let choice = 0;
    const load = async (wanted: string) => {
      const mine = ++choice;
      view.root.setAttribute('aria-busy', 'true');
      view.problem.hidden = true;
      try {
        const { body } = await callApi('GET', productPath(wanted));
        if (current() && mine === choice) this.showProduct(view, body as Product);
      } catch (error) {
        if (current() && mine === choice) this.showProblem(view, error, () => void load(wanted));
      } finally {
        if (current() && mine === choice) view.root.setAttribute('aria-busy', 'false');
      }
    };

    if (!productId) {
      if (sku) await load(sku);
      else this.showProblem(view, 'notFound', null);
      return;
    }
    try {
      const { body } = await callApi('GET', variantsPath(productId));
      if (!current()) return;
      const variants = (body?.variants ?? []) as Variant[];
      const first = firstVariant(variants, sku);
      if (!first) return this.showProblem(view, 'notFound', null);
      view.picker.replaceChildren(variantPicker(t, variants, first.sku, (chosen) => void load(chosen)));
      await load(first.sku);
    } catch (error) {
      if (current()) this.showProblem(view, error, () => this.schedule());
    }
  }

  /** The shadow root's fresh content, in the chosen language. */
  private skeleton(): View {
    const t = translator(
      pickLocale([this.getAttribute('locale'), ...(navigator.languages ?? [navigator.language])]),
    );
    const name = h('p', { className: 'name', id: 'title' }, t('embed.loading'));
    const picker = h('div');
    const problem = h('div', { className: 'notice bad', hidden: true, attrs: { role: 'alert' } });
    const details = h('div');
    const result = h('div', {
      className: 'result',
      tabIndex: -1,
      attrs: { role: 'status', 'aria-live': 'polite' },
    });
    const privacy = h('p', { className: 'small muted', hidden: true }, t('embed.privacy'));
    const root = h(
      'section',
      { className: 'root', lang: t.locale, attrs: { 'aria-labelledby': 'title', 'aria-busy': 'true' } },
      name,
      picker,
      problem,
      details,
      result,
      privacy,
    );
    this.shadowRoot?.replaceChildren(h('style', {}, STYLES), root);
    return { t, root, name, picker, problem, details, result, privacy };
  }

  /** As /p/{sku}: the state and date, then the form, or why there is none. */
  private showProduct({ t, name, details, result, privacy }: View, product: Product) {
    name.textContent = product.name;
    result.replaceChildren();
    result.className = 'result';
    const open = product.backordersEnabled === true && allowedSegments(product).length > 0;
    const date = t.day(product.expectedRestockDate) ?? t('product.restock.unknown');
    details.replaceChildren();
    append(details, [
      open ? h('p', {}, t('product.state.open')) : null,
      h('p', {}, t.parts('product.restock', { date: h('strong', {}, date) })),
      open
        ? signupFormFor(t, product, this.getAttribute('segment'), result)
        : h(
            'div',
            { className: 'notice' },
            h('p', {}, h('strong', {}, t('product.closed.title'))),
            h('p', {}, t('product.closed.text')),
          ),
    ]);
    privacy.hidden = !open;
  }

  /**
   * Not found (no retry), unreachable (a lost connection, or a page on an origin the shop has not allowed:
   * the browser refuses the answer either way) or failed.
   */
  private showProblem(
    { t, name, problem, details, privacy, root }: View,
    error: unknown,
    retry: (() => void) | null,
  ) {
    const notFound = error === 'notFound' || (error instanceof ApiError && error.status === 404);
    if (!(error instanceof ApiError) && !(error instanceof NetworkError) && !notFound) console.error(error);
    if (name.textContent === t('embed.loading')) name.textContent = t('embed.fallbackTitle');
    details.replaceChildren();
    privacy.hidden = true;
    problem.replaceChildren(
      h(
        'p',
        {},
        t(
          notFound
            ? 'embed.notFound'
            : error instanceof NetworkError
              ? 'embed.loadNetwork'
              : 'embed.loadFailed',
        ),
      ),
    );
    if (retry && !notFound) {
      const again = h('button', { type: 'button', className: 'secondary' }, t('embed.retry'));
      again.addEventListener('click', retry);
      append(problem, [h('p', {}, again)]);
    }
    problem.hidden = false;
    root.setAttribute('aria-busy', 'false');
  }
}

// A page that loads the script from two addresses (a shop trying a new platform, say) defines the element once.
if (!customElements.get('backorder-form')) customElements.define('backorder-form', BackorderFormElement);
