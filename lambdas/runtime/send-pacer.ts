/**
 * Paces outgoing email to the configured SES send rate within one Lambda instance (a token bucket that
 * refills continuously). Across instances the event source's maximum concurrency bounds the total, so the
 * account's SES rate is never discovered by hammering SES.
 */
export class SendPacer {
  private nextFreeAt = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Resolves when one more send fits in the rate; a rate of 0 means unlimited. */
  async take(): Promise<void> {
    if (this.perSecond <= 0) return;
    const interval = 1000 / this.perSecond;
    const now = this.now();
    const slot = Math.max(now, this.nextFreeAt);
    this.nextFreeAt = slot + interval;
    if (slot > now) await this.sleep(slot - now);
  }
}
