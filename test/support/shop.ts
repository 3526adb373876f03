/**
 * What a test does as the shop's people and systems do it, the same way in every file: a marketer creates a
 * product, a shopper signs up, the ERP reports stock through the signed inventory webhook.
 */
import { randomBytes } from 'node:crypto';
import { signatureHeader } from '../../lambdas/runtime/signature';
import { uniqueEmail } from './mailbox';
import type { HttpResult, TestPlatform } from './platform';

export const uniqueSku = (label: string): string =>
  `${label}-${randomBytes(5).toString('hex')}`.toUpperCase();

export interface ProductBody {
  name: string;
  productId?: string;
  options?: Record<string, string>;
  stock?: number;
  supplierId?: string;
  expectedRestockDate?: string | null;
  backorders?: { enabled: boolean; segments?: string[]; maxPerCustomer?: number };
}

/** Creates (or replaces) a product through the console API and returns its SKU. */
export const putProduct = async (
  platform: TestPlatform,
  sku: string,
  body: ProductBody = { name: `Product ${sku}` },
): Promise<string> => {
  const response = await platform.admin('PUT', `/api/admin/products/${encodeURIComponent(sku)}`, body);
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`PUT product ${sku} answered ${response.status} ${JSON.stringify(response.body)}`);
  }
  return sku;
};

/** A new product (SKU `label-…`) open to backorders for everyone, unless `body` says otherwise. */
export const newProduct = async (
  platform: TestPlatform,
  label: string,
  body?: Partial<ProductBody>,
): Promise<string> => {
  const sku = uniqueSku(label);
  const response = await platform.admin('PUT', `/api/admin/products/${sku}`, {
    name: `Product ${sku}`,
    ...body,
  });
  expect(response.status).toBe(201);
  return sku;
};

/** The id and token of a status link (`/status?id=…#token=…`; older links carried `&token=`). */
export const linkParts = (statusUrl: string): { id: string; token: string } => {
  const url = new URL(statusUrl);
  const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? url.searchParams.get('token');
  return { id: url.searchParams.get('id') ?? '', token: token ?? '' };
};

export interface Shopper {
  id: string;
  email: string;
  quantity: number;
  /** The page link's token (reads and cancels this backorder). */
  token: string;
  statusUrl: string;
}

export interface Signup {
  sku: string;
  /** Default: a new address made from `label`. */
  email?: string;
  label?: string;
  quantity?: number;
  name?: string;
  company?: string;
  segment?: 'b2c' | 'b2b';
  marketingConsent?: boolean;
  /** The shopper's language (`de`, `de-AT`…): which version of their emails they get. */
  locale?: string;
}

/** A shopper's signup through the public API, which must be a new backorder (201). */
export const signUpShopper = async (
  platform: TestPlatform,
  { label = 'shopper', email = uniqueEmail(label), quantity = 1, ...rest }: Signup,
): Promise<Shopper> => {
  const response = await platform.request('POST', '/api/backorders', { json: { ...rest, email, quantity } });
  expect(response.status).toBe(201);
  const statusUrl = response.body.statusUrl as string;
  return { id: response.body.id as string, email, quantity, token: linkParts(statusUrl).token, statusUrl };
};

/**
 * Posts an inventory update as the ERP does, signed with the platform's secret; `secret`, `atMs` or a whole
 * `header` sign it otherwise.
 */
export const postInventory = (
  platform: TestPlatform,
  body: unknown,
  options: { secret?: string; atMs?: number; header?: string } = {},
): Promise<HttpResult> => {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return platform.request('POST', '/api/webhooks/inventory', {
    raw,
    headers: {
      'content-type': 'application/json',
      'x-signature':
        options.header ?? signatureHeader(options.secret ?? platform.webhookSecret, raw, options.atMs),
    },
  });
};
