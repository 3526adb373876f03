/**
 * The shape every queue consumer shares: records handled independently, failures reported per record
 * (partial batch response) so one bad message never repeats the others, transient failures (throttling, a
 * claim held elsewhere) retried with exponential backoff, and poison messages left to reach the DLQ.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  backOff,
  delayRedelivery,
  isTransientFailure,
  SEND_BACKOFF,
  type BackoffPolicy,
} from './retry-backoff';

export interface QueueBatchOptions {
  /** Failures that come back after a backoff rather than the visibility timeout (default: throttling, outages). */
  isTransient?: (error: unknown) => boolean;
  backoff?: BackoffPolicy;
  /** Seconds until a failed record should come back, for failures that know (otherwise the backoff applies). */
  retryAfterSeconds?: (error: unknown) => number | undefined;
}

export const processQueueBatch = async (
  event: SQSEvent,
  context: Context | undefined,
  queueUrl: string,
  handleRecord: (record: SQSRecord) => Promise<void>,
  { isTransient = isTransientFailure, backoff = SEND_BACKOFF, retryAfterSeconds }: QueueBatchOptions = {},
): Promise<SQSBatchResponse> => {
  const transient: SQSRecord[] = [];
  const timed: { record: SQSRecord; seconds: number }[] = [];
  // A processor per invocation: it holds the batch's state, and the local runner (unlike one Lambda
  // instance) may run several batches in one process at once.
  const response = await processPartialResponse(
    event,
    async (record: SQSRecord) => {
      try {
        await handleRecord(record);
      } catch (error) {
        const seconds = retryAfterSeconds?.(error);
        if (seconds !== undefined) timed.push({ record, seconds });
        else if (isTransient(error)) transient.push(record);
        throw error;
      }
    },
    new BatchProcessor(EventType.SQS),
    { context: context as Context, throwOnFullBatchFailure: false },
  );
  if (transient.length > 0) await backOff(queueUrl, transient, backoff);
  if (timed.length > 0) await delayRedelivery(queueUrl, timed);
  return response;
};
