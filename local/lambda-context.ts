/**
 * A Lambda context for local invocations, so Powertools and middy see what they would on AWS.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { functions, type FunctionName } from '../lib/platform';

export const lambdaContext = (fn: FunctionName): Context => {
  const definition = functions[fn];
  const deadline = Date.now() + definition.timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: fn,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${fn}`,
    memoryLimitInMB: String(definition.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
