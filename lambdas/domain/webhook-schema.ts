/**
 * The schema that guards every webhook endpoint a marketer saves (PUT /api/admin/webhooks/{id}). Apart from
 * the webhook rules so the webhook sender, which only delivers, does not carry zod.
 */
import * as z from 'zod';
import { WEBHOOK_EVENT_TYPES } from './webhook';
import { CONTROL_CHARACTERS } from './validation';
import { endpointUrlProblem, type EgressPolicy } from './webhook-address';

/** Same rule as campaign ids: lower-case letters, digits and "-", at most 64, safe in paths and keys. */
export const webhookIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'must be lower-case letters, digits and "-", at most 64' });

/**
 * The URL's own rules. Where it may point (lambdas/domain/webhook-address.ts) depends on the policy: plain http
 * and loopback only while WEBHOOK_ALLOW_LOOPBACK=1, for the ERP receiver a developer (or a test) runs next to
 * `npm start`; never deployed. An IP literal in a private or internal range is refused here; a name is
 * resolved by the use-case (this module stays pure) and its addresses judged by the same rules.
 */
const endpointUrl = (policy: EgressPolicy) =>
  z
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
        ctx.addIssue({
          code: 'custom',
          message: 'must be an absolute URL such as https://erp.example/hooks',
        });
        return;
      }
      const problem = endpointUrlProblem(url, policy);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
      // Credentials in a URL end up in logs and in the console's list; the signature authenticates us instead.
      if (url.username || url.password) {
        ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password' });
      }
    });

const schemaFor = (policy: EgressPolicy) =>
  z
    .object({
      url: endpointUrl(policy),
      secret: z.string().min(16).max(256),
      events: z
        .array(z.enum(WEBHOOK_EVENT_TYPES))
        .min(1)
        .refine((events) => new Set(events).size === events.length, { message: 'events must be unique' }),
      active: z.boolean().default(true),
    })
    .strict();

const deployed = schemaFor({ allowLoopback: false });
const local = schemaFor({ allowLoopback: true });

/** The schema of a saved endpoint under this policy (loopback receivers allowed or not). */
export const webhookSchemaFor = (policy: EgressPolicy) => (policy.allowLoopback ? local : deployed);

export type WebhookInput = z.infer<typeof deployed>;
