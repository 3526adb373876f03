/**
 * The shapes the access routes answer with (who am I, API keys), for the OpenAPI document, each checked at
 * compile time against what its use-case returns, as in lib/openapi-responses.ts.
 */
import * as z from 'zod';
import { apiKeyScopes, consoleRoles } from './access';
import type { ApiKeyView } from '../lambdas/domain/api-key';
import type { allApiKeys, makeApiKey } from '../lambdas/use-cases/api-key-admin';
import type { ConsoleSession } from '../lambdas/use-cases/console-session';
import { instant, type Answer, type Describes, type Proof } from './openapi-responses';

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
