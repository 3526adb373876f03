/**
 * Rate limits of the public routes that write or send email without a token (signups, "email me my links"):
 * fixed one-minute windows per client, and for signups per email address too, counted in the ledger so every
 * Lambda instance sees the same counts. A client is its IPv4 address, or its IPv6 /64.
 */
import ipaddr from 'ipaddr.js';
import { RateLimitedError } from '../runtime/errors';
import { countHit } from '../store/rate-limit-store';
import { addressHash } from '../runtime/tokens';

const WINDOW_SECONDS = 60;

/**
 * The key a client's signups are counted under. An IPv6 client gets a whole /64 (one subscriber line or LAN;
 * the host half is theirs to pick at will, so counting per address would not limit them); an IPv4-mapped
 * address counts as the IPv4 address it is. Anything else (never the case behind API Gateway) as it is.
 */
export const clientRateKey = (address: string): string => {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const [a, b, c, d] = (parsed as ipaddr.IPv6).parts;
  return `${new ipaddr.IPv6([a, b, c, d, 0, 0, 0, 0]).toString()}/64`;
};

/** The current one-minute window and when it ends (epoch seconds). */
const minuteWindow = (nowMs: number) => {
  const window = Math.floor(nowMs / 1000 / WINDOW_SECONDS);
  return { window, windowEnds: (window + 1) * WINDOW_SECONDS };
};

const clientHit = (route: 'signup' | 'links', clientAddress: string, window: number, windowEnds: number) =>
  countHit(`rate#${route}#ip#${clientRateKey(clientAddress)}#${window}`, windowEnds);

const refuse = (windowEnds: number, nowMs: number, message?: string): never => {
  throw new RateLimitedError(Math.max(1, windowEnds - Math.floor(nowMs / 1000)), message);
};

export const enforceSignupRateLimit = async (
  limit: number,
  clientAddress: string,
  emailKey: string,
  nowMs: number = Date.now(),
): Promise<void> => {
  if (limit <= 0) return;
  const { window, windowEnds } = minuteWindow(nowMs);
  const [byAddress, byEmail] = await Promise.all([
    clientHit('signup', clientAddress, window, windowEnds),
    // The address as its hash: a window row must not keep what an erasure removes.
    countHit(`rate#signup#email#${addressHash(emailKey)}#${window}`, windowEnds),
  ]);
  if (byAddress > limit || byEmail > limit) refuse(windowEnds, nowMs);
};

/** "Email me my links" per client, counted like signups: bounds how many addresses one client can have mailed. */
export const enforceLinksRateLimit = async (
  limit: number,
  clientAddress: string,
  nowMs: number = Date.now(),
): Promise<void> => {
  if (limit <= 0) return;
  const { window, windowEnds } = minuteWindow(nowMs);
  if ((await clientHit('links', clientAddress, window, windowEnds)) > limit)
    refuse(windowEnds, nowMs, 'Too many requests, please try again shortly');
};
