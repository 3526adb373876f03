/**
 * Reading SES feedback: every shape a bounce or complaint may arrive in is understood, recipients are bare
 * addresses, only permanent bounces and complaints suppress, and anything unreadable is refused (so it ends
 * in the dead-letter queue). The local mailbox simulator publishes exactly what the parser reads.
 */
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { ChangeMessageVisibilityBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { extractAddress, parseSesFeedback } from '../../lambdas/domain/ses-feedback';
import { addressList, simulatedEvents, simulatedOutcome } from '../../local/ses-feedback';
import { addressHash } from '../../lambdas/runtime/tokens';
import { EMAIL_ID_TAG, emailIdOfTag, emailIdTag } from '../../lambdas/domain/email-tag';

const mail = {
  timestamp: '2026-05-04T10:00:00.000Z',
  source: 'Shop <backorders@shop.example>',
  messageId: '0100018f-example-000000',
  destination: ['ann@example.com'],
};

/** A configuration set event, as SNS delivers it with raw message delivery. */
const bounceEvent = (bounceType = 'Permanent', emailAddress = 'ann@example.com') => ({
  eventType: 'Bounce',
  bounce: {
    bounceType,
    bounceSubType: 'General',
    bouncedRecipients: [{ emailAddress, action: 'failed', status: '5.1.1' }],
    timestamp: '2026-05-04T10:00:01.000Z',
    feedbackId: 'feedback-bounce-1',
    reportingMTA: 'dsn; mta.example.com',
  },
  mail,
});

const complaintEvent = {
  eventType: 'Complaint',
  complaint: {
    complainedRecipients: [{ emailAddress: 'ann@example.com' }],
    timestamp: '2026-05-04T10:05:00.000Z',
    feedbackId: 'feedback-complaint-1',
    complaintSubType: null,
    complaintFeedbackType: 'abuse',
    userAgent: 'Some mail client',
  },
  mail,
};

describe('reading SES bounce and complaint notifications', () => {
  test('a permanent bounce event names its recipients, its feedback id and the message', () => {
    expect(parseSesFeedback(JSON.stringify(bounceEvent()))).toEqual({
      kind: 'bounce',
      bounceType: 'Permanent',
      bounceSubType: 'General',
      permanent: true,
      feedbackId: 'feedback-bounce-1',
      at: '2026-05-04T10:00:01.000Z',
      sesMessageId: '0100018f-example-000000',
      recipients: ['ann@example.com'],
    });
  });

  test.each(['Transient', 'Undetermined'])('a %s bounce is a bounce, but not a permanent one', (type) => {
    expect(parseSesFeedback(JSON.stringify(bounceEvent(type)))).toMatchObject({
      kind: 'bounce',
      bounceType: type,
      permanent: false,
    });
  });

  test('a complaint event', () => {
    expect(parseSesFeedback(JSON.stringify(complaintEvent))).toEqual({
      kind: 'complaint',
      complaintFeedbackType: 'abuse',
      feedbackId: 'feedback-complaint-1',
      at: '2026-05-04T10:05:00.000Z',
      sesMessageId: '0100018f-example-000000',
      recipients: ['ann@example.com'],
    });
  });

  test('an identity notification (notificationType) reads the same as an event', () => {
    const { eventType: _eventType, ...rest } = bounceEvent();
    const notification = { notificationType: 'Bounce', ...rest };
    expect(parseSesFeedback(JSON.stringify(notification))).toEqual(
      parseSesFeedback(JSON.stringify(bounceEvent())),
    );
  });

  test('an SNS envelope (raw delivery off) reads the same as its message', () => {
    const envelope = {
      Type: 'Notification',
      MessageId: 'sns-1',
      TopicArn: 'arn:aws:sns:eu-west-1:123456789012:ses-events',
      Message: JSON.stringify(complaintEvent),
      Timestamp: '2026-05-04T10:05:01.000Z',
      SignatureVersion: '1',
    };
    expect(parseSesFeedback(JSON.stringify(envelope))).toEqual(
      parseSesFeedback(JSON.stringify(complaintEvent)),
    );
  });

  test('other events and SNS housekeeping are recognised and ignored', () => {
    expect(parseSesFeedback(JSON.stringify({ eventType: 'Delivery', mail, delivery: {} }))).toEqual({
      kind: 'ignored',
      type: 'Delivery',
    });
    // A Send event without our email-id tag is another sender's mail on the configuration set.
    expect(parseSesFeedback(JSON.stringify({ eventType: 'Send', mail, send: {} }))).toEqual({
      kind: 'ignored',
      type: 'Send (untagged)',
    });
    expect(
      parseSesFeedback(JSON.stringify({ notificationType: 'AmazonSnsSubscriptionSucceeded', message: 'hi' })),
    ).toEqual({ kind: 'ignored', type: 'AmazonSnsSubscriptionSucceeded' });
    expect(parseSesFeedback(JSON.stringify({ Type: 'SubscriptionConfirmation', Message: 'x' }))).toEqual({
      kind: 'ignored',
      type: 'SNS SubscriptionConfirmation',
    });
  });

  test('recipients written with a display name are reduced to the bare, lower-cased address', () => {
    const feedback = parseSesFeedback(
      JSON.stringify(bounceEvent('Permanent', '"Ann, Smith" <Ann@Example.COM>')),
    );
    expect(feedback).toMatchObject({ recipients: ['ann@example.com'] });
  });

  test.each([
    ['not json', '{"eventType":'],
    ['no type', JSON.stringify({ mail })],
    ['a bounce without its bounce object', JSON.stringify({ eventType: 'Bounce', mail })],
    [
      'a bounce without recipients',
      JSON.stringify({ ...bounceEvent(), bounce: { ...bounceEvent().bounce, bouncedRecipients: [] } }),
    ],
    ['an unknown bounce type', JSON.stringify(bounceEvent('Sometimes'))],
    ['a recipient that is no address', JSON.stringify(bounceEvent('Permanent', 'nobody'))],
    [
      'a complaint without a feedback id',
      JSON.stringify({ ...complaintEvent, complaint: { ...complaintEvent.complaint, feedbackId: '' } }),
    ],
    [
      'an SNS notification whose message is not JSON',
      JSON.stringify({ Type: 'Notification', Message: 'oops' }),
    ],
    ['a JSON string', JSON.stringify('Bounce')],
  ])('%s is refused', (_label, body) => {
    expect(() => parseSesFeedback(body)).toThrow();
  });
});

describe('Send events confirming our emails', () => {
  const tagged = (emailId: string) => ({
    eventType: 'Send',
    send: {},
    mail: {
      ...mail,
      tags: { 'ses:configuration-set': ['shop'], [EMAIL_ID_TAG]: [emailIdTag(emailId).Value] },
      commonHeaders: { subject: 'Good news' },
    },
  });

  test.each(['restock#01J2ABCDEF', 'nurture#bo-1#spring#step-2', 'confirmation:x.y_z-é'])(
    'the email id %s survives the tag (SES allows only letters, digits, "_", "-", ".")',
    (emailId) => {
      const { Value } = emailIdTag(emailId);
      expect(Value).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
      expect(emailIdOfTag(Value)).toBe(emailId);
    },
  );

  test.each([undefined, '', 'not base64!', 'a'.repeat(300)])('a tag value %p names no email', (value) => {
    expect(emailIdOfTag(value)).toBeUndefined();
  });

  test('a tagged Send event names the email, its SES id, when and the subject', () => {
    expect(parseSesFeedback(JSON.stringify(tagged('restock#bo-7')))).toEqual({
      kind: 'sent',
      emailId: 'restock#bo-7',
      sesMessageId: mail.messageId,
      at: mail.timestamp,
      subject: 'Good news',
    });
  });

  test('the local simulator publishes a Send event for each tagged message, which reads back', () => {
    const events = simulatedEvents({
      messageId: 'ses-123',
      from: 'Shop <shop@example.com>',
      destination: { to: ['ann@example.com'] },
      subject: 'Good news',
      at: 1_760_000_000,
      tags: { [EMAIL_ID_TAG]: emailIdTag('restock#bo-8').Value },
    });
    expect(events).toHaveLength(1);
    expect(parseSesFeedback(JSON.stringify(events[0]))).toMatchObject({
      kind: 'sent',
      emailId: 'restock#bo-8',
      sesMessageId: 'ses-123',
    });
  });
});

describe('email addresses in feedback', () => {
  test.each([
    ['ann@example.com', 'ann@example.com'],
    ['  Ann@Example.com ', 'ann@example.com'],
    ['<ann@example.com>', 'ann@example.com'],
    ['Ann Smith <ann@example.com>', 'ann@example.com'],
    ['"Smith, Ann" <ann@example.com>', 'ann@example.com'],
    ['"Ann <the best>" <ann@example.com>', 'ann@example.com'],
    ['bounce+x1@simulator.amazonses.com', 'bounce+x1@simulator.amazonses.com'],
  ])('%s is %s', (raw, address) => {
    expect(extractAddress(raw)).toBe(address);
  });

  test.each(['', 'ann', 'ann@', '@example.com', 'Ann <>', 'a b@example.com'])('"%s" is no address', (raw) => {
    expect(extractAddress(raw)).toBeUndefined();
  });

  test('a header with several addresses, names with commas included', () => {
    expect(addressList('a@example.com, "Smith, Ann" <Ann@example.com>,Bob <bob@example.com>')).toEqual([
      'a@example.com',
      'ann@example.com',
      'bob@example.com',
    ]);
  });
});

describe('the local mailbox simulator', () => {
  test.each([
    ['bounce@simulator.amazonses.com', 'bounce'],
    ['Bounce+signup-1@Simulator.AmazonSES.com', 'bounce'],
    ['complaint@simulator.amazonses.com', 'complaint'],
    ['complaint+x@simulator.amazonses.com', 'complaint'],
    ['success@simulator.amazonses.com', undefined],
    ['bounce@example.com', undefined],
  ])('%s: %s', (address, outcome) => {
    expect(simulatedOutcome(address)).toBe(outcome);
  });

  const stored = {
    messageId: 'ses-123456789',
    from: 'Shop <backorders@shop.example>',
    destination: {
      to: ['"Ann" <bounce+a@simulator.amazonses.com>'],
      cc: ['complaint@simulator.amazonses.com, ann@example.com'],
      bcc: [],
    },
    subject: "You're on the list",
    at: 1_777_777_777,
  };

  test('publishes a permanent bounce and a complaint the feedback function reads back', () => {
    const events = simulatedEvents(stored, Date.parse('2026-05-04T10:00:00.000Z'));
    expect(events).toHaveLength(2);
    const [bounce, complaint] = events.map((event) => parseSesFeedback(JSON.stringify(event)));
    expect(bounce).toMatchObject({
      kind: 'bounce',
      bounceType: 'Permanent',
      bounceSubType: 'General',
      permanent: true,
      sesMessageId: 'ses-123456789',
      recipients: ['bounce+a@simulator.amazonses.com'],
      at: '2026-05-04T10:00:00.000Z',
    });
    expect(complaint).toMatchObject({
      kind: 'complaint',
      sesMessageId: 'ses-123456789',
      recipients: ['complaint@simulator.amazonses.com'],
    });
    expect((bounce as { feedbackId: string }).feedbackId).not.toBe(
      (complaint as { feedbackId: string }).feedbackId,
    );
    // What SES puts in `mail`: every envelope recipient, the sender, the common headers.
    expect(events[0]).toMatchObject({
      eventType: 'Bounce',
      mail: {
        messageId: 'ses-123456789',
        source: 'Shop <backorders@shop.example>',
        destination: [
          'bounce+a@simulator.amazonses.com',
          'complaint@simulator.amazonses.com',
          'ann@example.com',
        ],
        commonHeaders: { subject: "You're on the list" },
      },
    });
  });

  test('publishes nothing for ordinary recipients', () => {
    expect(simulatedEvents({ ...stored, destination: { to: ['ann@example.com'], cc: [], bcc: [] } })).toEqual(
      [],
    );
  });
});

describe('the feedback function', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  let handleFeedback: typeof import('../../lambdas/feedback/handler').handleFeedback;

  beforeAll(async () => {
    process.env.TABLE_LEDGER = 'ledger-under-test';
    process.env.QUEUE_FEEDBACK_URL = 'http://sqs.local/000000000000/feedback';
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    ({ handleFeedback } = await import('../../lambdas/feedback/handler'));
  });
  beforeEach(() => {
    dynamo.reset();
    // No `ses#` lookup row: the message is not one the platform remembers sending.
    dynamo.on(GetCommand).resolves({});
  });
  afterAll(() => dynamo.restore());

  const record = (body: unknown, messageId: string): SQSRecord =>
    ({
      messageId,
      receiptHandle: messageId,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: {},
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:feedback',
      awsRegion: 'us-east-1',
    }) as unknown as SQSRecord;

  const sendEvent = (emailId: string) => ({
    eventType: 'Send',
    send: {},
    mail: {
      ...mail,
      tags: { [EMAIL_ID_TAG]: [emailIdTag(emailId).Value] },
      commonHeaders: { subject: 'Good news' },
    },
  });

  test('a Send event records a claim still sending near the end of its lease (its worker died) as sent, counted once', async () => {
    dynamo.on(GetCommand, { Key: { key: 'email#restock#bo-9' } }).resolves({
      Item: {
        key: 'email#restock#bo-9',
        state: 'sending',
        kind: 'restock',
        claimId: 'c1',
        leaseUntil: Date.now() + 5_000,
      },
    });
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo.on(PutCommand).resolves({});
    const response = await handleFeedback({ Records: [record(sendEvent('restock#bo-9'), 's1')] });
    expect(response.batchItemFailures).toEqual([]);
    const [sent] = dynamo.commandCalls(TransactWriteCommand)[0].args[0].input.TransactItems!;
    expect(sent.Update).toMatchObject({
      Key: { key: 'email#restock#bo-9' },
      ConditionExpression: '#state = :sending',
      ExpressionAttributeValues: expect.objectContaining({ ':sent': 'sent', ':mid': mail.messageId }),
    });
    expect(dynamo.commandCalls(PutCommand)[0].args[0].input.Item).toMatchObject({
      key: `ses#${mail.messageId}`,
      emailId: 'restock#bo-9',
    });
  });

  test('a Send event while the claim holder may still record it comes back just before the lease ends', async () => {
    const sqs = mockClient(SQSClient);
    try {
      sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
      dynamo.on(GetCommand, { Key: { key: 'email#restock#bo-11' } }).resolves({
        Item: {
          key: 'email#restock#bo-11',
          state: 'sending',
          kind: 'restock',
          leaseUntil: Date.now() + 60_000,
        },
      });
      const response = await handleFeedback({ Records: [record(sendEvent('restock#bo-11'), 'd1')] });
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'd1' }]);
      expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
      const [entry] = sqs.commandCalls(ChangeMessageVisibilityBatchCommand)[0].args[0].input.Entries!;
      // Ten seconds before the 60 s lease ends.
      expect(entry.VisibilityTimeout).toBeGreaterThanOrEqual(48);
      expect(entry.VisibilityTimeout).toBeLessThanOrEqual(50);
    } finally {
      sqs.restore();
    }
  });

  test('a batch of Send events for recorded sends costs one read, and writes nothing', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `restock#bo-batch-${i}`);
    dynamo.on(BatchGetCommand).resolves({
      Responses: {
        'ledger-under-test': ids.map((id) => ({ key: `email#${id}`, state: 'sent', kind: 'restock' })),
      },
    });
    const response = await handleFeedback({
      Records: ids.map((id, i) => record(sendEvent(id), `b${i}`)),
    });
    expect(response.batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(1);
    expect(
      dynamo.commandCalls(BatchGetCommand)[0].args[0].input.RequestItems!['ledger-under-test'],
    ).toMatchObject({
      ConsistentRead: true,
    });
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  test('a Send event for an email already recorded writes nothing', async () => {
    dynamo
      .on(GetCommand, { Key: { key: 'email#restock#bo-10' } })
      .resolves({ Item: { key: 'email#restock#bo-10', state: 'sent', kind: 'restock' } });
    const response = await handleFeedback({ Records: [record(sendEvent('restock#bo-10'), 's2')] });
    expect(response.batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  test('a permanent bounce suppresses the address and counts it once, with the event marker, in one transaction', async () => {
    dynamo.on(PutCommand).resolves({});
    dynamo.on(TransactWriteCommand).resolves({});
    const response = await handleFeedback({ Records: [record(bounceEvent(), 'm1')] });
    expect(response.batchItemFailures).toEqual([]);

    expect(dynamo.commandCalls(PutCommand)[0].args[0].input).toMatchObject({
      TableName: 'ledger-under-test',
      Item: { key: 'suppressed#ann@example.com', reason: 'bounced', at: '2026-05-04T10:00:01.000Z' },
      ConditionExpression: 'attribute_not_exists(#key)',
    });
    const [marker, counter] = dynamo.commandCalls(TransactWriteCommand)[0].args[0].input.TransactItems!;
    expect(marker.Put).toMatchObject({
      Item: {
        // The marker keeps the address only as its hash: it outlives an erasure of the shopper.
        key: `feedback#feedback-bounce-1#${addressHash('ann@example.com')}`,
        kind: 'bounce',
        sesMessageId: mail.messageId,
      },
      ConditionExpression: 'attribute_not_exists(#key)',
    });
    expect(counter.Update).toMatchObject({
      Key: { key: 'counter#emails' },
      UpdateExpression: 'ADD bounced :one',
    });
  });

  test('a transient bounce is counted (as soft) without suppressing', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await handleFeedback({ Records: [record(bounceEvent('Transient'), 'm1')] });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(TransactWriteCommand)[0].args[0].input.TransactItems![1].Update).toMatchObject(
      {
        UpdateExpression: 'ADD bounced :one, softBounced :one',
      },
    );
  });

  test('a notification seen before is acknowledged without counting again', async () => {
    dynamo.on(PutCommand).resolves({});
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    const response = await handleFeedback({ Records: [record(complaintEvent, 'm1')] });
    expect(response.batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  test('a malformed body or a failing write fails only its own record', async () => {
    dynamo.on(PutCommand).resolves({});
    dynamo.on(TransactWriteCommand).callsFake((input) => {
      if (JSON.stringify(input).includes('feedback-bounce-1')) throw new Error('DynamoDB is unavailable');
      return {};
    });
    const response = await handleFeedback({
      Records: [
        record(bounceEvent(), 'fails-on-write'),
        record('{"eventType":"Bounce"', 'poison'),
        record(complaintEvent, 'fine'),
        record({ eventType: 'Delivery', mail }, 'ignored'),
      ],
    });
    // Records are handled concurrently: which failure is reported first does not matter.
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([
      'fails-on-write',
      'poison',
    ]);
  });

  test('a bounce is shown on the email it is about, found by its SES message id', async () => {
    dynamo.on(PutCommand).resolves({});
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo.on(GetCommand, { Key: { key: `ses#${mail.messageId}` } }).resolves({
      Item: { key: `ses#${mail.messageId}`, emailId: 'confirmation#01J0000000000000000000000A' },
    });
    dynamo.on(UpdateCommand).resolves({});
    const response = await handleFeedback({ Records: [record(bounceEvent(), 'm1')] });
    expect(response.batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(UpdateCommand)[0].args[0].input).toMatchObject({
      Key: { key: 'email#confirmation#01J0000000000000000000000A' },
      UpdateExpression: 'SET bouncedAt = :at, bounceType = :type',
      ConditionExpression: 'attribute_exists(#key)',
      ExpressionAttributeValues: { ':at': '2026-05-04T10:00:01.000Z', ':type': 'permanent' },
    });
    // No address anywhere in the marker.
    expect(JSON.stringify(dynamo.commandCalls(TransactWriteCommand)[0].args[0].input)).not.toContain(
      'ann@example.com',
    );
  });

  test('a bounce about an email whose shopper erased their data suppresses the address by its hash only', async () => {
    dynamo.on(PutCommand).resolves({});
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo
      .on(GetCommand, { Key: { key: `ses#${mail.messageId}` } })
      .resolves({ Item: { key: `ses#${mail.messageId}`, emailId: 'restock#01J0000000000000000000000A' } });
    dynamo.on(UpdateCommand).resolves({ Attributes: { erasedAt: '2026-05-04T09:00:00.000Z' } });
    const response = await handleFeedback({ Records: [record(bounceEvent(), 'm1')] });
    expect(response.batchItemFailures).toEqual([]);
    const puts = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(puts).toEqual([
      expect.objectContaining({
        Item: {
          key: `suppressedHash#${addressHash('ann@example.com')}`,
          reason: 'bounced',
          at: '2026-05-04T10:00:01.000Z',
        },
      }),
    ]);
    expect(JSON.stringify(puts)).not.toContain('ann@example.com');
  });
});
