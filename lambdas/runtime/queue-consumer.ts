/**
 * The one way a queue is consumed. Every record's body is read first with its message's schema
 * (lambdas/messages): a malformed (poison) message is logged once and failed, so after its tries it waits in
 * the dead-letter queue for a human. Valid messages are handled, and failures are reported per record
 * (partial batch response) so one bad message never repeats the others. A failure that passes on its own
 * (throttling, a claim held elsewhere) comes back after an exponential backoff, so a throttled burst spreads
 * out; one that knows when it can succeed (`retryAfterSeconds`) comes back then; any other comes back after
 * the queue's visibility timeout, so a message that keeps failing reaches the dead-letter queue at the
 * normal pace.
 *
 * Two shapes of handler, with the same rules: `consumeEach` handles each message on its own;
 * `consumeBatch` hands all the batch's valid messages to one call that answers each one's outcome, for work
 * the messages of a batch share (one ledger claim for ten alerts, one read for ten Send events).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueName } from '../../lib/platform';
import { queueUrl } from './config';
import { logger } from './logger';
import {
  backOff,
  delayRedelivery,
  isTransientFailure,
  SEND_BACKOFF,
  type BackoffPolicy,
} from './retry-backoff';

/** A message's schema (a zod schema, mini or classic): answers the message, or throws. */
export interface MessageSchema<M> {
  parse(data: unknown): M;
}

/** How a record's body is read: JSON checked by the message's schema, or (a body not ours) by a reader. */
export type MessageReader<M> =
  | { schema: MessageSchema<M>; readBody?: never }
  | {
      /** Reads the raw body; throws when it cannot (the message is poison). */
      readBody: (body: string) => M;
      schema?: never;
    };

export type ConsumerOptions<M> = MessageReader<M> & {
  queue: QueueName;
  /** Failures that come back after a backoff rather than the visibility timeout (default: throttling, outages). */
  isTransient?: (error: unknown) => boolean;
  /** The backoff of transient failures (default: the email one, 2 s doubling to 5 min). */
  backoff?: BackoffPolicy;
  /** Seconds until a failed message should come back, for failures that know (otherwise the rules above). */
  retryAfterSeconds?: (error: unknown) => number | undefined;
};

/** A valid message and the record that carried it (its id, its receive count). */
export interface QueuedMessage<M> {
  message: M;
  record: SQSRecord;
}

export type QueueConsumer = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

/** Reads one record's body: its message, or why it cannot be read (then the record is poison). */
const readRecord = <M>(
  reader: MessageReader<M>,
  record: SQSRecord,
): { message: M } | { malformed: unknown } => {
  try {
    return {
      message: reader.readBody ? reader.readBody(record.body) : reader.schema.parse(JSON.parse(record.body)),
    };
  } catch (error) {
    return { malformed: error };
  }
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Handles a batch's valid messages; answers each one's outcome, in the same order. */
export type BatchHandler<M> = (messages: QueuedMessage<M>[]) => Promise<PromiseSettledResult<unknown>[]>;

/** Reads the batch, has its valid messages handled, and reports and delays the failures by the rules above. */
const consume = async <M>(
  options: ConsumerOptions<M> & { handleBatch: BatchHandler<M> },
  event: SQSEvent,
  context: Context | undefined,
): Promise<SQSBatchResponse> => {
  const { queue, isTransient = isTransientFailure, backoff = SEND_BACKOFF, retryAfterSeconds } = options;
  // Each record read once, before any is handled: the handler gets every valid message at once.
  const valid: QueuedMessage<M>[] = [];
  const reads = new Map<SQSRecord, { index: number } | { malformed: unknown }>();
  for (const record of event.Records) {
    const read = readRecord(options, record);
    if ('malformed' in read) reads.set(record, read);
    else reads.set(record, { index: valid.push({ message: read.message, record }) - 1 });
  }
  // Started by the first message that asks, so a batch with nothing valid makes no call at all.
  let outcomes: Promise<PromiseSettledResult<unknown>[]> | undefined;
  const batch: { failed: boolean; error?: unknown } = { failed: false };
  const outcomeOf = async (index: number): Promise<void> => {
    outcomes ??= options.handleBatch(valid).catch((error: unknown) => {
      // Every message fails with it: said once for the batch, not again for each.
      logger.warn('queue batch failed', { queue, error: messageOf(error) });
      batch.failed = true;
      batch.error = error;
      throw error;
    });
    const outcome = (await outcomes)[index];
    if (outcome.status === 'rejected') throw outcome.reason;
  };
  const transient: SQSRecord[] = [];
  const timed: { record: SQSRecord; seconds: number }[] = [];
  // A processor per invocation: it holds the batch's state, and the local runner (unlike one Lambda
  // instance) may run several batches in one process at once.
  const response = await processPartialResponse(
    event,
    async (record: SQSRecord) => {
      // Powertools hands each record of the event as it is.
      const read = reads.get(record)!;
      if ('malformed' in read) {
        // Poison: it fails every time, so it reaches the dead-letter queue; said once per try.
        logger.error('malformed queue message', {
          queue,
          messageId: record.messageId,
          error: messageOf(read.malformed),
        });
        throw read.malformed;
      }
      try {
        await outcomeOf(read.index);
      } catch (error) {
        const seconds = retryAfterSeconds?.(error);
        if (seconds !== undefined) timed.push({ record, seconds });
        else if (isTransient(error)) transient.push(record);
        else if (!(batch.failed && error === batch.error))
          logger.warn('queue message failed', {
            queue,
            messageId: record.messageId,
            error: messageOf(error),
          });
        throw error;
      }
    },
    new BatchProcessor(EventType.SQS),
    { context: context as Context, throwOnFullBatchFailure: false },
  );
  if (transient.length > 0) await backOff(queueUrl(queue), transient, backoff);
  if (timed.length > 0) await delayRedelivery(queueUrl(queue), timed);
  return response;
};

/**
 * A consumer whose batch is handled by one call: `handleBatch` gets every valid message of the batch and
 * answers each one's outcome, in the same order. If it throws, every message fails with that error and is
 * retried by the rules above.
 */
export const consumeBatch =
  <M>(options: ConsumerOptions<M> & { handleBatch: BatchHandler<M> }): QueueConsumer =>
  (event, context) =>
    consume(options, event, context);

/** A consumer whose messages are each handled on their own, all of a batch at once. */
export const consumeEach = <M>(
  options: ConsumerOptions<M> & {
    /** Handles one message; throws to have it retried (by the rules above). */
    handle: (message: M, record: SQSRecord) => Promise<void>;
  },
): QueueConsumer =>
  consumeBatch({
    ...options,
    handleBatch: (batch) =>
      Promise.allSettled(batch.map(({ message, record }) => options.handle(message, record))),
  });
