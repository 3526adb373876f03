/**
 * The nurturer's batch path against the real emulators: a batch of ten steps is read, claimed, linked,
 * recorded and moved on with a handful of DynamoDB requests for the lot, each shopper gets one email whose
 * links work, a redelivered batch sends nothing twice, and one shopper's trouble (cancelled, two steps in
 * the batch, a full list of email links) never holds back the others.
 */
import type { SQSEvent } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { useSingleOptIn } from '../support/settings';
import { emailsTo, statusLinksIn, uniqueEmail, waitForEmails } from '../support/mailbox';
import { newProduct, signUpShopper, type Shopper } from '../support/shop';
import { sleep } from '../support/wait';
import { deliverCounted } from '../support/queue-records';

let platform: TestPlatform;
let dynamo: DynamoDBDocumentClient;
let sendNurtureSteps: (event: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

beforeAll(async () => {
  // No sweep runs on its own: the test hands the nurturer its batches itself.
  platform = await startTestPlatform({ schedulerTickSeconds: 3600 });
  await useSingleOptIn(platform);
  dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    }),
  );
  ({ sendNurtureSteps } = (await import('../../lambdas/nurturer/handler')) as never);
});
afterAll(async () => {
  await platform?.stop();
  dynamo?.destroy();
});

const step = (backorderId: string, campaignId: string) => ({
  kind: 'nurture',
  backorderId,
  campaignId,
  stepId: 'step-1',
  stepIndex: 0,
});

/** A campaign of two steps a day apart (nothing falls due by itself during the test). */
const campaign = async (id: string, skus: string[]) => {
  const response = await platform.admin('PUT', `/api/admin/campaigns/${id}`, {
    name: `Campaign ${id}`,
    active: true,
    audience: { skus },
    steps: ['P1D', 'P2D'].map((delay, i) => ({
      id: `step-${i + 1}`,
      delay,
      subject: `${id} step ${i + 1} for {{ product.name }}`,
      html: `<p>Hi {{ shopper.name }}, you are number {{ backorder.position }}.</p>`,
    })),
  });
  expect(response.status).toBeLessThan(300);
};

const enrolment = async (backorderId: string, campaignId: string) =>
  (
    await dynamo.send(
      new GetCommand({
        TableName: platform.tableNames.enrolments,
        Key: { backorderId, campaignId },
        ConsistentRead: true,
      }),
    )
  ).Item;

/** Shoppers signed up with consent, each enrolled (their confirmation went out) in the given campaigns. */
const shoppers = async (sku: string, count: number, campaigns: string[]): Promise<Shopper[]> => {
  const made: Shopper[] = [];
  for (let i = 0; i < count; i++)
    made.push(
      await signUpShopper(platform, {
        sku,
        email: uniqueEmail('batch'),
        marketingConsent: true,
        name: `Shopper ${i}`,
      }),
    );
  const deadline = Date.now() + 30_000;
  for (const shopper of made)
    for (const id of campaigns)
      while (!(await enrolment(shopper.id, id))) {
        if (Date.now() > deadline) throw new Error(`${shopper.id} was never enrolled in ${id}`);
        await sleep(200);
      }
  return made;
};

/** Runs the nurturer's handler on a batch, counting the DynamoDB requests its handlers' client makes. */
const deliverBatch = (messages: unknown[]) => deliverCounted(sendNurtureSteps, 'nurture', messages);

const stepEmails = async (shopper: Shopper, subject: string) =>
  (await emailsTo(platform.sesUrl, shopper.email)).filter((email) => email.subject.startsWith(subject));

test('ten steps in one batch: one email each with working links, a handful of requests for the lot, nothing twice on redelivery', async () => {
  const sku = await newProduct(platform, 'batch');
  await campaign('batch-ten', [sku]);
  const ten = await shoppers(sku, 10, ['batch-ten']);
  const messages = ten.map((shopper) => step(shopper.id, 'batch-ten'));

  const first = await deliverBatch(messages);
  expect(first.failures).toEqual([]);
  for (const shopper of ten) await waitForEmails(platform.sesUrl, shopper.email, 2);
  for (const [i, shopper] of ten.entries()) {
    const emails = await stepEmails(shopper, 'batch-ten step 1');
    expect(emails).toHaveLength(1);
    // Each shopper's own place in the queue, read for the batch at once.
    expect(emails[0].body.html).toContain(`you are number ${i + 1}.`);
  }
  // Read once (backorders, campaign, settings), once more (suppression, product, the queue rows places
  // start from); claimed, linked (with the unsubscribe tokens), recorded and moved on: one request each.
  expect(first.requests.length).toBeLessThanOrEqual(8);
  expect(first.requests.filter((name) => name === 'TransactWriteItemsCommand')).toHaveLength(4);

  // The links work: the status link opens this shopper's backorder, the unsubscribe link unsubscribes.
  const [email] = await stepEmails(ten[0], 'batch-ten step 1');
  const link = new URL(statusLinksIn(email)[0]);
  const token = decodeURIComponent(new URLSearchParams(link.hash.slice(1)).get('token') ?? '');
  const status = await platform.request(
    'GET',
    `/api/backorders/${ten[0].id}?token=${encodeURIComponent(token)}`,
  );
  expect(status.status).toBe(200);
  const unsubscribe = /href="([^"]*\/unsubscribe\?token=[^"]+)"/.exec(email.body.html ?? '')![1];
  const unsubscribeToken = new URL(unsubscribe.replace(/&amp;/g, '&')).searchParams.get('token')!;
  expect(
    (await platform.request('POST', `/api/unsubscribe?token=${encodeURIComponent(unsubscribeToken)}`)).status,
  ).toBe(200);

  // Every sequence moved on to its second step, a day later.
  for (const shopper of ten) expect((await enrolment(shopper.id, 'batch-ten'))?.nextStepId).toBe('step-2');

  // The same batch delivered again: nothing is sent twice, nothing fails.
  const again = await deliverBatch(messages);
  expect(again.failures).toEqual([]);
  await sleep(1000);
  for (const shopper of ten) expect(await stepEmails(shopper, 'batch-ten step 1')).toHaveLength(1);
  for (const shopper of ten) expect((await enrolment(shopper.id, 'batch-ten'))?.nextStepId).toBe('step-2');
});

test("one shopper's trouble holds back nobody: cancelled, two steps in one batch, a full list of email links", async () => {
  const sku = await newProduct(platform, 'mixed');
  await campaign('mixed-a', [sku]);
  await campaign('mixed-b', [sku]);
  const [cancelled, twice, full, plain] = await shoppers(sku, 4, ['mixed-a', 'mixed-b']);
  expect(
    (await platform.request('POST', `/api/backorders/${cancelled.id}/cancel?token=${cancelled.token}`))
      .status,
  ).toBe(200);
  // A shopper whose backorder already holds the most email links it keeps (100): the newest gives way.
  await dynamo.send(
    new UpdateCommand({
      TableName: platform.tableNames.backorders,
      Key: { id: full.id },
      UpdateExpression: 'SET emailTokenHashes = :links',
      ExpressionAttributeValues: { ':links': Array.from({ length: 100 }, (_, i) => `old-${i}`) },
    }),
  );

  const batch = await deliverBatch([
    step(cancelled.id, 'mixed-a'),
    step(twice.id, 'mixed-a'),
    step(twice.id, 'mixed-b'),
    step(full.id, 'mixed-a'),
    step(plain.id, 'mixed-a'),
  ]);
  expect(batch.failures).toEqual([]);
  await waitForEmails(platform.sesUrl, plain.email, 2);
  await waitForEmails(platform.sesUrl, twice.email, 3);
  expect(await stepEmails(cancelled, 'mixed-')).toHaveLength(0);
  expect((await enrolment(cancelled.id, 'mixed-a'))?.state).toBe('stopped');
  expect(await stepEmails(twice, 'mixed-a step 1')).toHaveLength(1);
  expect(await stepEmails(twice, 'mixed-b step 1')).toHaveLength(1);
  expect(await stepEmails(plain, 'mixed-a step 1')).toHaveLength(1);

  // The full list kept its bound and the new link works.
  const [fullEmail] = await stepEmails(full, 'mixed-a step 1');
  expect(fullEmail).toBeDefined();
  const row = (
    await dynamo.send(
      new GetCommand({
        TableName: platform.tableNames.backorders,
        Key: { id: full.id },
        ConsistentRead: true,
      }),
    )
  ).Item!;
  expect(row.emailTokenHashes).toHaveLength(100);
  expect(row.emailTokenHashes).not.toContain('old-0');
  const token = decodeURIComponent(
    new URLSearchParams(new URL(statusLinksIn(fullEmail)[0]).hash.slice(1)).get('token') ?? '',
  );
  expect(
    (await platform.request('GET', `/api/backorders/${full.id}?token=${encodeURIComponent(token)}`)).status,
  ).toBe(200);
  // Two steps of one shopper's two sequences: each carries its own link, and both work.
  const links = (await stepEmails(twice, 'mixed-')).map((email) => statusLinksIn(email)[0]);
  expect(new Set(links).size).toBe(2);
});
