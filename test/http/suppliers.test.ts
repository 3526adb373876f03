/**
 * Suppliers through the admin API (docs/api.md `PUT /api/admin/suppliers/{id}`, `POST …/batches`,
 * `GET …/batches`): saved only when valid, read and listed without batching's bookkeeping, batches sent on
 * demand and listed newest first, a batch's CSV downloaded; every route behind the admin token.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { expectError } from './helpers';
import { uniqueEmail, waitForEmails } from '../support/mailbox';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform?.stop());

const supplier = (overrides: Record<string, unknown> = {}) => ({
  name: 'Acme Textiles',
  email: 'orders@acme.example',
  batch: { every: 'week', day: 'MON', minUnits: 10 },
  ...overrides,
});

const put = (id: string, body: unknown) => platform.admin('PUT', `/api/admin/suppliers/${id}`, body);

test('every supplier route needs the admin token', async () => {
  for (const [method, path] of [
    ['GET', '/api/admin/suppliers'],
    ['GET', '/api/admin/suppliers/acme'],
    ['PUT', '/api/admin/suppliers/acme'],
    ['POST', '/api/admin/suppliers/acme/batches'],
    ['GET', '/api/admin/suppliers/acme/batches'],
    ['GET', '/api/admin/suppliers/acme/batches/01JD8X4N5Q6R7S8T9V0W1X2Y3Z/csv'],
  ]) {
    const anonymous = await platform.request(method, path, {
      json: method === 'PUT' ? supplier() : undefined,
    });
    expectError(anonymous, 401, 'UNAUTHORIZED');
    const wrong = await platform.request(method, path, {
      headers: { authorization: 'Bearer not-the-token' },
    });
    expectError(wrong, 401, 'UNAUTHORIZED');
  }
  expectError(await platform.admin('GET', '/api/admin/suppliers/acme'), 404, 'NOT_FOUND');
});

test('a supplier is created (201), read, listed and updated (200), without batching bookkeeping', async () => {
  const created = await put('acme', supplier());
  expect(created.status).toBe(201);
  expect(created.body).toEqual({
    id: 'acme',
    name: 'Acme Textiles',
    email: 'orders@acme.example',
    batch: { every: 'week', day: 'MON', hour: 6, minUnits: 10 },
    locale: 'en',
    lastBatchId: null,
    lastBatchAt: null,
    nextBatchAt: expect.stringMatching(/T06:00:00\.000Z$/),
    createdAt: expect.any(String),
    updatedAt: expect.any(String),
  });
  expect(new Date(created.body.nextBatchAt).getUTCDay()).toBe(1);
  expect(Date.parse(created.body.nextBatchAt)).toBeGreaterThan(Date.now());

  const updated = await put('acme', supplier({ name: 'Acme', batch: { every: 'day', hour: 17 } }));
  expect(updated.status).toBe(200);
  expect(updated.body).toMatchObject({ name: 'Acme', batch: { every: 'day', hour: 17, minUnits: 1 } });
  expect(updated.body.createdAt).toBe(created.body.createdAt);
  expect(updated.body.nextBatchAt).toMatch(/T17:00:00\.000Z$/);

  const read = await platform.admin('GET', '/api/admin/suppliers/acme');
  expect(read).toMatchObject({ status: 200, body: updated.body });
  const listed = await platform.admin('GET', '/api/admin/suppliers');
  expect(listed.status).toBe(200);
  expect(listed.body.items).toContainEqual(updated.body);
  for (const answer of [created, updated, read, listed])
    expect(JSON.stringify(answer.body)).not.toMatch(/watermark|pendingBatches|scheduledThrough/);
});

test.each([
  ['no name', { name: undefined }, 'name'],
  ['a name over 200 characters', { name: 'x'.repeat(201) }, 'name'],
  ['an email that is not one', { email: 'orders at acme' }, 'email'],
  ['no batch', { batch: undefined }, 'batch'],
  ['a weekly batch without a day', { batch: { every: 'week' } }, 'batch.day'],
  ['a day that is not one', { batch: { every: 'week', day: 'MONDAY' } }, 'batch.day'],
  ['a daily batch with a day', { batch: { every: 'day', day: 'MON' } }, 'batch.day'],
  ['a monthly batch', { batch: { every: 'month' } }, 'batch.every'],
  ['an hour past 23', { batch: { every: 'day', hour: 24 } }, 'batch.hour'],
  ['a minimum of 0 units', { batch: { every: 'day', minUnits: 0 } }, 'batch.minUnits'],
  ['a minimum that is text', { batch: { every: 'day', minUnits: '5' } }, 'batch.minUnits'],
  ['an unknown field', { phone: '+44 1' }, 'phone'],
  ['a language the platform does not speak', { locale: 'it' }, 'locale'],
])('a supplier with %s is refused with 400 VALIDATION naming the field', async (_label, overrides, path) => {
  const response = await put('refused', supplier(overrides));
  expectError(response, 400, 'VALIDATION');
  expect(response.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  expectError(await platform.admin('GET', '/api/admin/suppliers/refused'), 404, 'NOT_FOUND');
});

test("a supplier's language: its batch emails speak it; left out on a later save, English again", async () => {
  const address = uniqueEmail('lingua');
  expect(
    (await put('lingua', supplier({ email: address, locale: 'de', batch: { every: 'day' } }))).body.locale,
  ).toBe('de');
  const sent = await platform.request('POST', '/api/admin/suppliers/lingua/batches', {
    headers: { authorization: `Bearer ${platform.adminToken}` },
  });
  expect(sent.status).toBe(201);
  const [email] = await waitForEmails(platform.sesUrl, address, 1);
  expect(email.subject).toBe('Keine neuen Vorbestellungen für Acme Textiles');
  expect((await put('lingua', supplier({ email: address, batch: { every: 'day' } }))).body.locale).toBe('en');
});

test('a body that is not JSON or not an object, and an id outside the rule, are refused', async () => {
  expectError(await put('refused', ['Acme']), 400, 'VALIDATION');
  expectError(
    await platform.request('PUT', '/api/admin/suppliers/refused', {
      raw: 'name=Acme',
      headers: { authorization: `Bearer ${platform.adminToken}`, 'content-type': 'text/plain' },
    }),
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  );
  expectError(await put('-acme', supplier()), 400, 'VALIDATION');
  expectError(await put('ac me', supplier()), 400, 'VALIDATION');
  expectError(await platform.admin('GET', '/api/admin/suppliers/-acme'), 404, 'NOT_FOUND');
});

test('batches of an unknown supplier, and unknown batches, are 404', async () => {
  expectError(await platform.admin('POST', '/api/admin/suppliers/nobody/batches'), 404, 'NOT_FOUND');
  expectError(await platform.admin('GET', '/api/admin/suppliers/nobody/batches'), 404, 'NOT_FOUND');
  expectError(
    await platform.admin('GET', '/api/admin/suppliers/nobody/batches/01JD8X4N5Q6R7S8T9V0W1X2Y3Z/csv'),
    404,
    'NOT_FOUND',
  );
  await put('known', supplier());
  for (const batchId of ['01JD8X4N5Q6R7S8T9V0W1X2Y3Z', 'not-a-batch'])
    expectError(
      await platform.admin('GET', `/api/admin/suppliers/known/batches/${batchId}/csv`),
      404,
      'NOT_FOUND',
    );
});

test('"send now" takes an empty body with or without a content type, and batches list newest first', async () => {
  await put('paged', supplier());
  const first = await platform.request('POST', '/api/admin/suppliers/paged/batches', {
    raw: '',
    headers: { authorization: `Bearer ${platform.adminToken}`, 'content-type': 'application/json' },
  });
  expect(first.status).toBe(201);
  // Nothing is waiting for its products: an empty batch, still sent, so the supplier hears there is none.
  expect(first.body).toMatchObject({ lines: [], units: 0, sentTo: 'orders@acme.example', trigger: 'manual' });
  const second = await platform.admin('POST', '/api/admin/suppliers/paged/batches');
  expect(second.status).toBe(201);
  expect(second.body.window.from).toBe(first.body.window.to);

  const page1 = await platform.admin('GET', '/api/admin/suppliers/paged/batches?limit=1');
  expect(page1.status).toBe(200);
  expect(page1.body.items.map((b: { id: string }) => b.id)).toEqual([second.body.id]);
  expect(page1.body.cursor).toEqual(expect.any(String));
  const page2 = await platform.admin(
    'GET',
    `/api/admin/suppliers/paged/batches?limit=1&cursor=${encodeURIComponent(page1.body.cursor)}`,
  );
  expect(page2.body.items.map((b: { id: string }) => b.id)).toEqual([first.body.id]);
  expect((await platform.admin('GET', '/api/admin/suppliers/paged')).body.lastBatchId).toBe(second.body.id);

  const csv = await platform.request('GET', `/api/admin/suppliers/paged/batches/${first.body.id}/csv`, {
    headers: { authorization: `Bearer ${platform.adminToken}` },
  });
  expect(csv.status).toBe(200);
  expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(csv.headers.get('content-disposition')).toMatch(
    /^attachment; filename="backorders-paged-\d{4}-\d{2}-\d{2}\.csv"$/,
  );
  expect(csv.body).toBe('sku,name,units,backorders,oldest\r\n');
});

test('a batches cursor or limit that is not valid is refused', async () => {
  await put('cursor', supplier());
  for (const query of ['cursor=nope', 'limit=0', 'limit=101', 'limit=abc'])
    expectError(
      await platform.admin('GET', `/api/admin/suppliers/cursor/batches?${query}`),
      400,
      'VALIDATION',
    );
  // A cursor from another supplier's listing is not this one's.
  await platform.admin('POST', '/api/admin/suppliers/cursor/batches');
  await platform.admin('POST', '/api/admin/suppliers/cursor/batches');
  const { body } = await platform.admin('GET', '/api/admin/suppliers/cursor/batches?limit=1');
  await put('other', supplier());
  expectError(
    await platform.admin('GET', `/api/admin/suppliers/other/batches?cursor=${body.cursor}`),
    400,
    'VALIDATION',
  );
});
