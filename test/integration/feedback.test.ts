/**
 * Bounces and complaints end to end, against the real emulators: an email to SES's simulator addresses goes
 * out, the local mailbox simulator publishes what SES would, the feedback queue's function puts the address
 * on the suppression list and counts it. Redelivered notifications count once, soft bounces never suppress,
 * a suppressed shopper gets no more marketing email but still every transactional one, and an unreadable
 * notification ends in the dead-letter queue.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { EmailCounters } from '../../lambdas/store/email-stats-store';
import { emailsTo, uniqueEmail, waitForEmails, type StoredEmail } from '../support/mailbox';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { useSingleOptIn } from '../support/settings';
import { sleep } from '../support/wait';
import { signUpShopper } from '../support/shop';

let platform: TestPlatform;
let sqs: SQSClient;
let dynamo: DynamoDBDocumentClient;
let emailCounters: () => Promise<EmailCounters>;
let sweepDueSteps: (nowMs: number) => Promise<{ due: number; queued: number }>;

beforeAll(async () => {
  // The scheduler does not tick on its own: the nurture test sweeps when it has seen the bounce.
  platform = await startTestPlatform({ schedulerTickSeconds: 3600 });
  await useSingleOptIn(platform);
  const common = { region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } };
  sqs = new SQSClient(common);
  dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...common, endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB }),
  );
  // The modules the handlers use, configured by the platform's environment: the stats the console will read.
  ({ emailCounters } = await import('../../lambdas/store/email-stats-store'));
  ({ sweepDueSteps } = await import('../../lambdas/use-cases/sweep-nurture'));
});
afterAll(async () => {
  await platform?.stop();
  sqs?.destroy();
  dynamo?.destroy();
});

/** A fresh simulator address (SES's simulator accepts +labels), so each test has its own shopper. */
const simulatorAddress = (kind: 'bounce' | 'complaint', label: string) =>
  `${kind}+${label}-${Math.random().toString(36).slice(2, 8)}@simulator.amazonses.com`;

const waitUntil = async <T>(
  what: string,
  probe: () => Promise<T>,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(100);
  }
};

/** The suppression list entry of an address, as the ledger holds it. */
const suppression = async (address: string) =>
  (
    await dynamo.send(
      new GetCommand({
        TableName: platform.tableNames.ledger,
        Key: { key: `suppressed#${address}` },
        ConsistentRead: true,
      }),
    )
  ).Item as { reason: string; at: string } | undefined;

/** Waits until the counters moved by `change` from `before`, then checks they stay there. */
const expectCountersToSettle = async (before: EmailCounters, change: Partial<EmailCounters>) => {
  const expected = {
    bounced: before.bounced + (change.bounced ?? 0),
    softBounced: before.softBounced + (change.softBounced ?? 0),
    complained: before.complained + (change.complained ?? 0),
  };
  await waitUntil('the counters', async () => {
    const now = await emailCounters();
    return now.bounced >= expected.bounced && now.complained >= expected.complained;
  });
  // Redeliveries and retries (visibility 2 s here) have had time to land: nothing was counted twice.
  await sleep(3000);
  expect(await emailCounters()).toEqual(expected);
};

const product = async (label: string) => {
  const sku = `${label}-${Math.random().toString(36).slice(2, 8)}`.toUpperCase();
  const response = await platform.admin('PUT', `/api/admin/products/${sku}`, {
    name: `${label} tee`,
    backorders: { enabled: true },
  });
  expect(response.status).toBe(201);
  return sku;
};

const signUp = (sku: string, email: string, marketingConsent = false) =>
  signUpShopper(platform, { sku, email, marketingConsent });

const subjects = (emails: StoredEmail[]) => emails.map((e) => e.subject);

/** A configuration set event as SES publishes it through SNS with raw message delivery. */
const bounceEvent = (address: string, bounceType: string, feedbackId: string) => ({
  eventType: 'Bounce',
  bounce: {
    feedbackId,
    bounceType,
    bounceSubType: bounceType === 'Transient' ? 'MailboxFull' : 'General',
    bouncedRecipients: [{ emailAddress: address, action: 'failed', status: '4.2.2' }],
    timestamp: new Date().toISOString(),
  },
  mail: {
    timestamp: new Date().toISOString(),
    source: 'Shop <backorders@shop.example>',
    messageId: `ses-${feedbackId}`,
    destination: [address],
  },
});

const sendToFeedbackQueue = (body: unknown) =>
  sqs.send(
    new SendMessageCommand({
      QueueUrl: platform.queueUrls.feedback,
      MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );

test('a shopper whose address bounces gets the confirmation, then is suppressed as bounced and counted', async () => {
  const before = await emailCounters();
  const sku = await product('bounce');
  const address = simulatorAddress('bounce', 'signup');
  await signUp(sku, address);

  // The transactional confirmation went out (SES accepted it) …
  expect(subjects(await waitForEmails(platform.sesUrl, address, 1))).toEqual([
    "You're on the list for bounce tee",
  ]);
  // … and the simulator's bounce came back through the feedback queue.
  const entry = await waitUntil('the suppression', () => suppression(address));
  expect(entry.reason).toBe('bounced');
  await expectCountersToSettle(before, { bounced: 1 });
});

test('a shopper who marks the email as spam is suppressed as complained and counted', async () => {
  const before = await emailCounters();
  const sku = await product('complaint');
  const address = simulatorAddress('complaint', 'signup');
  await signUp(sku, address);

  await waitForEmails(platform.sesUrl, address, 1);
  const entry = await waitUntil('the suppression', () => suppression(address));
  expect(entry.reason).toBe('complained');
  await expectCountersToSettle(before, { complained: 1 });
});

test('the same notification delivered twice (and once more in its SNS envelope) counts once', async () => {
  const before = await emailCounters();
  const address = uniqueEmail('twice');
  const event = bounceEvent(address, 'Permanent', `twice-${Date.now()}`);
  await sendToFeedbackQueue(event);
  await sendToFeedbackQueue(event);
  await sendToFeedbackQueue({ Type: 'Notification', MessageId: 'sns-1', Message: JSON.stringify(event) });

  await expectCountersToSettle(before, { bounced: 1 });
  expect((await suppression(address))?.reason).toBe('bounced');
});

test('a transient bounce is counted but does not suppress the address', async () => {
  const before = await emailCounters();
  const address = uniqueEmail('mailbox-full');
  await sendToFeedbackQueue(bounceEvent(address, 'Transient', `soft-${Date.now()}`));

  await expectCountersToSettle(before, { bounced: 1, softBounced: 1 });
  expect(await suppression(address)).toBeUndefined();
});

test('a bounced address gets no more marketing email, for any product, but still its transactional email', async () => {
  const [tees, mugs] = [await product('nurture'), await product('nurture2')];
  const response = await platform.admin('PUT', '/api/admin/campaigns/after-bounce', {
    name: 'After a bounce',
    active: true,
    audience: { skus: [tees, mugs] },
    steps: [{ id: 'step-1', delay: 'PT0S', subject: 'News about {{ product.name }}', html: '<p>Hello</p>' }],
  });
  expect(response.status).toBeLessThan(300);
  const bounced = simulatorAddress('bounce', 'nurture');
  const control = uniqueEmail('nurture-control');
  await signUp(tees, bounced, true);
  await signUp(tees, control, true);
  await waitForEmails(platform.sesUrl, control, 1);
  await waitForEmails(platform.sesUrl, bounced, 1);
  await waitUntil('the suppression', () => suppression(bounced));
  await sleep(500); // the confirmation's delivery enrols the shopper in the campaign

  await sweepDueSteps(Date.now() + 1000);
  await waitForEmails(platform.sesUrl, control, 2);
  await sleep(1500);
  expect(subjects(await emailsTo(platform.sesUrl, control))).toEqual([
    "You're on the list for nurture tee",
    'News about nurture tee',
  ]);
  expect(subjects(await emailsTo(platform.sesUrl, bounced))).toEqual(["You're on the list for nurture tee"]);

  // A backorder for another product: its confirmation is transactional and still goes out; nurture does not.
  await signUp(mugs, bounced, true);
  await waitForEmails(platform.sesUrl, bounced, 2);
  await sleep(500);
  await sweepDueSteps(Date.now() + 2000);
  await sleep(2000);
  expect(subjects(await emailsTo(platform.sesUrl, bounced))).toEqual([
    "You're on the list for nurture tee",
    "You're on the list for nurture2 tee",
  ]);
}, 60_000);

test('an unreadable notification is retried, then waits in the dead-letter queue; the others are handled', async () => {
  const before = await emailCounters();
  const address = uniqueEmail('beside-poison');
  await sendToFeedbackQueue('{"eventType":"Bounce"');
  await sendToFeedbackQueue(bounceEvent(address, 'Permanent', `beside-poison-${Date.now()}`));

  const deadline = Date.now() + 40_000;
  let dead: string[] = [];
  while (Date.now() < deadline && dead.length === 0) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: platform.deadLetterQueueUrls.feedback,
        WaitTimeSeconds: 1,
        MaxNumberOfMessages: 10,
      }),
    );
    dead = Messages.map((m) => m.Body ?? '');
  }
  expect(dead).toEqual(['{"eventType":"Bounce"']);
  expect((await suppression(address))?.reason).toBe('bounced');
  expect(await emailCounters()).toEqual({ ...before, bounced: before.bounced + 1 });
}, 60_000);
