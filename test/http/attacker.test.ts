/**
 * The attackers of docs/security.md's threat model, end to end against the local stack: a stranger who knows a shopper's email
 * address, a marketer's console account used to reach inside, and an eavesdropper holding a captured request.
 * Each tries what the trust review found possible; each time nothing of the victim leaks and nothing changes.
 */
import { signatureHeader } from '../../lambdas/runtime/signature';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { emailLinkTokenFor, emailsTo, uniqueEmail, waitForEmails } from '../support/mailbox';
import { rowsOf, snapshotTables } from '../support/hostile';
import { expectError, linkParts, newProduct, signUp, sleep } from './helpers';

let platform: TestPlatform;

/** The victim: a shopper waiting for a lamp, whose name and company a stranger would like to read. */
const victim = {
  email: uniqueEmail('victim'),
  name: 'Valerie Victim',
  company: 'Victim Holdings GmbH',
};
let lampSku: string;
let lampBackorderId: string;
/** Everything a response must never carry when the victim did not ask for it. */
const secrets = () => [victim.name, victim.company, lampBackorderId];

const leaks = (response: { body: unknown }) =>
  secrets().filter((s) => JSON.stringify(response.body).includes(s));

beforeAll(async () => {
  platform = await startTestPlatform();
  lampSku = await newProduct(platform, 'victim-lamp');
  const signup = await signUp(platform, { sku: lampSku, quantity: 3, marketingConsent: true, ...victim });
  expect(signup.status).toBe(201);
  lampBackorderId = signup.body.id;
  await waitForEmails(platform.sesUrl, victim.email);
});
afterAll(async () => platform?.stop());

const victimRow = async () => (await rowsOf(platform, 'backorders')).find((r) => r.id === lampBackorderId);

describe('a stranger who knows the address', () => {
  test("signs it up for another product: the page link reads and cancels that one only, never the victim's data", async () => {
    const before = await victimRow();
    const bait = await newProduct(platform, 'bait');
    const mine = await signUp(platform, { sku: bait, email: victim.email });
    expect(mine.status).toBe(201);
    const { id, token } = linkParts(mine.body.statusUrl);

    const exported = await platform.request('GET', `/api/backorders/${id}/export?token=${token}`);
    expectError(exported, 403, 'FORBIDDEN');
    expect(leaks(exported)).toEqual([]);
    const erased = await platform.request('DELETE', `/api/backorders/${id}?token=${token}`);
    expectError(erased, 403, 'FORBIDDEN');

    const status = await platform.request('GET', `/api/backorders/${id}?token=${token}`);
    expect(status.status).toBe(200);
    expect(status.body.link).toBe('page');
    expect(leaks(status)).toEqual([]);
    // The victim's backorder is as it was, links and all.
    expect(await victimRow()).toEqual(before);
  });

  test("signs up for the victim's own product again: told only that it exists", async () => {
    const before = await victimRow();
    const again = await signUp(platform, {
      sku: lampSku,
      email: ` ${victim.email.toUpperCase()} `,
      quantity: 1,
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: lampBackorderId, sku: lampSku, created: false, statusUrl: null });
    // Not the quantity, status, place, address as first typed, or name.
    expect(JSON.stringify(again.body)).not.toMatch(/quantity|status"|position|Valerie|Victim/);
    expect(await victimRow()).toEqual(before);
    await sleep(1500);
    expect(
      (await emailsTo(platform.sesUrl, victim.email)).filter((m) => /on the list/.test(m.subject)),
    ).toHaveLength(
      2, // the lamp's confirmation and the bait's: none for the repeat
    );
  });

  test('ticks "send me updates" for the victim: no marketing email reaches them until they confirm', async () => {
    const sku = await newProduct(platform, 'optin-bait');
    const campaign = await platform.admin('PUT', '/api/admin/campaigns/attacker-optin', {
      name: 'Offers',
      active: true,
      audience: { skus: [sku] },
      steps: [{ id: 'offer', delay: 'PT0S', subject: 'An offer for you', html: '<p>Buy now</p>' }],
    });
    expect(campaign.status).toBe(201);
    const bait = await signUp(platform, { sku, email: victim.email, marketingConsent: true });
    expect(bait.status).toBe(201);
    // The confirmation asks the mailbox's owner to confirm; nothing else goes out.
    const confirmation = (await waitForEmails(platform.sesUrl, victim.email, 3)).find((m) =>
      m.subject.includes(`Product ${sku}`),
    );
    expect(confirmation?.body.text).toMatch(/\/api\/confirm\?token=/);
    await sleep(3000); // the scheduler ticks every second here
    expect((await emailsTo(platform.sesUrl, victim.email)).map((m) => m.subject)).not.toContain(
      'An offer for you',
    );
    const row = (await rowsOf(platform, 'backorders')).find((r) => r.id === bait.body.id);
    expect(row?.consentedAt).toBeUndefined();
  });

  test("asks for the victim's links: the same answer as for nobody, and the links go to the victim's mailbox", async () => {
    const before = (await emailsTo(platform.sesUrl, victim.email)).length;
    const forVictim = await platform.request('POST', '/api/links', { json: { email: victim.email } });
    const forNobody = await platform.request('POST', '/api/links', {
      json: { email: uniqueEmail('nobody') },
    });
    expect([forVictim.status, forVictim.body]).toEqual([forNobody.status, forNobody.body]);
    expect(forVictim.body).toEqual({ ok: true });
    const mail = await waitForEmails(platform.sesUrl, victim.email, before + 1);
    expect(mail.at(-1)?.destination.to.join()).toContain(victim.email);
  });

  test("the victim's own email link still exports everything: the right is theirs, not gone", async () => {
    const token = await emailLinkTokenFor(platform.sesUrl, victim.email, lampBackorderId);
    const exported = await platform.request(
      'GET',
      `/api/backorders/${lampBackorderId}/export?token=${token}`,
    );
    expect(exported.status).toBe(200);
    expect(exported.body.backorders[0]).toMatchObject({ name: victim.name, company: victim.company });
  });
});

describe("a marketer's console account used to reach inside", () => {
  test('a draft preview reading package.json is refused and shows nothing of the file', async () => {
    for (const tag of [
      "{% include 'package.json' %}",
      "{% render '/etc/passwd' %}",
      "{% layout 'package.json' %}",
    ]) {
      const response = await platform.admin('POST', '/api/admin/templates/preview', {
        subject: 'Hi',
        html: tag,
      });
      expectError(response, 400, 'VALIDATION');
      expect(JSON.stringify(response.body)).not.toMatch(/backorder-platform|devDependencies|root:x:0/);
    }
  });

  test('a campaign step rendering /etc/passwd is a 400, not a 500, and is not saved', async () => {
    const response = await platform.admin('PUT', '/api/admin/campaigns/attacker-passwd', {
      name: 'Passwd',
      active: false,
      steps: [
        { id: 's', delay: 'PT0S', subject: 'Hi', html: '<p>x</p>', text: "{% render '/etc/passwd' %}" },
      ],
    });
    expectError(response, 400, 'VALIDATION');
    expectError(await platform.admin('GET', '/api/admin/campaigns/attacker-passwd'), 404, 'NOT_FOUND');
  });

  test('webhook endpoints inside the network are refused, and nothing is stored', async () => {
    const before = await snapshotTables(platform, ['webhooks']);
    for (const url of [
      'https://169.254.169.254/latest/meta-data/',
      'https://10.0.0.5/hooks',
      'https://[::ffff:169.254.169.254]/',
      'https://0xa9fea9fe/',
      'http://erp.example.com/hooks',
    ]) {
      const response = await platform.admin('PUT', '/api/admin/webhooks/attacker-ssrf', {
        url,
        secret: 'attacker-secret-0123456789',
        events: ['backorder.created'],
      });
      expectError(response, 400, 'VALIDATION');
    }
    expect(await snapshotTables(platform, ['webhooks'])).toEqual(before);
  });
});

describe('an eavesdropper holding a captured request', () => {
  test('replaying a signed stock update cannot hand back units already allocated', async () => {
    const sku = await newProduct(platform, 'eavesdrop');
    const shopper = uniqueEmail('eavesdrop');
    expect((await signUp(platform, { sku, email: shopper, quantity: 2 })).status).toBe(201);
    const raw = JSON.stringify({ sku, available: 2 });
    const captured = signatureHeader(platform.webhookSecret, raw);
    const send = () =>
      platform.request('POST', '/api/webhooks/inventory', {
        raw,
        headers: { 'content-type': 'application/json', 'x-signature': captured },
      });
    expect((await send()).status).toBe(202);
    await waitForEmails(platform.sesUrl, shopper, 2); // confirmation and restock alert: the units are taken
    for (let i = 0; i < 3; i++) expect((await send()).status).toBe(202);
    await sleep(1500);
    expect((await platform.admin('GET', `/api/admin/products/${sku}`)).body.stock).toBe(0);
    expect(await emailsTo(platform.sesUrl, shopper)).toHaveLength(2);
  });

  test('a status link never puts its token where request logs see it', async () => {
    const sku = await newProduct(platform, 'logs');
    const signup = await signUp(platform, { sku, email: uniqueEmail('logs') });
    const url = new URL(signup.body.statusUrl);
    // The token is in the fragment, which browsers never send; the page hands it over in a header.
    expect(url.search).not.toContain('token');
    expect(url.hash).toMatch(/^#token=/);
  });
});
