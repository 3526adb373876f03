/**
 * Feedback queue consumer: SES bounce and complaint notifications (SES → SNS → SQS) put addresses on the
 * suppression list and are counted for the stats; Send events record sends their worker did not. Failures
 * are reported per record (partial batch response); a body that cannot be read fails every time and so ends
 * in the dead-letter queue.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseSesFeedback, type EmailFeedback } from '../domain/ses-feedback';
import { queueUrl } from '../runtime/config';
import { logger } from '../runtime/logger';
import { processQueueBatch } from '../runtime/queue-batch';
import { SendNotSettled, sendRecordsOf } from '../store/send-events-store';
import { recordEmailFeedback } from '../use-cases/record-email-feedback';

type Parsed = { feedback: EmailFeedback } | { error: unknown };

/** Each record's body read once: what it says, or why it cannot be read (that record fails on its own). */
const parseAll = (event: SQSEvent): Map<string, Parsed> =>
  new Map(
    event.Records.map((record): [string, Parsed] => {
      try {
        return [record.messageId, { feedback: parseSesFeedback(record.body) }];
      } catch (error) {
        return [record.messageId, { error }];
      }
    }),
  );

/**
 * Most of the queue is Send events (one per email), nearly all for sends their worker recorded already: the
 * batch's ledger rows are read in one request, so confirming ten sends costs one read. If that read fails,
 * each record reads its own.
 */
const readSendRecords = async (
  parsed: Map<string, Parsed>,
): Promise<Map<string, Record<string, unknown> | null> | undefined> => {
  const emailIds = [...parsed.values()].flatMap((p) =>
    'feedback' in p && p.feedback.kind === 'sent' ? [p.feedback.emailId] : [],
  );
  if (emailIds.length === 0) return undefined;
  return sendRecordsOf(emailIds).catch(() => undefined);
};

export const handleFeedback = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
  const parsed = parseAll(event);
  const sendRecords = await readSendRecords(parsed);
  return processQueueBatch(
    event,
    context,
    queueUrl('feedback'),
    async (record: SQSRecord) => {
      const read = parsed.get(record.messageId)!;
      try {
        if ('error' in read) throw read.error;
        const outcome = await recordEmailFeedback(read.feedback, sendRecords);
        logger.debug('feedback processed', { messageId: record.messageId, outcome });
      } catch (error) {
        if (error instanceof SendNotSettled) throw error; // Expected: it comes back when the worker had its time.
        // Said once per try: a record that keeps failing here is the one the dead-letter alarm will point at.
        logger.warn('feedback record failed', { messageId: record.messageId, error: error as Error });
        throw error;
      }
    },
    { retryAfterSeconds: (error) => (error instanceof SendNotSettled ? error.retryAfterSeconds : undefined) },
  );
};

export const handler = middy(handleFeedback).use(injectLambdaContext(logger));
