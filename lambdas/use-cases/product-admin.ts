/**
 * The console's products: saving one (a new product or an edit), and the shop-wide settings. A product saved
 * with free stock starts an allocation, as a stock update from the ERP would: units and a waiting queue
 * should never sit side by side.
 */
import { requestAllocation } from '../store/restock-queue';
import { putSiteSettings, saveProduct } from '../store/catalog-store';
import type { Product, ProductInput, SiteSettings } from '../domain/catalog';
import { assertVerifiedSender } from './sender-identities';

export const saveProductFromConsole = async (
  sku: string,
  input: ProductInput,
): Promise<{ product: Product; created: boolean }> => {
  const saved = await saveProduct(sku, input);
  if (saved.product.stock > 0) await requestAllocation([sku], 'product saved with free stock');
  return saved;
};

export const saveSiteSettings = async (settings: SiteSettings, principal: string): Promise<void> => {
  // Only a From SES lets the platform send from: any other would fail at every send.
  assertVerifiedSender(settings);
  await putSiteSettings(settings, principal);
};
