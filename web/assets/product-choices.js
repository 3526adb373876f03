// @ts-check
/**
 * The landing page's choices (/p/{sku}): which variant of the product, and whether the shopper orders as a
 * personal or business customer. Texts go in with textContent: names and options are set by marketers.
 */

/** @typedef {import('./translate.js').PageTranslate} Translate */

/** The customers a product may take backorders from: personal, business. */
export const SEGMENTS = ['b2c', 'b2b'];

/**
 * The other variants of the same product (size, colour…), when there are any: choosing one opens its page,
 * keeping the query (language). A variant closed to backorders is listed as such, so the shopper knows.
 * @param {Translate} t
 * @param {HTMLElement} field
 * @param {HTMLSelectElement} picker
 * @param {any} p the product page answer
 */
export function renderVariants(t, field, picker, p) {
  const variants = Array.isArray(p.variants) ? p.variants : [];
  field.hidden = variants.length < 2;
  if (variants.length < 2) return;
  picker.replaceChildren(
    ...variants.map((variant) => {
      const option = document.createElement('option');
      option.value = variant.sku;
      const values = Object.values(variant.options ?? {}).join(' / ');
      const label = values || variant.name;
      option.textContent = variant.backordersEnabled
        ? label
        : t('product.variant.unavailable', { variant: label });
      option.selected = variant.sku === p.sku;
      return option;
    }),
  );
  picker.onchange = () => location.assign(`/p/${encodeURIComponent(picker.value)}${location.search}`);
}

/**
 * The shopper's choice of personal or business customer, among those the product takes.
 * @param {Translate} t
 * @param {HTMLElement} container
 * @param {Array<'b2c'|'b2b'>} segments
 */
export function renderSegments(t, container, segments) {
  container.replaceChildren(
    ...segments.map((segment, index) => {
      const id = `segment-${segment}`;
      const input = document.createElement('input');
      Object.assign(input, { type: 'radio', name: 'segment', id, value: segment, checked: index === 0 });
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = t(segment === 'b2b' ? 'signup.segment.b2b' : 'signup.segment.b2c');
      const choice = document.createElement('div');
      choice.className = 'choice';
      choice.append(input, label);
      return choice;
    }),
  );
  if (segments.length === 1) {
    const only = document.createElement('p');
    only.className = 'field-hint';
    only.textContent = t(segments[0] === 'b2b' ? 'signup.segment.onlyB2b' : 'signup.segment.onlyB2c');
    container.append(only);
  }
}
