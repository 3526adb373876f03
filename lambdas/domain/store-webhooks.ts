/**
 * Shopify's and WooCommerce's stock webhooks as they send them (docs/connectors.md), read without I/O: the
 * signature (both sign the raw body: base64 HMAC-SHA256 with the shared secret), WooCommerce's creation ping,
 * which SKU each body sets to how many free units, and what makes two deliveries "the same".
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { ValidationError } from '../runtime/errors';
import { skuSchema } from './backorder-schema';
import type { ConnectorName } from './connectors';

/**
 * The largest delivery read. A products/update body carries every variant in full (about 1 KB each, plus
 * images and media), so a product of a few hundred variants is well past the 16 KiB of the JSON routes; 1 MiB
 * holds about 800 variants, and parsing it takes milliseconds of a 256 MB function.
 */
export { MAX_STORE_BODY_BYTES } from './body-limits';

/** Shopify allows 2048 variants a product; a body listing more is not Shopify's. */
export const MAX_VARIANTS = 2048;

/** What each store sends where (header names in lower case, as the router gives them). */
export const STORE_HEADERS = {
  shopify: {
    signature: 'x-shopify-hmac-sha256',
    deliveryId: 'x-shopify-webhook-id',
    topic: 'x-shopify-topic',
  },
  woocommerce: {
    signature: 'x-wc-webhook-signature',
    deliveryId: 'x-wc-webhook-delivery-id',
    topic: 'x-wc-webhook-topic',
  },
} as const satisfies Record<ConnectorName, Record<string, string>>;

/** The topic each store's connector reads; a delivery of another topic changes nothing. */
export const STOCK_TOPICS: Record<ConnectorName, string> = {
  shopify: 'products/update',
  woocommerce: 'product.updated',
};

export type StoreSignatureVerdict = 'valid' | 'missing' | 'malformed' | 'mismatch';

/**
 * Checks a store's signature header (base64 of the HMAC-SHA256 of the raw body) in constant time. The body
 * is the bytes as sent, never re-encoded text: one changed byte is a mismatch. The header is compared as
 * text with the canonical base64 of the expected digest, not decoded: a decoder ignores the last
 * character's spare bits, so several spellings would decode to the same digest.
 */
export const verifyStoreSignature = (
  secret: string,
  header: string | undefined,
  body: Buffer,
): StoreSignatureVerdict => {
  if (!header) return 'missing';
  const given = header.trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(given)) return 'malformed';
  const expected = createHmac('sha256', secret).update(body).digest('base64');
  return timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(given, 'latin1'))
    ? 'valid'
    : 'mismatch';
};

/** The header a store would send for this body (tests and docs sign the same way). */
export const storeSignature = (secret: string, body: string | Buffer): string =>
  createHmac('sha256', secret).update(body).digest('base64');

/**
 * WooCommerce's ping when a webhook is saved: a form body `webhook_id=<id>`, not signed (it must answer 200
 * or WooCommerce reports the delivery URL as failing). It changes nothing, so it needs no signature.
 */
export const isWooCommercePing = (body: Buffer): boolean =>
  body.length <= 40 && /^webhook_id=\d{1,20}$/.test(body.toString('latin1'));

/**
 * A header value fit to store and show: printable ASCII, at most 100 characters; anything else is treated
 * as absent (it came from whoever sent the request).
 */
export const headerText = (value: string | undefined): string | null => {
  const trimmed = value?.trim();
  return trimmed && /^[\x20-\x7e]{1,100}$/.test(trimmed) ? trimmed : null;
};

const bodyHash = (body: Buffer): string => createHash('sha256').update(body).digest('hex');

/**
 * What makes a repeated delivery the same one. Shopify keeps `X-Shopify-Webhook-Id` across its retries.
 * WooCommerce's `X-WC-Webhook-Delivery-ID` is a hash of the webhook id and the current second, so two
 * different deliveries of one second share it: its key adds a hash of the body, so only the same delivery
 * again is a duplicate. Without an id header, the body alone.
 */
export const deliveryKey = (connector: ConnectorName, deliveryId: string | null, body: Buffer): string => {
  const hash = bodyHash(body);
  if (!deliveryId) return `body-${hash}`;
  return connector === 'woocommerce' ? `${deliveryId}.${hash.slice(0, 16)}` : deliveryId;
};

/** The figure a store's quantity sets: whole units, never below 0 (a store that oversold says -2). */
const units = z
  .number()
  .finite()
  .min(-1_000_000_000)
  .max(1_000_000_000)
  .transform((q) => Math.max(0, Math.floor(q)));

/** A products/update body: the product with its variants (the fields read; every other one is allowed). */
export const shopifyProductSchema = z.looseObject({
  id: z.number(),
  updated_at: z.string().max(100).nullable().optional(),
  variants: z
    .array(
      z.looseObject({
        sku: z.string().max(1000).nullable().optional(),
        inventory_quantity: units.nullable().optional(),
      }),
    )
    .max(MAX_VARIANTS),
});

/** A product.updated body: one product or one variation, with its own SKU and stock. */
export const wooCommerceProductSchema = z.looseObject({
  id: z.number(),
  sku: z.string().max(1000),
  // null when the product does not manage its stock.
  stock_quantity: units.nullable(),
  date_modified_gmt: z.string().max(100).nullable().optional(),
});

/** What a store's body sets, and what it leaves aside (and why, for the delivery's record). */
export interface StockReport {
  figures: { sku: string; available: number }[];
  /** The store's own time of this state of the product (ms), from the signed body; absent if it has none. */
  sourceAt?: number;
  /** Entries without a SKU, or without a quantity (stock not tracked): not ours to set. */
  withoutSku: number;
  withoutQuantity: number;
  /** SKUs no product of ours could have (characters our SKUs never use): ignored like unknown ones. */
  foreign: string[];
  /** SKUs the body names twice with different quantities: which one is meant cannot be told. */
  ambiguous: string[];
}

const parseJson = (body: Buffer, what: string): unknown => {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new ValidationError(`The body is not ${what}: not valid JSON`);
  }
};

const parseShape = <S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> => {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    `The body is not ${what}`,
    result.error.issues.slice(0, 10).map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  );
};

/** A timestamp of the body; an unreadable one is as if absent (it only orders deliveries). */
const moment = (value: string | null | undefined, utcWithoutZone: boolean): number | undefined => {
  if (!value) return undefined;
  const withZone = utcWithoutZone && !/(Z|[+-]\d\d:?\d\d)$/i.test(value) ? `${value}Z` : value;
  const ms = Date.parse(withZone);
  return Number.isFinite(ms) ? ms : undefined;
};

/** Collects figures by SKU: our SKUs only, one figure each. */
const collect = (entries: { sku: string | null | undefined; available: number | null | undefined }[]) => {
  const report: Omit<StockReport, 'sourceAt'> = {
    figures: [],
    withoutSku: 0,
    withoutQuantity: 0,
    foreign: [],
    ambiguous: [],
  };
  const bySku = new Map<string, number | 'ambiguous'>();
  for (const entry of entries) {
    if (!entry.sku?.trim()) report.withoutSku += 1;
    else if (entry.available === null || entry.available === undefined) report.withoutQuantity += 1;
    else {
      const sku = skuSchema.safeParse(entry.sku);
      if (!sku.success) report.foreign.push(entry.sku.trim().slice(0, 64));
      else {
        const seen = bySku.get(sku.data);
        bySku.set(sku.data, seen === undefined || seen === entry.available ? entry.available : 'ambiguous');
      }
    }
  }
  for (const [sku, available] of bySku) {
    if (available === 'ambiguous') report.ambiguous.push(sku);
    else report.figures.push({ sku, available });
  }
  return report;
};

/** Reads a Shopify products/update body: each variant's SKU and `inventory_quantity`. */
export const readShopifyProduct = (body: Buffer): StockReport => {
  const product = parseShape(shopifyProductSchema, parseJson(body, 'a product'), 'a products/update body');
  return {
    ...collect(product.variants.map((v) => ({ sku: v.sku, available: v.inventory_quantity }))),
    sourceAt: moment(product.updated_at, false),
  };
};

/** Reads a WooCommerce product.updated body: the product's (or variation's) SKU and `stock_quantity`. */
export const readWooCommerceProduct = (body: Buffer): StockReport => {
  const product = parseShape(
    wooCommerceProductSchema,
    parseJson(body, 'a product'),
    'a product.updated body',
  );
  return {
    ...collect([{ sku: product.sku, available: product.stock_quantity }]),
    // WooCommerce writes its GMT times without a zone.
    sourceAt: moment(product.date_modified_gmt, true),
  };
};

export const readStockReport: Record<ConnectorName, (body: Buffer) => StockReport> = {
  shopify: readShopifyProduct,
  woocommerce: readWooCommerceProduct,
};

/** What a store last said of a product's stock, kept on the product: the figure, and the store's time. */
export interface StoreMark {
  figure: number;
  at?: number;
}

export type StoreStockDecision = 'set' | 'unchanged' | 'stale';

/**
 * Whether a store's figure for a product is news:
 * - `stale`: older than the figure last applied (stores retry for hours with the body of the moment they
 *   first tried, and deliveries may cross): an older state must not overwrite a newer one;
 * - `unchanged`: the figure the store said last. Every edit of a product (a title, a price) sends its
 *   stock again; setting it again would hand out anew the units allocation has given since;
 * - `set`: a new figure: it becomes the free units.
 */
export const decideStoreStock = (
  previous: StoreMark | undefined,
  figure: number,
  sourceAt: number | undefined,
): StoreStockDecision => {
  if (previous?.at !== undefined && sourceAt !== undefined && sourceAt < previous.at) return 'stale';
  return previous?.figure === figure ? 'unchanged' : 'set';
};

/** What became of each SKU of a delivery (lambdas/use-cases/store-stock.ts). */
export type SkuOutcome = 'set' | 'duplicate' | 'unchanged' | 'stale' | 'unknown';

export type StoreStockResult = Record<SkuOutcome, string[]>;

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The record's words for an accepted delivery: "2 SKUs set, 1 unknown SKU ignored". */
export const acceptedReason = (result: StoreStockResult, report: StockReport): string => {
  const parts = [
    result.set.length || result.duplicate.length ? '' : 'nothing set',
    result.set.length ? `${count(result.set.length, 'SKU')} set` : '',
    result.duplicate.length ? `${count(result.duplicate.length, 'SKU')} already set by this delivery` : '',
    result.unchanged.length ? `${count(result.unchanged.length, 'SKU')} unchanged` : '',
    result.stale.length
      ? `${count(result.stale.length, 'SKU')} older than the figure already set, ignored`
      : '',
    result.unknown.length || report.foreign.length
      ? `${count(result.unknown.length + report.foreign.length, 'unknown SKU')} ignored`
      : '',
    report.ambiguous.length ? `${count(report.ambiguous.length, 'SKU')} listed twice, ignored` : '',
    report.withoutSku ? `${count(report.withoutSku, 'entry', 'entries')} without a SKU ignored` : '',
    report.withoutQuantity
      ? `${count(report.withoutQuantity, 'SKU')} without a stock quantity (not tracked) ignored`
      : '',
  ];
  return parts.filter(Boolean).join(', ');
};
