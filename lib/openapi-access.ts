/**
 * What the OpenAPI document says about the access routes (who am I, API keys): their entries, in the form of
 * lib/openapi-console-routes.ts, and the shapes they answer with, each checked at compile time against what
 * its use-case returns, as in lib/openapi-responses.ts.
 */
import * as z from 'zod';
import { apiKeyScopes, consoleRoles } from './access';
import type { ApiKeyView } from '../lambdas/domain/api-key';
import type { allApiKeys, makeApiKey } from '../lambdas/use-cases/api-key-admin';
import type { ConsoleSession } from '../lambdas/use-cases/console-session';
import { apiKeyIdSchema, newApiKeySchema } from '../lambdas/domain/api-key';
import { instant, type Answer, type Describes, type Proof } from './openapi-responses';
import { named, type RouteDoc } from './openapi-routes';

export const consoleSession = z.object({
  principal: z.string().describe("A user's email, `<role>@localhost` for a local token, or `api-key:<id>`"),
  kind: z.enum(['staff', 'apiKey']),
  roles: z.array(z.string()).describe(`Console roles (${consoleRoles.join(', ')}); empty for a key`),
  scopes: z.array(z.string()).describe("An API key's scopes; empty for staff"),
  routes: z.array(z.string()).describe('The admin route keys this caller may call'),
});
type _ConsoleSession = Proof<Describes<typeof consoleSession, ConsoleSession>>;

export const apiKeyView = z.object({
  id: z.string().describe('The key id (part of the key; not secret)'),
  name: z.string(),
  scopes: z.array(z.string()).describe(`Any of ${apiKeyScopes.join(', ')}`),
  createdAt: instant,
  createdBy: z.string(),
  lastUsedAt: instant.nullable().describe('To the minute; null until first used'),
  revokedAt: instant.nullable(),
});
type _ApiKeyView = Proof<Describes<typeof apiKeyView, ApiKeyView>>;

export const apiKeyList = z.object({
  items: z.array(apiKeyView).describe('Newest first; revoked ones for 90 days'),
});
type _ApiKeyList = Proof<Describes<typeof apiKeyList, Answer<typeof allApiKeys>>>;

export const madeApiKey = apiKeyView.extend({
  key: z.string().describe('`bo_<id>_<secret>`: shown in this answer only, stored as a hash'),
});
type _MadeApiKey = Proof<Describes<typeof madeApiKey, Answer<typeof makeApiKey>>>;

const ok = (description: string, body: ReturnType<typeof named>) => [{ status: 200, description, body }];

export const accessRouteDocs: Record<string, RouteDoc> = {
  'GET /api/admin/me': {
    tag: 'Access',
    summary: 'Who is calling, and what they may call',
    description: 'The console shows only the sections the signed-in role opens.',
    guard: 'admin',
    answers: ok('The caller', named('ConsoleSession', consoleSession)),
    errors: [],
  },
  'GET /api/admin/api-keys': {
    tag: 'Access',
    summary: 'API keys, without their secrets',
    guard: 'admin',
    answers: ok('Every key', named('ApiKeyList', apiKeyList)),
    errors: [],
  },
  'POST /api/admin/api-keys': {
    tag: 'Access',
    summary: 'Make an API key',
    description:
      'The key is in this answer only: it is stored as a SHA-256 hash. At most 50 live keys (409 beyond).',
    guard: 'admin',
    body: named('NewApiKey', newApiKeySchema),
    answers: [{ status: 201, description: 'Made', body: named('MadeApiKey', madeApiKey) }],
    errors: [409],
  },
  'DELETE /api/admin/api-keys/{id}': {
    tag: 'Access',
    summary: 'Revoke an API key',
    description: "At once: the key's next request is refused with 401. Revoking twice is harmless.",
    guard: 'admin',
    path: { id: apiKeyIdSchema },
    answers: ok('Revoked', named('ApiKey', apiKeyView)),
    errors: [404],
  },
};
