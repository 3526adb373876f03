/**
 * The nurture sweep's claims on ranges (lambdas/use-cases/sweep-nurture.ts, lambdas/store/swept-ranges.ts),
 * against DynamoDB Local and the SQS emulator with no consumers running, so the test reads the nurture queue
 * itself and plays the nurturer: a sweep queues each due step once and claims the page with one write; while
 * the claim's lease runs, sweeps queue only what fell due after it; a step whose message was lost (or that
 * came due late inside the claimed range) is queued again once the lease has run out; and the watermark
 * passes a bucket only once a sweep after its lease found nothing left in it. The clock is the test's.
 */
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BUCKET_MS, bucketStart, dueBucket } from '../../lambdas/domain/due-index';
import type { NurtureMessage } from '../../lambdas/messages/nurture';
import { emulatorClients } from '../../local/platform';
import { emulatorEndpoints, startTestPlatform, type TestPlatform } from '../support/platform';

let platform: TestPlatform;
const { sqs, dynamo: dynamoClient } = emulatorClients(emulatorEndpoints());
const dynamo = DynamoDBDocumentClient.from(dynamoClient);
beforeAll(async () => {
  // Nothing runs on its own: the test sweeps, at the times it chooses, and reads the queue itself.
  platform = await startTestPlatform({ queueConcurrency: 0, schedulerTickSeconds: 3600 });
});
afterAll(async () => {
  await platform?.stop();
  sqs.destroy();
  dynamo.destroy();
});

const modules = async () => ({
  ...(await import('../../lambdas/use-cases/sweep-nurture')),
  ...(await import('../../lambdas/store/enrolment-store')),
  ...(await import('../../lambdas/store/sweeper-state')),
});

const MINUTE = 60_000;
/** Far from the other files' clocks: a bucket of its own, ten minutes before its end. */
const T0 = Date.UTC(2031, 0, 14, 10, 50);

/** Takes every message now on the nurture queue off it: what the nurturer would have received. */
const takeQueued = async (): Promise<NurtureMessage[]> => {
  const taken: NurtureMessage[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: platform.queueUrls.nurture,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    if (Messages.length === 0) return taken;
    for (const message of Messages) {
      taken.push(JSON.parse(message.Body!) as NurtureMessage);
      await sqs.send(
        new DeleteMessageCommand({
          QueueUrl: platform.queueUrls.nurture,
          ReceiptHandle: message.ReceiptHandle!,
        }),
      );
    }
  }
};

const ids = (messages: NurtureMessage[]) => messages.map((m) => m.backorderId).sort();

test('the scheduler sweeps a few seconds behind the clock: a step the index may not show yet is not passed over', async () => {
  const { enrol, DUE_INDEX_SETTLE_MS } = await modules();
  const { runSchedule } = await import('../../lambdas/scheduler/handler');
  // A sweeper that never ran (as after a deployment) looks back from now; so does the next test's, from 2031.
  const forgetWatermark = () =>
    dynamo.send(
      new DeleteCommand({ TableName: platform.tableNames.settings, Key: { name: 'nurture-sweeper' } }),
    );
  await forgetWatermark();
  try {
    const campaign = `settle-${Date.now().toString(36)}`;
    const now = Date.now();
    const settled = `SETTLED-${campaign}`;
    const fresh = `FRESH-${campaign}`;
    const enrolledAt = new Date(now).toISOString();
    await enrol(settled, campaign, { stepId: 'step-1', dueMs: now - DUE_INDEX_SETTLE_MS - 2000 }, enrolledAt);
    await enrol(fresh, campaign, { stepId: 'step-1', dueMs: now - 1000 }, enrolledAt);

    // Due a second ago, the fresh step is still inside the settling time: no claim reaches it yet.
    await runSchedule();
    expect(ids(await takeQueued())).toEqual([settled]);
  } finally {
    await forgetWatermark();
  }
});

test('a page is claimed once; a lost or late step is queued again after the lease; the watermark waits for it', async () => {
  const { sweepDueSteps, enrol, advanceEach, getWatermark, STEP_LEASE_MS } = await modules();
  const campaign = `sweep-${Date.now().toString(36)}`;
  // Three shoppers' first steps due at 10:50, 10:51 and 10:52.
  const shoppers = ['SWEEP-A', 'SWEEP-B', 'SWEEP-C'].map((id) => `${id}-${campaign}`);
  for (const [i, id] of shoppers.entries())
    await enrol(id, campaign, { stepId: 'step-1', dueMs: T0 + i * MINUTE }, new Date(T0).toISOString());

  // 10:53: all three are due and go to the queue once (claimed until 11:08).
  let report = await sweepDueSteps(T0 + 3 * MINUTE);
  expect(report.queued).toBe(3);
  expect(ids(await takeQueued())).toEqual([...shoppers].sort());

  // A minute later: nothing new is due, and nothing claimed is queued again.
  report = await sweepDueSteps(T0 + 4 * MINUTE);
  expect(report.queued).toBe(0);
  expect(await takeQueued()).toEqual([]);

  // The nurturer sends A's and B's steps (their sequences move on, a day later); C's message was lost. And
  // D's step, written late by a lagging clock, is due at 10:51: inside the range already claimed.
  await advanceEach(
    shoppers.slice(0, 2).map((backorderId) => ({
      backorderId,
      campaignId: campaign,
      sentStepId: 'step-1',
      next: { stepId: 'step-2', index: 1, dueMs: T0 + 24 * 60 * MINUTE },
    })),
  );
  // In C's shard, whose claim reaches 10:52 (another shard's claim would not cover it).
  let late = '';
  for (let n = 0; !late; n++)
    if (dueBucket(T0, `SWEEP-D${n}-${campaign}`) === dueBucket(T0, shoppers[2]))
      late = `SWEEP-D${n}-${campaign}`;
  await enrol(late, campaign, { stepId: 'step-1', dueMs: T0 + MINUTE }, new Date(T0).toISOString());

  // While the lease runs, neither is queued. At 11:05 the bucket (10:00) has ended and settled, but what
  // was queued from it may still come back: the watermark stays.
  report = await sweepDueSteps(T0 + 10 * MINUTE);
  expect(report.queued).toBe(0);
  const bucket = bucketStart(T0);
  const afterSettling = bucket + BUCKET_MS + 5 * MINUTE + 1;
  report = await sweepDueSteps(afterSettling);
  expect(report.queued).toBe(0);
  expect(await takeQueued()).toEqual([]);
  expect(await getWatermark('nurture-sweeper')).toBeLessThanOrEqual(bucket);

  // Once the lease has run out, the shard is read from its start: the lost and the late step go out again,
  // the steps already sent do not.
  const leaseOver = T0 + 3 * MINUTE + STEP_LEASE_MS + 1;
  expect(leaseOver).toBeGreaterThan(afterSettling);
  report = await sweepDueSteps(leaseOver);
  expect(report.queued).toBe(2);
  expect(ids(await takeQueued())).toEqual([shoppers[2], late].sort());
  expect(await getWatermark('nurture-sweeper')).toBeLessThanOrEqual(bucket);

  // Both sent now: the next sweep after that lease finds nothing left, and the watermark passes the bucket.
  await advanceEach(
    [shoppers[2], late].map((backorderId) => ({ backorderId, campaignId: campaign, sentStepId: 'step-1' })),
  );
  const secondLeaseOver = leaseOver + STEP_LEASE_MS + 1;
  report = await sweepDueSteps(secondLeaseOver);
  expect(report.queued).toBe(0);
  expect(await getWatermark('nurture-sweeper')).toBeGreaterThan(bucket);
}, 60_000);
