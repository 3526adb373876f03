/**
 * The schema that guards every campaign a marketer saves. Apart from the campaign rules so the sender,
 * which only applies them, does not carry zod.
 */
import * as z from 'zod';
import { SEGMENTS } from './backorder';
import { skuSchema } from './backorder-schema';
import { durationMs, MAX_DELAY_MS } from './durations';
import { CONTROL_CHARACTERS } from './validation';
import { SUPPORTED_LOCALES } from '../../i18n/locales';

const delay = z.string().superRefine((value, ctx) => {
  try {
    const ms = durationMs(value);
    if (ms > MAX_DELAY_MS) ctx.addIssue({ code: 'custom', message: 'must be at most a year' });
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `must be an ISO-8601 duration like PT0S, PT4H or P2D (${(error as Error).message})`,
    });
  }
});

export const campaignIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'must be lower-case letters, digits and "-", at most 64' });

/** What a step says: its subject, HTML and optional text part (Liquid templates). */
const stepContent = {
  subject: z
    .string()
    .trim()
    .min(1)
    .max(300)
    .refine((v) => !CONTROL_CHARACTERS.test(v), { message: 'must be one line' }),
  html: z.string().min(1).max(12_000),
  text: z.string().max(12_000).optional(),
};

const stepSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, { message: 'must be letters, digits, "-" or "_"' }),
    delay,
    ...stepContent,
    // The step in other languages: a shopper whose language has one gets it, anyone else the step itself.
    locales: z.partialRecord(z.enum(SUPPORTED_LOCALES), z.object(stepContent).strict()).optional(),
  })
  .strict();

export const campaignSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    active: z.boolean(),
    audience: z
      .object({
        skus: z.array(skuSchema).max(500).optional(),
        segments: z.array(z.enum(SEGMENTS)).max(2).optional(),
      })
      .strict()
      .optional(),
    steps: z
      .array(stepSchema)
      .min(1)
      .max(20)
      .refine((steps) => new Set(steps.map((s) => s.id)).size === steps.length, {
        message: 'step ids must be unique',
      }),
  })
  .strict();

export type CampaignInput = z.infer<typeof campaignSchema>;
export type NurtureStep = CampaignInput['steps'][number];
/** The part of a step that is written in a language. */
export type StepContent = Pick<NurtureStep, 'subject' | 'html' | 'text'>;
