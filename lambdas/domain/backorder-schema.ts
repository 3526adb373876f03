/**
 * The schemas that guard what shoppers send: the signup body, email addresses, SKUs. Kept apart from the
 * backorder's rules so functions that only apply rules (the sender) do not carry zod.
 */
import * as z from 'zod';
import { SEGMENTS } from './backorder';
import { CONTROL_CHARACTERS } from './validation';

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: `must be at most ${max} characters` })
    .refine((value) => !CONTROL_CHARACTERS.test(value), { message: 'must not contain control characters' });

export const emailAddress = z
  .string()
  .trim()
  .max(254, { message: 'must be at most 254 characters' })
  .refine((value) => !CONTROL_CHARACTERS.test(value), { message: 'must not contain control characters' })
  .pipe(z.email({ message: 'must be a valid email address' }));

export const skuSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'must be letters, digits, ".", "_" or "-"' });

const isTimeZone = (value: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
};

const timeZone = z
  .string()
  .max(64)
  .refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin' });

export const signupSchema = z
  .object({
    sku: skuSchema,
    email: emailAddress,
    quantity: z
      .number({ message: 'must be a whole number' })
      .int({ message: 'must be a whole number' })
      .min(1, { message: 'must be at least 1' })
      .default(1),
    name: text(200).optional(),
    company: text(200).optional(),
    segment: z.enum(SEGMENTS).default('b2c'),
    marketingConsent: z.boolean().default(false),
    // Absent: the browser's Accept-Language decides (lambdas/use-cases/signup.ts).
    locale: z
      .string()
      .regex(/^[a-z]{2}(-[A-Z]{2})?$/, { message: 'must look like "en" or "en-GB"' })
      .optional(),
    // The shopper's time zone, as their browser says (`Europe/Berlin`): a hold's end is shown in it.
    timeZone: timeZone.optional(),
  })
  .strict();

export type SignupRequest = z.infer<typeof signupSchema>;

/** Money as shops count it: minor units (cents) of an ISO 4217 currency. */
export const amountSchema = z
  .object({
    value: z.number().int({ message: 'must be a whole number of minor units (cents)' }).min(0).max(1e12),
    currency: z.string().regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as EUR' }),
  })
  .strict();

/** The shop's own order id: printable, as it shows on the shop's order page. */
export const orderIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((value) => !CONTROL_CHARACTERS.test(value), { message: 'must not contain control characters' });

/**
 * A paid order the shop's checkout queues (POST /api/admin/backorders): a signup's fields and the order.
 * `maxPerCustomer` does not apply: the shop already sold that quantity.
 */
export const paidOrderSchema = signupSchema
  .extend({ order: z.object({ id: orderIdSchema, amount: amountSchema }).strict() })
  .strict();

/** What a fulfil may say (POST /api/admin/backorders/{id}/fulfil): the shop's order and its amount. */
export const fulfilmentSchema = z
  .object({ orderId: orderIdSchema.optional(), amount: amountSchema.optional() })
  .strict()
  .refine((value) => value.amount === undefined || value.orderId !== undefined, {
    message: 'an amount needs the orderId it was paid under',
  });
