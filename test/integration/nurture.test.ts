/**
 * Nurture sequences against the real emulators, with the sweeper driven by an injected clock: steps go out
 * once, in order, at their due times; never without consent, after unsubscribing or after cancelling; and
 * concurrent sweepers or redelivered messages never double an email.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { useSingleOptIn } from '../support/settings';
import { linkParts } from '../http/helpers';
import { emailsTo, uniqueEmail, waitForEmails, type StoredEmail } from '../support/mailbox';
import { sleep, waitForValue } from '../support/wait';
import { signUpShopper } from '../support/shop';

let platform: TestPlatform;
let sqs: SQSClient;
let sweepDueSteps: (nowMs: number) => Promise<{ due: number; queued: number }>;
/**
 * The injected clock. Shoppers enrol at real time, so each test starts its clock at real time with a
 * sweeper that never ran (as after a deployment), and moves it only forward.
 */
let clock = Date.now();
const advanceClock = (ms: number) => (clock = Math.max(clock, Date.now()) + ms);
beforeEach(async () => {
  clock = Date.now();
  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    }),
  );
  await dynamo.send(
    new DeleteCommand({ TableName: platform.tableNames.settings, Key: { name: 'nurture-sweeper' } }),
  );
  dynamo.destroy();
});

const HOUR = 3_600_000;

beforeAll(async () => {
  // The scheduler does not tick on its own here: each test sweeps at the time it chooses.
  platform = await startTestPlatform({ schedulerTickSeconds: 3600 });
  // Consent counts as given (a shop's choice); the double opt-in test turns it back on.
  await useSingleOptIn(platform);
  sqs = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  ({ sweepDueSteps } = await import('../../lambdas/use-cases/sweep-nurture'));
});
afterAll(async () => {
  await platform?.stop();
  sqs?.destroy();
});

const product = async (label: string) => {
  const sku = `${label}-${Math.random().toString(36).slice(2, 8)}`.toUpperCase();
  expect(
    (
      await platform.admin('PUT', `/api/admin/products/${sku}`, {
        name: `${label} tee`,
        backorders: { enabled: true },
      })
    ).status,
  ).toBe(201);
  return sku;
};

const campaign = async (id: string, skus: string[], delays: string[], active = true) => {
  const response = await platform.admin('PUT', `/api/admin/campaigns/${id}`, {
    name: `Campaign ${id}`,
    active,
    audience: { skus },
    steps: delays.map((delay, i) => ({
      id: `step-${i + 1}`,
      delay,
      subject: `Step ${i + 1} for {{ product.name }}`,
      html: `<p>Hi {{ shopper.name }}, step ${i + 1}. You are number {{ backorder.position }}.</p><p><a href="{{ unsubscribeUrl }}">Unsubscribe</a></p>`,
    })),
  });
  expect(response.status).toBeLessThan(300);
  return response.body;
};

const signUp = async (sku: string, email: string, marketingConsent = true, name = 'Ann') => {
  const shopper = await signUpShopper(platform, { sku, email, marketingConsent, name });
  await waitForEmails(platform.sesUrl, email, 1); // the confirmation; its delivery enrols the shopper
  await sleep(300);
  return shopper;
};

const subjects = (emails: StoredEmail[]) => emails.map((e) => e.subject);

/**
 * Sweeps at the injected time and lets the queued steps be delivered, including what the sender does after
 * a send (moving the sequence on), before the test looks or sweeps again.
 */
const sweepAt = async (nowMs: number) => {
  const report = await sweepDueSteps(nowMs);
  await sleep(report.queued > 0 ? 2500 : 300);
  return report;
};

test('steps go out once each, in order, when they fall due, and catch up after the scheduler was down', async () => {
  const sku = await product('order');
  await campaign('order', [sku], ['PT0S', 'PT1H', 'P1D']);
  const email = uniqueEmail('order');
  await signUp(sku, email);

  await sweepAt(advanceClock(1000));
  expect(subjects(await emailsTo(platform.sesUrl, email))).toEqual([
    "You're on the list for order tee",
    'Step 1 for order tee',
  ]);
  expect((await emailsTo(platform.sesUrl, email))[1].body.html).toContain('You are number 1.');

  // Half an hour later step 2 is not due yet.
  await sweepAt(advanceClock(HOUR / 2));
  expect(await emailsTo(platform.sesUrl, email)).toHaveLength(2);

  // The scheduler was down for a day: at its next run step 2 goes out, and step 3 (a day after step 2) not yet.
  await sweepAt(advanceClock(HOUR));
  expect(subjects(await emailsTo(platform.sesUrl, email))).toEqual([
    "You're on the list for order tee",
    'Step 1 for order tee',
    'Step 2 for order tee',
  ]);
  await sweepAt(advanceClock(HOUR * 2));
  expect(await emailsTo(platform.sesUrl, email)).toHaveLength(3);

  await sweepAt(advanceClock(HOUR * 26));
  expect(subjects(await emailsTo(platform.sesUrl, email)).slice(3)).toEqual(['Step 3 for order tee']);

  // Nothing is left: later sweeps send nothing more.
  await sweepAt(advanceClock(HOUR * 48));
  expect(await emailsTo(platform.sesUrl, email)).toHaveLength(4);
}, 60_000);

test('each shopper gets a step in their language when the marketer wrote it, else the step itself', async () => {
  const sku = await product('lang');
  const response = await platform.admin('PUT', '/api/admin/campaigns/lang', {
    name: 'Languages',
    active: true,
    audience: { skus: [sku] },
    steps: [
      {
        id: 'hello',
        delay: 'PT0S',
        subject: 'Hello about {{ product.name }}',
        html: '<p>Hi {{ shopper.name }}</p>',
        locales: {
          de: { subject: 'Hallo wegen {{ product.name }}', html: '<p>Hallo {{ shopper.name }}</p>' },
          es: { subject: 'Hola por {{ product.name }}', html: '<p>Hola {{ shopper.name }}</p>' },
        },
      },
    ],
  });
  expect(response.status).toBe(201);
  const shoppers = {
    'de-AT': uniqueEmail('lang-de'),
    es: uniqueEmail('lang-es'),
    it: uniqueEmail('lang-it'),
  };
  const confirmations = new Map<string, string>();
  for (const [locale, email] of Object.entries(shoppers)) {
    await signUpShopper(platform, { sku, email, marketingConsent: true, name: 'Ana', locale });
    confirmations.set(email, (await waitForEmails(platform.sesUrl, email, 1))[0].subject);
  }
  await sleep(300);
  await sweepAt(advanceClock(1000));
  const nurtureSubject = async (email: string) =>
    subjects(await waitForEmails(platform.sesUrl, email, 2)).find(
      (subject) => subject !== confirmations.get(email),
    );
  expect(await nurtureSubject(shoppers['de-AT'])).toBe('Hallo wegen lang tee');
  expect(await nurtureSubject(shoppers.es)).toBe('Hola por lang tee');
  // Italian was not written: the step itself.
  expect(await nurtureSubject(shoppers.it)).toBe('Hello about lang tee');
}, 60_000);

test('two sweepers at once and redelivered messages still send each step once', async () => {
  const sku = await product('race');
  await campaign('race', [sku], ['PT0S']);
  const shoppers = Array.from({ length: 6 }, (_, i) => uniqueEmail(`race${i}`));
  for (const email of shoppers) await signUp(sku, email);

  const at = advanceClock(1000);
  const [a, b] = await Promise.all([sweepDueSteps(at), sweepDueSteps(at)]);
  expect(a.queued + b.queued).toBe(shoppers.length);

  for (const email of shoppers)
    expect(subjects(await waitForEmails(platform.sesUrl, email, 2, 20_000))).toContain('Step 1 for race tee');
  // Every step message delivered again, three times over.
  const backorders = (await platform.admin('GET', `/api/admin/backorders?sku=${sku}`)).body.items as {
    id: string;
  }[];
  for (const backorder of backorders) {
    for (let i = 0; i < 3; i++) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: platform.queueUrls.nurture,
          MessageBody: JSON.stringify({
            kind: 'nurture',
            backorderId: backorder.id,
            campaignId: 'race',
            stepId: 'step-1',
            stepIndex: 0,
          }),
        }),
      );
    }
  }
  await sleep(3000);
  for (const email of shoppers) expect(await emailsTo(platform.sesUrl, email)).toHaveLength(2);
}, 60_000);

test('shoppers without marketing consent get only their confirmation', async () => {
  const sku = await product('noconsent');
  await campaign('noconsent', [sku], ['PT0S']);
  const email = uniqueEmail('noconsent');
  await signUp(sku, email, false);
  await sweepAt(advanceClock(HOUR));
  expect(subjects(await emailsTo(platform.sesUrl, email))).toEqual(["You're on the list for noconsent tee"]);
});

test('a shopper who cancels gets no further nurture email', async () => {
  const sku = await product('cancel');
  await campaign('cancel', [sku], ['PT0S', 'PT1H']);
  const email = uniqueEmail('cancel');
  const { statusUrl } = await signUp(sku, email);
  await sweepAt(advanceClock(1000));
  expect(await emailsTo(platform.sesUrl, email)).toHaveLength(2);

  const { id, token } = linkParts(statusUrl);
  expect(
    (await platform.request('POST', `/api/backorders/${id}/cancel?token=${encodeURIComponent(token)}`))
      .status,
  ).toBe(200);
  await sweepAt(advanceClock(HOUR * 3));
  expect(await emailsTo(platform.sesUrl, email)).toHaveLength(2);
});

test('after unsubscribing (one-click), an address gets no marketing email for any product, only transactional', async () => {
  const [tees, mugs] = [await product('unsub'), await product('unsub2')];
  await campaign('unsub', [tees, mugs], ['PT0S', 'PT1H']);
  const email = uniqueEmail('unsub');
  await signUp(tees, email);
  await sweepAt(advanceClock(1000));
  const [, step1] = await emailsTo(platform.sesUrl, email);
  expect(step1.subject).toBe('Step 1 for unsub tee');
  const unsubscribeLink = /href="([^"]*\/unsubscribe\?token=[^"]+)"/.exec(step1.body.html ?? '')![1];
  const token = new URL(unsubscribeLink.replace(/&amp;/g, '&')).searchParams.get('token');

  const oneClick = await platform.request('POST', `/api/unsubscribe?token=${encodeURIComponent(token!)}`, {
    raw: 'List-Unsubscribe=One-Click',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(oneClick.status).toBe(200);

  // A second product's backorder: its confirmation still arrives, its nurture does not.
  await signUp(mugs, email);
  await sweepAt(advanceClock(HOUR * 3));
  expect(subjects(await emailsTo(platform.sesUrl, email))).toEqual([
    "You're on the list for unsub tee",
    'Step 1 for unsub tee',
    "You're on the list for unsub2 tee",
  ]);
  expect((await platform.request('POST', '/api/unsubscribe?token=not-a-token')).status).toBe(404);
});

test('with double opt-in, nurture starts only once the shopper confirms', async () => {
  const settings = (await platform.admin('GET', '/api/admin/settings')).body;
  await platform.admin('PUT', '/api/admin/settings', { ...settings, doubleOptIn: true });
  try {
    const sku = await product('optin');
    await campaign('optin', [sku], ['PT0S']);
    const email = uniqueEmail('optin');
    await signUp(sku, email);
    await sweepAt(advanceClock(1000));
    const [confirmation] = await emailsTo(platform.sesUrl, email);
    expect(await emailsTo(platform.sesUrl, email)).toHaveLength(1);
    const confirmLink = /href="([^"]*\/api\/confirm\?token=[^"]+)"/.exec(confirmation.body.html ?? '')![1];

    const confirm = await fetch(
      confirmLink.replace(/&amp;/g, '&').replace(/^https?:\/\/[^/]+/, platform.baseUrl),
      {
        redirect: 'manual',
      },
    );
    // The link opens in a browser: it confirms, then lands on the confirmation page.
    expect(confirm.status).toBe(303);
    // The page it lands on speaks the shopper's language.
    expect(confirm.headers.get('location')).toBe('/confirm?result=confirmed&lang=en');
    await sweepAt(advanceClock(1000));
    expect(subjects(await emailsTo(platform.sesUrl, email))).toContain('Step 1 for optin tee');
  } finally {
    await platform.admin('PUT', '/api/admin/settings', { ...settings, doubleOptIn: false });
  }
});

test('a campaign activated later enrols shoppers already waiting, from its first step', async () => {
  const sku = await product('later');
  const email = uniqueEmail('later');
  await signUp(sku, email);
  await campaign('later', [sku], ['PT0S'], false);
  await sweepAt(advanceClock(1000));
  expect(await emailsTo(platform.sesUrl, email)).toHaveLength(1);

  await campaign('later', [sku], ['PT0S'], true);
  await sleep(1500); // the enrolment job runs on its queue
  await sweepAt(advanceClock(1000));
  expect(subjects(await emailsTo(platform.sesUrl, email))).toEqual([
    "You're on the list for later tee",
    'Step 1 for later tee',
  ]);
});

test("a campaign's enrolment job leaves a shopper who signed up after the save to their confirmation", async () => {
  const { runEnrolmentJob } = await import('../../lambdas/use-cases/enrol-audience');
  const { getBackorder } = await import('../../lambdas/store/backorder-store');
  const sku = await product('after');
  const before = await signUp(sku, uniqueEmail('before'));
  const saved = await campaign('after', [sku], ['PT0S'], true);
  const after = await signUpShopper(platform, { sku, email: uniqueEmail('after'), marketingConsent: true });
  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    }),
  );
  const enrolled = async (backorderId: string) =>
    (
      await dynamo.send(
        new GetCommand({
          TableName: platform.tableNames.enrolments,
          Key: { backorderId, campaignId: 'after' },
          ConsistentRead: true,
        }),
      )
    ).Item !== undefined;
  try {
    // Its confirmation enrols the later shopper as it goes out; until then (here: its enrolment taken back)
    // the job run again over the whole audience leaves it alone, and enrols the one from before the save.
    await waitForEmails(platform.sesUrl, after.email, 1);
    // The job the save queued has enrolled the shopper from before; then both enrolments are taken back.
    expect(await waitForValue(() => enrolled(before.id), true)).toBe(true);
    expect(await waitForValue(() => enrolled(after.id), true)).toBe(true);
    await dynamo.send(
      new DeleteCommand({
        TableName: platform.tableNames.enrolments,
        Key: { backorderId: after.id, campaignId: 'after' },
      }),
    );
    await dynamo.send(
      new DeleteCommand({
        TableName: platform.tableNames.enrolments,
        Key: { backorderId: before.id, campaignId: 'after' },
      }),
    );
    expect(((await getBackorder(after.id))?.createdAt ?? '') > saved.updatedAt).toBe(true);

    const report = await runEnrolmentJob({ campaignId: 'after', version: saved.version, skuIndex: 0 });
    expect(report).toEqual({ enrolled: 1, done: true });
    expect([await enrolled(before.id), await enrolled(after.id)]).toEqual([true, false]);
  } finally {
    dynamo.destroy();
  }
});

test('every marketing email carries List-Unsubscribe then One-Click, a visible unsubscribe link, the postal address and the status link', async () => {
  const { ses } = await import('../../lambdas/runtime/ses');
  const raws: string[] = [];
  ses.middlewareStack.add(
    (next) => async (args) => {
      const input = (args.input as { RawMessage?: { Data?: Uint8Array } }).RawMessage;
      if (input?.Data) raws.push(Buffer.from(input.Data).toString('utf8'));
      return next(args);
    },
    { step: 'initialize', name: 'captureRawMime' },
  );
  try {
    const sku = await product('headers');
    await campaign('headers', [sku], ['PT0S']);
    const email = uniqueEmail('headers');
    await signUp(sku, email);
    await sweepAt(advanceClock(1000));
    const marketing = raws.find(
      (raw) => raw.includes('Subject: Step 1 for headers tee') && raw.includes(email),
    );
    expect(marketing).toBeDefined();
    // Long header values may be folded onto continuation lines (RFC 5322): unfold before reading them.
    const headers = marketing!.split('\r\n\r\n')[0].replace(/\r\n[ \t]+/g, ' ');
    const unsubscribe = /^List-Unsubscribe: +<([^>]+)>\r?$/m.exec(headers);
    expect(unsubscribe?.[1]).toMatch(/\/api\/unsubscribe\?token=[A-Za-z0-9_-]{43}$/);
    expect(headers.indexOf('List-Unsubscribe-Post: List-Unsubscribe=One-Click')).toBeGreaterThan(
      headers.indexOf('List-Unsubscribe:'),
    );

    const [, stored] = await emailsTo(platform.sesUrl, email);
    const settings = (await platform.admin('GET', '/api/admin/settings')).body;
    expect(stored.body.html).toContain(settings.sender.postalAddress);
    expect(stored.body.html).toMatch(/href="[^"]*\/unsubscribe\?token=/);
    const statusLink = /href="([^"]*\/status\?id=[^"]+)"/
      .exec(stored.body.html ?? '')![1]
      .replace(/&amp;/g, '&');
    // The status link in a marketing email is a working link of its own: an email link.
    const { id, token } = linkParts(statusLink);
    const status = await platform.request('GET', `/api/backorders/${id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(status.status).toBe(200);
    expect(status.body.link).toBe('email');

    // The header's one-click endpoint works with its own token.
    const oneClick = await fetch(unsubscribe![1].replace(/^https?:\/\/[^/]+/, platform.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
  } finally {
    ses.middlewareStack.remove('captureRawMime');
  }
});

test("a step's clicks: the status page opened from its email counts once per shopper, a made-up step never", async () => {
  const sku = await product('clicks');
  await campaign('clicks', [sku], ['PT0S', 'P1D']);
  const email = uniqueEmail('clicks');
  await signUp(sku, email);
  await sweepAt(advanceClock(1000));
  const [, step] = await waitForEmails(platform.sesUrl, email, 2);
  const statusLink = /href="([^"]*\/status\?id=[^"]+)"/.exec(step.body.html ?? '')![1].replace(/&amp;/g, '&');
  const via = new URL(statusLink).searchParams.get('via');
  expect(via).toBe('clicks~step-1');
  const { id, token } = linkParts(statusLink);
  const open = (through: string) =>
    platform.request('GET', `/api/backorders/${id}?via=${encodeURIComponent(through)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
  for (const through of [via!, via!, 'clicks~step-2', 'other~step-1', 'not a step'])
    expect((await open(through)).status).toBe(200);
  const stats = await platform.admin('GET', '/api/admin/stats');
  const clicks = (stepId: string) =>
    stats.body.steps.find(
      (s: { campaignId: string; stepId: string }) => s.campaignId === 'clicks' && s.stepId === stepId,
    ).clicks;
  // Step 2 was never sent to this shopper: a link naming it counts nothing.
  expect([clicks('step-1'), clicks('step-2')]).toEqual([1, 0]);
});
