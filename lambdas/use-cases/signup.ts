/**
 * A shopper signs up for a backorder: validate, check the policy, store it once, queue the confirmation.
 */
import { defaultSender, signupRateLimit } from '../shared/config';
import { BackordersDisabledError, NotFoundError, QuantityLimitError } from '../shared/errors';
import { newBackorderId, newToken, hashToken } from '../shared/tokens';
import { isPassingFailure } from '../shared/passing-failure';
import { PERSIST, persistently } from '../shared/persist';
import { logger } from '../shared/http';
import { normalizeEmail, positionOf, queueKeyOf, type Backorder } from '../domain/backorder';
import { signupSchema } from '../domain/backorder-schema';
import { defaultSiteSettings } from '../domain/site-defaults';
import { effectivePolicy, judgeSignup } from '../domain/eligibility';
import { parseOrThrow } from '../domain/validation';
import { getProductWithSettings } from '../store/catalog-store';
import {
  AlreadySignedUp,
  countWaitingAhead,
  deleteUnconfirmedBackorder,
  getBackorder,
  insertBackorder,
} from '../store/backorder-store';
import { enqueueEmail } from '../store/email-queue';
import { requestAllocation } from '../store/restock-queue';
import { enforceSignupRateLimit } from './rate-limit';
import { baseUrl, statusUrl } from './links';

export interface SignupResult {
  created: boolean;
  backorder: {
    id: string;
    sku: string;
    email: string;
    quantity: number;
    status: Backorder['status'];
    position: number | null;
    /** Only a new signup gets its link back: the token is never stored in clear, and a repeated signup
     * must not hand a working link to whoever typed someone's address. */
    statusUrl: string | null;
    createdAt: string;
  };
}

export const signUp = async (
  input: unknown,
  clientAddress: string,
  nowMs = Date.now(),
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
  const token = newToken();
  // Marketing consent counts at once, or, under double opt-in, once the shopper confirms it by email.
  const consentToken = request.marketingConsent && settings.doubleOptIn ? newToken() : undefined;
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
    locale: request.locale,
    status: 'waiting',
    createdAt,
    updatedAt: createdAt,
    queueKey: queueKeyOf(createdAt, id),
    statusTokenHashes: [hashToken(token)],
    consentedAt: request.marketingConsent && !settings.doubleOptIn ? createdAt : undefined,
    events: [{ at: createdAt, type: 'created', by: 'shopper' }],
  };

  try {
    await insertBackorder(backorder, consentToken ? hashToken(consentToken) : undefined);
  } catch (error) {
    if (!(error instanceof AlreadySignedUp)) throw error;
    const existing = await getBackorder(error.existingId);
    if (!existing) throw error;
    return { created: false, backorder: await publicSignupView(existing, null) };
  }

  // Queue the confirmation and count the place in the queue at the same time: one round trip, not two.
  const link = statusUrl(baseUrl(settings.publicBaseUrl), id, token);
  const [queued, view] = await Promise.allSettled([
    enqueueEmail({ kind: 'confirmation', backorderId: id, statusToken: token, consentToken }),
    publicSignupView(backorder, link),
  ]);
  if (queued.status === 'rejected') {
    // Without its confirmation the shopper would hold a backorder they cannot see: undo (persistently, or
    // their retry would find a backorder no email ever links to), let them retry.
    logger.error('confirmation could not be queued; signup rolled back', { backorderId: id });
    await persistently(() => deleteUnconfirmedBackorder(backorder), PERSIST, isPassingFailure);
    throw queued.reason;
  }
  // From here the signup has happened: the answer must say so (with the status link, which no retry could
  // give again), even when the place in the queue cannot be counted right now.
  const answer =
    view.status === 'fulfilled'
      ? view.value
      : await persistently(() => publicSignupView(backorder, link), { ...PERSIST, tries: 3 }).catch(
          (error: unknown) => {
            logger.warn('place in the queue not counted for the signup answer', { error: String(error) });
            return { ...publicSignupViewWithout(backorder, link), position: null };
          },
        );
  if (product.stock > 0) {
    // Units are free (none fitted the shoppers ahead): this shopper may be served at once. Not worth failing
    // the signup for: the next stock change asks again.
    await requestAllocation([product.sku], 'signup while units are free').catch((error: unknown) =>
      logger.error('allocation request after signup failed', { sku: product.sku, error: String(error) }),
    );
  }
  return { created: true, backorder: answer };
};

const publicSignupViewWithout = (backorder: Backorder, link: string | null) => ({
  id: backorder.id,
  sku: backorder.sku,
  email: backorder.email,
  quantity: backorder.quantity,
  status: backorder.status,
  statusUrl: link,
  createdAt: backorder.createdAt,
});

const publicSignupView = async (
  backorder: Backorder,
  link: string | null,
): Promise<SignupResult['backorder']> => ({
  ...publicSignupViewWithout(backorder, link),
  position:
    backorder.status === 'waiting'
      ? positionOf(backorder.status, await countWaitingAhead(backorder.sku, backorder.queueKey))
      : null,
});
