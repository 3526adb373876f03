/**
 * The field rules the queue messages share, so a SKU or an id is checked the same way on every queue.
 * zod's mini build throughout lambdas/messages: the consumers that parse these (the sender, the alerter, the
 * webhook sender…) must stay small to start fast, and mini is the same validation in a tenth of the bundle.
 */
import * as z from 'zod/mini';

/** A non-empty string of at most `max` characters. */
export const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

/** An id of ours: a backorder, a campaign, a step, a run, a request. */
export const id = text(200);

export const sku = text(64);
