/**
 * A shopper signs up for a backorder: validate, check the policy, store it once with the confirmation it
 * owes (an outbox row in the same transaction, so a crash right after the write still sends it), answer.
 *
 * The answer carries a *page link* (it reads and cancels this one backorder); the links that also export and
 * erase the shopper's data only ever go to their mailbox. A repeated signup answers that it exists and
 * nothing more: whoever typed someone else's address learns neither their link nor what they wait for.
 */
import { signupRateLimit } from '../runtime/config';
import { BackordersDisabledError, QuantityLimitError } from '../runtime/errors';
import { normalizeEmail, type Backorder } from '../domain/backorder';
import { signupSchema } from '../domain/backorder-schema';
import { effectivePolicy, judgeSignup } from '../domain/eligibility';
import { parseOrThrow } from '../domain/validation';
import { claimKey } from '../store/backorder-store';
import { enforceSignupRateLimit } from './rate-limit';
import { acceptedLanguages } from '../domain/accept-language';
import { pickLocale } from '../../i18n/locales';
import { placeBackorder, productAndSettings, type SignupOptions } from './place-backorder';

export type { SignupOptions };

/** A new backorder: 201 with its page link. */
export interface NewSignup {
  created: true;
  backorder: {
    id: string;
    sku: string;
    email: string;
    quantity: number;
    status: Backorder['status'];
    position: number | null;
    statusUrl: string;
    createdAt: string;
    created: true;
  };
}

/** The same shopper again while their backorder is active: 200 saying so, and nothing about it. */
export interface RepeatedSignup {
  created: false;
  backorder: { id: string; sku: string; created: false; statusUrl: null };
}

export type SignupResult = NewSignup | RepeatedSignup;

export const signUp = async (
  input: unknown,
  clientAddress: string,
  { nowMs = Date.now(), remainingMs = () => Number.POSITIVE_INFINITY, acceptLanguage }: SignupOptions = {},
): Promise<SignupResult> => {
  const request = parseOrThrow(signupSchema, input, 'signup');
  const emailKey = normalizeEmail(request.email);
  const [reads] = await Promise.all([
    productAndSettings(request.sku),
    enforceSignupRateLimit(signupRateLimit(), clientAddress, emailKey, nowMs),
  ]);
  const verdict = judgeSignup(
    effectivePolicy(reads.product, reads.settings),
    request.segment,
    request.quantity,
  );
  if (!verdict.ok) {
    if (verdict.reason === 'quantity') throw new QuantityLimitError(verdict.max);
    throw new BackordersDisabledError(verdict.message);
  }
  const placed = await placeBackorder(
    { ...request, locale: request.locale ?? pickLocale(acceptedLanguages(acceptLanguage)) },
    { kind: 'reservation', by: 'shopper', claimKey: claimKey(request.sku, emailKey) },
    reads,
    { nowMs, remainingMs },
  );
  if (!placed.created)
    return {
      created: false,
      backorder: { id: placed.existingId, sku: request.sku, created: false, statusUrl: null },
    };
  const { backorder, position, statusUrl: link } = placed;
  return {
    created: true,
    backorder: {
      id: backorder.id,
      sku: backorder.sku,
      email: backorder.email,
      quantity: backorder.quantity,
      status: backorder.status,
      position,
      statusUrl: link,
      createdAt: backorder.createdAt,
      created: true,
    },
  };
};
