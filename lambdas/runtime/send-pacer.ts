/**
 * Paces outgoing email within one Lambda instance to a send rate that may change from one send to the next
 * (a queue's share of the SES rate follows what the sending queues have waiting: lambdas/use-cases/send-rate.ts).
 * A token bucket: sends are let through one at a time, each taking a token; tokens accrue at the rate asked
 * for just then, so a rate that rises or falls applies from the next send, not after the sends already
 * waiting. The bucket holds up to `burstSeconds` of the rate (at least one send): what a batch could not
 * send while it was reading and recording (a batch's work between its sends) it may send at once after, so
 * the rate is used while the batch works, never more than that much ahead of it. Across instances the event
 * source's maximum concurrency bounds the total, so the account's SES rate is never discovered by hammering
 * SES.
 */

/** Sends per second allowed now; 0 means unlimited. */
export type SendRate = number | (() => number | Promise<number>);

export class SendPacer {
  private tokens = 0;
  /** When the tokens were last counted; undefined until the first send, which finds the bucket full. */
  private countedAt: number | undefined;
  /** The sends waiting their turn, in order: each starts once the one before was let through. */
  private turns: Promise<void> = Promise.resolve();
  private readonly rate: () => number | Promise<number>;

  constructor(
    rate: SendRate,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly burstSeconds = 0,
  ) {
    this.rate = typeof rate === 'number' ? () => rate : rate;
  }

  /** Resolves when one more send fits in the rate. */
  take(): Promise<void> {
    const turn = this.turns.then(() => this.letThrough());
    // A turn that failed (the rate could not be had) fails its own send only; the next ones still go in order.
    this.turns = turn.catch(() => undefined);
    return turn;
  }

  private async letThrough(): Promise<void> {
    const perSecond = await this.rate();
    if (!(perSecond > 0)) return;
    const now = this.now();
    const full = Math.max(1, perSecond * this.burstSeconds);
    this.tokens =
      this.countedAt === undefined
        ? full
        : Math.min(full, this.tokens + (Math.max(0, now - this.countedAt) * perSecond) / 1000);
    this.countedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return;
    }
    // The next token, when it has accrued; this send takes it.
    const waitMs = ((1 - this.tokens) * 1000) / perSecond;
    this.tokens = 0;
    this.countedAt = now + waitMs;
    await this.sleep(waitMs);
  }
}
