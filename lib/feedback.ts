/**
 * Feedback: SES send, bounce and complaint events reach the feedback function. The configuration set every
 * email is sent with publishes SEND, BOUNCE and COMPLAINT events to an SNS topic; the `feedback` queue (with its
 * dead-letter queue and alarm, from lib/queues.ts) subscribes with raw message delivery, so each message body
 * is the SES event JSON itself, and the feedback function consumes the queue (lib/functions.ts).
 *
 * The topic is encrypted with its own KMS key because SES cannot publish to a topic encrypted with the
 * AWS-managed SNS key: the key policy must let SES use it, for this configuration set only. The queue is
 * SQS-managed encrypted, so SNS needs no key grant to deliver to it.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface FeedbackProps {
  /** The configuration set every email is sent with. */
  readonly configurationSet: ses.IConfigurationSet;
  /** The queue the feedback function consumes. */
  readonly queue: sqs.IQueue;
}

export class Feedback extends Construct {
  readonly topic: sns.Topic;
  readonly eventDestination: ses.ConfigurationSetEventDestination;

  constructor(scope: Construct, id: string, props: FeedbackProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const key = new kms.Key(this, 'Key', {
      description: 'Encrypts the SES bounce and complaint events topic',
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
              service: 'ses',
              resource: 'configuration-set',
              resourceName: props.configurationSet.configurationSetName,
            }),
          },
        },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      masterKey: key,
      enforceSSL: true,
      displayName: 'SES bounces and complaints',
    });
    // Also adds the topic policy that lets SES publish, for this configuration set and account only.
    this.eventDestination = new ses.ConfigurationSetEventDestination(this, 'BouncesAndComplaints', {
      configurationSet: props.configurationSet,
      destination: ses.EventDestination.snsTopic(this.topic),
      // SEND confirms each accepted email by its id tag: a send whose worker died before recording it is
      // recorded from the event, so it is never sent twice (lambdas/domain/email-tag.ts).
      events: [ses.EmailSendingEvent.SEND, ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
    this.topic.addSubscription(new SqsSubscription(props.queue, { rawMessageDelivery: true }));
  }
}
