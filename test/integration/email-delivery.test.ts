/**
 * "Nothing lost, nothing doubled" for email, against the real emulators: redelivered messages, concurrent
 * workers, SES failing for a while, and a poison message, each through the real queue and sender.
 */
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { emailsTo, uniqueEmail, waitForEmails } from '../support/mailbox';
import { sleep } from '../support/wait';
import { sqsRecord } from '../support/queue-records';

let platform: TestPlatform;
let sqs: SQSClient;

beforeAll(async () => {
  platform = await startTestPlatform();
  sqs = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  await platform.admin('PUT', '/api/admin/products/MAIL-1', {
    name: 'Mail test tee',
    backorders: { enabled: true },
  });
});
afterAll(async () => {
  await platform?.stop();
  sqs?.destroy();
});

/** Signs a shopper up and captures the confirmation message the signup queued, by reading it back. */
const signUp = async (label: string) => {
  const email = uniqueEmail(label);
  const response = await platform.request('POST', '/api/backorders', { json: { sku: 'MAIL-1', email } });
  expect(response.status).toBe(201);
  const message = { kind: 'confirmation', backorderId: response.body.id };
  return { email, id: response.body.id as string, message };
};

const record = (body: unknown, id?: string) => sqsRecord(body, 'email', id);

test('a confirmation redelivered several times reaches the shopper once', async () => {
  const { email, message } = await signUp('redelivered');
  expect(await waitForEmails(platform.sesUrl, email, 1)).toHaveLength(1);
  for (let i = 0; i < 5; i++) {
    await sqs.send(
      new SendMessageCommand({ QueueUrl: platform.queueUrls.email, MessageBody: JSON.stringify(message) }),
    );
  }
  await sleep(3000);
  expect(await emailsTo(platform.sesUrl, email)).toHaveLength(1);
});

test('two workers handling the same message at once send one email', async () => {
  const { email, message } = await signUp('concurrent');
  const sender = await import('../../lambdas/sender/handler');
  const results = await Promise.allSettled(
    Array.from({ length: 4 }, () => sender.sendEmails({ Records: [record(message)] })),
  );
  // One worker sends; the others either find the send in flight (and fail, to be retried) or already done.
  expect(results.some((r) => r.status === 'fulfilled' && r.value.batchItemFailures.length === 0)).toBe(true);
  await sleep(1500);
  expect(await emailsTo(platform.sesUrl, email)).toHaveLength(1);
});

test('when SES throttles for a while, the email is retried and sent exactly once', async () => {
  const { ses } = await import('../../lambdas/runtime/ses');
  let throttled = 0;
  ses.middlewareStack.add(
    (next) => async (args) => {
      if (throttled < 3) {
        throttled++;
        throw Object.assign(new Error('Maximum sending rate exceeded.'), {
          name: 'Throttling',
          $metadata: { httpStatusCode: 400 },
          $retryable: undefined,
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectThrottling' },
  );
  try {
    const { email } = await signUp('throttled');
    const emails = await waitForEmails(platform.sesUrl, email, 1, 20_000);
    expect(throttled).toBe(3);
    expect(emails).toHaveLength(1);
    await sleep(2500);
    expect(await emailsTo(platform.sesUrl, email)).toHaveLength(1);
  } finally {
    ses.middlewareStack.remove('injectThrottling');
  }
});

test('a message that can never be processed ends in the dead-letter queue, and only it', async () => {
  await sqs.send(
    new SendMessageCommand({ QueueUrl: platform.queueUrls.email, MessageBody: '{"kind":"mystery"' }),
  );
  const { email } = await signUp('beside-poison');
  const deadline = Date.now() + 40_000;
  let dead: string[] = [];
  while (Date.now() < deadline && dead.length === 0) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: platform.deadLetterQueueUrls.email,
        WaitTimeSeconds: 1,
        MaxNumberOfMessages: 10,
      }),
    );
    dead = Messages.map((m) => m.Body ?? '');
  }
  expect(dead).toEqual(['{"kind":"mystery"']);
  expect(await emailsTo(platform.sesUrl, email)).toHaveLength(1);
}, 60_000);

test('shoppers signing up at the same moment with the same address get one backorder and one email', async () => {
  const email = uniqueEmail('racing');
  const responses = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      platform.request('POST', '/api/backorders', {
        json: { sku: 'MAIL-1', email: i % 2 ? email.toUpperCase() : ` ${email} ` },
      }),
    ),
  );
  const statuses = responses.map((r) => r.status).sort();
  expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
  expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
  await waitForEmails(platform.sesUrl, email, 1);
  await sleep(1500);
  expect(await emailsTo(platform.sesUrl, email)).toHaveLength(1);
});

test('a worker whose lease expired cannot give back the claim another worker took over', async () => {
  const ledger = await import('../../lambdas/store/send-ledger-store');
  const details = { recipientKey: 'someone@example.com', kind: 'test' };
  const emailId = `lease-${Math.random().toString(36).slice(2)}`;
  const start = Date.now();
  const slow = await ledger.claimSend(emailId, details, 1_000, start);
  // The slow worker's lease ran out; a second delivery takes the email over.
  const takeover = await ledger.claimSend(emailId, details, 60_000, start + 5_000);
  expect(slow.outcome).toBe('claimed');
  expect(takeover.outcome).toBe('claimed');
  // The slow worker's send fails and it gives back what it thinks is its claim...
  await ledger.releaseSend(emailId, (slow as { claimId: string }).claimId);
  // ...but the takeover still holds the email: a third delivery must wait, not send it again.
  expect((await ledger.claimSend(emailId, details, 60_000, start + 6_000)).outcome).toBe('in-flight');
});
