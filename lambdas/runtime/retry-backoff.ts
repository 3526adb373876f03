/**
 * Exponential backoff for queue records that failed for a transient reason (SES throttling, a send in flight
 * elsewhere): instead of every retry coming back after the same visibility timeout, each one waits twice as
 * long as the last (2 s, 4 s, 8 s … capped), so a throttled burst spreads out while a poison message, whose
 * failures are not transient, still reaches the dead-letter queue at the normal pace.
 */
import type { SQSRecord } from 'aws-lambda';
import { sqs, sqsPackage } from './sqs';

export interface BackoffPolicy {
  /** Wait after the first failure. */
  baseSeconds: number;
  /** The longest wait, however many failures. */
  maxSeconds: number;
}

/** Email: throttling passes in seconds to minutes. */
export const SEND_BACKOFF: BackoffPolicy = { baseSeconds: 2, maxSeconds: 300 };

export const backoffSeconds = (receiveCount: number, policy: BackoffPolicy = SEND_BACKOFF): number =>
  Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** Math.max(0, receiveCount - 1));

export { isTransientFailure } from './transient-failure';

/** Delays each record's redelivery by the seconds given. Best effort: the visibility timeout applies anyway. */
export const delayRedelivery = async (
  queueUrl: string,
  delays: readonly { record: SQSRecord; seconds: number }[],
): Promise<void> => {
  // The SQS package is loaded here, by the first record to back off, not with every consumer.
  const { ChangeMessageVisibilityBatchCommand } = sqsPackage();
  for (let i = 0; i < delays.length; i += 10) {
    await sqs
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: delays.slice(i, i + 10).map(({ record, seconds }, n) => ({
            Id: String(n),
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: Math.max(0, Math.min(43_200, Math.ceil(seconds))),
          })),
        }),
      )
      .catch(() => undefined);
  }
};

/** Delays the redelivery of the given records by their backoff. Best effort: the timeout applies anyway. */
export const backOff = (queueUrl: string, records: SQSRecord[], policy: BackoffPolicy = SEND_BACKOFF) =>
  delayRedelivery(
    queueUrl,
    records.map((record) => ({
      record,
      seconds: backoffSeconds(Number(record.attributes.ApproximateReceiveCount ?? '1'), policy),
    })),
  );
