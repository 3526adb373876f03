/**
 * From alert to order against the real emulators, with the hold sweeper driven by an injected clock: the
 * claim link and its click counted once, the claim code the shop verifies, one reminder, one expiry that
 * hands the units to the next in line, extend once, fulfil with the order's amount, the race of fulfil and
 * expiry (exactly one wins), a late fulfil, and paid orders that queue with the reservations but never expire.
 */
import { DeleteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { emulatorClients } from '../../local/platform';
import { startTestPlatform, emulatorEndpoints, type TestPlatform } from '../support/platform';
import { emailsTo, uniqueEmail, waitForEmails, type StoredEmail } from '../support/mailbox';
import { linkParts, newProduct, postInventory, signUpShopper, type Shopper } from '../support/shop';
import { sleep, waitForValue } from '../support/wait';
import { startWebhookReceiver } from '../support/webhook-receiver';
import type { HoldMessage } from '../../lambdas/messages/hold';

let platform: TestPlatform;
let dynamo: DynamoDBDocumentClient;
let sweepDueHolds: (nowMs: number) => Promise<{ due: number; queued: number }>;
let keepHolds: (messages: HoldMessage[], nowMs?: number) => Promise<PromiseSettledResult<void>[]>;

const CHECKOUT = 'https://shop.example/cart/{sku}:{quantity}?claim={claim}';
const HOUR = 3_600_000;

beforeAll(async () => {
  // The scheduler does not tick on its own here: each test sweeps at the time it chooses.
  platform = await startTestPlatform({ schedulerTickSeconds: 3600 });
  dynamo = DynamoDBDocumentClient.from(emulatorClients(emulatorEndpoints()).dynamo);
  const settings = await platform.admin('GET', '/api/admin/settings');
  const saved = await platform.admin('PUT', '/api/admin/settings', {
    ...settings.body,
    doubleOptIn: false,
    checkout: { url: CHECKOUT, hold: 'PT1H' },
  });
  expect(saved.status).toBe(200);
  ({ sweepDueHolds } = await import('../../lambdas/use-cases/sweep-holds'));
  ({ keepHolds } = await import('../../lambdas/use-cases/keep-holds'));
});
afterAll(async () => {
  await platform?.stop();
  dynamo?.destroy();
});
beforeEach(async () => {
  // Each test sweeps from its own start, as a sweeper that never ran (entries of other tests lie in the past).
  await dynamo.send(
    new DeleteCommand({ TableName: platform.tableNames.settings, Key: { name: 'hold-sweeper' } }),
  );
});

const row = async (id: string) =>
  (
    await dynamo.send(
      new GetCommand({ TableName: platform.tableNames.backorders, Key: { id }, ConsistentRead: true }),
    )
  ).Item!;

const statusOf = async (id: string): Promise<string> => (await row(id)).status as string;

const stockOf = async (sku: string): Promise<number> =>
  (await platform.admin('GET', `/api/admin/products/${sku}`)).body.stock;

const product = (label: string, checkout?: { url?: string; hold?: string }) =>
  newProduct(platform, `HOLD-${label}`, {
    name: `Hold ${label} <tee>`,
    backorders: { enabled: true },
    ...(checkout ? { checkout } : {}),
  } as never);

const signUp = async (sku: string, label: string, quantity = 1): Promise<Shopper> => {
  const shopper = await signUpShopper(platform, { sku, label, quantity, name: label });
  await waitForEmails(platform.sesUrl, shopper.email, 1);
  return shopper;
};

/** Stock arrives; waits until the first `count` shoppers are allocated. */
const restock = async (sku: string, available: number, allocated: Shopper[]) => {
  expect((await postInventory(platform, { sku, available })).status).toBe(202);
  for (const shopper of allocated)
    expect(await waitForValue(() => statusOf(shopper.id), 'allocated')).toBe('allocated');
};

/** Sweeps at the injected time and gives the hold keeper and the sender time to act. */
const sweepAt = async (nowMs: number) => {
  const report = await sweepDueHolds(nowMs);
  await sleep(report.queued > 0 ? 2500 : 300);
  return report;
};

const subjects = (emails: StoredEmail[]) => emails.map((email) => email.subject);

/** The "complete your order" link an email carries. */
const claimLinkIn = (email: StoredEmail): string => {
  const match = /https?:\/\/\S+\/r\/[0-9A-Z]{26}\?token=[A-Za-z0-9_%-]+/.exec(email.body.text ?? '');
  if (!match) throw new Error(`no claim link in "${email.subject}"`);
  return match[0];
};

/** Follows a link without following its redirect. */
const open = async (url: string) => {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location') };
};

const statsOf = async (sku: string) => {
  const stats = await platform.admin('GET', '/api/admin/stats?days=7');
  return stats.body.products.find((p: { sku: string }) => p.sku === sku);
};

test('alert → click (counted once) → claim verified → fulfilled with its amount; the funnel counts each once', async () => {
  const sku = await product('funnel');
  const ann = await signUp(sku, 'ann', 2);
  await restock(sku, 2, [ann]);

  const view = await platform.request('GET', `/api/backorders/${ann.id}?token=${ann.token}`);
  expect(view.body).toMatchObject({ status: 'allocated', kind: 'reservation' });
  const allocatedAt = Date.parse((await row(ann.id)).allocatedAt);
  expect(Date.parse(view.body.holdUntil)).toBe(allocatedAt + HOUR);

  const [, alert] = await waitForEmails(platform.sesUrl, ann.email, 2);
  expect(alert.body.html).toContain('Complete your order');
  const link = claimLinkIn(alert);

  const first = await open(link);
  expect(first.status).toBe(302);
  const target = new URL(first.location!);
  expect(`${target.origin}${target.pathname}`).toBe(`https://shop.example/cart/${sku}:2`);
  const claim = target.searchParams.get('claim')!;
  // The same claim however often the shopper clicks; the target is only ever the configured checkout.
  expect((await open(link)).location).toBe(first.location);
  expect((await open(`${link}&url=https://evil.example`)).location).toBe(first.location);
  expect((await open(link.replace(/token=[^&]+/, 'token=wrong'))).status).toBe(404);

  const verified = await platform.admin('POST', '/api/admin/claims/verify', { claim });
  expect(verified.status).toBe(200);
  expect(verified.body).toEqual({
    backorderId: ann.id,
    sku,
    quantity: 2,
    holdUntil: view.body.holdUntil,
    status: 'allocated',
  });
  const forged = `${claim.slice(0, -1)}${claim.endsWith('A') ? 'B' : 'A'}`;
  expect((await platform.admin('POST', '/api/admin/claims/verify', { claim: forged })).status).toBe(404);
  expect((await platform.admin('POST', '/api/admin/claims/verify', { claim: 'nonsense' })).status).toBe(404);

  const fulfilled = await platform.admin('POST', `/api/admin/backorders/${ann.id}/fulfil`, {
    orderId: 'SHOP-1001',
    amount: { value: 5998, currency: 'EUR' },
  });
  expect(fulfilled.status).toBe(200);
  expect(fulfilled.body).toMatchObject({ status: 'fulfilled', order: { id: 'SHOP-1001' }, holdUntil: null });
  // Fulfilling again is harmless and counts nothing more; the claim now says the units are sold.
  expect((await platform.admin('POST', `/api/admin/backorders/${ann.id}/fulfil`)).status).toBe(200);
  expect((await platform.admin('POST', '/api/admin/claims/verify', { claim })).body.status).toBe('fulfilled');
  // After the order, the link leads to the status page.
  expect((await open(link)).location).toBe(`/status?id=${ann.id}#token=${link.split('token=')[1]}`);

  // The alert is counted when its send is recorded, a moment after the SES store has it.
  expect(await waitForValue(async () => (await statsOf(sku)).alertsSent, 1)).toBe(1);
  const stats = await statsOf(sku);
  expect(stats).toMatchObject({
    alertsSent: 1,
    alertClicks: 1,
    fulfilledAfterAlert: 1,
    expired: 0,
    revenue: { EUR: 5998 },
  });
  expect(stats.period).toMatchObject({ alertsSent: 1, alertClicks: 1, fulfilledAfterAlert: 1 });
  expect(stats.period.revenue).toEqual({ EUR: 5998 });
});

test('one reminder, one expiry: the units go to the next in line, who is alerted; the expired shopper may join again', async () => {
  const sku = await product('expiry');
  const bea = await signUp(sku, 'bea');
  const cem = await signUp(sku, 'cem');
  await restock(sku, 1, [bea]);
  const holdUntil = Date.parse((await row(bea.id)).holdUntil);
  expect(await waitForEmails(platform.sesUrl, bea.email, 2)).toHaveLength(2);

  // Before the reminder is due: nothing. At three quarters of the hold: one reminder, however often swept.
  await sweepAt(holdUntil - HOUR / 2);
  expect(await emailsTo(platform.sesUrl, bea.email)).toHaveLength(2);
  await sweepAt(holdUntil - HOUR / 4 + 1000);
  await sweepAt(holdUntil - HOUR / 4 + 2000);
  await sweepAt(holdUntil - HOUR / 4 + 5 * 60_000);
  const reminded = await waitForEmails(platform.sesUrl, bea.email, 3);
  expect(reminded).toHaveLength(3);
  expect(reminded[2].subject).toMatch(/held for you until/i);
  expect(claimLinkIn(reminded[2])).toContain(`/r/${bea.id}?token=`);
  expect((await row(bea.id)).events.map((e: { type: string }) => e.type)).toContain('reminded');

  // At its end: expired once, the unit to Cem, whose alert follows.
  await sweepAt(holdUntil + 1000);
  await sweepAt(holdUntil + 2000);
  expect(await waitForValue(() => statusOf(bea.id), 'expired')).toBe('expired');
  expect(await waitForValue(() => statusOf(cem.id), 'allocated')).toBe('allocated');
  const beaMail = await waitForEmails(platform.sesUrl, bea.email, 4);
  expect(subjects(beaMail)).toHaveLength(4);
  expect(beaMail[3].body.text).toContain(`/p/${sku}`);
  // Cem's alert (the injected clock, an hour on, also finds his own reminder due: a quarter of his hour left).
  expect(subjects(await waitForEmails(platform.sesUrl, cem.email, 2))).toContain(
    `Good news: Hold expiry <tee> is back, and yours is set aside`,
  );
  expect(await stockOf(sku)).toBe(0);
  expect((await statsOf(sku)).expired).toBe(1);

  // A late order for Bea is refused: her unit went to Cem.
  const late = await platform.admin('POST', `/api/admin/backorders/${bea.id}/fulfil`);
  expect(late.status).toBe(409);
  expect(late.body.error.code).toBe('CONFLICT');
  expect(await statusOf(bea.id)).toBe('expired');

  // The expired shopper signs up again (her claim on the SKU was released): a new backorder.
  const again = await platform.request('POST', '/api/backorders', { json: { sku, email: bea.email } });
  expect(again.status).toBe(201);
  expect(again.body.id).not.toBe(bea.id);

  // Sweeping again changes nothing more for Bea (before Cem's own hold, which began seconds later, ends).
  await sweepAt(holdUntil + 3000);
  expect(await waitForEmails(platform.sesUrl, bea.email, 5)).toHaveLength(5); // + the new signup's confirmation
  await sleep(1000);
  expect(await emailsTo(platform.sesUrl, bea.email)).toHaveLength(5);
});

test('extend once: the hold moves on, its expiry with it; a second extension is refused', async () => {
  const sku = await product('extend');
  const dan = await signUp(sku, 'dan');
  await restock(sku, 1, [dan]);
  const holdUntil = Date.parse((await row(dan.id)).holdUntil);

  const extended = await platform.admin('POST', `/api/admin/backorders/${dan.id}/extend`, { by: 'P1D' });
  expect(extended.status).toBe(200);
  expect(Date.parse(extended.body.holdUntil)).toBe(holdUntil + 24 * HOUR);
  expect(extended.body.holdExtendedAt).toEqual(expect.any(String));
  const again = await platform.admin('POST', `/api/admin/backorders/${dan.id}/extend`, { by: 'P1D' });
  expect(again.status).toBe(409);
  expect(
    (await platform.admin('POST', `/api/admin/backorders/${dan.id}/extend`, { by: 'P99D' })).status,
  ).toBe(400);

  // At the old end nothing happens; the reminder falls due a quarter of the new hold (at most a day) before its end.
  await sweepAt(holdUntil + 60_000);
  expect(await statusOf(dan.id)).toBe('allocated');
  await sweepAt(holdUntil + 24 * HOUR + 1000);
  await sweepAt(holdUntil + 24 * HOUR + 2000);
  expect(await waitForValue(() => statusOf(dan.id), 'expired')).toBe('expired');
  expect(await stockOf(sku)).toBe(1);
  // Nobody else waits: a late order takes the unit again.
  const late = await platform.admin('POST', `/api/admin/backorders/${dan.id}/fulfil`, { orderId: 'LATE-1' });
  expect(late.status).toBe(200);
  expect(late.body.status).toBe('fulfilled');
  expect(await stockOf(sku)).toBe(0);
});

test('fulfil and expiry racing: exactly one wins, round after round, and units are counted right', async () => {
  const sku = await product('race', { hold: 'PT10S' });
  const rounds = 12;
  const shoppers: Shopper[] = [];
  for (let i = 0; i < rounds; i++) shoppers.push(await signUp(sku, `race${i}`));
  await restock(sku, rounds, shoppers);
  const latest = Math.max(
    ...(await Promise.all(shoppers.map(async (s) => Date.parse((await row(s.id)).holdUntil)))),
  );
  const outcomes = await Promise.all(
    shoppers.map(async (shopper) => {
      const expiry = {
        kind: 'expire' as const,
        backorderId: shopper.id,
        leasedKey: 'race',
        sweptAt: new Date(latest + 1000).toISOString(),
      };
      const [fulfil] = await Promise.all([
        platform.admin('POST', `/api/admin/backorders/${shopper.id}/fulfil`),
        keepHolds([expiry], latest + 1000),
      ]);
      return { status: await statusOf(shopper.id), answer: fulfil.status };
    }),
  );
  for (const { status, answer } of outcomes) {
    expect(['fulfilled', 'expired']).toContain(status);
    // The fulfil's answer tells the truth: 200 when it won, 409 when the expiry did.
    expect(answer).toBe(status === 'fulfilled' ? 200 : 409);
  }
  const expired = outcomes.filter((o) => o.status === 'expired').length;
  // Each expiry gave its unit back once, and nobody else waits for them.
  expect(await waitForValue(() => stockOf(sku), expired)).toBe(expired);
  const stats = await statsOf(sku);
  expect(stats.expired + stats.fulfilled).toBe(rounds);
  expect(stats.allocated).toBe(0);
});

test('a hold of PT20S: exactly four emails (confirmation, alert, reminder, expiry)', async () => {
  const sku = await product('short', { hold: 'PT20S' });
  const eve = await signUp(sku, 'eve');
  await restock(sku, 1, [eve]);
  const holdUntil = Date.parse((await row(eve.id)).holdUntil);
  for (const at of [
    holdUntil - 4000,
    holdUntil - 3000,
    holdUntil + 1000,
    holdUntil + 2000,
    holdUntil + 60_000,
  ])
    await sweepAt(at);
  expect(await waitForValue(() => statusOf(eve.id), 'expired')).toBe('expired');
  expect(await waitForEmails(platform.sesUrl, eve.email, 4)).toHaveLength(4);
  // And no fifth after a while.
  await sleep(1500);
  expect(await emailsTo(platform.sesUrl, eve.email)).toHaveLength(4);
});

test('paid orders queue with the reservations, allocate without a hold, never expire, and are once per order id', async () => {
  const sku = await product('paid');
  const fay = await signUp(sku, 'fay');
  const email = uniqueEmail('paid');
  const body = {
    sku,
    email,
    quantity: 3,
    order: { id: `ORD-${sku}`, amount: { value: 8997, currency: 'EUR' } },
  };
  const created = await platform.admin('POST', '/api/admin/backorders', body);
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ kind: 'order', status: 'waiting', position: 2, created: true });
  expect(created.body.statusUrl).toContain('/status?id=');
  // The shopper's own link reads it but does not cancel it: the shop took the payment and cancels (refunding).
  const { id: orderId, token: orderToken } = linkParts(created.body.statusUrl);
  const cancel = await platform.request('POST', `/api/backorders/${orderId}/cancel?token=${orderToken}`);
  expect(cancel.status).toBe(409);
  expect(cancel.body.error.message).toMatch(/ask the shop/);
  // The checkout retries: the same order, no second backorder, no link.
  const repeated = await platform.admin('POST', '/api/admin/backorders', body);
  expect(repeated.status).toBe(200);
  expect(repeated.body).toEqual({
    id: created.body.id,
    kind: 'order',
    status: 'waiting',
    position: 2,
    statusUrl: null,
    created: false,
  });
  // maxPerCustomer does not apply (the shop sold it already), a closed product does.
  expect(
    (
      await platform.admin('POST', '/api/admin/backorders', {
        ...body,
        email: uniqueEmail('big'),
        quantity: 50,
        order: { ...body.order, id: `BIG-${sku}` },
      })
    ).status,
  ).toBe(201);
  const closed = await newProduct(platform, 'HOLD-closed', {
    name: 'Closed',
    backorders: { enabled: false },
  });
  const refused = await platform.admin('POST', '/api/admin/backorders', {
    ...body,
    sku: closed,
    order: { ...body.order, id: `C-${sku}` },
  });
  expect(refused.status).toBe(409);
  expect(
    (await platform.admin('POST', '/api/admin/backorders', { ...body, order: { id: 'x' } })).status,
  ).toBe(400);

  await restock(sku, 4, [fay]);
  expect(await waitForValue(() => statusOf(created.body.id), 'allocated')).toBe('allocated');
  const order = await row(created.body.id);
  expect(order.holdUntil).toBeUndefined();
  expect(order.holdDueKey).toBeUndefined();
  const mail = await waitForEmails(platform.sesUrl, email, 2);
  // The confirmation and the alert, in whichever order their queues sent them.
  const alert = mail.find((e) => !e.subject.startsWith("You're on the list"))!;
  expect(alert.body.text).not.toContain('/r/');
  expect(alert.body.text).toMatch(/on its way/i);
  const confirmation = mail.find((e) => e.subject.startsWith("You're on the list"))!;
  expect(confirmation.body.text).toMatch(/Your order is paid/);
  expect(confirmation.body.text).not.toMatch(/Nothing is charged/);

  // Swept long after: the order is still allocated; the reservation ahead of it expired.
  await sweepAt(Date.parse((await row(fay.id)).holdUntil) + 1000);
  await sweepAt(Date.now() + 48 * HOUR);
  expect(await waitForValue(() => statusOf(fay.id), 'expired')).toBe('expired');
  expect(await statusOf(created.body.id)).toBe('allocated');
  const view = await platform.admin('GET', `/api/admin/backorders/${created.body.id}`);
  expect(view.body).toMatchObject({ kind: 'order', order: { id: `ORD-${sku}` }, holdUntil: null });
  const stats = await statsOf(sku);
  expect(stats.paidOrders).toBe(2);

  const shipped = await platform.admin('POST', `/api/admin/backorders/${created.body.id}/fulfil`);
  expect(shipped.status).toBe(200);
  expect((await statsOf(sku)).revenue).toEqual({ EUR: 8997 });
});

test('redelivered and concurrent: each hold is leased once per sweep, reminded once, expired once', async () => {
  const sku = await product('redelivery');
  const gus = await signUp(sku, 'gus');
  const hal = await signUp(sku, 'hal');
  await restock(sku, 1, [gus]);
  expect(await waitForEmails(platform.sesUrl, gus.email, 2)).toHaveLength(2);
  const holdUntil = Date.parse((await row(gus.id)).holdUntil);

  // Two sweepers at once: one of them leases the reminder.
  const reports = await Promise.all([sweepDueHolds(holdUntil - 60_000), sweepDueHolds(holdUntil - 60_000)]);
  expect(reports.reduce((sum, report) => sum + report.queued, 0)).toBe(1);
  await sleep(2500);
  // The keeper's message again (SQS delivers at least once): nothing more.
  const leasedKey = 'redelivered';
  const sweptAt = new Date(holdUntil - 60_000).toISOString();
  await keepHolds([{ kind: 'remind', backorderId: gus.id, leasedKey, sweptAt }]);
  expect(await waitForEmails(platform.sesUrl, gus.email, 3)).toHaveLength(3);

  // The expiry delivered three times, twice at once: expired once, the unit handed on once.
  const expiry = {
    kind: 'expire' as const,
    backorderId: gus.id,
    leasedKey,
    sweptAt: new Date(holdUntil).toISOString(),
  };
  await Promise.all([keepHolds([expiry]), keepHolds([expiry])]);
  await keepHolds([expiry]);
  expect(await statusOf(gus.id)).toBe('expired');
  expect(await waitForValue(() => statusOf(hal.id), 'allocated')).toBe('allocated');
  expect(await waitForEmails(platform.sesUrl, gus.email, 4)).toHaveLength(4);
  await sleep(1500);
  expect(await stockOf(sku)).toBe(0);
  expect(await emailsTo(platform.sesUrl, gus.email)).toHaveLength(4);
  expect((await row(gus.id)).events.filter((e: { type: string }) => e.type === 'expired')).toHaveLength(1);
  expect((await statsOf(sku)).expired).toBe(1);
});

test('the shop hears: backorder.expired, and backorder.allocated carrying a paid order id', async () => {
  const erp = await startWebhookReceiver();
  try {
    const path = '/erp';
    const hook = await platform.admin('PUT', '/api/admin/webhooks/holds-erp', {
      url: erp.respond(path, () => ({ status: 204 })),
      secret: 'holds-erp-secret-0123456789',
      events: ['backorder.allocated', 'backorder.expired'],
    });
    expect(hook.status).toBe(201);
    // Endpoints are cached 30 s per instance: this test's producers must see the new one.
    await sleep(100);
    const { forgetWebhookCache } = await import('../../lambdas/use-cases/backorder-events');
    forgetWebhookCache();

    const sku = await product('events', { hold: 'PT10S' });
    const ivy = await signUp(sku, 'ivy');
    const order = await platform.admin('POST', '/api/admin/backorders', {
      sku,
      email: uniqueEmail('events'),
      order: { id: `EV-${sku}`, amount: { value: 1500, currency: 'USD' } },
    });
    expect(order.status).toBe(201);
    await restock(sku, 2, [ivy]);
    await sweepAt(Date.parse((await row(ivy.id)).holdUntil) + 1000);
    await sweepAt(Date.parse((await row(ivy.id)).holdUntil) + 2000);
    expect(await waitForValue(() => statusOf(ivy.id), 'expired')).toBe('expired');

    const requests = await erp.waitForRequests(path, 3);
    const events = requests.map((request) => JSON.parse(request.rawBody));
    const of = (type: string, id: string) =>
      events.filter((e) => e.type === type && e.data.backorder.id === id);
    expect(of('backorder.allocated', order.body.id)[0].data.backorder).toMatchObject({
      kind: 'order',
      order: { id: `EV-${sku}`, amount: { value: 1500, currency: 'USD' } },
    });
    expect(of('backorder.allocated', ivy.id)[0].data.backorder.kind).toBe('reservation');
    expect(of('backorder.expired', ivy.id)[0].data.backorder).toMatchObject({ status: 'expired' });
  } finally {
    await platform.admin('DELETE', '/api/admin/webhooks/holds-erp');
    await erp.close();
  }
});
