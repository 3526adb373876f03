/**
 * Customer service's view of backorders: lookup by SKU, shopper or status, oldest first.
 */
import * as z from 'zod';
import { NotFoundError } from '../runtime/errors';
import { kindOf, normalizeEmail, STATUSES, type Backorder } from '../domain/backorder';
import { skuSchema } from '../domain/backorder-schema';
import { parseOrThrow } from '../domain/validation';
import { getBackorder } from '../store/backorder-store';
import { listBackorders } from '../store/backorder-listings';

export const listQuery = z.object({
  sku: skuSchema.optional(),
  email: z.string().trim().min(1).max(254).optional(),
  status: z.enum(STATUSES).optional(),
  cursor: z.string().max(4096).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export const adminView = (backorder: Backorder) => {
  const {
    statusTokenHashes: _secrets,
    emailTokenHashes: _emailSecrets,
    erasedTokenHashes: _erasedSecrets,
    queueKey: _order,
    ticket: _ticket,
    ...visible
  } = backorder;
  return {
    ...visible,
    kind: kindOf(backorder),
    // The hold's end only while it holds: after an order, a cancel or the expiry the events say what happened.
    holdUntil: backorder.status === 'allocated' ? (backorder.holdUntil ?? null) : null,
  };
};

export const lookUpBackorders = async (query: Record<string, string>) => {
  const filter = parseOrThrow(listQuery, query, 'query');
  const page = await listBackorders({
    sku: filter.sku,
    emailKey: filter.email ? normalizeEmail(filter.email) : undefined,
    status: filter.status,
    cursor: filter.cursor,
    limit: filter.limit,
  });
  return { items: page.items.map(adminView), cursor: page.cursor };
};

export const backorderById = async (id: string): Promise<Backorder> => {
  const backorder = /^[0-9A-Z]{26}$/.test(id) ? await getBackorder(id) : undefined;
  if (!backorder) throw new NotFoundError(`Backorder ${id} not found`);
  return backorder;
};
