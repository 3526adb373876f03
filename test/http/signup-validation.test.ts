/**
 * Bad input to POST /api/backorders (docs/api.md): always a 4xx with the error shape, never a 500 or a stack
 * trace, and never a stored backorder or a sent email.
 *
 * Every bad signup targets the same SKU and carries MARKER in its address, so "nothing was written" is checked
 * after each case (the SKU's list stays empty) and once more at the end (no backorder and no email anywhere
 * mentions MARKER).
 */
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { emailsTo, uniqueEmail, waitForEmails } from '../support/mailbox';
import { adminBackorders, expectError, newProduct, signUp, sleep } from './helpers';

const MARKER = `bad${randomBytes(4).toString('hex')}`;
const LIMIT = 16 * 1024;

let platform: TestPlatform;
let sku: string;
beforeAll(async () => {
  platform = await startTestPlatform();
  sku = await newProduct(platform, 'bad-input', { name: 'Never backordered' });
});
afterAll(async () => platform?.stop());

const address = (label: string) => `${MARKER}.${label}@example.com`;

/** A syntactically valid address of exactly `length` characters (domain labels of at most 63). */
const addressOfLength = (localPart: string, length: number): string => {
  let local = localPart;
  let domain = 'example.com';
  for (;;) {
    const missing = length - (local.length + 1 + domain.length);
    if (missing <= 0) return `${local}@${domain}`;
    if (missing === 1) local += 'a';
    else domain = `${'d'.repeat(Math.min(63, missing - 1))}.${domain}`;
  }
};

interface Attempt {
  json?: unknown;
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

/** Sends a bad signup, expects the refusal, and checks nothing was stored for the SKU or the address. */
const refused = async (attempt: Attempt, status: number, code: string) => {
  const response = await platform.request('POST', '/api/backorders', attempt);
  expectError(response, status, code);
  expect((await adminBackorders(platform, { sku })).body.items).toEqual([]);
  return response;
};

/** A JSON body of exactly `bytes` bytes (padded with JSON whitespace). */
const paddedBody = (body: object, bytes: number): string => {
  const text = JSON.stringify(body);
  return text + ' '.repeat(bytes - Buffer.byteLength(text));
};

describe('the body must be JSON', () => {
  test.each<[string, Attempt]>([
    ['truncated JSON', { raw: `{"sku":"${'X'}","email":`, headers: { 'content-type': 'application/json' } }],
    [
      'JSON followed by garbage',
      { raw: '{"sku":"A"} trailing', headers: { 'content-type': 'application/json' } },
    ],
    ['single quotes', { raw: "{'sku':'A'}", headers: { 'content-type': 'application/json' } }],
    ['an empty body', { raw: '', headers: { 'content-type': 'application/json' } }],
    ['no body at all', {}],
  ])('%s → 400 VALIDATION', async (_label, attempt) => {
    await refused(attempt, 400, 'VALIDATION');
  });

  // Kept apart (own SKU, own address): while this bug stands it stores a backorder, which must not spill over.
  test('invalid UTF-8 → 400 VALIDATION', async () => {
    const own = await newProduct(platform, 'bad-utf8');
    const email = uniqueEmail('bad-utf8');
    const raw = Buffer.concat([
      Buffer.from(`{"sku":"${own}","email":"${email}","name":"`),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('"}'),
    ]);
    const response = await platform.request('POST', '/api/backorders', {
      raw,
      headers: { 'content-type': 'application/json' },
    });
    expectError(response, 400, 'VALIDATION');
    expect((await adminBackorders(platform, { sku: own })).body.items).toEqual([]);
  });

  test.each<[string, string | undefined]>([
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['XML', 'application/xml'],
    ['no Content-Type', undefined],
  ])('a JSON body sent as %s → 415 UNSUPPORTED_MEDIA_TYPE', async (_label, contentType) => {
    const raw = JSON.stringify({ sku, email: address('media') });
    await refused(
      { raw, headers: contentType ? { 'content-type': contentType } : {} },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  test('a body over 16 KiB → 413 PAYLOAD_TOO_LARGE, even when it is otherwise a valid signup', async () => {
    await refused(
      {
        raw: paddedBody({ sku, email: address('big') }, LIMIT + 1),
        headers: { 'content-type': 'application/json' },
      },
      413,
      'PAYLOAD_TOO_LARGE',
    );
    await refused(
      { json: { sku, email: address('huge'), name: 'x'.repeat(1024 * 1024) } },
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  test('the size limit comes before the media type', async () => {
    await refused(
      { raw: 'x'.repeat(LIMIT + 1), headers: { 'content-type': 'text/plain' } },
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });
});

describe('the body must be a signup object', () => {
  test.each<[string, string]>([
    ['null', 'null'],
    ['an array', `[{"sku":"A","email":"${MARKER}@example.com"}]`],
    ['a string', '"hello"'],
    ['a number', '42'],
    ['true', 'true'],
    ['an empty object', '{}'],
  ])('%s → 400 VALIDATION', async (_label, raw) => {
    await refused({ raw, headers: { 'content-type': 'application/json' } }, 400, 'VALIDATION');
  });

  test('a missing email → 400 VALIDATION naming the field', async () => {
    const response = await refused({ json: { sku } }, 400, 'VALIDATION');
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'email' })]),
    );
  });

  test('a missing or malformed SKU → 400 VALIDATION', async () => {
    await refused({ json: { email: address('nosku') } }, 400, 'VALIDATION');
    for (const bad of ['', ' ', 42, null, ['A'], 'has space', '../etc', 'x'.repeat(65)]) {
      await refused({ json: { sku: bad, email: address('badsku') } }, 400, 'VALIDATION');
    }
    expect((await adminBackorders(platform, { email: address('nosku') })).body.items).toEqual([]);
    expect((await adminBackorders(platform, { email: address('badsku') })).body.items).toEqual([]);
  });

  test('unknown fields are refused, naming them', async () => {
    const response = await refused(
      { json: { sku, email: address('unknown'), admin: true } },
      400,
      'VALIDATION',
    );
    expect(JSON.stringify(response.body.error.details)).toContain('admin');
    for (const extra of [
      { status: 'fulfilled' },
      { id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' },
      { position: 1 },
      { Email: 'x' },
    ]) {
      await refused({ json: { sku, email: address('unknown'), ...extra } }, 400, 'VALIDATION');
    }
  });

  test.each(['__proto__', 'constructor', 'prototype'])(
    'a "%s" key is refused like any unknown field',
    async (key) => {
      const raw = `{"sku":"${sku}","email":"${address('proto')}","${key}":{"quantity":500,"isAdmin":true}}`;
      await refused({ raw, headers: { 'content-type': 'application/json' } }, 400, 'VALIDATION');
    },
  );
});

describe('email', () => {
  test.each<[string, unknown]>([
    ['no @', `${MARKER}.example.com`],
    ['nothing before @', `@${MARKER}.example.com`],
    ['nothing after @', `${MARKER}@`],
    ['two @', `${MARKER}@@example.com`],
    ['a space inside', `${MARKER} x@example.com`],
    ['an empty string', ''],
    ['only spaces', '   '],
    ['a number', 42],
    ['null', null],
    ['an array', [address('array')]],
    ['an object', { address: address('object') }],
  ])('%s → 400 VALIDATION', async (_label, email) => {
    await refused({ json: { sku, email } }, 400, 'VALIDATION');
  });

  test('of 255 characters → 400 VALIDATION (254 is accepted, below)', async () => {
    const email = addressOfLength(`${MARKER}.long`, 255);
    expect(email).toHaveLength(255);
    await refused({ json: { sku, email } }, 400, 'VALIDATION');
    await refused({ json: { sku, email: addressOfLength(`${MARKER}.longer`, 5000) } }, 400, 'VALIDATION');
  });

  test.each<[string, string]>([
    ['CR LF and a Bcc header', `${address('crlf')}\r\nBcc: victim@example.com`],
    ['LF inside', `${MARKER}\n.lf@example.com`],
    ['CR inside', `${MARKER}.cr@exam\rple.com`],
    ['a NUL', `${MARKER}.nul\u0000@example.com`],
    ['a tab inside', `${MARKER}.tab\t@example.com`],
    ['DEL', `${MARKER}.del\u007f@example.com`],
  ])('with control characters (%s) → 400 VALIDATION', async (_label, email) => {
    await refused({ json: { sku, email } }, 400, 'VALIDATION');
  });
});

describe('quantity', () => {
  test.each<[string, unknown]>([
    ['0', 0],
    ['-1', -1],
    ['2.5', 2.5],
    ['the string "2"', '2'],
    ['null', null],
    ['true', true],
    ['an array', [2]],
  ])('%s → 400 VALIDATION', async (_label, quantity) => {
    const response = await refused({ json: { sku, email: address('qty'), quantity } }, 400, 'VALIDATION');
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'quantity' })]),
    );
  });

  test('1e9, a whole number above the maximum per customer → 409 QUANTITY_LIMIT', async () => {
    const raw = `{"sku":"${sku}","email":"${address('qty-1e9')}","quantity":1e9}`;
    await refused({ raw, headers: { 'content-type': 'application/json' } }, 409, 'QUANTITY_LIMIT');
  });

  test('1e400 (Infinity once parsed) → 400 VALIDATION', async () => {
    const raw = `{"sku":"${sku}","email":"${address('qty-inf')}","quantity":1e400}`;
    await refused({ raw, headers: { 'content-type': 'application/json' } }, 400, 'VALIDATION');
  });

  test('an integer beyond 2^53 → 400 VALIDATION', async () => {
    const raw = `{"sku":"${sku}","email":"${address('qty-unsafe')}","quantity":9007199254740993}`;
    await refused({ raw, headers: { 'content-type': 'application/json' } }, 400, 'VALIDATION');
  });
});

describe('other fields', () => {
  test.each<[string, Record<string, unknown>]>([
    ['a name over 200 characters', { name: 'n'.repeat(201) }],
    ['a company over 200 characters', { company: 'c'.repeat(201) }],
    ['a name with CR LF', { name: 'Eve\r\nBcc: victim@example.com' }],
    ['a company with a NUL', { company: 'Evil\u0000Corp' }],
    ['a name that is not a string', { name: 42 }],
    ['an unknown segment', { segment: 'b2x' }],
    ['an upper-case segment', { segment: 'B2B' }],
    ['marketingConsent as a string', { marketingConsent: 'yes' }],
    ['a malformed locale', { locale: 'english' }],
  ])('%s → 400 VALIDATION', async (_label, extra) => {
    await refused({ json: { sku, email: address('field'), ...extra } }, 400, 'VALIDATION');
  });
});

describe('limits that are allowed', () => {
  test('a body of exactly 16 KiB, a name of 200 characters, an email of 254, charset and +json media types are accepted', async () => {
    const open = await newProduct(platform, 'good-input');
    const exact = paddedBody({ sku: open, email: uniqueEmail('exact16k'), name: 'n'.repeat(200) }, LIMIT);
    expect(Buffer.byteLength(exact)).toBe(LIMIT);
    const response = await platform.request('POST', '/api/backorders', {
      raw: exact,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(response.status).toBe(201);
    const vendor = await platform.request('POST', '/api/backorders', {
      raw: JSON.stringify({ sku: open, email: uniqueEmail('vendorjson') }),
      headers: { 'content-type': 'application/vnd.shop+json' },
    });
    expect(vendor.status).toBe(201);
    const longest = addressOfLength(`longest.${Date.now().toString(36)}`, 254);
    expect(longest).toHaveLength(254);
    expect((await signUp(platform, { sku: open, email: longest })).status).toBe(201);
  });
});

describe('after all of the above', () => {
  test('no bad signup was stored and none got an email', async () => {
    // A good signup's email shows the email queue has been worked through; then a little longer for stragglers.
    const open = await newProduct(platform, 'sentinel');
    const sentinel = uniqueEmail('sentinel');
    expect((await signUp(platform, { sku: open, email: sentinel })).status).toBe(201);
    expect(await waitForEmails(platform.sesUrl, sentinel)).toHaveLength(1);
    await sleep(1000);
    expect(await emailsTo(platform.sesUrl, MARKER)).toEqual([]);

    expect((await adminBackorders(platform, { sku })).body.items).toEqual([]);
    const everything = await adminBackorders(platform, { limit: 200 });
    expect(everything.status).toBe(200);
    expect(JSON.stringify(everything.body.items)).not.toContain(MARKER);
  });
});
