/**
 * The schema that guards every supplier a marketer saves (PUT /api/admin/suppliers/{id}). Apart from the
 * supplier rules so the scheduler and the sender, which only apply them, do not carry zod.
 */
import * as z from 'zod';
import { emailAddress } from './backorder-schema';
import { DEFAULT_BATCH_HOUR, DEFAULT_MIN_UNITS, WEEKDAYS } from './supplier';
import { CONTROL_CHARACTERS } from './validation';
import { SUPPORTED_LOCALES } from '../../i18n/locales';

/** What products name in `supplierId`, starting with a letter or digit: safe in paths, keys and file names. */
export const supplierIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
  message: 'must be letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64',
});

const hour = z
  .number({ message: 'must be a whole hour from 0 to 23 (UTC)' })
  .int({ message: 'must be a whole hour from 0 to 23 (UTC)' })
  .min(0, { message: 'must be a whole hour from 0 to 23 (UTC)' })
  .max(23, { message: 'must be a whole hour from 0 to 23 (UTC)' })
  .default(DEFAULT_BATCH_HOUR);

const minUnits = z
  .number({ message: 'must be a whole number of at least 1' })
  .int({ message: 'must be a whole number of at least 1' })
  .min(1, { message: 'must be a whole number of at least 1' })
  .max(1_000_000, { message: 'must be at most 1000000' })
  .default(DEFAULT_MIN_UNITS);

const day = z.enum(WEEKDAYS, { message: `must be one of ${WEEKDAYS.join(', ')}` });

const batchSchema = z.discriminatedUnion(
  'every',
  [
    z.object({ every: z.literal('week'), day, hour, minUnits }).strict(),
    // A daily batch has no day: sending one would say something the schedule ignores.
    z.object({ every: z.literal('day'), hour, minUnits }).strict(),
  ],
  { message: 'must be "week" (with a day) or "day"' },
);

export const supplierSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .refine((v) => !CONTROL_CHARACTERS.test(v), { message: 'must not contain control characters' }),
    email: emailAddress,
    batch: batchSchema,
    /** The language of the supplier's batch emails; absent: English. */
    locale: z.enum(SUPPORTED_LOCALES).optional(),
  })
  .strict();

export type SupplierInput = z.infer<typeof supplierSchema>;
