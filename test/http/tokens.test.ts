/**
 * The shopper's private links (docs/api.md): a status, confirm or unsubscribe token is stored only as a hash,
 * acts only on the backorder (or shopper) it was issued for, and is no key to anything else — not to another
 * shopper's backorder, not to the same shopper's other backorder, not as a token of another kind.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { waitForEmails, type StoredEmail } from '../support/mailbox';
import { hashToken } from '../../lambdas/runtime/tokens';
import { rowsOf, snapshotTables } from '../support/hostile';
import { expectError, linkParts, newProduct, signUp } from './helpers';

let platform: TestPlatform;
const tag = Date.now().toString(36);
const alice = `alice.${tag}@example.com`;
const bob = `bob.${tag}@example.com`;

interface Link {
  id: string;
  token: string;
}
let aliceTee: Link;
let aliceMug: Link;
let bobTee: Link;
const confirmTokens = new Map<string, string>();
/** The status link token each confirmation email carried (an email link), by backorder id. */
const emailTokens = new Map<string, string>();
/** The page links the signups answered, by backorder id. */
const pageTokens = new Map<string, string>();

const q = (token: string) => `?token=${encodeURIComponent(token)}`;

/** The token of the confirm link in a confirmation email, keyed by the backorder id of its status link. */
const confirmLinks = (emails: StoredEmail[]) => {
  for (const email of emails) {
    const text = email.body.text ?? '';
    const [, status, statusToken] = /\/status\?id=([0-9A-Z]{26})#token=([A-Za-z0-9_%-]+)/.exec(text) ?? [];
    const confirm = /\/api\/confirm\?token=([A-Za-z0-9_%-]+)/.exec(text)?.[1];
    if (status && confirm) confirmTokens.set(status, decodeURIComponent(confirm));
    if (status && statusToken) emailTokens.set(status, decodeURIComponent(statusToken));
  }
};

beforeAll(async () => {
  platform = await startTestPlatform();
  const settings = await platform.admin('PUT', '/api/admin/settings', {
    backorders: { enabled: true, segments: ['b2c', 'b2b'] },
    doubleOptIn: true,
    sender: { from: 'Shop <shop@example.com>', postalAddress: '1 Shop Street' },
  });
  expect(settings.status).toBe(200);
  const tees = await newProduct(platform, 'token-tee');
  const mugs = await newProduct(platform, 'token-mug');
  const campaign = await platform.admin('PUT', `/api/admin/campaigns/tokens-${tag}`, {
    name: 'While you wait',
    active: true,
    audience: { skus: [tees] },
    steps: [
      {
        id: 'hello',
        delay: 'PT0S',
        subject: 'While you wait',
        html: '<p><a href="{{ unsubscribeUrl }}">Unsubscribe</a></p>',
      },
    ],
  });
  expect(campaign.status).toBeLessThan(300);
  const link = async (sku: string, email: string) => {
    const created = await signUp(platform, { sku, email, marketingConsent: true });
    expect(created.status).toBe(201);
    const page = linkParts(created.body.statusUrl);
    pageTokens.set(page.id, page.token);
    return page;
  };
  aliceTee = await link(tees, alice);
  aliceMug = await link(mugs, alice);
  bobTee = await link(tees, bob);
  confirmLinks(await waitForEmails(platform.sesUrl, alice, 2));
  confirmLinks(await waitForEmails(platform.sesUrl, bob, 1));
  expect(confirmTokens.size).toBe(3);
  // From here on each shopper holds the strongest link they have: the one from their confirmation email.
  for (const shopper of [aliceTee, aliceMug, bobTee]) shopper.token = emailTokens.get(shopper.id)!;
});
afterAll(async () => platform?.stop());

const rowOf = async (id: string) => (await rowsOf(platform, 'backorders')).find((row) => row.id === id);

test('tokens are stored only as their SHA-256 hashes, nowhere in clear', async () => {
  const row = await rowOf(aliceTee.id);
  expect(row?.statusTokenHashes).toEqual([hashToken(pageTokens.get(aliceTee.id)!)]);
  expect(row?.emailTokenHashes).toContain(hashToken(aliceTee.token));
  const everything = JSON.stringify(
    await snapshotTables(platform, ['backorders', 'ledger', 'enrolments', 'settings', 'outbox']),
  );
  for (const token of [
    aliceTee.token,
    aliceMug.token,
    bobTee.token,
    ...pageTokens.values(),
    ...confirmTokens.values(),
  ]) {
    expect(token.length).toBeGreaterThanOrEqual(43);
    expect(everything).not.toContain(token);
  }
  expect(everything).toContain(`consent#${hashToken(confirmTokens.get(bobTee.id)!)}`);
});

describe("a status link used on another backorder's id", () => {
  const attempts = (target: Link, token: string): [string, string][] => [
    ['GET', `/api/backorders/${target.id}${q(token)}`],
    ['GET', `/api/backorders/${target.id}/export${q(token)}`],
    ['POST', `/api/backorders/${target.id}/cancel${q(token)}`],
    ['DELETE', `/api/backorders/${target.id}${q(token)}`],
  ];

  test.each([
    ["another shopper's backorder", () => [bobTee, aliceTee.token] as const],
    ["the same shopper's other backorder", () => [aliceMug, aliceTee.token] as const],
    ['a backorder, with a confirm token', () => [aliceTee, confirmTokens.get(aliceTee.id)!] as const],
  ])('%s: 404 on status, export, cancel and erase, and nothing changes', async (_label, pick) => {
    const [target, token] = pick();
    const before = await rowOf(target.id);
    for (const [method, path] of attempts(target, token)) {
      const answer = await platform.request(method, path);
      expectError(answer, 404, 'NOT_FOUND');
      expect(answer.body.error.message).toBe('No backorder matches this link');
    }
    expect(await rowOf(target.id)).toEqual(before);
    // The target's own link still works, and so does the borrowed token on its own backorder.
    expect((await platform.request('GET', `/api/backorders/${target.id}${q(target.token)}`)).status).toBe(
      200,
    );
  });

  test("the token's own backorder answers it (the refusals were about the id, not a broken token)", async () => {
    const own = await platform.request('GET', `/api/backorders/${aliceTee.id}${q(aliceTee.token)}`);
    expect(own).toMatchObject({ status: 200, body: { id: aliceTee.id, status: 'waiting' } });
  });
});

describe('confirm and unsubscribe links act only on their own shopper', () => {
  const exportOf = async (link: Link) => {
    const answer = await platform.request('GET', `/api/backorders/${link.id}/export${q(link.token)}`);
    expect(answer.status).toBe(200);
    return answer.body as {
      backorders: { id: string; consentEffectiveAt: string | null }[];
      marketingEmail: { suppressed: boolean };
    };
  };
  const consentOf = async (link: Link) =>
    (await exportOf(link)).backorders.find((b) => b.id === link.id)?.consentEffectiveAt ?? null;

  test("a confirm link confirms its backorder's consent, and no one else's", async () => {
    // Another backorder's id alongside changes nothing: the token alone says which backorder it is for.
    const answer = await fetch(
      `${platform.baseUrl}/api/confirm${q(confirmTokens.get(aliceTee.id)!)}&id=${bobTee.id}`,
      { redirect: 'manual' },
    );
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/confirm?result=confirmed');
    expect(await consentOf(aliceTee)).not.toBeNull();
    expect(await consentOf(aliceMug)).toBeNull();
    expect(await consentOf(bobTee)).toBeNull();
  });

  test("the confirm page keeps the link's language, only when it is one of ours", async () => {
    const location = async (lang: string) =>
      (
        await fetch(`${platform.baseUrl}/api/confirm${q(bobTee.token)}&lang=${encodeURIComponent(lang)}`, {
          redirect: 'manual',
        })
      ).headers.get('location');
    expect(await location('de')).toBe('/confirm?result=invalid&lang=de');
    for (const lang of ['xx', 'de"><script>', 'https://evil.example', 'DE'])
      expect(await location(lang)).toBe('/confirm?result=invalid');
  });

  test('a status token is not a confirm token', async () => {
    const answer = await fetch(`${platform.baseUrl}/api/confirm${q(bobTee.token)}`, { redirect: 'manual' });
    expect(answer.headers.get('location')).toBe('/confirm?result=invalid');
    expect(await consentOf(bobTee)).toBeNull();
  });

  test('an unsubscribe link unsubscribes its own shopper only, and opens nothing else', async () => {
    // Alice confirmed: the campaign's first step reaches her with her unsubscribe link.
    const received = await waitForEmails(platform.sesUrl, alice, 3, 30_000);
    const nurture = received.find((email) => email.subject === 'While you wait');
    expect(nurture).toBeDefined();
    const href = /href="([^"]*\/unsubscribe\?token=[^"]+)"/.exec(nurture!.body.html ?? '')![1];
    const unsubscribeToken = new URL(href.replace(/&amp;/g, '&')).searchParams.get('token')!;
    expect(JSON.stringify(await snapshotTables(platform, ['ledger', 'backorders']))).not.toContain(
      unsubscribeToken,
    );

    // Not a status token, not a confirm token, and no status token is an unsubscribe token.
    expectError(
      await platform.request('GET', `/api/backorders/${aliceTee.id}${q(unsubscribeToken)}`),
      404,
      'NOT_FOUND',
    );
    const asConfirm = await fetch(`${platform.baseUrl}/api/confirm${q(unsubscribeToken)}`, {
      redirect: 'manual',
    });
    expect(asConfirm.headers.get('location')).toBe('/confirm?result=invalid');
    expectError(await platform.request('POST', `/api/unsubscribe${q(bobTee.token)}`), 404, 'NOT_FOUND');
    expect((await exportOf(bobTee)).marketingEmail.suppressed).toBe(false);

    expect(
      (await platform.request('POST', `/api/unsubscribe${q(unsubscribeToken)}&id=${bobTee.id}`)).status,
    ).toBe(200);
    expect((await exportOf(aliceTee)).marketingEmail.suppressed).toBe(true);
    expect((await exportOf(bobTee)).marketingEmail.suppressed).toBe(false);
  });
});
