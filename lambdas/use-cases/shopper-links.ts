/**
 * "Email me my links" (POST /api/links): a shopper who lost their links gives their address and gets one
 * email with an email link for each of their active backorders.
 *
 * The answer is always the same 202, whether or not the address has backorders, whether or not an email goes
 * out: the request reads nothing about the address, so neither the answer nor its timing tells a stranger
 * anything. Whether there is anything to send is decided by the sender. At most three emails per address and
 * hour (more are answered the same and send nothing), and the signup limit per client address, so nobody can
 * fill someone's inbox or use the route to mail many addresses.
 */
import * as z from 'zod';
import { signupRateLimit } from '../runtime/config';
import { addressHash } from '../runtime/tokens';
import { normalizeEmail } from '../domain/backorder';
import { emailAddress } from '../domain/backorder-schema';
import { parseOrThrow } from '../domain/validation';
import { enqueueEmail } from '../store/email-queue';
import { countHit } from '../store/rate-limit-store';
import { enforceLinksRateLimit } from './rate-limit';

export const LINK_EMAILS_PER_HOUR = 3;

const HOUR_SECONDS = 3600;

export const linksRequest = z.object({ email: emailAddress }).strict();

/** The email id of the n-th links email of an address in an hour: each request sends at most one. */
export const linksEmailId = (emailKey: string, hour: number, n: number): string =>
  `links#${addressHash(emailKey)}#${hour}#${n}`;

export const emailMyLinks = async (
  input: unknown,
  clientAddress: string,
  nowMs = Date.now(),
): Promise<{ ok: true }> => {
  const { email } = parseOrThrow(linksRequest, input, 'request');
  const emailKey = normalizeEmail(email);
  const nowSeconds = Math.floor(nowMs / 1000);

  // Per client (IPv6 per /64), like signups. The answer says nothing about the address asked for.
  await enforceLinksRateLimit(signupRateLimit(), clientAddress, nowMs);

  const hour = Math.floor(nowSeconds / HOUR_SECONDS);
  // The address as its hash: a window row must not keep what an erasure removes.
  const n = await countHit(`rate#links#email#${addressHash(emailKey)}#${hour}`, (hour + 1) * HOUR_SECONDS);
  if (n <= LINK_EMAILS_PER_HOUR) {
    await enqueueEmail({ kind: 'links', emailKey, emailId: linksEmailId(emailKey, hour, n) });
  }
  return { ok: true };
};
