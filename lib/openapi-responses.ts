/**
 * The shapes the API answers with, for the OpenAPI document (lib/openapi.ts): the shopper's and the ERP's
 * routes here, the console's in lib/openapi-console-responses.ts. The handlers build their answers as plain
 * TypeScript objects, not through zod, so each schema is checked at compile time to describe exactly the type
 * its use-case returns (`Proof<Describes<…>>` below): change an answer without changing its schema and `tsc`
 * fails.
 */
import * as z from 'zod';
import { KINDS, SEGMENTS, STATUSES } from '../lambdas/domain/backorder';
import type { ErrorDetail } from '../lambdas/runtime/errors';
import { DELIVERY_STATES, WEBHOOK_EVENT_TYPES } from '../lambdas/domain/webhook';
import type { InventoryReceipt } from '../lambdas/use-cases/inventory';
import type { productPage, productVariants } from '../lambdas/use-cases/product-page';
import type { cancelBackorder, shopperView } from '../lambdas/use-cases/shopper-backorder';
import type { KeptPlace } from '../lambdas/use-cases/keep-place';
import type { eraseShopperData, exportShopperData } from '../lambdas/use-cases/shopper-data';
import type { NewSignup, RepeatedSignup } from '../lambdas/use-cases/signup';

/** True when A and B are the same type (not merely assignable to each other). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Whether the schema's output is exactly T; `Proof<…>` compiles only when it is. */
export type Describes<S extends z.ZodType, T> = Same<z.output<S>, T>;
export type Proof<Ok extends true> = Ok;
export type Answer<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

export const instant = z.string().describe('ISO 8601 instant');
export const status = z.enum(STATUSES);
export const eventType = z.enum([
  'created',
  'cancelled',
  'allocated',
  'fulfilled',
  'consent_confirmed',
  'expired',
  'reminded',
  'hold_extended',
  'checkout_clicked',
  'eta_kept',
  'erased',
]);
export const kind = z
  .enum(KINDS)
  .describe(
    "reservation: a shopper's signup, held for a while once allocated; order: a paid order, never expires",
  );
export const holdUntil = instant
  .nullable()
  .describe(
    'While allocated with a hold: when the units go to the next in line unless ordered; null otherwise',
  );
export const page = <S extends z.ZodType>(item: S) =>
  z.object({
    items: z.array(item),
    cursor: z.string().nullable().describe('Pass back as ?cursor= for more'),
  });

export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })),
  }),
});
type _ErrorDetail = Proof<Describes<typeof errorBody.shape.error.shape.details.element, ErrorDetail>>;

// ---- shopper routes ------------------------------------------------------------------------------------

const variantOptions = z
  .record(z.string(), z.string())
  .describe('What sets the variant apart, e.g. {"size":"M","colour":"Blue"}; {} when nothing');

export const variantAnswer = z.object({
  sku: z.string(),
  name: z.string(),
  options: variantOptions,
  backordersEnabled: z.boolean(),
});

export const productPageAnswer = z.object({
  sku: z.string(),
  name: z.string(),
  productId: z.string().nullable().describe('The product this SKU is a variant of; null when none'),
  options: variantOptions,
  backordersEnabled: z.boolean(),
  segments: z.array(z.enum(SEGMENTS)).describe('Who may back-order; empty when closed'),
  expectedRestockDate: z.string().nullable(),
  maxPerCustomer: z.number().nullable(),
  variants: z
    .array(variantAnswer)
    .describe(
      'The SKUs of the same product, this one included, by SKU (200 at most); itself alone without a productId',
    ),
});
type _ProductPage = Proof<Describes<typeof productPageAnswer, Answer<typeof productPage>>>;

export const productVariantsAnswer = z.object({
  productId: z.string(),
  variants: z.array(variantAnswer).describe('By SKU, 200 at most'),
});
type _ProductVariants = Proof<Describes<typeof productVariantsAnswer, Answer<typeof productVariants>>>;

export const newSignupAnswer = z.object({
  id: z.string(),
  sku: z.string(),
  email: z.string(),
  quantity: z.number(),
  status,
  position: z.number().nullable().describe('1-based place in the queue while waiting'),
  statusUrl: z.string().describe('The page link: reads and cancels this backorder'),
  createdAt: instant,
  created: z.literal(true),
});
type _NewSignup = Proof<Describes<typeof newSignupAnswer, NewSignup['backorder']>>;

export const repeatedSignupAnswer = z.object({
  id: z.string(),
  sku: z.string(),
  created: z.literal(false),
  statusUrl: z.null(),
});
type _RepeatedSignup = Proof<Describes<typeof repeatedSignupAnswer, RepeatedSignup['backorder']>>;

export const shopperBackorder = z.object({
  id: z.string(),
  sku: z.string(),
  productName: z.string(),
  email: z.string(),
  quantity: z.number(),
  status,
  kind,
  position: z.number().nullable(),
  holdUntil: holdUntil.describe(
    'While allocated with a hold: the page offers "Complete your order" (`/r/{id}?token=`) until then; null otherwise',
  ),
  createdAt: instant,
  locale: z.string().describe('The language the shopper signed up in ("de", "de-AT"…)'),
  events: z.array(z.object({ at: instant, type: eventType })),
  expectedRestockDate: z.string().nullable().describe("The product's expected restock date now"),
  etaHistory: z
    .array(z.object({ date: z.string().nullable(), at: instant }))
    .describe(
      'The expected dates this shopper has seen, oldest first: the one they signed up under, then each announced',
    ),
  etaChoice: z
    .object({ date: z.string().nullable(), askedAt: instant, keptAt: instant.nullable() })
    .nullable()
    .describe(
      'The date slipped far and the shopper was asked to keep their place or cancel; keptAt once they kept it',
    ),
  link: z.enum(['page', 'email']).describe('Which link opened it: only an email link exports or erases'),
});
type _ShopperBackorder = Proof<Describes<typeof shopperBackorder, Answer<typeof shopperView>>>;

export const keptAnswer = z.object({
  id: z.string(),
  status: z.literal('waiting'),
  keptAt: instant
    .nullable()
    .describe('When the shopper kept their place after the last ask; null: none was asked'),
});
type _Kept = Proof<Describes<typeof keptAnswer, KeptPlace>>;

export const cancelAnswer = z.object({ id: z.string(), status });
type _Cancel = Proof<Describes<typeof cancelAnswer, Pick<Answer<typeof cancelBackorder>, 'id' | 'status'>>>;

export const erasedAnswer = z.object({ id: z.string(), erased: z.literal(true) });
type _Erased = Proof<Describes<typeof erasedAnswer, Answer<typeof eraseShopperData>>>;

export const emailOutcome = z.enum(['sending', 'sent', 'withheld', 'bounced', 'soft-bounced', 'complained']);

export const shopperData = z.object({
  exportedAt: instant,
  email: z.string(),
  backorders: z.array(
    z.object({
      id: z.string(),
      sku: z.string(),
      productName: z.union([z.string(), z.undefined()]),
      email: z.string(),
      name: z.string().nullable(),
      company: z.string().nullable(),
      segment: z.enum(SEGMENTS),
      quantity: z.number(),
      status,
      marketingConsent: z.boolean(),
      consentEffectiveAt: z.string().nullable(),
      locale: z.string(),
      createdAt: instant,
      updatedAt: instant,
      allocatedAt: z.string().nullable(),
      events: z.array(z.object({ at: instant, type: eventType, by: z.string().nullable() })),
    }),
  ),
  emails: z.array(
    z.object({
      kind: z.string(),
      backorderId: z.string().nullable(),
      subject: z.string().nullable(),
      campaignId: z.string().nullable(),
      stepId: z.string().nullable(),
      sentAt: z.string().nullable(),
      outcome: emailOutcome,
      outcomeAt: z.string().nullable(),
    }),
  ),
  marketingEmail: z.union([
    z.object({
      suppressed: z.boolean(),
      reason: z.enum(['unsubscribed', 'bounced', 'complained']),
      since: instant,
    }),
    z.object({ suppressed: z.boolean(), reason: z.null(), since: z.null() }),
  ]),
  nurtureSequences: z.array(
    z.object({
      backorderId: z.string(),
      campaignId: z.string(),
      state: z.enum(['active', 'paused', 'done', 'stopped']),
      enrolledAt: instant,
    }),
  ),
  webhookDeliveries: z.array(
    z.object({
      endpoint: z.string(),
      event: z.enum(WEBHOOK_EVENT_TYPES),
      backorderId: z.string(),
      at: instant,
      state: z.enum(DELIVERY_STATES),
      deliveredAt: z.string().nullable(),
    }),
  ),
});
type _ShopperData = Proof<Describes<typeof shopperData, Answer<typeof exportShopperData>>>;

export const inventoryReceipt = z.object({
  eventId: z.string().nullable(),
  updated: z.array(z.string()).describe('SKUs whose free stock this request set'),
  duplicates: z.array(z.string()).describe('SKUs this event (or this very signed request) had already set'),
});
type _InventoryReceipt = Proof<Describes<typeof inventoryReceipt, InventoryReceipt>>;
