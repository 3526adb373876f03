/**
 * Schedules come from lib/platform.ts: each is an EventBridge rule at its declared rate that invokes its
 * function, which EventBridge is allowed to call.
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { schedules, type FunctionName } from '../../lib/platform';
import { Scheduling } from '../../lib/scheduling';
import { bareStack, logicalId } from './stacks';

describe('Scheduling', () => {
  const stack: Stack = bareStack();
  const functions = Object.fromEntries(
    schedules.map((s) => [
      s.function,
      new lambda.Function(stack, `${s.function}Fn`, {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {}'),
      }),
    ]),
  ) as Record<FunctionName, lambda.Function>;
  new Scheduling(stack, 'Scheduling', { functions });
  const template = Template.fromStack(stack);

  it.each(schedules.map((s) => [s.name, s] as const))(
    '%s invokes its function at its rate',
    (_name, schedule) => {
      const minutes = schedule.everyMinutes;
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: `rate(${minutes} minute${minutes === 1 ? '' : 's'})`,
        State: 'ENABLED',
        Targets: Match.arrayWith([
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [logicalId(functions[schedule.function]), 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 2 },
          }),
        ]),
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [logicalId(functions[schedule.function]), 'Arn'] },
      });
    },
  );
});
