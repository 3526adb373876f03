/**
 * At send time a template obeys the same limits as when it was saved. A step that passed its trial render
 * with the sample shopper (2 units) but passes 512 KiB with a real shopper's 600 units is withheld: recorded
 * once in the send ledger with the reason, its message acknowledged (not retried, not dead-lettered), the
 * shopper's sequence moving on to the next step, and every other shopper's email sent as usual. A step saved
 * before the checks existed (a tag that reads files) is withheld the same way, nurture and test send alike.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { emailsTo, uniqueEmail, waitForEmails } from '../support/mailbox';
import { queueDepth } from '../support/invariants';
import { sleep } from '../support/wait';
import { signUpShopper } from '../support/shop';

let platform: TestPlatform;
let sqs: SQSClient;
let dynamo: DynamoDBDocumentClient;
let sweepDueSteps: (nowMs: number) => Promise<{ due: number; queued: number }>;

const HOUR = 3_600_000;
/** The sweeper's clock, moved only forward from real time (as in nurture.test.ts). */
let clock = Date.now();
const advanceClock = (ms: number) => (clock = Math.max(clock, Date.now()) + ms);

beforeAll(async () => {
  // The scheduler does not tick on its own: each test sweeps at the time it chooses.
  platform = await startTestPlatform({ schedulerTickSeconds: 3600 });
  sqs = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    }),
  );
  ({ sweepDueSteps } = await import('../../lambdas/use-cases/sweep-nurture'));
  // Consent ticked at signup counts at once (single opt-in), whatever the shop's default.
  const settings = (await platform.admin('GET', '/api/admin/settings')).body;
  expect(
    (await platform.admin('PUT', '/api/admin/settings', { ...settings, doubleOptIn: false })).status,
  ).toBe(200);
});
beforeEach(async () => {
  clock = Date.now();
  await dynamo.send(
    new DeleteCommand({ TableName: platform.tableNames.settings, Key: { name: 'nurture-sweeper' } }),
  );
});
afterAll(async () => {
  await platform?.stop();
  sqs?.destroy();
  dynamo?.destroy();
});

const product = async (label: string) => {
  const sku = `${label}-${Math.random().toString(36).slice(2, 8)}`.toUpperCase();
  const response = await platform.admin('PUT', `/api/admin/products/${sku}`, {
    name: `${label} tee`,
    backorders: { enabled: true, maxPerCustomer: 1000 },
  });
  expect(response.status).toBe(201);
  return sku;
};

const signUp = async (sku: string, email: string, quantity: number) => {
  const { id } = await signUpShopper(platform, { sku, email, quantity, marketingConsent: true, name: 'Ann' });
  await waitForEmails(platform.sesUrl, email, 1); // the confirmation; its delivery enrols the shopper
  return id;
};

const ledgerRow = async (emailId: string) =>
  (
    await dynamo.send(
      new GetCommand({
        TableName: platform.tableNames.ledger,
        Key: { key: `email#${emailId}` },
        ConsistentRead: true,
      }),
    )
  ).Item;

/** Waits until the email's send record is settled (sent or withheld), then returns it. */
const settled = async (emailId: string, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await ledgerRow(emailId);
    if (row?.state === 'sent' || row?.state === 'withheld' || Date.now() > deadline) return row;
    await sleep(200);
  }
};

const emailEntries = async (backorderId: string) => {
  const response = await platform.admin('GET', `/api/admin/backorders/${backorderId}`);
  expect(response.status).toBe(200);
  return (response.body.timeline as { type: string; kind?: string; stepId?: string }[]).filter(
    (entry) => entry.type === 'email' && entry.kind !== 'confirmation',
  );
};

/** Nothing left on the queue and nothing dead-lettered: every message was acknowledged. */
const expectAcknowledged = async (queue: 'nurture' | 'email') => {
  const deadline = Date.now() + 10_000;
  while ((await queueDepth(sqs, platform.queueUrls[queue])) > 0 && Date.now() < deadline) await sleep(200);
  expect(await queueDepth(sqs, platform.queueUrls[queue])).toBe(0);
  expect(await queueDepth(sqs, platform.deadLetterQueueUrls[queue])).toBe(0);
};

test("a step within the limits with the sample but over them with a real shopper's data is withheld once, and the rest go out", async () => {
  const sku = await product('bulk');
  // 1 000 bytes per unit: 2 KB for the sample shopper's 2 units, 600 KB for a shopper who ordered 600.
  const saved = await platform.admin('PUT', '/api/admin/campaigns/bulk-order', {
    name: 'Bulk order',
    active: true,
    audience: { skus: [sku] },
    steps: [
      {
        id: 'per-unit',
        delay: 'PT0S',
        subject: 'Your {{ backorder.quantity }} {{ product.name }}',
        html: `{% for i in (1..backorder.quantity) %}<p>${'x'.repeat(1000)}</p>{% endfor %}`,
      },
      { id: 'later', delay: 'PT1H', subject: 'Still waiting?', html: '<p>Hi {{ shopper.name }}</p>' },
    ],
  });
  expect(saved.status).toBe(201);

  const bulk = uniqueEmail('bulk');
  const others = [uniqueEmail('one'), uniqueEmail('two')];
  const bulkId = await signUp(sku, bulk, 600);
  for (const email of others) await signUp(sku, email, 1);
  await sleep(300);

  await sweepDueSteps(advanceClock(1000));
  for (const email of others)
    expect((await waitForEmails(platform.sesUrl, email, 2)).map((e) => e.subject)).toEqual([
      "You're on the list for bulk tee",
      'Your 1 bulk tee',
    ]);
  const emailId = `nurture#${bulkId}#bulk-order#per-unit`;
  const row = await settled(emailId);
  expect(row).toMatchObject({
    state: 'withheld',
    kind: 'nurture',
    campaignId: 'bulk-order',
    stepId: 'per-unit',
    withheldReason: expect.stringMatching(
      /^the html template, with this shopper's data: the email would be over 512 KiB/,
    ),
  });
  expect(row).not.toHaveProperty('sentAt');
  await expectAcknowledged('nurture');
  expect((await emailsTo(platform.sesUrl, bulk)).map((e) => e.subject)).toEqual([
    "You're on the list for bulk tee",
  ]);

  // The same message delivered again, three times: nothing is sent, the record is the one written first.
  for (let i = 0; i < 3; i++)
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: platform.queueUrls.nurture,
        MessageBody: JSON.stringify({
          kind: 'nurture',
          backorderId: bulkId,
          campaignId: 'bulk-order',
          stepId: 'per-unit',
          stepIndex: 0,
        }),
      }),
    );
  await sleep(1500);
  await expectAcknowledged('nurture');
  expect(await ledgerRow(emailId)).toEqual(row);
  expect(await emailsTo(platform.sesUrl, bulk)).toHaveLength(1);

  // Customer service sees it withheld, with the reason, once.
  expect(await emailEntries(bulkId)).toEqual([
    expect.objectContaining({
      kind: 'nurture',
      stepId: 'per-unit',
      outcome: 'withheld',
      reason: row?.withheldReason,
    }),
  ]);

  // The sequence moved on: the next step reaches the shopper when it falls due, as it does everyone else.
  await sweepDueSteps(advanceClock(2 * HOUR));
  for (const email of [bulk, ...others])
    expect(
      (await waitForEmails(platform.sesUrl, email, email === bulk ? 2 : 3)).map((e) => e.subject),
    ).toContain('Still waiting?');
  expect(await settled(`nurture#${bulkId}#bulk-order#later`)).toMatchObject({ state: 'sent' });
  expect(
    (await emailEntries(bulkId)).map((entry) => [entry.stepId, (entry as { outcome?: string }).outcome]),
  ).toEqual([
    ['per-unit', 'withheld'],
    ['later', 'sent'],
  ]);
  await expectAcknowledged('nurture');
}, 90_000);

test('a step saved before the checks, reading a file, is withheld at send time, for nurture and test sends', async () => {
  const sku = await product('legacy');
  const saved = await platform.admin('PUT', '/api/admin/campaigns/legacy-files', {
    name: 'Legacy',
    active: true,
    audience: { skus: [sku] },
    steps: [{ id: 'hello', delay: 'PT0S', subject: 'Hello', html: '<p>Hi</p>' }],
  });
  expect(saved.status).toBe(201);
  // As an older version saved it, before the tags that read files were refused.
  await dynamo.send(
    new UpdateCommand({
      TableName: platform.tableNames.campaigns,
      Key: { id: 'legacy-files' },
      UpdateExpression: 'SET steps = :steps',
      ExpressionAttributeValues: {
        ':steps': [
          {
            id: 'hello',
            delay: 'PT0S',
            subject: 'Hello',
            html: '<p>Hi</p>',
            text: "{% render '/etc/passwd' %}",
          },
        ],
      },
    }),
  );
  const email = uniqueEmail('legacy');
  const backorderId = await signUp(sku, email, 1);
  await sleep(300);

  await sweepDueSteps(advanceClock(1000));
  expect(await settled(`nurture#${backorderId}#legacy-files#hello`)).toMatchObject({
    state: 'withheld',
    withheldReason: expect.stringContaining('the render tag is not allowed: templates cannot read files'),
  });
  await expectAcknowledged('nurture');

  // A test send queued before the step was broken (the API now refuses to queue one).
  const to = uniqueEmail('tester');
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: platform.queueUrls.email,
      MessageBody: JSON.stringify({
        kind: 'test',
        testId: 'legacy-1',
        campaignId: 'legacy-files',
        stepId: 'hello',
        to,
      }),
    }),
  );
  expect(await settled('test#legacy-1')).toMatchObject({
    state: 'withheld',
    withheldReason: expect.stringMatching(
      /^the text template, with the sample shopper: .*render tag is not allowed/,
    ),
  });
  await expectAcknowledged('email');
  const inbox = [...(await emailsTo(platform.sesUrl, email)), ...(await emailsTo(platform.sesUrl, to))];
  expect(inbox.map((e) => e.subject)).toEqual(["You're on the list for legacy tee"]);
  for (const sent of inbox) expect(JSON.stringify(sent)).not.toMatch(/root:x:0:0/);
}, 60_000);
