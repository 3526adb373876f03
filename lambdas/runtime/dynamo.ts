/**
 * The DynamoDB document client, created once per Lambda instance and configured only by the environment
 * (locally the runner sets the SDK's standard AWS_ENDPOINT_URL_DYNAMODB). One module per client, so a
 * function loads only the SDK packages it uses.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
