/**
 * Signup rate limit: fixed one-minute windows per client address and per email address, counted in the
 * ledger so every Lambda instance sees the same counts.
 */
import { RateLimitedError } from '../shared/errors';
import { countHit } from '../store/ledger-store';
import { addressHash } from '../shared/tokens';

const WINDOW_SECONDS = 60;

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
    countHit(`rate#signup#ip#${clientAddress}#${window}`, windowEnds),
    // The address as its hash: a window row must not keep what an erasure removes.
    countHit(`rate#signup#email#${addressHash(emailKey)}#${window}`, windowEnds),
  ]);
  if (byAddress > limit || byEmail > limit) {
    throw new RateLimitedError(Math.max(1, windowEnds - Math.floor(nowMs / 1000)));
  }
};
