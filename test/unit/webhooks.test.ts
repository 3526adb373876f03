/**
 * Outbound webhooks, the pure rules: which endpoints a marketer may save, what an event looks like to the
 * receiving system, and how a delivery attempt's answer decides between delivered, retried and failed.
 */
import { backoffSeconds } from '../../lambdas/runtime/retry-backoff';
import { queues } from '../../lib/platform';
import type { Backorder } from '../../lambdas/domain/backorder';
import {
  backorderEvent,
  deliveryKeyOf,
  isLastAttempt,
  shortError,
  subscribes,
  verdictFor,
  WEBHOOK_BACKOFF,
} from '../../lambdas/domain/webhook';
import { webhookIdSchema, webhookSchemaFor } from '../../lambdas/domain/webhook-schema';

const valid = {
  url: 'https://erp.example/hooks/backorders',
  secret: 'a-long-enough-secret',
  events: ['backorder.created'],
};

// As the local runner saves them: loopback receivers allowed (test/unit/webhook-egress.test.ts has the rest).
const webhookSchema = webhookSchemaFor({ allowLoopback: true });

const problems = (body: unknown) => {
  const result = webhookSchema.safeParse(body);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('saving a webhook endpoint', () => {
  test('an https endpoint with a secret and some events is accepted, active unless said otherwise', () => {
    expect(webhookSchema.parse(valid)).toEqual({ ...valid, active: true });
    expect(webhookSchema.parse({ ...valid, active: false }).active).toBe(false);
    expect(
      webhookSchema.parse({
        ...valid,
        events: ['backorder.created', 'backorder.cancelled', 'backorder.allocated', 'backorder.fulfilled'],
      }).events,
    ).toHaveLength(4);
  });

  test.each(['http://localhost:8080/hooks', 'http://127.0.0.1:9000/', 'http://[::1]:9000/x'])(
    '%s is accepted (plain http only to the machine itself)',
    (url) => {
      expect(problems({ ...valid, url })).toEqual([]);
    },
  );

  test.each([
    ['plain http to a public host', 'http://erp.example/hooks'],
    ['plain http to a look-alike of localhost', 'http://localhost.evil.example/hooks'],
    ['a private address', 'https://10.0.0.5/hooks'],
    ['another scheme', 'ftp://erp.example/hooks'],
    ['a relative URL', '/hooks'],
    ['not a URL', 'erp example'],
    ['credentials in the URL', 'https://user:pass@erp.example/hooks'],
    ['a user name in the URL', 'https://user@erp.example/hooks'],
    ['spaces around it', ' https://erp.example/hooks'],
    ['a line break', 'https://erp.example/ho\noks'],
    ['more than 2048 characters', `https://erp.example/${'a'.repeat(2040)}`],
  ])('a URL with %s is refused', (_label, url) => {
    expect(problems({ ...valid, url })).toEqual(['url']);
  });

  test.each([
    ['a secret under 16 characters', { secret: 'fifteen-chars-x' }, 'secret'],
    ['a secret over 256 characters', { secret: 's'.repeat(257) }, 'secret'],
    ['no events', { events: [] }, 'events'],
    ['an unknown event', { events: ['backorder.deleted'] }, 'events.0'],
    ['the same event twice', { events: ['backorder.created', 'backorder.created'] }, 'events'],
    ['an unknown field', { headers: { a: 'b' } }, ''],
    ['a missing secret', { secret: undefined }, 'secret'],
  ])('%s is refused', (_label, overrides, path) => {
    expect(problems({ ...valid, ...overrides })).toEqual([path]);
  });

  test('ids follow the campaign rule: lower-case letters, digits and dashes, at most 64', () => {
    expect(webhookIdSchema.safeParse('erp-1').success).toBe(true);
    for (const id of ['ERP', '-erp', 'erp_1', 'a'.repeat(65), '']) {
      expect(webhookIdSchema.safeParse(id).success).toBe(false);
    }
  });
});

describe('a backorder event', () => {
  const backorder: Backorder = {
    id: '01JABCDEFGHJKMNPQRSTVWXYZ0',
    sku: 'TSHIRT-BLUE-M',
    email: 'Ada@Example.com',
    emailKey: 'ada@example.com',
    quantity: 2,
    company: 'Analytical Engines Ltd',
    segment: 'b2b',
    marketingConsent: true,
    locale: 'en',
    status: 'waiting',
    createdAt: '2025-01-02T03:04:05.678Z',
    updatedAt: '2025-01-02T03:04:05.678Z',
    queueKey: '2025-01-02T03:04:05.678Z#01JABCDEFGHJKMNPQRSTVWXYZ0',
    statusTokenHashes: ['secret-hash'],
    events: [{ at: '2025-01-02T03:04:05.678Z', type: 'created' }],
  };

  test('carries the backorder as receivers need it, and nothing internal', () => {
    const event = backorderEvent('backorder.created', backorder, '2025-01-02T03:04:05.678Z');
    expect(event).toEqual({
      id: 'backorder.created:01JABCDEFGHJKMNPQRSTVWXYZ0',
      type: 'backorder.created',
      createdAt: '2025-01-02T03:04:05.678Z',
      data: {
        backorder: {
          id: '01JABCDEFGHJKMNPQRSTVWXYZ0',
          kind: 'reservation',
          sku: 'TSHIRT-BLUE-M',
          email: 'Ada@Example.com',
          name: null,
          company: 'Analytical Engines Ltd',
          segment: 'b2b',
          quantity: 2,
          status: 'waiting',
          createdAt: '2025-01-02T03:04:05.678Z',
        },
      },
    });
    expect(JSON.stringify(event)).not.toMatch(/secret-hash|queueKey|emailKey/);
  });

  test('has the same id whenever it is published again, so receivers can drop repeats', () => {
    const first = backorderEvent('backorder.cancelled', backorder, '2025-02-01T00:00:00.000Z');
    const again = backorderEvent('backorder.cancelled', backorder, '2025-02-01T00:00:00.000Z');
    expect(again).toEqual(first);
    expect(first.id).toBe('backorder.cancelled:01JABCDEFGHJKMNPQRSTVWXYZ0');
    expect(deliveryKeyOf(first)).toBe(
      '2025-02-01T00:00:00.000Z#backorder.cancelled:01JABCDEFGHJKMNPQRSTVWXYZ0',
    );
  });

  test('goes only to active endpoints subscribed to its type', () => {
    expect(subscribes({ active: true, events: ['backorder.created'] }, 'backorder.created')).toBe(true);
    expect(subscribes({ active: true, events: ['backorder.created'] }, 'backorder.fulfilled')).toBe(false);
    expect(subscribes({ active: false, events: ['backorder.created'] }, 'backorder.created')).toBe(false);
  });
});

describe('a delivery attempt', () => {
  test('2xx delivers; 408, 429 and 5xx are retried; redirects and other 4xx fail for good', () => {
    expect([200, 201, 202, 204, 299].map(verdictFor)).toEqual(Array(5).fill('delivered'));
    expect([408, 429, 500, 502, 503, 504].map(verdictFor)).toEqual(Array(6).fill('retry'));
    expect([301, 302, 307, 400, 401, 403, 404, 410, 422].map(verdictFor)).toEqual(Array(9).fill('failed'));
  });

  test('retries wait 10 s, doubling each time, never more than 15 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffSeconds(n, WEBHOOK_BACKOFF))).toEqual([
      10, 20, 40, 80, 160, 320, 640,
    ]);
    expect(backoffSeconds(8, WEBHOOK_BACKOFF)).toBe(900);
    expect(backoffSeconds(50, WEBHOOK_BACKOFF)).toBe(900);
  });

  test("the queue's tries span about an hour before the dead-letter queue", () => {
    const tries = queues.webhook.maxReceiveCount;
    let waited = 0;
    for (let n = 1; n < tries; n++) waited += backoffSeconds(n, WEBHOOK_BACKOFF);
    expect(waited / 60).toBeGreaterThan(45);
    expect(waited / 60).toBeLessThan(75);
  });

  test("the queue's last receive is the last attempt: its failure is final", () => {
    expect(isLastAttempt(9, 10)).toBe(false);
    expect(isLastAttempt(10, 10)).toBe(true);
  });

  test('errors are kept to one short line', () => {
    expect(shortError('HTTP 500:\n  <html>\n<body>oops</body>')).toBe('HTTP 500: <html> <body>oops</body>');
    expect(shortError('x'.repeat(500))).toHaveLength(200);
  });
});
