/**
 * Feedback queue consumer: SES bounce and complaint notifications (SES → SNS → SQS) put addresses on the
 * suppression list and are counted for the stats; Send events record sends their worker did not. Failures
 * are reported per record (partial batch response); a body that cannot be read (lambdas/domain/ses-feedback.ts
 * reads SES's shapes, SNS-wrapped or raw) fails every time and so ends in the dead-letter queue.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { parseSesFeedback, type EmailFeedback } from '../domain/ses-feedback';
import { logger } from '../runtime/logger';
import { consumeBatch } from '../runtime/queue-consumer';
import { loadOnce } from '../runtime/load-once';

const loadSendEventsStore = loadOnce(() => import('../store/send-events-store'));
const loadRecordEmailFeedback = loadOnce(() => import('../use-cases/record-email-feedback'));

/**
 * The ledger's store and the feedback's use-case, loaded with the first batch rather than with the function
 * (they bring the AWS SDK); the store is kept, so a failure can be told apart by its class.
 */
let sendEvents: typeof import('../store/send-events-store') | undefined;

/**
 * Most of the queue is Send events (one per email), nearly all for sends their worker recorded already: the
 * batch's ledger rows are read in one request, so confirming ten sends costs one read. If that read fails,
 * each record reads its own.
 */
const readSendRecords = async (
  sendRecordsOf: (emailIds: string[]) => Promise<Map<string, Record<string, unknown> | null>>,
  feedback: readonly EmailFeedback[],
): Promise<Map<string, Record<string, unknown> | null> | undefined> => {
  const emailIds = feedback.flatMap((f) => (f.kind === 'sent' ? [f.emailId] : []));
  if (emailIds.length === 0) return undefined;
  return sendRecordsOf(emailIds).catch(() => undefined);
};

export const handleFeedback = consumeBatch({
  queue: 'feedback',
  readBody: parseSesFeedback,
  // Expected: a send still held by its worker comes back when the worker had its time.
  retryAfterSeconds: (error) =>
    sendEvents !== undefined && error instanceof sendEvents.SendNotSettled
      ? error.retryAfterSeconds
      : undefined,
  handleBatch: async (batch) => {
    const [{ sendRecordsOf }, { recordEmailFeedback }] = await Promise.all([
      loadSendEventsStore().then((loaded) => (sendEvents = loaded)),
      loadRecordEmailFeedback(),
    ]);
    const sendRecords = await readSendRecords(
      sendRecordsOf,
      batch.map(({ message }) => message),
    );
    return Promise.allSettled(
      batch.map(async ({ message, record }) => {
        const outcome = await recordEmailFeedback(message, sendRecords);
        logger.debug('feedback processed', { messageId: record.messageId, outcome });
      }),
    );
  },
});

export const handler = middy(handleFeedback).use(injectLambdaContext(logger));
