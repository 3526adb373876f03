/**
 * The DynamoDB document client, created once per Lambda instance and configured only by the environment
 * (locally the runner sets the SDK's standard AWS_ENDPOINT_URL_DYNAMODB). One module per client, so a
 * function loads only the SDK packages it uses; made on first use (lambdas/runtime/first-use.ts), so
 * loading a module that names it does not build it.
 */
import type * as DynamoPackage from '@aws-sdk/client-dynamodb';
import type * as DocumentPackage from '@aws-sdk/lib-dynamodb';
import { madeOnFirstUse } from './first-use';

export const dynamo: DocumentPackage.DynamoDBDocumentClient = madeOnFirstUse(() => {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, see above */
  const { DynamoDBClient } = require('@aws-sdk/client-dynamodb') as typeof DynamoPackage;
  const { DynamoDBDocumentClient } = require('@aws-sdk/lib-dynamodb') as typeof DocumentPackage;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
});
