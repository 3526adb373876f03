/**
 * Scheduling: one EventBridge rule per entry of `platform.schedules`, invoking its function at the declared
 * rate (the local runner ticks the same functions every SCHEDULER_TICK_SECONDS). A failed invocation is
 * retried by EventBridge, and the sweeper itself resumes from its watermark, so a missed tick skips nothing.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { constructId } from './ids';
import { schedules, type FunctionName } from './platform';

export interface SchedulingProps {
  readonly functions: Record<FunctionName, lambda.IFunction>;
}

export class Scheduling extends Construct {
  readonly rules: Record<string, events.Rule>;

  constructor(scope: Construct, id: string, props: SchedulingProps) {
    super(scope, id);
    this.rules = Object.fromEntries(
      schedules.map((schedule) => [
        schedule.name,
        new events.Rule(this, constructId(schedule.name), {
          description: schedule.purpose,
          schedule: events.Schedule.rate(Duration.minutes(schedule.everyMinutes)),
          targets: [new targets.LambdaFunction(props.functions[schedule.function], { retryAttempts: 2 })],
        }),
      ]),
    );
  }
}
