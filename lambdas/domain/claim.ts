/**
 * The claim code an allocated shopper takes to the shop's checkout: the backorder id and an HMAC of it under
 * the platform's claim key. It is derived, not stored, so an alert costs no extra write, and it is the same
 * every time (the shopper may click twice); only the platform can make one, and the shop verifies it through
 * the API (POST /api/admin/claims/verify) before selling the held units.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** 128 bits of MAC: far beyond guessing, short enough for a URL and a shop's order note. */
const MAC_BYTES = 16;
const ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const macOf = (key: string, backorderId: string): Buffer =>
  createHmac('sha256', key).update(`claim:${backorderId}`, 'utf8').digest().subarray(0, MAC_BYTES);

/** `<backorder id>-<base64url MAC>`: 26 + 1 + 22 characters, URL-safe. */
export const claimCode = (key: string, backorderId: string): string =>
  `${backorderId}-${macOf(key, backorderId).toString('base64url')}`;

/** The backorder a claim code names, or undefined when it is malformed or its MAC does not match. */
export const backorderOfClaim = (key: string, claim: string): string | undefined => {
  const match = /^([0-9A-HJKMNP-TV-Z]{26})-([A-Za-z0-9_-]{22})$/.exec(claim.trim());
  if (!match || !ID.test(match[1])) return undefined;
  // Compared as text, so only the one canonical spelling matches (base64url's last character carries bits
  // decoding ignores), and in constant time: how much of a forged MAC matched must not show in the timing.
  const given = Buffer.from(match[2], 'utf8');
  const expected = Buffer.from(macOf(key, match[1]).toString('base64url'), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected) ? match[1] : undefined;
};
