/**
 * Signup rate limit: fixed one-minute windows per client and per email address, counted in the ledger so
 * every Lambda instance sees the same counts. A client is its IPv4 address, or its IPv6 /64.
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

export const enforceSignupRateLimit = async (
  limit: number,
  clientAddress: string,
  emailKey: string,
  nowMs: number = Date.now(),
): Promise<void> => {
  if (limit <= 0) return;
  const window = Math.floor(nowMs / 1000 / WINDOW_SECONDS);
  const windowEnds = (window + 1) * WINDOW_SECONDS;
  const [byAddress, byEmail] = await Promise.all([
    countHit(`rate#signup#ip#${clientRateKey(clientAddress)}#${window}`, windowEnds),
    // The address as its hash: a window row must not keep what an erasure removes.
    countHit(`rate#signup#email#${addressHash(emailKey)}#${window}`, windowEnds),
  ]);
  if (byAddress > limit || byEmail > limit) {
    throw new RateLimitedError(Math.max(1, windowEnds - Math.floor(nowMs / 1000)));
  }
};
