// @ts-check
/**
 * The landing page's choices (/p/{sku}): which variant of the product, and whether the shopper orders as a
 * personal or business customer. Texts go in with textContent: names and options are set by marketers.
 */

export const SEGMENT_LABELS = { b2c: 'Personal', b2b: 'Business' };

/**
 * The other variants of the same product (size, colour…), when there are any: choosing one opens its page,
 * keeping the query (language). A variant closed to backorders is listed as such, so the shopper knows.
 * @param {HTMLElement} field
 * @param {HTMLSelectElement} picker
 * @param {any} p the product page answer
 */
export function renderVariants(field, picker, p) {
  const variants = Array.isArray(p.variants) ? p.variants : [];
  field.hidden = variants.length < 2;
  if (variants.length < 2) return;
  picker.replaceChildren(
    ...variants.map((variant) => {
      const option = document.createElement('option');
      option.value = variant.sku;
      const values = Object.values(variant.options ?? {}).join(' / ');
      const label = values || variant.name;
      option.textContent = variant.backordersEnabled ? label : `${label} (not available for backorder)`;
      option.selected = variant.sku === p.sku;
      return option;
    }),
  );
  picker.onchange = () => location.assign(`/p/${encodeURIComponent(picker.value)}${location.search}`);
}

/**
 * The shopper's choice of personal or business customer, among those the product takes.
 * @param {HTMLElement} container
 * @param {Array<'b2c'|'b2b'>} segments
 */
export function renderSegments(container, segments) {
  container.replaceChildren(
    ...segments.map((segment, index) => {
      const id = `segment-${segment}`;
      const input = document.createElement('input');
      Object.assign(input, { type: 'radio', name: 'segment', id, value: segment, checked: index === 0 });
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = SEGMENT_LABELS[segment];
      const choice = document.createElement('div');
      choice.className = 'choice';
      choice.append(input, label);
      return choice;
    }),
  );
  if (segments.length === 1) {
    const only = document.createElement('p');
    only.className = 'field-hint';
    only.textContent =
      segments[0] === 'b2b'
        ? 'This product can only be backordered by business customers.'
        : 'This product can only be backordered by personal customers.';
    container.append(only);
  }
}
