/**
 * Feedback queue consumer: SES bounce and complaint notifications (SES → SNS → SQS) put addresses on the
 * suppression list and are counted for the stats. Failures are reported per record (partial batch
 * response); a body that cannot be read fails every time and so ends in the dead-letter queue.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseSesFeedback } from '../domain/ses-feedback';
import { queueUrl } from '../shared/config';
import { logger } from '../shared/http';
import { processQueueBatch } from '../shared/queue-batch';
import { recordEmailFeedback } from '../use-cases/record-email-feedback';

export const handleFeedbackRecord = async (record: SQSRecord): Promise<void> => {
  try {
    const outcome = await recordEmailFeedback(parseSesFeedback(record.body));
    logger.debug('feedback processed', { messageId: record.messageId, outcome });
  } catch (error) {
    // Said once per try: a record that keeps failing here is the one the dead-letter alarm will point at.
    logger.warn('feedback record failed', { messageId: record.messageId, error: error as Error });
    throw error;
  }
};

export const handleFeedback = (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> =>
  processQueueBatch(event, context, queueUrl('feedback'), handleFeedbackRecord);

export const handler = middy(handleFeedback).use(injectLambdaContext(logger));
