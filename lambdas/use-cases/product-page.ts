/**
 * What the landing page and the storefront embed show about a product: its name, restock date, whether (and
 * for whom) backorders are open, and the other variants of the same product for a picker.
 */
import { defaultSender } from '../runtime/config';
import { NotFoundError } from '../runtime/errors';
import { skuSchema } from '../domain/backorder-schema';
import { productIdSchema, type SiteSettings } from '../domain/catalog';
import { defaultSiteSettings } from '../domain/site-defaults';
import { effectivePolicy } from '../domain/eligibility';
import { getProductWithSettings, getSiteSettings, variantsOf, type Variant } from '../store/catalog-store';

/** A variant as a picker shows it: what sets it apart, and whether it takes backorders. */
const variantSummary = (variant: Omit<Variant, 'productId'>, settings: SiteSettings) => ({
  sku: variant.sku,
  name: variant.name,
  options: variant.options ?? {},
  backordersEnabled: effectivePolicy(variant, settings).enabled,
});

export type VariantSummary = ReturnType<typeof variantSummary>;

export const productPage = async (rawSku: string) => {
  const sku = skuSchema.safeParse(rawSku);
  if (!sku.success) throw new NotFoundError(`Product ${rawSku} not found`);
  const { product, settings: saved } = await getProductWithSettings(sku.data);
  if (!product) throw new NotFoundError(`Product ${sku.data} not found`);
  const settings = saved ?? defaultSiteSettings(defaultSender());
  const policy = effectivePolicy(product, settings);
  const productId = product.productId ?? null;
  const siblings = productId ? await variantsOf(productId) : [];
  // The index follows writes by a moment: a variant saved just now is listed from its own row.
  const variants = siblings.some((variant) => variant.sku === product.sku)
    ? siblings
    : [...siblings, product].sort((a, b) => a.sku.localeCompare(b.sku));
  return {
    sku: product.sku,
    name: product.name,
    productId,
    options: product.options ?? {},
    backordersEnabled: policy.enabled,
    segments: policy.enabled ? policy.segments : [],
    expectedRestockDate: product.expectedRestockDate ?? null,
    maxPerCustomer: policy.enabled ? policy.maxPerCustomer : null,
    variants: variants.map((variant) => variantSummary(variant, settings)),
  };
};

/** Every variant of a product (the embed's `product="…"`); a product id no SKU carries is not found. */
export const productVariants = async (rawProductId: string) => {
  const productId = productIdSchema.safeParse(rawProductId);
  if (!productId.success) throw new NotFoundError(`Product ${rawProductId} not found`);
  const [variants, saved] = await Promise.all([variantsOf(productId.data), getSiteSettings()]);
  if (variants.length === 0) throw new NotFoundError(`Product ${productId.data} not found`);
  const settings = saved ?? defaultSiteSettings(defaultSender());
  return {
    productId: productId.data,
    variants: variants.map((variant) => variantSummary(variant, settings)),
  };
};
