/**
 * From alert to order, counted: restock alerts sent, "complete your order" clicks, orders after an alert,
 * holds that expired, and the revenue recovered per currency; and the product's expected-date announcements
 * with what shoppers asked after a slip chose. Pure rules only, as in ./statistics.ts: each
 * event becomes counter changes that ride in the transaction of the conditional write making it happen once.
 *
 * Each figure is kept twice: as a total on the product's counter rows, and per UTC day on the product's daily
 * rows (the ones that already count units joining and leaving the queue, which the dashboard reads for its
 * window anyway), so "over the last N days" costs no extra read.
 */
import type { Amount } from './backorder';
import { CounterChanges, counterShardOf, productRowKey, stepRowKey, unitsRowKey } from './statistics';

export const FUNNEL_COUNTERS = [
  'alertsSent',
  'alertClicks',
  'fulfilledAfterAlert',
  'expired',
  'paidOrders',
  // Constant updates (./eta.ts): expected dates announced, and what shoppers asked after a slip chose.
  'etaChanges',
  'keptAfterSlip',
  'cancelledAfterSlip',
] as const;
export type FunnelCounter = (typeof FUNNEL_COUNTERS)[number];

const REVENUE_PREFIX = 'revenue_';

const dayOf = (iso: string) => ({ month: iso.slice(0, 7), day: iso.slice(8, 10) });

/** The daily attribute of a figure: `alertsSent_05` on the row of the 5th's month. */
const dailyAttribute = (name: string, day: string) => `${name}_${day}`;

/** Adds `by` to a figure's total and to its day, on the shard rows of `shard`. */
const count = (
  changes: CounterChanges,
  sku: string,
  shard: number,
  name: string,
  by: number,
  at: string,
): CounterChanges => {
  const { month, day } = dayOf(at);
  return changes
    .add(productRowKey(sku, shard), name, by)
    .add(unitsRowKey(sku, month, shard), dailyAttribute(name, day), by);
};

/** Restock alerts of reservations recorded sent (a batch shares one shard, like the email counters). */
export const alertsSentChanges = (skus: readonly string[], at: string, shard: number): CounterChanges =>
  skus.reduce((changes, sku) => count(changes, sku, shard, 'alertsSent', 1, at), new CounterChanges());

/** The first click on a backorder's "complete your order" link. */
export const alertClickChanges = (b: { id: string; sku: string }, at: string): CounterChanges =>
  count(new CounterChanges(), b.sku, counterShardOf(b.id), 'alertClicks', 1, at);

/**
 * A hold ran out, on its day. The total is the status counter `expired`, which the status change itself moves
 * (and a late order that takes the units again moves back).
 */
export const expiryChanges = (b: { id: string; sku: string }, at: string): CounterChanges => {
  const { month, day } = dayOf(at);
  return new CounterChanges().add(
    unitsRowKey(b.sku, month, counterShardOf(b.id)),
    dailyAttribute('expired', day),
    1,
  );
};

/**
 * A backorder fulfilled: after an alert when its units had been allocated (or had expired and were taken
 * again), and its order's amount as revenue recovered.
 */
export const orderChanges = (
  b: { id: string; sku: string },
  afterAlert: boolean,
  amount: Amount | undefined,
  at: string,
): CounterChanges => {
  const changes = new CounterChanges();
  const shard = counterShardOf(b.id);
  if (afterAlert) count(changes, b.sku, shard, 'fulfilledAfterAlert', 1, at);
  if (amount) count(changes, b.sku, shard, `${REVENUE_PREFIX}${amount.currency}`, amount.value, at);
  return changes;
};

/** A paid order created through the API. */
export const paidOrderChanges = (b: { id: string; sku: string }, at: string): CounterChanges =>
  count(new CounterChanges(), b.sku, counterShardOf(b.id), 'paidOrders', 1, at);

/** A product's moved expected date announced to its waiting shoppers (once per announcement). */
export const etaChangeChanges = (sku: string, shard: number, at: string): CounterChanges =>
  count(new CounterChanges(), sku, shard, 'etaChanges', 1, at);

/** A shopper asked after a slip answered: kept their place, or cancelled. */
export const slipAnswerChanges = (
  b: { id: string; sku: string },
  answer: 'keptAfterSlip' | 'cancelledAfterSlip',
  at: string,
): CounterChanges => count(new CounterChanges(), b.sku, counterShardOf(b.id), answer, 1, at);

/** A shopper opened their status page from a nurture step's email (once per backorder and step). */
export const stepClickChanges = (b: { id: string }, step: { campaignId: string; stepId: string }) =>
  new CounterChanges().add(stepRowKey(step.campaignId, step.stepId, counterShardOf(b.id)), 'clicks', 1);

export interface Funnel extends Record<FunnelCounter, number> {
  /** Minor units per ISO currency code. */
  revenue: Record<string, number>;
}

const revenueOf = (entries: [string, number][]): Record<string, number> =>
  Object.fromEntries(entries.filter(([, value]) => value !== 0));

/** The totals, from a product's summed counter rows. */
export const funnelTotals = (summed: Record<string, number>): Funnel => ({
  ...(Object.fromEntries(FUNNEL_COUNTERS.map((name) => [name, summed[name] ?? 0])) as Record<
    FunnelCounter,
    number
  >),
  revenue: revenueOf(
    Object.entries(summed)
      .filter(([name]) => /^revenue_[A-Z]{3}$/.test(name))
      .map(([name, value]) => [name.slice(REVENUE_PREFIX.length), value]),
  ),
});

/** The figures of the given UTC days (`YYYY-MM-DD`), from the summed daily rows by month. */
export const funnelOverDays = (
  days: readonly string[],
  months: ReadonlyMap<string, Record<string, number>>,
): Funnel => {
  const summed: Record<string, number> = {};
  for (const date of days) {
    const row = months.get(date.slice(0, 7)) ?? {};
    const suffix = `_${date.slice(8, 10)}`;
    for (const [name, value] of Object.entries(row)) {
      if (!name.endsWith(suffix)) continue;
      const figure = name.slice(0, -suffix.length);
      summed[figure] = (summed[figure] ?? 0) + value;
    }
  }
  return funnelTotals(summed);
};
