/**
 * API keys for machines (the ERP, the shop's checkout): what one looks like, and what a new one needs.
 *
 * A key is `bo_<id>_<secret>`: the id (16 Crockford base32 characters) finds its row with one read, and the
 * secret (256 random bits) is only ever stored as its SHA-256 hash and compared in constant time. A hash
 * without a salt or stretching is right here, unlike for passwords: the secret is random and as long as the
 * hash, so there is nothing to guess. The prefix lets secret scanners (and people) recognise a leaked key.
 */
import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { apiKeyScopes } from '../../lib/access';
import { CONTROL_CHARACTERS } from './validation';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const KEY = /^bo_([0-9A-HJKMNP-TV-Z]{16})_([A-Za-z0-9_-]{43})$/;

/** Live keys a shop may hold: enough for every system it runs, few enough to list in one read. */
export const MAX_API_KEYS = 50;

export const newApiKeyId = (): string => {
  const random = randomBytes(16);
  let id = '';
  for (let i = 0; i < 16; i++) id += CROCKFORD[random[i] % 32];
  return id;
};

export const newApiKey = (id: string): { key: string; secret: string } => {
  const secret = randomBytes(32).toString('base64url');
  return { key: `bo_${id}_${secret}`, secret };
};

/** The id and secret of something shaped like a key; undefined for anything else (a JWT, a console token). */
export const parseApiKey = (credential: string): { id: string; secret: string } | undefined => {
  const match = KEY.exec(credential);
  return match ? { id: match[1], secret: match[2] } : undefined;
};

export const apiKeyIdSchema = z
  .string()
  .regex(/^[0-9A-HJKMNP-TV-Z]{16}$/, { message: 'is not an API key id' });

export const newApiKeySchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, { message: 'is required' })
    .max(100)
    .refine((name) => !CONTROL_CHARACTERS.test(name), { message: 'must not contain control characters' }),
  scopes: z
    .array(z.enum(apiKeyScopes))
    .min(1, { message: 'needs at least one scope' })
    .transform((scopes) => [...new Set(scopes)].sort()),
});
export type NewApiKey = z.infer<typeof newApiKeySchema>;

/** A key as the console lists it: never the secret or its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A key just made: its view, and the key itself, in this answer only. */
export interface MadeApiKey extends ApiKeyView {
  key: string;
}
