/** The SQS client, once per Lambda instance, configured by the environment (AWS_ENDPOINT_URL_SQS locally). */
import { SQSClient } from '@aws-sdk/client-sqs';

export const sqs = new SQSClient({});
