/**
 * Queues: one SQS queue per entry of `platform.queues`, each with its own dead-letter queue and an alarm
 * that fires as soon as a single message lands there.
 *
 * A message in a dead-letter queue is an email that was never sent (or a job never done) after
 * `maxReceiveCount` tries: someone must look at it, so the threshold is "more than zero", not a rate.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Alerts } from './alerts';
import { constructId } from './ids';
import { queues as queueSpecs, type QueueDefinition, type QueueName } from './platform';

export interface QueuesProps {
  readonly alerts: Alerts;
}

export class Queues extends Construct {
  readonly queues: Record<QueueName, sqs.Queue>;
  readonly deadLetterQueues: Record<QueueName, sqs.Queue>;

  constructor(scope: Construct, id: string, props: QueuesProps) {
    super(scope, id);
    const queues: Partial<Record<QueueName, sqs.Queue>> = {};
    const deadLetterQueues: Partial<Record<QueueName, sqs.Queue>> = {};
    for (const spec of Object.values(queueSpecs) as QueueDefinition[]) {
      const name = spec.name as QueueName;
      const deadLetters = new sqs.Queue(this, `${constructId(name)}DeadLetters`, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        // The longest SQS allows: failed messages wait for a human to inspect and redrive them.
        retentionPeriod: Duration.days(14),
      });
      queues[name] = new sqs.Queue(this, constructId(name), {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: deadLetters, maxReceiveCount: spec.maxReceiveCount },
      });
      deadLetterQueues[name] = deadLetters;
      props.alerts.notify(this.deadLetterAlarm(spec, deadLetters));
    }
    this.queues = queues as Record<QueueName, sqs.Queue>;
    this.deadLetterQueues = deadLetterQueues as Record<QueueName, sqs.Queue>;
  }

  private deadLetterAlarm(spec: QueueDefinition, deadLetters: sqs.Queue): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, `${constructId(spec.name)}DeadLettersAlarm`, {
      alarmDescription: `Messages of the ${spec.name} queue failed ${spec.maxReceiveCount} times and wait in its dead-letter queue (${spec.purpose})`,
      metric: deadLetters.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: 0,
      evaluationPeriods: 1,
      // SQS stops publishing metrics for an idle queue; silence means nothing is waiting.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
