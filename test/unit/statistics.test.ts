/**
 * The statistics' pure rules: the wait-time histogram and the median read from it, how shard rows add up to
 * a product's figures, the waiting-units series, and which counters each event moves. Plus the two writes
 * whose shape matters beyond correctness: a batch of restock alerts is recorded (and counted) in one
 * request, and a counter conflict is tried again a few times, then left to the caller.
 */
import fc from 'fast-check';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  allocationChanges,
  CounterChanges,
  dailyUnits,
  lastDays,
  LAST_WAIT_BUCKET,
  medianFromHistogram,
  productFigures,
  productRowKey,
  counterShardOf,
  signupChanges,
  signupUndoChanges,
  STATS_SHARDS,
  statusChanges,
  sumRows,
  unitsRowKey,
  waitBucket,
  waitBucketRange,
} from '../../lambdas/domain/statistics';

const histogramOf = (waits: readonly number[]) => {
  const histogram = new Map<number, number>();
  for (const wait of waits) histogram.set(waitBucket(wait), (histogram.get(waitBucket(wait)) ?? 0) + 1);
  return histogram;
};

const trueMedian = (waits: readonly number[]) => {
  const sorted = [...waits].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length / 2) - 1];
};

describe('the wait-time histogram', () => {
  test('every wait falls in the bucket whose range holds it', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2 ** 29, noNaN: true }), (seconds) => {
        const [from, to] = waitBucketRange(waitBucket(seconds));
        expect(seconds).toBeGreaterThanOrEqual(from * (1 - 1e-12));
        expect(seconds).toBeLessThan(to * (1 + 1e-12));
      }),
      { numRuns: 2000 },
    );
    expect(waitBucket(0)).toBe(0);
    expect(waitBucket(0.999)).toBe(0);
    expect(waitBucket(1)).toBe(1);
    expect(waitBucket(10 ** 12)).toBe(LAST_WAIT_BUCKET);
  });

  test('no waits, no median', () => {
    expect(medianFromHistogram(new Map())).toBeNull();
    expect(medianFromHistogram(new Map([[12, 0]]))).toBeNull();
  });

  test('the median estimate is within one bucket (19 %) of the true median of the waits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 90 * 24 * 3600 }), { minLength: 1, maxLength: 200 }),
        (waits) => {
          const estimate = medianFromHistogram(histogramOf(waits))!;
          const median = trueMedian(waits);
          expect(estimate).toBeGreaterThan(median / 1.19 - 1e-9);
          expect(estimate).toBeLessThan(median * 1.19 + 1e-9);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('a day, a week and a month: the median is the week', () => {
    const median = medianFromHistogram(histogramOf([86_400, 7 * 86_400, 30 * 86_400]))!;
    expect(median / (7 * 86_400)).toBeGreaterThan(0.84);
    expect(median / (7 * 86_400)).toBeLessThan(1.19);
  });

  test('waits under a second are interpolated linearly', () => {
    expect(medianFromHistogram(new Map([[0, 4]]))).toBeCloseTo(0.5);
  });
});

describe('summing shard rows', () => {
  test('shard rows add up attribute by attribute; missing rows and the key count for nothing', () => {
    expect(
      sumRows([
        { key: 'stats#product#A#0', waiting: 2, unitsWaiting: 5, wait_40: 1 },
        undefined,
        { key: 'stats#product#A#3', waiting: -1, cancelled: 1, unitsWaiting: -2, wait_40: 2, wait_41: 1 },
      ]),
    ).toEqual({ waiting: 1, cancelled: 1, unitsWaiting: 3, wait_40: 3, wait_41: 1 });
  });

  test("a product's figures: contract counters, median wait, share cancelled while waiting", () => {
    const figures = productFigures({
      created: 8,
      waiting: 3,
      allocated: 1,
      fulfilled: 2,
      cancelled: 2,
      cancelledWhileWaiting: 2,
      unitsWaiting: 7,
      [`wait_${waitBucket(3600)}`]: 3,
    });
    expect(figures).toMatchObject({
      created: 8,
      waiting: 3,
      allocated: 1,
      fulfilled: 2,
      cancelled: 2,
      unitsWaiting: 7,
      waitsMeasured: 3,
      cancelledWhileWaitingShare: 0.25,
    });
    expect(figures.medianWaitSeconds! / 3600).toBeGreaterThan(0.84);
    expect(figures.medianWaitSeconds! / 3600).toBeLessThan(1.19);
    expect(productFigures({})).toMatchObject({
      waiting: 0,
      unitsWaiting: 0,
      medianWaitSeconds: null,
      cancelledWhileWaitingShare: null,
    });
  });

  test('the waiting-units series ends at the level now and steps back by what each day moved', () => {
    const days = lastDays('2026-03-02T15:00:00.000Z', 4);
    expect(days).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    const months = new Map<string, Record<string, number>>([
      ['2026-02', { added_27: 5, added_28: 2, removed_28: 3 }],
      ['2026-03', { added_02: 4, removed_02: 1 }],
    ]);
    expect(dailyUnits(days, months, 10).map((d) => d.unitsWaiting)).toEqual([8, 7, 7, 10]);
  });
});

describe('what each event counts', () => {
  const backorder = {
    id: '01JD8X4N5Q6R7S8T9V0W1X2Y3Z',
    sku: 'TEE',
    quantity: 3,
    createdAt: '2026-05-01T10:00:00.000Z',
  };
  const row = productRowKey('TEE', counterShardOf(backorder.id));

  test('a backorder always lands on the same one of the sixteen shards', () => {
    expect(counterShardOf(backorder.id)).toBe(counterShardOf(backorder.id));
    const used = new Set(Array.from({ length: 400 }, (_, i) => counterShardOf(`B${i}`)));
    expect(used).toEqual(new Set(Array.from({ length: STATS_SHARDS }, (_, i) => i)));
  });

  test('a signup, and its rollback, cancel out exactly', () => {
    const both = signupChanges(backorder).merge(signupUndoChanges(backorder));
    expect(both.entries()).toEqual([]);
    expect(Object.fromEntries(signupChanges(backorder).entries())).toEqual({
      [row]: { created: 1, waiting: 1, unitsWaiting: 3 },
      [unitsRowKey('TEE', '2026-05', counterShardOf(backorder.id))]: { added_01: 3 },
    });
  });

  test('a cancel while waiting counts as such; one after allocation gives nothing back to waiting', () => {
    expect(
      Object.fromEntries(
        statusChanges(backorder, 'waiting', 'cancelled', '2026-05-03T09:00:00.000Z').entries(),
      ),
    ).toEqual({
      [row]: { waiting: -1, cancelled: 1, cancelledWhileWaiting: 1, unitsWaiting: -3 },
      [unitsRowKey('TEE', '2026-05', counterShardOf(backorder.id))]: { removed_03: 3 },
    });
    expect(
      Object.fromEntries(
        statusChanges(backorder, 'allocated', 'cancelled', '2026-05-03T09:00:00.000Z').entries(),
      ),
    ).toEqual({ [row]: { allocated: -1, cancelled: 1 } });
  });

  test('an allocation measures the wait from signup; fulfilling it later measures nothing more', () => {
    const allocated = allocationChanges([{ ...backorder, allocatedAt: '2026-05-01T11:00:00.000Z' }]);
    expect(Object.fromEntries(allocated.entries())[row]).toEqual({
      waiting: -1,
      allocated: 1,
      unitsWaiting: -3,
      [`wait_${waitBucket(3600)}`]: 1,
    });
    expect(
      Object.fromEntries(
        statusChanges(backorder, 'allocated', 'fulfilled', '2026-05-02T00:00:00.000Z').entries(),
      ),
    ).toEqual({ [row]: { allocated: -1, fulfilled: 1 } });
  });

  test('changes to one row merge into one update', () => {
    const changes = new CounterChanges().add('r', 'a', 1).add('r', 'b', 2).add('r', 'a', 1).add('s', 'a', 0);
    expect(changes.entries()).toEqual([['r', { a: 2, b: 2 }]]);
  });
});

describe('counter writes', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  beforeAll(() => {
    process.env.TABLE_LEDGER = 'ledger-under-test';
  });
  beforeEach(() => dynamo.reset());

  const conflict = () =>
    new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
    });

  test('a batch of ten restock alerts is recorded and counted in one TransactWriteItems', async () => {
    const { recordSentMany } = await import('../../lambdas/store/send-ledger-store');
    dynamo.on(TransactWriteCommand).resolves({});
    await recordSentMany(
      Array.from({ length: 10 }, (_, i) => ({
        emailId: `restock#B${i}`,
        details: { recipientKey: `s${i}@example.com`, backorderId: `B${i}`, kind: 'restock' },
        claimedAt: '2026-05-01T10:00:00.000Z',
        sesMessageId: `ses-${i}`,
        sentAt: '2026-05-01T10:00:01.000Z',
        subject: 'Back in stock',
      })),
    );
    expect(dynamo.calls()).toHaveLength(1);
    const items = dynamo.commandCalls(TransactWriteCommand)[0].args[0].input.TransactItems!;
    const sentRecords = items.filter((item) => String(item.Put?.Item?.key).startsWith('email#'));
    expect(sentRecords).toHaveLength(10);
    for (const item of sentRecords) expect(item.Put?.ConditionExpression).toBe('#state = :sending');
    const counters = items.filter((item) => item.Update);
    expect(counters).toHaveLength(1);
    expect(String(counters[0].Update!.Key!.key)).toMatch(/^stats#emails#([0-9]|1[0-5])$/);
    expect(counters[0].Update!.UpdateExpression).toBe('ADD #c0 :c0, #c1 :c1');
    expect(counters[0].Update!.ExpressionAttributeNames).toEqual({ '#c0': 'sent', '#c1': 'sent_restock' });
    expect(counters[0].Update!.ExpressionAttributeValues).toEqual({ ':c0': 10, ':c1': 10 });
  });

  test('a conflict on a counter row is tried again, then given to the caller', async () => {
    const { transactWrite } = await import('../../lambdas/runtime/transact');
    dynamo.on(TransactWriteCommand).rejectsOnce(conflict()).resolves({});
    const built: number[] = [];
    await transactWrite((attempt) => {
      built.push(attempt);
      return [];
    });
    expect(built).toEqual([1, 2]);

    dynamo.reset();
    dynamo.on(TransactWriteCommand).rejects(conflict());
    await expect(transactWrite(() => [])).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(4);
  });

  test('a failed condition is never retried: the event already happened', async () => {
    const { transactWrite } = await import('../../lambdas/runtime/transact');
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'TransactionConflict' }],
      }),
    );
    await expect(transactWrite(() => [])).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});
