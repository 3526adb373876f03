/**
 * The shape every queue consumer shares: records handled independently, failures reported per record
 * (partial batch response) so one bad message never repeats the others, passing failures (throttling, a
 * claim held elsewhere) retried with exponential backoff, and poison messages left to reach the DLQ.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { backOff, isPassingFailure, SEND_BACKOFF, type BackoffPolicy } from './retry-backoff';

export interface QueueBatchOptions {
  /** Failures that come back after a backoff rather than the visibility timeout (default: throttling, outages). */
  isPassing?: (error: unknown) => boolean;
  backoff?: BackoffPolicy;
}

export const processQueueBatch = async (
  event: SQSEvent,
  context: Context | undefined,
  queueUrl: string,
  handleRecord: (record: SQSRecord) => Promise<void>,
  { isPassing = isPassingFailure, backoff = SEND_BACKOFF }: QueueBatchOptions = {},
): Promise<SQSBatchResponse> => {
  const passing: SQSRecord[] = [];
  // A processor per invocation: it holds the batch's state, and the local runner (unlike one Lambda
  // instance) may run several batches in one process at once.
  const response = await processPartialResponse(
    event,
    async (record: SQSRecord) => {
      try {
        await handleRecord(record);
      } catch (error) {
        if (isPassing(error)) passing.push(record);
        throw error;
      }
    },
    new BatchProcessor(EventType.SQS),
    { context: context as Context, throwOnFullBatchFailure: false },
  );
  if (passing.length > 0) await backOff(queueUrl, passing, backoff);
  return response;
};
