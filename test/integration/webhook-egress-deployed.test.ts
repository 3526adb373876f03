/**
 * Outbound webhooks as deployed (WEBHOOK_ALLOW_LOOPBACK=0, what the CDK stack sets): the machine itself is as
 * internal as any private network. Saving a loopback endpoint, over http or https, by address or by a name that
 * resolves to it, is a 400; an endpoint row that names one anyway (saved under the local runner's policy, or
 * before these rules) is `blocked` at delivery and the receiver listening there gets nothing.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../support/hostile';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { expectError } from '../http/helpers';

const SECRET = 'erp-signing-secret-0123456789';

let platform: TestPlatform;
let erp: WebhookReceiver;
let sqs: SQSClient;
let port: string;

beforeAll(async () => {
  platform = await startTestPlatform({
    environment: { POWERTOOLS_LOG_LEVEL: 'ERROR', WEBHOOK_ALLOW_LOOPBACK: '0' },
    webhookResolver: (name) => (name === 'erp.loop.shop.test' ? ['127.0.0.1'] : undefined),
  });
  erp = await startWebhookReceiver();
  port = new URL(erp.baseUrl).port;
  sqs = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
});

afterAll(async () => {
  await platform?.stop();
  await erp?.close();
  sqs?.destroy();
});

const unique = (label: string) => `${label}-${Math.random().toString(36).slice(2, 8)}`;

test.each([
  ['http://127.0.0.1:PORT/hooks', 'must use https'],
  ['http://localhost:PORT/hooks', 'must use https'],
  ['http://[::1]:PORT/hooks', 'must use https'],
  ['https://127.0.0.1:PORT/hooks', '127.0.0.1 is a loopback address'],
  ['https://127.9.9.9/hooks', '127.9.9.9 is a loopback address'],
  ['https://0x7f.1/hooks', '127.0.0.1 is a loopback address'],
  ['https://2130706433/hooks', '127.0.0.1 is a loopback address'],
  ['https://localhost/hooks', 'localhost is a loopback address'],
  ['https://LOCALHOST./hooks', 'localhost is a loopback address'],
  ['https://[::1]/hooks', '::1 is a loopback address'],
  ['https://[::ffff:127.0.0.1]/hooks', '::ffff:7f00:1 is a loopback address'],
  ['https://erp.loop.shop.test/hooks', 'erp.loop.shop.test resolves to a loopback address'],
])('saving %s is a 400 on url (%s) and stores nothing', async (template, says) => {
  const id = unique('loop');
  const url = template.replace('PORT', port);
  const response = await platform.admin('PUT', `/api/admin/webhooks/${id}`, {
    url,
    secret: SECRET,
    events: ['backorder.created'],
  });
  expectError(response, 400, 'VALIDATION');
  expect(response.body.error.details).toEqual([{ path: 'url', message: expect.stringContaining(says) }]);
  expectError(await platform.admin('GET', `/api/admin/webhooks/${id}`), 404, 'NOT_FOUND');
});

test.each([
  [
    'a loopback address saved under the local runner’s policy',
    'http://127.0.0.1:PORT/PATH',
    'not sent: the endpoint must use https',
  ],
  [
    'a loopback address over https',
    'https://127.0.0.1:PORT/PATH',
    'not sent: the endpoint must not point to a private or internal address (127.0.0.1 is a loopback address)',
  ],
  [
    'a name that resolves to loopback',
    'https://erp.loop.shop.test:PORT/PATH',
    'not sent: erp.loop.shop.test resolves to a loopback address',
  ],
])(
  'an endpoint row naming %s is blocked at delivery; the receiver there gets nothing',
  async (_label, template, says) => {
    const id = unique('stored');
    const path = `/${unique('loop')}`;
    const now = new Date().toISOString();
    await documentClient().send(
      new PutCommand({
        TableName: platform.tableNames.webhooks,
        Item: {
          id,
          url: template.replace('PORT', port).replace('/PATH', path),
          secret: SECRET,
          events: ['backorder.created'],
          active: true,
          createdAt: now,
          updatedAt: now,
        },
      }),
    );
    const backorderId = unique('BO').toUpperCase();
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: platform.queueUrls.webhook,
        MessageBody: JSON.stringify({
          webhookId: id,
          event: {
            id: `backorder.created:${backorderId}`,
            type: 'backorder.created',
            createdAt: now,
            data: { backorder: { id: backorderId } },
          },
        }),
      }),
    );

    const deadline = Date.now() + 20_000;
    let delivery: Record<string, unknown> | undefined;
    while (!delivery && Date.now() < deadline) {
      const { body } = await platform.admin('GET', `/api/admin/webhooks/${id}/deliveries`);
      delivery = body.items.find((d: { state: string }) => d.state === 'blocked');
      if (!delivery) await new Promise((r) => setTimeout(r, 100));
    }
    expect(delivery).toMatchObject({
      backorderId,
      state: 'blocked',
      lastStatus: null,
      lastError: says,
    });
    expect(erp.requests(path)).toHaveLength(0);
    await platform.admin('DELETE', `/api/admin/webhooks/${id}`);
  },
);
