/**
 * No email silently disappears: every queue the spec declares redrives to its own dead-letter queue after
 * the spec's number of tries, and a single message there raises an alarm on the encrypted alerts topic.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Alerts } from '../../lib/alerts';
import { queues as queueSpecs, type QueueDefinition, type QueueName } from '../../lib/platform';
import { Queues } from '../../lib/queues';
import { bareStack, logicalId } from './stacks';

const specs = (Object.values(queueSpecs) as QueueDefinition[]).map((spec) => [spec.name, spec] as const);

describe('Queues', () => {
  let template: Template;
  let queues: Queues;
  let alerts: Alerts;

  beforeAll(() => {
    const stack = bareStack();
    alerts = new Alerts(stack, 'Alerts', { email: 'oncall@shop.example' });
    queues = new Queues(stack, 'Queues', { alerts });
    template = Template.fromStack(stack);
  });

  it.each(specs)(
    'the %s queue redrives to its own dead-letter queue after maxReceiveCount tries',
    (name, spec) => {
      const queue = template.toJSON().Resources[logicalId(queues.queues[name as QueueName])];
      expect(queue.Properties).toMatchObject({
        VisibilityTimeout: spec.visibilityTimeoutSeconds,
        SqsManagedSseEnabled: true,
        RedrivePolicy: {
          deadLetterTargetArn: {
            'Fn::GetAtt': [logicalId(queues.deadLetterQueues[name as QueueName]), 'Arn'],
          },
          maxReceiveCount: spec.maxReceiveCount,
        },
      });
    },
  );

  it.each(specs)('the %s queue and its dead-letter queue are encrypted and refuse plain HTTP', (name) => {
    for (const queue of [queues.queues[name as QueueName], queues.deadLetterQueues[name as QueueName]]) {
      expect(template.toJSON().Resources[logicalId(queue)].Properties.SqsManagedSseEnabled).toBe(true);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalId(queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it.each(specs)('a single message in the %s dead-letter queue alarms the alerts topic', (name) => {
    const topic = { Ref: logicalId(alerts.topic) };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(queues.deadLetterQueues[name as QueueName]), 'QueueName'] },
        },
      ],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
      OKActions: [topic],
    });
  });

  it('the alerts topic is encrypted with a rotating key CloudWatch may use, and mails the on-call address', () => {
    const key = logicalId(alerts.topic.masterKey!);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@shop.example',
    });
  });
});
