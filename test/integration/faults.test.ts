/**
 * Faults, injected from outside the handlers (AWS SDK middleware on the handlers' own clients, or a wrapper
 * around a handler as the runner loads it), against the real emulators: SES throttling and failing, DynamoDB
 * throttling, a handler crashing after its work but before the message is acknowledged, every message
 * delivered five times, and the scheduler down for an hour. After each, once the platform is quiet: every
 * shopper is in the state the contract says, every due email went out exactly once, and the dead-letter
 * queues are empty (none of these messages is poison).
 *
 * Time is compressed where the product waits on purpose: the backoff a consumer asks SQS for (2 s, 4 s …) is
 * recorded and shortened to a quarter, and a dead worker's claim lapses after 15 s instead of 60. The scheduler's hour is a jump of the process clock.
 */
import type { ChangeMessageVisibilityBatchCommandInput } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { emulatorClients } from '../../local/platform';
import type { LambdaHandler } from '../../local/handlers';
import { verifySignature } from '../../lambdas/runtime/signature';
import { queues, type FunctionName } from '../../lib/platform';
import { startTestPlatform, emulatorEndpoints, type TestPlatform } from '../support/platform';
import { emailLinkTokenFor, uniqueEmail } from '../support/mailbox';
import { useSingleOptIn } from '../support/settings';
import { linkParts } from '../http/helpers';
import { batchWrite, waitingBackorders, type SeededBackorder } from '../support/backorder-rows';
import { deadLetters, inboxCounts, statusesOf, waitForInboxes, waitUntilQuiet } from '../support/invariants';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { newProduct as newProductIn, postInventory } from '../support/shop';

const HOUR = 3_600_000;
const CONSUMERS = new Set<string>(Object.values(queues).map((q) => q.consumer));

/** What the handler wrapper does; each test sets what it needs and `resetFaults` puts it back. */
const faults = {
  /** Functions that crash after doing their work, before the message is acknowledged. */
  crashAfterWork: new Set<FunctionName>(),
  crashesLeft: 0,
  crashes: 0,
  /** How many times each queue consumer is given every batch. */
  deliveries: 1,
  schedulerDown: false,
  schedulerRunsWhileDown: 0,
};
const resetFaults = () => {
  faults.crashAfterWork.clear();
  faults.crashesLeft = 0;
  faults.crashes = 0;
  faults.deliveries = 1;
  faults.schedulerDown = false;
  faults.schedulerRunsWhileDown = 0;
};

const withFaults =
  (name: FunctionName, handler: LambdaHandler): LambdaHandler =>
  async (event: unknown, context: Context) => {
    if (name === 'scheduler' && faults.schedulerDown) {
      faults.schedulerRunsWhileDown++;
      throw new Error('scheduler is down');
    }
    const repeats = CONSUMERS.has(name) ? faults.deliveries : 1;
    const result = await handler(event, context);
    // The same batch again, as SQS may hand a message over more than once: each one after the first finished.
    for (let i = 1; i < repeats; i++) await handler(event, context);
    if (faults.crashAfterWork.has(name) && faults.crashesLeft > 0) {
      faults.crashesLeft--;
      faults.crashes++;
      throw new Error(`${name} crashed before acknowledging its batch`);
    }
    return result;
  };

let platform: TestPlatform;
let dynamo: DynamoDBDocumentClient;
let sqs: SQSClient;
let erp: WebhookReceiver;
/** Backoffs the consumers asked SQS for, in seconds, before the test shortened them. */
const requestedBackoffs: number[] = [];

beforeAll(async () => {
  // A dead worker's claim lapses after 15 s (60 s deployed), so SES's Send events, which record such sends
  // shortly before the lease ends, do so within the test's patience.
  platform = await startTestPlatform({
    wrapHandler: withFaults,
    environment: { POWERTOOLS_LOG_LEVEL: 'ERROR', EMAIL_SEND_LEASE_SECONDS: '15' },
  });
  // Consent counts at once (a shop's choice): the nurture steps under test go out without a confirmation.
  await useSingleOptIn(platform);
  const clients = emulatorClients(emulatorEndpoints());
  dynamo = DynamoDBDocumentClient.from(clients.dynamo);
  sqs = clients.sqs;
  erp = await startWebhookReceiver();
  const { sqs: handlerSqs } = await import('../../lambdas/runtime/sqs');
  handlerSqs.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as ChangeMessageVisibilityBatchCommandInput;
      // A quarter of the wait, so the order of events stays as deployed (backoffs still outlast a claim's
      // lease after a few tries). The feedback queue's waits are not backoffs but timed to a claim's lease
      // (a Send event comes back just before it ends), so they stay as they are.
      if (
        context.commandName === 'ChangeMessageVisibilityBatchCommand' &&
        input.QueueUrl !== platform.queueUrls.feedback
      ) {
        for (const entry of input.Entries ?? []) {
          requestedBackoffs.push(entry.VisibilityTimeout ?? 0);
          entry.VisibilityTimeout = Math.max(1, Math.ceil((entry.VisibilityTimeout ?? 0) / 4));
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'compressBackoff' },
  );
});
afterEach(() => resetFaults());
afterAll(async () => {
  await platform?.stop();
  await erp?.close();
  dynamo?.destroy();
  sqs?.destroy();
});

const CONFIRMATION = /^You're on the list for /;
const RESTOCK_ALERT = /^Good news: .* is back, and yours is set aside$/;

const newProduct = async (label: string): Promise<{ sku: string; name: string }> => {
  const name = `Fault ${label} tee`;
  const sku = await newProductIn(platform, `FAULT-${label}`, {
    name,
    backorders: { enabled: true, maxPerCustomer: 10 },
  });
  return { sku, name };
};

/** Shoppers already waiting (written straight to the table, oldest first). */
const seedWaiting = async (sku: string, count: number, label: string): Promise<SeededBackorder[]> => {
  const rows = waitingBackorders(sku, Array(count).fill(1), { label: `${label}-${Date.now().toString(36)}` });
  await batchWrite(
    dynamo,
    platform.tableNames.backorders,
    rows.map((r) => r.row),
  );
  return rows;
};

/**
 * A shopper signing up the way the landing page does: a 503 (the platform is briefly overwhelmed) is retried
 * after its Retry-After, as the contract asks, so a fault never loses the signup.
 */
const signUp = async (sku: string, label: string, marketingConsent = false) => {
  const email = uniqueEmail(label);
  for (let attempt = 1; ; attempt++) {
    const response = await platform.request('POST', '/api/backorders', {
      json: { sku, email, marketingConsent, name: 'Grace' },
    });
    if (response.status === 503 && attempt < 20) {
      expect(response.body.error.code).toBe('UNAVAILABLE');
      await new Promise((r) => setTimeout(r, 1000 * Number(response.headers.get('retry-after') ?? 1)));
      continue;
    }
    expect([200, 201]).toContain(response.status);
    const id = response.body.id as string;
    // A retry after a 503 may find the signup done (200, no link): the confirmation email has one.
    const token =
      response.status === 201
        ? linkParts(response.body.statusUrl).token
        : await emailLinkTokenFor(platform.sesUrl, email, id, 60_000);
    return { id, email, token };
  }
};

const restock = async (sku: string, available: number) => {
  for (let attempt = 1; ; attempt++) {
    const response = await postInventory(platform, { eventId: `restock-${sku}`, sku, available });
    // An ERP retries a webhook that did not get through; the event id makes the retry harmless.
    if (response.status === 503 && attempt < 20) {
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    expect(response.status).toBe(202);
    return;
  }
};

/** The inbox of every address: `{ address: { subject: count } }`, matched against what each should hold. */
const expectInboxes = async (expected: { email: string; subjects: RegExp[] }[]): Promise<void> => {
  const counts = await inboxCounts(
    platform.sesUrl,
    expected.map((e) => e.email),
  );
  for (const { email, subjects } of expected) {
    const inbox = counts[email.toLowerCase()];
    const problems = [
      ...subjects
        .filter((pattern) => Object.entries(inbox).filter(([subject]) => pattern.test(subject)).length !== 1)
        .map((pattern) => `${pattern}: ${JSON.stringify(inbox)}`),
      ...Object.entries(inbox)
        .filter(([subject, count]) => count !== 1 || !subjects.some((pattern) => pattern.test(subject)))
        .map(([subject, count]) => `unexpected ${count} x "${subject}"`),
    ];
    expect({ email, problems }).toEqual({ email, problems: [] });
  }
};

/** Everything has settled: queues drained and the dead-letter queues empty. */
const settle = async () => {
  await waitUntilQuiet(sqs, platform.queueUrls, 90_000);
  expect(await deadLetters(sqs, platform.deadLetterQueueUrls)).toEqual({});
};

/**
 * After a restock of every waiting shopper plus those who signed up: all allocated, and each inbox holds
 * exactly its confirmation (signups) and one restock alert, with the queues drained and no dead letters.
 */
const expectEveryoneAlertedOnce = async (
  waiting: readonly SeededBackorder[],
  signedUp: readonly { id: string; email: string }[],
) => {
  await waitForInboxes(
    platform.sesUrl,
    waiting.map((w) => w.email),
    1,
    60_000,
  );
  await settle();
  const everyone = [...waiting, ...signedUp];
  expect(
    await statusesOf(
      dynamo,
      platform.tableNames.backorders,
      everyone.map((b) => b.id),
    ),
  ).toEqual(Array(everyone.length).fill('allocated'));
  await expectInboxes([
    ...waiting.map((w) => ({ email: w.email, subjects: [RESTOCK_ALERT] })),
    ...signedUp.map((s) => ({ email: s.email, subjects: [CONFIRMATION, RESTOCK_ALERT] })),
  ]);
};

test('SES throttling and failing with 5xx for a while: each confirmation and restock alert goes out once', async () => {
  const { ses } = await import('../../lambdas/runtime/ses');
  const { sku } = await newProduct('ses');
  const waiting = await seedWaiting(sku, 30, 'ses');
  let failures = 0;
  ses.middlewareStack.add(
    (next) => async (args) => {
      // The next 16 sends are refused: a while of throttling and outage, whatever the machine's speed.
      if (failures < 16) {
        failures++;
        throw failures % 2
          ? Object.assign(new Error('Maximum sending rate exceeded.'), {
              name: 'Throttling',
              $metadata: { httpStatusCode: 400 },
            })
          : Object.assign(new Error('Service Unavailable'), {
              name: 'ServiceUnavailable',
              $metadata: { httpStatusCode: 503 },
            });
      }
      return next(args);
    },
    { step: 'initialize', name: 'sesFailsForAWhile' },
  );
  try {
    const signedUp = [await signUp(sku, 'ses-a'), await signUp(sku, 'ses-b'), await signUp(sku, 'ses-c')];
    await restock(sku, 33);
    await expectEveryoneAlertedOnce(waiting, signedUp);
    expect(failures).toBe(16);
    expect(requestedBackoffs.some((seconds) => seconds >= 2)).toBe(true);
  } finally {
    ses.middlewareStack.remove('sesFailsForAWhile');
  }
}, 120_000);

test('SES accepting emails whose answers never arrive: the Send events record them, none goes twice', async () => {
  const { ses } = await import('../../lambdas/runtime/ses');
  const { sku } = await newProduct('lost');
  const waiting = await seedWaiting(sku, 20, 'lost');
  let lostAnswers = 0;
  ses.middlewareStack.add(
    (next) => async (args) => {
      const answer = await next(args);
      // SES has the email; its answer is lost on the way back (a timeout, a dropped connection).
      if (lostAnswers < 8) {
        lostAnswers++;
        throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError', $metadata: {} });
      }
      return answer;
    },
    { step: 'initialize', name: 'sesAnswersLost' },
  );
  try {
    const signedUp = [await signUp(sku, 'lost-a'), await signUp(sku, 'lost-b')];
    await restock(sku, 22);
    await expectEveryoneAlertedOnce(waiting, signedUp);
    expect(lostAnswers).toBe(8);
  } finally {
    ses.middlewareStack.remove('sesAnswersLost');
  }
}, 120_000);

test('DynamoDB throttling for a while: signups, allocation and emails all complete once', async () => {
  const { dynamo: handlerDynamo } = await import('../../lambdas/runtime/dynamo');
  const { sku } = await newProduct('ddb');
  const waiting = await seedWaiting(sku, 30, 'ddb');
  let throttled = 0;
  let calls = 0;
  handlerDynamo.middlewareStack.add(
    (next) => async (args) => {
      // Every other request of the next 120 is throttled, under the SDK's own retries (this runs inside
      // them), as a real throttled request would be.
      if (calls < 120 && calls++ % 2 === 0) {
        throttled++;
        throw Object.assign(new Error('The level of configured provisioned throughput was exceeded'), {
          name: 'ProvisionedThroughputExceededException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'dynamoThrottles' },
  );
  try {
    const signedUp = await Promise.all([signUp(sku, 'ddb-a'), signUp(sku, 'ddb-b'), signUp(sku, 'ddb-c')]);
    await restock(sku, 33);
    await expectEveryoneAlertedOnce(waiting, signedUp);
    expect(throttled).toBe(60);
    // One backorder per shopper, however many times a signup was retried.
    for (const shopper of signedUp) {
      const listed = await platform.admin(
        'GET',
        `/api/admin/backorders?email=${encodeURIComponent(shopper.email)}`,
      );
      expect(listed.body.items.map((b: { id: string }) => b.id)).toEqual([shopper.id]);
    }
  } finally {
    handlerDynamo.middlewareStack.remove('dynamoThrottles');
  }
}, 120_000);

test('a signup whose place in the queue cannot be counted still answers 201 with its status link, once', async () => {
  const { dynamo: handlerDynamo } = await import('../../lambdas/runtime/dynamo');
  const { sku } = await newProduct('count');
  let refused = 0;
  handlerDynamo.middlewareStack.add(
    (next) => async (args) => {
      // Every count of the queue ahead is throttled: the backorder and its confirmation are stored and queued.
      if ((args.input as { Select?: string }).Select === 'COUNT') {
        refused++;
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
          name: 'ThrottlingException',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'refuseCounts' },
  );
  const email = uniqueEmail('count');
  let response;
  try {
    response = await platform.request('POST', '/api/backorders', { json: { sku, email } });
  } finally {
    handlerDynamo.middlewareStack.remove('refuseCounts');
  }
  // Before: 503, although the signup had happened, and the shopper's retry got 200 without a status link.
  expect(refused).toBeGreaterThan(1);
  expect(response.status).toBe(201);
  expect(response.body).toMatchObject({ sku, email, status: 'waiting', position: null });
  const token = new URLSearchParams(new URL(response.body.statusUrl).hash.slice(1)).get('token') ?? '';
  const status = await platform.request(
    'GET',
    `/api/backorders/${response.body.id}?token=${encodeURIComponent(token)}`,
  );
  expect(status.body).toMatchObject({ status: 'waiting', position: 1 });
  await waitForInboxes(platform.sesUrl, [email], 1);
  await settle();
  await expectInboxes([{ email, subjects: [CONFIRMATION] }]);
});

test('DynamoDB throttling just as sends are recorded: SES already has them, so none goes twice', async () => {
  const { dynamo: handlerDynamo } = await import('../../lambdas/runtime/dynamo');
  const { sku } = await newProduct('record');
  const waiting = await seedWaiting(sku, 20, 'record');
  let throttled = 0;
  handlerDynamo.middlewareStack.add(
    (next) => async (args) => {
      // The write that turns a `sending` claim into `sent`, refused as if the SDK's own retries ran out.
      if (
        throttled < 12 &&
        JSON.stringify(args.input).includes('"sending"') &&
        /"sent"/.test(JSON.stringify(args.input))
      ) {
        throttled++;
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
          name: 'ThrottlingException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'throttleSendRecords' },
  );
  try {
    const signedUp = [await signUp(sku, 'record-a'), await signUp(sku, 'record-b')];
    await restock(sku, 22);
    await expectEveryoneAlertedOnce(waiting, signedUp);
    expect(throttled).toBe(12);
  } finally {
    handlerDynamo.middlewareStack.remove('throttleSendRecords');
  }
}, 120_000);

test('a sender crashing after sending, before acknowledging: the redelivered messages send nothing twice', async () => {
  const { sku } = await newProduct('crash');
  const waiting = await seedWaiting(sku, 25, 'crash');
  faults.crashAfterWork = new Set<FunctionName>(['sender', 'alerter']);
  faults.crashesLeft = 6;
  const signedUp = [await signUp(sku, 'crash-a'), await signUp(sku, 'crash-b')];
  await restock(sku, 27);
  await expectEveryoneAlertedOnce(waiting, signedUp);
  expect(faults.crashes).toBe(6);
}, 120_000);

test('every message of every queue delivered five times: emails once, allocations once, events all there', async () => {
  const { sku, name } = await newProduct('five');
  const campaignId = `five-${Date.now().toString(36)}`;
  expect(
    (
      await platform.admin('PUT', `/api/admin/campaigns/${campaignId}`, {
        name: 'Five times',
        active: true,
        audience: { skus: [sku] },
        steps: [
          {
            id: 'welcome',
            delay: 'PT0S',
            subject: 'While you wait for {{ product.name }}',
            html: '<p>Soon.</p>',
          },
        ],
      })
    ).status,
  ).toBeLessThan(300);
  const hookPath = `/five-${Date.now().toString(36)}`;
  const hookUrl = erp.respond(hookPath, () => ({ status: 204 }));
  const hookId = `five-${Date.now().toString(36)}`;
  expect(
    (
      await platform.admin('PUT', `/api/admin/webhooks/${hookId}`, {
        url: hookUrl,
        secret: 'five-times-secret-0123456789',
        events: ['backorder.created', 'backorder.cancelled', 'backorder.allocated'],
      })
    ).status,
  ).toBe(201);
  faults.deliveries = 5;
  try {
    const shoppers = [];
    for (const label of ['five-a', 'five-b', 'five-c', 'five-d'])
      shoppers.push(await signUp(sku, label, true));
    await waitForInboxes(
      platform.sesUrl,
      shoppers.map((s) => s.email),
      2,
      60_000,
    );
    await restock(sku, 3);
    const [a, b, c, d] = shoppers;
    const cancelled = await platform.request('POST', `/api/backorders/${d.id}/cancel?token=${d.token}`);
    expect(cancelled.status).toBe(200);
    await waitForInboxes(platform.sesUrl, [a.email, b.email, c.email], 3, 60_000);
    await settle();

    expect(
      await statusesOf(
        dynamo,
        platform.tableNames.backorders,
        shoppers.map((s) => s.id),
      ),
    ).toEqual(['allocated', 'allocated', 'allocated', 'cancelled']);
    expect((await platform.admin('GET', `/api/admin/products/${sku}`)).body.stock).toBe(0);
    const step = new RegExp(`^While you wait for ${name}$`);
    await expectInboxes([
      ...[a, b, c].map((s) => ({ email: s.email, subjects: [CONFIRMATION, step, RESTOCK_ALERT] })),
      { email: d.email, subjects: [CONFIRMATION, step] },
    ]);
    // Webhooks are at least once (receivers dedupe by event id): every event arrived, signed, none unknown.
    const received = erp.requests(hookPath);
    for (const request of received) {
      expect(
        verifySignature(
          'five-times-secret-0123456789',
          String(request.headers['x-signature']),
          request.rawBody,
        ),
      ).toBe('valid');
    }
    const eventIds = new Set(received.map((r) => JSON.parse(r.rawBody).id as string));
    expect([...eventIds].sort()).toEqual(
      [
        ...shoppers.map((s) => `backorder.created:${s.id}`),
        ...[a, b, c].map((s) => `backorder.allocated:${s.id}`),
        `backorder.cancelled:${d.id}`,
      ].sort(),
    );
  } finally {
    faults.deliveries = 1;
    await platform.admin('DELETE', `/api/admin/webhooks/${hookId}`);
    await platform.admin('DELETE', `/api/admin/campaigns/${campaignId}`);
  }
}, 120_000);

test('the scheduler down for an hour, then back: the steps that fell due go out once, in order, on time', async () => {
  const { sku, name } = await newProduct('hour');
  const campaignId = `hour-${Date.now().toString(36)}`;
  // Each delay counts from the step before (the first from signing up).
  expect(
    (
      await platform.admin('PUT', `/api/admin/campaigns/${campaignId}`, {
        name: 'An hour',
        active: true,
        audience: { skus: [sku] },
        steps: [
          { id: 'first', delay: 'PT10M', subject: 'First note on {{ product.name }}', html: '<p>One.</p>' },
          { id: 'second', delay: 'PT30M', subject: 'Second note on {{ product.name }}', html: '<p>Two.</p>' },
          { id: 'third', delay: 'PT2H', subject: 'Third note on {{ product.name }}', html: '<p>Three.</p>' },
        ],
      })
    ).status,
  ).toBeLessThan(300);
  const shoppers = [];
  for (const label of ['hour-a', 'hour-b', 'hour-c']) shoppers.push(await signUp(sku, label, true));
  const emails = shoppers.map((s) => s.email);
  await waitForInboxes(platform.sesUrl, emails, 1);
  await settle();
  const first = new RegExp(`^First note on ${name}$`);
  const second = new RegExp(`^Second note on ${name}$`);

  faults.schedulerDown = true;
  const runsBefore = faults.schedulerRunsWhileDown;
  // An hour passes for the whole platform (only Date is faked, and it keeps running) while the scheduler is down.
  jest.useFakeTimers({
    now: Date.now() + HOUR,
    advanceTimers: true,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
  try {
    while (faults.schedulerRunsWhileDown < runsBefore + 2) await new Promise((r) => setTimeout(r, 200));
    await expectInboxes(emails.map((email) => ({ email, subjects: [CONFIRMATION] })));

    // Back: the first step (due 50 minutes ago) goes out now; the second is due 30 minutes after it.
    faults.schedulerDown = false;
    await waitForInboxes(platform.sesUrl, emails, 2, 60_000);
    await settle();
    await expectInboxes(emails.map((email) => ({ email, subjects: [CONFIRMATION, first] })));

    jest.setSystemTime(Date.now() + 31 * 60_000);
    await waitForInboxes(platform.sesUrl, emails, 3, 60_000);
    await settle();
    await expectInboxes(emails.map((email) => ({ email, subjects: [CONFIRMATION, first, second] })));
    const { emails: stored } = (await (await fetch(`${platform.sesUrl}/store`)).json()) as {
      emails: { subject: string; destination: { to: string[] } }[];
    };
    for (const email of emails) {
      const mine = stored.filter((e) => e.destination.to.some((to) => to.includes(email)));
      expect(mine.map((e) => e.subject)).toEqual([
        `You're on the list for ${name}`,
        `First note on ${name}`,
        `Second note on ${name}`,
      ]);
    }
  } finally {
    jest.useRealTimers();
    await platform.admin('DELETE', `/api/admin/campaigns/${campaignId}`);
  }
}, 120_000);
