/**
 * A shopper signs up for a backorder: validate, check the policy, store it once with the confirmation it
 * owes (an outbox row in the same transaction, so a crash right after the write still sends it), answer.
 *
 * The answer carries a *page link* (it reads and cancels this one backorder); the links that also export and
 * erase the shopper's data only ever go to their mailbox. A repeated signup answers that it exists and
 * nothing more: whoever typed someone else's address learns neither their link nor what they wait for.
 */
import { defaultSender, signupRateLimit } from '../runtime/config';
import { BackordersDisabledError, NotFoundError, QuantityLimitError } from '../runtime/errors';
import { newBackorderId, newToken, hashToken } from '../runtime/tokens';
import { PERSIST, persistently } from '../runtime/persist';
import { logger } from '../runtime/logger';
import { normalizeEmail, queueKeyOf, type Backorder } from '../domain/backorder';
import { signupSchema } from '../domain/backorder-schema';
import { defaultSiteSettings } from '../domain/site-defaults';
import { effectivePolicy, judgeSignup } from '../domain/eligibility';
import { parseOrThrow } from '../domain/validation';
import { getProductWithSettings } from '../store/catalog-store';
import { AlreadySignedUp, insertBackorder } from '../store/backorder-store';
import { placeInQueue } from '../store/queue-store';
import { issueTicket } from '../store/ticket-store';
import { requestSeal } from '../store/seal-queue';
import type { OutboxEntry } from '../store/outbox-store';
import { requestAllocation } from '../store/restock-queue';
import { enforceSignupRateLimit } from './rate-limit';
import { baseUrl, statusUrl } from './links';
import { owe, publishOwedOrLeave } from './outbox';
import { acceptedLanguages } from '../domain/accept-language';
import { pickLocale } from '../../i18n/locales';

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

/** What the answer needs after the signup is stored, with time to spare before the function's deadline. */
const ANSWER_MARGIN_MS = 1_500;

/** The promise's value, or undefined once `ms` have passed (the work may go on; nobody waits for it). */
const within = <T>(promise: Promise<T>, ms: number): Promise<T | undefined> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });

export interface SignupOptions {
  nowMs?: number;
  /** Milliseconds the function has left (the Lambda context's): what follows the write must fit in them. */
  remainingMs?: () => number;
  /** The request's Accept-Language: the shopper's language when the signup does not say it. */
  acceptLanguage?: string;
}

export const signUp = async (
  input: unknown,
  clientAddress: string,
  { nowMs = Date.now(), remainingMs = () => Number.POSITIVE_INFINITY, acceptLanguage }: SignupOptions = {},
): Promise<SignupResult> => {
  const request = parseOrThrow(signupSchema, input, 'signup');
  const emailKey = normalizeEmail(request.email);

  const [{ product, settings: savedSettings }] = await Promise.all([
    getProductWithSettings(request.sku),
    enforceSignupRateLimit(signupRateLimit(), clientAddress, emailKey, nowMs),
  ]);
  if (!product) throw new NotFoundError(`Product ${request.sku} not found`);
  const settings = savedSettings ?? defaultSiteSettings(defaultSender());
  const verdict = judgeSignup(effectivePolicy(product, settings), request.segment, request.quantity);
  if (!verdict.ok) {
    if (verdict.reason === 'quantity') throw new QuantityLimitError(verdict.max);
    throw new BackordersDisabledError(verdict.message);
  }

  const createdAt = new Date(nowMs).toISOString();
  const id = newBackorderId(nowMs);
  const pageToken = newToken();
  // The shopper's place in line. A ticket left unused (a repeated signup) is a gap, which counts for nothing.
  const { ticket, crossedIntoBook } = await issueTicket(request.sku, nowMs);
  const backorder: Backorder = {
    id,
    sku: request.sku,
    email: request.email,
    emailKey,
    quantity: request.quantity,
    name: request.name || undefined,
    company: request.company || undefined,
    segment: request.segment,
    marketingConsent: request.marketingConsent,
    locale: request.locale ?? pickLocale(acceptedLanguages(acceptLanguage)),
    status: 'waiting',
    createdAt,
    updatedAt: createdAt,
    queueKey: queueKeyOf(createdAt, id),
    ticket,
    statusTokenHashes: [hashToken(pageToken)],
    // Marketing consent counts at once, or, under double opt-in, once the shopper confirms it by email.
    consentedAt: request.marketingConsent && !settings.doubleOptIn ? createdAt : undefined,
    events: [{ at: createdAt, type: 'created', by: 'shopper' }],
  };

  // The confirmation carries no token: the sender issues its email links when it composes it.
  const outboxId = `signup#${id}`;
  const owed: OutboxEntry[] = [{ kind: 'email', message: { kind: 'confirmation', backorderId: id } }];
  try {
    await insertBackorder(backorder, owe(outboxId, owed, nowMs));
  } catch (error) {
    if (!(error instanceof AlreadySignedUp)) throw error;
    return {
      created: false,
      backorder: { id: error.existingId, sku: request.sku, created: false, statusUrl: null },
    };
  }

  // From here the signup has happened: the answer must say so, with the page link no retry could give again,
  // even when the confirmation cannot be queued right now (the scheduler sends it from the outbox) or the
  // place in the queue cannot be counted in the time the function has left (then the place is null).
  const link = statusUrl(baseUrl(settings.publicBaseUrl), id, pageToken);
  const budget = () => remainingMs() - ANSWER_MARGIN_MS;
  const place = persistently(() => placeInQueue(backorder.sku, backorder), { ...PERSIST, tries: 3 }).catch(
    (error: unknown) => {
      logger.warn('place in the queue not counted for the signup answer', { error: String(error) });
      return null;
    },
  );
  const [, position] = await Promise.all([
    within(publishOwedOrLeave(outboxId, owed), budget()),
    within(place, budget()).then((value) => value ?? null),
    // The books before this one are full: ask for them to be sealed (a later request repeats it if lost).
    crossedIntoBook === undefined || crossedIntoBook <= 0
      ? undefined
      : within(
          requestSeal({ sku: request.sku, below: crossedIntoBook }).catch((error: unknown) =>
            logger.warn('seal request not queued', { sku: request.sku, error: String(error) }),
          ),
          budget(),
        ),
  ]);
  if (product.stock > 0 && budget() > 0) {
    // Units are free (none fitted the shoppers ahead): this shopper may be served at once. Not worth failing
    // the signup for: the next stock change asks again.
    await requestAllocation([product.sku], 'signup while units are free').catch((error: unknown) =>
      logger.error('allocation request after signup failed', { sku: product.sku, error: String(error) }),
    );
  }
  return {
    created: true,
    backorder: {
      id,
      sku: backorder.sku,
      email: backorder.email,
      quantity: backorder.quantity,
      status: backorder.status,
      position,
      statusUrl: link,
      createdAt,
      created: true,
    },
  };
};
