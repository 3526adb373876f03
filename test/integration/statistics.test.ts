/**
 * The statistics against the real emulators: after a scripted history full of what goes wrong in
 * production (racing cancels, a cancel racing a restock, a worker that died mid-page, redelivered restock,
 * email and alert messages), every counter `GET /api/admin/stats` shows equals what a full scan of the
 * backorders, the send ledger and the enrolments computes. The scan happens here only: the platform never
 * scans to count. And an unsubscribe counts once, however often its link is used.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { emulatorClients } from '../../local/platform';
import { hashToken, newToken } from '../../lambdas/runtime/tokens';
import { medianFromHistogram, waitBucket } from '../../lambdas/domain/statistics';
import { queueDepth as depthOf } from '../support/invariants';
import { startTestPlatform, emulatorEndpoints, type TestPlatform } from '../support/platform';
import { waitForEmails } from '../support/mailbox';
import { useSingleOptIn } from '../support/settings';
import { sleep } from '../support/wait';
import { newProduct as newProductIn, signUpShopper, type Shopper } from '../support/shop';

let platform: TestPlatform;
let dynamo: DynamoDBDocumentClient;
let sqs: SQSClient;

beforeAll(async () => {
  platform = await startTestPlatform();
  // Consent counts at once here (a shop's choice): the counts of nurture steps need steps sent.
  await useSingleOptIn(platform);
  const clients = emulatorClients(emulatorEndpoints());
  dynamo = DynamoDBDocumentClient.from(clients.dynamo);
  sqs = clients.sqs;
});
afterAll(async () => {
  await platform?.stop();
  dynamo?.destroy();
  sqs?.destroy();
});

const newProduct = (label: string): Promise<string> =>
  newProductIn(platform, `ST-${label}`, {
    name: `Stats ${label} <b>tee</b>`,
    backorders: { enabled: true, maxPerCustomer: 10 },
  });

const signUp = (sku: string, quantity: number, label: string, marketingConsent = false) =>
  signUpShopper(platform, { sku, quantity, label, marketingConsent });

const cancelByShopper = (s: Shopper) =>
  platform.request('POST', `/api/backorders/${s.id}/cancel?token=${encodeURIComponent(s.token)}`);

const queueDepth = (url: string) => depthOf(sqs, url);

/** Waits until no allocation run holds the SKU and its queue is empty. */
const settled = async (sku: string) => {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: platform.tableNames.products, Key: { sku }, ConsistentRead: true }),
    );
    const idle = !Item?.runId && (!Item?.reserved || Item.reserved.settled);
    if (idle && (await queueDepth(platform.queueUrls.restock)) === 0) return;
    if (Date.now() > deadline) throw new Error(`allocation of ${sku} did not settle`);
    await sleep(100);
  }
};

/** Waits until every queue whose consumer moves a counter is empty, twice in a row. */
const drained = async () => {
  const deadline = Date.now() + 60_000;
  let quiet = 0;
  while (quiet < 2) {
    const depths = await Promise.all(
      (['email', 'nurture', 'alert', 'restock', 'feedback'] as const).map((q) =>
        queueDepth(platform.queueUrls[q]),
      ),
    );
    quiet = depths.every((d) => d === 0) ? quiet + 1 : 0;
    if (Date.now() > deadline) throw new Error(`queues did not drain: ${depths.join(', ')}`);
    await sleep(500);
  }
};

const scan = async (table: string): Promise<Record<string, any>[]> => {
  const items: Record<string, any>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

/** What the product counters must say, computed the slow way: from every backorder row. */
const figuresFromScan = (rows: Record<string, any>[]) => {
  const histogram = new Map<number, number>();
  const count = (status: string) => rows.filter((r) => r.status === status).length;
  for (const row of rows) {
    const fulfilledAt = row.events.find((e: { type: string }) => e.type === 'fulfilled')?.at;
    const servedAt = row.allocatedAt ?? fulfilledAt;
    if (!servedAt) continue;
    const bucket = waitBucket((Date.parse(servedAt) - Date.parse(row.createdAt)) / 1000);
    histogram.set(bucket, (histogram.get(bucket) ?? 0) + 1);
  }
  const median = medianFromHistogram(histogram);
  return {
    created: rows.length,
    waiting: count('waiting'),
    allocated: count('allocated'),
    fulfilled: count('fulfilled'),
    cancelled: count('cancelled'),
    cancelledWhileWaiting: rows.filter(
      (r) => r.status === 'cancelled' && !r.events.some((e: { type: string }) => e.type === 'allocated'),
    ).length,
    unitsWaiting: rows.filter((r) => r.status === 'waiting').reduce((n, r) => n + Number(r.quantity), 0),
    waitsMeasured: [...histogram.values()].reduce((a, b) => a + b, 0),
    medianWaitSeconds: median === null ? null : Math.round(median),
  };
};

const stats = async () => {
  const response = await platform.admin('GET', '/api/admin/stats?days=30');
  expect(response.status).toBe(200);
  return response.body;
};

const CAMPAIGN = 'stats-history';

test('after a history of retries, redeliveries and races, every counter equals a full scan', async () => {
  const [tees, mugs, caps] = [await newProduct('tees'), await newProduct('mugs'), await newProduct('caps')];
  const campaign = await platform.admin('PUT', `/api/admin/campaigns/${CAMPAIGN}`, {
    name: 'Stats history',
    active: true,
    audience: { skus: [tees] },
    steps: [
      { id: 'hello', delay: 'PT0S', subject: 'Still waiting for {{ product.name }}', html: '<p>Soon.</p>' },
      { id: 'later', delay: 'P7D', subject: 'A week on', html: '<p>Still soon.</p>' },
    ],
  });
  expect(campaign.status).toBe(201);

  // ---- signups ---------------------------------------------------------------------------------------
  const t = [
    await signUp(tees, 1, 't1', true),
    await signUp(tees, 2, 't2', true),
    await signUp(tees, 1, 't3'),
    await signUp(tees, 3, 't4', true),
    await signUp(tees, 1, 't5'),
    await signUp(tees, 2, 't6'),
    await signUp(tees, 1, 't7', true),
    await signUp(tees, 1, 't8'),
  ];
  const m = [
    await signUp(mugs, 2, 'm1'),
    await signUp(mugs, 1, 'm2'),
    await signUp(mugs, 1, 'm3'),
    await signUp(mugs, 1, 'm4'),
  ];
  const c = [await signUp(caps, 2, 'c1'), await signUp(caps, 1, 'c2'), await signUp(caps, 1, 'c3')];

  // Those who consented get the first nurture step (the scheduler ticks every second), and their sequence
  // moves on to the next step.
  for (const shopper of [t[0], t[1], t[3], t[6]])
    await waitForEmails(platform.sesUrl, shopper.email, 2, 20_000);
  const deadline = Date.now() + 20_000;
  const advanced = async () =>
    (await scan(platform.tableNames.enrolments)).filter((e) => e.lastSentStepId === 'hello').length;
  while ((await advanced()) < 4 && Date.now() < deadline) await sleep(200);
  expect(await advanced()).toBe(4);

  // ---- cancels: one after a nurture email, one without, and six at once on the same backorder ------------
  expect((await cancelByShopper(t[1])).status).toBe(200);
  expect((await cancelByShopper(t[2])).status).toBe(200);
  const racing = await Promise.all([
    ...Array.from({ length: 3 }, () => cancelByShopper(t[4])),
    ...Array.from({ length: 3 }, () => platform.admin('POST', `/api/admin/backorders/${t[4].id}/cancel`)),
  ]);
  expect(racing.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);

  // ---- fulfilled straight from waiting, and a fulfil racing a cancel -------------------------------------
  expect((await platform.admin('POST', `/api/admin/backorders/${m[0].id}/fulfil`)).status).toBe(200);
  const fulfilOrCancel = await Promise.all([
    platform.admin('POST', `/api/admin/backorders/${m[3].id}/fulfil`),
    cancelByShopper(m[3]),
  ]);
  expect(fulfilOrCancel.some((r) => r.status === 200)).toBe(true);

  // ---- a restock: 3 units serve t1 (1) and, t4 needing 3 of the 2 left, t6 (2) --------------------------
  expect((await platform.admin('POST', '/api/admin/inventory', { sku: tees, available: 3 })).status).toBe(
    202,
  );
  await settled(tees);
  // Fulfil one allocated backorder, cancel the other: its 2 units go to t7 and t8.
  expect((await platform.admin('POST', `/api/admin/backorders/${t[0].id}/fulfil`)).status).toBe(200);
  expect((await cancelByShopper(t[5])).status).toBe(200);
  await settled(tees);

  // ---- a restock racing cancels on another product --------------------------------------------------------
  const race = await Promise.all([
    platform.admin('POST', '/api/admin/inventory', { sku: mugs, available: 1 }),
    cancelByShopper(m[1]),
    cancelByShopper(m[2]),
  ]);
  expect(race.map((r) => r.status)).toEqual([202, 200, 200]);
  await settled(mugs);

  // ---- a worker died mid-page: it had allocated c1 of its reservation (c1, c2) but not settled it --------
  const { allocateBackorder } = await import('../../lambdas/store/allocation-writes');
  const { handleRestockMessage } = await import('../../lambdas/use-cases/allocate-restock');
  await dynamo.send(
    new UpdateCommand({
      TableName: platform.tableNames.products,
      Key: { sku: caps },
      UpdateExpression:
        'SET stock = :left, runId = :dead, runPage = :none, runLeaseUntil = :past, reserved = :r',
      ExpressionAttributeValues: {
        ':left': 0,
        ':dead': 'run-crashed',
        ':none': -1,
        ':past': Date.now() - 1000,
        ':r': { ref: 'run-crashed#0', ids: [c[0].id, c[1].id], quantities: [2, 1], units: 3 },
      },
    }),
  );
  const allocatedEarlier = await allocateBackorder(
    c[0].id,
    'run-crashed#0',
    hashToken(newToken()),
    new Date().toISOString(),
  );
  expect(allocatedEarlier.outcome).toBe('allocated');
  // Meanwhile c2 cancels: its reserved unit goes back when the page settles, and then serves c3.
  expect((await cancelByShopper(c[1])).status).toBe(200);
  await handleRestockMessage({ kind: 'start', sku: caps, reason: 'takeover' }, `takeover-${caps}`);
  // The same start redelivered, a page of the dead run, and more restock messages for every SKU.
  await handleRestockMessage({ kind: 'start', sku: caps, reason: 'takeover' }, `takeover-${caps}`);
  expect(await handleRestockMessage({ kind: 'page', sku: caps, runId: 'run-crashed', page: 1 }, 'late')).toBe(
    'obsolete',
  );
  for (const sku of [tees, mugs, caps])
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: platform.queueUrls.restock,
        MessageBody: JSON.stringify({ kind: 'start', sku, reason: 'redelivered' }),
      }),
    );
  for (const sku of [tees, mugs, caps]) await settled(sku);

  // ---- redelivered emails: a confirmation, a nurture step, a restock alert ------------------------------
  await drained();
  for (const [queue, body] of [
    ['email', { kind: 'confirmation', backorderId: t[3].id, statusToken: t[3].token }],
    [
      'nurture',
      { kind: 'nurture', backorderId: t[3].id, campaignId: CAMPAIGN, stepId: 'hello', stepIndex: 0 },
    ],
  ] as const)
    for (let i = 0; i < 2; i++)
      await sqs.send(
        new SendMessageCommand({ QueueUrl: platform.queueUrls[queue], MessageBody: JSON.stringify(body) }),
      );
  for (let i = 0; i < 2; i++)
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: platform.queueUrls.alert,
        MessageBody: JSON.stringify({
          kind: 'restock',
          backorderId: t[6].id,
          sku: tees,
          productName: 'Stats tees',
          quantity: 1,
          email: t[6].email,
          statusToken: newToken(),
          allocatedAt: new Date().toISOString(),
        }),
      }),
    );
  await sleep(1000);
  await drained();

  // ---- the counters against the scan ------------------------------------------------------------------
  const [backorders, ledger, enrolments, shown] = await Promise.all([
    scan(platform.tableNames.backorders),
    scan(platform.tableNames.ledger),
    scan(platform.tableNames.enrolments),
    stats(),
  ]);
  const statuses = Object.fromEntries(backorders.map((b) => [b.id, b.status]));
  // The history did what it says (so the comparison below covers every kind of event).
  expect([...t, ...m, ...c].map((s) => statuses[s.id])).toEqual([
    'fulfilled',
    'cancelled',
    'cancelled',
    'waiting',
    'cancelled',
    'cancelled',
    'allocated',
    'allocated',
    'fulfilled',
    expect.stringMatching(/^(cancelled|allocated)$/),
    expect.stringMatching(/^(cancelled|allocated)$/),
    expect.stringMatching(/^(fulfilled|cancelled)$/),
    'allocated',
    'cancelled',
    'allocated',
  ]);

  for (const sku of [tees, mugs, caps]) {
    const rows = backorders.filter((b) => b.sku === sku);
    const product = shown.products.find((p: { sku: string }) => p.sku === sku);
    expect({ sku, ...product }).toMatchObject({ sku, ...figuresFromScan(rows) });
    expect(product.cancelledWhileWaitingShare).toBeCloseTo(
      figuresFromScan(rows).cancelledWhileWaiting / rows.length,
      4,
    );
    // The daily series: everything happened within the window, so it starts from nothing and ends at now.
    const first = product.daily[0];
    expect(first.unitsWaiting - first.unitsAdded + first.unitsRemoved).toBe(0);
    expect(product.daily.at(-1).unitsWaiting).toBe(product.unitsWaiting);
    const added = product.daily.reduce((n: number, d: { unitsAdded: number }) => n + d.unitsAdded, 0);
    expect(added).toBe(rows.reduce((n, r) => n + Number(r.quantity), 0));
  }

  const sentRows = ledger.filter((row) => String(row.key).startsWith('email#') && row.state === 'sent');
  const byKind = (kind: string) => sentRows.filter((row) => row.kind === kind).length;
  const counterRow = ledger.find((row) => row.key === 'counter#emails');
  expect(shown.emails).toMatchObject({
    sent: sentRows.length,
    bounced: counterRow?.bounced ?? 0,
    complained: counterRow?.complained ?? 0,
    sentByKind: {
      confirmation: byKind('confirmation'),
      nurture: byKind('nurture'),
      restock: byKind('restock'),
    },
  });
  expect(byKind('confirmation')).toBe(15);
  expect(byKind('nurture')).toBe(4);

  const steps = shown.steps.filter((s: { campaignId: string }) => s.campaignId === CAMPAIGN);
  const cancelledWhileWaiting = new Set(
    backorders
      .filter(
        (b) => b.status === 'cancelled' && !b.events.some((e: { type: string }) => e.type === 'allocated'),
      )
      .map((b) => b.id),
  );
  for (const stepId of ['hello', 'later'])
    expect(steps.find((s: { stepId: string }) => s.stepId === stepId)).toMatchObject({
      stepId,
      sent: sentRows.filter((row) => row.kind === 'nurture' && row.stepId === stepId).length,
      cancelledAfter: enrolments.filter(
        (e) =>
          e.campaignId === CAMPAIGN &&
          e.lastSentStepId === stepId &&
          cancelledWhileWaiting.has(e.backorderId),
      ).length,
    });
  expect(steps.map((s: { sent: number; cancelledAfter: number }) => [s.sent, s.cancelledAfter])).toEqual([
    [4, 1],
    [0, 0],
  ]);
}, 180_000);

test('an unsubscribe counts once, however often and however concurrently its link is used', async () => {
  const sku = await newProduct('unsub');
  expect(
    (
      await platform.admin('PUT', '/api/admin/campaigns/stats-unsub', {
        name: 'Stats unsubscribe',
        active: true,
        audience: { skus: [sku] },
        steps: [
          {
            id: 'one',
            delay: 'PT0S',
            subject: 'News',
            html: '<p><a href="{{ unsubscribeUrl }}">Unsubscribe</a></p>',
          },
        ],
      })
    ).status,
  ).toBe(201);
  const unsubscribeLinkOf = async (shopper: Shopper) => {
    const emails = await waitForEmails(platform.sesUrl, shopper.email, 2, 20_000);
    const nurture = emails.find((e) => e.subject === 'News')!;
    const link = /href="([^"]*\/unsubscribe\?token=[^"]+)"/.exec(nurture.body.html ?? '')![1];
    return new URL(link.replace(/&amp;/g, '&')).searchParams.get('token')!;
  };
  const unsubscribe = (token: string) =>
    platform.request('POST', `/api/unsubscribe?token=${encodeURIComponent(token)}`, {
      raw: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  const ann = await signUp(sku, 1, 'unsub-ann', true);
  const bob = await signUp(sku, 1, 'unsub-bob', true);
  const [annToken, bobToken] = [await unsubscribeLinkOf(ann), await unsubscribeLinkOf(bob)];
  const before = (await stats()).emails.unsubscribed;

  const clicks = await Promise.all(Array.from({ length: 4 }, () => unsubscribe(annToken)));
  expect(clicks.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  expect((await unsubscribe(annToken)).status).toBe(200);
  expect((await stats()).emails.unsubscribed).toBe(before + 1);

  // An address already suppressed for another reason (it bounced) keeps that reason: not an unsubscribe.
  const { suppress } = await import('../../lambdas/store/shopper-store');
  await suppress(bob.email, 'bounced', new Date().toISOString());
  expect((await unsubscribe(bobToken)).status).toBe(200);
  expect((await stats()).emails.unsubscribed).toBe(before + 1);
}, 90_000);
