/**
 * `GET /api/admin/me`: who is signed in and which console sections and actions their role opens, so the
 * console shows only what will work for them (the API still checks every request: this is for display).
 */
import { routeAccess } from '../../lib/access';
import type { Caller } from '../runtime/caller';
import { mayCall } from './access';

export interface ConsoleSession {
  principal: string;
  kind: Caller['kind'];
  roles: string[];
  scopes: string[];
  /** The admin route keys this caller may call. */
  routes: string[];
}

export const whoIsCalling = (caller: Caller): ConsoleSession => ({
  principal: caller.principal,
  kind: caller.kind,
  roles: caller.kind === 'staff' ? caller.roles : [],
  scopes: caller.kind === 'apiKey' ? caller.scopes : [],
  routes: Object.keys(routeAccess).filter((routeKey) => mayCall(caller, routeKey)),
});
