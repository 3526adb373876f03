/**
 * Hostile input on the store connectors' webhooks (docs/connectors.md): without the store's valid signature
 * every request is a 401 — a well-formed product naming real SKUs included, whatever the headers — and with
 * a correct signature a malformed body (wrong types, prototype-pollution keys, deep nesting, invalid UTF-8)
 * is a 4xx in the contract's shape, never a 500. Either way no product's stock changes and no shopper is
 * allocated. The number of cases tried is printed at the end.
 */
import fc from 'fast-check';
import { storeSignature } from '../../lambdas/domain/store-webhooks';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { emailsTo, uniqueEmail, waitForEmails } from '../support/mailbox';
import {
  contentType,
  expectContractError,
  extraHeaders,
  hostileBody,
  latin1Text,
  send,
  type HostileRequest,
} from '../support/hostile';
import {
  connectStore,
  freeUnitsOf,
  phpJson,
  shopifyProduct,
  wooCommerceProduct,
} from '../support/store-webhooks';
import { newProduct, signUp, sleep } from './helpers';

const RUNS = Number(process.env.HOSTILE_RUNS ?? 40);
const BATCH = 4;
const SECRETS = {
  shopify: 'fuzz-shopify-secret-0123456789abcdef',
  woocommerce: 'fuzz woo secret with spaces 0123',
};
type Store = keyof typeof SECRETS;

let platform: TestPlatform;
let stocked: string;
let waited: string;
const shopper = uniqueEmail('fuzz-store-waiting');
const casesTried = new Map<string, number>();
const count = (label: string) => casesTried.set(label, (casesTried.get(label) ?? 0) + BATCH);

beforeAll(async () => {
  platform = await startTestPlatform();
  for (const store of Object.keys(SECRETS) as Store[]) await connectStore(platform, store, SECRETS[store]);
  stocked = await newProduct(platform, 'fuzz-store-stocked', { stock: 3 });
  waited = await newProduct(platform, 'fuzz-store-waited');
  // A shopper waits: a stock figure that slipped through would allocate to them and email them.
  expect((await signUp(platform, { sku: waited, email: shopper })).status).toBe(201);
  await waitForEmails(platform.sesUrl, shopper, 1);
});
afterAll(async () => {
  const lines = [...casesTried].map(([label, n]) => `  ${label.padEnd(44)} ${n}`);
  console.log(`hostile input on the store webhooks, cases tried:\n${lines.join('\n')}`);
  await platform?.stop();
});

const store = fc.constantFrom<Store>('shopify', 'woocommerce');
const units = fc.integer({ min: 1, max: 500 });

/** What the store would send, naming our products: only the signature is missing or wrong. */
const goodBody = (which: Store): fc.Arbitrary<Buffer> =>
  fc
    .tuple(fc.constantFrom(stocked, waited), units)
    .map(([sku, n]) =>
      Buffer.from(
        which === 'shopify'
          ? JSON.stringify(shopifyProduct([{ sku, quantity: n }], { updatedAt: new Date().toISOString() }))
          : phpJson(wooCommerceProduct(sku, n, { modifiedGmt: new Date().toISOString().slice(0, 19) })),
      ),
    );

/** What a poisoned field holds instead: never what the store sends there. */
const POISONS: Record<string, unknown[]> = {
  quantity: ['5', true, [], {}, 1e10, -1e10, [1], 'NaN'],
  sku: [7, true, [], {}, 'x'.repeat(1001)],
  id: ['5', null, true, [], {}],
};

/** A product of the store's shape with one part poisoned (or its quantity field missing). */
const poisonedBody = (which: Store): fc.Arbitrary<Buffer> =>
  fc
    .tuple(fc.constantFrom(stocked, waited), fc.constantFrom('quantity', 'sku', 'id', 'missing'), fc.nat())
    .map(([sku, where, pick]) => {
      const poison = where === 'missing' ? undefined : POISONS[where][pick % POISONS[where].length];
      const body = which === 'shopify' ? shopifyProduct([{ sku, quantity: 2 }]) : wooCommerceProduct(sku, 2);
      const target =
        which === 'shopify'
          ? (body.variants as Record<string, unknown>[])[0]
          : (body as Record<string, unknown>);
      const field = { quantity: which === 'shopify' ? 'inventory_quantity' : 'stock_quantity', sku: 'sku' };
      if (where === 'id') body.id = poison;
      else if (where === 'missing') {
        if (which === 'shopify') delete body.variants;
        else delete body.stock_quantity;
      } else target[field[where as 'quantity' | 'sku']] = poison;
      return Buffer.from(which === 'shopify' ? JSON.stringify(body) : phpJson(body));
    });

const signatureHeader = (which: Store) =>
  which === 'shopify' ? 'x-shopify-hmac-sha256' : 'x-wc-webhook-signature';

/** Signatures that must not be accepted for `body`. */
const badSignature = (which: Store, body: Buffer): fc.Arbitrary<string | undefined> => {
  const good = storeSignature(SECRETS[which], body);
  return fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(
      '',
      '=',
      'garbage',
      `sha256=${good}`,
      good.slice(0, -2),
      Buffer.from(good).toString('hex'),
    ),
    latin1Text,
    fc.constant(storeSignature(`${SECRETS[which]}x`, body)),
    fc.constant(storeSignature(SECRETS[which === 'shopify' ? 'woocommerce' : 'shopify'], body)),
    fc.constant(storeSignature(SECRETS[which], Buffer.concat([body, Buffer.from(' ')]))),
    fc.nat({ max: 42 }).map((i) => good.slice(0, i) + (good[i] === 'A' ? 'B' : 'A') + good.slice(i + 1)),
  );
};

const request = (which: Store, body: Buffer, headers: Record<string, string>, signature?: string) => ({
  method: 'POST',
  path: `/api/webhooks/${which}`,
  body,
  headers: {
    ...Object.fromEntries(Object.entries(headers).filter(([name]) => !/signature|hmac/i.test(name))),
    'content-type': headers['content-type'] ?? 'application/json',
    ...(signature !== undefined ? { [signatureHeader(which)]: signature } : {}),
  },
});

const unsignedCase: fc.Arbitrary<HostileRequest> = fc
  .tuple(store, extraHeaders, fc.option(contentType, { nil: undefined }))
  .chain(([which, headers, type]) =>
    fc
      .oneof({ arbitrary: goodBody(which), weight: 3 }, { arbitrary: hostileBody, weight: 1 })
      .chain((body) =>
        badSignature(which, body).map((signature) =>
          request(which, body, { ...headers, ...(type ? { 'content-type': type } : {}) }, signature),
        ),
      ),
  );

const signedCase: fc.Arbitrary<HostileRequest> = fc
  .tuple(store, extraHeaders)
  .chain(([which, headers]) =>
    fc
      .oneof({ arbitrary: poisonedBody(which), weight: 3 }, { arbitrary: hostileBody, weight: 2 })
      .map((body) => request(which, body, headers, storeSignature(SECRETS[which], body))),
  );

/** Headers past Node's 16 KiB limit are refused before any code runs (431). */
const headerBytes = (r: HostileRequest) =>
  Object.entries(r.headers).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v) + 4, 0);

describe('the store webhooks under hostile input', () => {
  test('without the store’s valid signature: 401, however good the body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(unsignedCase, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const answers = await Promise.all(batch.map((r) => send(platform, r)));
        count('unsigned or wrongly signed');
        answers.forEach((answer, i) => {
          expectContractError(batch[i], answer);
          const expected = headerBytes(batch[i]) > 15 * 1024 ? [401, 431] : [401];
          expect(expected).toContain(answer.status);
        });
      }),
      { numRuns: RUNS },
    );
  });

  test('signed, but not the store’s product: a 4xx in the contract’s shape, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(signedCase, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const answers = await Promise.all(batch.map((r) => send(platform, r)));
        count('correctly signed, malformed body');
        answers.forEach((answer, i) => {
          // A random JSON value may happen to be a product of no SKU of ours: read, and nothing set.
          if (answer.status === 200) expect(answer.body).toMatchObject({ skus: [] });
          else expectContractError(batch[i], answer);
        });
      }),
      { numRuns: RUNS },
    );
  });

  test('afterwards: no stock changed, nobody allocated, no email', async () => {
    await sleep(1000);
    expect([await freeUnitsOf(platform, stocked), await freeUnitsOf(platform, waited)]).toEqual([3, 0]);
    expect(await emailsTo(platform.sesUrl, shopper)).toHaveLength(1);
  });
});
