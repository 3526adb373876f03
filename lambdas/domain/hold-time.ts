/**
 * Which checkout applies to a product, how long its units are held and when the hold's reminder falls due:
 * the rules the allocator, the hold keeper and the sweeps apply, apart from the settings' schema
 * (lambdas/domain/checkout.ts), so the functions that only apply them do not load zod's classic API.
 */
import type { CheckoutSettings } from './checkout';
import { durationMs } from './durations';

/** When the site says nothing: two days, long enough for a weekend, short enough for the next in line. */
export const DEFAULT_HOLD = 'P2D';
/** A reminder goes out when a quarter of the hold is left, but never more than a day before its end. */
const REMINDER_AT_MOST_MS = 24 * 3_600_000;

export interface EffectiveCheckout {
  url: string;
  hold: string;
  holdMs: number;
}

/**
 * The checkout that applies to a product, or undefined when neither it nor the site names a checkout URL:
 * then there is nowhere to send the shopper, so units are held until the shop fulfils or cancels, as before.
 */
export const effectiveCheckout = (
  product: CheckoutSettings | undefined,
  site: CheckoutSettings | undefined,
): EffectiveCheckout | undefined => {
  const url = product?.url ?? site?.url;
  if (!url) return undefined;
  const hold = product?.hold ?? site?.hold ?? DEFAULT_HOLD;
  return { url, hold, holdMs: durationMs(hold) };
};

/** When the one reminder of a hold falls due: a quarter of it before the end, at most 24 hours before. */
export const reminderDueMs = (allocatedAtMs: number, holdUntilMs: number): number =>
  holdUntilMs - Math.min((holdUntilMs - allocatedAtMs) / 4, REMINDER_AT_MOST_MS);
