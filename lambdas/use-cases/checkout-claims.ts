/**
 * From alert to order, the shop's side and the shopper's click:
 * - `GET /r/{id}?token=`: the "complete your order" link of an allocated reservation. The click is recorded
 *   once (and counted), then the shopper goes to the shop's checkout URL with the SKU, the quantity and the
 *   claim code filled in. The target is only ever the configured template: nothing in the request chooses it.
 * - `POST /api/admin/claims/verify`: the shop's checkout checks a claim code before selling the held units.
 * - `POST /api/admin/backorders/{id}/extend`: customer service extends a hold, once.
 */
import { ConflictError, NotFoundError } from '../runtime/errors';
import { claimSecret } from '../runtime/secrets';
import { isHeld, type Backorder } from '../domain/backorder';
import { claimCode, backorderOfClaim } from '../domain/claim';
import { claimRequest, effectiveCheckout, extensionSchema, fillCheckoutUrl } from '../domain/checkout';
import { durationMs } from '../domain/durations';
import { alertClickChanges } from '../domain/funnel';
import { parseOrThrow } from '../domain/validation';
import { getBackorder } from '../store/backorder-store';
import { getProductWithSettings } from '../store/catalog-store';
import { extendHold, recordCheckoutClick } from '../store/hold-store';
import { findWithToken } from './shopper-backorder';
import { statusUrl } from './links';

/**
 * Where the "complete your order" link leads: the checkout, or (no longer held, or the shop took its checkout
 * away) the backorder's status page, which says what happened. A wrong token: 404, like the status page.
 */
export const followClaimLink = async (
  id: string,
  token: string | undefined,
  nowMs = Date.now(),
): Promise<string> => {
  const { backorder } = await findWithToken(id, token, nowMs);
  // Relative: the status page is on this same site, and the token stays in the fragment.
  const statusPage = statusUrl('', backorder.id, token ?? '');
  if (!isHeld(backorder)) return statusPage;
  const { product, settings } = await getProductWithSettings(backorder.sku);
  const checkout = effectiveCheckout(product?.checkout, settings?.checkout);
  if (!checkout) return statusPage;
  const at = new Date(nowMs).toISOString();
  await recordCheckoutClick(backorder.id, at, alertClickChanges(backorder, at));
  return fillCheckoutUrl(checkout.url, {
    sku: backorder.sku,
    quantity: backorder.quantity,
    claim: claimCode(await claimSecret(), backorder.id),
  });
};

export interface VerifiedClaim {
  backorderId: string;
  sku: string;
  quantity: number;
  /** The hold's end while allocated; null otherwise. */
  holdUntil: string | null;
  /** The shop sells only while this is `allocated`. */
  status: Backorder['status'];
}

/** The backorder a claim code names; unknown, altered or erased: 404 (nothing to tell them apart). */
export const verifyClaim = async (input: unknown): Promise<VerifiedClaim> => {
  const { claim } = parseOrThrow(claimRequest, input, 'claim');
  const id = backorderOfClaim(await claimSecret(), claim);
  const backorder = id ? await getBackorder(id) : undefined;
  if (!backorder || backorder.erasingAt || backorder.erasedAt)
    throw new NotFoundError('No backorder matches this claim');
  return {
    backorderId: backorder.id,
    sku: backorder.sku,
    quantity: backorder.quantity,
    holdUntil: backorder.status === 'allocated' ? (backorder.holdUntil ?? null) : null,
    status: backorder.status,
  };
};

/** Extends an allocated reservation's hold by `by` (PT1M…P30D), once; 409 when it has no hold or was extended. */
export const extendBackorderHold = async (
  backorder: Backorder,
  input: unknown,
  by: string,
  nowMs = Date.now(),
): Promise<Backorder> => {
  const request = parseOrThrow(extensionSchema, input, 'extension');
  if (!isHeld(backorder))
    throw new ConflictError('Only an allocated reservation with a hold can have its hold extended');
  if (backorder.holdExtendedAt) throw new ConflictError('This hold was extended already: once is the rule');
  const extended = await extendHold(backorder, durationMs(request.by), new Date(nowMs).toISOString(), by);
  const now = await getBackorder(backorder.id);
  if (!extended || !now)
    throw new ConflictError(
      `The hold changed meanwhile (the backorder is ${now?.status ?? 'gone'}): look again and retry`,
    );
  return now;
};
