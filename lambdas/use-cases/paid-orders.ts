/**
 * Paid orders: a shop whose own checkout takes payment for an out-of-stock item queues the backorder itself
 * (POST /api/admin/backorders, an API key with `backorders:write`). It waits and is allocated with the
 * reservations, oldest first; it never expires (the shopper paid), its alert says the order is on its way,
 * and `backorder.allocated` carries the order id so the ERP ships it.
 *
 * The order id makes it once: a checkout that retries gets the same backorder back (200, `created: false`,
 * no link: links are stored only as hashes).
 */
import { BackordersDisabledError } from '../runtime/errors';
import type { Backorder } from '../domain/backorder';
import { paidOrderSchema } from '../domain/backorder-schema';
import { effectivePolicy, judgeSignup } from '../domain/eligibility';
import { paidOrderChanges } from '../domain/funnel';
import { parseOrThrow } from '../domain/validation';
import { getBackorder, orderKey } from '../store/backorder-store';
import { pickLocale } from '../../i18n/locales';
import { placeBackorder, productAndSettings, type SignupOptions } from './place-backorder';
import { positionNow } from './shopper-backorder';

export interface PaidOrderAnswer {
  id: string;
  kind: 'order';
  status: Backorder['status'];
  position: number | null;
  statusUrl: string | null;
  created: boolean;
}

export const placePaidOrder = async (
  input: unknown,
  by: string,
  options: SignupOptions = {},
): Promise<PaidOrderAnswer> => {
  const request = parseOrThrow(paidOrderSchema, input, 'order');
  const reads = await productAndSettings(request.sku);
  const { product, settings } = reads;
  const verdict = judgeSignup(effectivePolicy(product, settings), request.segment, request.quantity);
  // The quantity limit is for shoppers reserving, not for what the shop already sold.
  if (!verdict.ok && verdict.reason !== 'quantity') throw new BackordersDisabledError(verdict.message);
  const placed = await placeBackorder(
    { ...request, locale: request.locale ?? pickLocale([]) },
    {
      kind: 'order',
      by,
      claimKey: orderKey(request.order.id),
      order: request.order,
      // Counted with the backorder itself: the same order twice counts once.
      counters: (backorder) => paidOrderChanges(backorder, backorder.createdAt),
    },
    reads,
    options,
  );
  if (placed.created)
    return {
      id: placed.backorder.id,
      kind: 'order',
      status: placed.backorder.status,
      position: placed.position,
      statusUrl: placed.statusUrl,
      created: true,
    };
  const existing = await getBackorder(placed.existingId);
  return {
    id: placed.existingId,
    kind: 'order',
    status: existing?.status ?? 'waiting',
    position: existing ? await positionNow(existing) : null,
    statusUrl: null,
    created: false,
  };
};
