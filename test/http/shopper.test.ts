/**
 * The shopper's side (docs/api.md, docs/signup.md "Who may backorder"): signing up with POST /api/backorders —
 * what the browser gets back, what lands in the inbox, who is turned away — and the private status link,
 * GET /api/backorders/{id}?token=T and POST /api/backorders/{id}/cancel?token=T, where a wrong or missing
 * token must look exactly like an unknown backorder.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { emailsTo, statusLinksIn, uniqueEmail, waitForEmails } from '../support/mailbox';
import {
  adminBackorders,
  cancelByShopper,
  expectError,
  linkParts,
  newProduct,
  signUp,
  sleep,
  statusOf,
  uniqueSku,
} from './helpers';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform?.stop());

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * Inboxes whose count must not grow any more (an email that must not come could arrive late): checked once
 * more by the last test, after everything else ran and a quiet moment, so the file waits only once.
 */
const finalInboxCounts = new Map<string, number>();
const inboxMustStayAt = async (email: string, count: number) => {
  expect(await emailsTo(platform.sesUrl, email)).toHaveLength(count);
  finalInboxCounts.set(email, count);
};

describe('a new signup', () => {
  test('answers 201 with exactly {id,sku,email,quantity,status:"waiting",position,statusUrl,createdAt,created:true}', async () => {
    const sku = await newProduct(platform, 'signup-shape');
    const email = uniqueEmail('shape');
    const before = Date.now();
    const response = await signUp(platform, { sku, email, quantity: 2 });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body).toEqual({
      id: expect.any(String),
      sku,
      email,
      quantity: 2,
      status: 'waiting',
      position: 1,
      statusUrl: expect.any(String),
      createdAt: expect.stringMatching(ISO_TIMESTAMP),
      created: true,
    });
    expect(Date.parse(response.body.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    // The token in the fragment: browsers never send it, so it stays out of request logs.
    expect(response.body.statusUrl).toMatch(
      new RegExp(`^${platform.baseUrl}/status\\?id=${response.body.id}#token=[A-Za-z0-9_-]{20,}$`),
    );
  });

  test('quantity defaults to 1', async () => {
    const sku = await newProduct(platform, 'signup-qty-default');
    const response = await signUp(platform, { sku, email: uniqueEmail('qty-default') });
    expect(response.status).toBe(201);
    expect(response.body.quantity).toBe(1);
  });

  test('accepts every optional field of the contract', async () => {
    const sku = await newProduct(platform, 'signup-full');
    const response = await signUp(platform, {
      sku,
      email: uniqueEmail('full'),
      quantity: 3,
      name: 'Ada Lovelace',
      company: 'Analytical Engines Ltd',
      segment: 'b2b',
      marketingConsent: true,
      locale: 'en',
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ sku, quantity: 3, status: 'waiting', position: 1 });
  });

  test('successive shoppers get positions 1, 2, 3', async () => {
    const sku = await newProduct(platform, 'signup-positions');
    const positions: number[] = [];
    for (const who of ['first', 'second', 'third']) {
      const response = await signUp(platform, { sku, email: uniqueEmail(who) });
      expect(response.status).toBe(201);
      positions.push(response.body.position);
    }
    expect(positions).toEqual([1, 2, 3]);
  });

  test('gets exactly one confirmation email, to the shopper, carrying its own status link (not the page link)', async () => {
    const sku = await newProduct(platform, 'signup-mail', { name: 'Wool scarf' });
    const email = uniqueEmail('confirm');
    const response = await signUp(platform, { sku, email });
    expect(response.status).toBe(201);
    const [mail, ...more] = await waitForEmails(platform.sesUrl, email);
    expect(mail).toBeDefined();
    expect(more).toHaveLength(0);
    expect(mail.destination.to.join()).toContain(email);
    expect(mail.subject).toContain('Wool scarf');
    const [emailLink] = statusLinksIn(mail);
    expect(linkParts(emailLink).id).toBe(response.body.id);
    // Its own token: the page link answered over HTTP never travels by email, and vice versa.
    expect(linkParts(emailLink).token).not.toBe(linkParts(response.body.statusUrl).token);
    expect(mail.body.html).toContain(emailLink);
    expect((await statusOf(platform, emailLink)).body).toMatchObject({ id: response.body.id, link: 'email' });
    await inboxMustStayAt(email, 1);
  });

  test('its statusUrl opens the status of that backorder', async () => {
    const sku = await newProduct(platform, 'signup-link');
    const response = await signUp(platform, { sku, email: uniqueEmail('link') });
    const status = await statusOf(platform, response.body.statusUrl);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ id: response.body.id, status: 'waiting', position: 1 });
    expect(linkParts(response.body.statusUrl).id).toBe(response.body.id);
  });
});

describe("the shopper's language", () => {
  const localeOf = async (json: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const response = await signUp(platform, json, headers);
    expect(response.status).toBe(201);
    return (await statusOf(platform, response.body.statusUrl)).body.locale;
  };

  test('is the locale the signup says, else the best of Accept-Language the platform speaks, else en', async () => {
    const sku = await newProduct(platform, 'signup-language');
    const body = () => ({ sku, email: uniqueEmail('language') });
    expect(await localeOf({ ...body(), locale: 'fr-CA' }, { 'accept-language': 'de' })).toBe('fr-CA');
    expect(await localeOf(body(), { 'accept-language': 'it;q=0.9, es-MX;q=0.8, de;q=0.5' })).toBe('es');
    expect(await localeOf(body(), { 'accept-language': 'ja, zh' })).toBe('en');
    expect(await localeOf(body())).toBe('en');
  });

  test('a locale that is not a language tag is refused', async () => {
    const sku = await newProduct(platform, 'signup-language-bad');
    for (const locale of ['german', 'de_DE', '<b>', 42]) {
      expectError(
        await signUp(platform, { sku, email: uniqueEmail('bad-language'), locale }),
        400,
        'VALIDATION',
      );
    }
  });
});

describe('signing up again', () => {
  test('the same email, differently cased and with spaces, for the same SKU → 200 {id,sku,created:false,statusUrl:null} and no second email', async () => {
    const sku = await newProduct(platform, 'signup-again');
    const email = uniqueEmail('again');
    const first = await signUp(platform, { sku, email, quantity: 2 });
    expect(first.status).toBe(201);
    await waitForEmails(platform.sesUrl, email);

    for (const variant of [
      email.toUpperCase(),
      `  ${email}  `,
      ` ${email.replace(/^./, (c) => c.toUpperCase())}`,
    ]) {
      const again = await signUp(platform, { sku, email: variant, quantity: 5 });
      expect(again.status).toBe(200);
      // Nothing about the existing backorder: not its quantity, status, place, address or link.
      expect(again.body).toEqual({ id: first.body.id, sku, created: false, statusUrl: null });
    }
    await inboxMustStayAt(email, 1);
    expect((await adminBackorders(platform, { email })).body.items).toHaveLength(1);
  });

  test('a repeated signup does not hand out a working status link', async () => {
    const sku = await newProduct(platform, 'signup-again-link');
    const email = uniqueEmail('again-link');
    await signUp(platform, { sku, email });
    const again = await signUp(platform, { sku, email });
    expect(again.status).toBe(200);
    // Whoever types someone else's address must not get their link: no link, or one that does not open it.
    if (again.body.statusUrl) expect((await statusOf(platform, again.body.statusUrl)).status).toBe(404);
  });

  test('the same email for another SKU is a new backorder with its own confirmation', async () => {
    const skuA = await newProduct(platform, 'signup-other-a');
    const skuB = await newProduct(platform, 'signup-other-b');
    const email = uniqueEmail('other-sku');
    const a = await signUp(platform, { sku: skuA, email });
    const b = await signUp(platform, { sku: skuB, email });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
    expect(await waitForEmails(platform.sesUrl, email, 2)).toHaveLength(2);
  });

  test('after cancelling, the shopper may sign up again: 201 with a new id', async () => {
    const sku = await newProduct(platform, 'signup-after-cancel');
    const email = uniqueEmail('after-cancel');
    const first = await signUp(platform, { sku, email });
    expect((await cancelByShopper(platform, first.body.statusUrl)).status).toBe(200);
    const second = await signUp(platform, { sku, email: email.toUpperCase() });
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body).toMatchObject({ status: 'waiting', position: 1 });
    expect(await waitForEmails(platform.sesUrl, email, 2)).toHaveLength(2);
  });

  test('simultaneous duplicate signups settle on one backorder and one email, never a 500', async () => {
    const sku = await newProduct(platform, 'signup-race');
    const email = uniqueEmail('race');
    const responses = await Promise.all(Array.from({ length: 6 }, () => signUp(platform, { sku, email })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    await waitForEmails(platform.sesUrl, email);
    await inboxMustStayAt(email, 1);
  });
});

describe('who may backorder (product policy)', () => {
  test('a B2B-only product refuses a B2C shopper (the default segment) with 409 BACKORDERS_DISABLED', async () => {
    const sku = await newProduct(platform, 'policy-b2b', {
      backorders: { enabled: true, segments: ['b2b'] },
    });
    const email = uniqueEmail('b2c-refused');
    expectError(await signUp(platform, { sku, email }), 409, 'BACKORDERS_DISABLED');
    expectError(await signUp(platform, { sku, email, segment: 'b2c' }), 409, 'BACKORDERS_DISABLED');
    expect((await adminBackorders(platform, { email })).body.items).toEqual([]);
    await inboxMustStayAt(email, 0);
  });

  test('a B2B-only product accepts a B2B shopper', async () => {
    const sku = await newProduct(platform, 'policy-b2b-ok', {
      backorders: { enabled: true, segments: ['b2b'] },
    });
    const response = await signUp(platform, {
      sku,
      email: uniqueEmail('b2b'),
      segment: 'b2b',
      company: 'ACME',
    });
    expect(response.status).toBe(201);
  });

  test('a B2C-only product refuses a B2B shopper', async () => {
    const sku = await newProduct(platform, 'policy-b2c', {
      backorders: { enabled: true, segments: ['b2c'] },
    });
    expectError(
      await signUp(platform, { sku, email: uniqueEmail('b2b'), segment: 'b2b' }),
      409,
      'BACKORDERS_DISABLED',
    );
    expect((await signUp(platform, { sku, email: uniqueEmail('b2c'), segment: 'b2c' })).status).toBe(201);
  });

  test('a product with backorders disabled refuses everyone with 409 BACKORDERS_DISABLED and sends nothing', async () => {
    const sku = await newProduct(platform, 'policy-antique', { backorders: { enabled: false } });
    const email = uniqueEmail('antique');
    expectError(await signUp(platform, { sku, email }), 409, 'BACKORDERS_DISABLED');
    expectError(await signUp(platform, { sku, email, segment: 'b2b' }), 409, 'BACKORDERS_DISABLED');
    expect((await adminBackorders(platform, { sku })).body.items).toEqual([]);
    await inboxMustStayAt(email, 0);
  });

  test('an unknown product is 404 NOT_FOUND', async () => {
    const email = uniqueEmail('unknown-product');
    expectError(await signUp(platform, { sku: uniqueSku('nope'), email }), 404, 'NOT_FOUND');
    expect((await adminBackorders(platform, { email })).body.items).toEqual([]);
    await inboxMustStayAt(email, 0);
  });
});

describe('quantity limit', () => {
  test('default maxPerCustomer is 10: 10 is accepted, 11 is 409 QUANTITY_LIMIT', async () => {
    const sku = await newProduct(platform, 'qty-default');
    expect((await signUp(platform, { sku, email: uniqueEmail('ten'), quantity: 10 })).status).toBe(201);
    const email = uniqueEmail('eleven');
    expectError(await signUp(platform, { sku, email, quantity: 11 }), 409, 'QUANTITY_LIMIT');
    expect((await adminBackorders(platform, { email })).body.items).toEqual([]);
    await inboxMustStayAt(email, 0);
  });

  test("a product's own maxPerCustomer lowers the limit", async () => {
    const sku = await newProduct(platform, 'qty-low', { backorders: { enabled: true, maxPerCustomer: 2 } });
    expect((await signUp(platform, { sku, email: uniqueEmail('two'), quantity: 2 })).status).toBe(201);
    expectError(
      await signUp(platform, { sku, email: uniqueEmail('three'), quantity: 3 }),
      409,
      'QUANTITY_LIMIT',
    );
  });

  test("a product's own maxPerCustomer raises the limit", async () => {
    const sku = await newProduct(platform, 'qty-high', { backorders: { enabled: true, maxPerCustomer: 50 } });
    expect((await signUp(platform, { sku, email: uniqueEmail('fifty'), quantity: 50 })).status).toBe(201);
    expectError(
      await signUp(platform, { sku, email: uniqueEmail('fifty-one'), quantity: 51 }),
      409,
      'QUANTITY_LIMIT',
    );
  });
});

describe('text a shopper types is data, never markup', () => {
  test('HTML in the name is stored verbatim and escaped in the confirmation email', async () => {
    const sku = await newProduct(platform, 'signup-html');
    const email = uniqueEmail('html-name');
    const name = '<script>alert("x")</script> <b>Bob</b> & <img src=x onerror=alert(1)>';
    const response = await signUp(platform, { sku, email, name, company: '<i>Evil & Co</i>' });
    expect(response.status).toBe(201);

    const lookup = await adminBackorders(platform, { email });
    expect(lookup.body.items).toHaveLength(1);
    expect(lookup.body.items[0]).toMatchObject({ name, company: '<i>Evil & Co</i>' });

    const [mail] = await waitForEmails(platform.sesUrl, email);
    expect(mail).toBeDefined();
    const html = mail.body.html ?? '';
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>Bob</b>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;');
  });
});

/** A product and `count` waiting shoppers on it (signed up at once), in queue order: oldest first. */
/** Shoppers signed up one after another: the queue's order is theirs. */
const queueOf = async (label: string, count: number) => {
  const sku = await newProduct(platform, label, { name: `Queue ${label}` });
  const shoppers: { id: string; statusUrl: string; email: string; createdAt: string }[] = [];
  for (let i = 0; i < count; i++) {
    const response = await signUp(platform, { sku, email: uniqueEmail(`${label}-${i}`) });
    expect(response.status).toBe(201);
    shoppers.push(response.body);
  }
  return { sku, shoppers };
};

const positionOf = async (statusUrl: string) => (await statusOf(platform, statusUrl)).body.position;

describe('GET /api/backorders/{id}?token=T', () => {
  test('answers exactly {id,sku,productName,email,quantity,status,kind,position,holdUntil,createdAt,locale,events:[{at,type}],expectedRestockDate,etaHistory,etaChoice,link}', async () => {
    const sku = await newProduct(platform, 'status-shape', {
      name: 'Ceramic mug',
      expectedRestockDate: '2027-02-01',
    });
    const email = uniqueEmail('status-shape');
    const signup = await signUp(platform, { sku, email, quantity: 4, name: 'Grace', marketingConsent: true });
    const response = await statusOf(platform, signup.body.statusUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body).toEqual({
      id: signup.body.id,
      sku,
      productName: 'Ceramic mug',
      email,
      quantity: 4,
      status: 'waiting',
      kind: 'reservation',
      position: 1,
      // Only while units are held for the shopper to order.
      holdUntil: null,
      createdAt: signup.body.createdAt,
      locale: 'en',
      events: [{ at: expect.stringMatching(ISO_TIMESTAMP), type: 'created' }],
      // The dates the shopper has seen: the one they signed up under (docs/updates.md), and no question asked.
      expectedRestockDate: '2027-02-01',
      etaHistory: [{ date: '2027-02-01', at: signup.body.createdAt }],
      etaChoice: null,
      // Opened with the sign-up page's link: the page offers no export or erase with it.
      link: 'page',
    });
  });

  test('a wrong token, a missing or empty token, an unknown id and a malformed id all get the same 404', async () => {
    const sku = await newProduct(platform, 'status-404');
    const signup = await signUp(platform, { sku, email: uniqueEmail('status-404') });
    const other = await signUp(platform, { sku, email: uniqueEmail('status-404-other') });
    const { id, token } = linkParts(signup.body.statusUrl);
    const otherToken = linkParts(other.body.statusUrl).token;
    const unknownId = `${id.slice(0, 20)}${id.slice(20) === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ'}`;

    const probes = [
      `/api/backorders/${id}?token=${encodeURIComponent(otherToken)}`, // another shopper's token
      `/api/backorders/${id}?token=${encodeURIComponent(token.slice(0, -1))}`, // truncated
      `/api/backorders/${id}?token=${encodeURIComponent(token)}x`, // extended
      `/api/backorders/${id}`, // missing
      `/api/backorders/${id}?token=`, // empty
      `/api/backorders/${id}?tok=${encodeURIComponent(token)}`, // misnamed
      `/api/backorders/${id}?token=${'a'.repeat(5000)}`, // absurdly long
      `/api/backorders/${unknownId}?token=${encodeURIComponent(token)}`, // unknown id
      `/api/backorders/${id.toLowerCase()}?token=${encodeURIComponent(token)}`, // malformed ids
      `/api/backorders/not-an-id?token=${encodeURIComponent(token)}`,
      `/api/backorders/${id}%20?token=${encodeURIComponent(token)}`,
      `/api/backorders/${'9'.repeat(26)}?token=${encodeURIComponent(token)}`,
    ];
    const answers = await Promise.all(probes.map((path) => platform.request('GET', path)));
    for (const answer of answers) expectError(answer, 404, 'NOT_FOUND');
    const bodies = new Set(answers.map((answer) => JSON.stringify(answer.body)));
    expect([...bodies]).toHaveLength(1);

    // And the right link still works.
    expect((await statusOf(platform, signup.body.statusUrl)).status).toBe(200);
  });

  test('a shopper never sees secrets or other shoppers in their status', async () => {
    const { shoppers } = await queueOf('status-private', 2);
    const response = await statusOf(platform, shoppers[1].statusUrl);
    const text = JSON.stringify(response.body);
    expect(text).not.toContain(shoppers[0].email);
    expect(text).not.toMatch(/token|hash/i);
    expect(text).not.toContain(linkParts(shoppers[1].statusUrl).token);
  });
});

describe('POST /api/backorders/{id}/cancel?token=T', () => {
  test('answers 200 exactly {id,status:"cancelled"}; the status then shows cancelled with position null', async () => {
    const { shoppers } = await queueOf('cancel-basic', 1);
    const [shopper] = shoppers;
    const response = await cancelByShopper(platform, shopper.statusUrl);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: shopper.id, status: 'cancelled' });

    const status = await statusOf(platform, shopper.statusUrl);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ id: shopper.id, status: 'cancelled', position: null });
    expect(status.body.events.map((e: { type: string }) => e.type)).toEqual(['created', 'cancelled']);
    for (const event of status.body.events) expect(Object.keys(event).sort()).toEqual(['at', 'type']);
  });

  test('repeating it is harmless: 200 again, one cancelled event', async () => {
    const { shoppers } = await queueOf('cancel-twice', 1);
    const [shopper] = shoppers;
    expect((await cancelByShopper(platform, shopper.statusUrl)).status).toBe(200);
    const again = await cancelByShopper(platform, shopper.statusUrl);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: shopper.id, status: 'cancelled' });
    const status = await statusOf(platform, shopper.statusUrl);
    expect(status.body.events.filter((e: { type: string }) => e.type === 'cancelled')).toHaveLength(1);
  });

  test('simultaneous cancels (double click) all answer 200 and cancel once', async () => {
    const { shoppers } = await queueOf('cancel-race', 1);
    const [shopper] = shoppers;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => cancelByShopper(platform, shopper.statusUrl)),
    );
    for (const answer of answers)
      expect({ status: answer.status, body: answer.body }).toEqual({
        status: 200,
        body: { id: shopper.id, status: 'cancelled' },
      });
    const status = await statusOf(platform, shopper.statusUrl);
    expect(status.body.events.filter((e: { type: string }) => e.type === 'cancelled')).toHaveLength(1);
  });

  test('later shoppers move up when someone ahead cancels', async () => {
    const { shoppers } = await queueOf('cancel-moves-up', 4);
    expect(await Promise.all(shoppers.map((s) => positionOf(s.statusUrl)))).toEqual([1, 2, 3, 4]);

    await cancelByShopper(platform, shoppers[1].statusUrl);
    expect(await Promise.all(shoppers.map((s) => positionOf(s.statusUrl)))).toEqual([1, null, 2, 3]);

    await cancelByShopper(platform, shoppers[0].statusUrl);
    expect(await Promise.all(shoppers.map((s) => positionOf(s.statusUrl)))).toEqual([null, null, 1, 2]);
  });

  test('a new shopper after a cancel queues behind those still waiting', async () => {
    const { sku, shoppers } = await queueOf('cancel-then-new', 2);
    await cancelByShopper(platform, shoppers[0].statusUrl);
    const late = await signUp(platform, { sku, email: uniqueEmail('late') });
    expect(late.status).toBe(201);
    expect(late.body.position).toBe(2);
  });

  test('a wrong, missing or foreign token gets 404 and cancels nothing', async () => {
    const { shoppers } = await queueOf('cancel-404', 2);
    const { id, token } = linkParts(shoppers[0].statusUrl);
    const foreign = linkParts(shoppers[1].statusUrl).token;
    const probes = [
      `/api/backorders/${id}/cancel`,
      `/api/backorders/${id}/cancel?token=`,
      `/api/backorders/${id}/cancel?token=${encodeURIComponent(foreign)}`,
      `/api/backorders/${id}/cancel?token=${encodeURIComponent(token)}A`,
      `/api/backorders/not-an-id/cancel?token=${encodeURIComponent(token)}`,
    ];
    const answers = [];
    for (const path of probes) answers.push(await platform.request('POST', path));
    for (const answer of answers) expectError(answer, 404, 'NOT_FOUND');
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect((await statusOf(platform, shoppers[0].statusUrl)).body.status).toBe('waiting');
    expect((await statusOf(platform, shoppers[1].statusUrl)).body.status).toBe('waiting');
  });

  test.each([
    ['no body and no Content-Type', {}],
    [
      'an empty body with Content-Type: application/json',
      { raw: '', headers: { 'content-type': 'application/json' } },
    ],
    ['an empty body with Content-Type: text/plain', { raw: '', headers: { 'content-type': 'text/plain' } }],
    [
      'an empty body with a form Content-Type',
      { raw: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    ],
  ])('accepts %s', async (_label, options) => {
    const { shoppers } = await queueOf('cancel-empty', 1);
    const { id, token } = linkParts(shoppers[0].statusUrl);
    const response = await platform.request(
      'POST',
      `/api/backorders/${id}/cancel?token=${encodeURIComponent(token)}`,
      options,
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id, status: 'cancelled' });
  });
});

describe('afterwards', () => {
  test('no inbox above got a late duplicate or a late email it should not get', async () => {
    await sleep(1500);
    for (const [email, count] of finalInboxCounts) {
      expect({ email, count: (await emailsTo(platform.sesUrl, email)).length }).toEqual({ email, count });
    }
  });
});
