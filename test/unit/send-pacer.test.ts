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
});

describe('the SES rate shared between sending queues', () => {
  // Imported here so the pacer tests above stay independent of the platform description.
  const { queues, sendRatePerBatch } =
    jest.requireActual<typeof import('../../lib/platform')>('../../lib/platform');
  const senders = Object.values(queues).filter((q) => 'sendRateShare' in q);

  test('every queue whose consumer sends email has a share, and the shares add up to the whole rate', () => {
    expect(senders.map((q) => q.name).sort()).toEqual(['alert', 'email', 'nurture']);
    for (const queue of senders) expect('sendRateShare' in queue).toBe(true);
    const total = senders.reduce((sum, q) => sum + sendRatePerBatch(q, 14) * q.maxConcurrency, 0);
    expect(total).toBeCloseTo(14);
  });

  test('restock alerts get the larger share, transactional email more than nurture, and unlimited stays unlimited', () => {
    expect(sendRatePerBatch(queues.alert, 14) * queues.alert.maxConcurrency).toBeCloseTo(10.5);
    expect(sendRatePerBatch(queues.email, 14) * queues.email.maxConcurrency).toBeCloseTo(2.1);
    expect(sendRatePerBatch(queues.nurture, 14) * queues.nurture.maxConcurrency).toBeCloseTo(1.4);
    expect(sendRatePerBatch(queues.alert, 0)).toBe(0);
  });
});
