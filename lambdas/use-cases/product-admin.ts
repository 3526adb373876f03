/**
 * The console's products and shop-wide settings: reading them, saving a product (new or edited) and the
 * settings. A product saved with free stock starts an allocation, as a stock update from the ERP would:
 * units and a waiting queue should never sit side by side.
 */
import { defaultSender, etaDebounceMs } from '../runtime/config';
import { NotFoundError } from '../runtime/errors';
import { requestAllocation } from '../store/restock-queue';
import {
  getProduct,
  getSiteSettings,
  listProducts,
  putSiteSettings,
  saveProduct,
} from '../store/catalog-store';
import { skuSchema } from '../domain/backorder-schema';
import { productSchema, type Product } from '../domain/catalog';
import { connectorSecretChanges, settingsInputSchema, type ConsoleSettings } from '../domain/connectors';
import { connectorSecretWrites } from '../store/connector-store';
import { defaultSiteSettings, withSectionDefaults } from '../domain/site-defaults';
import { parseOrThrow } from '../domain/validation';
import { assertVerifiedSender } from './sender-identities';
import { forgetAllowedOrigins } from './cors';
import { connectorsForConsole } from './connector-admin';
import { productFiguresOf } from './shop-statistics';

/** The settings as saved, or the ones a new shop starts with. */
export const siteSettingsForConsole = async (): Promise<ConsoleSettings> => {
  const [saved, connectors] = await Promise.all([getSiteSettings(), connectorsForConsole()]);
  return { ...(saved ? withSectionDefaults(saved) : defaultSiteSettings(defaultSender())), connectors };
};

export const productsForConsole = (cursor: string | undefined) => listProducts(cursor);

/**
 * A product by the SKU in the path; a SKU that could never exist is simply not found. With how many wait for
 * it (from the counters, 16 keys read), so the editor can say who a new expected date would be told.
 */
export interface ProductDetail extends Product {
  waiting: number;
}

export const productForConsole = async (rawSku: string): Promise<ProductDetail> => {
  const sku = skuSchema.safeParse(rawSku);
  const [product, figures] = sku.success
    ? await Promise.all([getProduct(sku.data), productFiguresOf([sku.data])])
    : [undefined, undefined];
  if (!product) throw new NotFoundError(`Product ${rawSku} not found`);
  return { ...product, waiting: figures?.get(product.sku)?.waiting ?? 0 };
};

export const saveProductFromConsole = async (
  rawSku: string,
  body: unknown,
): Promise<{ product: Product; created: boolean }> => {
  const sku = parseOrThrow(skuSchema, rawSku, 'SKU');
  const input = parseOrThrow(productSchema, body, 'product');
  const saved = await saveProduct(sku, input, etaDebounceMs());
  if (saved.product.stock > 0) await requestAllocation([sku], 'product saved with free stock');
  return saved;
};

/**
 * Replaces the site settings. A connector's secret changes only when the body gives one (or `null`, which
 * disconnects the store): the settings form, which never sends them, keeps them. Both in one transaction.
 */
export const saveSiteSettings = async (body: unknown, principal: string): Promise<ConsoleSettings> => {
  const { connectors, ...settings } = parseOrThrow(settingsInputSchema, body, 'settings');
  // Only a From SES lets the platform send from: any other would fail at every send.
  assertVerifiedSender(settings);
  const changes = connectorSecretChanges(connectors);
  const secrets = connectorSecretWrites(changes, principal, new Date().toISOString());
  await putSiteSettings(settings, principal, secrets);
  // This instance answers with the new origins at once; the public function's others within 30 s.
  forgetAllowedOrigins();
  return { ...withSectionDefaults(settings), connectors: await connectorsForConsole() };
};
