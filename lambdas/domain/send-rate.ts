/**
 * The account's SES send rate, shared out between the queues whose consumers send email by what each has
 * waiting, rather than by fixed shares: a fixed share leaves the rate idle whenever its queue is, and caps a
 * burst on one queue while the others have nothing to send.
 *
 * The queues are served in rank order (transactional email, then restock alerts, then nurture steps). Each
 * queue with work first keeps a floor, so nothing starves behind a burst. Then each but the last ranked takes
 * what its backlog needs to be sent within a second: in rank order up to its first claim (so transactional
 * email, which also carries expected-date fan-outs of thousands, never leaves alerts their floor alone), then
 * in rank order the rest of what it needs. The last queue with work (nurture, when it has any) takes every
 * unit left. A queue without work gets nothing: its share goes to those that have some. The shares never add
 * up to more than the rate, and add up to all of it while any queue has work.
 *
 * A nurture step's lease follows from the same rules: the steps ahead of it, at the rate its queue can count
 * on whatever arrives ahead of it (its floor).
 *
 * Pure: the depths come from the queues (lambdas/store/queue-depths.ts), the floors and ranks from the
 * platform's description (lib/platform.ts), and lambdas/use-cases/send-rate.ts puts them together.
 */

export interface SendingQueue<Q extends string = string> {
  name: Q;
  /** Messages waiting or being handled (SQS: visible plus not visible). */
  depth: number;
  /** Sends per second it keeps whenever it has work, however busy the others are. */
  floor: number;
  /** The part of the rate (0..1) it may take ahead of the queues after it; the rest of its need comes after theirs. */
  firstClaim: number;
}

/** A backlog "needs" the rate that sends it within this many seconds. */
export const DRAIN_SECONDS = 1;

/** Shares are rounded down to a thousandth of a send per second, so rounding never takes the total over the rate. */
const roundDown = (perSecond: number): number => Math.floor(perSecond * 1000) / 1000;

/**
 * Sends per second each queue may make now, out of `rate` (0 or less: unpaced, every share 0). `queues` are
 * in rank order, the first served first.
 */
export const shareSendRate = <Q extends string>(
  rate: number,
  queues: readonly SendingQueue<Q>[],
  drainSeconds: number = DRAIN_SECONDS,
): Record<Q, number> => {
  const shares = Object.fromEntries(queues.map((q) => [q.name, 0])) as Record<Q, number>;
  if (!(rate > 0) || !Number.isFinite(rate)) return shares;
  const busy = queues.filter((q) => q.depth > 0);
  if (busy.length === 0) return shares;

  // Floors first; when they alone exceed the rate, each gets its part of it.
  const floors = busy.reduce((sum, q) => sum + Math.max(0, q.floor), 0);
  const scale = floors > rate ? rate / floors : 1;
  for (const q of busy) shares[q.name] = Math.max(0, q.floor) * scale;
  let left = rate - floors * scale;

  const stillNeeded = (q: SendingQueue<Q>) => Math.max(0, q.depth / drainSeconds - shares[q.name]);
  const take = (q: SendingQueue<Q>, amount: number) => {
    const taken = Math.max(0, Math.min(amount, left));
    shares[q.name] += taken;
    left -= taken;
  };
  // The last ranked queue (nurture) claims nothing: it borrows what the others leave.
  const claimants = busy.filter((q) => q !== queues[queues.length - 1]);
  for (const q of claimants) take(q, Math.min(stillNeeded(q), q.firstClaim * rate - shares[q.name]));
  for (const q of claimants) take(q, stillNeeded(q));
  take(busy[busy.length - 1], left);

  for (const q of busy) shares[q.name] = roundDown(shares[q.name]);
  return shares;
};

export interface StepLeaseInput<Q extends string> {
  /** The configured rate; 0: unpaced. */
  rate: number;
  /** The sending queues as last read, in rank order. */
  queues: readonly SendingQueue<Q>[];
  /** The queue the step waits on. */
  queue: Q;
  /** Steps queued on it since its depth was read, this one included: they wait behind that depth too. */
  queuedSince: number;
  /** The lease unpaced, and the margin added to the wait behind the rate. */
  baseMs: number;
}

/**
 * The sends per second a queue can count on, however busy the queues ranked before it are, and for however
 * long: its share with every queue's backlog endless (for the last ranked, its floor).
 */
export const guaranteedRate = <Q extends string>(
  rate: number,
  queues: readonly SendingQueue<Q>[],
  queue: Q,
) =>
  shareSendRate(
    rate,
    queues.map((q) => ({ ...q, depth: Number.POSITIVE_INFINITY })),
  )[queue] ?? 0;

/**
 * How long a step queued now may wait before it is sent, so that its lease outlasts the wait: the base, plus
 * the time to send every step ahead of it on its queue (its depth, and those queued since it was read) at the
 * rate its queue can count on. That holds however much transactional email and how many alerts arrive ahead
 * of it meanwhile, so a sweep never queues again a step that is only waiting its turn; it is longer than the
 * usual wait, which costs nothing but a later retry of a message that was lost. Unpaced: the base.
 */
export const stepLeaseMs = <Q extends string>({
  rate,
  queues,
  queue,
  queuedSince,
  baseMs,
}: StepLeaseInput<Q>): number => {
  if (!(rate > 0) || !Number.isFinite(rate)) return baseMs;
  const own = queues.find((q) => q.name === queue);
  if (!own) return baseMs;
  const ahead = Math.max(0, own.depth) + Math.max(1, queuedSince);
  // A thousandth of a send per second at least: the shares' rounding, with a rate too small to share.
  const kept = Math.max(guaranteedRate(rate, queues, queue), 0.001);
  return baseMs + Math.ceil((1000 * ahead) / kept);
};
