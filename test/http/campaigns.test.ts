/**
 * Campaigns through the admin API: saved only when every template is valid Liquid using known variables
 * (errors name the field, line and column), previewed with sample or real data, tested, deleted.
 */
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { uniqueEmail, waitForEmails } from '../support/mailbox';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform?.stop());

const step = (overrides: Record<string, unknown> = {}) => ({
  id: 'welcome',
  delay: 'PT0S',
  subject: 'News about {{ product.name }}',
  html: '<p>Hi {{ shopper.name }}</p>',
  ...overrides,
});

const put = (id: string, body: unknown) => platform.admin('PUT', `/api/admin/campaigns/${id}`, body);

test('a campaign is created (201), read, listed, updated (200) and deleted', async () => {
  const body = { name: 'Welcome', active: false, steps: [step()] };
  const created = await put('welcome', body);
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ id: 'welcome', name: 'Welcome', active: false, version: 1 });
  expect((await put('welcome', { ...body, name: 'Welcome!' })).body).toMatchObject({
    name: 'Welcome!',
    version: 2,
  });
  expect((await platform.admin('GET', '/api/admin/campaigns/welcome')).body.name).toBe('Welcome!');
  expect(
    (await platform.admin('GET', '/api/admin/campaigns')).body.items.map((c: { id: string }) => c.id),
  ).toContain('welcome');
  expect((await platform.admin('DELETE', '/api/admin/campaigns/welcome')).status).toBe(200);
  expect((await platform.admin('GET', '/api/admin/campaigns/welcome')).status).toBe(404);
  expect((await platform.admin('DELETE', '/api/admin/campaigns/welcome')).status).toBe(404);
});

test.each([
  [
    'an unknown variable',
    { html: '<p>Hi</p>\n<p>{{ shopper.nmae }}</p>' },
    'steps.0.html',
    /line 2, col \d+: unknown variable shopper\.nmae/,
  ],
  ['a syntax error', { html: '<p>{% if shopper.name %}Hi</p>' }, 'steps.0.html', /line 1, col \d+: .*if/i],
  [
    'an unknown filter',
    { subject: '{{ product.name | shout }}' },
    'steps.0.subject',
    /line 1, col \d+: undefined filter: shout/,
  ],
  ['a bad text part', { text: '{{ unsubscribe_url }}' }, 'steps.0.text', /unknown variable unsubscribe_url/],
])(
  'a template with %s is refused when saved, with the field, line and column',
  async (_label, overrides, path, message) => {
    const response = await put('broken', { name: 'Broken', active: true, steps: [step(overrides)] });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION');
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(message) })]),
    );
    expect((await platform.admin('GET', '/api/admin/campaigns/broken')).status).toBe(404);
  },
);

test.each([
  ['a delay that is not a duration', { delay: '1 day' }],
  ['a delay in months', { delay: 'P1M' }],
  ['a subject with a line break', { subject: 'Hi\r\nBcc: x@example.com' }],
])('a step with %s is refused', async (_label, overrides) => {
  const response = await put('bad-step', { name: 'Bad', active: false, steps: [step(overrides)] });
  expect(response.status).toBe(400);
  expect(response.body.error.details[0].path).toMatch(/^steps\.0\./);
});

test('duplicate step ids, unknown fields and bad campaign ids are refused', async () => {
  expect((await put('dupes', { name: 'D', active: false, steps: [step(), step()] })).status).toBe(400);
  expect((await put('extra', { name: 'E', active: false, steps: [step()], owner: 'me' })).status).toBe(400);
  expect((await put('Not_OK', { name: 'E', active: false, steps: [step()] })).status).toBe(400);
});

test('a draft previews live, escaping every variable, and reports template errors', async () => {
  const preview = await platform.admin('POST', '/api/admin/templates/preview', {
    subject: 'For {{ shopper.name }}',
    html: '<p>{{ shopper.name }} is number {{ backorder.position }}</p>',
    sample: { shopper: { name: '<b>Bo</b>' } },
  });
  expect(preview.status).toBe(200);
  expect(preview.body.subject).toBe('For <b>Bo</b>');
  expect(preview.body.html).toContain('&lt;b&gt;Bo&lt;/b&gt; is number 7');
  expect(preview.body.text).toContain('<b>Bo</b> is number 7');

  const broken = await platform.admin('POST', '/api/admin/templates/preview', {
    subject: 'x',
    html: '{{ nope }}',
  });
  expect(broken.status).toBe(400);
  expect(broken.body.error.details[0]).toMatchObject({
    path: 'html',
    message: expect.stringContaining('line 1'),
  });
});

test('a saved step previews with real data, and a test email reaches the marketer marked as a test', async () => {
  await platform.admin('PUT', '/api/admin/products/PREVIEW-1', {
    name: 'Preview tee',
    backorders: { enabled: true },
  });
  const signup = await platform.request('POST', '/api/backorders', {
    json: { sku: 'PREVIEW-1', email: uniqueEmail('real'), name: 'Real Person' },
  });
  await put('real', { name: 'Real', active: false, steps: [step()] });

  const real = await platform.admin('POST', '/api/admin/campaigns/real/preview', {
    stepId: 'welcome',
    sample: { backorderId: signup.body.id },
  });
  expect(real.status).toBe(200);
  expect(real.body.subject).toBe('News about Preview tee');
  expect(real.body.html).toContain('Hi Real Person');
  expect((await platform.admin('POST', '/api/admin/campaigns/real/preview', { stepId: 'nope' })).status).toBe(
    400,
  );

  const to = uniqueEmail('marketer');
  const test = await platform.admin('POST', '/api/admin/campaigns/real/test', { stepId: 'welcome', to });
  expect(test.status).toBe(202);
  const [received] = await waitForEmails(platform.sesUrl, to, 1);
  expect(received.subject).toBe('[Test] News about Organic T-shirt, blue, M');
  expect(
    (
      await platform.admin('POST', '/api/admin/campaigns/real/test', {
        stepId: 'welcome',
        to: 'not an email',
      })
    ).status,
  ).toBe(400);
});

test('customer service sees the emails an address was sent', async () => {
  await platform.admin('PUT', '/api/admin/products/EMAILS-1', {
    name: 'Emails tee',
    backorders: { enabled: true },
  });
  const email = uniqueEmail('history');
  await platform.request('POST', '/api/backorders', { json: { sku: 'EMAILS-1', email } });
  await waitForEmails(platform.sesUrl, email, 1);
  const history = await platform.admin(
    'GET',
    `/api/admin/emails?email=${encodeURIComponent(email.toUpperCase())}`,
  );
  expect(history.status).toBe(200);
  expect(history.body.items).toEqual([
    expect.objectContaining({
      kind: 'confirmation',
      state: 'sent',
      subject: "You're on the list for Emails tee",
    }),
  ]);
  expect((await platform.admin('GET', '/api/admin/emails')).status).toBe(400);
});

describe('a step in other languages', () => {
  const german = { subject: 'Neues zu {{ product.name }}', html: '<p>Hallo {{ shopper.name }}</p>' };

  test('is saved, read back, previewed and test-sent in the language asked for', async () => {
    const body = { name: 'Languages', active: false, steps: [step({ locales: { de: german } })] };
    expect((await put('languages', body)).status).toBe(201);
    expect((await platform.admin('GET', '/api/admin/campaigns/languages')).body.steps[0].locales).toEqual({
      de: german,
    });

    const preview = (locale?: string) =>
      platform.admin('POST', '/api/admin/campaigns/languages/preview', {
        stepId: 'welcome',
        sample: { shopper: { name: 'Bo' } },
        ...(locale ? { locale } : {}),
      });
    expect((await preview('de')).body).toMatchObject({ subject: 'Neues zu Organic T-shirt, blue, M' });
    expect((await preview('de')).body.html).toContain('Hallo Bo');
    // A language the step was not written in, or none: the step itself.
    expect((await preview('fr')).body.subject).toBe('News about Organic T-shirt, blue, M');
    expect((await preview()).body.subject).toBe('News about Organic T-shirt, blue, M');
    expect((await preview('it')).status).toBe(400);

    const to = uniqueEmail('marketer-de');
    expect(
      (
        await platform.admin('POST', '/api/admin/campaigns/languages/test', {
          stepId: 'welcome',
          to,
          locale: 'de',
        })
      ).status,
    ).toBe(202);
    const [received] = await waitForEmails(platform.sesUrl, to, 1);
    expect(received.subject).toBe('[Test] Neues zu Organic T-shirt, blue, M');
  });

  test.each([
    ['a language the platform does not speak', { it: german }, /^steps\.0\.locales/],
    ['a version without html', { de: { subject: 'Hallo' } }, /^steps\.0\.locales\.de\.html$/],
    ['a version with an unknown field', { de: { ...german, delay: 'PT0S' } }, /^steps\.0\.locales\.de/],
    [
      'an unknown variable in a version',
      { de: { ...german, html: '{{ shopper.nmae }}' } },
      /^steps\.0\.locales\.de\.html$/,
    ],
    [
      'a file-reading tag in a version',
      { de: { ...german, text: "{% include 'x' %}" } },
      /^steps\.0\.locales\.de\.text$/,
    ],
  ])('with %s is refused, naming the field, and nothing is saved', async (_label, locales, path) => {
    const response = await put('bad-language', { name: 'Bad', active: false, steps: [step({ locales })] });
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining([expect.stringMatching(path)]),
    );
    expect((await platform.admin('GET', '/api/admin/campaigns/bad-language')).status).toBe(404);
  });
});
