/**
 * What a caller may do on an admin route, by the one table of lib/access.ts: staff by their roles (`admin`
 * everything), API keys by their scopes. A route missing from the table is refused to everyone but an admin
 * (and test/unit/access.test.ts fails for it), so a new route is never open by omission.
 *
 * An API key is read again here on every request, whatever the authorizer found a minute ago: API Gateway
 * caches the authorizer's answer, and a revoked key must stop working at once, not when that cache expires.
 * The same read notes when the key was last used (a write at most once a minute).
 */
import { routeAccess } from '../../lib/access';
import type { Caller } from '../runtime/caller';
import { ForbiddenError, UnauthorizedError } from '../runtime/errors';
import { getApiKey, touchApiKey } from '../store/api-key-store';

/** Whether the caller's roles or scopes cover the route (before the key's liveness is checked). */
export const mayCall = (caller: Caller, routeKey: string): boolean => {
  const access = routeAccess[routeKey];
  if (caller.kind === 'staff')
    return (
      caller.roles.includes('admin') ||
      (access !== undefined &&
        caller.roles.some((role) => (access.roles as readonly string[]).includes(role)))
    );
  return access?.scope !== undefined && caller.scopes.includes(access.scope);
};

/** The caller, if they may call the route: else 401 (nobody, or a revoked key) or 403 (not theirs to call). */
export const admitCaller = async (
  caller: Caller | undefined,
  routeKey: string,
  nowMs: number = Date.now(),
): Promise<Caller> => {
  if (!caller) throw new UnauthorizedError();
  if (caller.kind === 'apiKey') {
    const row = await getApiKey(caller.keyId);
    if (!row || row.revokedAt) throw new UnauthorizedError();
    // The scopes as stored now (they never change after creation, but the row is the truth).
    const live: Caller = { ...caller, scopes: row.scopes };
    if (!mayCall(live, routeKey)) throw new ForbiddenError(`This API key's scopes do not cover ${routeKey}`);
    await touchApiKey(row, nowMs);
    return live;
  }
  if (!mayCall(caller, routeKey))
    throw new ForbiddenError(
      caller.roles.length === 0
        ? 'Your account has no console role yet: ask an administrator to add you to a group'
        : `Your role (${caller.roles.join(', ')}) does not cover ${routeKey}`,
    );
  return caller;
};
