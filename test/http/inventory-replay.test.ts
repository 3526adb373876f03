/**
 * A captured inventory webhook sent again (docs/security.md): whoever records one signed request (a proxy's log,
 * a leaked capture) must not be able to send it again within its 300 s to hand back stock that has been
 * allocated since. The same signature and body again → 202 and no change, with or without an eventId, however
 * the header is re-spelled; a new request (a fresh signature) is applied as usual.
 */
import { signatureHeader } from '../../lambdas/runtime/signature';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { uniqueEmail, waitForEmails } from '../support/mailbox';
import { newProduct, signUp, sleep } from './helpers';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform?.stop());

const send = (raw: string, header: string) =>
  platform.request('POST', '/api/webhooks/inventory', {
    raw,
    headers: { 'content-type': 'application/json', 'x-signature': header },
  });

const stockOf = async (sku: string): Promise<number> =>
  (await platform.admin('GET', `/api/admin/products/${sku}`)).body.stock;

/** A product with one shopper waiting for two units, and a captured request that frees exactly two. */
const capturedRestock = async (label: string, eventId?: string) => {
  const sku = await newProduct(platform, label);
  const email = uniqueEmail(label);
  expect((await signUp(platform, { sku, email, quantity: 2 })).status).toBe(201);
  const raw = JSON.stringify({ ...(eventId ? { eventId } : {}), sku, available: 2 });
  const header = signatureHeader(platform.webhookSecret, raw);
  const first = await send(raw, header);
  expect(first.status).toBe(202);
  expect(first.body.updated).toEqual([sku]);
  // The two units go to the shopper: free stock back to 0, the alert sent.
  await waitForEmails(platform.sesUrl, email, 2);
  const deadline = Date.now() + 10_000;
  while ((await stockOf(sku)) !== 0 && Date.now() < deadline) await sleep(100);
  expect(await stockOf(sku)).toBe(0);
  return { sku, raw, header };
};

test.each([
  ['without an eventId', undefined],
  ['with an eventId', 'erp-event-1'],
])('the same signed request again (%s) answers 202 and hands back nothing', async (_label, eventId) => {
  const { sku, raw, header } = await capturedRestock(`replay-${eventId ? 'event' : 'plain'}`, eventId);
  const replay = await send(raw, header);
  expect(replay.status).toBe(202);
  expect(replay.body).toMatchObject({ updated: [], duplicates: [sku] });
  await sleep(1000);
  expect(await stockOf(sku)).toBe(0);
});

test('re-spelling the captured header (spaces, order, an extra v1) does not make it a new request', async () => {
  const { sku, raw, header } = await capturedRestock('replay-respelled');
  const [t, v1] = header.split(',');
  for (const respelled of [
    `${v1},${t}`,
    `${t}, ${v1}`,
    ` ${t} ,${v1} `,
    `${t},${v1},v1=${'0'.repeat(64)}`,
    `${t},v1=${'f'.repeat(64)},${v1}`,
    `${t},${v1.toUpperCase().replace('V1=', 'v1=')}`,
  ]) {
    const replay = await send(raw, respelled);
    expect({ header: respelled, status: replay.status, updated: replay.body.updated }).toEqual({
      header: respelled,
      status: 202,
      updated: [],
    });
  }
  await sleep(1000);
  expect(await stockOf(sku)).toBe(0);
});

test('a new request with the same body (a fresh signature, as an ERP resends) is applied', async () => {
  const { sku, raw } = await capturedRestock('replay-fresh');
  await sleep(1100); // a signature's timestamp is in seconds: the next second signs a new request
  const fresh = await send(raw, signatureHeader(platform.webhookSecret, raw));
  expect(fresh.status).toBe(202);
  expect(fresh.body.updated).toEqual([sku]);
  expect(await stockOf(sku)).toBe(2);
});
