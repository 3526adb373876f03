/**
 * Transactional email never waits behind marketing: nurture steps have their own queue and consumer, so
 * while thousands of steps wait (here: the nurturer is paused outright), a shopper who signs up still gets
 * their confirmation at once. Against the real emulators, with the platform's own event sources.
 */
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LambdaHandler } from '../../local/handlers';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { useSingleOptIn } from '../support/settings';
import { emailsTo, uniqueEmail, waitForEmails } from '../support/mailbox';
import { queueDepth as depthOf } from '../support/invariants';
import { signUpShopper } from '../support/shop';

let platform: TestPlatform;
let sqs: SQSClient;
let sweepDueSteps: (nowMs: number) => Promise<{ due: number; queued: number }>;

/** The nurturer holds every batch it is given until the test lets it go. */
let resumeNurturer: () => void = () => undefined;
const nurturerResumed = new Promise<void>((resolve) => (resumeNurturer = resolve));
const pauseNurturer = (name: string, handler: LambdaHandler): LambdaHandler =>
  name === 'nurturer'
    ? async (event, context) => {
        await nurturerResumed;
        return handler(event, context);
      }
    : handler;

beforeAll(async () => {
  // The scheduler does not tick on its own: the test sweeps when it chooses.
  platform = await startTestPlatform({ schedulerTickSeconds: 3600, wrapHandler: pauseNurturer });
  await useSingleOptIn(platform);
  sqs = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  ({ sweepDueSteps } = await import('../../lambdas/use-cases/sweep-nurture'));
});
/** Messages on a queue, waiting, delayed or being handled. */
const queueDepth = (url: string) => depthOf(sqs, url);

afterAll(async () => {
  resumeNurturer();
  await platform?.stop();
  sqs?.destroy();
});

const waitFor = async (condition: () => Promise<boolean>, what: string, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

const signUp = (sku: string, email: string) =>
  signUpShopper(platform, { sku, email, marketingConsent: true, name: 'Ann' });

test('a confirmation goes out while a nurture step for every other shopper waits on its own queue', async () => {
  const sku = `PRIORITY-${Math.random().toString(36).slice(2, 8)}`.toUpperCase();
  expect(
    (
      await platform.admin('PUT', `/api/admin/products/${sku}`, {
        name: 'Busy tee',
        backorders: { enabled: true },
      })
    ).status,
  ).toBe(201);
  const campaign = await platform.admin('PUT', '/api/admin/campaigns/busy', {
    name: 'Busy campaign',
    active: true,
    audience: { skus: [sku] },
    steps: [
      {
        id: 'hello',
        delay: 'PT0S',
        subject: 'News about {{ product.name }}',
        html: '<p>Hi {{ shopper.name }}.</p><p><a href="{{ unsubscribeUrl }}">Unsubscribe</a></p>',
      },
    ],
  });
  expect(campaign.status).toBeLessThan(300);

  // Shoppers already waiting, enrolled by their confirmations: their first step falls due at once.
  const waiting = Array.from({ length: 20 }, (_, i) => uniqueEmail(`waiting${i}`));
  await Promise.all(waiting.map((email) => signUp(sku, email)));
  for (const email of waiting) expect(await waitForEmails(platform.sesUrl, email, 1)).toHaveLength(1);
  await new Promise((r) => setTimeout(r, 500)); // the enrolments a confirmation's delivery writes

  // The sweeper queues the due steps, and a big marketing send waits behind them on the nurture queue.
  const report = await sweepDueSteps(Date.now() + 1000);
  expect(report.queued).toBe(waiting.length);
  const bulk = 200;
  for (let i = 0; i < bulk; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: platform.queueUrls.nurture,
        Entries: Array.from({ length: 10 }, (_, n) => ({
          Id: String(n),
          MessageBody: JSON.stringify({
            kind: 'nurture',
            backorderId: `bulk-${i + n}`,
            campaignId: 'busy',
            stepId: 'hello',
            stepIndex: 0,
          }),
        })),
      }),
    );
  }
  // At least: the emulator counts a held batch whose visibility timeout lapsed both as waiting and in flight.
  expect(await queueDepth(platform.queueUrls.nurture)).toBeGreaterThanOrEqual(waiting.length + bulk);

  // A shopper signing up now gets their confirmation, though no nurture step has gone out yet.
  const newcomer = uniqueEmail('newcomer');
  await signUp(sku, newcomer);
  const [confirmation] = await waitForEmails(platform.sesUrl, newcomer, 1);
  expect(confirmation.subject).toBe("You're on the list for Busy tee");
  expect(await queueDepth(platform.queueUrls.nurture)).toBeGreaterThanOrEqual(waiting.length + bulk);
  for (const email of waiting) expect(await emailsTo(platform.sesUrl, email)).toHaveLength(1);

  // Once the nurture queue's consumer runs, every step goes out, once. Batches held while it was paused
  // outlived their visibility timeout and come round again (a held step may meet its own claim and back
  // off), so the test waits for the queue to drain, not for a fixed time.
  resumeNurturer();
  await waitFor(
    async () => (await queueDepth(platform.queueUrls.nurture)) === 0,
    'the nurture queue drained',
    150_000,
  );
  for (const email of waiting) {
    const emails = await waitForEmails(platform.sesUrl, email, 2, 30_000);
    expect(emails.map((e) => e.subject)).toEqual(["You're on the list for Busy tee", 'News about Busy tee']);
  }
  expect(await queueDepth(platform.deadLetterQueueUrls.nurture)).toBe(0);
}, 240_000);

test('a nurture step still on the email queue from before the split is left to the sweeper, not dead-lettered', async () => {
  const sku = `LEGACY-${Math.random().toString(36).slice(2, 8)}`.toUpperCase();
  await platform.admin('PUT', `/api/admin/products/${sku}`, {
    name: 'Old tee',
    backorders: { enabled: true },
  });
  const email = uniqueEmail('legacy');
  const { id } = await signUp(sku, email);
  expect(await waitForEmails(platform.sesUrl, email, 1)).toHaveLength(1);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: platform.queueUrls.email,
      MessageBody: JSON.stringify({
        kind: 'nurture',
        backorderId: id,
        campaignId: 'busy',
        stepId: 'hello',
        stepIndex: 0,
      }),
    }),
  );
  await waitFor(async () => (await queueDepth(platform.queueUrls.email)) === 0, 'the email queue drained');
  expect(await queueDepth(platform.deadLetterQueueUrls.email)).toBe(0);
  // The sender sent nothing for it: the step goes out when the sweeper queues it on the nurture queue.
  expect(await emailsTo(platform.sesUrl, email)).toHaveLength(1);
});
