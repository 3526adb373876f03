/**
 * The SES rate shared by demand, against the real SQS emulator: the depth reader
 * (lambdas/store/queue-depths.ts) sees what waits and what is being handled on the sending queues, and the
 * sender paces by it: with a restock's alerts waiting (the alerter held, so they stay), transactional email
 * takes at most half the rate; once the alerts are gone, the whole of it. Paced at 10 emails a second, so
 * the lower bounds on the times below hold however loaded the machine is.
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import type { LambdaHandler } from '../../local/handlers';
import { DEPTH_TTL_MS, queueDepths } from '../../lambdas/store/queue-depths';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { emailsTo } from '../support/mailbox';
import { sleep } from '../support/wait';

const RATE = 10;
const ALERTS = 300;
const EMAILS = 30;

let platform: TestPlatform;
let sqs: SQSClient;

/** The alerter holds every batch until the test lets it go, then acknowledges it unsent (they are not real alerts). */
let releaseAlerter: () => void = () => undefined;
const alerterReleased = new Promise<void>((resolve) => (releaseAlerter = resolve));
const holdAlerter = (name: string, handler: LambdaHandler): LambdaHandler =>
  name === 'alerter'
    ? async () => {
        await alerterReleased;
        return { batchItemFailures: [] };
      }
    : handler;

beforeAll(async () => {
  platform = await startTestPlatform({
    emailSendRatePerSecond: RATE,
    schedulerTickSeconds: 3600,
    wrapHandler: holdAlerter,
    // Held alert batches stay in flight rather than coming round again meanwhile.
    visibilityTimeoutSeconds: 60,
  });
  sqs = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  const campaign = await platform.admin('PUT', '/api/admin/campaigns/paced', {
    name: 'Paced',
    active: false,
    audience: { skus: ['PACED-TEE'] },
    steps: [
      {
        id: 'hello',
        delay: 'PT0S',
        subject: 'Paced hello',
        html: '<p>Hello.</p><p><a href="{{ unsubscribeUrl }}">Unsubscribe</a></p>',
      },
    ],
  });
  expect(campaign.status).toBeLessThan(300);
}, 60_000);

afterAll(async () => {
  releaseAlerter();
  await platform?.stop();
  sqs?.destroy();
});

const queueMessages = async (url: string, bodies: unknown[]) => {
  for (let i = 0; i < bodies.length; i += 10)
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: bodies
          .slice(i, i + 10)
          .map((body, n) => ({ Id: String(n), MessageBody: JSON.stringify(body) })),
      }),
    );
};

/** Test sends of the campaign's step to fresh addresses; answers the seconds until all are in the SES store. */
const sendTestEmails = async (label: string): Promise<number> => {
  const run = `${label}-${randomBytes(3).toString('hex')}`;
  const to = Array.from({ length: EMAILS }, (_, i) => `${run}-${i}@example.com`);
  const started = performance.now();
  await queueMessages(
    platform.queueUrls.email,
    to.map((address, i) => ({
      kind: 'test',
      testId: `${run}-${i}`,
      campaignId: 'paced',
      stepId: 'hello',
      to: address,
    })),
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    const received = (await emailsTo(platform.sesUrl, run)).length;
    if (received >= EMAILS) return (performance.now() - started) / 1000;
    if (Date.now() > deadline) throw new Error(`${received} of ${EMAILS} ${label} emails after 60 s`);
    await sleep(100);
  }
};

test('the depth reader counts what waits and what is being handled on each sending queue', async () => {
  const alerts = Array.from({ length: ALERTS }, (_, i) => ({ kind: 'placeholder', n: i }));
  await queueMessages(platform.queueUrls.alert, alerts);
  // A fresh reading: the alerter holds some in flight, the rest wait.
  await sleep(DEPTH_TTL_MS);
  const { depths } = await queueDepths(['email', 'alert', 'nurture']);
  // At least: the emulator may count a held message both ways.
  expect(depths?.alert).toBeGreaterThanOrEqual(ALERTS);
  expect(depths?.email).toBe(0);
  expect(depths?.nurture).toBe(0);
});

test('with alerts waiting, transactional email gets half the rate; without, all of it', async () => {
  // 30 at no more than 5 a second, a second's worth (5) of them at once at most: 25 a fifth of a second apart.
  const behindAlerts = await sendTestEmails('behind-alerts');
  expect(behindAlerts).toBeGreaterThanOrEqual((EMAILS - RATE / 2) / (RATE / 2) - 0.2);

  releaseAlerter();
  const deadline = Date.now() + 30_000;
  for (;;) {
    await sleep(DEPTH_TTL_MS);
    const { depths } = await queueDepths(['email', 'alert', 'nurture']);
    if (depths?.alert === 0) break;
    if (Date.now() > deadline) throw new Error('the alert queue did not empty');
  }
  // Now the whole rate: still paced (no more than 10 a second), and faster than behind the alerts.
  const alone = await sendTestEmails('alone');
  expect(alone).toBeGreaterThanOrEqual((EMAILS - RATE) / RATE - 0.2);
  expect(alone).toBeLessThan(behindAlerts);
}, 120_000);
