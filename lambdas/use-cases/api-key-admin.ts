/**
 * API keys in the console (admins only, by lib/access.ts): make one (its key shown once, in this answer
 * only), list them without keys, revoke one at once.
 */
import { NotFoundError } from '../runtime/errors';
import { hashToken } from '../runtime/tokens';
import { parseOrThrow } from '../domain/validation';
import {
  apiKeyIdSchema,
  newApiKey,
  newApiKeyId,
  newApiKeySchema,
  type ApiKeyView,
  type MadeApiKey,
} from '../domain/api-key';
import { createApiKey, listApiKeys, revokeApiKey, viewOf } from '../store/api-key-store';

export const makeApiKey = async (input: unknown, createdBy: string): Promise<MadeApiKey> => {
  const request = parseOrThrow(newApiKeySchema, input, 'API key');
  const id = newApiKeyId();
  const { key, secret } = newApiKey(id);
  const row = await createApiKey(id, request, hashToken(secret), createdBy);
  return { ...viewOf(row), key };
};

export const allApiKeys = async (): Promise<{ items: ApiKeyView[] }> => ({
  items: (await listApiKeys()).map(viewOf),
});

export const revokeApiKeyById = async (id: string, revokedBy: string): Promise<ApiKeyView> => {
  const notFound = () => new NotFoundError(`No API key ${id}`);
  if (!apiKeyIdSchema.safeParse(id).success) throw notFound();
  const row = await revokeApiKey(id, revokedBy);
  if (!row) throw notFound();
  return viewOf(row);
};
