/**
 * Site settings and products as marketers edit them in the console, with the schemas that guard every write.
 */
import * as z from 'zod';
import { SEGMENTS } from './backorder';
import { emailAddress, skuSchema } from './backorder-schema';
import type { BackorderPolicy } from './eligibility';
import { CONTROL_CHARACTERS } from './validation';
import { isWebOrigin } from './cors';
import { checkoutSchema, type CheckoutSettings } from './checkout';
import type { EtaHistoryEntry } from './eta';

const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((v) => !CONTROL_CHARACTERS.test(v), { message: 'must not contain control characters' });

const segmentList = z
  .array(z.enum(SEGMENTS))
  .max(2)
  .refine((list) => new Set(list).size === list.length, { message: 'must not repeat a segment' });

/** "Shop Name <shop@example.com>" or a bare address: what goes into the From header. */
const mailbox = z
  .string()
  .trim()
  .max(320)
  .refine((v) => !CONTROL_CHARACTERS.test(v), { message: 'must not contain control characters' })
  .refine(
    (v) => {
      const match = /^(?:([^<>"]{1,100})\s*)?<([^<>]+)>$/.exec(v);
      return emailAddress.safeParse(match ? match[2] : v).success;
    },
    { message: 'must be an email address, optionally as "Name <address>"' },
  );

const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .refine(
    (v) => {
      try {
        const url = new URL(v);
        return url.protocol === 'https:' || url.protocol === 'http:';
      } catch {
        return false;
      }
    },
    { message: 'must be an http(s) URL' },
  );

/** Most origins a shop may list: its storefronts and their staging copies, not a directory of the web. */
export const MAX_ALLOWED_ORIGINS = 50;

/** Which of the shop's own web pages may embed the signup form (lambdas/domain/cors.ts). */
const embedSettings = z
  .object({
    allowedOrigins: z
      .array(
        z.string().max(300).refine(isWebOrigin, {
          message:
            'must be an origin such as https://shop.example: scheme, host and port only, in lower case',
        }),
      )
      .max(MAX_ALLOWED_ORIGINS)
      .refine((list) => new Set(list).size === list.length, { message: 'must not repeat an origin' }),
  })
  .strict();

/**
 * The site settings a PUT replaces whole. The backorder policy, the opt-in choice and the sender are always
 * said; optional sections left out take their defaults (a shop that never saved settings has those of
 * lambdas/domain/site-defaults.ts, double opt-in on).
 */
export const siteSettingsSchema = z
  .object({
    backorders: z.object({ enabled: z.boolean(), segments: segmentList }).strict(),
    doubleOptIn: z.boolean(),
    sender: z.object({ from: mailbox, replyTo: mailbox.optional(), postalAddress: line(500) }).strict(),
    publicBaseUrl: httpUrl.optional(),
    embed: embedSettings.optional(),
    // Where an allocated shopper completes the order, and how long their units are held (lambdas/domain/checkout.ts).
    checkout: checkoutSchema.optional(),
    // When a moved expected date asks waiting shoppers to keep their place or cancel (lambdas/domain/eta.ts).
    etaSlip: z
      .object({ askAfterDays: z.number().int().min(1).max(365) })
      .strict()
      .optional(),
  })
  .strict();

export type SiteSettings = z.infer<typeof siteSettingsSchema>;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date like 2026-12-24' })
  .refine(
    (v) =>
      !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
    {
      message: 'must be a real calendar date',
    },
  );

export { MAX_VARIANTS } from './catalog-limits';

/** What groups variants: the shop's own product id, spelt like a SKU. */
export const productIdSchema = skuSchema;

/** What sets a variant apart, as the shopper reads it: `{"size":"M","colour":"Blue"}`. */
const variantOptions = z
  .record(
    z
      .string()
      .min(1)
      .max(30)
      .regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]*$/u, {
        message: 'option names are letters, digits, spaces, "_" or "-"',
      }),
    line(60),
  )
  .refine((options) => Object.keys(options).length <= 5, { message: 'at most 5 options' });

export const productSchema = z
  .object({
    name: line(200),
    productId: productIdSchema.optional(),
    options: variantOptions.optional(),
    // Free units for backorders. Omitted: a new product has none, an existing one keeps what it has (the
    // platform spends it as it allocates, so a form that did not show it must not reset it).
    stock: z.number().int().min(0).max(1_000_000_000).optional(),
    supplierId: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/)
      .optional(),
    expectedRestockDate: isoDate.nullable().optional(),
    backorders: z
      .object({
        enabled: z.boolean(),
        segments: segmentList.optional(),
        maxPerCustomer: z.number().int().min(1).max(1_000_000).optional(),
      })
      .strict()
      .optional(),
    // Overrides the site's checkout field by field.
    checkout: checkoutSchema.optional(),
  })
  .strict();

export type ProductInput = z.infer<typeof productSchema>;

export interface Product {
  sku: string;
  name: string;
  productId?: string;
  options?: Record<string, string>;
  stock: number;
  supplierId?: string;
  expectedRestockDate?: string | null;
  backorders?: BackorderPolicy;
  checkout?: CheckoutSettings;
  /** The expected dates announced to waiting shoppers, oldest first (lambdas/domain/eta.ts). */
  etaHistory?: EtaHistoryEntry[];
  /** While a changed date waits for its window to end: when its waiting shoppers are told. */
  etaUpdateDueAt?: string;
  createdAt: string;
  updatedAt: string;
}
