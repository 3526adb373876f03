/**
 * Who may backorder what: a product's own policy wins, otherwise the site's. Pure, so the rules are tested
 * without a database.
 */
import type { Segment } from './backorder';
import { SEGMENTS } from './backorder';

export const DEFAULT_MAX_PER_CUSTOMER = 10;

export interface BackorderPolicy {
  enabled: boolean;
  segments?: Segment[];
  maxPerCustomer?: number;
}

export interface EffectivePolicy {
  enabled: boolean;
  segments: Segment[];
  maxPerCustomer: number;
}

export const effectivePolicy = (
  product: { backorders?: BackorderPolicy },
  site: { backorders: BackorderPolicy },
): EffectivePolicy => {
  const own = product.backorders;
  const policy = own ?? site.backorders;
  const segments = policy.segments && policy.segments.length > 0 ? policy.segments : [...SEGMENTS];
  return {
    enabled: policy.enabled && segments.length > 0,
    segments: SEGMENTS.filter((s) => segments.includes(s)),
    maxPerCustomer: own?.maxPerCustomer ?? DEFAULT_MAX_PER_CUSTOMER,
  };
};

export type SignupVerdict =
  | { ok: true }
  | { ok: false; reason: 'disabled' | 'segment'; message: string }
  | { ok: false; reason: 'quantity'; max: number };

export const judgeSignup = (policy: EffectivePolicy, segment: Segment, quantity: number): SignupVerdict => {
  if (!policy.enabled)
    return { ok: false, reason: 'disabled', message: 'This product does not accept backorders' };
  if (!policy.segments.includes(segment)) {
    const who = segment === 'b2b' ? 'business' : 'personal';
    return {
      ok: false,
      reason: 'segment',
      message: `Backorders for ${who} customers are not open for this product`,
    };
  }
  if (quantity > policy.maxPerCustomer) return { ok: false, reason: 'quantity', max: policy.maxPerCustomer };
  return { ok: true };
};
