/**
 * Templates can't reach files or run forever, through the admin API: a template using `include`, `render` or
 * `layout` is a 400 VALIDATION naming the tag and the field on save and on draft preview, and nothing is
 * saved; templates are trial-rendered with the sample shopper, and one that takes over 100 ms or produces
 * over 512 KiB is a 400 too. A step saved before these checks (written straight into the table here) is a
 * 400 on preview and test send, never a 500.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { emailsTo, uniqueEmail } from '../support/mailbox';
import { expectError, newProduct, sleep } from './helpers';

let platform: TestPlatform;
let dynamo: DynamoDBDocumentClient;
beforeAll(async () => {
  platform = await startTestPlatform();
  dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    }),
  );
});
afterAll(async () => {
  await platform?.stop();
  dynamo?.destroy();
});

const step = (overrides: Record<string, unknown> = {}) => ({
  id: 'welcome',
  delay: 'PT0S',
  subject: 'News about {{ product.name }}',
  html: '<p>Hi {{ shopper.name }}</p>',
  ...overrides,
});

const put = (id: string, steps: unknown[], active = false) =>
  platform.admin('PUT', `/api/admin/campaigns/${id}`, { name: `Campaign ${id}`, active, steps });

const preview = (draft: Record<string, unknown>) =>
  platform.admin('POST', '/api/admin/templates/preview', { subject: 'Hello', html: '<p>Hi</p>', ...draft });

/** Anything from the files a template might have read: the repository's package.json, /etc/passwd. */
const FILE_CONTENT = /backorder-platform|"dependencies"|root:x:0:0/;

const expectTemplateError = (
  response: Awaited<ReturnType<typeof put>>,
  path: string,
  message: string | RegExp,
): void => {
  expectError(response, 400, 'VALIDATION');
  expect(response.body.error.details).toEqual([
    {
      path,
      message:
        typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message),
    },
  ]);
  expect(JSON.stringify(response.body)).not.toMatch(FILE_CONTENT);
};

const FILE_TAGS = [
  ['include', "{% include 'package.json' %}"],
  ['render', "{% render '/etc/passwd' %}"],
  ['layout', "{% layout 'package.json' %}"],
] as const;
const FIELDS = ['subject', 'html', 'text'] as const;

describe('tags that read files', () => {
  test.each(FILE_TAGS.flatMap(([tag, source]) => FIELDS.map((field) => [tag, field, source])))(
    "the %s tag in a step's %s is refused on save, naming the tag and the field, and nothing is saved",
    async (tag, field, source) => {
      const id = `files-${tag}-${field}`;
      const response = await put(id, [step(), step({ id: 'second', [field]: `<p>Hi</p> ${source}` })]);
      expectTemplateError(
        response,
        `steps.1.${field}`,
        `the ${tag} tag is not allowed: templates cannot read files`,
      );
      expectError(await platform.admin('GET', `/api/admin/campaigns/${id}`), 404, 'NOT_FOUND');
    },
  );

  test("{% render '/etc/passwd' %} in a saved campaign's text answers 400, and the campaign stays as it was", async () => {
    expect((await put('etc-passwd', [step({ text: 'Hi {{ shopper.name }}' })])).status).toBe(201);
    const response = await put('etc-passwd', [step({ text: "Hi {% render '/etc/passwd' %}" })]);
    expect(response.status).toBe(400);
    expectTemplateError(response, 'steps.0.text', 'line 1, col 4: the render tag is not allowed');
    const saved = await platform.admin('GET', '/api/admin/campaigns/etc-passwd');
    expect(saved.body).toMatchObject({ version: 1, steps: [{ text: 'Hi {{ shopper.name }}' }] });
  });

  test.each(FILE_TAGS.flatMap(([tag, source]) => FIELDS.map((field) => [tag, field, source])))(
    "the %s tag in a draft's %s is refused on preview, naming the tag and the field",
    async (tag, field, source) => {
      const response = await preview({ [field]: source, sample: {} });
      expectTemplateError(response, field, `the ${tag} tag is not allowed: templates cannot read files`);
    },
  );
});

const SLOW =
  '{% assign xs = (1..1000) %}{% for a in xs %}{% for b in xs %}{% for c in xs %}{% endfor %}{% endfor %}{% endfor %}';
const HUGE = `{% for i in (1..1000) %}${'x'.repeat(1000)}{% endfor %}`;
const QUANTITY_DRIVEN = `{% for i in (1..backorder.quantity) %}<p>${'x'.repeat(1000)}</p>{% endfor %}`;

describe('limits, trial-rendered with the sample shopper', () => {
  test.each([
    ['slow', SLOW, 'with the sample shopper, rendering takes over 100 ms'],
    ['huge', HUGE, 'with the sample shopper, the email would be over 512 KiB'],
    [
      'range',
      '{% for i in (1..100000000) %}{% endfor %}',
      'with the sample shopper, rendering builds too much',
    ],
  ])(
    'a %s template is refused on save, naming the field, and nothing is saved',
    async (label, html, message) => {
      const response = await put(`limits-${label}`, [step(), step({ id: 'two', html })]);
      expectTemplateError(response, 'steps.1.html', message);
      expectError(await platform.admin('GET', `/api/admin/campaigns/limits-${label}`), 404, 'NOT_FOUND');
    },
  );

  test.each([
    ['slow', { text: SLOW }, 'text', 'rendering takes over 100 ms'],
    ['huge', { html: HUGE }, 'html', 'the email would be over 512 KiB'],
    // The sample may be overridden: a loop over it is bounded all the same.
    [
      'sample-driven',
      { html: QUANTITY_DRIVEN, sample: { backorder: { quantity: 100_000_000 } } },
      'html',
      /^with the sample shopper, rendering builds too much/,
    ],
  ])('a %s draft is refused on preview, naming the field', async (_label, draft, field, message) => {
    expectTemplateError(await preview(draft), field, message);
  });

  test('a template well within the limits saves and previews', async () => {
    expect((await put('limits-fine', [step({ html: QUANTITY_DRIVEN })])).status).toBe(201);
    const shown = await preview({ html: QUANTITY_DRIVEN, sample: {} });
    expect(shown.status).toBe(200);
    expect(shown.body.html.split('x'.repeat(1000))).toHaveLength(3); // the sample orders 2
  });
});

describe('steps saved before the checks, and real data', () => {
  /** A campaign saved through the API, then one step rewritten in the table as an older version saved it. */
  const legacyCampaign = async (id: string, overrides: Record<string, unknown>) => {
    expect((await put(id, [step()])).status).toBe(201);
    await dynamo.send(
      new UpdateCommand({
        TableName: platform.tableNames.campaigns,
        Key: { id },
        UpdateExpression: 'SET steps = :steps',
        ExpressionAttributeValues: { ':steps': [step(overrides)] },
      }),
    );
  };

  test.each([
    ['include', { html: "{% include 'package.json' %}" }, 'html', 'the include tag is not allowed'],
    ['render', { text: "{% render '/etc/passwd' %}" }, 'text', 'the render tag is not allowed'],
    ['slow', { html: SLOW }, 'html', 'rendering takes over 100 ms'],
  ])(
    'a saved step with a %s template is a 400 on preview and test send, and nothing is sent',
    async (label, overrides, field, message) => {
      const id = `legacy-${label}`;
      await legacyCampaign(id, overrides);
      const shown = await platform.admin('POST', `/api/admin/campaigns/${id}/preview`, {
        stepId: 'welcome',
        sample: {},
      });
      expectTemplateError(shown, field, message);

      const to = uniqueEmail(`legacy-${label}`);
      const test = await platform.admin('POST', `/api/admin/campaigns/${id}/test`, { stepId: 'welcome', to });
      expectTemplateError(test, `steps.0.${field}`, message);
      await sleep(1500);
      expect(await emailsTo(platform.sesUrl, to)).toEqual([]);
    },
  );

  test('a saved step previewed with a real backorder whose data breaks the limit is a 400 naming it', async () => {
    const sku = await newProduct(platform, 'BULK', { backorders: { enabled: true, maxPerCustomer: 1000 } });
    const signup = await platform.request('POST', '/api/backorders', {
      json: { sku, email: uniqueEmail('bulk'), quantity: 600 },
    });
    expect(signup.status).toBe(201);
    expect((await put('bulk', [step({ html: QUANTITY_DRIVEN })])).status).toBe(201);
    const shown = await platform.admin('POST', '/api/admin/campaigns/bulk/preview', {
      stepId: 'welcome',
      sample: { backorderId: signup.body.id },
    });
    expectTemplateError(
      shown,
      'html',
      `with backorder ${signup.body.id}'s data, the email would be over 512 KiB`,
    );
  });
});
