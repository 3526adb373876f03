/**
 * SQS event sources, as Lambda runs them: poll a queue, hand the consumer a batch, delete what succeeded.
 * Records named in `batchItemFailures` (or a whole batch whose invocation threw) stay on the queue, become
 * visible again after the visibility timeout, and move to the dead-letter queue after maxReceiveCount tries
 * (local-aws-sqs applies the redrive policy).
 */
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { queues, type QueueDefinition, type QueueName } from '../lib/platform';
import type { LambdaHandler } from './handlers';
import { lambdaContext } from './lambda-context';

export interface EventSourceOptions {
  sqs: SQSClient;
  queueUrls: Record<QueueName, string>;
  handlers: Record<string, LambdaHandler>;
  /** Pollers per queue (default: the queue's maxConcurrency), as Lambda runs several batches at once. */
  concurrency?: number;
  onError?: (queue: string, error: unknown) => void;
}

const queueArn = (url: string) => `arn:aws:sqs:us-east-1:000000000000:${url.split('/').pop()}`;

const toRecord = (message: Message, url: string): SQSRecord => ({
  messageId: message.MessageId!,
  receiptHandle: message.ReceiptHandle!,
  body: message.Body ?? '',
  attributes: {
    ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
    SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
    SenderId: message.Attributes?.SenderId ?? 'local',
    ApproximateFirstReceiveTimestamp:
      message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody:
    message.MD5OfBody ??
    createHash('md5')
      .update(message.Body ?? '')
      .digest('hex'),
  eventSource: 'aws:sqs',
  eventSourceARN: queueArn(url),
  awsRegion: 'us-east-1',
});

export const startEventSources = (options: EventSourceOptions) => {
  let running = true;
  const loops: Promise<void>[] = [];
  const inFlight = new Set<Promise<unknown>>();

  const pollOnce = async (name: QueueName, queue: QueueDefinition, url: string): Promise<number> => {
    const { Messages = [] } = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: Math.min(queue.batchSize, 10),
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
        // local-aws-sqs reads only the older name; without it every record would say it was received once.
        AttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0 || !running) return Messages.length;
    const event: SQSEvent = { Records: Messages.map((m) => toRecord(m, url)) };
    let failed = new Set<string>();
    try {
      const invocation = options.handlers[queue.consumer](event, lambdaContext(queue.consumer));
      inFlight.add(invocation);
      const response = (await invocation.finally(() => inFlight.delete(invocation))) as
        SQSBatchResponse | undefined;
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      // A thrown invocation fails the whole batch, as on Lambda.
      options.onError?.(name, error);
      return Messages.length;
    }
    const done = Messages.filter((m) => !failed.has(m.MessageId!));
    if (done.length > 0) {
      await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    return Messages.length;
  };

  for (const [name, queue] of Object.entries(queues) as [QueueName, QueueDefinition][]) {
    const url = options.queueUrls[name];
    for (let i = 0; i < (options.concurrency ?? queue.maxConcurrency); i++) {
      loops.push(
        (async () => {
          while (running) {
            try {
              await pollOnce(name, queue, url);
            } catch (error) {
              if (!running) break;
              options.onError?.(name, error);
              await new Promise((r) => setTimeout(r, 500));
            }
          }
        })(),
      );
    }
  }

  return {
    /** Stops polling and waits for batches being handled to finish. */
    stop: async () => {
      running = false;
      await Promise.allSettled([...inFlight]);
      await Promise.allSettled(loops);
    },
  };
};
