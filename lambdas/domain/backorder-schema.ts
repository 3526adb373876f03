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
  })
  .strict();

export type SignupRequest = z.infer<typeof signupSchema>;
