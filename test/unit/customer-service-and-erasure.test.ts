/**
 * The pure and near-pure parts of customer service and erasure: the status link email says what it is and
 * escapes what shoppers typed; an anonymous record keeps no staff identity; making a backorder anonymous
 * removes exactly what names the shopper, conditioned on the row as read; an email SES bounced or a shopper
 * complained about reads as such; SES message ids are remembered with the send batch, in the same request.
 */
import { DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { renderStatusLink } from '../../lambdas/emails/status-link';
import { anonymousActor, type Backorder } from '../../lambdas/domain/backorder';
import { emailOutcome } from '../../lambdas/use-cases/backorder-history';
import type { SentEmailRecord } from '../../lambdas/store/sent-emails-store';

describe('status link email', () => {
  const data = {
    shopper: { name: '<b>Ann</b>', email: 'ann@example.com' },
    product: { name: 'Tee "blue" & <i>bold</i>\r\nBcc: x@evil.example', sku: 'TEE-1' },
    backorder: { quantity: 2, statusUrl: 'https://shop.example/status?id=B1&token=T1' },
    postalAddress: '1 Shop Street, Town',
  };

  test('carries the link, says why it came, and is transactional', async () => {
    const email = await renderStatusLink(data);
    expect(email.text).toContain('https://shop.example/status?id=B1&token=T1');
    expect(email.text).toContain('You asked us for the link to your backorder of 2 × Tee');
    expect(email.text).toContain('Did not ask for it?');
    expect(email.text).toContain('1 Shop Street, Town');
    expect(email.html).toContain('href="https://shop.example/status?id=B1&amp;token=T1"');
    expect(email.html).not.toContain('Unsubscribe');
  });

  test('what shoppers and marketers typed is escaped, and cannot break the Subject line', async () => {
    const email = await renderStatusLink(data);
    expect(email.html).not.toContain('<b>Ann</b>');
    expect(email.html).toContain('&lt;b&gt;Ann&lt;/b&gt;');
    expect(email.html).toContain('&lt;i&gt;bold&lt;/i&gt;');
    expect(email.subject).toBe('Your backorder link for Tee "blue" & <i>bold</i> Bcc: x@evil.example');
    expect(email.subject).not.toMatch(/[\r\n]/);
  });
});

test('an anonymous record keeps "shopper" and "system", and says "staff" for anyone else', () => {
  expect(anonymousActor('shopper')).toBe('shopper');
  expect(anonymousActor('system')).toBe('system');
  expect(anonymousActor('agent@shop.example')).toBe('staff');
  expect(anonymousActor(undefined)).toBeUndefined();
});

test('an email reads as bounced, soft-bounced or complained once SES said so, else as its send state', () => {
  const sent: SentEmailRecord = { emailId: 'x', kind: 'confirmation', state: 'sent', claimedAt: 't' };
  expect(emailOutcome(sent)).toBe('sent');
  expect(emailOutcome({ ...sent, bounce: { type: 'permanent', at: 't' } })).toBe('bounced');
  expect(emailOutcome({ ...sent, bounce: { type: 'transient', at: 't' } })).toBe('soft-bounced');
  expect(emailOutcome({ ...sent, bounce: { type: 'permanent', at: 't' }, complaint: { at: 't' } })).toBe(
    'complained',
  );
  expect(emailOutcome({ ...sent, state: 'withheld' })).toBe('withheld');
});

describe('against DynamoDB (mocked)', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  beforeAll(() => {
    process.env.TABLE_BACKORDERS = 'backorders-under-test';
    process.env.TABLE_LEDGER = 'ledger-under-test';
  });
  beforeEach(() => dynamo.reset());
  afterAll(() => dynamo.restore());

  const backorder: Backorder = {
    id: '01JD8X4N5Q6R7S8T9V0W1X2Y3Z',
    sku: 'TEE-1',
    email: 'Ann@Example.com',
    emailKey: 'ann@example.com',
    quantity: 2,
    name: 'Ann',
    company: 'Ann Ltd',
    segment: 'b2c',
    marketingConsent: true,
    locale: 'en',
    status: 'cancelled',
    createdAt: '2026-05-01T09:00:00.000Z',
    updatedAt: '2026-05-02T09:00:00.000Z',
    queueKey: '2026-05-01T09:00:00.000Z#01JD8X4N5Q6R7S8T9V0W1X2Y3Z',
    statusTokenHashes: ['a'.repeat(64)],
    emailTokenHashes: ['b'.repeat(64), 'c'.repeat(64)],
    events: [
      { at: '2026-05-01T09:00:00.000Z', type: 'created', by: 'shopper' },
      { at: '2026-05-02T09:00:00.000Z', type: 'cancelled', by: 'agent@shop.example' },
    ],
  };

  test('making a backorder anonymous removes what names the shopper, only if the row is as it was read', async () => {
    const { anonymiseBackorder } = await import('../../lambdas/store/backorder-erasure-store');
    dynamo.on(UpdateCommand).resolves({});
    expect(await anonymiseBackorder(backorder, backorder.id, '2026-05-03T09:00:00.000Z')).toBe('done');
    const input = dynamo.commandCalls(UpdateCommand)[0].args[0].input;
    expect(input.UpdateExpression).toMatch(
      /REMOVE email, emailKey, #name, company, statusTokenHashes, emailTokenHashes$/,
    );
    expect(input.ConditionExpression).toBe(
      'attribute_not_exists(erasedAt) AND #status = :status AND size(events) = :eventCount AND ' +
        'size(statusTokenHashes) = :tokenCount AND size(emailTokenHashes) = :emailTokenCount',
    );
    expect(input.ExpressionAttributeValues).toMatchObject({
      ':status': 'cancelled',
      ':eventCount': 2,
      ':tokenCount': 1,
      ':emailTokenCount': 2,
      // Only email links can ask for an erasure, so only they are kept to answer a repeat the same.
      ':hashes': ['b'.repeat(64), 'c'.repeat(64)],
      ':via': backorder.id,
      ':events': [
        { at: '2026-05-01T09:00:00.000Z', type: 'created', by: 'shopper' },
        { at: '2026-05-02T09:00:00.000Z', type: 'cancelled', by: 'staff' },
        { at: '2026-05-03T09:00:00.000Z', type: 'erased', by: 'shopper' },
      ],
    });
    expect(JSON.stringify(input.ExpressionAttributeValues)).not.toMatch(/ann@|Ann Ltd|agent@/i);
  });

  test('a row that changed meanwhile is not overwritten: the caller is told to read it again', async () => {
    const { anonymiseBackorder } = await import('../../lambdas/store/backorder-erasure-store');
    dynamo.on(UpdateCommand).rejects(
      Object.assign(new Error('The conditional request failed'), {
        name: 'ConditionalCheckFailedException',
      }),
    );
    expect(await anonymiseBackorder(backorder, backorder.id, '2026-05-03T09:00:00.000Z')).toBe('changed');
  });

  test('a batch of sends is recorded with its SES message ids in one request', async () => {
    const { recordSentMany } = await import('../../lambdas/store/send-ledger-store');
    dynamo.on(TransactWriteCommand).resolves({});
    const records = Array.from({ length: 10 }, (_, i) => ({
      emailId: `restock#B${i}`,
      details: { recipientKey: `s${i}@example.com`, backorderId: `B${i}`, kind: 'restock' },
      claimedAt: '2026-05-01T09:00:00.000Z',
      sesMessageId: `ses-${i}`,
      sentAt: '2026-05-01T09:00:01.000Z',
      subject: 'Back in stock',
    }));
    await recordSentMany(records, Date.parse('2026-05-01T09:00:01.000Z'));
    const calls = dynamo.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    const keys = calls[0].args[0].input.TransactItems!.map((item) => String(item.Put?.Item?.key ?? ''));
    for (let i = 0; i < 10; i++) {
      expect(keys).toContain(`email#restock#B${i}`);
      expect(keys).toContain(`ses#ses-${i}`);
    }
  });
});
