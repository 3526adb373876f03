/**
 * The shopper's data rights over HTTP (docs/api.md, docs/shopper-data.md): GET /api/backorders/{id}/export?token=T
 * returns everything stored about the shopper as a file, DELETE /api/backorders/{id}?token=T erases it. Both
 * need an email link (one the platform emailed to the shopper): a wrong or missing token looks exactly like
 * an unknown backorder, the sign-up page's link is refused with 403; after an erasure every link of the
 * shopper leads nowhere, and the erasure answers the same when repeated.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { emailedStatusLink, uniqueEmail } from '../support/mailbox';
import { expectError, linkParts, newProduct, signUp, statusOf } from './helpers';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform?.stop());

const UNKNOWN_ID = '01JD8X4N5Q6R7S8T9V0W1X2Y3Z';

const newShopper = async (label: string, extra: Record<string, unknown> = {}) => {
  const sku = await newProduct(platform, label);
  const email = uniqueEmail(label);
  const response = await signUp(platform, { sku, email, name: 'Nell Nobody', ...extra });
  expect(response.status).toBe(201);
  // The link of the confirmation email: an email link.
  const statusUrl = await emailedStatusLink(platform.sesUrl, email);
  const pageLink = response.body.statusUrl as string;
  return { sku, email, ...linkParts(statusUrl), statusUrl, pageLink, pageToken: linkParts(pageLink).token };
};

const exportOf = (id: string, token?: string) =>
  platform.request(
    'GET',
    `/api/backorders/${id}/export${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`,
  );

const erase = (id: string, token?: string) =>
  platform.request(
    'DELETE',
    `/api/backorders/${id}${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`,
  );

describe('GET /api/backorders/{id}/export', () => {
  test('answers 200 with the shopper’s data as a JSON attachment', async () => {
    const shopper = await newShopper('export-shape', { company: 'Nobody & Co', quantity: 2 });
    const response = await exportOf(shopper.id, shopper.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="backorder-data-${shopper.id}.json"`,
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(response.body).sort()).toEqual(
      [
        'backorders',
        'email',
        'emails',
        'exportedAt',
        'marketingEmail',
        'nurtureSequences',
        'webhookDeliveries',
      ].sort(),
    );
    expect(response.body.email).toBe(shopper.email);
    expect(response.body.backorders).toEqual([
      expect.objectContaining({
        id: shopper.id,
        sku: shopper.sku,
        email: shopper.email,
        name: 'Nell Nobody',
        company: 'Nobody & Co',
        quantity: 2,
        status: 'waiting',
        events: [{ at: expect.any(String), type: 'created', by: 'shopper' }],
      }),
    ]);
    expect(response.body.marketingEmail).toEqual({ suppressed: false, reason: null, since: null });
  });

  test('covers every backorder of the address, whatever its case, not only the one of the link', async () => {
    const shopper = await newShopper('export-all');
    const otherSku = await newProduct(platform, 'export-all-2');
    const second = await signUp(platform, { sku: otherSku, email: shopper.email.toUpperCase() });
    expect(second.status).toBe(201);
    const { body } = await exportOf(shopper.id, shopper.token);
    expect(body.backorders.map((b: { id: string }) => b.id)).toEqual([shopper.id, second.body.id]);
  });

  test('holds no token, hash or internal key', async () => {
    const shopper = await newShopper('export-internal');
    const { body } = await exportOf(shopper.id, shopper.token);
    const text = JSON.stringify(body);
    expect(text).not.toContain(shopper.token);
    for (const internal of [
      'statusTokenHashes',
      'queueKey',
      'waitingKey',
      'listPartition',
      'skuShard',
      'emailKey',
      '"key"',
    ])
      expect(text).not.toContain(internal);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
  });

  test.each([
    ['a wrong token', (id: string) => exportOf(id, 'not-the-token')],
    ['no token', (id: string) => exportOf(id)],
    ['an empty token', (id: string) => exportOf(id, '')],
  ])('%s answers 404, like an unknown backorder', async (_what, call) => {
    const shopper = await newShopper('export-404');
    const response = await call(shopper.id);
    expectError(response, 404, 'NOT_FOUND');
    const unknown = await exportOf(UNKNOWN_ID, shopper.token);
    expectError(unknown, 404, 'NOT_FOUND');
    expect(response.body).toEqual(unknown.body);
  });

  test('an id that is not one answers 404', async () => {
    expectError(await exportOf('not-an-id', 'x'), 404, 'NOT_FOUND');
  });

  test("the sign-up page's link (answered over HTTP) answers 403 FORBIDDEN: use the link in your email", async () => {
    const shopper = await newShopper('export-page-link');
    const response = await exportOf(shopper.id, shopper.pageToken);
    expectError(response, 403, 'FORBIDDEN');
    expect(response.body.error.message).toMatch(/link in an email/);
    expect(JSON.stringify(response.body)).not.toContain(shopper.email);
  });

  test('the email link also works from the Authorization header, where the status page sends it', async () => {
    const shopper = await newShopper('export-header');
    const response = await platform.request('GET', `/api/backorders/${shopper.id}/export`, {
      headers: { authorization: `Bearer ${shopper.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.body.email).toBe(shopper.email);
  });
});

describe('DELETE /api/backorders/{id}', () => {
  test('answers 200 with exactly {"id","erased":true}, and the same when repeated', async () => {
    const shopper = await newShopper('erase-shape');
    const first = await erase(shopper.id, shopper.token);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    expect(first.body).toEqual({ id: shopper.id, erased: true });
    const again = await erase(shopper.id, shopper.token);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: shopper.id, erased: true });
  });

  test('afterwards the status, cancel and export of every link of the shopper answer 404', async () => {
    const shopper = await newShopper('erase-links');
    const otherSku = await newProduct(platform, 'erase-links-2');
    const second = await signUp(platform, { sku: otherSku, email: shopper.email });
    expect(second.status).toBe(201);
    expect((await erase(shopper.id, shopper.token)).status).toBe(200);

    for (const link of [shopper.statusUrl, shopper.pageLink, second.body.statusUrl as string]) {
      const { id, token } = linkParts(link);
      expectError(await statusOf(platform, link), 404, 'NOT_FOUND');
      expectError(await exportOf(id, token), 404, 'NOT_FOUND');
      expectError(
        await platform.request('POST', `/api/backorders/${id}/cancel?token=${encodeURIComponent(token)}`),
        404,
        'NOT_FOUND',
      );
    }
  });

  test('keeps the backorders as anonymous records, cancelled, for the counts', async () => {
    const shopper = await newShopper('erase-keeps', { quantity: 3, company: 'Keeps Ltd' });
    expect((await erase(shopper.id, shopper.token)).status).toBe(200);
    const { body } = await platform.admin('GET', `/api/admin/backorders?sku=${shopper.sku}`);
    expect(body.items).toHaveLength(1);
    const [record] = body.items;
    expect(record).toMatchObject({ id: shopper.id, sku: shopper.sku, quantity: 3, status: 'cancelled' });
    expect(record.erasedAt).toEqual(expect.any(String));
    expect(record.email).toBe('');
    expect(record.name).toBeUndefined();
    expect(record.company).toBeUndefined();
    expect(record.events.map((e: { type: string }) => e.type)).toEqual(['created', 'cancelled', 'erased']);
    // Nobody finds it by the address any more.
    const byEmail = await platform.admin(
      'GET',
      `/api/admin/backorders?email=${encodeURIComponent(shopper.email)}`,
    );
    expect(byEmail.body.items).toEqual([]);
  });

  test('a new signup with the same address works afterwards', async () => {
    const shopper = await newShopper('erase-again');
    expect((await erase(shopper.id, shopper.token)).status).toBe(200);
    const again = await signUp(platform, { sku: shopper.sku, email: shopper.email });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(shopper.id);
    expect(again.body.statusUrl).toEqual(expect.any(String));
  });

  test("the sign-up page's link answers 403 FORBIDDEN and erases nothing", async () => {
    const shopper = await newShopper('erase-page-link', { company: 'Still Here Ltd' });
    expectError(await erase(shopper.id, shopper.pageToken), 403, 'FORBIDDEN');
    const status = await statusOf(platform, shopper.statusUrl);
    expect(status.body).toMatchObject({ status: 'waiting', email: shopper.email });
    const { body } = await platform.admin('GET', `/api/admin/backorders/${shopper.id}`);
    expect(body).toMatchObject({ company: 'Still Here Ltd', status: 'waiting' });
    expect(body.erasingAt).toBeUndefined();
  });

  test.each([
    ['a wrong token', (id: string) => erase(id, 'not-the-token')],
    ['no token', (id: string) => erase(id)],
  ])('%s answers 404 and erases nothing', async (_what, call) => {
    const shopper = await newShopper('erase-404');
    expectError(await call(shopper.id), 404, 'NOT_FOUND');
    expectError(await erase(UNKNOWN_ID, shopper.token), 404, 'NOT_FOUND');
    expect((await statusOf(platform, shopper.statusUrl)).status).toBe(200);
  });
});
