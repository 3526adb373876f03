/**
 * Outbound webhooks cannot be turned against the network they leave from (docs/api.md and docs/webhooks.md), against the
 * real emulators, queue and webhook sender, with a local HTTP server playing the shop's ERP:
 * - a name is resolved again at every delivery and the connection goes only to the address just checked:
 *   an endpoint whose name pointed to a public address when it was saved and points inside now is recorded
 *   `blocked`, not sent, not retried;
 * - a redirect is never followed;
 * - nothing a receiver answers, beyond its status code, reaches the deliveries the console lists.
 *
 * Names under .shop.test, and localhost, are answered by the runner's webhook resolver, a stand-in for DNS this
 * test re-points between save and delivery. "Inside" is 0.0.0.0: forbidden in every mode, and on this machine
 * it reaches the local receiver, so a delivery that was not blocked would arrive there.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { queueDepth } from '../support/invariants';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { sleep } from '../support/wait';

const SECRET = 'erp-signing-secret-0123456789';
/** What the stand-in resolver answers now, by name; names not listed go to the system resolver. */
const dns = new Map<string, string[]>();

let platform: TestPlatform;
let erp: WebhookReceiver;
let sqs: SQSClient;
let port: string;

beforeAll(async () => {
  platform = await startTestPlatform({ webhookResolver: (name) => dns.get(name) });
  erp = await startWebhookReceiver();
  port = new URL(erp.baseUrl).port;
  sqs = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
});

afterAll(async () => {
  await platform?.stop();
  await erp?.close();
  sqs?.destroy();
});

const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
};

const unique = (label: string) => `${label}-${Math.random().toString(36).slice(2, 8)}`;

const saveEndpoint = async (url: string): Promise<string> => {
  const id = unique('erp');
  const response = await platform.admin('PUT', `/api/admin/webhooks/${id}`, {
    url,
    secret: SECRET,
    events: ['backorder.created'],
  });
  expect(response.status).toBe(201);
  return id;
};

/** Queues a backorder.created event for the endpoint, as the producers do; answers the backorder id. */
const queueEvent = async (webhookId: string): Promise<string> => {
  const backorderId = unique('BO').toUpperCase();
  const event = {
    id: `backorder.created:${backorderId}`,
    type: 'backorder.created',
    createdAt: new Date().toISOString(),
    data: { backorder: { id: backorderId, sku: 'EGRESS-1', status: 'waiting' } },
  };
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: platform.queueUrls.webhook,
      MessageBody: JSON.stringify({ webhookId, event }),
    }),
  );
  return backorderId;
};

const deliveries = async (webhookId: string) => {
  const response = await platform.admin('GET', `/api/admin/webhooks/${webhookId}/deliveries`);
  expect(response.status).toBe(200);
  return response;
};

const waitForDelivery = (webhookId: string, backorderId: string, state: string) =>
  waitFor(`the delivery of ${backorderId} to be ${state}`, async () => {
    const { body } = await deliveries(webhookId);
    const delivery = (body.items as Array<Record<string, any>>).find((d) => d.backorderId === backorderId);
    return delivery?.state === state ? delivery : undefined;
  });

const waitForEmptyQueue = () =>
  waitFor(
    'the webhook queue to be empty',
    async () => ((await queueDepth(sqs, platform.queueUrls.webhook)) === 0 ? true : undefined),
    // A message not acknowledged would come back after 10 s of backoff: it is never empty within this.
    8_000,
  );

test('a name that resolved to a public address when saved and resolves inside now is blocked, not sent', async () => {
  dns.set('erp.rebind.shop.test', ['93.184.215.14']);
  const webhookId = await saveEndpoint(`https://erp.rebind.shop.test:${port}/hooks`);

  // The name is re-pointed after the save: the address the delivery would connect to is now internal.
  dns.set('erp.rebind.shop.test', ['0.0.0.0']);
  const backorderId = await queueEvent(webhookId);

  const delivery = await waitForDelivery(webhookId, backorderId, 'blocked');
  expect(delivery).toMatchObject({
    attempts: 1,
    lastStatus: null,
    lastError: 'not sent: erp.rebind.shop.test resolves to an unspecified address',
  });
  expect(delivery.lastError).not.toContain('0.0.0.0');
  // Acknowledged: not retried, not dead-lettered.
  await waitForEmptyQueue();
  expect(erp.requests('/hooks')).toHaveLength(0);
  expect((await deliveries(webhookId)).body.items).toHaveLength(1);
  await platform.admin('DELETE', `/api/admin/webhooks/${webhookId}`);
});

test('every delivery resolves again: the same endpoint is delivered to, then blocked once re-pointed', async () => {
  const path = `/${unique('again')}`;
  dns.set('localhost', ['127.0.0.1']);
  const webhookId = await saveEndpoint(`http://localhost:${port}${path}`);

  const first = await queueEvent(webhookId);
  await waitForDelivery(webhookId, first, 'delivered');
  expect(erp.requests(path)).toHaveLength(1);

  dns.set('localhost', ['127.0.0.1', '0.0.0.0']);
  const second = await queueEvent(webhookId);
  expect(await waitForDelivery(webhookId, second, 'blocked')).toMatchObject({
    lastError: 'not sent: localhost resolves to an unspecified address',
  });
  await waitForEmptyQueue();
  expect(erp.requests(path)).toHaveLength(1);
  dns.delete('localhost');
  await platform.admin('DELETE', `/api/admin/webhooks/${webhookId}`);
});

test('a receiver answering 302 is not followed, and where it pointed is not told', async () => {
  const path = `/${unique('moved')}`;
  const elsewhere = `/${unique('internal-admin')}`;
  const webhookId = await saveEndpoint(
    erp.respond(path, () => ({ status: 302, headers: { location: `${erp.baseUrl}${elsewhere}` } })),
  );
  const backorderId = await queueEvent(webhookId);

  const delivery = await waitForDelivery(webhookId, backorderId, 'failed');
  expect(delivery).toMatchObject({
    attempts: 1,
    lastStatus: 302,
    lastError: 'HTTP 302: redirect not followed',
  });
  await sleep(1_000);
  expect(erp.requests(path)).toHaveLength(1);
  expect(erp.requests(elsewhere)).toHaveLength(0);
  expect(JSON.stringify((await deliveries(webhookId)).body)).not.toContain(elsewhere);
  await platform.admin('DELETE', `/api/admin/webhooks/${webhookId}`);
});

test('a receiver’s answer never appears in the deliveries: only its status code', async () => {
  // What an internal service would answer: the very thing an attacker would read through the console.
  const secretAnswer = 'AKIA-internal-credentials-5f1d';
  const cases = [
    { status: 400, state: 'failed', error: 'HTTP 400' },
    { status: 422, state: 'failed', error: 'HTTP 422' },
    { status: 503, state: 'pending', error: 'HTTP 503' },
    { status: 200, state: 'delivered', error: null },
  ];
  for (const { status, state, error } of cases) {
    const path = `/${unique(`answers-${status}`)}`;
    const webhookId = await saveEndpoint(
      erp.respond(path, () => ({
        status,
        body: `{"AccessKeyId":"${secretAnswer}","Token":"${secretAnswer}"}`,
        headers: { 'content-type': 'application/json', 'x-internal': secretAnswer },
      })),
    );
    const backorderId = await queueEvent(webhookId);
    const delivery = await waitForDelivery(webhookId, backorderId, state);
    expect(delivery).toMatchObject({ lastStatus: status, lastError: error });
    const listed = await deliveries(webhookId);
    expect(JSON.stringify(listed.body)).not.toContain(secretAnswer);
    await platform.admin('DELETE', `/api/admin/webhooks/${webhookId}`);
  }
});
