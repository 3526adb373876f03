/**
 * What the landing page shows about a product: its name, restock date and whether (and for whom) backorders
 * are open.
 */
import { defaultSender } from '../runtime/config';
import { NotFoundError } from '../runtime/errors';
import { skuSchema } from '../domain/backorder-schema';
import { defaultSiteSettings } from '../domain/site-defaults';
import { effectivePolicy } from '../domain/eligibility';
import { getProductWithSettings } from '../store/catalog-store';

export const productPage = async (rawSku: string) => {
  const sku = skuSchema.safeParse(rawSku);
  if (!sku.success) throw new NotFoundError(`Product ${rawSku} not found`);
  const { product, settings } = await getProductWithSettings(sku.data);
  if (!product) throw new NotFoundError(`Product ${sku.data} not found`);
  const policy = effectivePolicy(product, settings ?? defaultSiteSettings(defaultSender()));
  return {
    sku: product.sku,
    name: product.name,
    backordersEnabled: policy.enabled,
    segments: policy.enabled ? policy.segments : [],
    expectedRestockDate: product.expectedRestockDate ?? null,
    maxPerCustomer: policy.enabled ? policy.maxPerCustomer : null,
  };
};
