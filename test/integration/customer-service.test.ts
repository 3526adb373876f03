/**
 * Customer service against the real emulators: a resent status link arrives once per request, however often
 * its message is delivered, and the link in it works; a backorder's timeline shows who did what, the emails
 * sent about it with SES's verdict (a bounce shows on the email that bounced, through the local mailbox
 * simulator and the feedback function), and the shop's webhook deliveries.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { emailsTo, uniqueEmail, waitForEmails } from '../support/mailbox';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { linkParts } from '../http/helpers';
import { sleep } from '../support/wait';
import { signUpShopper } from '../support/shop';

let platform: TestPlatform;
let erp: WebhookReceiver;
let sqs: SQSClient;

beforeAll(async () => {
  platform = await startTestPlatform();
  erp = await startWebhookReceiver();
  sqs = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
}, 60_000);
afterAll(async () => {
  await platform?.stop();
  await erp?.close();
  sqs?.destroy();
});

const rand = () => Math.random().toString(36).slice(2, 8);

const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(150);
  }
};

const product = async (label: string) => {
  const sku = `${label}-${rand()}`.toUpperCase();
  const response = await platform.admin('PUT', `/api/admin/products/${sku}`, {
    name: `${label} tee`,
    backorders: { enabled: true },
  });
  expect(response.status).toBe(201);
  return sku;
};

const signUp = async (sku: string, email: string) =>
  (await signUpShopper(platform, { sku, email, name: 'Ida' })).id;

const detail = async (id: string) => {
  const response = await platform.admin('GET', `/api/admin/backorders/${id}`);
  expect(response.status).toBe(200);
  return response.body;
};

const statusLinkIn = (text: string) => linkParts(/https?:\/\/\S+\/status\?id=[^\s]+/.exec(text)![0]);

test('a resent status link arrives once per request, with a link that works', async () => {
  const sku = await product('resend');
  const email = uniqueEmail('lost-my-link');
  const id = await signUp(sku, email);
  await waitForEmails(platform.sesUrl, email, 1);

  const response = await platform.admin('POST', `/api/admin/backorders/${id}/status-link`);
  expect(response.status).toBe(202);
  const emails = await waitForEmails(platform.sesUrl, email, 2);
  const resent = emails.find((e) => e.subject.startsWith('Your backorder link'))!;
  expect(resent.subject).toBe('Your backorder link for resend tee');
  expect(resent.body.html).toContain('Hi Ida');

  const link = statusLinkIn(resent.body.text!);
  expect(link.id).toBe(id);
  const status = await platform.request(
    'GET',
    `/api/backorders/${id}?token=${encodeURIComponent(link.token)}`,
  );
  expect(status.status).toBe(200);
  expect(status.body).toMatchObject({ id, status: 'waiting', position: 1 });

  // The same request's message delivered again (SQS is at least once): nothing more is sent.
  const requestId = String(response.body.emailId).split('#')[2];
  const message = {
    kind: 'statusLink',
    backorderId: id,
    requestId,
    requestedBy: 'admin@localhost',
  };
  for (let i = 0; i < 3; i++) {
    await sqs.send(
      new SendMessageCommand({ QueueUrl: platform.queueUrls.email, MessageBody: JSON.stringify(message) }),
    );
  }
  await sleep(2500);
  expect(await emailsTo(platform.sesUrl, email)).toHaveLength(2);

  // The timeline says it went out, and who asked for it.
  const { timeline } = await detail(id);
  expect(timeline).toContainEqual(
    expect.objectContaining({
      type: 'email',
      kind: 'statusLink',
      outcome: 'sent',
      requestedBy: 'admin@localhost',
      subject: 'Your backorder link for resend tee',
    }),
  );
  expect(timeline.filter((entry: { kind?: string }) => entry.kind === 'statusLink')).toHaveLength(1);
});

test('the timeline shows what happened, who did it, the bounce on the email that bounced, and the webhooks', async () => {
  const sku = await product('timeline');
  const endpoint = `cs-${rand()}`;
  expect(
    (
      await platform.admin('PUT', `/api/admin/webhooks/${endpoint}`, {
        url: `${erp.baseUrl}/${endpoint}`,
        secret: 'a-secret-of-sixteen-or-more',
        events: ['backorder.created', 'backorder.cancelled'],
      })
    ).status,
  ).toBe(201);
  const address = `bounce+timeline-${rand()}@simulator.amazonses.com`;
  const id = await signUp(sku, address);

  // The confirmation goes out, bounces (the local simulator plays SES), and the bounce lands on it.
  await waitForEmails(platform.sesUrl, address, 1);
  const bounced = await waitFor('the bounce on the confirmation', async () => {
    const { timeline } = await detail(id);
    return timeline.find(
      (entry: { kind?: string; outcome?: string }) =>
        entry.kind === 'confirmation' && entry.outcome === 'bounced',
    );
  });
  expect(bounced).toMatchObject({
    type: 'email',
    subject: "You're on the list for timeline tee",
    outcomeAt: expect.any(String),
  });

  // backorder.created goes out once the confirmation is sent: delivered before the cancel, so the timeline's
  // order below is the order things happened in (under load it could otherwise come after the cancel).
  // (Recorded delivered, not only received: the record's time is when the sender heard the answer.)
  await erp.waitForRequests(`/${endpoint}`, 1, 20_000);
  await waitFor('backorder.created recorded delivered', async () =>
    (await detail(id)).timeline.find(
      (entry: { type: string; state?: string }) => entry.type === 'webhook' && entry.state === 'delivered',
    ),
  );
  const cancelled = await platform.admin('POST', `/api/admin/backorders/${id}/cancel`);
  expect(cancelled.status).toBe(200);
  await erp.waitForRequests(`/${endpoint}`, 2, 20_000);
  const { timeline } = await waitFor('both webhook deliveries in the timeline', async () => {
    const body = await detail(id);
    const delivered = body.timeline.filter(
      (entry: { type: string; state?: string }) => entry.type === 'webhook' && entry.state === 'delivered',
    );
    return delivered.length === 2 ? body : undefined;
  });

  expect(
    timeline.map((entry: Record<string, string>) =>
      entry.type === 'email'
        ? `email ${entry.kind} ${entry.outcome}`
        : entry.type === 'webhook'
          ? `webhook ${entry.event} to ${entry.endpoint} ${entry.state}`
          : `${entry.type} by ${entry.by}`,
    ),
  ).toEqual([
    'created by shopper',
    'email confirmation bounced',
    `webhook backorder.created to ${endpoint} delivered`,
    'cancelled by admin@localhost',
    `webhook backorder.cancelled to ${endpoint} delivered`,
  ]);
  // Sorted by time, oldest first.
  const times = timeline.map((entry: { at: string }) => entry.at);
  expect([...times].sort()).toEqual(times);

  // The email list of the address shows the bounce too.
  const emails = await platform.admin('GET', `/api/admin/emails?email=${encodeURIComponent(address)}`);
  expect(emails.body.items[0]).toMatchObject({ kind: 'confirmation', bounce: { type: 'permanent' } });
}, 60_000);
