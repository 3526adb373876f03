/**
 * A shopper's data rights against the real emulators, end to end: a shopper with two backorders (one
 * allocated), a confirmation, a nurture email, a restock alert, an unsubscribe and webhook deliveries
 * downloads everything stored about them (and nothing internal), then erases it. Afterwards no table of the
 * platform holds their address (in any case), name or company; the backorders stay as anonymous records, the
 * allocated units went back; every link of theirs leads nowhere; they can sign up again (and are still not
 * sent marketing email, as they had unsubscribed). An erase that fails half-way is completed by the next
 * request, through the link that asked or through the link of a backorder already made anonymous.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { emailLinkTokenFor, waitForEmails, type StoredEmail } from '../support/mailbox';
import { useSingleOptIn } from '../support/settings';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { sleep } from '../support/wait';

let platform: TestPlatform;
let erp: WebhookReceiver;
let dynamo: DynamoDBClient;

const rand = () => Math.random().toString(36).slice(2, 8);

const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
};

const product = async (label: string, body: Record<string, unknown> = {}) => {
  const sku = `${label}-${rand()}`.toUpperCase();
  const response = await platform.admin('PUT', `/api/admin/products/${sku}`, {
    name: `${label} tee`,
    backorders: { enabled: true },
    ...body,
  });
  expect(response.status).toBe(201);
  return sku;
};

const signUp = async (body: Record<string, unknown>) => {
  const response = await platform.request('POST', '/api/backorders', { json: body });
  expect(response.status).toBe(201);
  // The link of its confirmation email: an email link, the kind that exports and erases.
  const id = response.body.id as string;
  return { id, token: await emailLinkTokenFor(platform.sesUrl, String(body.email), id) };
};

const q = (token: string) => `?token=${encodeURIComponent(token)}`;

/** Every item of every table of this platform, as DynamoDB returns it (sets and all), lower-cased. */
const everyRow = async (): Promise<Array<{ table: string; row: string }>> => {
  const rows: Array<{ table: string; row: string }> = [];
  for (const [table, physical] of Object.entries(platform.tableNames)) {
    let start: Record<string, any> | undefined;
    do {
      const page = await dynamo.send(new ScanCommand({ TableName: physical, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) rows.push({ table, row: JSON.stringify(item).toLowerCase() });
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return rows;
};

const rowsMentioning = async (...needles: string[]) =>
  (await everyRow()).filter(({ row }) => needles.some((needle) => row.includes(needle.toLowerCase())));

beforeAll(async () => {
  platform = await startTestPlatform();
  // Consent counts at once here (a shop's choice): the shopper's history includes nurture email.
  await useSingleOptIn(platform);
  erp = await startWebhookReceiver();
  dynamo = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
}, 60_000);
afterAll(async () => {
  await platform?.stop();
  await erp?.close();
  dynamo?.destroy();
});

describe('a shopper with a history', () => {
  const tag = rand();
  // Typed in mixed case: the address is the same shopper whatever its case, and erased in every case.
  const email = `Erin.Erasmus.${tag}@Example.COM`;
  const name = `Erin Erasmus${tag}`;
  const company = `Erasure Works ${tag}`;
  let tees: string;
  let mugs: string;
  let waiting: { id: string; token: string };
  let allocated: { id: string; token: string };
  let unsubscribeToken: string;

  beforeAll(async () => {
    tees = await product('data-tee');
    mugs = await product('data-mug');
    const webhook = await platform.admin('PUT', `/api/admin/webhooks/erp-${tag}`, {
      url: `${erp.baseUrl}/erp-${tag}`,
      secret: 'a-secret-of-sixteen-or-more',
      events: ['backorder.created', 'backorder.allocated', 'backorder.cancelled'],
    });
    expect(webhook.status).toBe(201);
    const campaign = await platform.admin('PUT', `/api/admin/campaigns/data-${tag}`, {
      name: 'While you wait',
      active: true,
      audience: { skus: [tees] },
      steps: [
        {
          id: 'hello',
          delay: 'PT0S',
          subject: 'For you, {{ shopper.name }}',
          html: '<p>Hi {{ shopper.name }}</p><p><a href="{{ unsubscribeUrl }}">Unsubscribe</a></p>',
        },
      ],
    });
    expect(campaign.status).toBeLessThan(300);

    waiting = await signUp({ sku: tees, email, name, company, marketingConsent: true, quantity: 2 });
    allocated = await signUp({ sku: mugs, email: email.toLowerCase(), name });
    expect((await platform.admin('POST', '/api/admin/inventory', { sku: mugs, available: 1 })).status).toBe(
      202,
    );

    // Two confirmations, the nurture step (the scheduler ticks every second here), the restock alert.
    const received = await waitForEmails(platform.sesUrl, email, 4, 30_000);
    const nurture = received.find((e: StoredEmail) => e.subject.startsWith('For you')) as StoredEmail;
    expect(nurture.subject).toBe(`For you, ${name}`);
    const link = /href="([^"]*\/unsubscribe\?token=[^"]+)"/.exec(nurture.body.html ?? '')![1];
    unsubscribeToken = new URL(link.replace(/&amp;/g, '&')).searchParams.get('token')!;
    expect((await platform.request('POST', `/api/unsubscribe${q(unsubscribeToken)}`)).status).toBe(200);
    // The shop's ERP heard of both backorders and of the allocation.
    await erp.waitForRequests(`/erp-${tag}`, 3, 20_000);
    await waitFor('the webhook deliveries to be recorded', async () => {
      const { body } = await platform.admin('GET', `/api/admin/webhooks/erp-${tag}/deliveries`);
      return body.items.filter((d: { state: string }) => d.state === 'delivered').length >= 3
        ? true
        : undefined;
    });
  }, 90_000);

  test('their export holds every backorder, email, choice and delivery, and nothing internal', async () => {
    const response = await platform.request('GET', `/api/backorders/${waiting.id}/export${q(waiting.token)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="backorder-data-/);
    const data = response.body;

    expect(data.backorders.map((b: { id: string }) => b.id)).toEqual([waiting.id, allocated.id]);
    expect(data.backorders[0]).toMatchObject({
      sku: tees,
      email,
      name,
      company,
      quantity: 2,
      status: 'waiting',
      marketingConsent: true,
      consentEffectiveAt: expect.any(String),
    });
    expect(data.backorders[1]).toMatchObject({
      sku: mugs,
      status: 'allocated',
      allocatedAt: expect.any(String),
    });
    expect(
      data.backorders[1].events.map((e: { type: string; by: string }) => `${e.type} by ${e.by}`),
    ).toEqual(['created by shopper', 'allocated by system']);

    expect(data.emails.map((e: { kind: string }) => e.kind).sort()).toEqual([
      'confirmation',
      'confirmation',
      'nurture',
      'restock',
    ]);
    expect(data.emails).toContainEqual(
      expect.objectContaining({
        kind: 'nurture',
        backorderId: waiting.id,
        subject: `For you, ${name}`,
        campaignId: `data-${tag}`,
        stepId: 'hello',
        outcome: 'sent',
        sentAt: expect.any(String),
      }),
    );
    expect(data.marketingEmail).toEqual({
      suppressed: true,
      reason: 'unsubscribed',
      since: expect.any(String),
    });
    expect(data.nurtureSequences).toEqual([
      expect.objectContaining({ backorderId: waiting.id, campaignId: `data-${tag}` }),
    ]);
    expect(
      data.webhookDeliveries.map((d: { event: string; backorderId: string; state: string }) => [
        d.event,
        d.backorderId,
        d.state,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['backorder.created', waiting.id, 'delivered'],
        ['backorder.created', allocated.id, 'delivered'],
        ['backorder.allocated', allocated.id, 'delivered'],
      ]),
    );

    const text = JSON.stringify(data);
    for (const internal of [
      'statusTokenHashes',
      'queueKey',
      'waitingKey',
      'listPartition',
      'skuShard',
      'emailKey',
      'recipientKey',
      'sesMessageId',
      'claimId',
      'leaseUntil',
      'deliveryKey',
      'dueBucket',
      'allocationRef',
      '"key"',
    ])
      expect(text).not.toContain(internal);
    expect(text).not.toContain(waiting.token);
    expect(text).not.toContain(unsubscribeToken);
    // No hashes either (token hashes, address hashes).
    expect(text).not.toMatch(/[0-9a-f]{64}/);
  });

  test('erasing removes them from every table, keeps anonymous records, and ends every link', async () => {
    const stockBefore = (await platform.admin('GET', `/api/admin/products/${mugs}`)).body.stock;
    expect(await rowsMentioning(email, name, company)).not.toEqual([]);

    const response = await platform.request('DELETE', `/api/backorders/${waiting.id}${q(waiting.token)}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: waiting.id, erased: true });

    // Not a trace, in any table, in any case.
    expect(await rowsMentioning(email, name, company)).toEqual([]);

    // The backorders stay, anonymous, cancelled; the allocated one gave its unit back.
    for (const [id, sku, quantity] of [
      [waiting.id, tees, 2],
      [allocated.id, mugs, 1],
    ] as const) {
      const { body } = await platform.admin('GET', `/api/admin/backorders/${id}`);
      expect(body).toMatchObject({ id, sku, quantity, status: 'cancelled', email: '' });
      expect(body.erasedAt).toEqual(expect.any(String));
      expect(body.events.at(-1)).toMatchObject({ type: 'erased', by: 'shopper' });
    }
    expect((await platform.admin('GET', `/api/admin/products/${mugs}`)).body.stock).toBe(stockBefore + 1);

    // The shop's ERP hears that both were cancelled, but the events name nobody.
    // Webhooks are at least once: a delivery answered too late (a loaded machine) comes again with the same
    // event id, so the test waits for both backorders' events rather than for a count of requests.
    const cancelsReceived = () =>
      erp
        .requests(`/erp-${tag}`)
        .map((r) => JSON.parse(r.rawBody))
        .filter((event) => event.type === 'backorder.cancelled');
    const cancels = await waitFor('both cancel events', async () => {
      const found = cancelsReceived();
      return new Set(found.map((event) => event.data.backorder.id)).size >= 2 ? found : undefined;
    });
    expect([...new Set(cancels.map((event) => event.data.backorder.id))].sort()).toEqual(
      [waiting.id, allocated.id].sort(),
    );
    // One event per backorder: any repeat is the same event again.
    expect(new Set(cancels.map((event) => event.id)).size).toBe(2);
    for (const event of cancels) {
      expect(event.data.backorder).toMatchObject({
        email: null,
        name: null,
        company: null,
        status: 'cancelled',
      });
      expect(JSON.stringify(event).toLowerCase()).not.toContain(email.toLowerCase());
      expect(JSON.stringify(event)).not.toContain(name);
    }

    // Every link of theirs leads nowhere; the erase itself answers the same again.
    for (const { id, token } of [waiting, allocated]) {
      expect((await platform.request('GET', `/api/backorders/${id}${q(token)}`)).status).toBe(404);
      expect((await platform.request('GET', `/api/backorders/${id}/export${q(token)}`)).status).toBe(404);
      expect((await platform.request('POST', `/api/backorders/${id}/cancel${q(token)}`)).status).toBe(404);
    }
    expect((await platform.request('POST', `/api/unsubscribe${q(unsubscribeToken)}`)).status).toBe(404);
    const again = await platform.request('DELETE', `/api/backorders/${allocated.id}${q(allocated.token)}`);
    expect(again.status).toBe(200);
    expect(await rowsMentioning(email, name, company)).toEqual([]);
  });

  test('they can sign up again, and their unsubscribe still holds (kept as a hash)', async () => {
    const fresh = await signUp({ sku: tees, email, marketingConsent: true });
    const { body } = await platform.request('GET', `/api/backorders/${fresh.id}/export${q(fresh.token)}`);
    expect(body.backorders.map((b: { id: string }) => b.id)).toEqual([fresh.id]);
    expect(body.marketingEmail).toMatchObject({ suppressed: true, reason: 'unsubscribed' });
  });
});

describe('an erase that failed half-way', () => {
  /** Makes the erase fail at its first change of the send ledger (after the backorders were handled). */
  const failLedgerStripOnce = async () => {
    const { dynamo: handlerDynamo } = await import('../../lambdas/runtime/dynamo');
    let failed = 0;
    handlerDynamo.middlewareStack.add(
      (next) => async (args) => {
        if (failed === 0 && JSON.stringify(args.input).includes('REMOVE recipientKey')) {
          failed++;
          throw Object.assign(new Error('DynamoDB is unavailable'), { name: 'InternalServerError' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'failLedgerStrip' },
    );
    return {
      failed: () => failed,
      restore: () => handlerDynamo.middlewareStack.remove('failLedgerStrip'),
    };
  };

  const shopperWithTwoBackorders = async (label: string) => {
    const email = `${label}.${rand()}@example.com`;
    const name = `Half Done ${rand()}`;
    const first = await signUp({ sku: await product(`${label}-a`), email, name });
    const second = await signUp({ sku: await product(`${label}-b`), email, name });
    await waitForEmails(platform.sesUrl, email, 2);
    return { email, name, first, second };
  };

  test.each([
    ['the link that asked', (s: { first: { id: string; token: string } }) => s.first],
    [
      'the link of a backorder made anonymous before the failure',
      (s: { second: { id: string; token: string } }) => s.second,
    ],
  ])('is completed by the next request, through %s', async (_through, retryLink) => {
    const shopper = await shopperWithTwoBackorders('half');
    const fault = await failLedgerStripOnce();
    try {
      const failed = await platform.request(
        'DELETE',
        `/api/backorders/${shopper.first.id}${q(shopper.first.token)}`,
      );
      expect(failed.status).toBe(500);
      expect(fault.failed()).toBe(1);
    } finally {
      fault.restore();
    }
    // Half done: the other backorder is anonymous, the send ledger still names the shopper, and the link that
    // asked already leads nowhere.
    expect(await rowsMentioning(shopper.email)).not.toEqual([]);
    expect((await platform.admin('GET', `/api/admin/backorders/${shopper.second.id}`)).body.erasedAt).toEqual(
      expect.any(String),
    );
    expect(
      (await platform.request('GET', `/api/backorders/${shopper.first.id}${q(shopper.first.token)}`)).status,
    ).toBe(404);

    const link = retryLink(shopper);
    const retried = await platform.request('DELETE', `/api/backorders/${link.id}${q(link.token)}`);
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ id: link.id, erased: true });
    expect(await rowsMentioning(shopper.email, shopper.name)).toEqual([]);
    for (const { id } of [shopper.first, shopper.second]) {
      const { body } = await platform.admin('GET', `/api/admin/backorders/${id}`);
      expect(body).toMatchObject({ status: 'cancelled', email: '' });
      expect(body.events.filter((e: { type: string }) => e.type === 'erased')).toHaveLength(1);
    }
  });
});
