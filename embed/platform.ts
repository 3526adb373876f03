/**
 * The platform the script was loaded from. The embed runs on a shop's page, on the shop's own origin, and
 * calls the API of the origin that served `/embed.js` (cross-origin, allowed by the settings'
 * `embed.allowedOrigins`; docs/embed.md). Requests go through the pages' one API client (web/assets/api.js),
 * which sends no cookies to another origin.
 */
import { request } from '../web/assets/api.js';

export const PLATFORM_ORIGIN = new URL(import.meta.url).origin;

/** One call to the platform's API: `path` starts with /api/. */
export const callApi = (method: 'GET' | 'POST', path: string, body?: unknown) =>
  request(method, `${PLATFORM_ORIGIN}${path}`, body);

/** A variant as the picker lists it (`GET /api/products/by-product/{productId}`). */
export interface Variant {
  sku: string;
  name: string;
  options: Record<string, string>;
  backordersEnabled: boolean;
}

/** What `GET /api/products/{sku}` says about a product (docs/api.md). */
export interface Product {
  sku: string;
  name: string;
  productId?: string | null;
  backordersEnabled: boolean;
  /** Who may back-order; absent means no restriction, empty means nobody. */
  segments?: string[];
  expectedRestockDate: string | null;
  maxPerCustomer: number | null;
}

export const productPath = (sku: string) => `/api/products/${encodeURIComponent(sku)}`;
export const variantsPath = (productId: string) =>
  `/api/products/by-product/${encodeURIComponent(productId)}`;
