/**
 * The SES send rate shared out by demand (lambdas/domain/send-rate.ts): transactional email and alerts take
 * what their backlogs need, nurture every unit left, an idle queue's share goes to whoever has work, a queue
 * with work keeps its floor, the total never exceeds the rate; and a nurture step's lease outlasts its wait
 * behind the rate. Then the use-case around it (lambdas/use-cases/send-rate.ts) against a mocked SQS: unpaced
 * it asks SQS nothing, paced it reads each queue's depth once per two seconds, whatever it sends meanwhile.
 */
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import {
  guaranteedRate,
  shareSendRate,
  stepLeaseMs,
  type SendingQueue,
} from '../../lambdas/domain/send-rate';
import { logger } from '../../lambdas/runtime/logger';
import {
  nurtureStepLeaseMs,
  paceEachQueueInOneProcess,
  sendRateNow,
} from '../../lambdas/use-cases/send-rate';
import {
  functions,
  queueConsumedBy,
  queues,
  sendingQueues,
  sendRateFloor,
  type FunctionName,
} from '../../lib/platform';

type Name = 'email' | 'alert' | 'nurture';

/** The platform's own sending queues, floors and first claims, with these depths. */
const platformQueues = (depths: Partial<Record<Name, number>>): SendingQueue<Name>[] =>
  sendingQueues().map((q) => ({
    name: q.name as Name,
    depth: depths[q.name as Name] ?? 0,
    floor: sendRateFloor(q),
    firstClaim: q.sendRate?.firstClaim ?? 1,
  }));

const total = (shares: Record<string, number>) => Object.values(shares).reduce((a, b) => a + b, 0);

const floorOf = (name: Name) => sendRateFloor(queues[name]);

describe('sharing the SES rate by what each sending queue has waiting', () => {
  test('unpaced (rate 0, or nonsense) gives every queue 0, which the pacer reads as unlimited', () => {
    for (const rate of [0, -5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(shareSendRate(rate, platformQueues({ email: 5, alert: 5, nurture: 5 }))).toEqual({
        email: 0,
        alert: 0,
        nurture: 0,
      });
  });

  test('all idle: nobody sends, so nobody gets anything', () => {
    expect(shareSendRate(50, platformQueues({}))).toEqual({ email: 0, alert: 0, nurture: 0 });
  });

  test.each(['email', 'alert', 'nurture'] as const)('%s alone with work takes the whole rate', (busy) => {
    const shares = shareSendRate(50, platformQueues({ [busy]: 10_000 }));
    expect(shares[busy]).toBe(50);
    expect(total(shares)).toBe(50);
  });

  test('nurture alone with a few messages still takes every unit left: it is the one that can use them', () => {
    expect(shareSendRate(50, platformQueues({ nurture: 3 })).nurture).toBe(50);
  });

  test('a restock burst during a nurture step and signups: confirmations get what they need, alerts the rest, nurture its floor', () => {
    const shares = shareSendRate(50, platformQueues({ email: 6, alert: 10_000, nurture: 10_000 }));
    expect(shares.email).toBeCloseTo(6, 2);
    expect(shares.nurture).toBeCloseTo(floorOf('nurture'), 2);
    expect(shares.alert).toBeCloseTo(50 - 6 - floorOf('nurture'), 2);
    expect(total(shares)).toBeLessThanOrEqual(50);
    expect(total(shares)).toBeGreaterThan(49.99);
  });

  test('once the alerts are sent, nurture borrows their share at once', () => {
    const shares = shareSendRate(50, platformQueues({ email: 6, nurture: 10_000 }));
    expect(shares).toEqual({ email: 6, alert: 0, nurture: 44 });
  });

  test('a queue whose backlog needs less than its floor keeps the floor', () => {
    const shares = shareSendRate(50, platformQueues({ email: 1, alert: 10_000 }));
    expect(shares.email).toBeCloseTo(floorOf('email'), 2);
    expect(shares.alert).toBeCloseTo(50 - floorOf('email'), 2);
  });

  test('an expected-date fan-out on the email queue takes at most half the rate ahead of a restock', () => {
    const shares = shareSendRate(50, platformQueues({ email: 10_000, alert: 10_000, nurture: 10_000 }));
    expect(shares.email).toBeCloseTo(25, 2);
    expect(shares.alert).toBeCloseTo(25 - floorOf('nurture'), 2);
    expect(shares.nurture).toBeCloseTo(floorOf('nurture'), 2);
    // Without alerts waiting, the fan-out takes all but nurture's floor; with few alerts, all they leave.
    const alone = shareSendRate(50, platformQueues({ email: 10_000, nurture: 10_000 }));
    expect(alone.email).toBeCloseTo(50 - floorOf('nurture'), 2);
    const fewAlerts = shareSendRate(50, platformQueues({ email: 10_000, alert: 10, nurture: 10_000 }));
    expect(fewAlerts.alert).toBeCloseTo(10, 2);
    expect(fewAlerts.email).toBeCloseTo(40 - floorOf('nurture'), 2);
  });

  test('a rate below the floors: each queue with work gets its part of it, and the total stays within the rate', () => {
    const shares = shareSendRate(2, platformQueues({ email: 50, alert: 50, nurture: 50 }));
    const floors = floorOf('email') + floorOf('alert') + floorOf('nurture');
    for (const name of ['email', 'alert', 'nurture'] as const) {
      expect(shares[name]).toBeGreaterThan(0);
      expect(shares[name]).toBeCloseTo((2 * floorOf(name)) / floors, 2);
    }
    expect(total(shares)).toBeLessThanOrEqual(2);
  });

  test('rounding never takes the total over the rate: thirds of 14, tenths of 1', () => {
    const thirds: SendingQueue[] = ['a', 'b', 'c'].map((name) => ({
      name,
      depth: 1,
      floor: 14 / 3,
      firstClaim: 1,
    }));
    expect(total(shareSendRate(14, thirds))).toBeLessThanOrEqual(14);
    const tenths: SendingQueue[] = [0.1, 0.2, 0.7].map((floor, i) => ({
      name: String(i),
      depth: 1,
      floor,
      firstClaim: 1,
    }));
    const shares = shareSendRate(1, tenths);
    expect(total(shares)).toBeLessThanOrEqual(1);
    expect(total(shares)).toBeGreaterThan(0.997);
  });

  test('whatever the depths and rate: idle queues get 0, busy ones more than 0, all of it used while any has work, never more', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 1000, noNaN: true }),
        fc.array(fc.nat(20_000), { minLength: 3, maxLength: 3 }),
        (rate, [email, alert, nurture]) => {
          const shares = shareSendRate(rate, platformQueues({ email, alert, nurture }));
          expect(total(shares)).toBeLessThanOrEqual(rate);
          for (const [name, depth] of Object.entries({ email, alert, nurture }))
            if (depth === 0) expect(shares[name as Name]).toBe(0);
            else expect(shares[name as Name]).toBeGreaterThan(0);
          // The last queue with work takes whatever is left: nothing idles (to a thousandth per queue).
          if (email + alert + nurture > 0) expect(total(shares)).toBeGreaterThan(rate - 0.003);
        },
      ),
    );
  });
});

/**
 * Sends second by second at the shares of the moment, alerts arriving as fast as the whole rate for ever (the
 * worst that can happen ahead of a nurture step): the seconds until the `position`th nurture step (counted
 * from the head of its queue) is sent.
 */
const secondsUntilSent = (rate: number, depths: Record<Name, number>, position: number): number => {
  const left = { ...depths };
  let sentOfNurture = 0;
  for (let second = 1; second < 1_000_000; second++) {
    const shares = shareSendRate(rate, platformQueues(left));
    for (const name of ['email', 'alert', 'nurture'] as const) {
      const sent = Math.min(left[name], shares[name]);
      left[name] -= sent;
      if (name === 'nurture') sentOfNurture += sent;
    }
    left.alert += rate;
    // Shares are fractions of a send: a millionth short is sent.
    if (sentOfNurture >= position - 1e-6) return second;
  }
  throw new Error('never sent');
};

describe("a nurture step's lease, from the steps ahead of it and the rate nurture can count on", () => {
  const base = 15 * 60_000;
  const lease = (rate: number, depths: Partial<Record<Name, number>>, queuedSince = 1) =>
    stepLeaseMs({ rate, queues: platformQueues(depths), queue: 'nurture', queuedSince, baseMs: base });
  const kept = (rate: number) => guaranteedRate(rate, platformQueues({}), 'nurture');

  test("unpaced: today's fifteen minutes, whatever waits", () => {
    expect(lease(0, { email: 10_000, alert: 10_000, nurture: 10_000 }, 500)).toBe(base);
  });

  test('nurture can count on its floor: the others may always need the rest', () => {
    expect(kept(50)).toBeCloseTo(floorOf('nurture'), 2);
    expect(kept(14)).toBeCloseTo(floorOf('nurture'), 2);
    // A rate below the floors: its part of it.
    const floors = floorOf('email') + floorOf('alert') + floorOf('nurture');
    expect(kept(2)).toBeCloseTo((2 * floorOf('nurture')) / floors, 2);
  });

  test('nothing ahead: fifteen minutes and its own send at that rate', () => {
    expect(lease(50, {})).toBe(base + Math.ceil(1000 / kept(50)));
  });

  test('10 000 steps ahead at 14/s: far longer than fifteen minutes, whatever the other queues hold', () => {
    const expected = base + Math.ceil((1000 * 10_001) / kept(14));
    expect(lease(14, { nurture: 10_000 })).toBe(expected);
    expect(lease(14, { email: 5_000, alert: 10_000, nurture: 10_000 })).toBe(expected);
    expect(expected - base).toBeGreaterThan((10_001 / 14) * 1000);
  });

  test('the steps a sweep queued since the depth was read count as ahead of it', () => {
    expect(lease(50, { nurture: 100 }, 400)).toBe(base + Math.ceil((1000 * 500) / kept(50)));
  });

  test('a rate too small to share still gives a finite lease', () => {
    expect(Number.isFinite(lease(0.0001, { nurture: 10 }))).toBe(true);
  });

  test('it outlasts the wait, however many alerts keep arriving ahead of the step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 200 }),
        fc.record({ email: fc.nat(3_000), alert: fc.nat(20_000), nurture: fc.nat(2_000) }),
        (rate, depths) => {
          const position = depths.nurture + 1;
          const wait = secondsUntilSent(rate, { ...depths, nurture: position }, position);
          // The simulation sends in whole seconds: a second's grace.
          expect(lease(rate, depths) - base).toBeGreaterThanOrEqual((wait - 1) * 1000);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('the platform: who reads the sending queues, and what each keeps', () => {
  test("every sending queue's consumer reads every sending queue's depth; the sweeper, nurture's", () => {
    const sending = sendingQueues().map((q) => q.name);
    const depthsOf = (fn: FunctionName) => (functions[fn] as { queueDepths?: string[] }).queueDepths;
    const readers = (Object.keys(functions) as FunctionName[]).filter((fn) => depthsOf(fn) !== undefined);
    expect(readers.sort()).toEqual(['alerter', 'nurturer', 'scheduler', 'sender']);
    for (const q of sendingQueues()) {
      expect(queueConsumedBy(q.consumer)?.name).toBe(q.name);
      expect([...depthsOf(q.consumer)!].sort()).toEqual([...sending].sort());
    }
    expect(depthsOf('scheduler')).toEqual(['nurture']);
    for (const fn of readers) expect(functions[fn].config).toContain('EMAIL_SEND_RATE_PER_SECOND');
  });

  test("a queue's floor sends a full batch per concurrent batch within half its consumer's timeout", () => {
    for (const q of sendingQueues()) {
      const perBatch = sendRateFloor(q) / q.maxConcurrency;
      expect(q.batchSize / perBatch).toBeCloseTo(functions[q.consumer].timeoutSeconds / 2);
    }
  });
});

describe('pacing by the depths SQS answers', () => {
  const sqs = mockClient(SQSClient);
  const url = (name: string) => `https://sqs.test/queue-${name}`;
  let now = 1_000_000;
  let depths: Record<Name, [visible: number, inFlight: number]>;
  const base = 15 * 60_000;

  beforeAll(() => {
    for (const name of ['email', 'alert', 'nurture'])
      process.env[`QUEUE_${name.toUpperCase()}_URL`] = url(name);
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  beforeEach(() => {
    sqs.reset();
    sqs.on(GetQueueAttributesCommand).callsFake((input: { QueueUrl: string }) => {
      const name = input.QueueUrl.replace(url(''), '') as Name;
      const [visible, inFlight] = depths[name];
      return {
        Attributes: {
          ApproximateNumberOfMessages: String(visible),
          ApproximateNumberOfMessagesNotVisible: String(inFlight),
        },
      };
    });
    depths = { email: [0, 0], alert: [9_960, 40], nurture: [1_980, 20] };
    // Past the last reading: each test starts with none fresh.
    now += 60_000;
  });
  afterAll(() => {
    delete process.env.EMAIL_SEND_RATE_PER_SECOND;
    jest.restoreAllMocks();
  });
  const reads = () => sqs.commandCalls(GetQueueAttributesCommand).length;

  test('unpaced, nothing is asked of SQS: every send unlimited, every lease fifteen minutes', async () => {
    process.env.EMAIL_SEND_RATE_PER_SECOND = '0';
    expect(await sendRateNow('nurture')).toBe(0);
    expect(await sendRateNow('alert')).toBe(0);
    expect(await nurtureStepLeaseMs(base, 50)).toBe(base);
    expect(reads()).toBe(0);
  });

  test('paced, each batch gets its part of its queue share; SQS is asked once per queue every two seconds', async () => {
    process.env.EMAIL_SEND_RATE_PER_SECOND = '50';
    const nurture = await sendRateNow('nurture');
    // The email consumer asks with a confirmation in hand, which the reading does not show yet.
    const email = await sendRateNow('email');
    const alert = await sendRateNow('alert');
    expect(reads()).toBe(3);
    expect(nurture).toBeCloseTo(floorOf('nurture') / queues.nurture.maxConcurrency, 2);
    expect(email).toBeCloseTo(floorOf('email') / queues.email.maxConcurrency, 2);
    // Alerts asked with the email queue empty: its share is theirs.
    expect(alert).toBeCloseTo((50 - floorOf('nurture')) / queues.alert.maxConcurrency, 2);
    for (let i = 0; i < 100; i++) await sendRateNow('alert');
    now += 1_999;
    await sendRateNow('alert');
    expect(reads()).toBe(3);

    // The restock is sent: within two seconds nurture borrows the alerts' share. The send that starts the
    // new reading does not wait for it: it goes at the last reading's rate.
    depths.alert = [0, 0];
    now += 2;
    expect(await sendRateNow('nurture')).toBeCloseTo(nurture, 5);
    expect(reads()).toBe(6);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await sendRateNow('nurture')).toBe(50 / queues.nurture.maxConcurrency);
    expect(reads()).toBe(6);

    // An instance idle for longer than two readings waits for a new one.
    depths.alert = [500, 0];
    now += 4_000;
    expect(await sendRateNow('nurture')).toBeCloseTo(nurture, 5);
    expect(reads()).toBe(9);
  });

  test("a sweep's leases count the steps ahead and those it queued since the reading, of the nurture queue alone", async () => {
    process.env.EMAIL_SEND_RATE_PER_SECOND = '50';
    const kept = guaranteedRate(50, platformQueues({}), 'nurture');
    const leaseFor = (ahead: number) => base + Math.ceil((1000 * ahead) / kept);
    expect(await nurtureStepLeaseMs(base, 50)).toBe(leaseFor(2_000 + 50));
    expect(await nurtureStepLeaseMs(base, 50)).toBe(leaseFor(2_000 + 100));
    expect(sqs.commandCalls(GetQueueAttributesCommand).map((call) => call.args[0].input.QueueUrl)).toEqual([
      url('nurture'),
    ]);
    // A new reading shows those steps on the queue: counted from it again, once it is in.
    depths.nurture = [2_100, 0];
    now += 2_000;
    expect(await nurtureStepLeaseMs(base, 50)).toBe(leaseFor(2_000 + 150));
    await new Promise((resolve) => setImmediate(resolve));
    expect(await nurtureStepLeaseMs(base, 50)).toBe(leaseFor(2_100 + 50));
  });

  test('SQS failing: each queue paces to an equal part of the rate, and a lease is an hour', async () => {
    process.env.EMAIL_SEND_RATE_PER_SECOND = '48';
    sqs.on(GetQueueAttributesCommand).rejects(new Error('throttled'));
    const warned = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    expect(await sendRateNow('alert')).toBe(16 / queues.alert.maxConcurrency);
    // Not asked again until the failed reading is two seconds old.
    await sendRateNow('nurture');
    expect(reads()).toBe(3);
    expect(await nurtureStepLeaseMs(base)).toBe(4 * base);
    expect(warned.mock.calls.map(([message]) => message)).toEqual([
      'sending queue depths not read',
      'sending queue depths not read',
      'nurture step leased without the queue depths',
    ]);
  });

  test("the local runner's one process per queue paces to the queue's whole share", async () => {
    process.env.EMAIL_SEND_RATE_PER_SECOND = '50';
    depths.alert = [0, 0];
    paceEachQueueInOneProcess();
    expect(await sendRateNow('nurture')).toBe(50);
  });
});
