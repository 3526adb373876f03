/**
 * AWS clients, created once per Lambda instance. They are configured only by the environment: on AWS by the
 * runtime, locally by the SDK's standard AWS_ENDPOINT_URL_DYNAMODB / _SQS / _SES variables that the local
 * runner sets. No handler knows whether it runs locally.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SESClient } from '@aws-sdk/client-ses';

export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
export const sqs = new SQSClient({});
export const ses = new SESClient({});
