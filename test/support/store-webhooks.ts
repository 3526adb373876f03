/**
 * Deliveries as Shopify and WooCommerce send them (docs/connectors.md): bodies shaped as each store documents
 * its webhook payload (Shopify's REST product for products/update, WooCommerce's REST v3 product for
 * product.updated, serialised as PHP's json_encode does), with each store's headers, signed each store's
 * way (base64 HMAC-SHA256 of the raw body).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { storeSignature } from '../../lambdas/domain/store-webhooks';
import type { HttpResult, TestPlatform } from './platform';

let nextId = 7_810_000_000_000;
const numericId = () => (nextId += 1);

export interface VariantStock {
  sku: string | null;
  /** Shopify's `inventory_quantity`; null or absent for a variant whose stock Shopify does not track. */
  quantity: number | null;
  title?: string;
}

/** A products/update body: the product as Shopify's REST Admin API returns it, every variant in full. */
export const shopifyProduct = (
  variants: VariantStock[],
  options: { updatedAt?: string; title?: string } = {},
): Record<string, unknown> => {
  const id = numericId();
  const updatedAt = options.updatedAt ?? '2026-03-02T10:15:00-05:00';
  return {
    admin_graphql_api_id: `gid://shopify/Product/${id}`,
    body_html: '<p>Organic cotton, cut for everyday wear.</p>',
    created_at: '2025-11-20T09:00:00-05:00',
    handle: 'classic-t-shirt',
    id,
    product_type: 'Shirts',
    published_at: '2025-11-20T09:05:00-05:00',
    template_suffix: null,
    title: options.title ?? 'Classic T-Shirt – Größe S–XL',
    updated_at: updatedAt,
    vendor: 'Corner Shop',
    status: 'active',
    published_scope: 'global',
    tags: 'cotton, summer',
    variants: variants.map((variant, position) => {
      const variantId = numericId();
      return {
        admin_graphql_api_id: `gid://shopify/ProductVariant/${variantId}`,
        barcode: null,
        compare_at_price: '24.99',
        created_at: '2025-11-20T09:00:00-05:00',
        id: variantId,
        inventory_policy: 'deny',
        position: position + 1,
        price: '19.99',
        product_id: id,
        sku: variant.sku,
        taxable: true,
        title: variant.title ?? `Variant ${position + 1}`,
        updated_at: updatedAt,
        option1: variant.title ?? `Variant ${position + 1}`,
        option2: null,
        option3: null,
        image_id: null,
        inventory_item_id: numericId(),
        inventory_quantity: variant.quantity,
        old_inventory_quantity: variant.quantity,
        inventory_management: variant.quantity === null ? null : 'shopify',
        fulfillment_service: 'manual',
        grams: 180,
        weight: 0.18,
        weight_unit: 'kg',
        requires_shipping: true,
        presentment_prices: [{ price: { amount: '19.99', currency_code: 'EUR' }, compare_at_price: null }],
      };
    }),
    options: [{ id: numericId(), product_id: id, name: 'Size', position: 1, values: ['S', 'M', 'L'] }],
    images: [],
    image: null,
    media: [],
    variant_gids: [],
    has_variants_that_requires_components: false,
    category: null,
  };
};

/** A product.updated body: the product (or a variation) as WooCommerce's REST API v3 returns it. */
export const wooCommerceProduct = (
  sku: string,
  stockQuantity: number | null,
  options: { modifiedGmt?: string; type?: 'simple' | 'variation' } = {},
): Record<string, unknown> => {
  const id = numericId() % 100_000;
  const modified = options.modifiedGmt ?? '2026-03-02T15:15:00';
  return {
    id,
    name: 'Classic T-Shirt – M',
    slug: 'classic-t-shirt-m',
    permalink: `https://shop.example/product/classic-t-shirt-m/`,
    date_created: '2025-11-20T10:00:00',
    date_created_gmt: '2025-11-20T09:00:00',
    date_modified: modified,
    date_modified_gmt: modified,
    type: options.type ?? 'simple',
    status: 'publish',
    featured: false,
    catalog_visibility: 'visible',
    description: '<p>Organic cotton.</p>',
    short_description: '',
    sku,
    price: '19.99',
    regular_price: '19.99',
    sale_price: '',
    on_sale: false,
    purchasable: true,
    total_sales: 12,
    virtual: false,
    downloadable: false,
    tax_status: 'taxable',
    manage_stock: stockQuantity !== null,
    stock_quantity: stockQuantity,
    stock_status: stockQuantity !== null && stockQuantity > 0 ? 'instock' : 'onbackorder',
    backorders: 'notify',
    backorders_allowed: true,
    backordered: stockQuantity !== null && stockQuantity < 0,
    weight: '0.18',
    dimensions: { length: '', width: '', height: '' },
    categories: [{ id: 15, name: 'Shirts', slug: 'shirts' }],
    tags: [],
    images: [],
    attributes: [],
    variations: [],
    menu_order: 0,
    meta_data: [],
    _links: {
      self: [{ href: `https://shop.example/wp-json/wc/v3/products/${id}` }],
      collection: [{ href: 'https://shop.example/wp-json/wc/v3/products' }],
    },
  };
};

/**
 * The body as WooCommerce sends it: `trim(wp_json_encode($payload))`, i.e. PHP's json_encode, which writes
 * `/` as `\/` and every non-ASCII character as `\uXXXX`. The signature covers these very bytes.
 */
export const phpJson = (payload: unknown): string =>
  JSON.stringify(payload)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export interface ShopifyDelivery {
  topic?: string;
  webhookId?: string;
  /** Signs with this secret; `signature` sends that header instead; `null` sends none. */
  secret?: string;
  signature?: string | null;
}

/** Posts a Shopify delivery: the body as given (a string is sent byte for byte), Shopify's headers. */
export const postShopify = (
  platform: TestPlatform,
  body: unknown,
  { topic = 'products/update', webhookId = randomUUID(), secret, signature }: ShopifyDelivery,
): Promise<HttpResult> => {
  const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const hmac = signature === undefined ? storeSignature(secret ?? '', raw) : signature;
  return platform.request('POST', '/api/webhooks/shopify', {
    raw,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': 'corner-shop.myshopify.com',
      'x-shopify-api-version': '2026-01',
      'x-shopify-webhook-id': webhookId,
      'x-shopify-event-id': randomUUID(),
      'x-shopify-triggered-at': new Date().toISOString(),
      ...(hmac === null ? {} : { 'x-shopify-hmac-sha256': hmac }),
    },
  });
};

export interface WooCommerceDelivery {
  topic?: string;
  deliveryId?: string;
  secret?: string;
  signature?: string | null;
}

/** A WooCommerce delivery id: `wp_hash(webhook id . time())`, 32 hex characters. */
export const wooDeliveryId = (): string => randomBytes(16).toString('hex');

/** Posts a WooCommerce delivery with WooCommerce's headers. */
export const postWooCommerce = (
  platform: TestPlatform,
  body: unknown,
  { topic = 'product.updated', deliveryId = wooDeliveryId(), secret, signature }: WooCommerceDelivery,
): Promise<HttpResult> => {
  const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : phpJson(body);
  const hmac = signature === undefined ? storeSignature(secret ?? '', raw) : signature;
  const [resource, event] = topic.split('.');
  return platform.request('POST', '/api/webhooks/woocommerce', {
    raw,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'WooCommerce/9.8.1 Hookshot (WordPress/6.8)',
      'x-wc-webhook-source': 'https://shop.example/',
      'x-wc-webhook-topic': topic,
      'x-wc-webhook-resource': resource,
      'x-wc-webhook-event': event ?? '',
      'x-wc-webhook-id': '3',
      'x-wc-webhook-delivery-id': deliveryId,
      ...(hmac === null ? {} : { 'x-wc-webhook-signature': hmac }),
    },
  });
};

/**
 * WooCommerce's ping when a webhook is saved: `wp_safe_remote_post($url, ['body' => 'webhook_id=3'])`,
 * which WordPress sends as a form, with no signature and none of the X-WC-Webhook-* headers.
 */
export const pingWooCommerce = (platform: TestPlatform, webhookId = 3): Promise<HttpResult> =>
  platform.request('POST', '/api/webhooks/woocommerce', {
    raw: `webhook_id=${webhookId}`,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'WooCommerce/9.8.1 Hookshot (WordPress/6.8)',
    },
  });

/** Sets (or with `null` removes) a store's secret through the settings route, keeping everything else. */
export const connectStore = async (
  platform: TestPlatform,
  store: 'shopify' | 'woocommerce',
  secret: string | null,
): Promise<HttpResult> => {
  const current = await platform.admin('GET', '/api/admin/settings');
  return platform.admin('PUT', '/api/admin/settings', {
    ...current.body,
    connectors: { [store]: secret === null ? null : { secret } },
  });
};

/** A product's free units for backorders, as the console reads them. */
export const freeUnitsOf = async (platform: TestPlatform, sku: string): Promise<number> =>
  (await platform.admin('GET', `/api/admin/products/${sku}`)).body.stock;

/** A store's deliveries as the console lists them (the route must answer 200). */
export const deliveriesOf = async (
  platform: TestPlatform,
  store: 'shopify' | 'woocommerce',
): Promise<Record<string, any>[]> => {
  const list = await platform.admin('GET', `/api/admin/connectors/${store}/deliveries`);
  if (list.status !== 200) throw new Error(`deliveries answered ${list.status} ${JSON.stringify(list.body)}`);
  return list.body.items;
};
