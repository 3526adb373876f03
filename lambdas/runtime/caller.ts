/**
 * Who is calling an admin route, as the authorizer found out (lambdas/authorizer/handler.ts) and hands to the
 * admin functions in API Gateway's `requestContext.authorizer.lambda`: a member of the shop's staff with
 * their console roles, or a machine with an API key and its scopes. The context API Gateway carries is a flat
 * map of strings, so the caller travels encoded; a context that does not decode is no caller at all.
 */
import { apiKeyScopes, consoleRoles, type ApiKeyScope, type ConsoleRole } from '../../lib/access';

export type Caller =
  | {
      kind: 'staff';
      /** Who, for the audit trail: the user's email (Cognito), or `<role>@localhost` for a local token. */
      principal: string;
      roles: ConsoleRole[];
    }
  | {
      kind: 'apiKey';
      /** `api-key:<id>`, for the audit trail. */
      principal: string;
      keyId: string;
      scopes: ApiKeyScope[];
    };

/** What the authorizer answers for a credential it does not accept: the admin function then says 401. */
export const NO_CALLER = { caller: 'none' } as const;

export type CallerContext = Record<string, string>;

export const callerContext = (caller: Caller | undefined): CallerContext => {
  if (!caller) return { ...NO_CALLER };
  return caller.kind === 'staff'
    ? { caller: 'staff', principal: caller.principal, roles: caller.roles.join(' ') }
    : { caller: 'apiKey', principal: caller.principal, keyId: caller.keyId, scopes: caller.scopes.join(' ') };
};

const words = (value: unknown): string[] =>
  typeof value === 'string' ? value.split(' ').filter((word) => word !== '') : [];

/** The caller in an authorizer's context; undefined for none, or for anything not made by `callerContext`. */
export const callerFromContext = (context: unknown): Caller | undefined => {
  if (!context || typeof context !== 'object') return undefined;
  const fields = context as Record<string, unknown>;
  if (typeof fields.principal !== 'string' || fields.principal === '') return undefined;
  if (fields.caller === 'staff') {
    const roles = words(fields.roles).filter((role): role is ConsoleRole =>
      (consoleRoles as readonly string[]).includes(role),
    );
    return { kind: 'staff', principal: fields.principal, roles };
  }
  if (fields.caller === 'apiKey' && typeof fields.keyId === 'string' && fields.keyId !== '') {
    const scopes = words(fields.scopes).filter((scope): scope is ApiKeyScope =>
      (apiKeyScopes as readonly string[]).includes(scope),
    );
    return { kind: 'apiKey', principal: fields.principal, keyId: fields.keyId, scopes };
  }
  return undefined;
};
