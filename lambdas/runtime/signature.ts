/**
 * Webhook signatures, the same both ways (the ERP's inventory webhook in, our backorder events out):
 * `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 *
 * The timestamp is inside the signed text, so a captured request cannot be replayed after the tolerance;
 * the comparison is constant-time, so the signature cannot be guessed byte by byte from response times.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-signature';

/** How far a signature's timestamp may be from now, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const hmacHex = (secret: string, timestamp: number, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');

/** The header value signing `body` at `nowMs`. */
export const signatureHeader = (secret: string, body: string, nowMs = Date.now()): string => {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
};

/** Parses `t=…,v1=…[,v1=…]`: several v1 values are allowed so a secret can be rotated without downtime. */
const parseHeader = (header: string): { t: number; v1: string[] } | undefined => {
  let t: number | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value)) return undefined;
      t = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(value)) return undefined;
      v1.push(value.toLowerCase());
    }
  }
  return t === undefined || v1.length === 0 ? undefined : { t, v1 };
};

export type SignatureVerdict = 'valid' | 'missing' | 'malformed' | 'stale' | 'mismatch';

/** Checks a signature header against the raw body; only 'valid' may be acted on. */
export const verifySignature = (
  secret: string,
  header: string | undefined,
  body: string,
  nowMs = Date.now(),
): SignatureVerdict => {
  if (!header) return 'missing';
  const parsed = parseHeader(header);
  if (!parsed) return 'malformed';
  if (Math.abs(Math.floor(nowMs / 1000) - parsed.t) > SIGNATURE_TOLERANCE_SECONDS) return 'stale';
  const expected = Buffer.from(hmacHex(secret, parsed.t, body), 'hex');
  // Every candidate is compared, matching or not, so the time taken says nothing about which one was close.
  let matched = false;
  for (const candidate of parsed.v1) {
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) matched = true;
  }
  return matched ? 'valid' : 'mismatch';
};

/**
 * A fingerprint of what a valid signature header signed: its timestamp and the body. The same request sent
 * again has the same fingerprint however its header is spelled (spaces, order, extra v1 values), so a
 * captured request cannot be replayed as a new one; a new request (a new timestamp) has a new one.
 * Only meaningful once `verifySignature` said 'valid'.
 */
export const signedRequestFingerprint = (header: string, body: string): string => {
  const parsed = parseHeader(header);
  if (!parsed) throw new Error('signedRequestFingerprint needs a verified signature header');
  return createHash('sha256').update(`${parsed.t}.${body}`, 'utf8').digest('hex');
};
