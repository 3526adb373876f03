/**
 * The stock update the ERP's webhook and the console send: one SKU, or many at once, each with the number of
 * free units the shop now has for backorders (an absolute figure, not a change).
 */
import * as z from 'zod';
import { skuSchema } from './backorder-schema';
import { CONTROL_CHARACTERS } from './validation';

const available = z
  .number({ message: 'must be a whole number' })
  .int({ message: 'must be a whole number' })
  .min(0, { message: 'must be at least 0' })
  .max(1_000_000_000, { message: 'must be at most 1000000000' });

const stockUpdate = z.object({ sku: skuSchema, available }).strict();

export const inventorySchema = z
  .object({
    eventId: z
      .string()
      .min(1)
      .max(200)
      .refine((v) => !CONTROL_CHARACTERS.test(v), { message: 'must not contain control characters' })
      .optional(),
    sku: skuSchema.optional(),
    available: available.optional(),
    updates: z.array(stockUpdate).min(1).max(500).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const single = body.sku !== undefined || body.available !== undefined;
    if (single && body.updates !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['updates'],
        message: 'send either sku and available, or updates',
      });
    else if (!single && body.updates === undefined)
      ctx.addIssue({ code: 'custom', path: [], message: 'send sku and available, or updates' });
    else if (single) {
      if (body.sku === undefined) ctx.addIssue({ code: 'custom', path: ['sku'], message: 'is required' });
      if (body.available === undefined)
        ctx.addIssue({ code: 'custom', path: ['available'], message: 'is required' });
    }
    const seen = new Set<string>();
    body.updates?.forEach((update, i) => {
      if (seen.has(update.sku))
        ctx.addIssue({ code: 'custom', path: ['updates', i, 'sku'], message: 'appears more than once' });
      seen.add(update.sku);
    });
  })
  .transform((body) => ({
    eventId: body.eventId,
    updates: body.updates ?? [{ sku: body.sku!, available: body.available! }],
  }));

export type InventoryUpdate = z.output<typeof inventorySchema>;
