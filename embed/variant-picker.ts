/**
 * The variant picker of `<backorder-form product="…">`: a labelled <select> naming each variant by its
 * options ("M / Blue"), variants that take no backorders marked as not available (still choosable, so the
 * shopper reads why, as on the landing page).
 */
import type { Translate } from '../i18n/translate';
import { h } from '../web/assets/console/dom.js';
import type { Variant } from './platform';

/** What a shopper calls a variant: its option values, else its name. */
export const variantName = (variant: Variant): string => {
  const values = Object.values(variant.options ?? {}).filter((value) => typeof value === 'string' && value);
  return values.length > 0 ? values.join(' / ') : variant.name;
};

/** The variant shown first: the one the shop named, else the first open one, else the first. */
export const firstVariant = (variants: Variant[], preferredSku: string | null): Variant | undefined =>
  variants.find((variant) => variant.sku === preferredSku) ??
  variants.find((variant) => variant.backordersEnabled) ??
  variants[0];

export function variantPicker(
  t: Translate,
  variants: Variant[],
  selectedSku: string,
  onChoose: (sku: string) => void,
): HTMLElement {
  const select = h(
    'select',
    { id: 'variant', name: 'variant' },
    variants.map((variant) =>
      h(
        'option',
        { value: variant.sku, selected: variant.sku === selectedSku },
        variant.backordersEnabled
          ? variantName(variant)
          : t('variant.unavailable', { variant: variantName(variant) }),
      ),
    ),
  );
  select.addEventListener('change', () => onChoose(select.value));
  return h('div', { className: 'field' }, h('label', { htmlFor: 'variant' }, t('variant.label')), select);
}
