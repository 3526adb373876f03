/**
 * A shopper's links (docs/security.md): the page link a signup answers reads and cancels one backorder; the
 * links the platform emails also export and erase; `POST /api/links` emails the links of an address's active
 * backorders, answering the same 202 whatever the address has, at most three emails an hour; the API takes
 * a link's token in the Authorization header as well as in `?token=`; and every link of a backorder stops
 * working 90 days after it closed.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { hashToken } from '../../lambdas/runtime/tokens';
import { MAX_EMAIL_LINKS } from '../../lambdas/store/email-link-store';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { emailLinkTokenFor, emailsTo, statusLinksIn, uniqueEmail, waitForEmails } from '../support/mailbox';
import { documentClient, settledSnapshot } from '../support/hostile';
import { expectError, linkParts, newProduct, requestFrom, sleep } from './helpers';

let platform: TestPlatform;
beforeAll(async () => {
  // The per-client limit on, low, to see it; each test uses its own client address where it counts.
  platform = await startTestPlatform({ signupRateLimit: 6 });
});
afterAll(async () => platform?.stop());

const askForLinks = (email: string, from = '127.0.0.1') =>
  requestFrom(platform, from, 'POST', '/api/links', { email });

let clients = 0;
/** Each signup from a client address of its own, so the signup limit per client never gets in the way. */
const newShopper = async (label: string, email = uniqueEmail(label)) => {
  const sku = await newProduct(platform, label);
  const client = `127.0.1.${++clients}`;
  const signup = await requestFrom(platform, client, 'POST', '/api/backorders', { sku, email });
  expect(signup.status).toBe(201);
  return { sku, email, id: signup.body.id as string, pageLink: signup.body.statusUrl as string };
};

describe('POST /api/links', () => {
  test('an address with active backorders gets one email with an email link to each; a closed one is left out', async () => {
    const email = uniqueEmail('my-links');
    const tee = await newShopper('links-tee', email);
    const mug = await newShopper('links-mug', email.toUpperCase());
    const gone = await newShopper('links-gone', email);
    const { token } = linkParts(gone.pageLink);
    expect((await platform.request('POST', `/api/backorders/${gone.id}/cancel?token=${token}`)).status).toBe(
      200,
    );
    await waitForEmails(platform.sesUrl, email, 3);

    const answer = await askForLinks(` ${email.toUpperCase()} `, '127.0.0.11');
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ ok: true });
    const [, , , links] = await waitForEmails(platform.sesUrl, email, 4);
    expect(links.subject).toBe('Your backorder links');
    const ids = statusLinksIn(links).map((link) => linkParts(link).id);
    expect(ids.sort()).toEqual([tee.id, mug.id].sort());
    // Each is an email link: it exports (the page links cannot).
    for (const link of statusLinksIn(links)) {
      const { id, token: emailToken } = linkParts(link);
      const exported = await platform.request('GET', `/api/backorders/${id}/export?token=${emailToken}`);
      expect(exported.status).toBe(200);
      expect(exported.body.backorders.map((b: { id: string }) => b.id)).toContain(gone.id);
    }
  });

  test('an unknown address gets the very same answer, and nothing is sent or stored about it', async () => {
    const known = await newShopper('links-known');
    await waitForEmails(platform.sesUrl, known.email);
    const stranger = uniqueEmail('links-stranger');
    const before = await settledSnapshot(platform);
    const [forKnown, forStranger] = [
      await askForLinks(known.email, '127.0.0.12'),
      await askForLinks(stranger, '127.0.0.12'),
    ];
    expect({ status: forStranger.status, body: forStranger.body }).toEqual({
      status: forKnown.status,
      body: forKnown.body,
    });
    const names = (headers: Headers) => {
      const found: string[] = [];
      headers.forEach((_value, name) => found.push(name));
      return found.sort();
    };
    expect(names(forStranger.headers)).toEqual(names(forKnown.headers));
    await waitForEmails(platform.sesUrl, known.email, 2);
    await sleep(1500);
    expect(await emailsTo(platform.sesUrl, stranger)).toEqual([]);
    // Only the known address's links email changed anything; the stranger's address is nowhere in clear.
    const after = JSON.stringify(await settledSnapshot(platform));
    expect(after).not.toContain(stranger);
    expect(JSON.stringify(before)).not.toContain(stranger);
  });

  test('at most three emails per address and hour: the fourth request answers the same and sends nothing', async () => {
    const shopper = await newShopper('links-flood');
    await waitForEmails(platform.sesUrl, shopper.email);
    for (let i = 0; i < 5; i++) {
      const answer = await askForLinks(shopper.email, `127.0.0.${20 + i}`);
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 202, body: { ok: true } });
    }
    await waitForEmails(platform.sesUrl, shopper.email, 4);
    await sleep(2000);
    expect(await emailsTo(platform.sesUrl, shopper.email)).toHaveLength(1 + 3);
  });

  test('one client asking for many addresses is limited (429), whatever the addresses', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await askForLinks(uniqueEmail(`links-ip-${i}`), '127.0.0.40')).status);
    expect(statuses.slice(0, 6)).toEqual([202, 202, 202, 202, 202, 202]);
    expect(statuses.slice(6)).toEqual([429, 429]);
  });

  test.each([
    ['no body', undefined],
    ['no email', {}],
    ['an invalid address', { email: 'not-an-address' }],
    ['an unknown field', { email: 'a@example.com', sku: 'X' }],
    ['a list', { email: ['a@example.com'] }],
  ])('%s → 400 VALIDATION', async (_label, body) => {
    expectError(await requestFrom(platform, '127.0.0.50', 'POST', '/api/links', body), 400, 'VALIDATION');
  });
});

describe('a bounded number of email links', () => {
  test('at 100 email links, a new one takes the place of the oldest: the item never grows past the bound', async () => {
    const shopper = await newShopper('links-bound');
    await waitForEmails(platform.sesUrl, shopper.email);
    const old = Array.from({ length: MAX_EMAIL_LINKS }, (_, i) => hashToken(`old-${i}`));
    await documentClient().send(
      new UpdateCommand({
        TableName: platform.tableNames.backorders,
        Key: { id: shopper.id },
        UpdateExpression: 'SET emailTokenHashes = :old',
        ExpressionAttributeValues: { ':old': old },
      }),
    );
    expect((await askForLinks(shopper.email, '127.0.0.60')).status).toBe(202);
    const [, mail] = await waitForEmails(platform.sesUrl, shopper.email, 2);
    const { token } = linkParts(statusLinksIn(mail)[0]);
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: platform.tableNames.backorders, Key: { id: shopper.id } }),
    );
    expect(Item?.emailTokenHashes).toEqual([...old.slice(1), hashToken(token)]);
    const status = await platform.request('GET', `/api/backorders/${shopper.id}?token=${token}`);
    expect(status.body.link).toBe('email');
  });
});

describe('page links and email links', () => {
  test('the status read says which link opened it', async () => {
    const shopper = await newShopper('which-link');
    const emailToken = await emailLinkTokenFor(platform.sesUrl, shopper.email, shopper.id);
    const page = await platform.request(
      'GET',
      `/api/backorders/${shopper.id}?token=${linkParts(shopper.pageLink).token}`,
    );
    const email = await platform.request('GET', `/api/backorders/${shopper.id}?token=${emailToken}`);
    expect([page.body.link, email.body.link]).toEqual(['page', 'email']);
  });

  test('a link token works from the Authorization header, and the header wins over the query', async () => {
    const shopper = await newShopper('bearer');
    const { token } = linkParts(shopper.pageLink);
    const withHeader = await platform.request('GET', `/api/backorders/${shopper.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(withHeader.status).toBe(200);
    const wrongHeader = await platform.request('GET', `/api/backorders/${shopper.id}?token=${token}`, {
      headers: { authorization: 'Bearer not-the-token' },
    });
    expectError(wrongHeader, 404, 'NOT_FOUND');
    const cancel = await platform.request('POST', `/api/backorders/${shopper.id}/cancel`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(cancel.body).toEqual({ id: shopper.id, status: 'cancelled' });
  });
});

describe('links expire 90 days after the backorder closed', () => {
  /** Moves the backorder's closing event (and its update) back by `days`. */
  const closedDaysAgo = async (id: string, days: number) => {
    const at = new Date(Date.now() - days * 86_400_000).toISOString();
    const { Attributes } = await documentClient().send(
      new UpdateCommand({
        TableName: platform.tableNames.backorders,
        Key: { id },
        UpdateExpression: 'SET updatedAt = :at',
        ExpressionAttributeValues: { ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const events = (Attributes!.events as { at: string; type: string }[]).map((e) =>
      e.type === 'cancelled' ? { ...e, at } : e,
    );
    await documentClient().send(
      new UpdateCommand({
        TableName: platform.tableNames.backorders,
        Key: { id },
        UpdateExpression: 'SET events = :events',
        ExpressionAttributeValues: { ':events': events },
      }),
    );
  };

  test('89 days after a cancel the links still open it; 91 days after, every link answers 404', async () => {
    const shopper = await newShopper('expiry');
    const emailToken = await emailLinkTokenFor(platform.sesUrl, shopper.email, shopper.id);
    const pageToken = linkParts(shopper.pageLink).token;
    expect(
      (await platform.request('POST', `/api/backorders/${shopper.id}/cancel?token=${pageToken}`)).status,
    ).toBe(200);
    await closedDaysAgo(shopper.id, 89);
    expect((await platform.request('GET', `/api/backorders/${shopper.id}?token=${pageToken}`)).status).toBe(
      200,
    );
    expect(
      (await platform.request('GET', `/api/backorders/${shopper.id}/export?token=${emailToken}`)).status,
    ).toBe(200);

    await closedDaysAgo(shopper.id, 91);
    for (const [method, path] of [
      ['GET', `/api/backorders/${shopper.id}?token=${pageToken}`],
      ['GET', `/api/backorders/${shopper.id}?token=${emailToken}`],
      ['POST', `/api/backorders/${shopper.id}/cancel?token=${emailToken}`],
      ['GET', `/api/backorders/${shopper.id}/export?token=${emailToken}`],
      ['DELETE', `/api/backorders/${shopper.id}?token=${emailToken}`],
    ])
      expectError(await platform.request(method, path), 404, 'NOT_FOUND');
  });

  test('a waiting backorder never expires, however old', async () => {
    const shopper = await newShopper('no-expiry');
    await documentClient().send(
      new UpdateCommand({
        TableName: platform.tableNames.backorders,
        Key: { id: shopper.id },
        UpdateExpression: 'SET events = :events',
        ExpressionAttributeValues: {
          ':events': [
            { at: new Date(Date.now() - 400 * 86_400_000).toISOString(), type: 'created', by: 'shopper' },
          ],
        },
      }),
    );
    const { token } = linkParts(shopper.pageLink);
    expect((await platform.request('GET', `/api/backorders/${shopper.id}?token=${token}`)).status).toBe(200);
  });
});
