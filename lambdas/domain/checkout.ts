/**
 * From alert to order: where an allocated shopper completes the purchase (the shop's checkout URL) and how
 * long their units are held for them. Pure rules only: the schema that guards every save, which setting
 * applies to a product, the filled-in URL, and when the reminder falls due.
 */
import * as z from 'zod';
import { durationMs } from './durations';

/** The placeholders a checkout URL template may hold; each is filled URL-encoded. */
export const CHECKOUT_PLACEHOLDERS = ['sku', 'quantity', 'claim'] as const;

const MIN_HOLD_MS = 10_000;
const MAX_HOLD_MS = 30 * 24 * 3_600_000;

const placeholders = (template: string): string[] =>
  [...template.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1]);

export interface CheckoutValues {
  sku: string;
  quantity: number;
  claim: string;
}

/** The template with every placeholder filled, each value URL-encoded (a SKU may hold `/` or `#`). */
export const fillCheckoutUrl = (template: string, values: CheckoutValues): string =>
  template.replace(/\{(sku|quantity|claim)\}/g, (_all, name: keyof CheckoutValues) =>
    encodeURIComponent(String(values[name])),
  );

const isHttpUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
};

const checkoutUrl = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .refine(
    (v) => placeholders(v).every((name) => (CHECKOUT_PLACEHOLDERS as readonly string[]).includes(name)),
    {
      message: 'may hold only the placeholders {sku}, {quantity} and {claim}',
    },
  )
  // Checked filled in: the redirect sends shoppers to exactly this shape of URL, never anywhere else.
  .refine((v) => isHttpUrl(fillCheckoutUrl(v, { sku: 'SKU', quantity: 1, claim: 'CLAIM' })), {
    message: 'must be an http(s) URL once its placeholders are filled in',
  });

const holdMs = (value: string): number | undefined => {
  try {
    return durationMs(value);
  } catch {
    return undefined;
  }
};

export const holdDuration = z
  .string()
  .max(40)
  .refine(
    (v) => {
      const ms = holdMs(v);
      return ms !== undefined && ms >= MIN_HOLD_MS && ms <= MAX_HOLD_MS;
    },
    { message: 'must be an ISO-8601 duration from PT10S to P30D, such as P2D or PT12H' },
  );

/** The site's or a product's checkout: a product's fields override the site's one by one. */
export const checkoutSchema = z
  .object({ url: checkoutUrl.optional(), hold: holdDuration.optional() })
  .strict();

export type CheckoutSettings = z.infer<typeof checkoutSchema>;

export { DEFAULT_HOLD, effectiveCheckout, reminderDueMs, type EffectiveCheckout } from './hold-time';

/** How much longer customer service may extend a hold, once. */
export const extensionSchema = z
  .object({
    by: z
      .string()
      .max(40)
      .refine(
        (v) => {
          const ms = holdMs(v);
          return ms !== undefined && ms >= 60_000 && ms <= MAX_HOLD_MS;
        },
        { message: 'must be an ISO-8601 duration from PT1M to P30D, such as P1D' },
      ),
  })
  .strict();

/** What a shop's checkout sends to verify a claim (POST /api/admin/claims/verify). */
export const claimRequest = z
  .object({ claim: z.string().max(200).describe('The claim code, as received') })
  .strict();
