/**
 * Bounces and complaints reach the feedback queue: the configuration set publishes exactly those two events
 * to an encrypted, SSL-only topic that only SES (for this configuration set) may publish to and whose key
 * SES may use, and the feedback queue subscribes with raw message delivery, allowed by its queue policy.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Alerts } from '../../lib/alerts';
import { Email } from '../../lib/email';
import { Feedback } from '../../lib/feedback';
import { Queues } from '../../lib/queues';
import { bareStack, logicalId } from './stacks';

describe('Feedback', () => {
  let template: Template;
  let feedback: Feedback;
  let queues: Queues;
  let email: Email;

  beforeAll(() => {
    const stack = bareStack();
    queues = new Queues(stack, 'Queues', { alerts: new Alerts(stack, 'Alerts') });
    email = new Email(stack, 'Email', { defaultSender: 'Shop <backorders@shop.example>' });
    feedback = new Feedback(stack, 'Feedback', {
      configurationSet: email.configurationSet,
      queue: queues.queues.feedback,
    });
    template = Template.fromStack(stack);
  });

  const configurationSetArn = () =>
    Match.objectLike({
      'Fn::Join': ['', Match.arrayWith([':configuration-set/', { Ref: logicalId(email.configurationSet) }])],
    });

  it('the configuration set publishes sends (to confirm them), bounces and complaints, nothing else, to the topic', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: logicalId(email.configurationSet) },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['send', 'bounce', 'complaint'],
        SnsDestination: { TopicARN: { Ref: logicalId(feedback.topic) } },
      },
    });
  });

  it('the topic is encrypted with a rotating key that SES may use for this configuration set only', () => {
    const key = logicalId(feedback.topic.masterKey!);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    expect(template.toJSON().Resources[key].Properties).toMatchObject({
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: {
              StringEquals: expect.objectContaining({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }),
            },
          }),
        ]),
      },
    });
  });

  it('only SES, for this configuration set, publishes to the topic, and only over TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: logicalId(feedback.topic) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'ses.amazonaws.com' },
            Condition: {
              StringEquals: {
                'AWS:SourceAccount': { Ref: 'AWS::AccountId' },
                'AWS:SourceArn': configurationSetArn(),
              },
            },
          }),
        ]),
      },
    });
  });

  it('the feedback queue subscribes with raw message delivery, so each body is the SES event itself', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      RawMessageDelivery: true,
      TopicArn: { Ref: logicalId(feedback.topic) },
      Endpoint: { 'Fn::GetAtt': [logicalId(queues.queues.feedback), 'Arn'] },
    });
  });

  it("the feedback queue's policy lets this topic, and no other, send to it", () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(queues.queues.feedback) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'sns.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { Ref: logicalId(feedback.topic) } } },
          }),
        ]),
      },
    });
  });
});
