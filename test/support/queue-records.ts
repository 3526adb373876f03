/**
 * Handing a queue consumer its batch directly, as Lambda's SQS event source would: the records, and the
 * DynamoDB requests the handlers' client makes while the batch is handled.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

/** An SQS record of `body` from `queue`, delivered for the first time. */
export const sqsRecord = (
  body: unknown,
  queue: string,
  id = Math.random().toString(36).slice(2),
): SQSRecord =>
  ({
    messageId: id,
    receiptHandle: id,
    body: JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue}`,
    awsRegion: 'us-east-1',
  }) as unknown as SQSRecord;

type Consumer = (event: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

/**
 * The batch being counted. The platform's other functions run in this process too (the local runner's
 * consumers and scheduler) on the same client; only requests made on this batch's behalf are its own.
 */
const countedBatch = new AsyncLocalStorage<string[]>();

/** Runs a consumer on one batch of `messages`, counting the DynamoDB requests it makes for the batch. */
export const deliverCounted = async (consumer: Consumer, queue: string, messages: unknown[]) => {
  const { dynamo } = await import('../../lambdas/runtime/dynamo');
  const requests: string[] = [];
  dynamo.middlewareStack.add(
    (next, context) => (args) => {
      if (countedBatch.getStore() === requests) requests.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countBatchRequests' },
  );
  try {
    const response = await countedBatch.run(requests, () =>
      consumer({ Records: messages.map((message) => sqsRecord(message, queue)) }),
    );
    return { failures: response.batchItemFailures, requests };
  } finally {
    dynamo.middlewareStack.remove('countBatchRequests');
  }
};
