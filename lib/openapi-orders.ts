/**
 * What the OpenAPI document says about the console's routes from alert to order (docs/orders.md): the shop's
 * checkout verifying a claim code and queueing paid orders, customer service fulfilling with the shop's order
 * and extending a hold. Their entries are in the form of lib/openapi-console-routes.ts; the shapes they
 * answer with are checked at compile time against what their use-cases return, as in lib/openapi-responses.ts.
 */
import * as z from 'zod';
import { fulfilmentSchema, paidOrderSchema } from '../lambdas/domain/backorder-schema';
import { claimRequest, extensionSchema } from '../lambdas/domain/checkout';
import type { verifyClaim } from '../lambdas/use-cases/checkout-claims';
import type { placePaidOrder } from '../lambdas/use-cases/paid-orders';
import { adminBackorder } from './openapi-console-responses';
import { holdUntil, status, type Answer, type Describes, type Proof } from './openapi-responses';
import { named, type RouteDoc } from './openapi-routes';

export const verifiedClaim = z.object({
  backorderId: z.string(),
  sku: z.string(),
  quantity: z.number(),
  holdUntil,
  status: status.describe('Sell the held units only while `allocated`'),
});
type _VerifiedClaim = Proof<Describes<typeof verifiedClaim, Answer<typeof verifyClaim>>>;

export const paidOrderAnswer = z.object({
  id: z.string(),
  kind: z.literal('order'),
  status: status.describe('`waiting` when created; where it is now when the order id was known'),
  position: z.number().nullable().describe('1-based place in the queue while waiting'),
  statusUrl: z
    .string()
    .nullable()
    .describe(
      "The shopper's page link when created; null when the order id was known (links are kept hashed)",
    ),
  created: z.boolean().describe('false: this order id was queued before, and this is its backorder'),
});
type _PaidOrder = Proof<Describes<typeof paidOrderAnswer, Answer<typeof placePaidOrder>>>;

const backorder = named('AdminBackorder', adminBackorder);
const backorderId = { id: z.string().describe('The backorder id') };

export const orderRouteDocs: Record<string, RouteDoc> = {
  'POST /api/admin/backorders/{id}/fulfil': {
    tag: 'Backorders',
    summary: 'Mark fulfilled',
    description:
      "Optionally with the shop's order (`orderId`, and its `amount` in minor units, which needs the orderId): " +
      'the amount counts as revenue recovered; a paid order keeps the order it was created with. Repeating it ' +
      'answers the same. A cancelled backorder: 409. An expired one: fulfilled if its units are still free ' +
      '(it takes them again), else 409 CONFLICT, since they went to the next in line.',
    guard: 'admin',
    path: backorderId,
    body: named('Fulfilment', fulfilmentSchema),
    bodyOptional: true,
    answers: [{ status: 200, description: 'Fulfilled', body: backorder }],
    errors: [404, 409],
  },
  'POST /api/admin/backorders/{id}/extend': {
    tag: 'Backorders',
    summary: 'Extend a hold, once',
    description:
      "Moves an allocated reservation's `holdUntil` later by `by` (an ISO 8601 duration, PT1M to P30D); the " +
      'reminder, if not sent yet, moves with it. Once per backorder: a second extension, or a backorder ' +
      'without a hold (not allocated, a paid order, no checkout URL), is a 409.',
    guard: 'admin',
    path: backorderId,
    body: named('HoldExtension', extensionSchema),
    answers: [{ status: 200, description: 'Extended', body: backorder }],
    errors: [404, 409],
  },
  'POST /api/admin/backorders': {
    tag: 'Backorders',
    summary: 'Queue a paid order',
    description:
      "The shop's checkout sold an item that is out of stock: it queues with the shoppers' backorders, oldest " +
      'first, and never expires; `backorder.allocated` carries `order.id` for the ERP to ship it. The ' +
      "product's backorder policy applies (409 BACKORDERS_DISABLED), its per-customer limit does not. The " +
      'order id makes it once: the same id again answers 200 with `created: false`. See docs/orders.md.',
    guard: 'admin',
    body: named('PaidOrder', paidOrderSchema),
    answers: [
      { status: 201, description: 'Queued', body: named('QueuedPaidOrder', paidOrderAnswer) },
      {
        status: 200,
        description: 'This order id was queued before',
        body: named('QueuedPaidOrder', paidOrderAnswer),
      },
    ],
    errors: [404, 409],
  },
  'POST /api/admin/claims/verify': {
    tag: 'Backorders',
    summary: 'Verify a claim code',
    description:
      'The code an allocated shopper brings to the checkout (`{claim}` in the checkout URL): which backorder ' +
      'it is, its quantity and its hold. Sell the held units only while `status` is `allocated`. A code that ' +
      'is malformed, altered or of an erased backorder: 404, all alike.',
    guard: 'admin',
    body: named('ClaimCheck', claimRequest),
    answers: [
      { status: 200, description: 'The claimed backorder', body: named('VerifiedClaim', verifiedClaim) },
    ],
    errors: [404],
  },
};
