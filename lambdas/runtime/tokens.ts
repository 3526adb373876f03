/**
 * Identifiers and secrets. Backorder ids sort by creation time (ULID layout: 48-bit milliseconds + 80 random
 * bits) so ties in the queue break deterministically. Tokens carry 256 random bits, are only ever stored as
 * SHA-256 hashes, and are compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const newBackorderId = (nowMs: number = Date.now()): string => {
  let time = '';
  let ms = nowMs;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[ms % 32] + time;
    ms = Math.floor(ms / 32);
  }
  const random = randomBytes(16);
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[random[i] % 32];
  return time + tail;
};

/** A fresh secret for a link (status, unsubscribe, confirm): 256 bits, URL-safe. */
export const newToken = (): string => randomBytes(32).toString('base64url');

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * A one-way stand-in for an email address (lower-cased), for rows that must recognise an address without
 * keeping it: the suppression list after an erasure, feedback markers, signup rate-limit windows. Anyone who
 * already knows an address can check it against these (that is what a suppression list is for); nobody can
 * read an address out of them.
 */
export const addressHash = (emailKey: string): string =>
  createHash('sha256').update(`address:${emailKey}`, 'utf8').digest('hex');

/** Whether `token` hashes to `storedHash`, without leaking through timing how much of it matched. */
export const tokenMatches = (token: string | undefined, storedHash: string | undefined): boolean => {
  if (!token || !storedHash || token.length > 512) return false;
  const given = Buffer.from(hashToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
};

/** Constant-time comparison of two strings of any length (e.g. a bearer token). */
export const secretsEqual = (given: string, expected: string): boolean => {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
};

/** Whether `token` is one of the status link tokens issued for a backorder (each compared in constant time). */
export const statusTokenMatches = (
  token: string | undefined,
  storedHashes: readonly string[] | undefined,
): boolean => {
  let matched = false;
  // Every hash is compared, so the time taken does not tell which one matched.
  for (const stored of storedHashes ?? []) matched = tokenMatches(token, stored) || matched;
  return matched;
};

/**
 * Which link of a backorder a token is: 'email' when it matches one of the links emailed to the shopper,
 * 'page' when it matches a link answered over HTTP, undefined when it matches none. Every hash of both
 * lists is compared, so the time taken does not tell which (or whether one) matched.
 */
export const linkStrengthOf = (
  token: string | undefined,
  hashes: { statusTokenHashes?: readonly string[]; emailTokenHashes?: readonly string[] } | undefined,
): 'email' | 'page' | undefined => {
  const email = statusTokenMatches(token, hashes?.emailTokenHashes);
  const page = statusTokenMatches(token, hashes?.statusTokenHashes);
  return email ? 'email' : page ? 'page' : undefined;
};
