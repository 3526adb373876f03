/**
 * Constant updates against the real emulators, with the expected-date sweeper driven by an injected clock:
 * the debounce (several edits → one email with the last date), a revert within the window (no email), the
 * slip threshold (asks or informs), keep and cancel after an ask (counted once), the history on the status
 * page, the shop's `product.eta_changed`, 600 waiting over three pages, a crash in the middle of a fan-out and
 * concurrent sweepers (each shopper gets one email), and a change during a fan-out (announced after it).
 */
import { DeleteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { emulatorClients } from '../../local/platform';
import { startTestPlatform, emulatorEndpoints, type TestPlatform } from '../support/platform';
import { uniqueEmail, waitForEmails, type StoredEmail } from '../support/mailbox';
import { newProduct, signUpShopper, type Shopper } from '../support/shop';
import { sleep, waitForValue } from '../support/wait';
import { startWebhookReceiver } from '../support/webhook-receiver';
import { mapWithLimit } from '../../lambdas/runtime/concurrency';
import type { EtaSweepOptions } from '../../lambdas/use-cases/eta-updates';

let platform: TestPlatform;
let dynamo: DynamoDBDocumentClient;
let sweepEtaChanges: (nowMs: number, options?: EtaSweepOptions) => Promise<{ due: number; queued: number }>;

const WINDOW_MS = 600_000;

beforeAll(async () => {
  // The scheduler does not tick on its own here: each test sweeps at the time it chooses.
  platform = await startTestPlatform({ schedulerTickSeconds: 3600 });
  dynamo = DynamoDBDocumentClient.from(emulatorClients(emulatorEndpoints()).dynamo);
  const settings = await platform.admin('GET', '/api/admin/settings');
  expect(settings.body.etaSlip).toEqual({ askAfterDays: 14 });
  expect(
    (await platform.admin('PUT', '/api/admin/settings', { ...settings.body, doubleOptIn: false })).status,
  ).toBe(200);
  ({ sweepEtaChanges } = await import('../../lambdas/use-cases/eta-updates'));
});
afterAll(async () => {
  await platform?.stop();
  dynamo?.destroy();
});
beforeEach(async () => {
  // Each test sweeps from its own start, as a sweeper that never ran.
  await dynamo.send(
    new DeleteCommand({ TableName: platform.tableNames.settings, Key: { name: 'eta-sweeper' } }),
  );
});

const row = async (table: 'backorders' | 'products', key: Record<string, string>) =>
  (
    await dynamo.send(
      new GetCommand({ TableName: platform.tableNames[table], Key: key, ConsistentRead: true }),
    )
  ).Item!;

const product = (label: string, date: string | null) =>
  newProduct(platform, `ETA-${label}`, { name: `Eta ${label} <tee>`, expectedRestockDate: date });

const setDate = async (sku: string, date: string | null) => {
  const saved = await platform.admin('PUT', `/api/admin/products/${sku}`, {
    name: `Eta ${sku} <tee>`,
    expectedRestockDate: date,
  });
  expect(saved.status).toBe(200);
};

const signUp = async (sku: string, label: string): Promise<Shopper> => {
  const shopper = await signUpShopper(platform, { sku, label, name: label });
  await waitForEmails(platform.sesUrl, shopper.email, 1);
  return shopper;
};

const updatesIn = (emails: StoredEmail[]) => emails.filter((email) => /expected/i.test(email.subject));

/** Every update email the emulator holds for addresses starting with `prefix`. */
const updatesToPrefix = async (prefix: string): Promise<StoredEmail[]> => {
  const response = await fetch(`${platform.sesUrl}/store?since=${Math.floor(Date.now() / 1000) - 900}`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  return updatesIn(emails.filter((email) => email.destination.to.some((to) => to.includes(prefix))));
};

const updatesTo = async (shopper: Shopper, count: number, timeoutMs = 20_000) =>
  updatesIn(await waitForEmailsMatching(shopper.email, count, timeoutMs));

const waitForEmailsMatching = async (address: string, updates: number, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const emails = await waitForEmails(platform.sesUrl, address, 1, 1000);
    if (updatesIn(emails).length >= updates || Date.now() > deadline) return emails;
    await sleep(200);
  }
};

/** Sweeps at `offsetMs` after now (the window ends 600 s after the first change), then lets the sender act. */
const sweepAfter = async (offsetMs: number, options?: EtaSweepOptions) => {
  const report = await sweepEtaChanges(Date.now() + offsetMs, options);
  await sleep(report.queued > 0 ? 2000 : 300);
  return report;
};

const statsOf = async (sku: string) => {
  const stats = await platform.admin('GET', '/api/admin/stats?days=7');
  return stats.body.products.find((p: { sku: string }) => p.sku === sku);
};

const statusOf = (shopper: Shopper) =>
  platform.request('GET', `/api/backorders/${shopper.id}?token=${shopper.token}`);

test('three edits within the window make one email each, with the last date; nothing before the window ends', async () => {
  const sku = await product('debounce', '2027-03-01');
  const [ann, bob] = [await signUp(sku, 'ann'), await signUp(sku, 'bob')];
  await setDate(sku, '2027-03-05');
  await setDate(sku, '2027-03-08');
  await setDate(sku, '2027-03-10');
  const editor = await platform.admin('GET', `/api/admin/products/${sku}`);
  expect(editor.body).toMatchObject({ waiting: 2, expectedRestockDate: '2027-03-10' });
  expect(Date.parse(editor.body.etaUpdateDueAt)).toBeGreaterThan(Date.now() + WINDOW_MS - 60_000);

  expect((await sweepAfter(WINDOW_MS - 60_000)).queued).toBe(0);
  expect(updatesIn(await waitForEmails(platform.sesUrl, ann.email, 1, 500))).toHaveLength(0);

  expect((await sweepAfter(WINDOW_MS + 5_000)).queued).toBe(2);
  for (const shopper of [ann, bob]) {
    const updates = await updatesTo(shopper, 1);
    expect(updates).toHaveLength(1);
    expect(updates[0].body.text).toContain('March 10, 2027');
    expect(updates[0].body.text).toContain('March 1, 2027');
    expect(updates[0].body.text).not.toContain('March 5, 2027');
    // Ten days later than signed up under: informed, not asked.
    expect(updates[0].body.text).not.toContain('Keep my place');
  }
  // Swept again: nothing more.
  expect((await sweepAfter(WINDOW_MS + 60_000)).queued).toBe(0);
  expect(await updatesTo(ann, 2, 1500)).toHaveLength(1);

  const view = await statusOf(ann);
  expect(view.body).toMatchObject({ expectedRestockDate: '2027-03-10', etaChoice: null });
  expect(view.body.etaHistory.map((e: { date: string }) => e.date)).toEqual(['2027-03-01', '2027-03-10']);
  const saved = await platform.admin('GET', `/api/admin/products/${sku}`);
  expect(saved.body.etaUpdateDueAt).toBeUndefined();
  expect(saved.body.etaHistory).toHaveLength(1);
  expect((await statsOf(sku)).etaChanges).toBe(1);

  const detail = await platform.admin('GET', `/api/admin/backorders/${ann.id}`);
  const emails = detail.body.timeline.filter((e: { kind?: string }) => e.kind === 'etaUpdate');
  expect(emails).toHaveLength(1);
  expect(emails[0]).toMatchObject({ outcome: 'sent' });
  expect(emails[0].asked).toBeUndefined();
});

test('a date put back where it was within the window sends nothing and counts nothing', async () => {
  const sku = await product('revert', '2027-04-01');
  const cal = await signUp(sku, 'cal');
  await setDate(sku, '2027-05-01');
  await setDate(sku, '2027-04-01');
  expect((await sweepAfter(WINDOW_MS + 5_000)).queued).toBe(0);
  expect(updatesIn(await waitForEmails(platform.sesUrl, cal.email, 1, 1000))).toHaveLength(0);
  expect((await statsOf(sku)).etaChanges).toBe(0);
  const item = await row('products', { sku });
  expect(item.etaWindow).toBeUndefined();
  expect(item.etaDueKey).toBeUndefined();
  // The next change opens a new window from the date announced before.
  await setDate(sku, '2027-04-03');
  expect((await sweepAfter(WINDOW_MS + 5_000)).queued).toBe(1);
  const [update] = await updatesTo(cal, 1);
  expect(update.body.text).toContain('April 3, 2027');
  expect(update.body.text).toContain('April 1, 2027');
});

test('a slip past the threshold asks; keep and cancel are recorded and counted once; nothing is cancelled by itself', async () => {
  const erp = await startWebhookReceiver();
  try {
    const path = '/erp-eta';
    const hook = await platform.admin('PUT', '/api/admin/webhooks/eta-erp', {
      url: erp.respond(path, () => ({ status: 204 })),
      secret: 'eta-erp-secret-0123456789',
      events: ['product.eta_changed'],
    });
    expect(hook.status).toBe(201);
    const { forgetWebhookCache } = await import('../../lambdas/use-cases/backorder-events');
    forgetWebhookCache();

    const sku = await product('slip', '2027-01-10');
    const [dee, eve, fay] = [await signUp(sku, 'dee'), await signUp(sku, 'eve'), await signUp(sku, 'fay')];
    await setDate(sku, '2027-02-15');
    await sweepAfter(WINDOW_MS + 5_000);

    for (const shopper of [dee, eve, fay]) {
      const [update] = await updatesTo(shopper, 1);
      expect(update.body.text).toContain('Keep my place');
      expect(update.body.text).toContain(`/status?id=${shopper.id}&choice=keep#token=`);
      expect(update.body.text).toContain(`/status?id=${shopper.id}&choice=cancel#token=`);
    }
    expect((await statusOf(dee)).body.etaChoice).toMatchObject({ date: '2027-02-15', keptAt: null });

    const kept = await platform.request('POST', `/api/backorders/${dee.id}/keep?token=${dee.token}`);
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ id: dee.id, status: 'waiting' });
    const again = await platform.request('POST', `/api/backorders/${dee.id}/keep?token=${dee.token}`);
    expect(again.body.keptAt).toBe(kept.body.keptAt);
    expect((await statusOf(dee)).body.etaChoice.keptAt).toBe(kept.body.keptAt);
    expect(
      (await platform.request('POST', `/api/backorders/${eve.id}/cancel?token=${eve.token}`)).status,
    ).toBe(200);
    // Fay does nothing: still waiting, still asked.
    expect((await statusOf(fay)).body).toMatchObject({ status: 'waiting', etaChoice: { keptAt: null } });

    const stats = await statsOf(sku);
    expect(stats).toMatchObject({ etaChanges: 1, keptAfterSlip: 1, cancelledAfterSlip: 1 });
    expect(stats.period).toMatchObject({ etaChanges: 1, keptAfterSlip: 1, cancelledAfterSlip: 1 });
    const timeline = (await platform.admin('GET', `/api/admin/backorders/${dee.id}`)).body.timeline;
    expect(timeline.find((e: { kind?: string }) => e.kind === 'etaUpdate')).toMatchObject({ asked: true });
    expect(timeline.filter((e: { type: string }) => e.type === 'eta_kept')).toHaveLength(1);
    // A cancelled backorder has no place to keep.
    expect((await platform.request('POST', `/api/backorders/${eve.id}/keep?token=${eve.token}`)).status).toBe(
      409,
    );
    // A wrong token is not found, like the status page.
    expect((await platform.request('POST', `/api/backorders/${dee.id}/keep?token=nope`)).status).toBe(404);

    // Dee kept her place under Feb 15: a further week is under the threshold from there, so she is only told.
    await setDate(sku, '2027-02-22');
    await sweepAfter(WINDOW_MS + 5_000);
    const updates = await updatesTo(dee, 2);
    expect(updates).toHaveLength(2);
    const latest = updates.find((email) => email.body.text?.includes('February 22, 2027'))!;
    expect(latest.body.text).not.toContain('Keep my place');
    // Fay never answered: still asked, from the date she signed up under.
    const fays = await updatesTo(fay, 2);
    expect(fays.find((email) => email.body.text?.includes('February 22, 2027'))!.body.text).toContain(
      'Keep my place',
    );

    const requests = await erp.waitForRequests(path, 2);
    // In announcement order (a retried delivery could arrive after the next one): by the id's number.
    const events = requests
      .map((request) => JSON.parse(request.rawBody))
      .sort((a, b) => Number(a.id.split(':').at(-1)) - Number(b.id.split(':').at(-1)));
    expect(events.map((e) => e.data)).toEqual([
      { sku, expectedRestockDate: '2027-02-15', previous: '2027-01-10' },
      { sku, expectedRestockDate: '2027-02-22', previous: '2027-02-15' },
    ]);
    expect(events[0]).toMatchObject({ id: `product.eta_changed:${sku}:1`, type: 'product.eta_changed' });
  } finally {
    await platform.admin('DELETE', '/api/admin/webhooks/eta-erp');
    await erp.close();
  }
});

/** `count` shoppers waiting for a new product (addresses `<prefix>-<n>.…`), signed up 8 at a time. */
const crowd = async (label: string, count: number, date: string) => {
  const sku = await product(label, date);
  const prefix = `${label}-${Date.now().toString(36)}`;
  const shoppers = await mapWithLimit(
    Array.from({ length: count }, (_, n) => n),
    8,
    (n) => signUpShopper(platform, { sku, email: uniqueEmail(`${prefix}-${n}`) }),
  );
  return { sku, prefix, shoppers };
};

const waitForUpdates = (prefix: string, count: number) =>
  waitForValue(async () => (await updatesToPrefix(prefix)).length, count, 60_000);

test('600 waiting over three pages: one email each, and a concurrent sweeper queues no second one', async () => {
  const { sku, prefix, shoppers } = await crowd('crowd', 600, '2027-06-01');
  await setDate(sku, '2027-06-04');
  const reports = await Promise.all([
    sweepEtaChanges(Date.now() + WINDOW_MS + 5_000),
    sweepEtaChanges(Date.now() + WINDOW_MS + 5_000),
  ]);
  // One sweeper announced and fanned out; the other found it taken.
  expect(reports.map((r) => r.queued).sort((a, b) => a - b)).toEqual([0, 600]);
  expect(await waitForUpdates(prefix, 600)).toBe(600);
  const recipients = new Set((await updatesToPrefix(prefix)).map((email) => email.destination.to[0]));
  expect(recipients.size).toBe(600);
  expect(shoppers).toHaveLength(600);
  expect((await row('products', { sku })).etaFanout).toBeUndefined();
  expect((await statsOf(sku)).etaChanges).toBe(1);
}, 240_000);

test('a crash in the middle of a fan-out: the next sweep takes over after the lease, and each shopper gets one email', async () => {
  const { sku, prefix } = await crowd('crash', 60, '2027-07-01');
  await setDate(sku, '2027-07-20');
  const { enqueueEmails } = await import('../../lambdas/store/email-queue');
  let pages = 0;
  const dying: EtaSweepOptions['enqueue'] = async (messages) => {
    pages++;
    // The second page's messages are queued, then the sweeper dies before saving its place.
    await enqueueEmails(messages);
    if (pages === 2) throw new Error('the sweeper died');
  };
  await expect(
    sweepEtaChanges(Date.now() + WINDOW_MS + 5_000, { pageSize: 20, enqueue: dying }),
  ).rejects.toThrow('died');
  const left = (await row('products', { sku })).etaFanout;
  expect(left).toMatchObject({ queued: 20 });
  // Within the lease nobody takes it over.
  expect((await sweepEtaChanges(Date.now() + WINDOW_MS + 10_000, { pageSize: 20 })).queued).toBe(0);
  // After it, the next sweep goes on from the saved place (page 2 again, then page 3).
  const report = await sweepEtaChanges(Date.parse(left.leaseUntil) + 1_000, { pageSize: 20 });
  expect(report.queued).toBe(40);
  expect(await waitForUpdates(prefix, 60)).toBe(60);
  await sleep(1500);
  expect(await updatesToPrefix(prefix)).toHaveLength(60);
  expect((await row('products', { sku })).etaFanout).toBeUndefined();
}, 180_000);

test('a change during a fan-out opens the next window, announced after that fan-out with the date before it', async () => {
  const sku = await product('during', '2027-08-01');
  const gus = await signUp(sku, 'gus');
  await setDate(sku, '2027-08-03');
  const { enqueueEmails } = await import('../../lambdas/store/email-queue');
  await sweepEtaChanges(Date.now() + WINDOW_MS + 5_000, {
    enqueue: async (messages) => {
      // A marketer saves again while the first announcement's page is being queued.
      await setDate(sku, '2027-08-05');
      await enqueueEmails(messages);
    },
  });
  const item = await row('products', { sku });
  expect(item.etaFanout).toBeUndefined();
  expect(item.etaWindow).toMatchObject({ version: 2, previous: '2027-08-03' });
  // Due when that window ends (or at once, had it ended during the fan-out).
  expect(Date.parse(item.etaDueKey.split('#')[0])).toBeGreaterThanOrEqual(Date.parse(item.etaWindow.until));
  await sleep(1500);
  await sweepAfter(2 * WINDOW_MS + 5_000);
  const updates = await updatesTo(gus, 2);
  expect(updates).toHaveLength(2);
  expect(
    updates.some((e) => e.body.text?.includes('August 5, 2027') && e.body.text.includes('August 3, 2027')),
  ).toBe(true);
});

test('an expected date on a new product is its first, not a change: no window', async () => {
  const sku = await product('first', '2027-09-01');
  const item = await row('products', { sku });
  expect(item.etaWindow).toBeUndefined();
  expect(item.etaRev).toBe(1);
});
