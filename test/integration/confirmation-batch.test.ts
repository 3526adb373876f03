/**
 * The sender's batch path for confirmations against the real emulators, with no queue consumers running
 * (the test hands the sender its batch itself): ten confirmations are read, claimed, linked and recorded
 * with a handful of DynamoDB requests for the lot; each shopper gets one email with their own place and a
 * status link that works; a redelivered batch sends nothing twice; a backorder being erased or never stored,
 * and another kind of email in the same batch, hold back nobody.
 */
import type { SQSEvent } from 'aws-lambda';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { documentClient } from '../support/hostile';
import { emailsTo, statusLinksIn, uniqueEmail, waitForEmails } from '../support/mailbox';
import { newProduct, signUpShopper, type Shopper } from '../support/shop';
import { sleep } from '../support/wait';
import { deliverCounted } from '../support/queue-records';

let platform: TestPlatform;
let sendEmails: (event: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

beforeAll(async () => {
  platform = await startTestPlatform({ queueConcurrency: 0, schedulerTickSeconds: 3600 });
  ({ sendEmails } = (await import('../../lambdas/sender/handler')) as never);
});
afterAll(async () => {
  await platform?.stop();
});

/** Runs the sender's handler on a batch, counting the DynamoDB requests its handlers' client makes. */
const deliverBatch = (messages: unknown[]) => deliverCounted(sendEmails, 'email', messages);

const confirmationsTo = async (shopper: Shopper) =>
  (await emailsTo(platform.sesUrl, shopper.email)).filter((email) => /on the list/i.test(email.subject));

test('ten confirmations in one batch: one email each with its place and a working link, a handful of requests, nothing twice', async () => {
  const sku = await newProduct(platform, 'confirm-batch');
  const ten: Shopper[] = [];
  for (let i = 0; i < 10; i++)
    ten.push(
      await signUpShopper(platform, { sku, email: uniqueEmail('confirm-batch'), name: `Shopper ${i}` }),
    );
  const messages = ten.map((shopper) => ({ kind: 'confirmation', backorderId: shopper.id }));

  const first = await deliverBatch(messages);
  expect(first.failures).toEqual([]);
  for (const shopper of ten) await waitForEmails(platform.sesUrl, shopper.email, 1);
  for (const [i, shopper] of ten.entries()) {
    const emails = await confirmationsTo(shopper);
    expect(emails).toHaveLength(1);
    // Each shopper's own place in the queue, read for the batch at once.
    expect(emails[0].body.text).toContain(`You are number ${i + 1} in the queue.`);
  }
  // Read once (backorders and settings), once more (the product and the queue rows places start from);
  // claimed, linked and recorded: one request each. (Ten one at a time made about sixty.)
  expect(first.requests.length).toBeLessThanOrEqual(8);
  expect(first.requests.filter((name) => name === 'TransactWriteItemsCommand')).toHaveLength(3);

  // The link works: it opens this shopper's backorder.
  const [email] = await confirmationsTo(ten[3]);
  const link = new URL(statusLinksIn(email)[0]);
  const token = decodeURIComponent(new URLSearchParams(link.hash.slice(1)).get('token') ?? '');
  const status = await platform.request(
    'GET',
    `/api/backorders/${ten[3].id}?token=${encodeURIComponent(token)}`,
  );
  expect(status.status).toBe(200);
  expect(status.body.position).toBe(4);

  // The same batch delivered again: nothing is sent twice, nothing fails.
  const again = await deliverBatch(messages);
  expect(again.failures).toEqual([]);
  await sleep(1000);
  for (const shopper of ten) expect(await confirmationsTo(shopper)).toHaveLength(1);
}, 60_000);

test('a backorder being erased or never stored, and another kind of email in the batch, hold back nobody', async () => {
  const sku = await newProduct(platform, 'confirm-mixed');
  const [kept, erased, asking] = [
    await signUpShopper(platform, { sku, email: uniqueEmail('confirm-kept') }),
    await signUpShopper(platform, { sku, email: uniqueEmail('confirm-erased') }),
    await signUpShopper(platform, { sku, email: uniqueEmail('confirm-asking') }),
  ];
  // Its erasure began before the confirmation went out (as the erasure marks the row first).
  await documentClient().send(
    new UpdateCommand({
      TableName: platform.tableNames.backorders,
      Key: { id: erased.id },
      UpdateExpression: 'SET erasingAt = :now',
      ExpressionAttributeValues: { ':now': new Date().toISOString() },
    }),
  );
  const result = await deliverBatch([
    { kind: 'confirmation', backorderId: kept.id },
    { kind: 'confirmation', backorderId: erased.id },
    // Never stored: nobody to write to.
    { kind: 'confirmation', backorderId: '01JNEVERSTORED0000000000000' },
    { kind: 'statusLink', backorderId: asking.id, requestId: 'REQ1', requestedBy: 'cs' },
    { kind: 'confirmation', backorderId: asking.id },
  ]);
  expect(result.failures).toEqual([]);
  await waitForEmails(platform.sesUrl, kept.email, 1);
  await waitForEmails(platform.sesUrl, asking.email, 2);
  expect(await confirmationsTo(kept)).toHaveLength(1);
  expect(await confirmationsTo(asking)).toHaveLength(1);
  await sleep(500);
  expect(await emailsTo(platform.sesUrl, erased.email)).toEqual([]);
}, 60_000);
