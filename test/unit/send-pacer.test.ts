import { SendPacer } from '../../lambdas/runtime/send-pacer';

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

  test('a rate that changes applies from the next send, not after the sends already waiting', async () => {
    const clock = fakeClock();
    let rate = 1;
    const pacer = new SendPacer(() => rate, clock.now, clock.sleep);
    const sent: number[] = [];
    const takes = Array.from({ length: 6 }, (_, i) =>
      pacer.take().then(() => {
        sent.push(clock.elapsed());
        // After the third send the queue's share rises (the burst ahead of it is over).
        if (i === 2) rate = 10;
      }),
    );
    await Promise.all(takes);
    // 1/s for the first three (0, 1 s, 2 s), then 10/s.
    expect(sent).toEqual([0, 1000, 2000, 2100, 2200, 2300]);
  });

  test('a rate asked for asynchronously (a reading of the queues) paces the same way', async () => {
    const clock = fakeClock();
    let asked = 0;
    const pacer = new SendPacer(
      async () => {
        asked++;
        return 4;
      },
      clock.now,
      clock.sleep,
    );
    await Promise.all(Array.from({ length: 5 }, () => pacer.take()));
    expect(clock.elapsed()).toBe(1000);
    // Asked before each send: a change reaches the next send.
    expect(asked).toBe(5);
  });

  test('a rate that falls to 0 lets every send through; one that cannot be had fails its own send only', async () => {
    const clock = fakeClock();
    let rate: number | Error = 0;
    const pacer = new SendPacer(
      () => {
        if (rate instanceof Error) throw rate;
        return rate;
      },
      clock.now,
      clock.sleep,
    );
    for (let i = 0; i < 20; i++) await pacer.take();
    expect(clock.elapsed()).toBe(0);
    rate = new Error('no rate');
    await expect(pacer.take()).rejects.toThrow('no rate');
    rate = 2;
    await pacer.take();
    await pacer.take();
    expect(clock.elapsed()).toBe(500);
  });
});

describe('a burst of up to a second of the rate', () => {
  test('a batch that reads and records between its sends may send what it could not meanwhile, at once', async () => {
    const clock = fakeClock();
    const pacer = new SendPacer(10, clock.now, clock.sleep, 1);
    const sentAt: number[] = [];
    for (let batch = 0; batch < 3; batch++) {
      // A second of the batch's own work (claims, records), then its ten sends.
      await clock.sleep(1000);
      await Promise.all(
        Array.from({ length: 10 }, () => pacer.take().then(() => sentAt.push(clock.elapsed()))),
      );
    }
    // Each batch's ten go at once: the second of work banked them. Paced without a burst, each batch's sends
    // would take 0.9 s more: 30 sends in 5.7 s instead of 3 s.
    expect(sentAt).toEqual([...Array(10).fill(1000), ...Array(10).fill(2000), ...Array(10).fill(3000)]);
  });

  test('never more than a second of the rate ahead of it, over any stretch of time', async () => {
    const clock = fakeClock();
    const pacer = new SendPacer(10, clock.now, clock.sleep, 1);
    await clock.sleep(5000);
    const sentAt: number[] = [];
    await Promise.all(
      Array.from({ length: 60 }, () => pacer.take().then(() => sentAt.push(clock.elapsed()))),
    );
    // Ten at once (the bucket, full after the idle time), then one every 100 ms.
    expect(sentAt.slice(0, 10)).toEqual(Array(10).fill(5000));
    expect(sentAt[59] - sentAt[10]).toBeCloseTo(4900, 0);
    for (let i = 0; i < sentAt.length; i++)
      for (let j = i; j < sentAt.length; j++)
        expect(j - i + 1).toBeLessThanOrEqual(((sentAt[j] - sentAt[i]) / 1000) * 10 + 10 + 1e-9);
  });
});

describe("the SES rate split across a queue's concurrent batches", () => {
  // Imported here so the pacer tests above stay independent of the platform description.
  const { queues, sendingQueues, sendRatePerBatch } =
    jest.requireActual<typeof import('../../lib/platform')>('../../lib/platform');

  test('the queues whose consumers send email are served transactional email first, then alerts, then nurture', () => {
    expect(sendingQueues().map((q) => q.name)).toEqual(['email', 'alert', 'nurture']);
  });

  test("each batch paces to its part of the queue's current rate, and unlimited stays unlimited", () => {
    expect(sendRatePerBatch(queues.alert, 40)).toBe(10);
    expect(sendRatePerBatch(queues.email, 40)).toBe(20);
    expect(sendRatePerBatch(queues.alert, 0)).toBe(0);
  });
});
