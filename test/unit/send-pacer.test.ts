import { SendPacer } from '../../lambdas/shared/send-pacer';

/** A fake clock: sleeping advances it, so the pacing is checked without real time. */
const fakeClock = () => {
  let now = 1_000_000;
  return { now: () => now, sleep: async (ms: number) => void (now += ms), elapsed: () => now - 1_000_000 };
};

describe('email send pacing', () => {
  test('never sends faster than the configured SES rate', async () => {
    const clock = fakeClock();
    const pacer = new SendPacer(10, clock.now, clock.sleep);
    for (let i = 0; i < 50; i++) await pacer.take();
    // 50 sends at 10/s: the first goes at once, the 50th after 4.9 s.
    expect(clock.elapsed()).toBeCloseTo(4900, 0);
  });

  test('concurrent senders share the rate', async () => {
    const clock = fakeClock();
    const pacer = new SendPacer(5, clock.now, clock.sleep);
    await Promise.all(Array.from({ length: 10 }, () => pacer.take()));
    expect(clock.elapsed()).toBeGreaterThanOrEqual(1800 - 1);
  });

  test('a rate of 0 means no pacing', async () => {
    const clock = fakeClock();
    const pacer = new SendPacer(0, clock.now, clock.sleep);
    for (let i = 0; i < 100; i++) await pacer.take();
    expect(clock.elapsed()).toBe(0);
  });
});
