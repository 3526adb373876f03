/**
 * One schema per message (lambdas/messages): what each producer puts on its queue parses with the schema its
 * consumer reads it with, and parsing loses nothing of it. The producers run as they are, with SQS mocked:
 * the bodies checked are the exact JSON they send.
 */
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { queueEnv, queues, type QueueName } from '../../lib/platform';
import type { Backorder } from '../../lambdas/domain/backorder';
import { backorderEvent } from '../../lambdas/domain/webhook';
import { restockAlertMessage } from '../../lambdas/messages/alert';
import { emailQueueMessage } from '../../lambdas/messages/email';
import { enrolmentJob } from '../../lambdas/messages/enrolment';
import { nurtureMessage } from '../../lambdas/messages/nurture';
import { restockMessage } from '../../lambdas/messages/restock';
import { sealMessage } from '../../lambdas/messages/seal';
import { webhookMessage } from '../../lambdas/messages/webhook';
import { enqueueAlerts } from '../../lambdas/store/alert-queue';
import { enqueueEmail, enqueueNurtureSteps } from '../../lambdas/store/email-queue';
import { enqueueEnrolmentJob } from '../../lambdas/store/enrolment-jobs';
import { enqueueRestockPage, requestAllocation } from '../../lambdas/store/restock-queue';
import { requestSeal } from '../../lambdas/store/seal-queue';
import { enqueueWebhookDeliveries } from '../../lambdas/store/webhook-queue';

const urlOf = (queue: QueueName) => `http://sqs.local/000000000000/${queue}`;
for (const queue of Object.keys(queues) as QueueName[]) process.env[queueEnv(queue)] = urlOf(queue);

const sqs = mockClient(SQSClient);
beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({});
  sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });
});
afterAll(() => sqs.restore());

/** Every body sent to the queue, one at a time or in batches. */
const sentTo = (queue: QueueName): string[] => [
  ...sqs
    .commandCalls(SendMessageCommand)
    .filter((call) => call.args[0].input.QueueUrl === urlOf(queue))
    .map((call) => call.args[0].input.MessageBody!),
  ...sqs
    .commandCalls(SendMessageBatchCommand)
    .filter((call) => call.args[0].input.QueueUrl === urlOf(queue))
    .flatMap((call) => call.args[0].input.Entries!.map((entry) => entry.MessageBody!)),
];

/** Parses each body as the consumer does; what it reads is all that was sent. */
const expectConsumerReads = (queue: QueueName, schema: { parse(data: unknown): unknown }, count: number) => {
  const bodies = sentTo(queue);
  expect(bodies).toHaveLength(count);
  for (const body of bodies) expect(schema.parse(JSON.parse(body))).toEqual(JSON.parse(body));
};

test('restock alerts, with and without a name, are read by the alerter', async () => {
  const alert = {
    kind: 'restock' as const,
    backorderId: 'bo-1',
    sku: 'TEE-1',
    productName: 'Tee',
    quantity: 2,
    email: 'ann@example.com',
    statusToken: 'tok',
    allocatedAt: '2024-05-01T10:00:00.000Z',
  };
  await enqueueAlerts([alert, { ...alert, backorderId: 'bo-2', name: 'Ann' }]);
  expectConsumerReads('alert', restockAlertMessage, 2);
});

test('every kind of transactional email is read by the sender', async () => {
  await enqueueEmail({ kind: 'confirmation', backorderId: 'bo-1' });
  await enqueueEmail({ kind: 'links', emailKey: 'ann@example.com', emailId: 'links#abc#2024050110#1' });
  await enqueueEmail({ kind: 'test', testId: 't1', campaignId: 'c1', stepId: 's1', to: 'me@shop.example' });
  await enqueueEmail({ kind: 'supplierBatch', supplierId: 'sup-1', batchId: 'b1' });
  await enqueueEmail({ kind: 'statusLink', backorderId: 'bo-1', requestId: 'r1', requestedBy: 'agent@shop' });
  expectConsumerReads('email', emailQueueMessage, 5);
});

test('nurture steps are read by the nurturer', async () => {
  await enqueueNurtureSteps([
    { kind: 'nurture', backorderId: 'bo-1', campaignId: 'c1', stepId: 's1', stepIndex: 0 },
    { kind: 'nurture', backorderId: 'bo-2', campaignId: 'c1', stepId: 's2', stepIndex: 1 },
  ]);
  expectConsumerReads('nurture', nurtureMessage, 2);
});

test("an allocation run's start and its pages are read by the allocator", async () => {
  await requestAllocation(['TEE-1', 'TEE-1', 'TEE-2'], 'stock arrived');
  await enqueueRestockPage({ kind: 'page', sku: 'TEE-1', runId: 'run-1', page: 1, cursor: 'opaque' });
  await enqueueRestockPage({ kind: 'page', sku: 'TEE-1', runId: 'run-2', page: 0, predecessor: 'run-1' });
  expectConsumerReads('restock', restockMessage, 4);
});

test('a request to seal books is read by the sealer', async () => {
  await requestSeal({ sku: 'TEE-1', below: 3 });
  expectConsumerReads('seal', sealMessage, 1);
});

test("a campaign's enrolment pages are read by the enroller", async () => {
  await enqueueEnrolmentJob({ campaignId: 'c1', version: 1, skuIndex: 0 });
  await enqueueEnrolmentJob({ campaignId: 'c1', version: 2, skuIndex: 3, cursor: 'opaque' });
  expectConsumerReads('enrolment', enrolmentJob, 2);
});

test('webhook deliveries are read by the webhook sender, which posts the event exactly as it was queued', async () => {
  const backorder = {
    id: 'bo-1',
    sku: 'TEE-1',
    email: 'ann@example.com',
    name: 'Ann',
    segment: 'b2c',
    quantity: 2,
    status: 'waiting',
    createdAt: '2024-05-01T10:00:00.000Z',
  } as unknown as Backorder;
  const at = '2024-05-02T10:00:00.000Z';
  await enqueueWebhookDeliveries([
    { webhookId: 'hook-1', event: backorderEvent('backorder.created', backorder, at) },
    { webhookId: 'hook-2', event: backorderEvent('backorder.cancelled', backorder, at, { anonymous: true }) },
  ]);
  expectConsumerReads('webhook', webhookMessage, 2);
  for (const body of sentTo('webhook')) {
    const queued = JSON.parse(body);
    // Byte for byte: the signature is over the posted body.
    expect(JSON.stringify(webhookMessage.parse(queued).event)).toBe(JSON.stringify(queued.event));
  }
});

test("a webhook event's fields this version does not know are posted too", () => {
  const queued = {
    webhookId: 'hook-1',
    event: {
      id: 'backorder.created:bo-1',
      type: 'backorder.created',
      createdAt: '2024-05-02T10:00:00.000Z',
      apiVersion: 2,
      data: { backorder: { id: 'bo-1', loyalty: 'gold' }, product: { name: 'Tee' } },
    },
  };
  // Every field, though the unknown ones now follow the known ones.
  expect(webhookMessage.parse(queued).event).toEqual(queued.event);
});
