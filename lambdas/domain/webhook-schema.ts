/**
 * The schema that guards every webhook endpoint a marketer saves (PUT /api/admin/webhooks/{id}). Apart from
 * the webhook rules so the webhook sender, which only delivers, does not carry zod.
 */
import * as z from 'zod';
import { WEBHOOK_EVENT_TYPES } from './webhook';
import { CONTROL_CHARACTERS } from './validation';

/** Same rule as campaign ids: lower-case letters, digits and "-", at most 64, safe in paths and keys. */
export const webhookIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'must be lower-case letters, digits and "-", at most 64' });

/**
 * Plain http is allowed only to the machine itself: the ERP receiver a developer (or a test) runs next to
 * `npm start`. Deployed, a Lambda's loopback reaches nothing, so this opens no unencrypted path over a
 * network; every real endpoint gets the signed event, with the shopper's personal data, over TLS.
 */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const endpointUrl = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    if (/\s/.test(value) || CONTROL_CHARACTERS.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'must not contain spaces or control characters' });
      return;
    }
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute URL such as https://erp.example/hooks' });
      return;
    }
    if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
      ctx.addIssue({ code: 'custom', message: 'must use https (http only to localhost)' });
    } else if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      ctx.addIssue({ code: 'custom', message: 'must use https' });
    }
    // Credentials in a URL end up in logs and in the console's list; the signature authenticates us instead.
    if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password' });
    }
  });

export const webhookSchema = z
  .object({
    url: endpointUrl,
    secret: z.string().min(16).max(256),
    events: z
      .array(z.enum(WEBHOOK_EVENT_TYPES))
      .min(1)
      .refine((events) => new Set(events).size === events.length, { message: 'events must be unique' }),
    active: z.boolean().default(true),
  })
  .strict();

export type WebhookInput = z.infer<typeof webhookSchema>;
