/**
 * Nothing lost between a write and its message (the outbox): a signup, a cancel and a fulfil write what they
 * owe (the confirmation, the webhook event, the allocation request) in the same transaction as the change.
 * Here the API function is killed right after that transaction commits, before it can publish anything (the
 * runner's wrapHandler hook fails the invocation and nothing after the write runs), or SQS refuses the
 * messages; the scheduler publishes what was left once its grace period is over (2 s here, a minute on AWS),
 * and the email and the event still arrive exactly once.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'aws-lambda';
import type { LambdaHandler } from '../../local/handlers';
import type { FunctionName } from '../../lib/platform';
import { emulatorClients } from '../../local/platform';
import { emulatorEndpoints, startTestPlatform, type TestPlatform } from '../support/platform';
import { emailsTo, emailedStatusLink, uniqueEmail, waitForEmails } from '../support/mailbox';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { deadLetters } from '../support/invariants';
import { rowsOf } from '../support/hostile';
import { linkParts } from '../http/helpers';
import { sleep } from '../support/wait';
import { newProduct as newProductIn } from '../support/shop';

/** The invocation the SDK call belongs to, so only the one under test dies. */
const invocation = new AsyncLocalStorage<{ kill: () => void }>();
/** When set, the next transaction that writes an outbox row kills its invocation once it has committed. */
let killAfterOutboxWrite = false;
let kills = 0;

const killable =
  (name: FunctionName, handler: LambdaHandler): LambdaHandler =>
  (event: unknown, context: Context) => {
    if (name !== 'publicApi' && name !== 'adminApi') return handler(event, context);
    return new Promise((resolve, reject) => {
      // The process dies: the invocation fails as Lambda's would, and the handler's promise is left hanging
      // where it stopped, so none of its code after the write ever runs.
      const kill = () => reject(new Error(`${name} killed right after its write`));
      invocation.run({ kill }, () => handler(event, context).then(resolve, reject));
    });
  };

let platform: TestPlatform;
let erp: WebhookReceiver;
let outboxTable: string;

beforeAll(async () => {
  platform = await startTestPlatform({
    wrapHandler: killable,
    environment: { POWERTOOLS_LOG_LEVEL: 'ERROR', OUTBOX_GRACE_SECONDS: '2' },
  });
  outboxTable = platform.tableNames.outbox;
  erp = await startWebhookReceiver();
  const saved = await platform.admin('PUT', '/api/admin/webhooks/outbox-erp', {
    url: erp.respond('/outbox', () => ({ status: 204 })),
    secret: 'a-secret-of-at-least-16',
    events: ['backorder.cancelled', 'backorder.fulfilled', 'backorder.allocated'],
  });
  expect(saved.status).toBe(201);
  const { dynamo } = await import('../../lambdas/runtime/dynamo');
  dynamo.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const items = (args.input as { TransactItems?: { Put?: { TableName?: string } }[] }).TransactItems;
      const owes = items?.some((item) => item.Put?.TableName === outboxTable);
      const current = invocation.getStore();
      if (killAfterOutboxWrite && owes && current) {
        killAfterOutboxWrite = false;
        kills++;
        current.kill();
        return new Promise<never>(() => undefined);
      }
      return result;
    },
    { step: 'initialize', name: 'killAfterOutboxWrite' },
  );
});
afterAll(async () => {
  const { dynamo } = await import('../../lambdas/runtime/dynamo');
  dynamo.middlewareStack.remove('killAfterOutboxWrite');
  await platform?.stop();
  await erp?.close();
});
afterEach(() => {
  killAfterOutboxWrite = false;
});

const newProduct = (label: string, stock = 0): Promise<string> =>
  newProductIn(platform, `OUTBOX-${label}`, { name: `Outbox ${label}`, stock });

/** Events of one backorder the ERP received, by type. */
const eventsAbout = (backorderId: string) =>
  erp
    .requests('/outbox')
    .map((r) => JSON.parse(r.rawBody) as { id: string; type: string; data: { backorder: { id: string } } })
    .filter((e) => e.data.backorder.id === backorderId);

const outboxRows = async () => rowsOf(platform, 'outbox');

/**
 * The events of `type` about the backorder the ERP heard of, by their ids: webhooks are delivered at least
 * once (a delivery answered after its timeout, as on a loaded machine, is sent again with the same id), and
 * an ERP counts events by id, as the contract tells it to. Waits until there are `count`, then a moment for
 * any extra.
 */
const waitForEvents = async (backorderId: string, type: string, count: number) => {
  const heard = () => [
    ...new Map(
      eventsAbout(backorderId)
        .filter((e) => e.type === type)
        .map((e) => [e.id, e]),
    ).values(),
  ];
  const deadline = Date.now() + 20_000;
  while (heard().length < count && Date.now() < deadline) await sleep(100);
  await sleep(3_000);
  return heard();
};

test('a signup killed right after its write: the shopper retries, and the confirmation still comes, once', async () => {
  const sku = await newProduct('signup');
  const email = uniqueEmail('outbox-signup');
  const killsBefore = kills;
  killAfterOutboxWrite = true;
  const killed = await platform.request('POST', '/api/backorders', { json: { sku, email } });
  expect(kills).toBe(killsBefore + 1);
  // The shopper saw a failure (as a crashed Lambda answers); the backorder exists, its message was never sent.
  expect(killed.status).toBe(500);
  expect(await outboxRows()).toEqual([
    expect.objectContaining({
      entries: [{ kind: 'email', message: { kind: 'confirmation', backorderId: expect.any(String) } }],
    }),
  ]);
  const retried = await platform.request('POST', '/api/backorders', { json: { sku, email } });
  expect(retried.status).toBe(200);
  expect(retried.body).toEqual({ id: expect.any(String), sku, created: false, statusUrl: null });

  // The scheduler publishes the row once its grace period is over: one confirmation, with its email link.
  const link = await emailedStatusLink(platform.sesUrl, email);
  expect(linkParts(link).id).toBe(retried.body.id);
  await sleep(4_000);
  expect(await emailsTo(platform.sesUrl, email)).toHaveLength(1);
  expect(await outboxRows()).toEqual([]);
}, 60_000);

test('a cancel killed right after its write: the ERP still hears of it once, and the freed units go to the next in line', async () => {
  const sku = await newProduct('cancel');
  const first = uniqueEmail('outbox-first');
  const next = uniqueEmail('outbox-next');
  const a = await platform.request('POST', '/api/backorders', { json: { sku, email: first, quantity: 2 } });
  const b = await platform.request('POST', '/api/backorders', { json: { sku, email: next, quantity: 2 } });
  expect([a.status, b.status]).toEqual([201, 201]);
  // Two units: the first shopper's.
  expect((await platform.admin('POST', '/api/admin/inventory', { sku, available: 2 })).status).toBe(202);
  expect(await waitForEvents(a.body.id, 'backorder.allocated', 1)).toHaveLength(1);

  const killsBefore = kills;
  killAfterOutboxWrite = true;
  const { id, token } = linkParts(a.body.statusUrl);
  const killed = await platform.request(
    'POST',
    `/api/backorders/${id}/cancel?token=${encodeURIComponent(token)}`,
  );
  expect(kills).toBe(killsBefore + 1);
  expect(killed.status).toBe(500);
  // The cancel happened (the units went back with it), but nobody has been told yet.
  expect((await platform.admin('GET', `/api/admin/backorders/${id}`)).body.status).toBe('cancelled');
  expect(eventsAbout(id).filter((e) => e.type === 'backorder.cancelled')).toEqual([]);

  // From the outbox: the event, exactly once, and the allocation request that serves the next shopper.
  expect(await waitForEvents(id, 'backorder.cancelled', 1)).toHaveLength(1);
  expect(await waitForEvents(b.body.id, 'backorder.allocated', 1)).toHaveLength(1);
  const alerts = (await waitForEmails(platform.sesUrl, next, 2)).filter((m) => /is back/.test(m.subject));
  expect(alerts).toHaveLength(1);
  expect(await outboxRows()).toEqual([]);
}, 90_000);

test('a fulfil killed right after its write: the ERP still hears of it once', async () => {
  const sku = await newProduct('fulfil');
  const signup = await platform.request('POST', '/api/backorders', {
    json: { sku, email: uniqueEmail('outbox-fulfil') },
  });
  expect(signup.status).toBe(201);
  const killsBefore = kills;
  killAfterOutboxWrite = true;
  const killed = await platform.admin('POST', `/api/admin/backorders/${signup.body.id}/fulfil`);
  expect(kills).toBe(killsBefore + 1);
  expect(killed.status).toBe(500);
  // Repeating the fulfil is harmless and answers it is done; the event comes from the outbox, once.
  const again = await platform.admin('POST', `/api/admin/backorders/${signup.body.id}/fulfil`);
  expect(again.body.status).toBe('fulfilled');
  expect(await waitForEvents(signup.body.id, 'backorder.fulfilled', 1)).toHaveLength(1);
  expect(await outboxRows()).toEqual([]);
}, 60_000);

test('SQS refusing the confirmation: the signup still answers 201 with its link, and the email follows from the outbox', async () => {
  const { sqs } = await import('../../lambdas/runtime/sqs');
  const sku = await newProduct('queue-down');
  const email = uniqueEmail('outbox-queue-down');
  let refused = 0;
  sqs.middlewareStack.add(
    (nextStep, context) => async (args) => {
      const sends = ['SendMessageCommand', 'SendMessageBatchCommand'];
      if (sends.includes(context.commandName ?? '') && invocation.getStore()) {
        refused++;
        throw Object.assign(new Error('Service unavailable'), {
          name: 'ServiceUnavailable',
          $metadata: { httpStatusCode: 503 },
        });
      }
      return nextStep(args);
    },
    { step: 'initialize', name: 'apiQueueDown' },
  );
  let response;
  try {
    response = await platform.request('POST', '/api/backorders', { json: { sku, email } });
  } finally {
    sqs.middlewareStack.remove('apiQueueDown');
  }
  // Before the outbox: 503 and the signup rolled back. Now the signup has happened, and says so.
  expect(refused).toBeGreaterThan(0);
  expect(response.status).toBe(201);
  expect(response.body).toMatchObject({ sku, email, status: 'waiting', position: 1, created: true });
  expect(
    (
      await platform.request(
        'GET',
        `/api/backorders/${response.body.id}?token=${encodeURIComponent(linkParts(response.body.statusUrl).token)}`,
      )
    ).status,
  ).toBe(200);
  await waitForEmails(platform.sesUrl, email);
  await sleep(4_000);
  expect(await emailsTo(platform.sesUrl, email)).toHaveLength(1);
  expect(await outboxRows()).toEqual([]);
}, 60_000);

test('no dead letters', async () => {
  const sqs = emulatorClients(emulatorEndpoints()).sqs;
  try {
    expect(await deadLetters(sqs, platform.deadLetterQueueUrls)).toEqual({});
  } finally {
    sqs.destroy();
  }
});
