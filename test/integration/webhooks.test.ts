/**
 * Outbound webhooks against the real emulators, the real queue and the real webhook sender, with a local
 * HTTP server playing the shop's ERP: a new backorder reaches it as a signed event; endpoints that fail for a
 * while get the event later, those that always fail end dead-lettered and shown `dead`, those that refuse
 * are `failed` at once; a slow endpoint holds up nobody else; a malformed message reaches the dead-letter
 * queue; a redelivered message is delivered again under the same event id (at least once).
 *
 * Time is compressed: the backoff the sender asks SQS for (10 s, 20 s, 40 s …) is recorded, then shortened
 * to 1 s, so ten tries take seconds. Everything else runs as deployed.
 */
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type ChangeMessageVisibilityBatchCommandInput,
} from '@aws-sdk/client-sqs';
import { verifySignature } from '../../lambdas/runtime/signature';
import { queues } from '../../lib/platform';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import {
  startWebhookReceiver,
  type ReceivedRequest,
  type WebhookReceiver,
} from '../support/webhook-receiver';
import { sleep } from '../support/wait';
import { signUpShopper } from '../support/shop';

const SKU = 'HOOKS-1';
const SECRET = 'erp-signing-secret-0123456789';

let platform: TestPlatform;
let erp: WebhookReceiver;
let sqs: SQSClient;
/** Backoffs the webhook sender asked for, in seconds, before the test shortened them. */
let requestedBackoffs: number[] = [];
/** Endpoints saved by the current test, deleted after it so later signups do not reach them. */
let saved: string[] = [];
/** Bodies read from the webhook dead-letter queue so far. */
const deadLetters: string[] = [];

beforeAll(async () => {
  platform = await startTestPlatform();
  erp = await startWebhookReceiver();
  sqs = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  await platform.admin('PUT', `/api/admin/products/${SKU}`, {
    name: 'Webhook test tee',
    backorders: { enabled: true },
  });
  const { sqs: handlerSqs } = await import('../../lambdas/runtime/sqs');
  handlerSqs.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'ChangeMessageVisibilityBatchCommand') {
        const input = args.input as ChangeMessageVisibilityBatchCommandInput;
        for (const entry of input.Entries ?? []) {
          // Recorded for the webhook queue only: other queues (a confirmation's email) back off in this
          // process too, and their backoffs are not the webhook sender's.
          if (input.QueueUrl === platform.queueUrls.webhook)
            requestedBackoffs.push(entry.VisibilityTimeout ?? 0);
          entry.VisibilityTimeout = 1;
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'compressBackoff' },
  );
});

afterAll(async () => {
  await platform?.stop();
  await erp?.close();
  sqs?.destroy();
});

afterEach(async () => {
  for (const id of saved) await platform.admin('DELETE', `/api/admin/webhooks/${id}`);
  saved = [];
});

const waitFor = async <T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
};

const uniquePath = (label: string) => `/${label}-${Math.random().toString(36).slice(2, 8)}`;

/** Saves an endpoint (subscribed to backorder.created unless said otherwise) for the current test. */
const saveEndpoint = async (url: string, events = ['backorder.created']): Promise<string> => {
  const id = `erp-${Math.random().toString(36).slice(2, 8)}`;
  const response = await platform.admin('PUT', `/api/admin/webhooks/${id}`, { url, secret: SECRET, events });
  expect(response.status).toBe(201);
  saved.push(id);
  return id;
};

const signUp = async (label: string, sku = SKU): Promise<string> =>
  (await signUpShopper(platform, { sku, label, name: 'Ada Lovelace', quantity: 2 })).id;

const deliveryOf = async (webhookId: string, backorderId: string) => {
  const { body } = await platform.admin('GET', `/api/admin/webhooks/${webhookId}/deliveries`);
  return (body.items as Array<Record<string, any>>).find((d) => d.backorderId === backorderId);
};

const waitForDelivery = (webhookId: string, backorderId: string, state: string, timeoutMs?: number) =>
  waitFor(
    `the delivery of ${backorderId} to ${webhookId} to be ${state}`,
    async () => {
      const delivery = await deliveryOf(webhookId, backorderId);
      return delivery?.state === state ? delivery : undefined;
    },
    timeoutMs,
  );

const waitForDeadLetter = (contains: string, timeoutMs = 60_000) =>
  waitFor(
    `a dead letter containing ${contains}`,
    async () => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: platform.deadLetterQueueUrls.webhook,
          WaitTimeSeconds: 1,
          MaxNumberOfMessages: 10,
        }),
      );
      for (const message of Messages) {
        deadLetters.push(message.Body ?? '');
        await sqs.send(
          new DeleteMessageCommand({
            QueueUrl: platform.deadLetterQueueUrls.webhook,
            ReceiptHandle: message.ReceiptHandle,
          }),
        );
      }
      return deadLetters.find((body) => body.includes(contains));
    },
    timeoutMs,
  );

test('a new backorder reaches the shop’s endpoint as a signed backorder.created event', async () => {
  const path = uniquePath('created');
  const webhookId = await saveEndpoint(erp.respond(path, () => ({ status: 204 })));
  const backorderId = await signUp('created');

  const [request] = await erp.waitForRequests(path, 1);
  expect(request).toBeDefined();
  expect(request.headers['content-type']).toBe('application/json');
  expect(request.headers['user-agent']).toMatch(/^Backorders-Webhooks\//);
  expect(request.headers['x-webhook-id']).toBe(webhookId);
  expect(request.headers['x-event-id']).toBe(`backorder.created:${backorderId}`);
  expect(verifySignature(SECRET, request.headers['x-signature'] as string, request.rawBody)).toBe('valid');
  expect(
    verifySignature('another-secret-entirely', request.headers['x-signature'] as string, request.rawBody),
  ).toBe('mismatch');

  const event = JSON.parse(request.rawBody);
  expect(event).toEqual({
    id: `backorder.created:${backorderId}`,
    type: 'backorder.created',
    createdAt: expect.any(String),
    data: {
      backorder: {
        id: backorderId,
        sku: SKU,
        email: expect.stringMatching(/^created\..*@example\.com$/),
        name: 'Ada Lovelace',
        company: null,
        segment: 'b2c',
        quantity: 2,
        status: 'waiting',
        kind: 'reservation',
        createdAt: event.createdAt,
      },
    },
  });

  const delivery = await waitForDelivery(webhookId, backorderId, 'delivered');
  expect(delivery).toMatchObject({
    eventId: `backorder.created:${backorderId}`,
    eventType: 'backorder.created',
    lastStatus: 204,
    lastError: null,
  });
  // At least once: on a loaded machine an answer can come after the 5 s timeout and the event goes again,
  // as the same event (same id), which the receiver drops.
  expect(delivery.attempts).toBeGreaterThanOrEqual(1);
  const copies = erp.requests(path);
  expect(copies.length).toBeGreaterThanOrEqual(1);
  expect(copies.length).toBeLessThanOrEqual(delivery.attempts as number);
  for (const copy of copies) expect(copy.headers['x-event-id']).toBe(`backorder.created:${backorderId}`);
});

test('an endpoint that fails twice gets the event on the third try, after backing off 10 s then 20 s', async () => {
  const path = uniquePath('flaky');
  const webhookId = await saveEndpoint(
    erp.respond(path, (attempt) =>
      attempt <= 2 ? { status: 500, body: 'database is restarting' } : { status: 200 },
    ),
  );
  requestedBackoffs = [];
  const backorderId = await signUp('flaky');

  const delivery = await waitForDelivery(webhookId, backorderId, 'delivered', 30_000);
  expect(delivery).toMatchObject({ attempts: 3, lastStatus: 200, lastError: null });
  const requests = erp.requests(path);
  expect(requests).toHaveLength(3);
  expect(new Set(requests.map((r) => r.headers['x-event-id']))).toEqual(
    new Set([`backorder.created:${backorderId}`]),
  );
  expect(new Set(requests.map((r) => r.rawBody)).size).toBe(1);
  // Each try is signed when it is made, so a receiver's freshness check passes however late the retry.
  for (const r of requests)
    expect(verifySignature(SECRET, r.headers['x-signature'] as string, r.rawBody)).toBe('valid');
  expect(requestedBackoffs).toEqual([10, 20]);
});

test('an endpoint that always fails ends in the dead-letter queue, and its delivery shows dead', async () => {
  const path = uniquePath('down');
  const webhookId = await saveEndpoint(erp.respond(path, () => ({ status: 503, body: 'maintenance' })));
  const backorderId = await signUp('down');

  const delivery = await waitForDelivery(webhookId, backorderId, 'dead', 60_000);
  expect(delivery).toMatchObject({
    attempts: queues.webhook.maxReceiveCount,
    lastStatus: 503,
    // The status only: what a receiver says is never shown (test/integration/webhook-egress.test.ts).
    lastError: 'HTTP 503',
  });
  const dead = JSON.parse(await waitForDeadLetter(`backorder.created:${backorderId}`));
  expect(dead).toMatchObject({ webhookId, event: { id: `backorder.created:${backorderId}` } });
  expect(erp.requests(path)).toHaveLength(queues.webhook.maxReceiveCount);
}, 90_000);

test('an endpoint that refuses the event (400) is failed after one attempt and not retried', async () => {
  const path = uniquePath('refuses');
  const webhookId = await saveEndpoint(
    erp.respond(path, () => ({ status: 400, body: 'unknown sku mapping' })),
  );
  const backorderId = await signUp('refuses');

  const delivery = await waitForDelivery(webhookId, backorderId, 'failed');
  expect(delivery).toMatchObject({
    attempts: 1,
    lastStatus: 400,
    lastError: 'HTTP 400',
  });
  await sleep(3_000);
  expect(erp.requests(path)).toHaveLength(1);
  expect((await deliveryOf(webhookId, backorderId))?.attempts).toBe(1);
});

test('a redirect is not followed: the delivery fails and the event goes nowhere else', async () => {
  const path = uniquePath('moved');
  const elsewhere = uniquePath('elsewhere');
  const webhookId = await saveEndpoint(
    erp.respond(path, () => ({ status: 301, headers: { location: `${erp.baseUrl}${elsewhere}` } })),
  );
  const backorderId = await signUp('moved');
  const delivery = await waitForDelivery(webhookId, backorderId, 'failed');
  expect(delivery).toMatchObject({ attempts: 1, lastStatus: 301 });
  expect(delivery.lastError).toBe('HTTP 301: redirect not followed');
  expect(erp.requests(elsewhere)).toHaveLength(0);
});

test('a slow endpoint does not hold up another endpoint’s delivery of the same event', async () => {
  const slowPath = uniquePath('slow');
  const fastPath = uniquePath('fast');
  const slow = await saveEndpoint(erp.respond(slowPath, () => ({ status: 200, delayMs: 4_000 })));
  const fast = await saveEndpoint(erp.respond(fastPath, () => ({ status: 200 })));
  const backorderId = await signUp('slow');

  await waitForDelivery(fast, backorderId, 'delivered');
  await waitForDelivery(slow, backorderId, 'delivered');
  const timeline = erp.timeline.filter((entry) => entry.startsWith(slowPath) || entry.startsWith(fastPath));
  // The fast endpoint had the event before the slow one had even answered its first request.
  expect(timeline.indexOf(`${fastPath} answered`)).toBeGreaterThanOrEqual(0);
  expect(timeline.indexOf(`${fastPath} answered`)).toBeLessThan(timeline.indexOf(`${slowPath} answered`));
});

test('a malformed message sent straight to the queue ends in the dead-letter queue', async () => {
  const poison = `{"webhookId":"erp","event":{"id":"poison-${Math.random().toString(36).slice(2)}"`;
  await sqs.send(new SendMessageCommand({ QueueUrl: platform.queueUrls.webhook, MessageBody: poison }));
  expect(await waitForDeadLetter(poison)).toBe(poison);
}, 90_000);

test('a redelivered message is delivered again under the same event id: receivers drop repeats by id', async () => {
  const path = uniquePath('again');
  const webhookId = await saveEndpoint(erp.respond(path, () => ({ status: 202 })));
  const backorderId = await signUp('again');
  const [first] = await erp.waitForRequests(path, 1);
  await waitForDelivery(webhookId, backorderId, 'delivered');

  // SQS delivers at least once: the same message again, as after a worker died before deleting it.
  const message = { webhookId, event: JSON.parse(first.rawBody) };
  await sqs.send(
    new SendMessageCommand({ QueueUrl: platform.queueUrls.webhook, MessageBody: JSON.stringify(message) }),
  );

  const requests = await erp.waitForRequests(path, 2);
  expect(requests).toHaveLength(2);
  expect(requests[1].headers['x-event-id']).toBe(first.headers['x-event-id']);
  expect(requests[1].rawBody).toBe(first.rawBody);
  await waitFor('the second attempt to be recorded', async () => {
    const delivery = await deliveryOf(webhookId, backorderId);
    return delivery?.attempts === 2 ? delivery : undefined;
  });
  expect(await deliveryOf(webhookId, backorderId)).toMatchObject({ state: 'delivered', attempts: 2 });
});

test('a duplicate that fails after the event was delivered leaves it delivered, and is not retried', async () => {
  const path = uniquePath('sticky');
  // Answers once, then is down: the duplicate's attempt fails.
  const webhookId = await saveEndpoint(
    erp.respond(path, (attempt) => ({ status: attempt === 1 ? 204 : 503 })),
  );
  const backorderId = await signUp('sticky');
  const [first] = await erp.waitForRequests(path, 1);
  await waitForDelivery(webhookId, backorderId, 'delivered');
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: platform.queueUrls.webhook,
      MessageBody: JSON.stringify({ webhookId, event: JSON.parse(first.rawBody) }),
    }),
  );
  await erp.waitForRequests(path, 2);
  // With backoff shortened to 1 s, a retried duplicate would have knocked again within this wait.
  await new Promise((r) => setTimeout(r, 4_000));
  expect(erp.requests(path)).toHaveLength(2);
  expect(await deliveryOf(webhookId, backorderId)).toMatchObject({ state: 'delivered', attempts: 1 });
});

test('allocation, cancel and fulfil reach the ERP as signed backorder.allocated, .cancelled and .fulfilled', async () => {
  const path = uniquePath('lifecycle');
  const webhookId = await saveEndpoint(
    erp.respond(path, () => ({ status: 204 })),
    ['backorder.allocated', 'backorder.cancelled', 'backorder.fulfilled'],
  );
  // A product of its own: allocation serves the oldest first, and other tests' shoppers wait on SKU.
  const sku = 'HOOKS-LIFECYCLE';
  await platform.admin('PUT', `/api/admin/products/${sku}`, {
    name: 'Lifecycle tee',
    backorders: { enabled: true },
  });
  const kept = await signUp('lifecycle-kept', sku);
  const dropped = await signUp('lifecycle-dropped', sku);
  // Both want 2: 4 free units allocate both.
  expect((await platform.admin('POST', '/api/admin/inventory', { sku, available: 4 })).status).toBe(202);
  await erp.waitForRequests(path, 2);
  expect((await platform.admin('POST', `/api/admin/backorders/${dropped}/cancel`)).status).toBe(200);
  expect((await platform.admin('POST', `/api/admin/backorders/${kept}/fulfil`)).status).toBe(200);
  // Events are at-least-once (a retried allocation page publishes again): count distinct event ids.
  const distinct = async () => {
    const byId = new Map<string, ReceivedRequest>();
    for (const r of erp.requests(path)) byId.set(String(r.headers['x-event-id']), r);
    return byId.size >= 4 ? [...byId.values()] : undefined;
  };
  const requests = await waitFor('four distinct events', distinct);
  const events = requests.map((r) => {
    expect(verifySignature(SECRET, r.headers['x-signature'] as string, r.rawBody)).toBe('valid');
    const event = JSON.parse(r.rawBody);
    expect(r.headers['x-event-id']).toBe(event.id);
    return `${event.type} ${event.data.backorder.id === kept ? 'kept' : 'dropped'} ${event.data.backorder.status}`;
  });
  expect(events.sort()).toEqual([
    'backorder.allocated dropped allocated',
    'backorder.allocated kept allocated',
    'backorder.cancelled dropped cancelled',
    'backorder.fulfilled kept fulfilled',
  ]);
  await waitForDelivery(webhookId, kept, 'delivered');
  // Only the events subscribed to: no backorder.created was sent to this endpoint.
  expect(erp.requests(path).every((r) => !r.rawBody.includes('"backorder.created"'))).toBe(true);
});

test('an endpoint deleted or unsubscribed before its delivery gets nothing', async () => {
  const path = uniquePath('unsubscribed');
  const webhookId = await saveEndpoint(
    erp.respond(path, () => ({ status: 204 })),
    ['backorder.cancelled'],
  );
  const backorderId = await signUp('unsubscribed');
  // A message queued while it still listened for backorder.created, delivered after it stopped.
  const event = {
    id: `backorder.created:${backorderId}`,
    type: 'backorder.created',
    createdAt: new Date().toISOString(),
    data: { backorder: { id: backorderId } },
  };
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: platform.queueUrls.webhook,
      MessageBody: JSON.stringify({ webhookId, event }),
    }),
  );
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: platform.queueUrls.webhook,
      MessageBody: JSON.stringify({ webhookId: 'deleted-endpoint', event }),
    }),
  );
  await sleep(3_000);
  expect(erp.requests(path)).toHaveLength(0);
  expect(await deliveryOf(webhookId, backorderId)).toBeUndefined();
});
